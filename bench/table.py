#!/usr/bin/env python3
"""Writes the medians and ratios of bench/results.csv into BENCHMARKS.md, between the
`<!-- results:begin -->` and `<!-- results:end -->` markers. Standard library only."""

import csv
import re
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "results.csv"
TARGET = HERE.parent / "BENCHMARKS.md"


def main():
    runs = defaultdict(dict)
    with SOURCE.open() as rows:
        for row in csv.DictReader(rows):
            runs[(row["backend"], int(row["rows"]))][row["contender"]] = (
                float(row["delete_seconds"]),
                float(row["restore_seconds"]),
            )
    lines = [
        "| backend | rows | (a) crate delete | (b) SQL delete | (c) row-by-row delete | a/b delete | "
        "(a) crate restore | (b) SQL restore | a/b restore | c/a delete |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = {"sqlite": 0, "postgres": 1, "mysql": 2}
    for (backend, rows), contenders in sorted(runs.items(), key=lambda item: (order.get(item[0][0], 9), item[0][1])):
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
    text = TARGET.read_text()
    text = re.sub(
        r"(<!-- results:begin -->\n).*?(<!-- results:end -->)",
        lambda match: match.group(1) + table + "\n" + match.group(2),
        text,
        flags=re.S,
    )
    TARGET.write_text(text)
    print(table)


if __name__ == "__main__":
    main()
