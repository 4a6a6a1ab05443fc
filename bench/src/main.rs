//! Cascade benchmark: `soft_delete`'s cascade against the same changes written by hand as
//! set-based SQL (the floor), and against a row-by-row loop (what row-by-row ORMs do).
//!
//! ```text
//! cargo run --release -p soft_delete_bench -- --backend sqlite --rows 100000
//! cargo run --release -p soft_delete_bench --features postgres -- --backend postgres --rows 100000
//! ```
//!
//! It builds repo 1 -> rows/10 issues -> rows comments, plus a small repo 2 that must stay
//! untouched, then, alternating and repeated, times (a) the crate's soft delete and restore,
//! (b) hand-written SQL doing exactly the same changes, (c) the row-by-row loop. After every run
//! it checks the three left identical table contents. The last line is
//! `ratio_crate_vs_sql=<a/b> ratio_rowwise_vs_crate=<c/a> rows=<N> backend=<name>`.
#![allow(
    missing_docs,
    reason = "diesel::table! makes public items that a binary never exports"
)]

mod args;
mod memory;
mod report;

use args::Args;

/// The runs of one benchmark: seconds per contender and operation.
#[derive(Debug, Default)]
pub(crate) struct Timings {
    pub(crate) crate_delete: Vec<f64>,
    pub(crate) crate_restore: Vec<f64>,
    pub(crate) sql_delete: Vec<f64>,
    pub(crate) sql_restore: Vec<f64>,
    pub(crate) rowwise_delete: Vec<f64>,
    pub(crate) rowwise_restore: Vec<f64>,
    /// Memory of one more delete and restore of the crate, in a fresh process, when measured.
    pub(crate) memory: Option<memory::Memory>,
    /// The same for the hand-written SQL, for comparison (SQLite's own memory is in-process, so
    /// it shows in both).
    pub(crate) memory_sql: Option<memory::Memory>,
}

// One module per backend, each with the same benchmark bodies (`run.rs`) over its own
// connection type, so every query is checked by Diesel against a concrete backend.
macro_rules! backend {
    ($name:ident, $feature:literal, $conn:ty, $async_conn:ty, $open:path, $close:path) => {
        #[cfg(feature = $feature)]
        mod $name {
            use super::*;

            type Conn = $conn;
            #[cfg(feature = "async")]
            type AsyncConn = $async_conn;
            #[cfg(feature = "async")]
            include!("asynchronous.rs");

            include!("flag.rs");
            include!("small.rs");
            include!("purge.rs");
            include!("detector.rs");

            /// The benchmark `--scenario` and `--tree` name, measured and printed.
            pub(crate) fn run_scenario(args: &Args) {
                match (args.scenario, args.tree) {
                    (args::Scenario::Cascade, args::Tree::Timestamp) => {
                        report::print(args, &run(args))
                    }
                    (args::Scenario::Cascade, args::Tree::Flag) => {
                        report::print(args, &flag::run(args))
                    }
                    (args::Scenario::Small, _) => report::print_small(args, &small::run(args)),
                    (args::Scenario::Purge, _) => {
                        report::print_purge(args, &purge::run(args), purge::BATCH)
                    }
                    (args::Scenario::Detector, _) => {
                        report::print_detector(args, &detector::run(args), detector::READS)
                    }
                    #[cfg(feature = "async")]
                    (args::Scenario::Async, _) => {
                        report::print_async(args, &asynchronous::tree(args))
                    }
                    #[cfg(feature = "async")]
                    (args::Scenario::Throughput, _) => report::print_throughput(
                        args,
                        &asynchronous::throughput(args),
                        asynchronous::CASCADES,
                        asynchronous::POOL,
                    ),
                    #[cfg(not(feature = "async"))]
                    (args::Scenario::Async | args::Scenario::Throughput, _) => {
                        eprintln!("--scenario {:?} needs the `async` feature", args.scenario);
                        std::process::exit(2);
                    }
                }
            }

            fn open(args: &Args) -> Conn {
                $open(args)
            }

            fn close(args: &Args, conn: &mut Conn) {
                $close(args, conn);
            }

            include!("run.rs");
        }
    };
}

backend!(
    sqlite,
    "sqlite",
    diesel::SqliteConnection,
    diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>,
    connect::sqlite,
    connect::drop_sqlite
);
backend!(
    postgres,
    "postgres",
    diesel::PgConnection,
    diesel_async::AsyncPgConnection,
    connect::postgres,
    connect::drop_postgres
);
backend!(
    mysql,
    "mysql",
    diesel::MysqlConnection,
    diesel_async::AsyncMysqlConnection,
    connect::mysql,
    connect::drop_mysql
);

mod connect;

/// One memory probe: a contender's delete and restore in this process.
type Probe = fn(&Args, args::Contender) -> Option<memory::Memory>;

fn main() {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{}", args::USAGE);
            return;
        }
        Err(message) => {
            eprintln!("{message}\n\n{}", args::USAGE);
            std::process::exit(2);
        }
    };
    let (run, probe): (fn(&Args), Probe) = match args.backend.as_str() {
        #[cfg(feature = "sqlite")]
        "sqlite" => (sqlite::run_scenario, sqlite::probe),
        #[cfg(feature = "postgres")]
        "postgres" => (postgres::run_scenario, postgres::probe),
        #[cfg(feature = "mysql")]
        "mysql" => (mysql::run_scenario, mysql::probe),
        other => {
            eprintln!(
                "backend `{other}` is not built in: enable the feature of the same name \
                 (`--features {other}`)"
            );
            std::process::exit(2);
        }
    };
    if let Some(contender) = args.probe {
        let reading = probe(&args, contender);
        println!("{}", memory::Memory::probe_line(reading));
        return;
    }
    run(&args);
}
