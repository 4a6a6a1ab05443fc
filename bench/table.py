#!/usr/bin/env python3
"""Writes the medians and ratios of bench/results.csv into BENCHMARKS.md, between the
`<!-- results:begin -->` and `<!-- results:end -->` markers, and the memory readings of
bench/results.log between `<!-- memory:begin -->` and `<!-- memory:end -->`. Standard library
only."""

import csv
import re
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "results.csv"
LOG = HERE / "results.log"
TARGET = HERE.parent / "BENCHMARKS.md"


ORDER = {"sqlite": 0, "postgres": 1, "mysql": 2}
HEADER = re.compile(r"^backend (\w+), (\d+) comments")
MEMORY = re.compile(
    r"^memory_(crate|sql)_kib: rss (\d+) \(start (\d+), growth (\d+)\), heap (\d+) \(start (\d+), growth (\d+)\)"
)


def replace_between(text, marker, table):
    return re.sub(
        rf"(<!-- {marker}:begin -->\n).*?(<!-- {marker}:end -->)",
        lambda match: match.group(1) + table + "\n" + match.group(2),
        text,
        flags=re.S,
    )


def memory_table():
    """Per backend and size: the crate's resident set (start, peak) and heap growth, and the
    hand-written SQL's peak beside it, as each probe printed them."""
    readings = defaultdict(dict)
    run = None
    for line in LOG.read_text().splitlines():
        if header := HEADER.match(line):
            run = (header.group(1), int(header.group(2)))
        elif (memory := MEMORY.match(line)) and run:
            readings[run][memory.group(1)] = [int(value) for value in memory.groups()[1:]]
    lines = [
        "| backend | rows | crate: resident start | crate: resident peak | crate: heap growth | "
        "SQL: resident peak | SQL: heap growth |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (backend, rows), who in sorted(readings.items(), key=lambda item: (ORDER.get(item[0][0], 9), item[0][1])):
        crate, sql = who.get("crate"), who.get("sql")
        if not crate or not sql:
            continue
        lines.append(
            f"| {backend} | {rows:,} | {crate[1]:,} | {crate[0]:,} | {crate[5]:,} | {sql[0]:,} | {sql[5]:,} |"
        )
    return "\n".join(lines)


def main():
    runs = defaultdict(dict)
    with SOURCE.open() as rows:
        for row in csv.DictReader(rows):
            if row.get("shape", "timestamp") != "timestamp":
                continue
            runs[(row["backend"], int(row["rows"]))][row["contender"]] = (
                float(row["delete_seconds"]),
                float(row["restore_seconds"]),
            )
    lines = [
        "| backend | rows | (a) crate delete | (b) SQL delete | (c) row-by-row delete | a/b delete | "
        "(a) crate restore | (b) SQL restore | a/b restore | c/a delete |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (backend, rows), contenders in sorted(runs.items(), key=lambda item: (ORDER.get(item[0][0], 9), item[0][1])):
        a, b, c = (contenders.get(key) for key in "abc")
        seconds = lambda value, index: f"{value[index]:.4f}" if value else "-"
        ratio = lambda top, bottom, index=0, other=None: (
            f"{top[index] / bottom[other if other is not None else index]:.2f}" if top and bottom else "-"
        )
        lines.append(
            f"| {backend} | {rows:,} | {seconds(a, 0)} | {seconds(b, 0)} | {seconds(c, 0)} | {ratio(a, b)} | "
            f"{seconds(a, 1)} | {seconds(b, 1)} | {ratio(a, b, 1)} | {ratio(c, a)} |"
        )
    table = "\n".join(lines)
    memory = memory_table()
    text = replace_between(TARGET.read_text(), "results", table)
    text = replace_between(text, "memory", memory)
    TARGET.write_text(text)
    print(table)
    print()
    print(memory)


if __name__ == "__main__":
    main()
