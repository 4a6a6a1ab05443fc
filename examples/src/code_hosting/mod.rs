//! Seed 001, code hosting, as a small HTTP API: repos -> issues -> comments (boolean
//! tombstones), repos -> proposals -> proposal comments, collaborators hard-deleted with the
//! repo. A deleted repo answers 404 on every read and refuses new issues; deleting it again
//! succeeds; restoring it brings back exactly what its delete hid.
//!
//! | method and path | answer |
//! |---|---|
//! | `POST /repos` `{"slug": ...}` | 201 and the new repo |
//! | `GET /repos` | the live repos |
//! | `GET /repos/{id}` | 200, or 404 once deleted |
//! | `DELETE /repos/{id}` | 204, idempotent; 404 for a repo that never existed |
//! | `POST /repos/{id}/restore` | 200 and what was restored |
//! | `GET /repos/{id}/issues` | the live issues of a live repo, else 404 |
//! | `POST /repos/{id}/issues` `{"title": ...}` | 201, or 404 when the repo is deleted |
//!
//! It runs on `diesel_async` with a `deadpool` pool of [`POOL_SIZE`] connections: every handler
//! awaits its statements, and no handler blocks a runtime thread. On SQLite the connections are
//! `SyncConnectionWrapper`s, which run each statement on tokio's blocking pool; the database is a
//! file in WAL mode (a pool of in-memory databases would be a pool of separate databases).

mod database;
mod schema;

pub use database::Database;

use serde::{Deserialize, Serialize};

pub use schema::{Issue, IssueComment, Repo, issue_comments, issues, repos};

/// How many connections the API's pool holds.
pub const POOL_SIZE: usize = 8;

/// The API on SQLite.
pub mod sqlite {
    /// The API's connections.
    pub type Conn =
        diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>;
    /// A blocking connection to the same database, for migrations and for looking at the rows.
    pub type Blocking = diesel::SqliteConnection;
    /// The schema's migrations.
    const MIGRATIONS: diesel_migrations::EmbeddedMigrations =
        crate::migrations::sqlite::CODE_HOSTING;

    include!("app.rs");
}

/// The API on PostgreSQL.
#[cfg(feature = "postgres")]
pub mod postgres {
    /// The API's connections.
    pub type Conn = diesel_async::AsyncPgConnection;
    /// A blocking connection to the same schema, for migrations and for looking at the rows.
    pub type Blocking = diesel::PgConnection;
    /// The schema's migrations.
    const MIGRATIONS: diesel_migrations::EmbeddedMigrations =
        crate::migrations::postgres::CODE_HOSTING;

    include!("app.rs");
}

/// A repo as the API shows it.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RepoBody {
    /// Its key.
    pub id: i32,
    /// Its slug.
    pub slug: String,
}

/// An issue as the API shows it.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct IssueBody {
    /// Its key.
    pub id: i32,
    /// Its title.
    pub title: String,
}

/// What the restore endpoint answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct Restored {
    /// Rows revived per table.
    pub rows: Vec<(String, usize)>,
}
