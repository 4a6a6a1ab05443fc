//! The statements every pass is made of, over a set of a model's rows: count, update, delete,
//! lock, and the rows of another table that reference a set.

use diesel::Column;
use diesel::query_builder::QueryFragment;

use super::actor::Assignment;
use super::model::ModelOn;
use super::rowset::{RowSet, State, select};
use crate::dialect::SupportedBackend;
use crate::model::TombstoneKind;
use crate::model::key::PrimaryKey;
use crate::model::probe::LiveFilter;
use crate::sql::Statement;

/// `SELECT COUNT(*) FROM table WHERE <set>`: how many rows of `M` the set holds.
pub(crate) fn count<M, DB>(set: &dyn RowSet<DB>) -> Statement<'_, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement
        .sql("SELECT COUNT(*) FROM ")
        .fragment(M::table())
        .sql(" WHERE ");
    set.condition(&mut statement);
    statement
}

/// `UPDATE table SET assignments WHERE <set>`; where the backend joins in writes and the set
/// is a parent's children, `UPDATE table INNER JOIN parent ON ... SET table.column = ...
/// WHERE ...` (see [`SupportedBackend::JOIN_IN_WRITES`]).
pub(crate) fn update<'s, M, DB>(
    assignments: Vec<Assignment<'s, DB>>,
    set: &'s dyn RowSet<DB>,
) -> Statement<'s, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement.sql("UPDATE ").fragment(M::table());
    let join = set.parent_join().filter(|_| DB::JOIN_IN_WRITES);
    let joined = join.is_some();
    let rows = join.map(|join| join.push_join(&mut statement));
    statement.sql(" SET ");
    for (index, assignment) in assignments.into_iter().enumerate() {
        if index > 0 {
            statement.sql(", ");
        }
        if joined {
            // The parent's table may have a column of the same name.
            statement.fragment(M::table()).sql(".");
        }
        statement
            .ident(assignment.column)
            .sql(" = ")
            .fragment(assignment.value);
    }
    statement.sql(" WHERE ");
    match rows {
        Some(rows) => rows.condition(&mut statement),
        None => set.condition(&mut statement),
    }
    statement
}

/// `DELETE FROM table WHERE <set>`; where the backend joins in writes and the set is a
/// parent's children, `DELETE table FROM table INNER JOIN parent ON ... WHERE ...` (see
/// [`SupportedBackend::JOIN_IN_WRITES`]).
pub(crate) fn delete_from<M, DB>(set: &dyn RowSet<DB>) -> Statement<'_, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    if let Some(join) = set.parent_join().filter(|_| DB::JOIN_IN_WRITES) {
        let mut statement = Statement::new();
        statement
            .sql("DELETE ")
            .fragment(M::table())
            .sql(" FROM ")
            .fragment(M::table());
        let rows = join.push_join(&mut statement);
        statement.sql(" WHERE ");
        rows.condition(&mut statement);
        return statement;
    }
    delete_where::<M, DB>(set)
}

/// `DELETE FROM table WHERE <set>`, always in that form, for a caller that goes on with the
/// condition.
pub(crate) fn delete_where<M, DB>(set: &dyn RowSet<DB>) -> Statement<'_, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement
        .sql("DELETE FROM ")
        .fragment(M::table())
        .sql(" WHERE ");
    set.condition(&mut statement);
    statement
}

/// Counts, and locks against writers and other lockers, the rows of `M` in `set`:
/// `SELECT COUNT(*) ... FOR UPDATE`, in a subquery where the backend wants the lock there.
pub(crate) fn lock<M, DB>(set: &dyn RowSet<DB>) -> Statement<'_, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    if DB::LOCK_IN_SUBQUERY {
        statement
            .sql("SELECT COUNT(*) FROM (SELECT 1 AS ")
            .ident("soft_delete_row")
            .sql(" FROM ");
    } else {
        statement.sql("SELECT COUNT(*) FROM ");
    }
    statement.fragment(M::table()).sql(" WHERE ");
    set.condition(&mut statement);
    statement.sql(DB::FOR_UPDATE);
    if DB::LOCK_IN_SUBQUERY {
        statement.sql(") ").ident("soft_delete_locked");
    }
    statement
}

/// `SELECT <M's key> FROM <M's table> WHERE <tombstoned>`: the start of a read of tombstoned
/// rows' keys (a purge's batch, a bulk restore), for the caller to narrow, order and lock.
pub(crate) fn tombstoned_keys<'a, M, DB>() -> Statement<'a, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement
        .sql("SELECT ")
        .fragment(M::key())
        .sql(" FROM ")
        .fragment(M::table())
        .sql(" WHERE ")
        .fragment(M::in_state(State::Deleted));
    statement
}

/// `UPDATE table SET key = key WHERE 1 = 0 AND <any state>`: a write that changes no row and
/// fires no trigger, so that a transaction opening with it takes the database's write lock
/// through its busy handler (see [`SupportedBackend::CLAIM_WRITES_FIRST`]).
pub(crate) fn claim<'a, M, DB>() -> Statement<'a, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement
        .sql("UPDATE ")
        .fragment(M::table())
        .sql(" SET ")
        .ident(<M::Key as PrimaryKey>::NAMES[0])
        .sql(" = ")
        .ident(<M::Key as PrimaryKey>::NAMES[0])
        .sql(" WHERE 1 = 0 AND ")
        .fragment(M::in_state(State::Any));
    statement
}

/// `<head> <Fk's table> WHERE Fk IN (SELECT parent.key FROM parent WHERE ...)`: the rows of a
/// hard or restricting edge's table that reference the rows of `parent`. Where `parent` is
/// rows read and locked by key ([`RowSet::locked_keys_of`]: a purge's batch), `Fk` is compared
/// with their keys, bound, and `parent`'s table is not read again.
pub(crate) fn referencing<'s, Parent, Fk, DB>(
    head: &'static str,
    parent: &'s dyn RowSet<DB>,
) -> Statement<'s, DB>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Fk: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    Fk::Table: Default + QueryFragment<DB> + Send + Sync + 'static,
{
    let mut out = Statement::new();
    out.sql(head)
        .push(Fk::Table::default())
        .sql(" WHERE ")
        .push(Fk::default());
    if let Some(keys) = parent.locked_keys_of(<Parent::Key as PrimaryKey>::NAMES) {
        out.push(keys);
        return out;
    }
    out.sql(" IN (");
    select(&mut out, Parent::key(), Parent::table(), parent);
    out.sql(")");
    out
}

/// Pushes `table.column IS NULL` or `table.column = false`: the live rows of table `T`, a
/// restricting edge's soft-deletable child.
pub(crate) fn live_rows<'a, T, DB>(filter: LiveFilter, out: &mut Statement<'a, DB>)
where
    T: Default + QueryFragment<DB> + Send + Sync + 'a,
    DB: SupportedBackend,
{
    out.push(T::default()).sql(".").ident(filter.column);
    match filter.kind {
        TombstoneKind::Timestamp => {
            out.sql(" IS NULL");
        }
        TombstoneKind::Flag => {
            out.sql(" = ").fragment(DB::bind_bool(false));
        }
    }
}
