// The API over one backend's connection type, included by `mod.rs` once per backend inside a
// module that defines `type Conn`.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use serde::Deserialize;
use soft_delete_core::{Error, SoftDelete};
use tokio::sync::Mutex;

use super::{Issue, Repo, issues, repos};
use super::{IssueBody, RepoBody, Restored};

/// The API's state: one connection, serialised.
#[derive(Clone)]
pub struct AppState {
    conn: Arc<Mutex<Conn>>,
}

impl AppState {
    /// Connects to `url`, opens a transaction that is rolled back when the state is dropped (so
    /// a shared database is left as it was found), and migrates the schema into it.
    ///
    /// # Errors
    /// If the database is unreachable or a migration fails.
    pub fn connect(url: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let mut conn = Conn::establish(url)?;
        conn.begin_test_transaction()?;
        conn.run_pending_migrations(super::migrations::<<Conn as Connection>::Backend>())?;
        Ok(AppState {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The connection, for a test to look at the rows themselves.
    pub async fn conn(&self) -> tokio::sync::MutexGuard<'_, Conn> {
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

fn not_found() -> (StatusCode, String) {
    (StatusCode::NOT_FOUND, "no such repo".to_owned())
}

async fn create_repo(
    State(state): State<AppState>,
    Json(new): Json<NewRepo>,
) -> Answer<(StatusCode, Json<RepoBody>)> {
    let mut conn = state.conn.lock().await;
    let id = diesel::insert_into(repos::table)
        .values(repos::slug.eq(&new.slug))
        .returning(repos::id)
        .get_result(&mut *conn)
        .map_err(failed)?;
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
            Ok(diesel::insert_into(issues::table)
                .values((issues::repo_id.eq(id), issues::title.eq(&new.title)))
                .returning(issues::id)
                .get_result(conn)?)
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
