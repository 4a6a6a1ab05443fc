//! Connections with the suite's schema in place.

use diesel::Connection;

/// The suite's tables for SQLite. Timestamps are stored as text, the way Diesel writes them.
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
    create_schema(&mut conn, SQLITE_SCHEMA);
    conn
}
