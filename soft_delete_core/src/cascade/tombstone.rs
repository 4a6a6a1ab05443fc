//! The tombstone pass: a soft delete. Every live row the cascade reaches gets the operation's
//! stamp and actor; rows already tombstoned keep theirs, and what hangs below them is not
//! followed.
//!
//! The pass goes top-down: a table's rows are tombstoned first, then their edges run from the
//! rows that now carry this pass's stamp. So each statement takes its rows' locks in the order
//! the tree has them, root first, and sees every child committed before it started: a writer
//! that took [`lock_live`](crate::ops::lock_live) on a row anywhere below has either committed
//! its new child by the time the pass reaches that row's children, or waits, and then finds
//! the row tombstoned.
//!
//! | edge | what it does |
//! |---|---|
//! | soft | tombstones the live children, then follows their own edges |
//! | owned | the same, for the records no other live owner still uses |
//! | tree | tombstones the live subtree, then the model's other edges over it |
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
use super::real_delete::referenced_in;
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

    /// Tombstones the rows of `live`, then what their edges reach from `stamped`: the same
    /// rows, once they carry this pass's stamp. How many of `M`'s own rows it tombstoned; when
    /// none, nothing below them is new to this pass.
    pub(crate) async fn rows<M, X>(
        &mut self,
        x: &mut X,
        live: &dyn RowSet<DB>,
        stamped: &dyn RowSet<DB>,
    ) -> Result<usize>
    where
        M: SoftDeleteOn<DB>,
        X: Executor<Backend = DB>,
    {
        let rows = self.own::<M, X>(x, live).await?;
        if rows > 0 {
            M::CascadeEdges::run(x, stamped, self).await?;
        }
        Ok(rows)
    }

    /// The pass's stamp.
    pub(crate) fn stamp(&self) -> NaiveDateTime {
        self.stamp
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
        let stamped = Linked::<Parent, Child, L, DB>::new(parent, State::At(self.stamp));
        let rows = self.rows::<Child, X>(x, &live, &stamped).await?;
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
        let stamped = Linked::<Parent, Child, L, DB>::new(parent, State::At(self.stamp));
        let rows = self.rows::<Child, X>(x, &unshared, &stamped).await?;
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
        let live = Descendants::<M, L, DB>::new(parent, State::Live);
        let rows = self.own::<M, X>(x, &live).await?;
        self.record(Cow::Borrowed(M::TABLE), rows);
        if rows > 0 {
            let stamped = Descendants::<M, L, DB>::new(parent, State::At(self.stamp));
            Siblings::run_in_subtree(x, &stamped, self).await?;
        }
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

/// Deletes, for real, the rows of a hard edge's table that reference `parent`. A foreign key
/// that refuses it (a row outside the graph still references one of them) is
/// [`Error::Referenced`](crate::Error::Referenced) naming that key, and the operation's
/// transaction rolls back.
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
    x.execute(statement)
        .await
        .map_err(|error| referenced_in(&X::Backend::table_name::<Fk::Table>(), error.into()))
}
