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

/// The tree's size and runs, and the column heads of a delete and restore table.
fn print_tree_header(args: &Args) {
    println!(
        "backend {}, {} comments under {} issues, {} runs each (medians, seconds)",
        args.backend,
        args.rows,
        args.rows / 10,
        args.repeat
    );
    println!("{:<20} {:>12} {:>12}", "contender", "delete", "restore");
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
    print_tree_header(args);
    for (name, delete, restore) in rows {
        println!("{name:<20} {:>12} {:>12}", cell(delete), cell(restore));
    }
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
            "shape,backend,rows,contender,delete_seconds,restore_seconds"
        )
        .expect("write csv");
    }
    // The tree the run built, or `purge`, whose one operation stands in the delete column.
    let shape = match (args.scenario, args.tree) {
        (crate::args::Scenario::Purge, _) => "purge",
        (_, crate::args::Tree::Flag) => "flag",
        _ => "timestamp",
    };
    for (name, delete, restore) in rows {
        if let Some(delete) = delete {
            let contender = name.split_whitespace().next().unwrap_or(name);
            let restore = restore.map_or_else(String::new, |seconds| seconds.to_string());
            writeln!(
                file,
                "{shape},{},{},{contender},{delete},{restore}",
                args.backend, args.rows
            )
            .expect("write csv");
        }
    }
}

/// The small cascades' medians per operation, with the statements each sends.
pub(crate) fn print_small<S: SmallRun>(args: &Args, run: &S) {
    let [crate_delete, crate_restore, sql_delete, sql_restore] = run.samples();
    let statements = run.statements();
    let (a_delete, a_restore, b_delete, b_restore) = (
        median(crate_delete),
        median(crate_restore),
        median(sql_delete),
        median(sql_restore),
    );
    let micros = |seconds: Option<f64>| {
        seconds.map_or_else(|| "-".to_owned(), |s| format!("{:.1}", s * 1e6))
    };
    println!(
        "backend {}, 1 repo -> 10 issues -> 100 comments among {} comments, {} operations each \
         (medians, microseconds)",
        args.backend,
        (args.rows / 100).max(1) * 100,
        crate_delete.len()
    );
    println!(
        "{:<20} {:>12} {:>11} {:>12} {:>11}",
        "contender", "delete", "statements", "restore", "statements"
    );
    println!(
        "{:<20} {:>12} {:>11} {:>12} {:>11}",
        "a crate",
        micros(a_delete),
        statements[0],
        micros(a_restore),
        statements[1]
    );
    println!(
        "{:<20} {:>12} {:>11} {:>12} {:>11}",
        "b hand-written SQL",
        micros(b_delete),
        statements[2],
        micros(b_restore),
        statements[3]
    );
    println!(
        "small_ratio_crate_vs_sql delete={} restore={} statements_crate={}+{} statements_sql={}+{} backend={}",
        ratio(a_delete, b_delete),
        ratio(a_restore, b_restore),
        statements[0],
        statements[1],
        statements[2],
        statements[3],
        args.backend
    );
}

/// What the small-cascade scenario measured: the samples of each operation, and statements.
pub(crate) trait SmallRun {
    /// Crate delete, crate restore, SQL delete, SQL restore.
    fn samples(&self) -> [&[f64]; 4];
    /// Statements each sent, in the same order.
    fn statements(&self) -> [usize; 4];
}

/// What the purge scenario measured.
pub(crate) trait PurgeRun {
    /// Crate purges, SQL purges, seconds.
    fn samples(&self) -> [&[f64]; 2];
    /// Memory of the crate's first purge.
    fn memory(&self) -> Option<crate::memory::Memory>;
}

/// The purges' medians, their ratio, and the crate's memory.
pub(crate) fn print_purge<P: PurgeRun>(args: &Args, run: &P, batch: usize) {
    let [crate_purge, sql_purge] = run.samples();
    let (a, b) = (median(crate_purge), median(sql_purge));
    println!(
        "backend {}, {} tombstoned rows purged in batches of {batch} repos, {} runs each (medians, seconds)",
        args.backend, args.rows, args.repeat
    );
    println!("{:<20} {:>12}", "contender", "purge");
    println!("{:<20} {:>12}", "a crate", cell(a));
    println!("{:<20} {:>12}", "b hand-written SQL", cell(b));
    if let Some(memory) = run.memory() {
        println!("memory_crate_purge_kib: rss {memory}");
    }
    if let Some(path) = &args.csv {
        append_csv(path, args, &[("a", a, None), ("b", b, None)]);
    }
    println!(
        "purge_ratio_crate_vs_sql={} rows={} backend={}",
        ratio(a, b),
        args.rows,
        args.backend
    );
}

/// What the detector scenario measured.
pub(crate) trait DetectorRun {
    /// Seconds per run of the reads with the detector, and without it.
    fn samples(&self) -> [&[f64]; 2];
}

/// The reads' medians with and without the detector, per read, and their ratio.
pub(crate) fn print_detector<D: DetectorRun>(args: &Args, run: &D, reads: usize) {
    let [with_detector, without] = run.samples();
    let (a, b) = (median(with_detector), median(without));
    let per_read = |seconds: Option<f64>| {
        seconds.map_or_else(
            || "-".to_owned(),
            |s| {
                format!(
                    "{:.1}",
                    s * 1e6 / f64::from(u32::try_from(reads).unwrap_or(u32::MAX))
                )
            },
        )
    };
    println!(
        "backend {}, {reads} point reads by key among {} comments, {} runs each (medians, \
         microseconds per read)",
        args.backend,
        (args.rows / 100).max(1) * 100,
        args.repeat
    );
    println!("{:<24} {:>12}", "contender", "read");
    println!("{:<24} {:>12}", "detector, logging", per_read(a));
    println!("{:<24} {:>12}", "no detector", per_read(b));
    println!(
        "detector_ratio_logging_vs_none={} reads={reads} backend={}",
        ratio(a, b),
        args.backend
    );
}

/// The async tree run's medians, and async against blocking.
#[cfg(feature = "async")]
pub(crate) fn print_async<T: AsyncRun>(args: &Args, run: &T) {
    let [
        blocking_delete,
        blocking_restore,
        async_delete,
        async_restore,
    ] = run.samples().map(median);
    print_tree_header(args);
    println!(
        "{:<20} {:>12} {:>12}",
        "a blocking",
        cell(blocking_delete),
        cell(blocking_restore)
    );
    println!(
        "{:<20} {:>12} {:>12}",
        "d async",
        cell(async_delete),
        cell(async_restore)
    );
    println!(
        "async_ratio_vs_blocking delete={} restore={} rows={} backend={}",
        ratio(async_delete, blocking_delete),
        ratio(async_restore, blocking_restore),
        args.rows,
        args.backend
    );
}

/// What the async tree scenario measured.
#[cfg(feature = "async")]
pub(crate) trait AsyncRun {
    /// Blocking delete, blocking restore, async delete, async restore, seconds.
    fn samples(&self) -> [&[f64]; 4];
}

/// What the throughput scenario measured.
#[cfg(feature = "async")]
pub(crate) trait ThroughputRun {
    /// Operations per second of each round: blocking, then async.
    fn samples(&self) -> [&[f64]; 2];
}

/// Throughput of each contender (medians of the rounds), and async over blocking.
#[cfg(feature = "async")]
pub(crate) fn print_throughput<T: ThroughputRun>(args: &Args, run: &T, cascades: i32, pool: usize) {
    let [blocking, asynchronous] = run.samples();
    println!(
        "backend {}, {cascades} cascades of 1 repo -> 10 issues -> 100 comments at once, each \
         deleted then restored, pools of {pool}, {} rounds (medians, operations per second)",
        args.backend,
        blocking.len()
    );
    let (blocking, asynchronous) = (median(blocking), median(asynchronous));
    let rate = |value: Option<f64>| value.map_or_else(|| "-".to_owned(), |v| format!("{v:.0}"));
    println!("{:<44} {:>10}", "contender", "ops/s");
    println!(
        "{:<44} {:>10}",
        "a blocking, r2d2, spawn_blocking",
        rate(blocking)
    );
    println!("{:<44} {:>10}", "d async, deadpool", rate(asynchronous));
    println!(
        "throughput_async_vs_blocking={} blocking_ops_per_s={} async_ops_per_s={} backend={}",
        ratio(asynchronous, blocking),
        rate(blocking),
        rate(asynchronous),
        args.backend
    );
}

/// `top / bottom` to three places, `nan` where either is missing.
fn ratio(top: Option<f64>, bottom: Option<f64>) -> String {
    match (top, bottom) {
        (Some(top), Some(bottom)) if bottom > 0.0 => format!("{:.3}", top / bottom),
        _ => "nan".to_owned(),
    }
}
