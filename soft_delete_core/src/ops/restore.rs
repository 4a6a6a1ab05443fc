//! Restore: lock the row, check its parents, revive what its delete hid. Also the restore of
//! the row alone ([`restore_shallow`]) and of every tombstoned row a predicate selects
//! ([`restore_where`]).

use chrono::NaiveDateTime;
use diesel::connection::LoadConnection;
use diesel::expression::{AppearsOnTable, Expression};
use diesel::query_builder::QueryFragment;
use diesel::sql_types::BoolOrNullableBool;

use super::trace::{Op, Trace};
use super::{changed, not_found, now_stamp, unchanged};
use crate::cascade::SoftDeleteOn;
use crate::cascade::lookup::{claim_writes, earliest_stamp, find};
use crate::cascade::parents::ParentsOn;
use crate::cascade::revive::Revive;
use crate::dialect::SupportedBackend;
use crate::error::Result;
use crate::exec::{Blocking, Executor, HookSet, NoHooks, block_on, finish};
use crate::hooks::{Hooks, Intent};
use crate::render::rowset::Root;
use crate::render::{Found, State, statements};
use crate::report::{Operation, Outcome, Report};
use crate::sql::Statement;

/// Restores the row of `M` whose key is `id`, and exactly what the operation that tombstoned
/// it hid with it: descendants tombstoned on their own, before or after, stay tombstoned. So
/// does a descendant whose other parent another operation has tombstoned since (it would be
/// live under a tombstoned row): it keeps its stamp, and comes back with its own restore.
///
/// A live row is left as it is ([`Outcome::AlreadyActive`]); a key no row has is
/// [`Error::NotFound`](crate::Error::NotFound); a row whose parent is still tombstoned is
/// [`Error::ParentDeleted`](crate::Error::ParentDeleted) (see
/// [`restore_with_ancestors`](super::restore_with_ancestors)). Either way nothing changes.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Outcome, ops};
///
/// # let conn = &mut fixture();
/// let report = ops::restore::<Repo, _>(conn, 3)?;
/// assert_eq!(report.outcome, Outcome::Changed);
///
/// let again = ops::restore::<Repo, _>(conn, 3)?;
/// assert_eq!(again.outcome, Outcome::AlreadyActive);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn restore<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    block_on(revive::<M, _, _>(
        &mut Blocking::new(conn),
        id,
        &mut NoHooks,
    ))
}

/// How much of what a row's delete hid a restore brings back.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The row and exactly what its delete hid.
    Cascade,
    /// The row alone.
    Row,
}

/// Restores the row of `M` whose key is `id`, and nothing else (paranoia's
/// `recursive: false`): what its delete hid below it stays tombstoned, each row with the stamp
/// it has, and comes back with its own restore (which finds its parent live now). A live row,
/// an unknown key and a tombstoned parent are answered as [`restore`] answers them.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Outcome, ops};
///
/// # let conn = &mut fixture();
/// let report = ops::restore_shallow::<Repo, _>(conn, 3)?;
/// assert_eq!((report.outcome, report.total_rows()), (Outcome::Changed, 1));
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn restore_shallow<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    block_on(revive_as::<M, _, _>(
        &mut Blocking::new(conn),
        id,
        &mut NoHooks,
        Depth::Row,
    ))
}

/// [`restore`], running `hooks` inside its transaction: the `before` hooks once the row is
/// locked, the `after` hooks with the report.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::SqliteConnection;
/// use soft_delete_core::{Error, Hooks, ops};
///
/// # let conn = &mut fixture();
/// let mut hooks = Hooks::new().after(|_: &mut SqliteConnection, _| Err(Error::hook("no")));
/// let refused = ops::restore_with_hooks::<Repo, _>(conn, 3, &mut hooks);
/// assert!(matches!(refused, Err(Error::Hook(_))));
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn restore_with_hooks<M, C>(conn: &mut C, id: M::Id, hooks: &mut Hooks<'_, C>) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    block_on(revive::<M, _, _>(&mut Blocking::new(conn), id, hooks))
}

/// The restore of the row of `M` whose key is `id`, on any connection.
pub(crate) async fn revive<M, X, H>(x: &mut X, id: M::Id, hooks: &mut H) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
    H: HookSet<X>,
{
    revive_as::<M, X, H>(x, id, hooks, Depth::Cascade).await
}

/// The restore of the row of `M` whose key is `id` to `depth`, on any connection.
pub(crate) async fn revive_as<M, X, H>(
    x: &mut X,
    id: M::Id,
    hooks: &mut H,
    depth: Depth,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
    H: HookSet<X>,
{
    let now = now_stamp();
    let op = match depth {
        Depth::Cascade => Op::Restore,
        Depth::Row => Op::RestoreShallow,
    };
    let trace = Trace::start(op, M::TABLE, Some(&id), Some(now));
    trace
        .run(async {
            x.begin().await?;
            let result = revive_in_transaction::<M, X, H>(x, id, hooks, now, depth).await;
            finish(x, result).await
        })
        .await
}

async fn revive_in_transaction<M, X, H>(
    x: &mut X,
    id: M::Id,
    hooks: &mut H,
    now: NaiveDateTime,
    depth: Depth,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
    H: HookSet<X>,
{
    // A locking read: a concurrent delete or restore of the row finishes first, and the stamp
    // read is the latest committed one whatever this transaction's snapshot.
    claim_writes::<M, X>(x).await?;
    let for_update = <X::Backend as SupportedBackend>::FOR_UPDATE;
    let found = find::<M, X>(x, id.clone(), for_update).await?;
    if found == Found::Missing {
        return Err(not_found::<M>(&id));
    }
    hooks
        .before(x, || {
            Intent::new(Operation::Restore, M::TABLE, format!("{id:?}"))
        })
        .await?;
    let Found::Deleted(undone) = found else {
        let report = unchanged(Operation::Restore, Outcome::AlreadyActive, now);
        hooks.after(x, &report).await?;
        return Ok(report);
    };
    M::ParentLinks::check(x, &id).await?;
    let target = M::key_is(id);
    let root = Root::<M, X::Backend>::new(&*target, State::Deleted).by_keys();
    let revived = Root::<M, X::Backend>::new(&*target, State::Live).by_keys();
    let (rows, changes) = if let Some(stamp) = undone {
        let mut pass = Revive::new(stamp);
        let rows = match depth {
            Depth::Cascade => pass.rows::<M, X>(x, &root, &revived).await?,
            Depth::Row => pass.own::<M, X>(x, &root, &revived).await?,
        };
        (rows, pass.changes)
    } else {
        // Without the stamp of the delete (a flag set outside this crate), only the row itself
        // can be told apart, so only the row is restored.
        let rows = Revive::new(now).own::<M, X>(x, &root, &revived).await?;
        (rows, Vec::new())
    };
    let report = changed::<M>(Operation::Restore, now, rows, changes);
    hooks.after(x, &report).await?;
    Ok(report)
}

/// How many keys one statement of a bulk restore names: bound once each, well under SQLite's
/// 32,766 bound parameters.
const KEYS_PER_STATEMENT: usize = 1_000;

/// Restores every tombstoned row of `M` that `predicate` selects, each with exactly what its
/// own delete hid, in one transaction (paranoia's restore of a list). The rows are grouped by
/// the delete that hid them (its stamp), and each group is restored with one statement per
/// edge, whatever the number of rows; rows a flag marks without a recorded stamp come back
/// alone, as [`restore`] brings them back. If any restored row would be left under a
/// tombstoned parent (one the predicate does not restore too), nothing is restored:
/// [`Error::ParentDeleted`](crate::Error::ParentDeleted). Live rows the predicate selects are
/// left as they are; none at all is [`Outcome::NothingMatched`].
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
/// use soft_delete_core::ops;
///
/// # let conn = &mut fixture();
/// ops::soft_delete_where::<Repo, _, _>(conn, repos::slug.like("demo-%"), None)?;
/// let report = ops::restore_where::<Repo, _, _>(conn, repos::slug.like("demo-%"))?;
/// assert_eq!(report.rows_in("repos"), 2); // repo 3 (`old`) stays deleted
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn restore_where<M, C, P>(conn: &mut C, predicate: P) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
    P: Expression + AppearsOnTable<M::Table> + QueryFragment<C::Backend> + Send + Sync,
    P::SqlType: BoolOrNullableBool,
{
    let mut target = Statement::new();
    target.push(predicate);
    block_on(revive_where::<M, _>(&mut Blocking::new(conn), &target))
}

/// The restore of the tombstoned rows `target` selects, on any connection.
pub(crate) async fn revive_where<M, X>(
    x: &mut X,
    target: &(dyn QueryFragment<X::Backend> + Sync),
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
{
    let now = now_stamp();
    let trace = Trace::start(Op::RestoreWhere, M::TABLE, None, Some(now));
    trace
        .run(async {
            x.begin().await?;
            let result = revive_where_in_transaction::<M, X>(x, target, now).await;
            finish(x, result).await
        })
        .await
}

async fn revive_where_in_transaction<M, X>(
    x: &mut X,
    target: &(dyn QueryFragment<X::Backend> + Sync),
    now: NaiveDateTime,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
{
    claim_writes::<M, X>(x).await?;
    // The rows to restore, locked: what the predicate selects that is tombstoned now.
    let mut pick = statements::tombstoned_keys::<M, X::Backend>();
    pick.sql(" AND (")
        .push(target)
        .sql(") ORDER BY ")
        .fragment(M::key())
        .sql(<X::Backend as SupportedBackend>::FOR_UPDATE);
    let keys = M::read_keys(x, pick).await?;
    if keys.is_empty() {
        return Ok(unchanged(Operation::Restore, Outcome::NothingMatched, now));
    }
    let mut report = changed::<M>(Operation::Restore, now, 0, Vec::new());
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        let target = M::key_in(chunk.to_vec());
        let deleted = Root::<M, X::Backend>::new(&*target, State::Deleted).by_keys();
        let revived = Root::<M, X::Backend>::new(&*target, State::Live).by_keys();
        // One delete at a time, earliest first: its rows with what it hid below them.
        while let Some(stamp) = earliest_stamp::<M, X>(x, &deleted).await? {
            let at = Root::<M, X::Backend>::new(&*target, State::At(stamp)).by_keys();
            let mut pass = Revive::new(stamp);
            let rows = pass.rows::<M, X>(x, &at, &revived).await?;
            report.add(M::TABLE.into(), rows);
            for change in pass.changes {
                report.add(change.table, change.rows);
            }
            if rows == 0 {
                break;
            }
        }
        // What no stamp tells apart (a flag set outside this crate): the rows alone.
        let rows = Revive::new(now).own::<M, X>(x, &deleted, &revived).await?;
        report.add(M::TABLE.into(), rows);
    }
    // Every restored row must hang off live parents now: a parent the predicate restored too
    // is live again, any other tombstoned one refuses the whole restore.
    for key in &keys {
        M::ParentLinks::check(x, key).await?;
    }
    Ok(report)
}
