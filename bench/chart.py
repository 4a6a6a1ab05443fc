#!/usr/bin/env python3
"""Draws bench/results.csv as bench/cascade.svg: time against rows, log-log, one line per
contender, one panel per backend and one row of panels per measurement: the timestamp tree's
delete, the flag tree's restore (through the ledger) and the purge, each where the CSV has it.
Standard library only."""

import csv
import math
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results.csv"
TARGET = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "cascade.svg"

COLOURS = {"a": "#1f77b4", "b": "#2ca02c", "c": "#d62728"}
NAMES = {"a": "(a) soft_delete", "b": "(b) hand-written SQL", "c": "(c) row by row"}
PANEL_W, PANEL_H, MARGIN = 300, 240, 60


# (shape in the CSV, its column, the row's title)
MEASUREMENTS = [
    ("timestamp", "delete_seconds", "timestamp tree, delete"),
    ("flag", "restore_seconds", "flag tree, restore"),
    ("purge", "delete_seconds", "purge"),
]
ROW_H = PANEL_H + 100


def load(shape, column):
    series = defaultdict(lambda: defaultdict(list))
    with SOURCE.open() as rows:
        for row in csv.DictReader(rows):
            if row.get("shape", "timestamp") != shape or not row[column]:
                continue
            series[row["backend"]][row["contender"]].append(
                (int(row["rows"]), float(row[column]))
            )
    return series


def panel(title, lines, x0, top):
    points = [point for line in lines.values() for point in line]
    xs = [math.log10(rows) for rows, _ in points]
    ys = [math.log10(max(seconds, 1e-5)) for _, seconds in points]
    x_lo, x_hi = math.floor(min(xs)), math.ceil(max(xs))
    y_lo, y_hi = math.floor(min(ys)), math.ceil(max(ys))

    def at(rows, seconds):
        x = x0 + MARGIN + (math.log10(rows) - x_lo) / max(x_hi - x_lo, 1) * PANEL_W
        y = top + 30 + PANEL_H - (math.log10(max(seconds, 1e-5)) - y_lo) / max(y_hi - y_lo, 1) * PANEL_H
        return x, y

    out = [f'<text x="{x0 + MARGIN + PANEL_W / 2}" y="{top + 20}" text-anchor="middle" font-weight="bold">{title}</text>']
    out.append(f'<rect x="{x0 + MARGIN}" y="{top + 30}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#999"/>')
    for decade in range(x_lo, x_hi + 1):
        x, _ = at(10**decade, 10**y_lo)
        out.append(f'<line x1="{x}" y1="{top + 30}" x2="{x}" y2="{top + 30 + PANEL_H}" stroke="#eee"/>')
        out.append(f'<text x="{x}" y="{top + 48 + PANEL_H}" text-anchor="middle" font-size="11">1e{decade}</text>')
    for decade in range(y_lo, y_hi + 1):
        _, y = at(10**x_lo, 10**decade)
        out.append(f'<line x1="{x0 + MARGIN}" y1="{y}" x2="{x0 + MARGIN + PANEL_W}" y2="{y}" stroke="#eee"/>')
        out.append(f'<text x="{x0 + MARGIN - 6}" y="{y + 4}" text-anchor="end" font-size="11">1e{decade} s</text>')
    out.append(f'<text x="{x0 + MARGIN + PANEL_W / 2}" y="{top + 66 + PANEL_H}" text-anchor="middle" font-size="12">rows</text>')
    for contender, line in sorted(lines.items()):
        line = sorted(line)
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(*point) for point in line))
        colour = COLOURS.get(contender, "#000")
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for point in line:
            x, y = at(*point)
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
    return out


def main():
    body = []
    rows = 0
    width = 0
    for shape, column, title in MEASUREMENTS:
        series = load(shape, column)
        backends = [name for name in ("sqlite", "postgres", "mysql") if name in series]
        if not backends:
            continue
        width = max(width, len(backends) * (PANEL_W + MARGIN + 20) + 20)
        for index, backend in enumerate(backends):
            x0 = 10 + index * (PANEL_W + MARGIN + 20)
            body += panel(f"{title}: {backend}", series[backend], x0, rows * ROW_H)
        rows += 1
    height = rows * ROW_H + 30
    for index, contender in enumerate("abc"):
        x = 20 + index * 220
        body.append(f'<rect x="{x}" y="{height - 22}" width="14" height="4" fill="{COLOURS[contender]}"/>')
        body.append(f'<text x="{x + 20}" y="{height - 16}" font-size="12">{NAMES[contender]}</text>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="13">\n<rect width="100%" height="100%" fill="white"/>\n'
        + "\n".join(body)
        + "\n</svg>\n"
    )
    TARGET.write_text(svg)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
