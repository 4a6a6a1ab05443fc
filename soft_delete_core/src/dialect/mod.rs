//! The backends the engine runs on, and what differs between them, answered once: identifier
//! quoting, locking clauses, DDL types, the flag ledger's DDL, the schema catalog.
//!
//! | module | what it holds |
//! |---|---|
//! | this one | [`SupportedBackend`]: the sealed trait of SQLite, PostgreSQL and MySQL/MariaDB |
//! | [`quote`] | identifiers quoted the way Diesel quotes them |
//! | [`ledger`] | the flag ledger's table: its one name, one schema, and DDL per backend |
//! | [`catalog`] | what a live database says about its own schema |

pub mod catalog;
pub mod ledger;
pub mod quote;

use core::future::Future;

use chrono::NaiveDateTime;
use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::query_builder::QueryFragment;
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, HasSqlType, Nullable, Text, Timestamp};

use crate::exec::Executor;
use crate::sql::{Fragment, Statement, bind};

mod sealed {
    pub trait Sealed {}
}

/// A Diesel backend the engine can run on: SQLite, PostgreSQL and MySQL/MariaDB, each behind
/// the feature of the same name.
///
/// The hidden items are the dialect: what differs between backends is answered here, once,
/// so the engine itself is written once.
///
/// ```
/// fn runs_on<DB: soft_delete_core::SupportedBackend>() {}
/// runs_on::<diesel::sqlite::Sqlite>();
/// ```
#[diagnostic::on_unimplemented(
    message = "soft_delete_core does not support the backend `{Self}`",
    note = "enable the `sqlite`, `postgres` or `mysql` feature of soft_delete_core for the backend you use"
)]
pub trait SupportedBackend: Backend + sealed::Sealed + catalog::CatalogBackend + 'static {
    /// The type to `CAST` a key to for comparison with the ledger's keys, and the collation
    /// that makes the comparison exact (MySQL compares text under a connection collation that
    /// may differ from the table's, case-insensitively by default).
    #[doc(hidden)]
    const TEXT_TYPE: &'static str;
    #[doc(hidden)]
    const TEXT_COLLATION: &'static str;
    /// What a text column of the ledger adds to its type so its comparisons are exact.
    #[doc(hidden)]
    const TEXT_CHARSET: &'static str;
    /// How much of an unbounded text column an index may cover: `(255)` where the database
    /// indexes a prefix of a long text (MySQL), empty where it indexes the whole value.
    #[doc(hidden)]
    const TEXT_INDEX_PREFIX: &'static str;

    /// The clause that locks selected rows against writers until the transaction ends, and the
    /// one that locks them against other lockers but lets readers through; empty where the
    /// database locks as a whole (SQLite).
    #[doc(hidden)]
    const FOR_UPDATE: &'static str;
    #[doc(hidden)]
    const FOR_SHARE: &'static str;
    /// Whether a locking clause must sit in a subquery when the query counts (PostgreSQL
    /// refuses `FOR UPDATE` next to an aggregate).
    #[doc(hidden)]
    const LOCK_IN_SUBQUERY: bool;
    /// Whether a writing transaction must open with a write, so that it takes the database's
    /// write lock at once, through the busy handler (SQLite: a transaction that has read
    /// cannot wait for the write lock, and fails with `database is locked`).
    #[doc(hidden)]
    const CLAIM_WRITES_FIRST: bool;

    /// The column type of a timestamp tombstone in DDL.
    #[doc(hidden)]
    const TIMESTAMP_TYPE: &'static str;
    /// `FALSE` as this backend writes it in DDL.
    #[doc(hidden)]
    const FALSE_LITERAL: &'static str;
    /// Whether `CREATE INDEX ... WHERE` exists.
    #[doc(hidden)]
    const PARTIAL_INDEXES: bool;
    /// Whether `CREATE INDEX IF NOT EXISTS` exists (MySQL has none: an index is declared in
    /// its table's `CREATE TABLE`).
    #[doc(hidden)]
    const CREATE_INDEX_IF_NOT_EXISTS: bool;
    /// Whether a unique key may be a table constraint that only `ALTER TABLE ... DROP
    /// CONSTRAINT` removes (PostgreSQL; MySQL's are indexes, SQLite's cannot be dropped).
    #[doc(hidden)]
    const UNIQUE_CONSTRAINTS: bool;
    /// Whether `DROP INDEX` names the index's table (`DROP INDEX i ON t`: MySQL).
    #[doc(hidden)]
    const DROP_INDEX_ON_TABLE: bool;
    /// Whether `DELETE ... RETURNING` exists (MySQL has none; MariaDB's is not used, so the
    /// same code runs on MySQL).
    #[doc(hidden)]
    const DELETE_RETURNING: bool;
    /// Whether an `UPDATE` or `DELETE` driven by another table's rows must join them: MariaDB
    /// before 11.1 and MySQL before 8.0.21 run `UPDATE ... WHERE x IN (subquery)` as a
    /// subquery per row of the whole table, so a soft delete of one repo's 100 comments read
    /// all 1,000,000 comments of the table (2.6 s); joined, the optimizer starts from the
    /// parent rows (0.7 ms). A cascade over most of a table pays for it: the join reads the
    /// children through their index instead of in one scan (7 s against 5.4 s for 1,000,000
    /// comments).
    #[doc(hidden)]
    const JOIN_IN_WRITES: bool;
    /// Whether a set of keys another statement reads is best given as `= ANY(ARRAY(subquery))`
    /// (PostgreSQL): the subquery runs once, before the statement, and its keys are looked up
    /// through the index whatever the planner estimates. As `IN (subquery)`, a table without
    /// statistics (one just filled, before autovacuum reached it) can be planned as a nested
    /// loop that runs the whole subquery again for every row, quadratic in the rows. Used for
    /// the ledger's entries, for the children of rows named by key (`RowSet::by_keys`) and for
    /// a purge batch's children (`Linked::keys_first`): sets known to be small next to their
    /// table.
    #[doc(hidden)]
    const KEYS_AS_ARRAY: bool;
    /// Whether foreign keys are checked row by row within a statement (InnoDB), so one
    /// `DELETE` of a parent and its children in a self-referencing table fails.
    #[doc(hidden)]
    const ROW_BY_ROW_FOREIGN_KEYS: bool;

    /// An identifier quoted for this backend.
    #[doc(hidden)]
    fn quote_identifier(identifier: &str) -> String;

    /// The DDL of the [flag ledger](crate::ledger) on this backend, written once per process.
    #[doc(hidden)]
    fn ledger_ddl() -> &'static str;

    /// A timestamp bound as the SQL type `Timestamp`.
    #[doc(hidden)]
    fn bind_stamp<'a>(stamp: NaiveDateTime) -> Fragment<'a, Self>;

    /// Text bound as the SQL type `Text`.
    #[doc(hidden)]
    fn bind_text<'a>(text: &'static str) -> Fragment<'a, Self>;

    /// A boolean bound as the SQL type `Bool`.
    #[doc(hidden)]
    fn bind_bool<'a>(value: bool) -> Fragment<'a, Self>;

    /// A count (a `LIMIT`) bound as the SQL type `BigInt`.
    #[doc(hidden)]
    fn bind_count<'a>(value: i64) -> Fragment<'a, Self>;

    /// `values` of SQL type `ST` (not empty) as what follows the column compared with them:
    /// ` IN ($1, $2, ...)`, or on PostgreSQL ` = ANY($1)`, bound as one array, so that the
    /// statement's text and its one parameter are the same however many values there are.
    #[doc(hidden)]
    fn among<'a, ST, T>(values: Vec<T>) -> Fragment<'a, Self>
    where
        Self: HasSqlType<ST>,
        ST: 'static,
        T: ToSql<ST, Self> + core::fmt::Debug + Send + Sync + 'static;

    /// A table's name as this backend renders it, without quotes.
    #[doc(hidden)]
    fn table_name<T: QueryFragment<Self> + Default>() -> String;

    /// Runs a query returning one `BIGINT` (a `COUNT(*)`).
    #[doc(hidden)]
    fn count<X: Executor<Backend = Self>>(
        x: &mut X,
        query: Statement<'_, Self>,
    ) -> impl Future<Output = QueryResult<i64>>;

    /// Runs a query returning one nullable `TIMESTAMP` column.
    #[doc(hidden)]
    fn stamps<X: Executor<Backend = Self>>(
        x: &mut X,
        query: Statement<'_, Self>,
    ) -> impl Future<Output = QueryResult<Vec<Option<NaiveDateTime>>>>;

    /// Runs a query returning one `BOOLEAN` column.
    #[doc(hidden)]
    fn flags<X: Executor<Backend = Self>>(
        x: &mut X,
        query: Statement<'_, Self>,
    ) -> impl Future<Output = QueryResult<Vec<bool>>>;
}

/// ` IN ($1, $2, ...)`: [`SupportedBackend::among`] with each value bound on its own.
#[cfg(any(feature = "sqlite", feature = "mysql"))]
fn each_bound<'a, ST, T, DB>(values: Vec<T>) -> Fragment<'a, DB>
where
    DB: SupportedBackend + HasSqlType<ST>,
    ST: 'static,
    T: ToSql<ST, DB> + Send + Sync + 'static,
{
    let mut statement = Statement::new();
    statement.sql(" IN ");
    crate::sql::list(&mut statement, values, |out, value| {
        out.fragment(bind::<ST, _, DB>(value));
    });
    Box::new(statement)
}

/// ` = ANY($1)`: [`SupportedBackend::among`] with the values bound as one PostgreSQL array.
#[cfg(feature = "postgres")]
fn one_array<'a, ST, T>(values: Vec<T>) -> Fragment<'a, diesel::pg::Pg>
where
    diesel::pg::Pg: HasSqlType<ST>,
    ST: 'static,
    T: ToSql<ST, diesel::pg::Pg> + core::fmt::Debug + Send + Sync + 'static,
{
    let mut statement = Statement::new();
    statement
        .sql(" = ANY(")
        .fragment(bind::<diesel::sql_types::Array<ST>, _, _>(values))
        .sql(")");
    Box::new(statement)
}

macro_rules! supported_backend {
    (
        $feature:literal,
        $backend:ty,
        text = ($text:literal, $collation:literal, $charset:literal, $prefix:literal),
        lock = ($update:literal, $share:literal, $nested:literal, $claim:literal),
        ddl = (
            $timestamp:literal,
            $false:literal,
            $partial:literal,
            $if_not_exists:literal,
            $constraints:literal,
            $drop_on:literal
        ),
        returning = $returning:literal,
        join_in_writes = $joins:literal,
        keys_as_array = $array:literal,
        row_by_row_keys = $row_by_row:literal,
        among = $among:path
    ) => {
        #[cfg(feature = $feature)]
        impl sealed::Sealed for $backend {}

        #[cfg(feature = $feature)]
        impl SupportedBackend for $backend {
            const TEXT_TYPE: &'static str = $text;
            const TEXT_COLLATION: &'static str = $collation;
            const TEXT_CHARSET: &'static str = $charset;
            const TEXT_INDEX_PREFIX: &'static str = $prefix;
            const FOR_UPDATE: &'static str = $update;
            const FOR_SHARE: &'static str = $share;
            const LOCK_IN_SUBQUERY: bool = $nested;
            const CLAIM_WRITES_FIRST: bool = $claim;
            const TIMESTAMP_TYPE: &'static str = $timestamp;
            const FALSE_LITERAL: &'static str = $false;
            const PARTIAL_INDEXES: bool = $partial;
            const CREATE_INDEX_IF_NOT_EXISTS: bool = $if_not_exists;
            const UNIQUE_CONSTRAINTS: bool = $constraints;
            const DROP_INDEX_ON_TABLE: bool = $drop_on;
            const DELETE_RETURNING: bool = $returning;
            const JOIN_IN_WRITES: bool = $joins;
            const KEYS_AS_ARRAY: bool = $array;
            const ROW_BY_ROW_FOREIGN_KEYS: bool = $row_by_row;

            fn quote_identifier(identifier: &str) -> String {
                quote::quote_with::<Self>(identifier)
            }

            fn ledger_ddl() -> &'static str {
                static DDL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                DDL.get_or_init(ledger::ddl::<Self>)
            }

            fn bind_stamp<'a>(stamp: NaiveDateTime) -> Fragment<'a, Self> {
                bind::<Timestamp, _, Self>(stamp)
            }

            fn bind_text<'a>(text: &'static str) -> Fragment<'a, Self> {
                bind::<Text, _, Self>(text)
            }

            fn bind_bool<'a>(value: bool) -> Fragment<'a, Self> {
                bind::<Bool, _, Self>(value)
            }

            fn bind_count<'a>(value: i64) -> Fragment<'a, Self> {
                bind::<BigInt, _, Self>(value)
            }

            fn among<'a, ST, T>(values: Vec<T>) -> Fragment<'a, Self>
            where
                Self: HasSqlType<ST>,
                ST: 'static,
                T: ToSql<ST, Self> + core::fmt::Debug + Send + Sync + 'static,
            {
                $among(values)
            }

            fn table_name<T: QueryFragment<Self> + Default>() -> String {
                let rendered = diesel::debug_query::<Self, _>(&T::default()).to_string();
                let sql = rendered.split(" -- binds").next().unwrap_or(&rendered);
                sql.chars().filter(|c| !matches!(c, '"' | '`')).collect()
            }

            async fn count<X: Executor<Backend = Self>>(
                x: &mut X,
                query: Statement<'_, Self>,
            ) -> QueryResult<i64> {
                let counts: Vec<i64> = x.load(query.returning::<BigInt>()).await?;
                Ok(counts.into_iter().next().unwrap_or(0))
            }

            async fn stamps<X: Executor<Backend = Self>>(
                x: &mut X,
                query: Statement<'_, Self>,
            ) -> QueryResult<Vec<Option<NaiveDateTime>>> {
                x.load(query.returning::<Nullable<Timestamp>>()).await
            }

            async fn flags<X: Executor<Backend = Self>>(
                x: &mut X,
                query: Statement<'_, Self>,
            ) -> QueryResult<Vec<bool>> {
                x.load(query.returning::<Bool>()).await
            }
        }
    };
}

supported_backend!(
    "sqlite",
    diesel::sqlite::Sqlite,
    text = ("TEXT", "", "", ""),
    lock = ("", "", false, true),
    ddl = ("TIMESTAMP", "0", true, true, false, false),
    returning = true,
    join_in_writes = false,
    keys_as_array = false,
    row_by_row_keys = false,
    among = each_bound
);
supported_backend!(
    "postgres",
    diesel::pg::Pg,
    text = ("TEXT", "", "", ""),
    lock = (" FOR UPDATE", " FOR SHARE", true, false),
    ddl = ("TIMESTAMP", "FALSE", true, true, true, false),
    returning = true,
    join_in_writes = false,
    keys_as_array = true,
    row_by_row_keys = false,
    among = one_array
);
supported_backend!(
    "mysql",
    diesel::mysql::Mysql,
    text = (
        "CHAR CHARACTER SET utf8mb4",
        " COLLATE utf8mb4_bin",
        " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        "(255)"
    ),
    lock = (" FOR UPDATE", " LOCK IN SHARE MODE", false, false),
    ddl = ("DATETIME(6)", "FALSE", false, false, false, true),
    returning = false,
    join_in_writes = true,
    keys_as_array = false,
    row_by_row_keys = true,
    among = each_bound
);
