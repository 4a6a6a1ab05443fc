//! The parents of a model: what restoring one of its rows must find live first.

use chrono::NaiveDateTime;
use diesel::connection::LoadConnection;

use super::owners::{IsOwned, refuse_owner};
use super::{CascadesTo, EdgeLink};
use crate::SoftDeleteOn;
use crate::backend::{ModelOn, SupportedBackend};
use crate::error::{Error, Result};
use crate::report::Report;
use crate::rowset::{LinkColumns, RowSet, State};
use crate::sql::{Fragment, Statement};

#[doc(hidden)]
/// `Self` names `Parent` as its parent with `#[soft_delete(parent = Parent)]`.
///
/// A soft edge into a model requires this, so that every row a cascade can reach knows whom to
/// check before it is restored on its own.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not name `{Parent}` as its parent",
    label = "`{Parent}` cascades to `{Self}` here",
    note = "add `#[soft_delete(parent = {Parent})]` to `{Self}`: restoring a `{Self}` then checks that its `{Parent}` is live"
)]
pub trait HasParent<Parent> {}

#[doc(hidden)]
/// A parent named with `#[soft_delete(parent = P)]`.
pub struct ParentLink<P>(core::marker::PhantomData<fn() -> P>);

/// `SELECT <P's key> FROM P WHERE <P in state> AND <P's link column> IN (SELECT <link> FROM M
/// WHERE <M's key> = id AND <M in any state>)`, as a locking read that holds the parent rows
/// against writers until the transaction ends. Both tables name their tombstone, so the read
/// says which rows it means ([`State::Any`] for every row).
fn parents_of<P, M, DB>(id: M::Id, state: State) -> Fragment<'static, DB>
where
    DB: SupportedBackend,
    P: ModelOn<DB> + CascadesTo<M>,
    M: ModelOn<DB>,
    <P as CascadesTo<M>>::Edge: EdgeLink<P>,
    <<P as CascadesTo<M>>::Edge as EdgeLink<P>>::Link: LinkColumns<DB>,
{
    type LinkOf<P, M> = <<P as CascadesTo<M>>::Edge as EdgeLink<P>>::Link;
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
    Box::new(statement)
}

/// One parent of `M`, checked on `DB`.
#[doc(hidden)]
pub trait ParentOn<M: ModelOn<DB>, DB: SupportedBackend> {
    /// The parent model.
    type Parent: ModelOn<DB>;

    /// [`Error::ParentDeleted`] if the row `id` hangs off a tombstoned row of this parent.
    fn check<C>(conn: &mut C, id: &M::Id) -> Result<()>
    where
        C: LoadConnection<Backend = DB>;

    /// The keys of the tombstoned parent rows that row `id` hangs off.
    fn tombstoned<C>(
        conn: &mut C,
        id: &M::Id,
    ) -> Result<Vec<<Self::Parent as crate::SoftDelete>::Id>>
    where
        C: LoadConnection<Backend = DB>;

    /// [`Error::Referenced`] if this parent owns a row of `set` and a row of it, live or
    /// tombstoned, holds that row's key.
    fn refuse_owner<C>(conn: &mut C, set: &dyn RowSet<DB>) -> Result<()>
    where
        C: LoadConnection<Backend = DB>;

    /// Pushes ` AND NOT EXISTS (<this parent's row of M's link, tombstoned, not at stamp>)`: leaves
    /// out of a restore at `stamp` the rows of `M` that a row of this parent, tombstoned by
    /// another operation, still hides. Nothing when this parent's table is `from`, the one the
    /// restore comes down from: the rows it reaches hang off rows it is restoring.
    fn not_held(out: &mut Statement<'_, DB>, stamp: NaiveDateTime, from: &'static str);
}

impl<P, M, DB> ParentOn<M, DB> for ParentLink<P>
where
    DB: SupportedBackend,
    P: ModelOn<DB> + CascadesTo<M>,
    M: ModelOn<DB>,
    <P as CascadesTo<M>>::Edge: EdgeLink<P> + IsOwned,
    <<P as CascadesTo<M>>::Edge as EdgeLink<P>>::Link: LinkColumns<DB>,
{
    type Parent = P;

    fn check<C>(conn: &mut C, id: &M::Id) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        // Lock the parents first: a delete of one in progress finishes before the check reads
        // it, and none can start until this transaction ends, so no restored row ends up under
        // a parent tombstoned meanwhile.
        P::load_keys(conn, parents_of::<P, M, DB>(id.clone(), State::Any))?;
        if !P::load_keys(conn, parents_of::<P, M, DB>(id.clone(), State::Deleted))?.is_empty() {
            return Err(Error::ParentDeleted {
                table: M::TABLE,
                key: format!("{id:?}"),
                parent: P::TABLE,
            });
        }
        Ok(())
    }

    fn tombstoned<C>(conn: &mut C, id: &M::Id) -> Result<Vec<P::Id>>
    where
        C: LoadConnection<Backend = DB>,
    {
        Ok(P::load_keys(
            conn,
            parents_of::<P, M, DB>(id.clone(), State::Deleted),
        )?)
    }

    fn refuse_owner<C>(conn: &mut C, set: &dyn RowSet<DB>) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        refuse_owner::<P, M, DB, C>(conn, set)
    }

    fn not_held(out: &mut Statement<'_, DB>, stamp: NaiveDateTime, from: &'static str) {
        type LinkOf<P, M> = <<P as CascadesTo<M>>::Edge as EdgeLink<P>>::Link;
        // A tree's rows are their own parents; a restore reaches them by the recursive query,
        // and MySQL reads no table it updates. An owned record is needed by any live owner, so
        // another tombstoned owner does not hold it back.
        if P::TABLE == from
            || P::TABLE == M::TABLE
            || <<P as CascadesTo<M>>::Edge as IsOwned>::OWNED
        {
            return;
        }
        // Correlated, so each row looks up its own parent by key (a row whose link is NULL
        // has none) instead of reading every tombstone the table ever kept.
        out.sql(" AND NOT EXISTS (SELECT 1 FROM ")
            .fragment(P::table())
            .sql(" WHERE ")
            .fragment(<LinkOf<P, M> as LinkColumns<DB>>::parent_column())
            .sql(" = ")
            .fragment(<LinkOf<P, M> as LinkColumns<DB>>::child_column())
            .sql(" AND ")
            .fragment(P::in_state(State::Deleted))
            .sql(" AND NOT (")
            .fragment(P::in_state(State::At(stamp)))
            .sql("))");
    }
}

/// The parents of `M`, as a tuple, checked on `DB`.
#[doc(hidden)]
pub trait ParentsOn<M: ModelOn<DB>, DB: SupportedBackend> {
    /// Checks every parent.
    fn check<C>(conn: &mut C, id: &M::Id) -> Result<()>
    where
        C: LoadConnection<Backend = DB>;

    /// Refuses if any parent that owns a row of `set` holds its key.
    fn refuse_owners<C>(conn: &mut C, set: &dyn RowSet<DB>) -> Result<()>
    where
        C: LoadConnection<Backend = DB>;

    /// [`ParentOn::not_held`] for every parent.
    fn not_held(out: &mut Statement<'_, DB>, stamp: NaiveDateTime, from: &'static str);
}

impl<M: ModelOn<DB>, DB: SupportedBackend> ParentsOn<M, DB> for () {
    fn check<C>(_: &mut C, _: &M::Id) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        Ok(())
    }

    fn refuse_owners<C>(_: &mut C, _: &dyn RowSet<DB>) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
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
            fn check<C>(conn: &mut C, id: &M::Id) -> Result<()>
            where
                C: LoadConnection<Backend = DB>,
            {
                $(<$parent as ParentOn<M, DB>>::check(conn, id)?;)+
                Ok(())
            }

            fn refuse_owners<C>(conn: &mut C, set: &dyn RowSet<DB>) -> Result<()>
            where
                C: LoadConnection<Backend = DB>,
            {
                $(<$parent as ParentOn<M, DB>>::refuse_owner(conn, set)?;)+
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
parents_tuple!(A, B, C2);
parents_tuple!(A, B, C2, D);
parents_tuple!(A, B, C2, D, E);
parents_tuple!(A, B, C2, D, E, F);
parents_tuple!(A, B, C2, D, E, F, G);
parents_tuple!(A, B, C2, D, E, F, G, H);

/// Restoring a row together with every tombstoned ancestor it needs, on `DB`.
///
/// The derive implements it for each model, naming its parents; the operation itself is
/// [`restore_up`](RestoreUp::restore_up), generated as `Model::restore_with_ancestors`.
#[doc(hidden)]
pub trait RestoreUp<DB: SupportedBackend>: SoftDeleteOn<DB> {
    /// Restores the tombstoned parents of row `id`, each with its own ancestors, into `reports`.
    fn restore_parents<C>(conn: &mut C, id: &Self::Id, reports: &mut Vec<Report>) -> Result<()>
    where
        C: LoadConnection<Backend = DB>;

    /// Restores row `id` after every tombstoned ancestor it hangs off.
    fn restore_up<C>(conn: &mut C, id: Self::Id) -> Result<Report>
    where
        C: LoadConnection<Backend = DB>,
    {
        crate::ops::restore_with_ancestors::<Self, C>(conn, id)
    }
}

#[doc(hidden)]
/// Restores, with their own ancestors, the tombstoned rows of `P` that row `id` of `M` hangs
/// off.
pub fn climb<M, P, C>(conn: &mut C, id: &M::Id, reports: &mut Vec<Report>) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: ModelOn<C::Backend>,
    P: RestoreUp<C::Backend>,
    ParentLink<P>: ParentOn<M, C::Backend, Parent = P>,
{
    for key in <ParentLink<P> as ParentOn<M, C::Backend>>::tombstoned(conn, id)? {
        reports.push(P::restore_up(conn, key)?);
    }
    Ok(())
}
