//! Soft delete: lock the rows, check, tombstone.

use core::fmt::Debug;

use chrono::NaiveDateTime;
use diesel::connection::LoadConnection;
use diesel::expression::{AppearsOnTable, Expression};
use diesel::query_builder::QueryFragment;
use diesel::sql_types::BoolOrNullableBool;

use super::trace::{Op, Trace};
use super::{changed, not_found, now_stamp, unchanged};
use crate::cascade::SoftDeleteOn;
use crate::cascade::check::Check;
use crate::cascade::lookup::{claim_writes, find};
use crate::cascade::tombstone::Tombstone;
use crate::dialect::SupportedBackend;
use crate::error::Result;
use crate::exec::{Blocking, Executor, HookSet, NoHooks, block_on, finish};
use crate::hooks::{Hooks, Intent};
use crate::model::ActorOf;
use crate::render::rowset::Root;
use crate::render::{Found, State, statements};
use crate::report::{Operation, Outcome, Report};
use crate::sql::Statement;

/// Soft deletes the row of `M` whose key is `id` and everything its cascade reaches,
/// recording `actor` wherever a row has an actor column (and `NULL` there when `actor` is
/// `None`).
///
/// A row that is already tombstoned is left as it is, stamp and actor included, and the report
/// says [`Outcome::AlreadyDeleted`] with the stamp the row already carries (for a flag model,
/// the one the ledger recorded; where nothing recorded one, the time of this call). A key no
/// row has is [`Error::NotFound`](crate::Error::NotFound); a restricting edge with live rows is
/// [`Error::Restricted`](crate::Error::Restricted). Either way nothing changes.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Outcome, ops};
///
/// # let conn = &mut fixture();
/// let report = ops::soft_delete::<Repo, _>(conn, 1, Some(7))?;
/// assert_eq!(report.outcome, Outcome::Changed);
/// assert_eq!(report.rows_in("repos"), 1);
///
/// let again = ops::soft_delete::<Repo, _>(conn, 1, None)?;
/// assert_eq!(again.outcome, Outcome::AlreadyDeleted);
/// assert_eq!(again.stamp, report.stamp, "the stamp the row already has");
///
/// assert!(ops::soft_delete::<Repo, _>(conn, 404, None).unwrap_err().is_not_found());
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn soft_delete<M, C>(conn: &mut C, id: M::Id, actor: Option<ActorOf<M>>) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let target = M::key_is(id.clone());
    let x = &mut Blocking::new(conn);
    block_on(tombstone::<M, _, _>(
        x,
        &*target,
        actor,
        Some(id),
        &mut NoHooks,
    ))
}

/// [`soft_delete`], running `hooks` inside its transaction: the `before` hooks once the row is
/// locked, the `after` hooks with the report. An error from a hook rolls everything back.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::SqliteConnection;
/// use soft_delete_core::{Hooks, Operation, ops};
///
/// # let conn = &mut fixture();
/// let mut seen = Vec::new();
/// let mut hooks = Hooks::new().after(|_: &mut SqliteConnection, report| {
///     seen.push((report.operation, report.total_rows()));
///     Ok(())
/// });
/// ops::soft_delete_with_hooks::<Repo, _>(conn, 1, None, &mut hooks)?;
/// drop(hooks);
/// assert_eq!(seen, [(Operation::SoftDelete, 1)]);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn soft_delete_with_hooks<M, C>(
    conn: &mut C,
    id: M::Id,
    actor: Option<ActorOf<M>>,
    hooks: &mut Hooks<'_, C>,
) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let target = M::key_is(id.clone());
    let x = &mut Blocking::new(conn);
    block_on(tombstone::<M, _, _>(x, &*target, actor, Some(id), hooks))
}

/// Soft deletes every live row of `M` that `predicate` selects, and everything their cascade
/// reaches: one statement per edge, whatever the number of rows.
///
/// There is no form without a predicate, so a whole table is never tombstoned by accident;
/// to mean "every row", say so with a predicate that reads that way. Rows the predicate selects
/// that are already tombstoned keep their stamp and are not counted.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
/// use soft_delete_core::ops;
///
/// # let conn = &mut fixture();
/// let report = ops::soft_delete_where::<Repo, _, _>(conn, repos::slug.like("demo-%"), None)?;
/// assert_eq!(report.rows_in("repos"), 2);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn soft_delete_where<M, C, P>(
    conn: &mut C,
    predicate: P,
    actor: Option<ActorOf<M>>,
) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
    P: Expression + AppearsOnTable<M::Table> + QueryFragment<C::Backend> + Send + Sync,
    P::SqlType: BoolOrNullableBool,
{
    let mut target = Statement::new();
    target.push(predicate);
    let x = &mut Blocking::new(conn);
    block_on(tombstone::<M, _, _>(x, &target, actor, None, &mut NoHooks))
}

/// The soft delete of the rows `target` selects, on any connection; `id` when it is one row
/// by key.
pub(crate) async fn tombstone<M, X, H>(
    x: &mut X,
    target: &(dyn QueryFragment<X::Backend> + Sync),
    actor: Option<ActorOf<M>>,
    id: Option<M::Id>,
    hooks: &mut H,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
    H: HookSet<X>,
{
    let stamp = now_stamp();
    let key = id.as_ref().map(|id| id as &dyn Debug);
    let trace = Trace::start(Op::SoftDelete, M::TABLE, key, Some(stamp));
    trace
        .run(async {
            x.begin().await?;
            let result =
                tombstone_in_transaction::<M, X, H>(x, target, actor, id, hooks, stamp).await;
            finish(x, result).await
        })
        .await
}

async fn tombstone_in_transaction<M, X, H>(
    x: &mut X,
    target: &(dyn QueryFragment<X::Backend> + Sync),
    actor: Option<ActorOf<M>>,
    id: Option<M::Id>,
    hooks: &mut H,
    stamp: NaiveDateTime,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
    H: HookSet<X>,
{
    // Lock the rows first, whatever their state: an operation on them in progress (a restore
    // of a tombstoned row, a writer that took `lock_live`) finishes first, and every statement
    // below sees what it left. The lock is held to the end, so nothing changes them meanwhile.
    claim_writes::<M, X>(x).await?;
    let any = root::<M, X::Backend>(target, State::Any, id.is_some());
    let locked =
        <X::Backend as SupportedBackend>::count(x, statements::lock::<M, X::Backend>(&any)).await?;
    hooks
        .before(x, || {
            let target = id.as_ref().map_or_else(
                || "rows matching a predicate".to_owned(),
                |id| format!("{id:?}"),
            );
            Intent::new(Operation::SoftDelete, M::TABLE, target)
        })
        .await?;
    if let (Some(id), 0) = (&id, locked) {
        return Err(not_found::<M>(id));
    }
    let live = root::<M, X::Backend>(target, State::Live, id.is_some());
    Check::before_tombstone().rows::<M, X>(x, &live).await?;
    let mut pass = Tombstone::new(stamp, actor.map(M::actor));
    let stamped = root::<M, X::Backend>(target, State::At(stamp), id.is_some());
    let rows = pass.rows::<M, X>(x, &live, &stamped).await?;
    let report = match (rows, id) {
        (0, Some(id)) => {
            // The row keeps its tombstone, so the report gives the stamp it already has (for a
            // flag, the one the ledger recorded); without one, the operation's own time.
            let kept = match find::<M, X>(x, id, "").await? {
                Found::Deleted(Some(kept)) => kept,
                Found::Deleted(None) | Found::Live | Found::Missing => stamp,
            };
            unchanged(Operation::SoftDelete, Outcome::AlreadyDeleted, kept)
        }
        (0, None) => unchanged(Operation::SoftDelete, Outcome::NothingMatched, stamp),
        _ => changed::<M>(Operation::SoftDelete, stamp, rows, pass.changes),
    };
    hooks.after(x, &report).await?;
    Ok(report)
}

/// The rows `target` selects in `state`; `by_keys` when the target names one row by its key.
fn root<M, DB>(
    target: &(dyn QueryFragment<DB> + Sync),
    state: State,
    by_keys: bool,
) -> Root<'_, M, DB> {
    let root = Root::new(target, state);
    if by_keys { root.by_keys() } else { root }
}
