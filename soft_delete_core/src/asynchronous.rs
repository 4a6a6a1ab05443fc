//! Every operation on `diesel_async` connections (feature `async`): `AsyncPgConnection`,
//! `AsyncMysqlConnection`, `SyncConnectionWrapper<SqliteConnection>`, and a pool's connection
//! by deref (`&mut *pool.get().await?`).
//!
//! The same engine runs them as the blocking operations ([`ops`](crate::ops)): the same
//! statements in the same order, the same [`Report`]s and [`Error`](crate::Error)s; only each
//! statement is awaited instead of run at once. Name the model as the first type parameter:
//!
//! ```
//! # soft_delete_core::__async_doc! { conn =>
//! use soft_delete_core::{Outcome, asynchronous};
//!
//! // `conn`: a `SyncConnectionWrapper<SqliteConnection>` here; an `AsyncPgConnection`, an
//! // `AsyncMysqlConnection` or a pooled connection (`&mut *pool.get().await?`) alike.
//! let deleted = asynchronous::soft_delete::<Repo, _>(&mut conn, 1, Some(42)).await?;
//! assert_eq!(deleted.rows_in("repos"), 1);
//! let restored = asynchronous::restore::<Repo, _>(&mut conn, 1).await?;
//! assert_eq!(restored.outcome, Outcome::Changed);
//! # }
//! ```
//!
//! The futures are `Send` whenever the connection, the key and the hooks are, so they run in
//! `tokio::spawn` and in axum and actix handlers. Blocking users compile none of this: it
//! needs the `async` feature, which brings `diesel_async` (and tokio, which it runs on).

use diesel::expression::{AppearsOnTable, Expression};
use diesel::query_builder::QueryFragment;
use diesel::sql_types::BoolOrNullableBool;
use diesel_async::AsyncConnection;

use crate::cascade::SoftDeleteOn;
use crate::dialect::SupportedBackend;
use crate::dialect::catalog::{self, Catalog, ForeignKey};
use crate::error::Result;
use crate::exec::{Async, HookSet};
use crate::hooks::{AsyncHooks, NoHooks};
use crate::model::ActorOf;
use crate::ops::ancestors::{RestoreUp, climb_and_restore};
use crate::ops::purge::{Purge, purge_with};
use crate::ops::restore::Depth;
use crate::ops::{hard_delete as erase, lock, restore as revive, soft_delete as tombstone};
use crate::report::Report;
use crate::sql::Statement;

/// [`ops::soft_delete`](crate::ops::soft_delete), awaited: soft deletes the row of `M` whose
/// key is `id` and everything its cascade reaches, recording `actor` where rows record one.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// let report = soft_delete_core::asynchronous::soft_delete::<Repo, _>(&mut conn, 1, None).await?;
/// assert_eq!(report.rows_in("repos"), 1);
/// # }
/// ```
pub async fn soft_delete<M, C>(conn: &mut C, id: M::Id, actor: Option<ActorOf<M>>) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    soft_delete_with_hooks::<M, C>(conn, id, actor, &mut AsyncHooks::new()).await
}

/// [`soft_delete`] of a row already loaded, on behalf of `actor`: the async
/// [`SoftDelete::soft_delete_record`](crate::SoftDelete::soft_delete_record).
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use diesel::prelude::*;
/// use diesel_async::RunQueryDsl;
/// use soft_delete_core::asynchronous;
///
/// let repo: Repo = Repo::active().select(Repo::as_select()).first(&mut conn).await?;
/// asynchronous::soft_delete_record(&mut conn, &repo, None).await?;
/// asynchronous::restore_record(&mut conn, &repo).await?;
/// # }
/// ```
pub async fn soft_delete_record<M, C>(
    conn: &mut C,
    row: &M,
    actor: Option<ActorOf<M>>,
) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    soft_delete::<M, C>(conn, M::key_of(row), actor).await
}

/// [`soft_delete`], running `hooks` inside its transaction: each can await statements of its
/// own on `conn`, and an error from one rolls everything back.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use soft_delete_core::hooks::AsyncHooks;
///
/// let mut hooks = AsyncHooks::new().after(|_, report| {
///     Box::pin(async move {
///         assert_eq!(report.rows_in("repos"), 1);
///         Ok(())
///     })
/// });
/// soft_delete_core::asynchronous::soft_delete_with_hooks::<Repo, _>(&mut conn, 1, None, &mut hooks).await?;
/// # }
/// ```
pub async fn soft_delete_with_hooks<M, C>(
    conn: &mut C,
    id: M::Id,
    actor: Option<ActorOf<M>>,
    hooks: &mut AsyncHooks<'_, C>,
) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let target = M::key_is(id.clone());
    let x = &mut Async::new(conn);
    tombstone::tombstone::<M, _, _>(x, &*target, actor, Some(id), hooks).await
}

/// [`ops::soft_delete_where`](crate::ops::soft_delete_where), awaited: soft deletes every live
/// row of `M` that `predicate` selects, one statement per edge.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use diesel::prelude::*;
///
/// let report = soft_delete_core::asynchronous::soft_delete_where::<Repo, _, _>(
///     &mut conn,
///     repos::slug.like("a%"),
///     None,
/// )
/// .await?;
/// assert_eq!(report.rows_in("repos"), 1);
/// # }
/// ```
pub async fn soft_delete_where<M, C, P>(
    conn: &mut C,
    predicate: P,
    actor: Option<ActorOf<M>>,
) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
    P: Expression + AppearsOnTable<M::Table> + QueryFragment<C::Backend> + Send + Sync,
    P::SqlType: BoolOrNullableBool,
{
    let mut target = Statement::new();
    target.push(predicate);
    let x = &mut Async::new(conn);
    tombstone::tombstone::<M, _, _>(x, &target, actor, None, &mut NoHooks).await
}

/// [`ops::restore`](crate::ops::restore), awaited: restores the row of `M` whose key is `id`,
/// and exactly what its delete hid.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use soft_delete_core::asynchronous;
///
/// asynchronous::soft_delete::<Repo, _>(&mut conn, 1, None).await?;
/// assert_eq!(asynchronous::restore::<Repo, _>(&mut conn, 1).await?.rows_in("repos"), 1);
/// # }
/// ```
pub async fn restore<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    restore_with_hooks::<M, C>(conn, id, &mut AsyncHooks::new()).await
}

/// [`restore`] of a row already loaded (through the model's `only_deleted()` scope, say): the
/// async [`SoftDelete::restore_record`](crate::SoftDelete::restore_record).
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use diesel::prelude::*;
/// use diesel_async::RunQueryDsl;
/// use soft_delete_core::asynchronous;
///
/// asynchronous::soft_delete::<Repo, _>(&mut conn, 1, None).await?;
/// let gone: Repo = Repo::only_deleted().select(Repo::as_select()).first(&mut conn).await?;
/// let report = asynchronous::restore_record(&mut conn, &gone).await?;
/// assert_eq!(report.rows_in("repos"), 1);
/// # }
/// ```
pub async fn restore_record<M, C>(conn: &mut C, row: &M) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    restore::<M, C>(conn, M::key_of(row)).await
}

/// [`restore`], running `hooks` inside its transaction.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use soft_delete_core::{Error, asynchronous, hooks::AsyncHooks};
///
/// asynchronous::soft_delete::<Repo, _>(&mut conn, 1, None).await?;
/// let mut refuse = AsyncHooks::new().before(|_, _| Box::pin(async { Err(Error::hook("no")) }));
/// let refused = asynchronous::restore_with_hooks::<Repo, _>(&mut conn, 1, &mut refuse).await;
/// assert!(matches!(refused, Err(Error::Hook(_))));
/// # }
/// ```
pub async fn restore_with_hooks<M, C>(
    conn: &mut C,
    id: M::Id,
    hooks: &mut AsyncHooks<'_, C>,
) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    revive::revive::<M, _, _>(&mut Async::new(conn), id, hooks).await
}

/// [`ops::restore_with_ancestors`](crate::ops::restore_with_ancestors), awaited.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use soft_delete_core::{Outcome, asynchronous};
///
/// let report = asynchronous::restore_with_ancestors::<Repo, _>(&mut conn, 1).await?;
/// assert_eq!(report.outcome, Outcome::AlreadyActive);
/// # }
/// ```
pub async fn restore_with_ancestors<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: RestoreUp<C::Backend>,
{
    climb_and_restore::<M, _>(&mut Async::new(conn), id, Depth::Cascade).await
}

/// [`ops::restore_path`](crate::ops::restore_path), awaited: restores the tombstoned ancestors
/// a row needs, each alone, then the row with what its delete hid.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use soft_delete_core::{Outcome, asynchronous};
///
/// asynchronous::soft_delete::<Repo, _>(&mut conn, 1, None).await?;
/// let report = asynchronous::restore_path::<Repo, _>(&mut conn, 1).await?;
/// assert_eq!(report.outcome, Outcome::Changed);
/// # }
/// ```
pub async fn restore_path<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: RestoreUp<C::Backend>,
{
    climb_and_restore::<M, _>(&mut Async::new(conn), id, Depth::Row).await
}

/// [`ops::restore_shallow`](crate::ops::restore_shallow), awaited: restores the row alone.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use soft_delete_core::asynchronous;
///
/// asynchronous::soft_delete::<Repo, _>(&mut conn, 1, None).await?;
/// let report = asynchronous::restore_shallow::<Repo, _>(&mut conn, 1).await?;
/// assert_eq!(report.total_rows(), 1);
/// # }
/// ```
pub async fn restore_shallow<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    revive::revive_as::<M, _, _>(&mut Async::new(conn), id, &mut NoHooks, Depth::Row).await
}

/// [`ops::restore_where`](crate::ops::restore_where), awaited: restores every tombstoned row a
/// predicate selects, each with what its own delete hid, in one transaction.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use diesel::prelude::*;
/// use soft_delete_core::asynchronous;
///
/// asynchronous::soft_delete::<Repo, _>(&mut conn, 1, None).await?;
/// let report =
///     asynchronous::restore_where::<Repo, _, _>(&mut conn, repos::slug.like("a%")).await?;
/// assert_eq!(report.rows_in("repos"), 1);
/// # }
/// ```
pub async fn restore_where<M, C, P>(conn: &mut C, predicate: P) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
    P: Expression + AppearsOnTable<M::Table> + QueryFragment<C::Backend> + Send + Sync,
    P::SqlType: BoolOrNullableBool,
{
    let mut target = Statement::new();
    target.push(predicate);
    revive::revive_where::<M, _>(&mut Async::new(conn), &target).await
}

/// [`ops::lock_live`](crate::ops::lock_live), awaited: in a writer's transaction, checks that
/// the row is live and keeps it so until the transaction ends.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use diesel_async::{AsyncConnection, scoped_futures::ScopedFutureExt};
/// use soft_delete_core::{Error, asynchronous};
///
/// conn.transaction::<_, Error, _>(|conn| {
///     async move { asynchronous::lock_live::<Repo, _>(conn, 1).await }.scope_boxed()
/// })
/// .await?;
/// # }
/// ```
pub async fn lock_live<M, C>(conn: &mut C, id: M::Id) -> Result<()>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    lock::lock_live_on::<M, _>(&mut Async::new(conn), id).await
}

/// [`ops::hard_delete`](crate::ops::hard_delete), awaited: deletes for real the row and its
/// whole subtree, in one transaction.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// let report = soft_delete_core::asynchronous::hard_delete::<Repo, _>(&mut conn, 1).await?;
/// assert_eq!(report.rows_in("repos"), 1);
/// # }
/// ```
pub async fn hard_delete<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    erase::erase::<M, _>(&mut Async::new(conn), id).await
}

/// [`purge`](crate::purge::purge), awaited: deletes for real the tombstoned rows `options`
/// selects, in batches, with their progress and [`AsyncHooks`].
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// use soft_delete_core::{asynchronous, purge::Purge};
///
/// asynchronous::soft_delete::<Repo, _>(&mut conn, 1, None).await?;
/// let report = asynchronous::purge::<Repo, _, (), _>(&mut conn, Purge::any_age()).await?;
/// assert_eq!(report.rows_in("repos"), 1);
/// # }
/// ```
///
/// The options' connection type `O` names the connection their hooks take; with no hooks it
/// is anything, and inferred.
pub async fn purge<M, C, O, H>(conn: &mut C, mut options: Purge<'_, O, H>) -> Result<Report>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
    H: for<'c> HookSet<Async<'c, C>>,
{
    purge_with::<M, _, O, H>(&mut Async::new(conn), &mut options).await
}

/// [`audit::catalog::read`](crate::audit::catalog::read), awaited: the schema of the database
/// `conn` is connected to.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// let catalog = soft_delete_core::asynchronous::read_catalog(&mut conn).await?;
/// assert!(catalog.table("repos").is_some());
/// # }
/// ```
pub async fn read_catalog<C>(conn: &mut C) -> Result<Catalog>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
{
    catalog::read_on(&mut Async::new(conn)).await
}

/// [`audit::catalog::read_foreign_keys`](crate::audit::catalog::read_foreign_keys), awaited:
/// the foreign keys of the schema alone.
///
/// ```
/// # soft_delete_core::__async_doc! { conn =>
/// conn.batch_execute(
///     "CREATE TABLE issues (id INTEGER PRIMARY KEY, repo_id INTEGER REFERENCES repos (id))",
/// )
/// .await?;
/// let keys = soft_delete_core::asynchronous::read_foreign_keys(&mut conn).await?;
/// assert_eq!(keys.len(), 1);
/// assert_eq!((keys[0].table.as_str(), keys[0].referenced_table.as_str()), ("issues", "repos"));
/// # }
/// ```
pub async fn read_foreign_keys<C>(conn: &mut C) -> Result<Vec<ForeignKey>>
where
    C: AsyncConnection,
    C::Backend: SupportedBackend,
{
    catalog::foreign_keys_on(&mut Async::new(conn)).await
}
