//! Owners: parent rows that hold the key of a record they own (`#[cascade(Child(owned))]`).
//!
//! Deleting an owned record for real while an owner row still holds its key would leave that
//! owner pointing at nothing (and, on restore, live again over a missing record), so a purge
//! or hard delete refuses it.

use diesel::connection::LoadConnection;

use super::parents::ParentLink;
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

/// One parent of `M` that may own its rows, checked on `DB`.
#[doc(hidden)]
pub trait OwnerOn<M: ModelOn<DB>, DB: SupportedBackend> {
    /// [`Error::Referenced`] if a row of this parent, live or tombstoned, holds the key of a
    /// row of `set`.
    fn refuse<C>(conn: &mut C, set: &dyn RowSet<DB>) -> Result<()>
    where
        C: LoadConnection<Backend = DB>;
}

impl<P, M, DB> OwnerOn<M, DB> for ParentLink<P>
where
    DB: SupportedBackend,
    P: ModelOn<DB> + CascadesTo<M>,
    M: ModelOn<DB>,
    <P as CascadesTo<M>>::Edge: EdgeLink<P> + IsOwned,
    <<P as CascadesTo<M>>::Edge as EdgeLink<P>>::Link: LinkColumns<DB>,
{
    fn refuse<C>(conn: &mut C, set: &dyn RowSet<DB>) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
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
        if rows > 0 {
            return Err(Error::Referenced {
                table: M::TABLE.to_owned(),
                referenced_by: format!("{} (owner rows holding its key)", P::TABLE),
                constraint: None,
                rows: u64::try_from(rows).unwrap_or(0),
            });
        }
        Ok(())
    }
}

/// The parents of `M`, as a tuple, checked for owners on `DB`.
#[doc(hidden)]
pub trait OwnersOn<M: ModelOn<DB>, DB: SupportedBackend> {
    /// Checks every parent.
    fn refuse<C>(conn: &mut C, set: &dyn RowSet<DB>) -> Result<()>
    where
        C: LoadConnection<Backend = DB>;
}

impl<M: ModelOn<DB>, DB: SupportedBackend> OwnersOn<M, DB> for () {
    fn refuse<C>(_: &mut C, _: &dyn RowSet<DB>) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        Ok(())
    }
}

macro_rules! owners_tuple {
    ($($parent:ident),+) => {
        impl<M: ModelOn<DB>, DB: SupportedBackend, $($parent),+> OwnersOn<M, DB> for ($($parent,)+)
        where
            $($parent: OwnerOn<M, DB>,)+
        {
            fn refuse<C>(conn: &mut C, set: &dyn RowSet<DB>) -> Result<()>
            where
                C: LoadConnection<Backend = DB>,
            {
                $(<$parent as OwnerOn<M, DB>>::refuse(conn, set)?;)+
                Ok(())
            }
        }
    };
}

owners_tuple!(A);
owners_tuple!(A, B);
owners_tuple!(A, B, C2);
owners_tuple!(A, B, C2, D);
owners_tuple!(A, B, C2, D, E);
owners_tuple!(A, B, C2, D, E, F);
owners_tuple!(A, B, C2, D, E, F, G);
owners_tuple!(A, B, C2, D, E, F, G, H);
