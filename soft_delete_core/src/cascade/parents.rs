//! The parents of a model: what restoring one of its rows must find live first, which rows a
//! restore leaves hidden under another parent, and which owners hold a record's key.

use core::future::Future;

use chrono::NaiveDateTime;

use crate::dialect::SupportedBackend;
use crate::error::{Error, Result};
use crate::exec::Executor;
use crate::model::Model;
use crate::model::edges::{CascadesTo, IsOwned, LinkOf, ParentLink, TreeParent};
use crate::render::{LinkColumns, ModelOn, RowSet, State};
use crate::sql::Statement;

/// A link to a parent model: a named parent ([`ParentLink`]) or a tree's own parent row
/// ([`TreeParent`]).
#[doc(hidden)]
pub trait LinkedParent {
    /// The parent model.
    type Parent;
}

impl<P> LinkedParent for ParentLink<P> {
    type Parent = P;
}

impl<M> LinkedParent for TreeParent<M> {
    type Parent = M;
}

/// One parent of `M`, on `DB`.
#[doc(hidden)]
pub trait ParentOn<M: ModelOn<DB>, DB: SupportedBackend> {
    /// The parent model.
    type Parent: ModelOn<DB>;

    /// [`Error::ParentDeleted`] if the row `id` hangs off a tombstoned row of this parent.
    fn check<X>(x: &mut X, id: &M::Id) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>;

    /// The keys of the tombstoned parent rows that row `id` hangs off.
    fn tombstoned<X>(
        x: &mut X,
        id: &M::Id,
    ) -> impl Future<Output = Result<Vec<<Self::Parent as crate::Model>::Id>>>
    where
        X: Executor<Backend = DB>;

    /// [`Error::Referenced`] if this parent owns rows of `set` and a row of it, live or
    /// tombstoned, holds such a row's key.
    fn refuse_owner<X>(x: &mut X, set: &dyn RowSet<DB>) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>;

    /// Pushes ` AND NOT EXISTS (<this parent's row of M's link, tombstoned, not at stamp>)`:
    /// leaves out of a restore at `stamp` the rows of `M` that a row of this parent, tombstoned
    /// by another operation, still hides. Nothing when this parent's table is `from`, the one
    /// the restore comes down from: the rows it reaches hang off rows it is restoring.
    fn not_held(out: &mut Statement<'_, DB>, stamp: NaiveDateTime, from: &'static str);
}

/// `SELECT <P's key> FROM P WHERE <P in state> AND <P's link column> IN (SELECT <link> FROM M
/// WHERE <M's key> = id AND <M in any state>)`, as a locking read that holds the parent rows
/// against writers until the transaction ends. Both tables name their tombstone, so the read
/// says which rows it means ([`State::Any`] for every row).
fn parents_of<P, M, DB>(id: M::Id, state: State) -> Statement<'static, DB>
where
    DB: SupportedBackend,
    P: ModelOn<DB> + CascadesTo<M>,
    M: ModelOn<DB>,
    LinkOf<P, M>: LinkColumns<DB>,
{
    let mut statement = Statement::new();
    statement
        .sql("SELECT ")
        .fragment(P::key())
        .sql(" FROM ")
        .fragment(P::table())
        .sql(" WHERE ")
        .fragment(P::in_state(state))
        .sql(" AND ")
        .fragment(<LinkOf<P, M> as LinkColumns<DB>>::parent_column())
        .sql(" IN (SELECT ")
        .fragment(<LinkOf<P, M> as LinkColumns<DB>>::child_column())
        .sql(" FROM ")
        .fragment(M::table())
        .sql(" WHERE ")
        .fragment(M::key_is(id))
        .sql(" AND ")
        .fragment(M::in_state(State::Any))
        .sql(")")
        .sql(DB::FOR_SHARE);
    statement
}

impl<L, M, DB> ParentOn<M, DB> for L
where
    DB: SupportedBackend,
    L: LinkedParent,
    L::Parent: ModelOn<DB> + CascadesTo<M>,
    M: ModelOn<DB>,
    LinkOf<L::Parent, M>: LinkColumns<DB>,
{
    type Parent = L::Parent;

    async fn check<X>(x: &mut X, id: &M::Id) -> Result<()>
    where
        X: Executor<Backend = DB>,
    {
        // Lock the parents first: a delete of one in progress finishes before the check reads
        // it, and none can start until this transaction ends, so no restored row ends up under
        // a parent tombstoned meanwhile.
        L::Parent::read_keys(x, parents_of::<L::Parent, M, DB>(id.clone(), State::Any)).await?;
        let tombstoned = L::Parent::read_keys(
            x,
            parents_of::<L::Parent, M, DB>(id.clone(), State::Deleted),
        )
        .await?;
        if !tombstoned.is_empty() {
            return Err(Error::ParentDeleted {
                table: M::TABLE,
                key: format!("{id:?}"),
                parent: L::Parent::TABLE,
            });
        }
        Ok(())
    }

    async fn tombstoned<X>(x: &mut X, id: &M::Id) -> Result<Vec<<L::Parent as crate::Model>::Id>>
    where
        X: Executor<Backend = DB>,
    {
        let query = parents_of::<L::Parent, M, DB>(id.clone(), State::Deleted);
        Ok(L::Parent::read_keys(x, query).await?)
    }

    async fn refuse_owner<X>(x: &mut X, set: &dyn RowSet<DB>) -> Result<()>
    where
        X: Executor<Backend = DB>,
    {
        type Owner<L> = <L as LinkedParent>::Parent;
        if !<<Owner<L> as CascadesTo<M>>::Edge as IsOwned>::OWNED {
            return Ok(());
        }
        let mut statement = Statement::new();
        statement
            .sql("SELECT COUNT(*) FROM ")
            .fragment(Owner::<L>::table())
            .sql(" WHERE ")
            .fragment(Owner::<L>::in_state(State::Any))
            .sql(" AND ")
            .fragment(<LinkOf<Owner<L>, M> as LinkColumns<DB>>::parent_column())
            .sql(" IN (SELECT ")
            .fragment(<LinkOf<Owner<L>, M> as LinkColumns<DB>>::child_column())
            .sql(" FROM ")
            .fragment(M::table())
            .sql(" WHERE ");
        set.condition(&mut statement);
        statement.sql(")");
        let rows = DB::count(x, statement).await?;
        Error::unless_unreferenced(
            rows,
            M::TABLE,
            || format!("{} (owner rows holding its key)", Owner::<L>::TABLE),
            None,
        )
    }

    fn not_held(out: &mut Statement<'_, DB>, stamp: NaiveDateTime, from: &'static str) {
        type Held<L> = <L as LinkedParent>::Parent;
        // A tree's rows are their own parents; a restore reaches them by the recursive query,
        // and MySQL reads no table it updates. An owned record is needed by any live owner, so
        // another tombstoned owner does not hold it back.
        if Held::<L>::TABLE == from
            || Held::<L>::TABLE == M::TABLE
            || <<Held<L> as CascadesTo<M>>::Edge as IsOwned>::OWNED
        {
            return;
        }
        // Correlated, so each row looks up its own parent by key (a row whose link is NULL
        // has none) instead of reading every tombstone the table ever kept.
        out.sql(" AND NOT EXISTS (SELECT 1 FROM ")
            .fragment(Held::<L>::table())
            .sql(" WHERE ")
            .fragment(<LinkOf<Held<L>, M> as LinkColumns<DB>>::parent_column())
            .sql(" = ")
            .fragment(<LinkOf<Held<L>, M> as LinkColumns<DB>>::child_column())
            .sql(" AND ")
            .fragment(Held::<L>::in_state(State::Deleted))
            .sql(" AND NOT (")
            .fragment(Held::<L>::in_state(State::At(stamp)))
            .sql("))");
    }
}

/// The parents of `M`, as a tuple, on `DB`.
#[doc(hidden)]
pub trait ParentsOn<M: ModelOn<DB>, DB: SupportedBackend> {
    /// Checks every parent ([`ParentOn::check`]).
    fn check<X>(x: &mut X, id: &M::Id) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>;

    /// Refuses if any parent that owns a row of `set` holds its key.
    fn refuse_owners<X>(x: &mut X, set: &dyn RowSet<DB>) -> impl Future<Output = Result<()>>
    where
        X: Executor<Backend = DB>;

    /// [`ParentOn::not_held`] for every parent.
    fn not_held(out: &mut Statement<'_, DB>, stamp: NaiveDateTime, from: &'static str);
}

impl<M: ModelOn<DB>, DB: SupportedBackend> ParentsOn<M, DB> for () {
    async fn check<X>(_: &mut X, _: &M::Id) -> Result<()>
    where
        X: Executor<Backend = DB>,
    {
        Ok(())
    }

    async fn refuse_owners<X>(_: &mut X, _: &dyn RowSet<DB>) -> Result<()>
    where
        X: Executor<Backend = DB>,
    {
        Ok(())
    }

    fn not_held(_: &mut Statement<'_, DB>, _: NaiveDateTime, _: &'static str) {}
}

macro_rules! parents_tuple {
    ($($parent:ident),+) => {
        impl<M: ModelOn<DB>, DB: SupportedBackend, $($parent),+> ParentsOn<M, DB> for ($($parent,)+)
        where
            $($parent: ParentOn<M, DB>,)+
        {
            async fn check<X>(x: &mut X, id: &M::Id) -> Result<()>
            where
                X: Executor<Backend = DB>,
            {
                $(<$parent as ParentOn<M, DB>>::check(x, id).await?;)+
                Ok(())
            }

            async fn refuse_owners<X>(x: &mut X, set: &dyn RowSet<DB>) -> Result<()>
            where
                X: Executor<Backend = DB>,
            {
                $(<$parent as ParentOn<M, DB>>::refuse_owner(x, set).await?;)+
                Ok(())
            }

            fn not_held(out: &mut Statement<'_, DB>, stamp: NaiveDateTime, from: &'static str) {
                $(<$parent as ParentOn<M, DB>>::not_held(out, stamp, from);)+
            }
        }
    };
}

parents_tuple!(A);
parents_tuple!(A, B);
parents_tuple!(A, B, C);
parents_tuple!(A, B, C, D);
parents_tuple!(A, B, C, D, E);
parents_tuple!(A, B, C, D, E, F);
parents_tuple!(A, B, C, D, E, F, G);
parents_tuple!(A, B, C, D, E, F, G, H);
