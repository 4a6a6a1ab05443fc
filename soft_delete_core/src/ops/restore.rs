//! Restore: lock the row, check its parents, revive what its delete hid.

use chrono::NaiveDateTime;
use diesel::connection::LoadConnection;

use super::trace::{Op, Trace};
use super::{changed, not_found, now_stamp, unchanged};
use crate::cascade::SoftDeleteOn;
use crate::cascade::lookup::{claim_writes, find};
use crate::cascade::parents::ParentsOn;
use crate::cascade::revive::Revive;
use crate::dialect::SupportedBackend;
use crate::error::Result;
use crate::exec::{Blocking, Executor, HookSet, NoHooks, block_on, finish};
use crate::hooks::{Hooks, Intent};
use crate::render::rowset::Root;
use crate::render::{Found, State};
use crate::report::{Operation, Outcome, Report};

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
    let now = now_stamp();
    let trace = Trace::start(Op::Restore, M::TABLE, Some(&id), Some(now));
    trace
        .run(async {
            x.begin().await?;
            let result = revive_in_transaction::<M, X, H>(x, id, hooks, now).await;
            finish(x, result).await
        })
        .await
}

async fn revive_in_transaction<M, X, H>(
    x: &mut X,
    id: M::Id,
    hooks: &mut H,
    now: NaiveDateTime,
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
    let root = Root::<M, X::Backend>::new(&*target, State::Deleted);
    let revived = Root::<M, X::Backend>::new(&*target, State::Live);
    let (rows, changes) = if let Some(stamp) = undone {
        let mut pass = Revive::new(stamp);
        let rows = pass.rows::<M, X>(x, &root, &revived).await?;
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
