// The API over one backend's connection types, included by `mod.rs` once per backend inside a
// module that defines `Conn` (the pool's async connection) and `Blocking`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use diesel::prelude::*;
use diesel_async::pooled_connection::deadpool::{Object, Pool, PoolError};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};
use diesel_migrations::MigrationHarness;
use serde::Deserialize;
use soft_delete_core::leak::LeakDetector;
use soft_delete_core::{Error, asynchronous};

use super::{Database, POOL_SIZE};
use super::{Issue, Repo, issues, repos};
use super::{IssueBody, RepoBody, Restored};

/// What can go wrong while the API starts.
type StartError = Box<dyn std::error::Error + Send + Sync>;

/// The API's state: the pool, the database it draws from, and a count of requests in flight.
#[derive(Clone)]
pub struct AppState {
    pool: Pool<Conn>,
    database: Arc<Database>,
    in_flight: Arc<InFlight>,
}

/// Requests being answered now, and the most there were at once.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl AppState {
    /// Migrates `database` (on a blocking connection, off the runtime's threads), then opens a
    /// pool of [`POOL_SIZE`] async connections to it, each set up as the database says. With a
    /// `detector`, every connection of the pool reports its leaks to the detector's handle.
    ///
    /// # Errors
    /// If the database is unreachable or a migration fails.
    pub async fn connect(
        database: Database,
        detector: Option<LeakDetector>,
    ) -> Result<Self, StartError> {
        let database = Arc::new(database);
        let migrating = Arc::clone(&database);
        tokio::task::spawn_blocking(move || -> Result<(), StartError> {
            let mut conn = migrating.prepare::<Blocking>()?;
            migrate(&mut conn)?;
            Ok(())
        })
        .await??;

        let setup = database.setup().to_owned();
        let detector = detector.map(std::sync::Mutex::new).map(Arc::new);
        let mut config = ManagerConfig::<Conn>::default();
        config.custom_setup = Box::new(move |url| {
            let (url, setup) = (url.to_owned(), setup.clone());
            let detector = detector.as_ref().map(|detector| {
                let detector = detector.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                detector.for_another_connection()
            });
            Box::pin(async move {
                let mut conn = Conn::establish(&url).await?;
                conn.batch_execute(&setup)
                    .await
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                if let Some(detector) = detector {
                    conn.set_instrumentation(detector);
                }
                Ok(conn)
            })
        });
        let manager = AsyncDieselConnectionManager::new_with_config(database.url(), config);
        let pool = Pool::builder(manager).max_size(POOL_SIZE).build()?;
        Ok(AppState {
            pool,
            database,
            in_flight: Arc::default(),
        })
    }

    /// The database the pool draws from: to look at the rows, or to tear it down.
    #[must_use]
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The most requests the API was answering at one moment.
    #[must_use]
    pub fn peak_in_flight(&self) -> usize {
        AtomicUsize::load(&self.in_flight.peak, Ordering::SeqCst)
    }

    /// A connection from the pool, as a handler gets one (waiting while all are in use).
    ///
    /// # Errors
    /// If no connection can be made.
    pub async fn connection(&self) -> Result<Object<Conn>, PoolError> {
        self.pool.get().await
    }

    /// Requests being answered now.
    #[must_use]
    pub fn in_flight(&self) -> usize {
        AtomicUsize::load(&self.in_flight.now, Ordering::SeqCst)
    }
}

/// The schema, migrated on a blocking connection.
fn migrate(conn: &mut Blocking) -> Result<(), StartError> {
    conn.run_pending_migrations(MIGRATIONS)?;
    Ok(())
}

/// The API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/repos", get(list_repos).post(create_repo))
        .route("/repos/{id}", get(get_repo).delete(delete_repo))
        .route("/repos/{id}/restore", post(restore_repo))
        .route("/repos/{id}/issues", get(list_issues).post(create_issue))
        .layer(middleware::from_fn_with_state(state.clone(), count_in_flight))
        .with_state(state)
}

/// Counts the request while it is answered, as a service's metrics would.
async fn count_in_flight(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let _answering = state.in_flight.enter();
    next.run(request).await
}

impl InFlight {
    /// One more request, until the guard drops (answered, or abandoned by its client).
    fn enter(&self) -> impl Drop + '_ {
        struct Answering<'a>(&'a InFlight);
        impl Drop for Answering<'_> {
            fn drop(&mut self) {
                self.0.now.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        Answering(self)
    }
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
        // A lock wait the database gave up on: the client may try again.
        Error::Conflict(_) => (StatusCode::SERVICE_UNAVAILABLE, error.to_string()),
        other => failed(other),
    }
}

fn not_found() -> (StatusCode, String) {
    (StatusCode::NOT_FOUND, "no such repo".to_owned())
}

/// A handler's connection from the pool, waiting while all of them are in use.
async fn connection(state: &AppState) -> Answer<Object<Conn>> {
    state
        .connection()
        .await
        .map_err(|error| (StatusCode::SERVICE_UNAVAILABLE, error.to_string()))
}

async fn create_repo(
    State(state): State<AppState>,
    Json(new): Json<NewRepo>,
) -> Answer<(StatusCode, Json<RepoBody>)> {
    let mut conn = connection(&state).await?;
    let id = diesel::insert_into(repos::table)
        .values(repos::slug.eq(&new.slug))
        .returning(repos::id)
        .get_result(&mut *conn)
        .await
        .map_err(failed)?;
    Ok((StatusCode::CREATED, Json(RepoBody { id, slug: new.slug })))
}

async fn list_repos(State(state): State<AppState>) -> Answer<Json<Vec<RepoBody>>> {
    let mut conn = connection(&state).await?;
    let rows: Vec<(i32, String)> = Repo::active()
        .order(repos::id)
        .select((repos::id, repos::slug))
        .load(&mut *conn)
        .await
        .map_err(failed)?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, slug)| RepoBody { id, slug })
            .collect(),
    ))
}

async fn get_repo(State(state): State<AppState>, Path(id): Path<i32>) -> Answer<Json<RepoBody>> {
    let mut conn = connection(&state).await?;
    let row: Option<(i32, String)> = Repo::active()
        .find(id)
        .select((repos::id, repos::slug))
        .first(&mut *conn)
        .await
        .optional()
        .map_err(failed)?;
    let (id, slug) = row.ok_or_else(not_found)?;
    Ok(Json(RepoBody { id, slug }))
}

async fn delete_repo(State(state): State<AppState>, Path(id): Path<i32>) -> Answer<StatusCode> {
    let mut conn = connection(&state).await?;
    asynchronous::soft_delete::<Repo, _>(&mut *conn, id, None)
        .await
        .map_err(from_error)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn restore_repo(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Answer<Json<Restored>> {
    let mut conn = connection(&state).await?;
    let report = asynchronous::restore::<Repo, _>(&mut *conn, id)
        .await
        .map_err(from_error)?;
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
    let mut conn = connection(&state).await?;
    let live: i64 = Repo::active()
        .find(id)
        .count()
        .get_result(&mut *conn)
        .await
        .map_err(failed)?;
    if live == 0 {
        return Err(not_found());
    }
    let rows: Vec<(i32, String)> = Issue::active()
        .filter(issues::repo_id.eq(id))
        .order(issues::id)
        .select((issues::id, issues::title))
        .load(&mut *conn)
        .await
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
    let mut conn = connection(&state).await?;
    let title = &new.title;
    // A deleted repo rejects incoming writes: lock_live refuses it, and holds a live one until
    // the issue is in, so a delete cannot pass the insert and leave it live under a tombstone.
    let issue = conn
        .transaction::<_, Error, _>(|conn| {
            async move {
                asynchronous::lock_live::<Repo, _>(conn, id).await?;
                Ok(diesel::insert_into(issues::table)
                    .values((issues::repo_id.eq(id), issues::title.eq(title)))
                    .returning(issues::id)
                    .get_result(conn)
                    .await?)
            }
            .scope_boxed()
        })
        .await
        .map_err(from_error)?;
    Ok((
        StatusCode::CREATED,
        Json(IssueBody {
            id: issue,
            title: new.title,
        }),
    ))
}
