//! Restore with ancestors: every tombstoned ancestor a row hangs off is restored first, the
//! farthest first, each the way [`restore`](super::restore) restores it; then the row. Restore
//! a path ([`restore_path`]): the same ancestors, each alone (the way
//! [`restore_shallow`](super::restore_shallow) restores it), then the row with what its delete
//! hid.
//!
//! The ancestors are climbed through the model's parent links: a named parent's own ancestors
//! come first (a distinct model, so the climb ends where the graph of models ends), and a
//! tree's chain of tombstoned parent rows is followed up to its top, then restored downwards.

use core::future::Future;

use diesel::connection::LoadConnection;

use super::restore::{Depth, revive_as};
use super::trace::{Op, Trace};
use super::{not_found, now_stamp, unchanged};
use crate::cascade::SoftDeleteOn;
use crate::cascade::lookup::{claim_writes, find};
use crate::cascade::parents::ParentOn;
use crate::dialect::SupportedBackend;
use crate::error::{Error, Result};
use crate::exec::{Blocking, Executor, NoHooks, block_on, finish};
use crate::model::edges::{ParentLink, TreeParent};
use crate::render::{Found, ModelOn};
use crate::report::{Operation, Outcome, Report};

/// How many tombstoned parent rows a tree's climb follows before it calls the data cyclic.
const DEEPEST: usize = 512;

/// Restores the row of `M` whose key is `id` after restoring, the same way, every tombstoned
/// ancestor it hangs off (its parents, their parents, ...). The report adds up everything
/// restored, the row's own table first.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Outcome, ops};
///
/// # let conn = &mut fixture();
/// let report = ops::restore_with_ancestors::<Repo, _>(conn, 3)?;
/// assert_eq!(report.outcome, Outcome::Changed);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn restore_with_ancestors<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: RestoreUp<C::Backend>,
{
    block_on(climb_and_restore::<M, _>(
        &mut Blocking::new(conn),
        id,
        Depth::Cascade,
    ))
}

/// Restores the row of `M` whose key is `id`, with what its delete hid, after restoring every
/// tombstoned ancestor it needs alone: the path from the nearest live ancestor down to the row,
/// without the rest of what those ancestors' deletes hid. (Restoring post 10 with its
/// ancestors brings back the author's whole delete, every other post and the author's API keys
/// with it; restoring its path brings back the author and post 10 with its comments.)
///
/// The ancestors' other descendants stay tombstoned, each with the stamp it has, and each can
/// be restored on its own later ([`restore`](super::restore) finds its parent live). A restore
/// of an ancestor afterwards finds it live and changes nothing, so bring them back one by one,
/// or with [`restore_where`](super::restore_where).
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Outcome, ops};
///
/// # let conn = &mut fixture();
/// let report = ops::restore_path::<Repo, _>(conn, 3)?;
/// assert_eq!(report.outcome, Outcome::Changed);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn restore_path<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: RestoreUp<C::Backend>,
{
    block_on(climb_and_restore::<M, _>(
        &mut Blocking::new(conn),
        id,
        Depth::Row,
    ))
}

/// A model whose rows can be restored with their ancestors on `DB`: every parent it names can
/// be, in turn. Implemented for every soft-deletable model; generic code names it as a bound.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// fn climbs<M: soft_delete_core::ops::RestoreUp<diesel::sqlite::Sqlite>>() {}
/// climbs::<Repo>();
/// ```
pub trait RestoreUp<DB: SupportedBackend>: SoftDeleteOn<DB> {
    /// [`Model::Parents`](crate::Model::Parents), climbable on `DB`.
    #[doc(hidden)]
    type Climb: ClimbOn<Self, DB>;
}

impl<M, DB> RestoreUp<DB> for M
where
    DB: SupportedBackend,
    M: SoftDeleteOn<DB>,
    M::Parents: ClimbOn<M, DB>,
{
    type Climb = M::Parents;
}

/// [`restore_with_ancestors`] (ancestors restored to `ancestors`: [`Depth::Cascade`]) or
/// [`restore_path`] ([`Depth::Row`]), on any connection: the row itself with what its delete
/// hid.
pub(crate) async fn climb_and_restore<M, X>(
    x: &mut X,
    id: M::Id,
    ancestors: Depth,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: RestoreUp<X::Backend>,
{
    climb_and_restore_to::<M, X>(x, id, ancestors, Depth::Cascade).await
}

/// Restores the tombstoned ancestors of the row of `M` whose key is `id` to `ancestors`, then
/// the row to `own`.
async fn climb_and_restore_to<M, X>(
    x: &mut X,
    id: M::Id,
    ancestors: Depth,
    own: Depth,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: RestoreUp<X::Backend>,
{
    let op = match ancestors {
        Depth::Cascade => Op::RestoreWithAncestors,
        Depth::Row => Op::RestorePath,
    };
    let trace = Trace::start(op, M::TABLE, Some(&id), None);
    trace
        .run(async {
            x.begin().await?;
            let result = climb_in_transaction::<M, X>(x, id, ancestors, own).await;
            finish(x, result).await
        })
        .await
}

async fn climb_in_transaction<M, X>(
    x: &mut X,
    id: M::Id,
    ancestors: Depth,
    own: Depth,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: RestoreUp<X::Backend>,
{
    claim_writes::<M, X>(x).await?;
    let for_update = <X::Backend as SupportedBackend>::FOR_UPDATE;
    match find::<M, X>(x, id.clone(), for_update).await? {
        Found::Missing => return Err(not_found::<M>(&id)),
        Found::Live => {
            return Ok(unchanged(
                Operation::Restore,
                Outcome::AlreadyActive,
                now_stamp(),
            ));
        }
        Found::Deleted(_) => {}
    }
    let mut reports = Vec::new();
    M::Climb::climb(x, &id, ancestors, &mut reports).await?;
    let own = revive_as::<M, X, _>(x, id, &mut NoHooks, own).await?;
    Ok(combine(M::TABLE, own, reports))
}

/// The parents of `M`, as a tuple, climbed on `DB`.
#[doc(hidden)]
pub trait ClimbOn<M: ModelOn<DB>, DB: SupportedBackend> {
    /// Restores, with their own ancestors, the tombstoned parent rows row `id` hangs off.
    fn climb<X>(
        x: &mut X,
        id: &M::Id,
        depth: Depth,
        reports: &mut Vec<Report>,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>;

    /// [`climb`](ClimbOn::climb) through every parent but a tree's own parent rows: what a
    /// row of the tree's chain needs besides the chain.
    fn climb_off_tree<X>(
        x: &mut X,
        id: &M::Id,
        depth: Depth,
        reports: &mut Vec<Report>,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>;
}

/// One parent of `M`, climbed on `DB`. `Siblings` are all of `M`'s parents, for a tree's
/// parent rows to climb the others of each row of its chain.
#[doc(hidden)]
pub trait ParentClimb<M: ModelOn<DB>, DB: SupportedBackend> {
    /// Restores the tombstoned rows of this parent that row `id` hangs off, with their
    /// ancestors.
    fn climb<X, Siblings>(
        x: &mut X,
        id: &M::Id,
        depth: Depth,
        reports: &mut Vec<Report>,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        Siblings: ClimbOn<M, DB>;

    /// [`climb`](ParentClimb::climb), unless this is a tree's own parent.
    fn climb_off_tree<X, Siblings>(
        x: &mut X,
        id: &M::Id,
        depth: Depth,
        reports: &mut Vec<Report>,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        Siblings: ClimbOn<M, DB>,
    {
        Self::climb::<X, Siblings>(x, id, depth, reports)
    }
}

impl<P, M, DB> ParentClimb<M, DB> for ParentLink<P>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
    P: RestoreUp<DB>,
    ParentLink<P>: ParentOn<M, DB, Parent = P>,
{
    async fn climb<X, Siblings>(
        x: &mut X,
        id: &M::Id,
        depth: Depth,
        reports: &mut Vec<Report>,
    ) -> Result<()>
    where
        X: Executor<Backend = DB>,
        Siblings: ClimbOn<M, DB>,
    {
        for key in <ParentLink<P> as ParentOn<M, DB>>::tombstoned(x, id).await? {
            reports.push(climb_and_restore_to::<P, X>(x, key, depth, depth).await?);
        }
        Ok(())
    }
}

impl<M, DB> ParentClimb<M, DB> for TreeParent<M>
where
    DB: SupportedBackend,
    M: SoftDeleteOn<DB>,
    TreeParent<M>: ParentOn<M, DB, Parent = M>,
{
    async fn climb<X, Siblings>(
        x: &mut X,
        id: &M::Id,
        depth: Depth,
        reports: &mut Vec<Report>,
    ) -> Result<()>
    where
        X: Executor<Backend = DB>,
        Siblings: ClimbOn<M, DB>,
    {
        // The chain of tombstoned parent rows, nearest first, up to the first live one; a
        // chain that does not end is a cycle in the data.
        let mut chain: Vec<M::Id> = Vec::new();
        let mut row = id.clone();
        while let Some(parent) = <TreeParent<M> as ParentOn<M, DB>>::tombstoned(x, &row)
            .await?
            .into_iter()
            .next()
        {
            if chain.len() >= DEEPEST {
                return Err(Error::AncestryCycle {
                    table: M::TABLE,
                    key: format!("{id:?}"),
                });
            }
            chain.push(parent.clone());
            row = parent;
        }
        // From the top down: each row of the chain after its other ancestors, unless restoring
        // one above it brought it back already.
        let for_update = DB::FOR_UPDATE;
        for ancestor in chain.into_iter().rev() {
            if let Found::Deleted(_) = find::<M, X>(x, ancestor.clone(), for_update).await? {
                let mut own = Vec::new();
                Siblings::climb_off_tree(x, &ancestor, depth, &mut own).await?;
                let report = revive_as::<M, X, _>(x, ancestor, &mut NoHooks, depth).await?;
                reports.push(combine(M::TABLE, report, own));
            }
        }
        Ok(())
    }

    fn climb_off_tree<X, Siblings>(
        _: &mut X,
        _: &M::Id,
        _: Depth,
        _: &mut Vec<Report>,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        Siblings: ClimbOn<M, DB>,
    {
        core::future::ready(Ok(()))
    }
}

impl<M: ModelOn<DB>, DB: SupportedBackend> ClimbOn<M, DB> for () {
    async fn climb<X>(_: &mut X, _: &M::Id, _: Depth, _: &mut Vec<Report>) -> Result<()>
    where
        X: Executor<Backend = DB>,
    {
        Ok(())
    }

    async fn climb_off_tree<X>(_: &mut X, _: &M::Id, _: Depth, _: &mut Vec<Report>) -> Result<()>
    where
        X: Executor<Backend = DB>,
    {
        Ok(())
    }
}

macro_rules! climb_tuple {
    ($($parent:ident),+) => {
        impl<M: ModelOn<DB>, DB: SupportedBackend, $($parent),+> ClimbOn<M, DB> for ($($parent,)+)
        where
            $($parent: ParentClimb<M, DB>,)+
        {
            async fn climb<X>(x: &mut X, id: &M::Id, depth: Depth, reports: &mut Vec<Report>) -> Result<()>
            where
                X: Executor<Backend = DB>,
            {
                $(<$parent as ParentClimb<M, DB>>::climb::<X, Self>(x, id, depth, reports).await?;)+
                Ok(())
            }

            async fn climb_off_tree<X>(x: &mut X, id: &M::Id, depth: Depth, reports: &mut Vec<Report>) -> Result<()>
            where
                X: Executor<Backend = DB>,
            {
                $(<$parent as ParentClimb<M, DB>>::climb_off_tree::<X, Self>(x, id, depth, reports).await?;)+
                Ok(())
            }
        }
    };
}

climb_tuple!(A);
climb_tuple!(A, B);
climb_tuple!(A, B, C);
climb_tuple!(A, B, C, D);
climb_tuple!(A, B, C, D, E);
climb_tuple!(A, B, C, D, E, F);
climb_tuple!(A, B, C, D, E, F, G);
climb_tuple!(A, B, C, D, E, F, G, H);

/// One report for a row and its ancestors, the row's own table first.
fn combine(table: &str, mut own: Report, ancestors: Vec<Report>) -> Report {
    for report in ancestors {
        for change in report.changes {
            own.add(change.table, change.rows);
        }
    }
    if let Some(position) = own.changes.iter().position(|change| change.table == table) {
        let change = own.changes.remove(position);
        own.changes.insert(0, change);
    }
    if own.total_rows() > 0 {
        own.outcome = Outcome::Changed;
    }
    own
}
