//! The flag ledger's statements for a model: record the rows one operation flags, find them
//! again by its stamp, forget them once revived or deleted for real. What the ledger is for:
//! [`crate::ledger`].

use chrono::NaiveDateTime;

use super::model::ModelOn;
use super::rowset::{RowSet, State};
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
    out.ident(TABLE_NAME)
        .sql(" = ")
        .fragment(DB::bind_text(M::TABLE));
    if let Some((comparison, stamp)) = stamp {
        out.sql(" AND ")
            .ident(STAMP)
            .sql(comparison)
            .fragment(DB::bind_stamp(stamp));
    }
}

/// ` AND "row_key" IN (SELECT CAST(<key> AS TEXT) FROM <M's table> WHERE <condition>)`: the
/// entries of the rows of `M` that `condition` pushes the condition of.
fn of_rows<'s, M, DB>(out: &mut Statement<'s, DB>, condition: impl FnOnce(&mut Statement<'s, DB>))
where
    M: ModelOn<DB>,
    DB: SupportedBackend,
{
    out.sql(" AND ").ident(ROW_KEY).sql(" IN (SELECT ");
    key_as_text::<M, DB>(out);
    out.sql(" FROM ").fragment(M::table()).sql(" WHERE ");
    condition(out);
    out.sql(")");
}

/// `CAST(key AS TEXT) IN (<keys recorded for M with a stamp <comparison> stamp>)`.
fn recorded_by<'a, M, DB>(comparison: &'static str, stamp: NaiveDateTime) -> Fragment<'a, DB>
where
    M: ModelOn<DB>,
    DB: SupportedBackend,
{
    let mut statement = Statement::new();
    key_as_text::<M, DB>(&mut statement);
    statement
        .sql(" IN (SELECT ")
        .ident(ROW_KEY)
        .sql(" FROM ")
        .ident(TABLE)
        .sql(" WHERE ");
    entries::<M, DB>(&mut statement, Some((comparison, stamp)));
    statement.sql(")");
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

/// `CAST(key AS TEXT) IN (<keys recorded for M under stamp>)`.
pub(crate) fn recorded<'a, M, DB>(stamp: NaiveDateTime) -> Fragment<'a, DB>
where
    M: ModelOn<DB>,
    DB: SupportedBackend,
{
    recorded_by::<M, DB>(" = ", stamp)
}

/// Removes the entries under `stamp` of rows of `M` that are live again.
pub(crate) fn forget<'s, M, DB>(stamp: NaiveDateTime) -> Statement<'s, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement.sql("DELETE FROM ").ident(TABLE).sql(" WHERE ");
    entries::<M, DB>(&mut statement, Some((" = ", stamp)));
    of_rows::<M, DB>(&mut statement, |out| {
        out.fragment(M::in_state(State::Live));
    });
    statement
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

/// `CAST(key AS TEXT) IN (<keys recorded for M before cutoff>)`: the flagged rows of `M` whose
/// recorded stamp is older than `cutoff`, for a purge.
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
    let mut statement = Statement::new();
    statement.sql("DELETE FROM ").ident(TABLE).sql(" WHERE ");
    entries::<M, DB>(&mut statement, None);
    of_rows::<M, DB>(&mut statement, |out| set.condition(out));
    statement
}
