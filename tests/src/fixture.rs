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

/// A fresh in-memory SQLite database with the suite's schema: each test gets its own.
///
/// # Panics
/// If SQLite cannot open an in-memory database.
#[cfg(feature = "sqlite")]
#[must_use]
pub fn sqlite() -> diesel::SqliteConnection {
    let mut conn = diesel::SqliteConnection::establish(":memory:").expect("in-memory SQLite");
    create_schema(&mut conn, &["PRAGMA foreign_keys = ON"]);
    create_schema(&mut conn, SQLITE_SCHEMA);
    create_schema(
        &mut conn,
        &[soft_delete_core::ledger::create_table_sql::<
            diesel::sqlite::Sqlite,
        >()],
    );
    conn
}
