//! One walk over a model's cascade graph: the [`Pass`] trait, whose methods are the kinds of
//! edge. Each pass implements them, so what one pass does everywhere reads in one file.

use core::future::Future;

use diesel::Column;
use diesel::query_builder::QueryFragment;

use super::SoftDeleteOn;
use super::edges::CascadeOn;
use super::parents::ParentsOn;
use crate::dialect::SupportedBackend;
use crate::error::Result;
use crate::exec::Executor;
use crate::model::probe::LiveFilterOf;
use crate::render::{LinkColumns, ModelOn, RowSet};

/// What one pass does at each kind of edge, from the rows of `parent` (a set of `Parent`'s
/// rows). An edge kind a pass leaves alone keeps the default: nothing.
#[doc(hidden)]
pub trait Pass<DB: SupportedBackend> {
    /// A soft edge to `Child`, whose link column `L` sits on the child.
    fn soft<Parent, Child, L, X>(
        &mut self,
        x: &mut X,
        parent: &dyn RowSet<DB>,
    ) -> impl Future<Output = Result<()>>
    where
        Parent: ModelOn<DB>,
        Child: SoftDeleteOn<DB>,
        L: LinkColumns<DB>,
        X: Executor<Backend = DB>;

    /// A soft edge to an owned `Child`, whose key the parent's column in `L` holds.
    fn owned<Parent, Child, L, X>(
        &mut self,
        x: &mut X,
        parent: &dyn RowSet<DB>,
    ) -> impl Future<Output = Result<()>>
    where
        Parent: ModelOn<DB>,
        Child: SoftDeleteOn<DB>,
        L: LinkColumns<DB>,
        X: Executor<Backend = DB>;

    /// A self-referencing edge of `M` through `L`: the whole subtree below `parent`.
    /// `Siblings` are `M`'s edges, which the pass runs over the subtree (without their tree
    /// edges, which the subtree already is).
    fn tree<M, L, Siblings, X>(
        &mut self,
        x: &mut X,
        parent: &dyn RowSet<DB>,
    ) -> impl Future<Output = Result<()>>
    where
        M: ModelOn<DB>,
        M::Parents: ParentsOn<M, DB>,
        L: LinkColumns<DB>,
        Siblings: CascadeOn<M, DB>,
        X: Executor<Backend = DB>;

    /// A hard edge: rows whose column `Fk` references `parent`, in a table without a
    /// tombstone.
    fn hard<Parent, Fk, X>(
        &mut self,
        _x: &mut X,
        _parent: &dyn RowSet<DB>,
    ) -> impl Future<Output = Result<()>>
    where
        Parent: ModelOn<DB>,
        Fk: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
        Fk::Table: Default + QueryFragment<DB> + Send + Sync + 'static,
        X: Executor<Backend = DB>,
    {
        core::future::ready(Ok(()))
    }

    /// A with-parent edge: rows whose column `Fk` references `parent`, in a table without a
    /// tombstone, that live and die with it.
    fn with_parent<Parent, Fk, X>(
        &mut self,
        _x: &mut X,
        _parent: &dyn RowSet<DB>,
    ) -> impl Future<Output = Result<()>>
    where
        Parent: ModelOn<DB>,
        Fk: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
        Fk::Table: Default + QueryFragment<DB> + Send + Sync + 'static,
        X: Executor<Backend = DB>,
    {
        core::future::ready(Ok(()))
    }

    /// A restricting edge: rows whose column `Fk` references `parent`; `Live` says which of
    /// them count as live.
    fn restrict<Parent, Fk, Live, X>(
        &mut self,
        _x: &mut X,
        _parent: &dyn RowSet<DB>,
    ) -> impl Future<Output = Result<()>>
    where
        Parent: ModelOn<DB>,
        Fk: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
        Fk::Table: Default + QueryFragment<DB> + Send + Sync + 'static,
        Live: LiveFilterOf,
        X: Executor<Backend = DB>,
    {
        core::future::ready(Ok(()))
    }

    /// A kept edge: rows whose column `Fk` references `parent` and outlive it on purpose.
    fn keep<Parent, Fk>(&mut self)
    where
        Parent: ModelOn<DB>,
        Parent::Table: QueryFragment<DB>,
        Fk: Column,
        Fk::Table: Default + QueryFragment<DB>,
    {
    }
}
