//! The erase pass: a purge, or a hard delete. The rows it reaches are deleted for real,
//! children first, each set only after no foreign key it does not cover references it. A purge
//! follows the tombstoned children; a hard delete follows every child, live or tombstoned.
//!
//! | edge | what it does |
//! |---|---|
//! | soft | deletes the children (their own edges first); a purge then refuses if any child is left under the rows it deletes: a live one |
//! | owned | a purge leaves the records to their own model's purge; a hard delete tombstones the live ones no other live owner uses, so none is left live and unowned (seed 000) |
//! | tree | deletes the subtree with the model's other edges over it first; a purge refuses if a live row hangs anywhere under it, and deletes a batch and its descendants as one set |
//! | hard | deletes the rows that reference the parent |
//! | with parent | deletes the rows that reference the parent, as `hard` does |
//! | keep | nothing, but a self-reference is followed leaves first where foreign keys are checked row by row |
//! | restrict | nothing (checked before) |

use std::borrow::Cow;

use chrono::NaiveDateTime;
use diesel::Column;
use diesel::query_builder::QueryFragment;

use super::SoftDeleteOn;
use super::check::refuse_live;
use super::edges::CascadeOn;
use super::parents::ParentsOn;
use super::pass::Pass;
use super::real_delete::{Blocker, delete_rows, refuse_blocked_hard};
use super::tombstone::{Tombstone, delete_referencing};
use crate::dialect::SupportedBackend;
use crate::error::Result;
use crate::exec::Executor;
use crate::render::rowset::{Descendants, Either, Linked, Unshared};
use crate::render::{LinkColumns, ModelOn, RowSet, State};
use crate::report::TableChange;

/// Which real delete an erase pass serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Erasing {
    /// A purge: the tombstoned rows and their tombstoned descendants.
    Purge,
    /// A hard delete at this stamp: every row of the subtree, live or tombstoned.
    HardDelete(NaiveDateTime),
}

/// An erase pass: the foreign keys that may still reference what it deletes, the tables whose
/// rows point at each other, and what it changed.
#[doc(hidden)]
pub struct Erase<'b> {
    erasing: Erasing,
    blockers: &'b [Blocker],
    /// Tables with a self-referencing edge, and its column: deleting their rows for real must
    /// go leaves first where the database checks foreign keys row by row.
    self_links: Vec<(&'static str, &'static str)>,
    /// Rows deleted (or, for owned records, tombstoned) per table, below the starting rows.
    pub(crate) changes: Vec<TableChange>,
}

impl<'b> Erase<'b> {
    /// A purge's pass, with the database's refusing foreign keys.
    pub(crate) fn purge(blockers: &'b [Blocker]) -> Self {
        Self::new(Erasing::Purge, blockers)
    }

    /// A hard delete's pass at `stamp`, with the database's refusing foreign keys.
    pub(crate) fn hard_delete(stamp: NaiveDateTime, blockers: &'b [Blocker]) -> Self {
        Self::new(Erasing::HardDelete(stamp), blockers)
    }

    fn new(erasing: Erasing, blockers: &'b [Blocker]) -> Self {
        Erase {
            erasing,
            blockers,
            self_links: Vec::new(),
            changes: Vec::new(),
        }
    }

    /// The children this pass follows down the soft edges.
    fn follow(&self) -> State {
        match self.erasing {
            Erasing::Purge => State::Deleted,
            Erasing::HardDelete(_) => State::Any,
        }
    }

    /// Deletes the rows of `set`, after what their edges reach; how many of `M`'s own rows.
    pub(crate) async fn rows<M, X>(
        &mut self,
        x: &mut X,
        set: &dyn RowSet<X::Backend>,
    ) -> Result<usize>
    where
        X: Executor,
        X::Backend: SupportedBackend,
        M: SoftDeleteOn<X::Backend>,
    {
        M::CascadeEdges::run(x, set, self).await?;
        self.own::<M, X>(x, set).await
    }

    /// Deletes the rows of `set` themselves.
    pub(crate) async fn own<M, X>(
        &mut self,
        x: &mut X,
        set: &dyn RowSet<X::Backend>,
    ) -> Result<usize>
    where
        X: Executor,
        X::Backend: SupportedBackend,
        M: ModelOn<X::Backend>,
    {
        delete_rows::<M, X>(x, set, self.blockers, &self.self_links).await
    }

    fn record(&mut self, table: Cow<'static, str>, rows: usize) {
        crate::report::record(&mut self.changes, table, rows);
    }
}

impl<DB: SupportedBackend> Pass<DB> for Erase<'_> {
    async fn soft<Parent, Child, L, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Child: SoftDeleteOn<DB>,
        L: LinkColumns<DB>,
        X: Executor<Backend = DB>,
    {
        let purge = self.erasing == Erasing::Purge;
        let children = Linked::<Parent, Child, L, DB>::new(parent, self.follow());
        // A purge's batch is small: its children are found through their index, whatever
        // the planner estimates (see `Linked::keys_first`).
        let children = if purge {
            children.keys_first()
        } else {
            children
        };
        let rows = self.rows::<Child, X>(x, &children).await?;
        self.record(Cow::Borrowed(Child::TABLE), rows);
        if purge {
            // The tombstoned children are gone: any child left is a live one.
            let left = Linked::<Parent, Child, L, DB>::new(parent, State::Any).keys_first();
            refuse_live::<Child, X>(x, &left, Parent::TABLE).await?;
        }
        Ok(())
    }

    async fn owned<Parent, Child, L, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Child: SoftDeleteOn<DB>,
        L: LinkColumns<DB>,
        X: Executor<Backend = DB>,
    {
        // The owner holds the owned record's key, so the record is left to its own model's
        // purge; a hard delete of a live owner must not leave its record live with nothing
        // owning it, so it tombstones the record as a soft delete of the owner would.
        let Erasing::HardDelete(stamp) = self.erasing else {
            return Ok(());
        };
        let mut tombstone = Tombstone::new(stamp, None);
        let unshared = Unshared::<Parent, Child, L, DB>::new(parent);
        let stamped = Linked::<Parent, Child, L, DB>::new(parent, State::At(tombstone.stamp()));
        let rows = tombstone.rows::<Child, X>(x, &unshared, &stamped).await?;
        for change in tombstone.changes {
            self.record(change.table, change.rows);
        }
        self.record(Cow::Borrowed(Child::TABLE), rows);
        Ok(())
    }

    async fn tree<M, L, Siblings, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        M: ModelOn<DB>,
        M::Parents: ParentsOn<M, DB>,
        L: LinkColumns<DB>,
        Siblings: CascadeOn<M, DB>,
        X: Executor<Backend = DB>,
    {
        let subtree = Descendants::<M, L, DB>::new(parent, self.follow());
        self.self_links.push((M::TABLE, L::CHILD_NAME));
        if self.erasing == Erasing::Purge {
            // Live rows anywhere under the tombstoned subtree.
            let reached = Either(parent, &subtree);
            let live = Linked::<M, M, L, DB>::new(&reached, State::Live);
            refuse_live::<M, X>(x, &live, M::TABLE).await?;
        }
        Siblings::run_in_subtree(x, &subtree, self).await?;
        let rows = if self.erasing == Erasing::Purge {
            // A batch may hold a row and a reply two levels down without the reply between
            // them, so the batch's rows and their descendants go as one set, after every other
            // edge of both.
            Siblings::run_in_subtree(x, parent, self).await?;
            self.own::<M, X>(x, &Either(parent, &subtree)).await?
        } else {
            self.own::<M, X>(x, &subtree).await?
        };
        self.record(Cow::Borrowed(M::TABLE), rows);
        Ok(())
    }

    async fn hard<Parent, Fk, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Fk: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
        Fk::Table: Default + QueryFragment<DB> + Send + Sync + 'static,
        X: Executor<Backend = DB>,
    {
        refuse_blocked_hard::<Parent, Fk, X>(x, parent, self.blockers).await?;
        let rows = delete_referencing::<Parent, Fk, X>(x, parent).await?;
        self.record(Cow::Owned(DB::table_name::<Fk::Table>()), rows);
        Ok(())
    }

    async fn with_parent<Parent, Fk, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Fk: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
        Fk::Table: Default + QueryFragment<DB> + Send + Sync + 'static,
        X: Executor<Backend = DB>,
    {
        // What the parent cannot live without goes only when the parent goes for real.
        <Self as Pass<DB>>::hard::<Parent, Fk, X>(self, x, parent).await
    }

    fn keep<Parent, Fk>(&mut self)
    where
        Parent: ModelOn<DB>,
        Parent::Table: QueryFragment<DB>,
        Fk: Column,
        Fk::Table: Default + QueryFragment<DB>,
    {
        // Rows that reference each other in one table (a fork and its upstream, deleted
        // together) go leaves first where the database checks foreign keys row by row.
        if DB::table_name::<Fk::Table>() == DB::table_name::<Parent::Table>() {
            self.self_links.push((Parent::TABLE, Fk::NAME));
        }
    }
}
