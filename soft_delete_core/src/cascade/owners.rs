//! Owners: parent rows that hold the key of a record they own (`#[cascade(Child(owned))]`).
//!
//! Deleting an owned record for real while an owner row still holds its key would leave that
//! owner pointing at nothing (and, on restore, live again over a missing record), so a purge
//! or hard delete refuses it.

use diesel::connection::LoadConnection;

use super::{CascadesTo, EdgeLink, Owned, Soft, Tree};
use crate::backend::{ModelOn, SupportedBackend};
use crate::error::{Error, Result};
use crate::rowset::{LinkColumns, RowSet, State};
use crate::sql::Statement;

/// Whether an edge's column sits on the parent and holds the child's key.
#[doc(hidden)]
pub trait IsOwned {
    /// `true` for [`Owned`].
    const OWNED: bool = false;
}

impl<Child, Fk> IsOwned for Soft<Child, Fk> {}
impl<Fk> IsOwned for Tree<Fk> {}
impl<Child, ParentColumn> IsOwned for Owned<Child, ParentColumn> {
    const OWNED: bool = true;
}

/// [`Error::Referenced`] if a row of `P`, live or tombstoned, owns a row of `set` (a set of
/// `M`'s rows) and holds its key; nothing to check unless `P`'s edge to `M` is [`Owned`].
pub(crate) fn refuse_owner<P, M, DB, C>(conn: &mut C, set: &dyn RowSet<DB>) -> Result<()>
where
    DB: SupportedBackend,
    C: LoadConnection<Backend = DB>,
    P: ModelOn<DB> + CascadesTo<M>,
    M: ModelOn<DB>,
    <P as CascadesTo<M>>::Edge: EdgeLink<P> + IsOwned,
    <<P as CascadesTo<M>>::Edge as EdgeLink<P>>::Link: LinkColumns<DB>,
{
    type LinkOf<P, M> = <<P as CascadesTo<M>>::Edge as EdgeLink<P>>::Link;
    if !<<P as CascadesTo<M>>::Edge as IsOwned>::OWNED {
        return Ok(());
    }
    let mut statement = Statement::new();
    statement
        .sql("SELECT COUNT(*) FROM ")
        .fragment(P::table())
        .sql(" WHERE ")
        .fragment(P::in_state(State::Any))
        .sql(" AND ")
        .fragment(<LinkOf<P, M> as LinkColumns<DB>>::parent_column())
        .sql(" IN (SELECT ")
        .fragment(<LinkOf<P, M> as LinkColumns<DB>>::child_column())
        .sql(" FROM ")
        .fragment(M::table())
        .sql(" WHERE ");
    set.condition(&mut statement);
    statement.sql(")");
    let rows = DB::load_count(conn, Box::new(statement))?;
    Error::unless_unreferenced(
        rows,
        M::TABLE,
        || format!("{} (owner rows holding its key)", P::TABLE),
        None,
    )
}
