//! A fresh namespace with the benchmark's tables on each backend, a way back into it from
//! another process (the memory probe), and its removal.
#![allow(dead_code, reason = "each backend uses the parts its feature turns on")]

use diesel::Connection;

use crate::args::Args;

/// Tables: repos -> issues -> comments, every tombstone a timestamp, every foreign key indexed;
/// the same tree with boolean comments (`bench_flag_*`); the flag ledger. `options` closes every
/// `CREATE TABLE`: it keeps the planner from refreshing the tables' statistics on its own, so a
/// restore runs on what the planner knew of the empty tables unless `--analyze` says otherwise.
fn schema<DB: soft_delete_core::SupportedBackend>(
    timestamp: &str,
    text: &str,
    boolean: &str,
    options: &str,
) -> String {
    let mut sql = String::new();
    for (prefix, tombstone) in [
        ("bench", format!("deleted_at {timestamp} NULL")),
        (
            "bench_flag",
            format!("is_deleted {boolean} NOT NULL DEFAULT FALSE"),
        ),
    ] {
        let _ = std::fmt::Write::write_fmt(&mut sql, format_args!(
            "CREATE TABLE {prefix}_repos (id INTEGER PRIMARY KEY, name {text} NOT NULL, deleted_at {timestamp} NULL){options};
             CREATE TABLE {prefix}_issues (id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL, title {text} NOT NULL,
                                           deleted_at {timestamp} NULL){options};
             CREATE INDEX {prefix}_issues_repo ON {prefix}_issues (repo_id);
             CREATE TABLE {prefix}_comments (id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL, body {text} NOT NULL,
                                             {tombstone}){options};
             CREATE INDEX {prefix}_comments_issue ON {prefix}_comments (issue_id);\n"
        ));
    }
    sql.push_str(soft_delete_core::ledger::create_table_sql::<DB>());
    sql
}

fn setup<C: Connection>(conn: &mut C, sql: &str) {
    conn.batch_execute(sql)
        .unwrap_or_else(|error| panic!("benchmark setup failed: {error}\n{sql}"));
}

fn url(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// This run's schema, database or file name: its own, or the one a probe was sent into.
pub(crate) fn namespace(args: &Args) -> String {
    args.namespace
        .clone()
        .unwrap_or_else(|| format!("soft_delete_bench_{}", std::process::id()))
}

/// Whether to use the tables another process made instead of making them.
fn attaching(args: &Args) -> bool {
    args.namespace.is_some()
}

#[cfg(feature = "sqlite")]
fn sqlite_path(args: &Args) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("{}.sqlite", namespace(args)))
}

/// A file-backed SQLite database in the temporary directory (an in-memory one would count the
/// whole database in the process's memory).
#[cfg(feature = "sqlite")]
pub(crate) fn sqlite(args: &Args) -> diesel::SqliteConnection {
    let path = sqlite_path(args);
    if !attaching(args) {
        let _ = std::fs::remove_file(&path);
    }
    let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())
        .unwrap_or_else(|error| panic!("cannot open {}: {error}", path.display()));
    setup(
        &mut conn,
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
    );
    if let Some(kib) = args.sqlite_cache_kib {
        setup(&mut conn, &format!("PRAGMA cache_size = -{kib};"));
    }
    if !attaching(args) {
        setup(
            &mut conn,
            &schema::<diesel::sqlite::Sqlite>("TIMESTAMP", "TEXT", "BOOLEAN", ""),
        );
    }
    conn
}

#[cfg(feature = "sqlite")]
pub(crate) fn drop_sqlite(args: &Args, _conn: &mut diesel::SqliteConnection) {
    let path = sqlite_path(args);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// A schema of this run's own on the server at `PG_DATABASE_URL`.
#[cfg(feature = "postgres")]
pub(crate) fn postgres(args: &Args) -> diesel::PgConnection {
    let url = url("PG_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test");
    let mut conn = diesel::PgConnection::establish(&url)
        .unwrap_or_else(|error| panic!("PostgreSQL is unreachable at {url}: {error}"));
    let schema = namespace(args);
    if attaching(args) {
        setup(&mut conn, &format!("SET search_path TO {schema};"));
    } else {
        setup(
            &mut conn,
            &format!("CREATE SCHEMA {schema}; SET search_path TO {schema};"),
        );
        setup(
            &mut conn,
            &self::schema::<diesel::pg::Pg>(
                "TIMESTAMP",
                "TEXT",
                "BOOLEAN",
                " WITH (autovacuum_enabled = false)",
            ),
        );
        setup(
            &mut conn,
            "ALTER TABLE soft_delete_flag_stamps SET (autovacuum_enabled = false);",
        );
    }
    conn
}

#[cfg(feature = "postgres")]
pub(crate) fn drop_postgres(args: &Args, conn: &mut diesel::PgConnection) {
    let _ = diesel::connection::SimpleConnection::batch_execute(
        conn,
        &format!(
            "SET client_min_messages TO WARNING; DROP SCHEMA {} CASCADE",
            namespace(args)
        ),
    );
}

/// A database of this run's own on the server at `MYSQL_DATABASE_URL`.
#[cfg(feature = "mysql")]
pub(crate) fn mysql(args: &Args) -> diesel::MysqlConnection {
    let url = url("MYSQL_DATABASE_URL", "mysql://root@127.0.0.1:3306/test");
    let mut conn = diesel::MysqlConnection::establish(&url)
        .unwrap_or_else(|error| panic!("MySQL/MariaDB is unreachable at {url}: {error}"));
    let database = namespace(args);
    if attaching(args) {
        setup(&mut conn, &format!("USE {database};"));
    } else {
        setup(
            &mut conn,
            &format!("CREATE DATABASE {database}; USE {database};"),
        );
        setup(
            &mut conn,
            &schema::<diesel::mysql::Mysql>(
                "DATETIME(6)",
                "VARCHAR(64)",
                "BOOLEAN",
                " STATS_AUTO_RECALC = 0",
            ),
        );
        setup(
            &mut conn,
            "ALTER TABLE soft_delete_flag_stamps STATS_AUTO_RECALC = 0;",
        );
    }
    conn
}

#[cfg(feature = "mysql")]
pub(crate) fn drop_mysql(args: &Args, conn: &mut diesel::MysqlConnection) {
    let _ = diesel::connection::SimpleConnection::batch_execute(
        conn,
        &format!("DROP DATABASE {}", namespace(args)),
    );
}

/// Refreshes the planner's statistics of every table of the benchmark.
pub(crate) fn analyze<C: Connection>(conn: &mut C) {
    let backend = std::any::type_name::<C::Backend>();
    let sql = if backend.contains("Mysql") {
        "ANALYZE TABLE bench_repos, bench_issues, bench_comments, bench_flag_repos, bench_flag_issues, \
         bench_flag_comments, soft_delete_flag_stamps"
    } else {
        "ANALYZE"
    };
    setup(conn, sql);
}

/// Empties the timestamp tree's tables so the next rows are written into fresh storage
/// (`TRUNCATE`; SQLite's `DELETE` without a condition does the same): with autovacuum off, a
/// table emptied by `DELETE` keeps every dead row, and whichever contender comes later would
/// scan the dead rows of all that came before it.
pub(crate) fn truncate<C: Connection>(conn: &mut C) {
    let backend = std::any::type_name::<C::Backend>();
    let verb = if backend.contains("Sqlite") {
        "DELETE FROM"
    } else {
        "TRUNCATE TABLE"
    };
    let sql = ["bench_comments", "bench_issues", "bench_repos"]
        .map(|table| format!("{verb} {table};"))
        .join(" ");
    setup(conn, &sql);
}

/// Reclaims the dead rows of the flag tree's tables and the ledger on PostgreSQL (`VACUUM`,
/// which refreshes no column statistics): with autovacuum off, each contender's updates would
/// otherwise leave the next one tables of more and more dead rows, full pages where the one
/// before found free space, and the order of the contenders would show in their times. `InnoDB`
/// and SQLite reuse the space on their own.
pub(crate) fn vacuum<C: Connection>(conn: &mut C) {
    if std::any::type_name::<C::Backend>().contains("Pg") {
        setup(
            conn,
            "VACUUM bench_flag_repos, bench_flag_issues, bench_flag_comments, soft_delete_flag_stamps",
        );
    }
}

/// Writes what the server holds in memory to disk before a timed run (PostgreSQL's
/// `CHECKPOINT`, SQLite's WAL checkpoint; `InnoDB` flushes on its own): otherwise a checkpoint
/// the filling of the tables set off lands in whichever contender runs next.
pub(crate) fn checkpoint<C: Connection>(conn: &mut C) {
    let backend = std::any::type_name::<C::Backend>();
    if backend.contains("Pg") {
        setup(conn, "CHECKPOINT");
    } else if backend.contains("Sqlite") {
        setup(conn, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
}

/// Where this run's tables are, as a URL and the statements a new connection runs to reach
/// them: for the async connections and the pools, which connect by URL.
pub(crate) fn target(args: &Args) -> (String, String) {
    let ns = namespace(args);
    match args.backend.as_str() {
        #[cfg(feature = "sqlite")]
        "sqlite" => (
            sqlite_path(args).to_string_lossy().into_owned(),
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;"
                .to_owned(),
        ),
        "postgres" => (
            url("PG_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"),
            format!("SET search_path TO {ns};"),
        ),
        "mysql" => (
            url("MYSQL_DATABASE_URL", "mysql://root@127.0.0.1:3306/test"),
            format!("USE {ns};"),
        ),
        other => panic!("no backend `{other}`"),
    }
}
