//! The edges of a model's cascade, executable: each kind of edge calls its method of the
//! [`Pass`] running, with the types the edge names; a tuple of edges calls each in turn.

use core::future::Future;

use diesel::Column;
use diesel::query_builder::QueryFragment;

use super::SoftDeleteOn;
use super::parents::ParentsOn;
use super::pass::Pass;
use crate::dialect::SupportedBackend;
use crate::error::Result;
use crate::exec::Executor;
use crate::model::edges::{Hard, Keep, Link, Owned, Restrict, Soft, Tree, WithParent};
use crate::model::probe::LiveFilterOf;
use crate::render::{ModelOn, RowSet};

/// One edge of a model's cascade, executable on `DB`.
#[doc(hidden)]
pub trait EdgeOn<Parent, DB: SupportedBackend> {
    /// Runs `pass` over this edge from the rows of `parent`. `Siblings` is the tuple of edges
    /// this one belongs to, for a tree edge to run over the subtree it reaches.
    fn run<X, P, Siblings>(
        x: &mut X,
        parent: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
        Siblings: CascadeOn<Parent, DB>;

    /// [`run`](EdgeOn::run), as the edges of a subtree's rows see it: a tree edge does nothing
    /// there, since the subtree is already all of the tree below.
    fn run_in_subtree<X, P, Siblings>(
        x: &mut X,
        parent: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
        Siblings: CascadeOn<Parent, DB>,
    {
        Self::run::<X, P, Siblings>(x, parent, pass)
    }
}

/// A tuple of edges, executable on `DB`.
#[doc(hidden)]
pub trait CascadeOn<Parent, DB: SupportedBackend> {
    /// Runs `pass` over every edge, in order, from the rows of `parent`.
    fn run<X, P>(
        x: &mut X,
        parent: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>;

    /// Runs `pass` over every edge but the tree edges, from rows of a subtree.
    fn run_in_subtree<X, P>(
        x: &mut X,
        parent: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>;
}

impl<Parent, DB: SupportedBackend> CascadeOn<Parent, DB> for () {
    async fn run<X, P>(_: &mut X, _: &dyn RowSet<DB>, _: &mut P) -> Result<()>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
    {
        Ok(())
    }

    async fn run_in_subtree<X, P>(_: &mut X, _: &dyn RowSet<DB>, _: &mut P) -> Result<()>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
    {
        Ok(())
    }
}

macro_rules! cascade_tuple {
    ($($edge:ident),+) => {
        impl<Parent, DB: SupportedBackend, $($edge),+> CascadeOn<Parent, DB> for ($($edge,)+)
        where
            $($edge: EdgeOn<Parent, DB>,)+
        {
            async fn run<X, P>(x: &mut X, parent: &dyn RowSet<DB>, pass: &mut P) -> Result<()>
            where
                X: Executor<Backend = DB>,
                P: Pass<DB>,
            {
                $(<$edge as EdgeOn<Parent, DB>>::run::<X, P, Self>(x, parent, pass).await?;)+
                Ok(())
            }

            async fn run_in_subtree<X, P>(
                x: &mut X,
                parent: &dyn RowSet<DB>,
                pass: &mut P,
            ) -> Result<()>
            where
                X: Executor<Backend = DB>,
                P: Pass<DB>,
            {
                $(<$edge as EdgeOn<Parent, DB>>::run_in_subtree::<X, P, Self>(x, parent, pass).await?;)+
                Ok(())
            }
        }
    };
}

cascade_tuple!(A);
cascade_tuple!(A, B);
cascade_tuple!(A, B, C);
cascade_tuple!(A, B, C, D);
cascade_tuple!(A, B, C, D, E);
cascade_tuple!(A, B, C, D, E, F);
cascade_tuple!(A, B, C, D, E, F, G);
cascade_tuple!(A, B, C, D, E, F, G, H);
cascade_tuple!(A, B, C, D, E, F, G, H, I);
cascade_tuple!(A, B, C, D, E, F, G, H, I, J);
cascade_tuple!(A, B, C, D, E, F, G, H, I, J, K);
cascade_tuple!(A, B, C, D, E, F, G, H, I, J, K, L);
cascade_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M);
cascade_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M, N);
cascade_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
cascade_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, Q);

impl<Parent, Child, Fk, DB> EdgeOn<Parent, DB> for Soft<Child, Fk>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Child: SoftDeleteOn<DB>,
    Fk: Column<Table = Child::Table> + Default + QueryFragment<DB> + Send + Sync + 'static,
    Parent::Key: Column + QueryFragment<DB>,
{
    fn run<X, P, Siblings>(
        x: &mut X,
        parent: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
        Siblings: CascadeOn<Parent, DB>,
    {
        pass.soft::<Parent, Child, Link<Fk, Parent::Key>, X>(x, parent)
    }
}

impl<Parent, Child, ParentColumn, DB> EdgeOn<Parent, DB> for Owned<Child, ParentColumn>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Child: SoftDeleteOn<DB>,
    ParentColumn:
        Column<Table = Parent::Table> + Default + QueryFragment<DB> + Send + Sync + 'static,
    Child::Key: Column + QueryFragment<DB>,
{
    fn run<X, P, Siblings>(
        x: &mut X,
        parent: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
        Siblings: CascadeOn<Parent, DB>,
    {
        pass.owned::<Parent, Child, Link<Child::Key, ParentColumn>, X>(x, parent)
    }
}

impl<M, Fk, DB> EdgeOn<M, DB> for Tree<Fk>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
    M::Parents: ParentsOn<M, DB>,
    Fk: Column<Table = M::Table> + Default + QueryFragment<DB> + Send + Sync + 'static,
    M::Key: Column + QueryFragment<DB>,
{
    fn run<X, P, Siblings>(
        x: &mut X,
        parent: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
        Siblings: CascadeOn<M, DB>,
    {
        pass.tree::<M, Link<Fk, M::Key>, Siblings, X>(x, parent)
    }

    fn run_in_subtree<X, P, Siblings>(
        _: &mut X,
        _: &dyn RowSet<DB>,
        _: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
        Siblings: CascadeOn<M, DB>,
    {
        core::future::ready(Ok(()))
    }
}

impl<Parent, Child, Fk, DB> EdgeOn<Parent, DB> for Hard<Child, Fk>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Fk: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    Fk::Table: Default + QueryFragment<DB> + Send + Sync + 'static,
{
    fn run<X, P, Siblings>(
        x: &mut X,
        parent: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
        Siblings: CascadeOn<Parent, DB>,
    {
        pass.hard::<Parent, Fk, X>(x, parent)
    }
}

impl<Parent, Child, Fk, DB> EdgeOn<Parent, DB> for WithParent<Child, Fk>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Fk: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    Fk::Table: Default + QueryFragment<DB> + Send + Sync + 'static,
{
    fn run<X, P, Siblings>(
        x: &mut X,
        parent: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
        Siblings: CascadeOn<Parent, DB>,
    {
        pass.with_parent::<Parent, Fk, X>(x, parent)
    }
}

impl<Parent, Child, Fk, Live, DB> EdgeOn<Parent, DB> for Restrict<Child, Fk, Live>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Fk: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    Fk::Table: Default + QueryFragment<DB> + Send + Sync + 'static,
    Live: LiveFilterOf,
{
    fn run<X, P, Siblings>(
        x: &mut X,
        parent: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
        Siblings: CascadeOn<Parent, DB>,
    {
        pass.restrict::<Parent, Fk, Live, X>(x, parent)
    }
}

impl<Parent, Fk, DB> EdgeOn<Parent, DB> for Keep<Fk>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Parent::Table: QueryFragment<DB>,
    Fk: Column,
    Fk::Table: Default + QueryFragment<DB>,
{
    fn run<X, P, Siblings>(
        _: &mut X,
        _: &dyn RowSet<DB>,
        pass: &mut P,
    ) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>,
        P: Pass<DB>,
        Siblings: CascadeOn<Parent, DB>,
    {
        pass.keep::<Parent, Fk>();
        core::future::ready(Ok(()))
    }
}
