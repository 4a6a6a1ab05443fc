//! The README's async example, compiled (with the `postgres` feature) so that what the README
//! shows builds; `tests/readme.rs` checks the README shows this file, from its first `use` on.

// Written as a reader would write it, without the docs the examples' lints ask for.
#![allow(missing_docs)]

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, post};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::deadpool::{BuildError, Pool};
use soft_delete_core::{Error, SoftDelete, asynchronous};

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    issues (id) {
        id -> Integer,
        repo_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(issues -> repos (repo_id));
diesel::allow_tables_to_appear_in_same_query!(repos, issues);

#[derive(Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = repos)]
#[cascade(Issue)]
pub struct Repo {
    pub id: i32,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = issues, belongs_to(Repo))]
#[soft_delete(parent = Repo)]
pub struct Issue {
    pub id: i32,
    pub repo_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
}

type DbPool = Pool<AsyncPgConnection>;
type Answer<T> = Result<T, (StatusCode, String)>;

/// The service: a pool of eight connections, and two routes.
pub fn app(database_url: &str) -> Result<Router, BuildError> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(database_url);
    let pool = Pool::builder(manager).max_size(8).build()?;
    Ok(Router::new()
        .route("/repos/{id}", delete(delete_repo))
        .route("/repos/{id}/restore", post(restore_repo))
        .with_state(pool))
}

/// `DELETE /repos/{id}`: the repo and its issues, in one transaction; 204 again once deleted.
async fn delete_repo(State(pool): State<DbPool>, Path(id): Path<i32>) -> Answer<StatusCode> {
    let mut conn = pool.get().await.map_err(unavailable)?;
    asynchronous::soft_delete::<Repo, _>(&mut *conn, id, None)
        .await
        .map_err(|error| refused(&error))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /repos/{id}/restore`: brings back what the delete hid, and says how much.
async fn restore_repo(State(pool): State<DbPool>, Path(id): Path<i32>) -> Answer<String> {
    let mut conn = pool.get().await.map_err(unavailable)?;
    let report = asynchronous::restore::<Repo, _>(&mut *conn, id)
        .await
        .map_err(|error| refused(&error))?;
    Ok(report.to_string())
}

fn unavailable(error: impl std::fmt::Display) -> (StatusCode, String) {
    (StatusCode::SERVICE_UNAVAILABLE, error.to_string())
}

fn refused(error: &Error) -> (StatusCode, String) {
    let status = match error {
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::ParentDeleted { .. } | Error::UniqueConflict { .. } => StatusCode::CONFLICT,
        error if error.is_retryable() => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, error.to_string())
}
