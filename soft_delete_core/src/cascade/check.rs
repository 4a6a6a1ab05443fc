//! The check pass: refuses an operation before it changes anything. It walks the rows the
//! operation would reach and counts what must not be there; the first count that is not zero
//! is the operation's error, and nothing has been written.
//!
//! | edge | what it checks |
//! |---|---|
//! | soft | live children, where the rows to reach are tombstoned (the test helpers' "whole cascade tombstoned"; a purge checks them as it erases, see [`erase`](super::erase)); owners holding a child's key (before a purge or a hard delete); then the child's own edges |
//! | owned | as a soft edge, over the records no other live owner uses; before a purge, nothing (the records are their own model's to purge); before a hard delete, what tombstoning them would check |
//! | tree | live rows anywhere in the subtree, where the subtree is tombstoned (the test helpers' check); then the model's other edges over the subtree |
//! | restrict | rows that reference the parent: live ones before a soft delete, any before a purge or hard delete |
//! | hard, keep | nothing |

use diesel::Column;
use diesel::query_builder::QueryFragment;

use super::SoftDeleteOn;
use super::edges::CascadeOn;
use super::parents::ParentsOn;
use super::pass::Pass;
use crate::dialect::SupportedBackend;
use crate::error::{Error, Result};
use crate::exec::Executor;
use crate::model::probe::LiveFilterOf;
use crate::render::rowset::{Descendants, Either, Linked, Unshared};
use crate::render::statements;
use crate::render::{LinkColumns, ModelOn, RowSet, State};

/// Which rows of a restricting edge's child count against the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Referencing {
    /// The live ones: a soft delete leaves tombstoned children referencing a tombstoned row.
    Live,
    /// Every one: a row deleted for real must not be referenced by anything.
    All,
}

/// What a check pass does at an owned edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OwnedRecords {
    /// Check the records like any soft child, over the ones no other live owner uses.
    Follow,
    /// Leave them out: they are their own model's to purge.
    Skip,
    /// Check what tombstoning them checks: a hard delete of their owner tombstones them.
    AsTombstone,
}

/// A check pass, configured for the operation it runs before.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// The children it follows down the soft edges.
    follow: State,
    /// Refuse live children of the rows it reaches.
    live_children: bool,
    /// Refuse owner rows that hold the key of a row it reaches.
    owners: bool,
    /// The rows of restricting edges that refuse, if they count.
    restrict: Option<Referencing>,
    owned: OwnedRecords,
}

impl Check {
    /// Before a soft delete: restricting edges with live rows, down the live children.
    pub(crate) fn before_tombstone() -> Self {
        Check {
            follow: State::Live,
            live_children: false,
            owners: false,
            restrict: Some(Referencing::Live),
            owned: OwnedRecords::Follow,
        }
    }

    /// Before a purge: owners holding the keys of the tombstoned rows, and any row of a
    /// restricting edge. (Live children under them the erase pass finds as it goes: what is
    /// left under a row once its tombstoned children are gone is live, and looking for it then
    /// reads no row the purge does not delete anyway.)
    pub(crate) fn before_purge() -> Self {
        Check {
            follow: State::Deleted,
            live_children: false,
            owners: true,
            restrict: Some(Referencing::All),
            owned: OwnedRecords::Skip,
        }
    }

    /// Before a hard delete: owners holding keys of the subtree, and any row of a restricting
    /// edge, down every child, live or tombstoned.
    pub(crate) fn before_hard_delete() -> Self {
        Check {
            follow: State::Any,
            live_children: false,
            owners: true,
            restrict: Some(Referencing::All),
            owned: OwnedRecords::AsTombstone,
        }
    }

    /// No live row hangs off the tombstoned rows, anywhere down the soft edges (the test
    /// helpers' "the whole cascade is tombstoned").
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub(crate) fn no_live_rows() -> Self {
        Check {
            follow: State::Deleted,
            live_children: true,
            owners: false,
            restrict: None,
            owned: OwnedRecords::Follow,
        }
    }

    /// Checks the edges of `M` from the rows of `set`.
    pub(crate) async fn rows<M, X>(&mut self, x: &mut X, set: &dyn RowSet<X::Backend>) -> Result<()>
    where
        X: Executor,
        X::Backend: SupportedBackend,
        M: SoftDeleteOn<X::Backend>,
    {
        M::CascadeEdges::run(x, set, self).await
    }

    /// A soft child's checks, `live` being the live children it may reach.
    async fn child<Parent, Child, L, X>(
        &mut self,
        x: &mut X,
        parent: &dyn RowSet<X::Backend>,
        live: &dyn RowSet<X::Backend>,
    ) -> Result<()>
    where
        X: Executor,
        X::Backend: SupportedBackend,
        Parent: ModelOn<X::Backend>,
        Child: SoftDeleteOn<X::Backend>,
        L: LinkColumns<X::Backend>,
    {
        if self.live_children {
            refuse_live::<Child, X>(x, live, Parent::TABLE).await?;
        }
        let linked = Linked::<Parent, Child, L, X::Backend>::new(parent, self.follow);
        let set: &dyn RowSet<X::Backend> = if self.follow == State::Live {
            live
        } else {
            &linked
        };
        if self.owners {
            Child::ParentLinks::refuse_owners(x, set).await?;
        }
        self.rows::<Child, X>(x, set).await
    }
}

impl<DB: SupportedBackend> Pass<DB> for Check {
    async fn soft<Parent, Child, L, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Child: SoftDeleteOn<DB>,
        L: LinkColumns<DB>,
        X: Executor<Backend = DB>,
    {
        let live = Linked::<Parent, Child, L, DB>::new(parent, State::Live);
        self.child::<Parent, Child, L, X>(x, parent, &live).await
    }

    async fn owned<Parent, Child, L, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Child: SoftDeleteOn<DB>,
        L: LinkColumns<DB>,
        X: Executor<Backend = DB>,
    {
        let unshared = Unshared::<Parent, Child, L, DB>::new(parent);
        match self.owned {
            OwnedRecords::Skip => Ok(()),
            OwnedRecords::Follow => {
                self.child::<Parent, Child, L, X>(x, parent, &unshared)
                    .await
            }
            OwnedRecords::AsTombstone => {
                Check::before_tombstone()
                    .rows::<Child, X>(x, &unshared)
                    .await
            }
        }
    }

    async fn tree<M, L, Siblings, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        M: ModelOn<DB>,
        M::Parents: ParentsOn<M, DB>,
        L: LinkColumns<DB>,
        Siblings: CascadeOn<M, DB>,
        X: Executor<Backend = DB>,
    {
        let subtree = Descendants::<M, L, DB>::new(parent, self.follow);
        if self.live_children {
            // Live rows anywhere under the tombstoned subtree.
            let reached = Either(parent, &subtree);
            let live = Linked::<M, M, L, DB>::new(&reached, State::Live);
            refuse_live::<M, X>(x, &live, M::TABLE).await?;
        }
        Siblings::run_in_subtree(x, &subtree, self).await
    }

    async fn restrict<Parent, Fk, Live, X>(
        &mut self,
        x: &mut X,
        parent: &dyn RowSet<DB>,
    ) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Fk: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
        Fk::Table: Default + QueryFragment<DB> + Send + Sync + 'static,
        Live: LiveFilterOf,
        X: Executor<Backend = DB>,
    {
        let Some(referencing) = self.restrict else {
            return Ok(());
        };
        let mut statement =
            statements::referencing::<Parent, Fk, DB>("SELECT COUNT(*) FROM ", parent);
        // Before a purge or a hard delete every referencing row counts: a tombstoned one still
        // holds the key.
        if let (Referencing::Live, Some(live)) = (referencing, Live::live_filter()) {
            statement.sql(" AND ");
            statements::live_rows::<Fk::Table, DB>(live, &mut statement);
        }
        let rows = DB::count(x, statement).await?;
        if rows > 0 {
            return Err(Error::Restricted {
                table: Parent::TABLE,
                child: DB::table_name::<Fk::Table>(),
                rows: u64::try_from(rows).unwrap_or(0),
            });
        }
        Ok(())
    }
}

/// [`Error::Referenced`] if `set`, live children of rows that must have none, has rows.
pub(crate) async fn refuse_live<Child, X>(
    x: &mut X,
    set: &dyn RowSet<X::Backend>,
    parent: &'static str,
) -> Result<()>
where
    X: Executor,
    X::Backend: SupportedBackend,
    Child: ModelOn<X::Backend>,
{
    let statement = statements::count::<Child, X::Backend>(set);
    let rows = <X::Backend as SupportedBackend>::count(x, statement).await?;
    Error::unless_unreferenced(
        rows,
        parent,
        || format!("{} (live rows)", Child::TABLE),
        None,
    )
}
