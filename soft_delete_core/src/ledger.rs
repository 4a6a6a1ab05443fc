//! The flag ledger: when each boolean tombstone of a cascading model was set.
//!
//! A timestamp tombstone says when a row was deleted, so a restore can revive exactly the rows
//! whose stamp is its operation's. A boolean cannot: `true` is `true`, whoever set it. So for
//! flag models that take part in a cascade (see [`SoftDelete::USES_LEDGER`](crate::SoftDelete)),
//! every row an operation flags is written, in the same statement count, to one side table:
//!
//! ```sql
//! CREATE TABLE soft_delete_flag_stamps (
//!     table_name VARCHAR(128) NOT NULL,   -- the model's table, as named in the schema
//!     row_key    VARCHAR(255) NOT NULL,   -- the row's key, as text
//!     stamp      TIMESTAMP    NOT NULL    -- the operation's stamp (DATETIME(6) on MySQL)
//! );
//! CREATE INDEX soft_delete_flag_stamps_by_stamp ON soft_delete_flag_stamps (table_name, stamp);
//! ```
//!
//! A restore revives the flagged rows recorded under its stamp and removes their entries.
//! Create the table with [`create_table_sql`] in a migration.
//!
//! ```
//! let sql = soft_delete_core::ledger::create_table_sql::<diesel::sqlite::Sqlite>();
//! assert!(sql.contains("CREATE TABLE IF NOT EXISTS soft_delete_flag_stamps"));
//! ```

use chrono::NaiveDateTime;
use diesel::connection::LoadConnection;
use diesel::{QueryResult, RunQueryDsl};

use crate::backend::{ModelOn, SupportedBackend};
use crate::rowset::RowSet;
use crate::sql::{Fragment, Statement};

/// The ledger table's name.
///
/// ```
/// assert_eq!(soft_delete_core::ledger::TABLE, "soft_delete_flag_stamps");
/// ```
pub const TABLE: &str = "soft_delete_flag_stamps";
const TABLE_NAME: &str = "table_name";
const ROW_KEY: &str = "row_key";
const STAMP: &str = "stamp";

/// The DDL that creates the ledger table and its index on backend `DB`, idempotently.
///
/// ```
/// use diesel::{Connection, connection::SimpleConnection};
///
/// let conn = &mut diesel::SqliteConnection::establish(":memory:").unwrap();
/// let ddl = soft_delete_core::ledger::create_table_sql::<diesel::sqlite::Sqlite>();
/// conn.batch_execute(ddl).unwrap();
/// conn.batch_execute(ddl).unwrap(); // idempotent
/// ```
#[must_use]
pub fn create_table_sql<DB: SupportedBackend>() -> &'static str {
    DB::LEDGER_DDL
}

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
pub(crate) fn record<M, C>(
    conn: &mut C,
    set: &dyn RowSet<C::Backend>,
    stamp: NaiveDateTime,
) -> QueryResult<usize>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: ModelOn<C::Backend>,
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
        .fragment(<C::Backend as SupportedBackend>::bind_text(M::TABLE))
        .sql(", ");
    key_as_text::<M, C::Backend>(&mut statement);
    statement
        .sql(", ")
        .fragment(<C::Backend as SupportedBackend>::bind_stamp(stamp))
        .sql(" FROM ")
        .fragment(M::table())
        .sql(" WHERE ");
    set.condition(&mut statement);
    statement.execute(conn)
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
pub(crate) fn forget<M, C>(conn: &mut C, stamp: NaiveDateTime) -> QueryResult<usize>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: ModelOn<C::Backend>,
{
    let mut statement = Statement::new();
    statement.sql("DELETE FROM ").ident(TABLE).sql(" WHERE ");
    entries::<M, C::Backend>(&mut statement, Some((" = ", stamp)));
    of_rows::<M, C::Backend>(&mut statement, |out| {
        out.fragment(M::in_state(crate::rowset::State::Live));
    });
    statement.execute(conn)
}

/// The stamp under which the flagged row `key_is` selects was last recorded, if any.
pub(crate) fn last_stamp<M, C>(
    conn: &mut C,
    key_is: Fragment<'_, C::Backend>,
) -> QueryResult<Option<NaiveDateTime>>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: ModelOn<C::Backend>,
{
    let mut statement = Statement::new();
    statement
        .sql("SELECT MAX(")
        .ident(STAMP)
        .sql(") FROM ")
        .ident(TABLE)
        .sql(" WHERE ");
    entries::<M, C::Backend>(&mut statement, None);
    of_rows::<M, C::Backend>(&mut statement, |out| {
        out.fragment(key_is);
    });
    let stamps = <C::Backend as SupportedBackend>::load_stamps(conn, Box::new(statement))?;
    Ok(stamps.into_iter().next().flatten())
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
pub(crate) fn forget_rows<M, C>(conn: &mut C, set: &dyn RowSet<C::Backend>) -> QueryResult<usize>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: ModelOn<C::Backend>,
{
    let mut statement = Statement::new();
    statement.sql("DELETE FROM ").ident(TABLE).sql(" WHERE ");
    entries::<M, C::Backend>(&mut statement, None);
    of_rows::<M, C::Backend>(&mut statement, |out| set.condition(out));
    statement.execute(conn)
}
