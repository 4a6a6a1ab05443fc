//! The flag ledger's statements for a model: record the rows one operation flags, find them
//! again by its stamp, forget them once revived or deleted for real. What the ledger is for:
//! [`crate::ledger`].

use chrono::NaiveDateTime;

use super::model::ModelOn;
use super::rowset::RowSet;
use crate::dialect::SupportedBackend;
use crate::dialect::ledger::{ROW_KEY, STAMP, TABLE, TABLE_NAME};
use crate::sql::{Fragment, Statement};

/// `CAST(<key> AS TEXT)` for model `M`.
fn key_as_text<M: ModelOn<DB>, DB: SupportedBackend>(out: &mut Statement<'_, DB>) {
    out.sql("CAST(")
        .fragment(M::key())
        .sql(" AS ")
        .sql(DB::TEXT_TYPE)
        .sql(")")
        .sql(DB::TEXT_COLLATION);
}

/// `"table_name" = <M's table>`, and with `stamp`, `AND "stamp" <comparison> <stamp>`: the
/// ledger entries of `M`, of one operation or before a time.
fn entries<M: ModelOn<DB>, DB: SupportedBackend>(
    out: &mut Statement<'_, DB>,
    stamp: Option<(&'static str, NaiveDateTime)>,
) {
    column(out, TABLE_NAME)
        .sql(" = ")
        .fragment(DB::bind_text(M::TABLE));
    if let Some((comparison, stamp)) = stamp {
        out.sql(" AND ");
        column(out, STAMP)
            .sql(comparison)
            .fragment(DB::bind_stamp(stamp));
    }
}

/// `<ledger>.<column>`.
fn column<'o, 's, DB: SupportedBackend>(
    out: &'o mut Statement<'s, DB>,
    name: &'static str,
) -> &'o mut Statement<'s, DB> {
    out.ident(TABLE).sql(".").ident(name)
}

/// `DELETE` of the ledger's entries of `M` (under `stamp`, if given) whose rows `condition`
/// selects. Driven by those rows, each entry found by its key through the ledger's index: on
/// MySQL and MariaDB as a join with the rows' keys (they run `IN (subquery)` in a `DELETE` once
/// per ledger row), elsewhere with `IN`.
fn delete_entries<'s, M, DB>(
    stamp: Option<NaiveDateTime>,
    condition: impl FnOnce(&mut Statement<'s, DB>),
) -> Statement<'s, DB>
where
    M: ModelOn<DB>,
    DB: SupportedBackend,
{
    let mut statement = Statement::new();
    let stamp = stamp.map(|stamp| (" = ", stamp));
    if DB::JOIN_IN_WRITES {
        statement
            .sql("DELETE ")
            .ident(TABLE)
            .sql(" FROM ")
            .ident(TABLE)
            .sql(" INNER JOIN (SELECT ");
        key_as_text::<M, DB>(&mut statement);
        statement
            .sql(" AS ")
            .ident(KEY_ALIAS)
            .sql(" FROM ")
            .fragment(M::table())
            .sql(" WHERE ");
        condition(&mut statement);
        statement.sql(") ").ident(ROWS_ALIAS).sql(" ON ");
        column(&mut statement, ROW_KEY)
            .sql(" = ")
            .ident(ROWS_ALIAS)
            .sql(".")
            .ident(KEY_ALIAS)
            .sql(" WHERE ");
        entries::<M, DB>(&mut statement, stamp);
    } else {
        statement.sql("DELETE FROM ").ident(TABLE).sql(" WHERE ");
        entries::<M, DB>(&mut statement, stamp);
        of_rows::<M, DB>(&mut statement, condition);
    }
    statement
}

/// ` AND "row_key" IN (SELECT k FROM (SELECT CAST(<key> AS TEXT) AS k FROM <M's table> WHERE
/// <condition>) AS rows)`: the entries of the rows of `M` that `condition` selects. The keys
/// come through a derived table, so the condition may itself read the ledger. On PostgreSQL
/// `= ANY(ARRAY(...))` instead (see [`SupportedBackend::KEYS_AS_ARRAY`]): the keys are read
/// once and each entry is found through the ledger's index, whatever the statistics say.
fn of_rows<'s, M, DB>(out: &mut Statement<'s, DB>, condition: impl FnOnce(&mut Statement<'s, DB>))
where
    M: ModelOn<DB>,
    DB: SupportedBackend,
{
    let set = if DB::KEYS_AS_ARRAY {
        " = ANY(ARRAY(SELECT "
    } else {
        " IN (SELECT "
    };
    out.sql(" AND ")
        .ident(ROW_KEY)
        .sql(set)
        .ident(KEY_ALIAS)
        .sql(" FROM (SELECT ");
    key_as_text::<M, DB>(out);
    out.sql(" AS ")
        .ident(KEY_ALIAS)
        .sql(" FROM ")
        .fragment(M::table())
        .sql(" WHERE ");
    condition(out);
    out.sql(") ").ident(ROWS_ALIAS).sql(")");
    if DB::KEYS_AS_ARRAY {
        out.sql(")");
    }
}

/// Names of the derived table [`of_rows`] reads keys through; chosen not to collide.
const KEY_ALIAS: &str = "soft_delete_row_key";
const ROWS_ALIAS: &str = "soft_delete_rows";

/// `EXISTS (SELECT 1 FROM <ledger> WHERE <ledger>.table_name = <M's table> AND <ledger>.row_key
/// = CAST(<M's key> AS TEXT) AND <ledger>.stamp <comparison> <stamp>)`: whether the row of `M`
/// the enclosing statement is at was recorded with such a stamp. Correlated by the row's own
/// key, so the database looks each candidate row up in the ledger's index on (key, table,
/// stamp): one lookup per row, however many entries the ledger holds and whatever its
/// statistics say.
fn recorded_by<'a, M, DB>(comparison: &'static str, stamp: NaiveDateTime) -> Fragment<'a, DB>
where
    M: ModelOn<DB>,
    DB: SupportedBackend,
{
    let mut statement = Statement::new();
    statement
        .sql("EXISTS (SELECT 1 FROM ")
        .ident(TABLE)
        .sql(" WHERE ")
        .ident(TABLE)
        .sql(".")
        .ident(TABLE_NAME)
        .sql(" = ")
        .fragment(DB::bind_text(M::TABLE))
        .sql(" AND ")
        .ident(TABLE)
        .sql(".")
        .ident(ROW_KEY)
        .sql(" = ");
    key_as_text::<M, DB>(&mut statement);
    statement
        .sql(" AND ")
        .ident(TABLE)
        .sql(".")
        .ident(STAMP)
        .sql(comparison)
        .fragment(DB::bind_stamp(stamp))
        .sql(")");
    Box::new(statement)
}

/// Records every row of `set` (about to be flagged) under `stamp`.
pub(crate) fn record<M, DB>(set: &dyn RowSet<DB>, stamp: NaiveDateTime) -> Statement<'_, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement
        .sql("INSERT INTO ")
        .ident(TABLE)
        .sql(" (")
        .ident(TABLE_NAME)
        .sql(", ")
        .ident(ROW_KEY)
        .sql(", ")
        .ident(STAMP)
        .sql(") SELECT ")
        .fragment(DB::bind_text(M::TABLE))
        .sql(", ");
    key_as_text::<M, DB>(&mut statement);
    statement
        .sql(", ")
        .fragment(DB::bind_stamp(stamp))
        .sql(" FROM ")
        .fragment(M::table())
        .sql(" WHERE ");
    set.condition(&mut statement);
    statement
}

/// Whether the row of `M` was recorded under `stamp` (see [`recorded_by`]).
pub(crate) fn recorded<'a, M, DB>(stamp: NaiveDateTime) -> Fragment<'a, DB>
where
    M: ModelOn<DB>,
    DB: SupportedBackend,
{
    recorded_by::<M, DB>(" = ", stamp)
}

/// Removes the entries under `stamp` of the rows of `revived`, a set of `M`'s rows a restore
/// just made live again: only those rows are read, not every live row of the table.
pub(crate) fn forget<M, DB>(stamp: NaiveDateTime, revived: &dyn RowSet<DB>) -> Statement<'_, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    delete_entries::<M, DB>(Some(stamp), |out| revived.condition(out))
}

/// `SELECT MAX(stamp)`: the stamp under which the flagged row `key_is` selects was last
/// recorded, if any.
pub(crate) fn last_stamp<M, DB>(key_is: Fragment<'_, DB>) -> Statement<'_, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement
        .sql("SELECT MAX(")
        .ident(STAMP)
        .sql(") FROM ")
        .ident(TABLE)
        .sql(" WHERE ");
    entries::<M, DB>(&mut statement, None);
    of_rows::<M, DB>(&mut statement, |out| {
        out.fragment(key_is);
    });
    statement
}

/// `SELECT MIN(stamp)`: the earliest stamp under which a flagged row of `set` was recorded, if
/// any: the delete a bulk restore undoes first.
pub(crate) fn first_stamp<M, DB>(set: &dyn RowSet<DB>) -> Statement<'_, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement
        .sql("SELECT MIN(")
        .ident(STAMP)
        .sql(") FROM ")
        .ident(TABLE)
        .sql(" WHERE ");
    entries::<M, DB>(&mut statement, None);
    of_rows::<M, DB>(&mut statement, |out| set.condition(out));
    statement
}

/// Whether the row of `M` was recorded before `cutoff` (see [`recorded_by`]): the flagged rows
/// of `M` old enough for a purge.
pub(crate) fn recorded_before<'a, M, DB>(cutoff: NaiveDateTime) -> Fragment<'a, DB>
where
    M: ModelOn<DB>,
    DB: SupportedBackend,
{
    recorded_by::<M, DB>(" < ", cutoff)
}

/// Removes the entries of the rows of `set`, before a purge deletes those rows.
pub(crate) fn forget_rows<M, DB>(set: &dyn RowSet<DB>) -> Statement<'_, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    delete_entries::<M, DB>(None, |out| set.condition(out))
}
