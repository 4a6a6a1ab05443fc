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

mod schema;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use soft_delete_core::{Error, SoftDelete};
use tokio::sync::Mutex;

pub use schema::{Issue, IssueComment, Repo, issue_comments, issues, repos};

/// The API's state: one SQLite connection, serialised.
#[derive(Clone)]
pub struct AppState {
    conn: Arc<Mutex<SqliteConnection>>,
}

impl AppState {
    /// A fresh in-memory database with the schema.
    ///
    /// # Panics
    /// If SQLite cannot open an in-memory database.
    #[must_use]
    pub fn in_memory() -> Self {
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        conn.batch_execute(schema::DDL).expect("schema");
        conn.batch_execute(soft_delete_core::ledger::create_table_sql::<
            diesel::sqlite::Sqlite,
        >())
        .expect("flag ledger");
        AppState {
            conn: Arc::new(Mutex::new(conn)),
        }
    }

    /// The connection, for a test to look at the rows themselves.
    pub async fn conn(&self) -> tokio::sync::MutexGuard<'_, SqliteConnection> {
        self.conn.lock().await
    }
}

/// The API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/repos", get(list_repos).post(create_repo))
        .route("/repos/{id}", get(get_repo).delete(delete_repo))
        .route("/repos/{id}/restore", post(restore_repo))
        .route("/repos/{id}/issues", get(list_issues).post(create_issue))
        .with_state(state)
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

#[derive(Deserialize)]
struct NewRepo {
    slug: String,
}

#[derive(Deserialize)]
struct NewIssue {
    title: String,
}

type Answer<T> = Result<T, (StatusCode, String)>;

fn failed(error: impl std::fmt::Display) -> (StatusCode, String) {
    (StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
}

fn from_error(error: Error) -> (StatusCode, String) {
    match error {
        Error::NotFound { .. } | Error::Deleted { .. } => {
            (StatusCode::NOT_FOUND, error.to_string())
        }
        Error::ParentDeleted { .. } | Error::UniqueConflict { .. } | Error::Restricted { .. } => {
            (StatusCode::CONFLICT, error.to_string())
        }
        other => failed(other),
    }
}

/// The key SQLite gave the row just inserted on this connection.
fn last_id(conn: &mut SqliteConnection) -> QueryResult<i32> {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
        "last_insert_rowid()",
    ))
    .get_result(conn)
}

fn not_found() -> (StatusCode, String) {
    (StatusCode::NOT_FOUND, "no such repo".to_owned())
}

async fn create_repo(
    State(state): State<AppState>,
    Json(new): Json<NewRepo>,
) -> Answer<(StatusCode, Json<RepoBody>)> {
    let mut conn = state.conn.lock().await;
    diesel::insert_into(repos::table)
        .values(repos::slug.eq(&new.slug))
        .execute(&mut *conn)
        .map_err(failed)?;
    let id = last_id(&mut conn).map_err(failed)?;
    Ok((StatusCode::CREATED, Json(RepoBody { id, slug: new.slug })))
}

async fn list_repos(State(state): State<AppState>) -> Answer<Json<Vec<RepoBody>>> {
    let mut conn = state.conn.lock().await;
    let rows: Vec<(i32, String)> = Repo::active()
        .order(repos::id)
        .select((repos::id, repos::slug))
        .load(&mut *conn)
        .map_err(failed)?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, slug)| RepoBody { id, slug })
            .collect(),
    ))
}

async fn get_repo(State(state): State<AppState>, Path(id): Path<i32>) -> Answer<Json<RepoBody>> {
    let mut conn = state.conn.lock().await;
    let row: Option<(i32, String)> = Repo::active()
        .find(id)
        .select((repos::id, repos::slug))
        .first(&mut *conn)
        .optional()
        .map_err(failed)?;
    let (id, slug) = row.ok_or_else(not_found)?;
    Ok(Json(RepoBody { id, slug }))
}

async fn delete_repo(State(state): State<AppState>, Path(id): Path<i32>) -> Answer<StatusCode> {
    let mut conn = state.conn.lock().await;
    Repo::soft_delete(&mut *conn, id).map_err(from_error)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn restore_repo(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Answer<Json<Restored>> {
    let mut conn = state.conn.lock().await;
    let report = Repo::restore(&mut *conn, id).map_err(from_error)?;
    let rows = report
        .changes
        .into_iter()
        .map(|change| (change.table.into_owned(), change.rows))
        .collect();
    Ok(Json(Restored { rows }))
}

async fn list_issues(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Answer<Json<Vec<IssueBody>>> {
    let mut conn = state.conn.lock().await;
    let live: i64 = Repo::active()
        .find(id)
        .count()
        .get_result(&mut *conn)
        .map_err(failed)?;
    if live == 0 {
        return Err(not_found());
    }
    let rows: Vec<(i32, String)> = Issue::active()
        .filter(issues::repo_id.eq(id))
        .order(issues::id)
        .select((issues::id, issues::title))
        .load(&mut *conn)
        .map_err(failed)?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, title)| IssueBody { id, title })
            .collect(),
    ))
}

async fn create_issue(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Json(new): Json<NewIssue>,
) -> Answer<(StatusCode, Json<IssueBody>)> {
    let mut conn = state.conn.lock().await;
    // A deleted repo rejects incoming writes: lock_live refuses it, and holds a live one until
    // the issue is in.
    let issue = conn
        .transaction::<_, Error, _>(|conn| {
            Repo::lock_live(conn, id)?;
            diesel::insert_into(issues::table)
                .values((issues::repo_id.eq(id), issues::title.eq(&new.title)))
                .execute(conn)?;
            Ok(last_id(conn)?)
        })
        .map_err(from_error)?;
    Ok((
        StatusCode::CREATED,
        Json(IssueBody {
            id: issue,
            title: new.title,
        }),
    ))
}
