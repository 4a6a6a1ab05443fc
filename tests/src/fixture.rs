//! Connections with the suite's schema in place.

use diesel::Connection;

/// The suite's tables for SQLite. Timestamps are stored as text, the way Diesel writes them;
/// partial unique indexes keep tombstoned rows from holding a unique value.
pub const SQLITE_SCHEMA: &[&str] = &[
    "CREATE TABLE repos (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL,
        deleted_at TIMESTAMP,
        deleted_by INTEGER
    )",
    "CREATE TABLE issues (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL REFERENCES repos (id),
        title TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE issue_comments (
        id INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT 0
    )",
    "CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        deleted_at TIMESTAMPTZ,
        deleted_by TEXT
    )",
    "CREATE TABLE segments (
        id BIGINT PRIMARY KEY,
        name TEXT NOT NULL,
        archived_on TIMESTAMP
    )",
    // Seed 001: code hosting.
    "CREATE TABLE hub_repos (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL,
        fork_parent_id INTEGER REFERENCES hub_repos (id),
        deleted_at TIMESTAMP,
        deleted_by INTEGER
    )",
    "CREATE TABLE hub_issues (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL REFERENCES hub_repos (id),
        title TEXT NOT NULL,
        deleted_at TIMESTAMP,
        deleted_by INTEGER
    )",
    "CREATE TABLE hub_issue_comments (
        id INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES hub_issues (id),
        body TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT 0
    )",
    "CREATE TABLE hub_proposals (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL REFERENCES hub_repos (id),
        title TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE hub_proposal_comments (
        id INTEGER PRIMARY KEY,
        proposal_id INTEGER NOT NULL REFERENCES hub_proposals (id),
        body TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT 0
    )",
    "CREATE TABLE hub_webhooks (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL REFERENCES hub_repos (id),
        url TEXT NOT NULL
    )",
    // Seed 000: hosting.
    "CREATE TABLE merchants (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL
    )",
    "CREATE TABLE stores (
        id INTEGER PRIMARY KEY,
        subdomain TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE UNIQUE INDEX stores_live_subdomain ON stores (subdomain) WHERE deleted_at IS NULL",
    "CREATE TABLE hosted_sites (
        id INTEGER PRIMARY KEY,
        merchant_id INTEGER NOT NULL REFERENCES merchants (id),
        store_id INTEGER NOT NULL REFERENCES stores (id),
        name TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE store_pages (
        id INTEGER PRIMARY KEY,
        store_id INTEGER NOT NULL REFERENCES stores (id),
        title TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    // Seed 003: a payment hangs off its domain and off its end user (a diamond).
    "CREATE TABLE tenant_domains (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE tenant_profiles (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES tenant_domains (id),
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE tenant_end_users (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES tenant_domains (id),
        profile_id INTEGER REFERENCES tenant_profiles (id),
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE tenant_payments (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES tenant_domains (id),
        end_user_id INTEGER REFERENCES tenant_end_users (id),
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE tenant_notes (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES tenant_domains (id),
        author_id INTEGER REFERENCES tenant_end_users (id),
        parent_id INTEGER REFERENCES tenant_notes (id),
        deleted_at TIMESTAMP
    )",
    // Seed 004: commute routes.
    "CREATE TABLE stations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE routes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE route_segments (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL REFERENCES routes (id),
        station_id INTEGER NOT NULL REFERENCES stations (id),
        sequence INTEGER NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE UNIQUE INDEX route_segments_live_sequence
        ON route_segments (route_id, sequence) WHERE deleted_at IS NULL",
    "CREATE TABLE schedules (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL REFERENCES routes (id),
        departs TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE station_index (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL REFERENCES routes (id),
        station_id INTEGER NOT NULL REFERENCES stations (id)
    )",
    "CREATE TABLE notification_preferences (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL REFERENCES routes (id),
        channel TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT 0
    )",
    "CREATE TABLE notification_log (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL REFERENCES routes (id),
        message TEXT NOT NULL
    )",
    // A self-referencing tree.
    "CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        parent_id INTEGER REFERENCES comments (id),
        quoted_id INTEGER REFERENCES comments (id),
        body TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE comment_reactions (
        id INTEGER PRIMARY KEY,
        comment_id INTEGER NOT NULL REFERENCES comments (id),
        emoji TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
];

/// The suite's tables for PostgreSQL: the SQLite schema with PostgreSQL's types (`TIMESTAMP` is
/// microsecond precision; `TIMESTAMPTZ` for the `DateTime<Utc>` tombstone) and the same partial
/// unique indexes.
pub const POSTGRES_SCHEMA: &[&str] = &[
    "CREATE TABLE repos (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL,
        deleted_at TIMESTAMP,
        deleted_by INTEGER
    )",
    "CREATE TABLE issues (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL REFERENCES repos (id),
        title TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE issue_comments (
        id INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT FALSE
    )",
    "CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        deleted_at TIMESTAMPTZ,
        deleted_by TEXT
    )",
    "CREATE TABLE segments (
        id BIGINT PRIMARY KEY,
        name TEXT NOT NULL,
        archived_on TIMESTAMP
    )",
    // Seed 001: code hosting.
    "CREATE TABLE hub_repos (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL,
        fork_parent_id INTEGER REFERENCES hub_repos (id),
        deleted_at TIMESTAMP,
        deleted_by INTEGER
    )",
    "CREATE TABLE hub_issues (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL REFERENCES hub_repos (id),
        title TEXT NOT NULL,
        deleted_at TIMESTAMP,
        deleted_by INTEGER
    )",
    "CREATE TABLE hub_issue_comments (
        id INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES hub_issues (id),
        body TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT FALSE
    )",
    "CREATE TABLE hub_proposals (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL REFERENCES hub_repos (id),
        title TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE hub_proposal_comments (
        id INTEGER PRIMARY KEY,
        proposal_id INTEGER NOT NULL REFERENCES hub_proposals (id),
        body TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT FALSE
    )",
    "CREATE TABLE hub_webhooks (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL REFERENCES hub_repos (id),
        url TEXT NOT NULL
    )",
    // Seed 000: hosting.
    "CREATE TABLE merchants (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL
    )",
    "CREATE TABLE stores (
        id INTEGER PRIMARY KEY,
        subdomain TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE UNIQUE INDEX stores_live_subdomain ON stores (subdomain) WHERE deleted_at IS NULL",
    "CREATE TABLE hosted_sites (
        id INTEGER PRIMARY KEY,
        merchant_id INTEGER NOT NULL REFERENCES merchants (id),
        store_id INTEGER NOT NULL REFERENCES stores (id),
        name TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE store_pages (
        id INTEGER PRIMARY KEY,
        store_id INTEGER NOT NULL REFERENCES stores (id),
        title TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    // Seed 003: a payment hangs off its domain and off its end user (a diamond).
    "CREATE TABLE tenant_domains (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE tenant_profiles (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES tenant_domains (id),
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE tenant_end_users (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES tenant_domains (id),
        profile_id INTEGER REFERENCES tenant_profiles (id),
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE tenant_payments (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES tenant_domains (id),
        end_user_id INTEGER REFERENCES tenant_end_users (id),
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE tenant_notes (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES tenant_domains (id),
        author_id INTEGER REFERENCES tenant_end_users (id),
        parent_id INTEGER REFERENCES tenant_notes (id),
        deleted_at TIMESTAMP
    )",
    // Seed 004: commute routes.
    "CREATE TABLE stations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE routes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE route_segments (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL REFERENCES routes (id),
        station_id INTEGER NOT NULL REFERENCES stations (id),
        sequence INTEGER NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE UNIQUE INDEX route_segments_live_sequence
        ON route_segments (route_id, sequence) WHERE deleted_at IS NULL",
    "CREATE TABLE schedules (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL REFERENCES routes (id),
        departs TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE station_index (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL REFERENCES routes (id),
        station_id INTEGER NOT NULL REFERENCES stations (id)
    )",
    "CREATE TABLE notification_preferences (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL REFERENCES routes (id),
        channel TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT FALSE
    )",
    "CREATE TABLE notification_log (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL REFERENCES routes (id),
        message TEXT NOT NULL
    )",
    // A self-referencing tree.
    "CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        parent_id INTEGER REFERENCES comments (id),
        quoted_id INTEGER REFERENCES comments (id),
        body TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
    "CREATE TABLE comment_reactions (
        id INTEGER PRIMARY KEY,
        comment_id INTEGER NOT NULL REFERENCES comments (id),
        emoji TEXT NOT NULL,
        deleted_at TIMESTAMP
    )",
];

/// The suite's tables for MySQL and MariaDB: `DATETIME(6)` timestamps (the crate stamps to the
/// microsecond; plain `DATETIME` would round), `BOOLEAN` flags, `VARCHAR` where a column is a key
/// or indexed, and foreign keys spelled as table constraints (`InnoDB` enforces them; inline
/// `REFERENCES` is not honoured everywhere). MySQL has no partial index: a stored generated column
/// that is NULL once the row is tombstoned carries the unique index instead, and NULLs never clash.
pub const MYSQL_SCHEMA: &[&str] = &[
    "CREATE TABLE repos (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL,
        deleted_at DATETIME(6) NULL,
        deleted_by INTEGER
    )",
    "CREATE TABLE issues (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (repo_id) REFERENCES repos (id)
    )",
    "CREATE TABLE issue_comments (
        id INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT FALSE
    )",
    // Kept for a uniform schema; no model reads it on MySQL (see `utc_timestamps!`).
    "CREATE TABLE accounts (
        id VARCHAR(64) PRIMARY KEY,
        email TEXT NOT NULL,
        deleted_at TIMESTAMP(6) NULL,
        deleted_by TEXT
    )",
    "CREATE TABLE segments (
        id BIGINT PRIMARY KEY,
        name TEXT NOT NULL,
        archived_on DATETIME(6) NULL
    )",
    // Seed 001: code hosting.
    "CREATE TABLE hub_repos (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL,
        fork_parent_id INTEGER NULL,
        deleted_at DATETIME(6) NULL,
        deleted_by INTEGER,
        FOREIGN KEY (fork_parent_id) REFERENCES hub_repos (id)
    )",
    "CREATE TABLE hub_issues (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        deleted_at DATETIME(6) NULL,
        deleted_by INTEGER,
        FOREIGN KEY (repo_id) REFERENCES hub_repos (id)
    )",
    "CREATE TABLE hub_issue_comments (
        id INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL,
        body TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
        FOREIGN KEY (issue_id) REFERENCES hub_issues (id)
    )",
    "CREATE TABLE hub_proposals (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (repo_id) REFERENCES hub_repos (id)
    )",
    "CREATE TABLE hub_proposal_comments (
        id INTEGER PRIMARY KEY,
        proposal_id INTEGER NOT NULL,
        body TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
        FOREIGN KEY (proposal_id) REFERENCES hub_proposals (id)
    )",
    "CREATE TABLE hub_webhooks (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL,
        url TEXT NOT NULL,
        FOREIGN KEY (repo_id) REFERENCES hub_repos (id)
    )",
    // Seed 000: hosting.
    "CREATE TABLE merchants (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL
    )",
    "CREATE TABLE stores (
        id INTEGER PRIMARY KEY,
        subdomain VARCHAR(255) NOT NULL,
        deleted_at DATETIME(6) NULL,
        live_subdomain VARCHAR(255) AS (IF(deleted_at IS NULL, subdomain, NULL)) STORED,
        UNIQUE KEY stores_live_subdomain (live_subdomain)
    )",
    "CREATE TABLE hosted_sites (
        id INTEGER PRIMARY KEY,
        merchant_id INTEGER NOT NULL,
        store_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (merchant_id) REFERENCES merchants (id),
        FOREIGN KEY (store_id) REFERENCES stores (id)
    )",
    "CREATE TABLE store_pages (
        id INTEGER PRIMARY KEY,
        store_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (store_id) REFERENCES stores (id)
    )",
    // Seed 003: a payment hangs off its domain and off its end user (a diamond).
    "CREATE TABLE tenant_domains (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        deleted_at DATETIME(6) NULL
    )",
    "CREATE TABLE tenant_profiles (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (domain_id) REFERENCES tenant_domains (id)
    )",
    "CREATE TABLE tenant_end_users (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL,
        profile_id INTEGER NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (domain_id) REFERENCES tenant_domains (id),
        FOREIGN KEY (profile_id) REFERENCES tenant_profiles (id)
    )",
    "CREATE TABLE tenant_payments (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL,
        end_user_id INTEGER NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (domain_id) REFERENCES tenant_domains (id),
        FOREIGN KEY (end_user_id) REFERENCES tenant_end_users (id)
    )",
    "CREATE TABLE tenant_notes (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL,
        author_id INTEGER NULL,
        parent_id INTEGER NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (domain_id) REFERENCES tenant_domains (id),
        FOREIGN KEY (author_id) REFERENCES tenant_end_users (id),
        FOREIGN KEY (parent_id) REFERENCES tenant_notes (id)
    )",
    // Seed 004: commute routes.
    "CREATE TABLE stations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        deleted_at DATETIME(6) NULL
    )",
    "CREATE TABLE routes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        deleted_at DATETIME(6) NULL
    )",
    "CREATE TABLE route_segments (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL,
        station_id INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        deleted_at DATETIME(6) NULL,
        live_sequence INTEGER AS (IF(deleted_at IS NULL, sequence, NULL)) STORED,
        UNIQUE KEY route_segments_live_sequence (route_id, live_sequence),
        FOREIGN KEY (route_id) REFERENCES routes (id),
        FOREIGN KEY (station_id) REFERENCES stations (id)
    )",
    "CREATE TABLE schedules (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL,
        departs TEXT NOT NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (route_id) REFERENCES routes (id)
    )",
    "CREATE TABLE station_index (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL,
        station_id INTEGER NOT NULL,
        FOREIGN KEY (route_id) REFERENCES routes (id),
        FOREIGN KEY (station_id) REFERENCES stations (id)
    )",
    "CREATE TABLE notification_preferences (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL,
        channel TEXT NOT NULL,
        is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
        FOREIGN KEY (route_id) REFERENCES routes (id)
    )",
    "CREATE TABLE notification_log (
        id INTEGER PRIMARY KEY,
        route_id INTEGER NOT NULL,
        message TEXT NOT NULL,
        FOREIGN KEY (route_id) REFERENCES routes (id)
    )",
    // A self-referencing tree.
    "CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        parent_id INTEGER,
        quoted_id INTEGER,
        body TEXT NOT NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (parent_id) REFERENCES comments (id),
        FOREIGN KEY (quoted_id) REFERENCES comments (id)
    )",
    "CREATE TABLE comment_reactions (
        id INTEGER PRIMARY KEY,
        comment_id INTEGER NOT NULL,
        emoji TEXT NOT NULL,
        deleted_at DATETIME(6) NULL,
        FOREIGN KEY (comment_id) REFERENCES comments (id)
    )",
];

/// Runs each statement of a schema.
///
/// # Panics
/// If a statement fails: the fixture is broken, not the code under test.
pub fn create_schema<C: Connection>(conn: &mut C, schema: &[&str]) {
    for statement in schema {
        conn.batch_execute(statement)
            .unwrap_or_else(|error| panic!("fixture DDL failed: {error}\n{statement}"));
    }
}

/// The PostgreSQL server the suite runs on when `PG_DATABASE_URL` is unset.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The MySQL or MariaDB server the suite runs on when `MYSQL_DATABASE_URL` is unset.
pub const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/test";

/// A test's own database: derefs to its connection, and removes what the fixture created for
/// the test (a schema, a database) when the test ends, passed or failed.
///
/// Tests run in parallel, so each one works in a namespace of its own; in-memory SQLite needs
/// nothing removed.
pub struct TestDb<C: Connection> {
    conn: Option<C>,
    teardown: Option<Teardown>,
    /// How to open another connection to the same namespace: the URL and the session setup.
    reopen: Option<(String, String)>,
}

/// How to remove a test's namespace: `sql`, run on a fresh connection to `url`.
struct Teardown {
    backend: &'static str,
    url: String,
    sql: String,
}

impl<C: Connection> TestDb<C> {
    /// A connection with nothing to remove afterwards.
    pub fn new(conn: C) -> Self {
        TestDb {
            conn: Some(conn),
            teardown: None,
            reopen: None,
        }
    }

    /// Another connection to the same schema or database, for tests that race connections.
    ///
    /// # Panics
    /// If the test's database is in-memory SQLite (a second connection would see another
    /// database), or the server refuses the connection.
    #[must_use]
    pub fn connect_again(&self) -> C {
        let (url, setup) = self
            .reopen
            .as_ref()
            .expect("only server-backed test databases can be reached twice");
        let mut conn =
            C::establish(url).unwrap_or_else(|error| panic!("{}: {error}", redacted(url)));
        create_schema(&mut conn, &[setup]);
        conn
    }
}

impl<C: Connection> std::ops::Deref for TestDb<C> {
    type Target = C;

    fn deref(&self) -> &C {
        self.conn.as_ref().expect("the connection lives until drop")
    }
}

impl<C: Connection> std::ops::DerefMut for TestDb<C> {
    fn deref_mut(&mut self) -> &mut C {
        self.conn.as_mut().expect("the connection lives until drop")
    }
}

impl<C: Connection> Drop for TestDb<C> {
    fn drop(&mut self) {
        // Close the test's connection first: it may hold locks on the namespace, or sit in a
        // transaction a failing test left open.
        drop(self.conn.take());
        let Some(Teardown { backend, url, sql }) = self.teardown.take() else {
            return;
        };
        let dropped = C::establish(&url)
            .map_err(|error| error.to_string())
            .and_then(|mut conn| conn.batch_execute(&sql).map_err(|error| error.to_string()));
        if let Err(error) = dropped {
            let message = format!("{backend} at {}: `{sql}` failed: {error}", redacted(&url));
            // A second panic while the test's own unwinds would abort the whole run.
            if std::thread::panicking() {
                eprintln!("{message}");
            } else {
                panic!("{message}");
            }
        }
    }
}

/// A name no other test, in this run or another, uses: `sdt_<unix seconds>_<pid>_<counter>`.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn unique_name() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("sdt_{seconds}_{}_{n}", std::process::id())
}

/// The value of `var`, or `default` when it is unset or empty.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn url_from_env(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// `url` without its password, to print.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// Connects to a server the enabled feature requires, or fails the test saying which and where.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn establish<C: Connection>(backend: &str, feature: &str, var: &str, url: &str) -> C {
    C::establish(url).unwrap_or_else(|error| {
        let url = redacted(url);
        panic!(
            "{backend} is unreachable at {url}: {error}\n\
             The `{feature}` feature runs the behaviour suite on a live {backend} server: start \
             one (`.ci/services` does) or point {var} at one."
        )
    })
}

/// A fresh in-memory SQLite database with the suite's schema: each test gets its own.
///
/// # Panics
/// If SQLite cannot open an in-memory database.
#[cfg(feature = "sqlite")]
#[must_use]
pub fn sqlite() -> TestDb<diesel::SqliteConnection> {
    sqlite_on()
}

/// [`sqlite`], on connection type `C` (an async connection behind a blocking wrapper, say).
///
/// # Panics
/// If SQLite cannot open an in-memory database.
#[cfg(feature = "sqlite")]
#[must_use]
pub fn sqlite_on<C: Connection<Backend = diesel::sqlite::Sqlite>>() -> TestDb<C> {
    let mut conn = C::establish(":memory:").expect("in-memory SQLite");
    create_schema(&mut conn, &["PRAGMA foreign_keys = ON"]);
    create_schema(&mut conn, SQLITE_SCHEMA);
    create_schema(
        &mut conn,
        &[soft_delete_core::ledger::create_table_sql::<
            diesel::sqlite::Sqlite,
        >()],
    );
    TestDb::new(conn)
}

/// A connection to the PostgreSQL server at `PG_DATABASE_URL` (default
/// [`DEFAULT_POSTGRES_URL`]) whose `search_path` is a schema of the test's own, holding the
/// suite's tables; the schema is dropped when the test ends.
///
/// # Panics
/// If the server is unreachable (the message names the URL), or the DDL fails.
#[cfg(feature = "postgres")]
#[must_use]
pub fn postgres() -> TestDb<diesel::PgConnection> {
    postgres_on()
}

/// [`postgres`], on connection type `C` (an async connection behind a blocking wrapper, say).
///
/// # Panics
/// If the server is unreachable (the message names the URL), or the DDL fails.
#[cfg(feature = "postgres")]
#[must_use]
pub fn postgres_on<C: Connection<Backend = diesel::pg::Pg>>() -> TestDb<C> {
    let url = url_from_env("PG_DATABASE_URL", DEFAULT_POSTGRES_URL);
    let mut conn = establish("PostgreSQL", "postgres", "PG_DATABASE_URL", &url);
    let schema = unique_name();
    create_schema(&mut conn, &[&format!("CREATE SCHEMA {schema}")]);
    // From here on the guard owns the schema, so a failure below still drops it.
    let mut db = TestDb {
        conn: Some(conn),
        reopen: Some((url.clone(), format!("SET search_path TO {schema}"))),
        teardown: Some(Teardown {
            backend: "PostgreSQL",
            url,
            // Quietly: CASCADE would print a NOTICE per test on stderr.
            sql: format!("SET client_min_messages TO WARNING; DROP SCHEMA {schema} CASCADE"),
        }),
    };
    create_schema(&mut *db, &[&format!("SET search_path TO {schema}")]);
    create_schema(&mut *db, POSTGRES_SCHEMA);
    create_schema(
        &mut *db,
        &[soft_delete_core::ledger::create_table_sql::<diesel::pg::Pg>()],
    );
    db
}

/// A connection to the MySQL or MariaDB server at `MYSQL_DATABASE_URL` (default
/// [`DEFAULT_MYSQL_URL`]) using a database of the test's own, holding the suite's tables; the
/// database is dropped when the test ends.
///
/// # Panics
/// If the server is unreachable (the message names the URL), or the DDL fails.
#[cfg(feature = "mysql")]
#[must_use]
pub fn mysql() -> TestDb<diesel::MysqlConnection> {
    mysql_on()
}

/// [`mysql`], on connection type `C` (an async connection behind a blocking wrapper, say).
///
/// # Panics
/// If the server is unreachable (the message names the URL), or the DDL fails.
#[cfg(feature = "mysql")]
#[must_use]
pub fn mysql_on<C: Connection<Backend = diesel::mysql::Mysql>>() -> TestDb<C> {
    let url = url_from_env("MYSQL_DATABASE_URL", DEFAULT_MYSQL_URL);
    let mut conn = establish("MySQL/MariaDB", "mysql", "MYSQL_DATABASE_URL", &url);
    let database = unique_name();
    create_schema(&mut conn, &[&format!("CREATE DATABASE {database}")]);
    // From here on the guard owns the database, so a failure below still drops it.
    let mut db = TestDb {
        conn: Some(conn),
        reopen: Some((url.clone(), format!("USE {database}"))),
        teardown: Some(Teardown {
            backend: "MySQL/MariaDB",
            url,
            sql: format!("DROP DATABASE {database}"),
        }),
    };
    create_schema(&mut *db, &[&format!("USE {database}")]);
    create_schema(&mut *db, MYSQL_SCHEMA);
    create_schema(
        &mut *db,
        &[soft_delete_core::ledger::create_table_sql::<
            diesel::mysql::Mysql,
        >()],
    );
    db
}
