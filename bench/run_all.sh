#!/usr/bin/env bash
# Runs the benchmark matrix behind BENCHMARKS.md: every backend, 1,000 to 1,000,000 rows.
# Appends medians to bench/results.csv (drawn by bench/chart.py) and keeps each run's output in
# bench/results.log (bench/table.py reads the memory readings there). Needs the servers
# `.ci/services` starts.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p soft_delete_bench --features postgres,mysql
rm -f bench/results.csv bench/results.log
for backend in sqlite postgres mysql; do
    for rows in 1000 10000 100000 1000000; do
        memory=()
        [[ $rows == 1000 || $rows == 1000000 ]] && memory=(--memory)
        # SQLite's operations take milliseconds, so its medians need more runs to settle.
        repeat=3
        [[ $backend == sqlite ]] && repeat=9
        ./target/release/soft_delete_bench --backend "$backend" --rows "$rows" --repeat "$repeat" \
            --csv bench/results.csv "${memory[@]}" | tee -a bench/results.log
        echo | tee -a bench/results.log
    done
done
