//! The tombstone pass: a soft delete. Every live row the cascade reaches gets the operation's
//! stamp and actor, deepest tables first; rows already tombstoned keep theirs, and what hangs
//! below them is not followed.
//!
//! | edge | what it does |
//! |---|---|
//! | soft | tombstones the live children (their own edges first) |
//! | owned | the same, for the records no other live owner still uses |
//! | tree | tombstones the live subtree, with the model's other edges over it first |
//! | hard | deletes the rows that reference the parent, for real |
//! | restrict, keep | nothing (a restricting edge was checked before) |

use std::borrow::Cow;

use chrono::NaiveDateTime;
use diesel::Column;
use diesel::query_builder::QueryFragment;

use super::SoftDeleteOn;
use super::edges::CascadeOn;
use super::parents::ParentsOn;
use super::pass::Pass;
use crate::dialect::SupportedBackend;
use crate::error::Result;
use crate::exec::Executor;
use crate::render::rowset::{Descendants, Linked, Unshared};
use crate::render::{ActorBinder, LinkColumns, ModelOn, RowSet, State, ledger, statements};
use crate::report::TableChange;

/// A tombstone pass: one stamp and one actor for every row it reaches, and what it changed.
#[doc(hidden)]
pub struct Tombstone<'a, DB: SupportedBackend> {
    stamp: NaiveDateTime,
    actor: Option<ActorBinder<'a, DB>>,
    /// Rows tombstoned (or, through hard edges, deleted) per table, below the starting rows.
    pub(crate) changes: Vec<TableChange>,
}

impl<'a, DB: SupportedBackend> Tombstone<'a, DB> {
    /// A pass writing `stamp`, and `actor` wherever a row records one.
    pub(crate) fn new(stamp: NaiveDateTime, actor: Option<ActorBinder<'a, DB>>) -> Self {
        Tombstone {
            stamp,
            actor,
            changes: Vec::new(),
        }
    }

    /// Tombstones the live rows of `set`, after what their edges reach; how many of `M`'s own
    /// rows it tombstoned.
    pub(crate) async fn rows<M, X>(&mut self, x: &mut X, set: &dyn RowSet<DB>) -> Result<usize>
    where
        M: SoftDeleteOn<DB>,
        X: Executor<Backend = DB>,
    {
        M::CascadeEdges::run(x, set, self).await?;
        self.own::<M, X>(x, set).await
    }

    /// The statement of `M` itself: the ledger's entries for a flag, then the `UPDATE`.
    async fn own<M, X>(&mut self, x: &mut X, set: &dyn RowSet<DB>) -> Result<usize>
    where
        M: ModelOn<DB>,
        X: Executor<Backend = DB>,
    {
        if M::USES_LEDGER {
            x.execute(ledger::record::<M, DB>(set, self.stamp)).await?;
        }
        let assignments = M::set_deleted(self.stamp, self.actor.as_ref());
        Ok(x.execute(statements::update::<M, DB>(assignments, set))
            .await?)
    }

    fn record(&mut self, table: Cow<'static, str>, rows: usize) {
        crate::report::record(&mut self.changes, table, rows);
    }
}

impl<DB: SupportedBackend> Pass<DB> for Tombstone<'_, DB> {
    async fn soft<Parent, Child, L, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Child: SoftDeleteOn<DB>,
        L: LinkColumns<DB>,
        X: Executor<Backend = DB>,
    {
        let live = Linked::<Parent, Child, L, DB>::new(parent, State::Live);
        let rows = self.rows::<Child, X>(x, &live).await?;
        self.record(Cow::Borrowed(Child::TABLE), rows);
        Ok(())
    }

    async fn owned<Parent, Child, L, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Child: SoftDeleteOn<DB>,
        L: LinkColumns<DB>,
        X: Executor<Backend = DB>,
    {
        let unshared = Unshared::<Parent, Child, L, DB>::new(parent);
        let rows = self.rows::<Child, X>(x, &unshared).await?;
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
        let subtree = Descendants::<M, L, DB>::new(parent, State::Live);
        Siblings::run_in_subtree(x, &subtree, self).await?;
        let rows = self.own::<M, X>(x, &subtree).await?;
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
        let rows = delete_referencing::<Parent, Fk, X>(x, parent).await?;
        self.record(Cow::Owned(DB::table_name::<Fk::Table>()), rows);
        Ok(())
    }
}

/// Deletes, for real, the rows of a hard edge's table that reference `parent`.
pub(crate) async fn delete_referencing<Parent, Fk, X>(
    x: &mut X,
    parent: &dyn RowSet<X::Backend>,
) -> Result<usize>
where
    X: Executor,
    X::Backend: SupportedBackend,
    Parent: ModelOn<X::Backend>,
    Fk: Column + Default + QueryFragment<X::Backend> + Send + Sync + 'static,
    Fk::Table: Default + QueryFragment<X::Backend> + Send + Sync + 'static,
{
    let statement = statements::referencing::<Parent, Fk, X::Backend>("DELETE FROM ", parent);
    Ok(x.execute(statement).await?)
}
