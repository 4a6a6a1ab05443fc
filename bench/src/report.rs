//! Medians, a CSV row per contender for the chart, and the closing ratio line.

use std::io::Write as _;

use crate::Timings;
use crate::args::Args;

fn median(samples: &[f64]) -> Option<f64> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied()
}

fn cell(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |seconds| format!("{seconds:.4}"))
}

pub(crate) fn print(args: &Args, timings: &Timings) {
    let rows = [
        (
            "a crate",
            median(&timings.crate_delete),
            median(&timings.crate_restore),
        ),
        (
            "b hand-written SQL",
            median(&timings.sql_delete),
            median(&timings.sql_restore),
        ),
        (
            "c row by row",
            median(&timings.rowwise_delete),
            median(&timings.rowwise_restore),
        ),
    ];
    println!(
        "backend {}, {} comments under {} issues, {} runs each (medians, seconds)",
        args.backend,
        args.rows,
        args.rows / 10,
        args.repeat
    );
    println!("{:<20} {:>12} {:>12}", "contender", "delete", "restore");
    for (name, delete, restore) in rows {
        println!("{name:<20} {:>12} {:>12}", cell(delete), cell(restore));
    }
    let ratio = |top: Option<f64>, bottom: Option<f64>| match (top, bottom) {
        (Some(top), Some(bottom)) if bottom > 0.0 => format!("{:.3}", top / bottom),
        _ => "nan".to_owned(),
    };
    let (crate_delete, sql_delete, rowwise_delete) = (rows[0].1, rows[1].1, rows[2].1);
    println!(
        "restore: ratio_crate_vs_sql={}",
        ratio(rows[0].2, rows[1].2)
    );
    for (who, reading) in [("crate", timings.memory), ("sql", timings.memory_sql)] {
        if let Some(reading) = reading {
            println!("memory_{who}_kib: rss {reading} (one delete and restore in a fresh process)");
        }
    }
    if let Some(path) = &args.csv {
        append_csv(path, args, &rows);
    }
    println!(
        "ratio_crate_vs_sql={} ratio_rowwise_vs_crate={} rows={} backend={}",
        ratio(crate_delete, sql_delete),
        ratio(rowwise_delete, crate_delete),
        args.rows,
        args.backend
    );
}

fn append_csv(path: &str, args: &Args, rows: &[(&str, Option<f64>, Option<f64>)]) {
    let new = !std::path::Path::new(path).exists();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|error| panic!("cannot write {path}: {error}"));
    if new {
        writeln!(
            file,
            "backend,rows,contender,delete_seconds,restore_seconds"
        )
        .expect("write csv");
    }
    for (name, delete, restore) in rows {
        if let (Some(delete), Some(restore)) = (delete, restore) {
            let contender = name.split_whitespace().next().unwrap_or(name);
            writeln!(
                file,
                "{},{},{contender},{delete},{restore}",
                args.backend, args.rows
            )
            .expect("write csv");
        }
    }
}
