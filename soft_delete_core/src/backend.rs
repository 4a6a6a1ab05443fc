//! A model's facts rendered for one backend, and the backends the engine supports.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::connection::LoadConnection;
use diesel::deserialize::FromSqlRow;
use diesel::expression::Expression;
use diesel::query_builder::QueryFragment;
use diesel::query_builder::QueryId;
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, HasSqlType, SingleValue, SqlType};
use diesel::{Column, QueryResult, RunQueryDsl};

use crate::cascade::{CascadeOn, ParentsOn, Phase, Walk};
use crate::ledger;
use crate::model::{
    Actor, ActorColumn, ActorOf, Flag, NoActor, SoftDelete, Stamp, Timestamp, Tombstone,
};
use crate::rowset::{RowSet, State};
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
pub trait SupportedBackend:
    Backend + sealed::Sealed + crate::audit::catalog::CatalogBackend + 'static
{
    /// The type to `CAST` a key to for comparison with the ledger's keys, and the collation
    /// that makes the comparison exact (MySQL compares text under a connection collation that
    /// may differ from the table's, case-insensitively by default).
    #[doc(hidden)]
    const TEXT_TYPE: &'static str;
    #[doc(hidden)]
    const TEXT_COLLATION: &'static str;

    /// The DDL of the [flag ledger](crate::ledger) on this backend.
    #[doc(hidden)]
    const LEDGER_DDL: &'static str;

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

    /// The column type of a timestamp tombstone in DDL.
    #[doc(hidden)]
    const TIMESTAMP_TYPE: &'static str;
    /// `FALSE` as this backend writes it in DDL.
    #[doc(hidden)]
    const FALSE_LITERAL: &'static str;
    /// Whether `CREATE INDEX ... WHERE` exists.
    #[doc(hidden)]
    const PARTIAL_INDEXES: bool;
    /// Whether `DELETE ... RETURNING` exists (MySQL has none; MariaDB's is not used, so the
    /// same code runs on MySQL).
    #[doc(hidden)]
    const DELETE_RETURNING: bool;
    /// Whether foreign keys are checked row by row within a statement (InnoDB), so one
    /// `DELETE` of a parent and its children in a self-referencing table fails.
    #[doc(hidden)]
    const ROW_BY_ROW_FOREIGN_KEYS: bool;

    /// An identifier quoted for this backend.
    #[doc(hidden)]
    fn quote_identifier(identifier: &str) -> String;

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

    /// A table's name as this backend renders it, without quotes.
    #[doc(hidden)]
    fn table_name<T: QueryFragment<Self> + Default>() -> String;

    /// Runs a query returning one `BIGINT` (a `COUNT(*)`).
    #[doc(hidden)]
    fn load_count<C>(conn: &mut C, query: Fragment<'_, Self>) -> QueryResult<i64>
    where
        C: LoadConnection<Backend = Self>;

    /// Runs a query returning one nullable `TIMESTAMP` column.
    #[doc(hidden)]
    fn load_stamps<C>(
        conn: &mut C,
        query: Fragment<'_, Self>,
    ) -> QueryResult<Vec<Option<NaiveDateTime>>>
    where
        C: LoadConnection<Backend = Self>;

    /// Runs a query returning one `BOOLEAN` column.
    #[doc(hidden)]
    fn load_flags<C>(conn: &mut C, query: Fragment<'_, Self>) -> QueryResult<Vec<bool>>
    where
        C: LoadConnection<Backend = Self>;
}

macro_rules! supported_backend {
    (
        $feature:literal,
        $backend:ty,
        text = ($text:literal, $collation:literal),
        lock = ($update:literal, $share:literal, $nested:literal),
        ddl = ($timestamp:literal, $false:literal, $partial:literal),
        returning = $returning:literal,
        row_by_row_keys = $row_by_row:literal,
        ledger = $ledger:expr
    ) => {
        #[cfg(feature = $feature)]
        impl sealed::Sealed for $backend {}

        #[cfg(feature = $feature)]
        impl SupportedBackend for $backend {
            const TEXT_TYPE: &'static str = $text;
            const TEXT_COLLATION: &'static str = $collation;
            const LEDGER_DDL: &'static str = $ledger;
            const FOR_UPDATE: &'static str = $update;
            const FOR_SHARE: &'static str = $share;
            const LOCK_IN_SUBQUERY: bool = $nested;
            const TIMESTAMP_TYPE: &'static str = $timestamp;
            const FALSE_LITERAL: &'static str = $false;
            const PARTIAL_INDEXES: bool = $partial;
            const DELETE_RETURNING: bool = $returning;
            const ROW_BY_ROW_FOREIGN_KEYS: bool = $row_by_row;

            fn quote_identifier(identifier: &str) -> String {
                crate::migration::quote_with::<Self>(identifier)
            }

            fn bind_stamp<'a>(stamp: NaiveDateTime) -> Fragment<'a, Self> {
                bind::<diesel::sql_types::Timestamp, _, Self>(stamp)
            }

            fn bind_text<'a>(text: &'static str) -> Fragment<'a, Self> {
                bind::<diesel::sql_types::Text, _, Self>(text)
            }

            fn bind_bool<'a>(value: bool) -> Fragment<'a, Self> {
                bind::<Bool, _, Self>(value)
            }

            fn bind_count<'a>(value: i64) -> Fragment<'a, Self> {
                bind::<BigInt, _, Self>(value)
            }

            fn table_name<T: QueryFragment<Self> + Default>() -> String {
                let rendered = diesel::debug_query::<Self, _>(&T::default()).to_string();
                let sql = rendered.split(" -- binds").next().unwrap_or(&rendered);
                sql.chars().filter(|c| !matches!(c, '"' | '`')).collect()
            }

            fn load_count<C>(conn: &mut C, query: Fragment<'_, Self>) -> QueryResult<i64>
            where
                C: LoadConnection<Backend = Self>,
            {
                let mut statement = Statement::new();
                statement.fragment(query);
                statement.returning::<BigInt>().get_result(conn)
            }

            fn load_stamps<C>(
                conn: &mut C,
                query: Fragment<'_, Self>,
            ) -> QueryResult<Vec<Option<NaiveDateTime>>>
            where
                C: LoadConnection<Backend = Self>,
            {
                let mut statement = Statement::new();
                statement.fragment(query);
                statement
                    .returning::<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>>()
                    .load(conn)
            }

            fn load_flags<C>(conn: &mut C, query: Fragment<'_, Self>) -> QueryResult<Vec<bool>>
            where
                C: LoadConnection<Backend = Self>,
            {
                let mut statement = Statement::new();
                statement.fragment(query);
                statement.returning::<Bool>().load(conn)
            }
        }
    };
}

/// The flag ledger in standard SQL, as SQLite and PostgreSQL take it.
const STANDARD_LEDGER_DDL: &str = "CREATE TABLE IF NOT EXISTS soft_delete_flag_stamps (
    table_name VARCHAR(128) NOT NULL,
    row_key VARCHAR(255) NOT NULL,
    stamp TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS soft_delete_flag_stamps_by_stamp
    ON soft_delete_flag_stamps (table_name, stamp);";

supported_backend!(
    "sqlite",
    diesel::sqlite::Sqlite,
    text = ("TEXT", ""),
    lock = ("", "", false),
    ddl = ("TIMESTAMP", "0", true),
    returning = true,
    row_by_row_keys = false,
    ledger = STANDARD_LEDGER_DDL
);
supported_backend!(
    "postgres",
    diesel::pg::Pg,
    text = ("TEXT", ""),
    lock = (" FOR UPDATE", " FOR SHARE", true),
    ddl = ("TIMESTAMP", "FALSE", true),
    returning = true,
    row_by_row_keys = false,
    ledger = STANDARD_LEDGER_DDL
);
supported_backend!(
    "mysql",
    diesel::mysql::Mysql,
    text = ("CHAR CHARACTER SET utf8mb4", " COLLATE utf8mb4_bin"),
    lock = (" FOR UPDATE", " LOCK IN SHARE MODE", false),
    ddl = ("DATETIME(6)", "FALSE", false),
    returning = false,
    row_by_row_keys = true,
    ledger = "CREATE TABLE IF NOT EXISTS soft_delete_flag_stamps (
    table_name VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    row_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    stamp DATETIME(6) NOT NULL,
    INDEX soft_delete_flag_stamps_by_stamp (table_name, stamp)
);"
);

/// One `column = value` of an `UPDATE`'s `SET` list.
#[doc(hidden)]
pub struct Assignment<'a, DB: Backend> {
    pub(crate) column: &'static str,
    pub(crate) value: Fragment<'a, DB>,
}

/// How a row stood when an operation looked it up by key.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// No row has the key.
    Missing,
    /// The row is live.
    Live,
    /// The row is tombstoned; the stamp, when the tombstone records one.
    Deleted(Option<NaiveDateTime>),
}

/// `column <comparison> value`, for the tombstone column `C`.
fn compare<'a, C, DB>(comparison: &'static str, value: Fragment<'a, DB>) -> Fragment<'a, DB>
where
    C: Column + Default + QueryFragment<DB> + 'static,
    DB: SupportedBackend,
{
    let mut statement = Statement::new();
    statement.push(C::default()).sql(comparison).fragment(value);
    Box::new(statement)
}

/// `SELECT column <from_where>`, reading the tombstone column `C`.
fn select_column<C, DB>(from_where: Fragment<'_, DB>) -> Statement<'_, DB>
where
    C: Column + Default + QueryFragment<DB> + 'static,
    DB: SupportedBackend,
{
    let mut statement = Statement::new();
    statement
        .sql("SELECT ")
        .push(C::default())
        .sql(" ")
        .fragment(from_where);
    statement
}

/// The values a tombstone takes, bound for `DB`.
#[doc(hidden)]
pub trait TombstoneOn<DB: SupportedBackend>: Tombstone {
    /// The value that marks a row deleted at `stamp`.
    fn deleted_value<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB>;
    /// The value of a live row.
    fn active_value<'a>() -> Fragment<'a, DB>;
    /// `deleted_at = stamp`, or `is_deleted = true`: the rows `stamp`'s operation may have set.
    fn set_at<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB>;
    /// `deleted_at < cutoff`; `None` for a flag, which records no time.
    fn before<'a>(cutoff: NaiveDateTime) -> Option<Fragment<'a, DB>>;
    /// Reads the tombstone of the rows `from_where` (`FROM table WHERE ...`) selects.
    fn find<C>(conn: &mut C, from_where: Fragment<'_, DB>) -> QueryResult<Found>
    where
        C: LoadConnection<Backend = DB>;
}

impl<DB, C, T> TombstoneOn<DB> for Timestamp<C, T>
where
    Self: Tombstone<Column = C>,
    DB: SupportedBackend + HasSqlType<C::SqlType>,
    C: Column + Default + QueryFragment<DB> + 'static,
    C::SqlType: SqlType + SingleValue + QueryId + 'static,
    T: Stamp + 'static,
    Option<T>: ToSql<C::SqlType, DB> + FromSqlRow<C::SqlType, DB> + 'static,
{
    fn deleted_value<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB> {
        bind::<C::SqlType, _, DB>(Some(T::from_utc_stamp(stamp)))
    }

    fn active_value<'a>() -> Fragment<'a, DB> {
        bind::<C::SqlType, Option<T>, DB>(None)
    }

    fn set_at<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB> {
        compare::<C, DB>(" = ", Self::deleted_value(stamp))
    }

    fn before<'a>(cutoff: NaiveDateTime) -> Option<Fragment<'a, DB>> {
        Some(compare::<C, DB>(" < ", Self::deleted_value(cutoff)))
    }

    fn find<Conn>(conn: &mut Conn, from_where: Fragment<'_, DB>) -> QueryResult<Found>
    where
        Conn: LoadConnection<Backend = DB>,
    {
        let statement = select_column::<C, DB>(from_where);
        let rows: Vec<Option<T>> = statement.returning::<C::SqlType>().load(conn)?;
        Ok(match rows.into_iter().next() {
            None => Found::Missing,
            Some(None) => Found::Live,
            Some(Some(stamp)) => Found::Deleted(Some(stamp.to_utc_stamp())),
        })
    }
}

impl<DB, C> TombstoneOn<DB> for Flag<C>
where
    Self: Tombstone<Column = C>,
    DB: SupportedBackend + HasSqlType<Bool>,
    C: Column + Default + QueryFragment<DB> + 'static,
    bool: ToSql<Bool, DB>,
{
    fn deleted_value<'a>(_stamp: NaiveDateTime) -> Fragment<'a, DB> {
        bind::<Bool, _, DB>(true)
    }

    fn active_value<'a>() -> Fragment<'a, DB> {
        bind::<Bool, _, DB>(false)
    }

    fn set_at<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB> {
        compare::<C, DB>(" = ", Self::deleted_value(stamp))
    }

    fn before<'a>(_cutoff: NaiveDateTime) -> Option<Fragment<'a, DB>> {
        None
    }

    fn find<Conn>(conn: &mut Conn, from_where: Fragment<'_, DB>) -> QueryResult<Found>
    where
        Conn: LoadConnection<Backend = DB>,
    {
        let statement = select_column::<C, DB>(from_where);
        let flags = DB::load_flags(conn, Box::new(statement))?;
        Ok(match flags.first() {
            None => Found::Missing,
            Some(false) => Found::Live,
            Some(true) => Found::Deleted(None),
        })
    }
}

/// Re-binds one operation's actor wherever a row of the cascade records an actor.
pub type ActorBinder<'a, DB> = Box<dyn Fn() -> Fragment<'a, DB> + 'a>;

/// The values an actor column takes, bound for `DB`.
#[doc(hidden)]
pub trait ActorOn<DB: Backend>: Actor {
    /// A binder for `actor`, the operation's actor, to write into every actor column.
    fn binder<'a>(actor: Self::Value) -> ActorBinder<'a, DB>;
    /// `deleted_by = <the operation's actor>`, or `= NULL` when it has none; nothing when the
    /// model records no actor.
    fn assignment<'a>(actor: Option<&ActorBinder<'a, DB>>) -> Option<Assignment<'a, DB>>;
}

impl<DB: Backend> ActorOn<DB> for NoActor {
    fn binder<'a>(actor: Self::Value) -> ActorBinder<'a, DB> {
        match actor {}
    }

    fn assignment<'a>(_actor: Option<&ActorBinder<'a, DB>>) -> Option<Assignment<'a, DB>> {
        None
    }
}

impl<DB, C, T> ActorOn<DB> for ActorColumn<C, T>
where
    DB: Backend + HasSqlType<C::SqlType>,
    C: Column + 'static,
    T: Clone + 'static,
    Option<T>: ToSql<C::SqlType, DB>,
{
    fn binder<'a>(actor: T) -> ActorBinder<'a, DB> {
        Box::new(move || bind::<C::SqlType, _, DB>(Some(actor.clone())))
    }

    fn assignment<'a>(actor: Option<&ActorBinder<'a, DB>>) -> Option<Assignment<'a, DB>> {
        Some(Assignment {
            column: C::NAME,
            value: actor.map_or_else(
                || bind::<C::SqlType, Option<T>, DB>(None),
                |binder| binder(),
            ),
        })
    }
}

/// A soft-deletable model whose columns and values can be written on backend `DB`: the
/// model's own facts, without its cascade (see [`SoftDeleteOn`]).
#[doc(hidden)]
pub trait ModelOn<DB: SupportedBackend>: SoftDelete {
    /// The table, for `FROM` and `UPDATE`.
    fn table<'a>() -> Fragment<'a, DB>;
    /// The key column, qualified.
    fn key<'a>() -> Fragment<'a, DB>;
    /// `key = id`.
    fn key_is<'a>(id: Self::Id) -> Fragment<'a, DB>;
    /// The rows in `state`: `deleted_at IS NULL`, `deleted_at = $stamp`, ...
    fn in_state<'a>(state: State) -> Fragment<'a, DB>;
    /// The tombstone column, qualified.
    fn tombstone<'a>() -> Fragment<'a, DB>;
    /// The earliest stamp among the rows of `set`, if it has a tombstoned row with a timestamp
    /// tombstone.
    fn first_stamp<C>(conn: &mut C, set: &dyn RowSet<DB>) -> QueryResult<Option<NaiveDateTime>>
    where
        C: LoadConnection<Backend = DB>;
    /// The `SET` list that tombstones a row at `stamp` on behalf of `actor`.
    fn set_deleted<'a>(
        stamp: NaiveDateTime,
        actor: Option<&ActorBinder<'a, DB>>,
    ) -> Vec<Assignment<'a, DB>>;
    /// The `SET` list that makes a row live again.
    fn set_active<'a>() -> Vec<Assignment<'a, DB>>;
    /// A binder for this model's actor type.
    fn actor<'a>(actor: ActorOf<Self>) -> ActorBinder<'a, DB>;
    /// How the row with key `id` stands, with its stamp when one is recorded: a locking read
    /// (`lock` is [`SupportedBackend::FOR_UPDATE`] or `FOR_SHARE`), so it waits for a concurrent
    /// operation on the row and sees its latest committed state whatever the transaction's
    /// snapshot.
    fn find<C>(conn: &mut C, id: Self::Id, lock: &'static str) -> QueryResult<Found>
    where
        C: LoadConnection<Backend = DB>;
    /// Runs a query returning keys of this model.
    fn load_keys<C>(conn: &mut C, query: Fragment<'_, DB>) -> QueryResult<Vec<Self::Id>>
    where
        C: LoadConnection<Backend = DB>;
    /// `key IN (ids...)`, every key bound.
    fn key_in<'a>(ids: Vec<Self::Id>) -> Fragment<'a, DB>;
    /// The tombstoned rows deleted before `cutoff`: by their timestamp, or for a flag by the
    /// stamp the [ledger](crate::ledger) recorded (none without the ledger).
    fn deleted_before<'a>(cutoff: NaiveDateTime) -> Fragment<'a, DB>;
}

type KeyType<M> = <<M as SoftDelete>::Key as Expression>::SqlType;

impl<M, DB> ModelOn<DB> for M
where
    M: SoftDelete,
    DB: SupportedBackend + HasSqlType<KeyType<M>>,
    M::Table: QueryFragment<DB>,
    M::Key: QueryFragment<DB>,
    KeyType<M>: SqlType + SingleValue + QueryId + 'static,
    M::Id: ToSql<KeyType<M>, DB> + FromSqlRow<KeyType<M>, DB> + 'static,
    M::Tombstone: TombstoneOn<DB>,
    <M::Tombstone as Tombstone>::Column: QueryFragment<DB> + 'static,
    <M::Tombstone as Tombstone>::IsActive: QueryFragment<DB> + 'static,
    <M::Tombstone as Tombstone>::IsDeleted: QueryFragment<DB> + 'static,
    M::Actor: ActorOn<DB>,
{
    fn table<'a>() -> Fragment<'a, DB> {
        Box::new(M::Table::default())
    }

    fn key<'a>() -> Fragment<'a, DB> {
        Box::new(M::Key::default())
    }

    fn key_is<'a>(id: M::Id) -> Fragment<'a, DB> {
        let mut statement = Statement::new();
        statement
            .push(M::Key::default())
            .sql(" = ")
            .fragment(bind::<KeyType<M>, _, DB>(id));
        Box::new(statement)
    }

    fn in_state<'a>(state: State) -> Fragment<'a, DB> {
        match state {
            State::Live => Box::new(<M::Tombstone as Tombstone>::is_active()),
            State::Deleted => Box::new(<M::Tombstone as Tombstone>::is_deleted()),
            State::At(stamp) if M::USES_LEDGER => {
                let mut statement = Statement::new();
                statement
                    .sql("(")
                    .fragment(<M::Tombstone as TombstoneOn<DB>>::set_at(stamp))
                    .sql(" AND ")
                    .fragment(ledger::recorded::<M, DB>(stamp))
                    .sql(")");
                Box::new(statement)
            }
            State::At(stamp) => <M::Tombstone as TombstoneOn<DB>>::set_at(stamp),
            // The same SQL as `scope::with_deleted`'s filter.
            State::Any => {
                let mut statement = Statement::new();
                statement
                    .sql("(")
                    .push(<M::Tombstone as Tombstone>::is_active())
                    .sql(" OR ")
                    .push(<M::Tombstone as Tombstone>::is_deleted())
                    .sql(")");
                Box::new(statement)
            }
        }
    }

    fn tombstone<'a>() -> Fragment<'a, DB> {
        Box::new(<M::Tombstone as Tombstone>::Column::default())
    }

    fn first_stamp<C>(conn: &mut C, set: &dyn RowSet<DB>) -> QueryResult<Option<NaiveDateTime>>
    where
        C: LoadConnection<Backend = DB>,
    {
        let mut from_where = Statement::new();
        from_where
            .sql("FROM ")
            .fragment(Self::table())
            .sql(" WHERE ");
        set.condition(&mut from_where);
        from_where
            .sql(" ORDER BY ")
            .fragment(Self::tombstone())
            .sql(" LIMIT 1");
        match <M::Tombstone as TombstoneOn<DB>>::find(conn, Box::new(from_where))? {
            Found::Deleted(stamp) => Ok(stamp),
            Found::Missing | Found::Live => Ok(None),
        }
    }

    fn set_deleted<'a>(
        stamp: NaiveDateTime,
        actor: Option<&ActorBinder<'a, DB>>,
    ) -> Vec<Assignment<'a, DB>> {
        let tombstone = Assignment {
            column: <M::Tombstone as Tombstone>::COLUMN,
            value: <M::Tombstone as TombstoneOn<DB>>::deleted_value(stamp),
        };
        core::iter::once(tombstone)
            .chain(<M::Actor as ActorOn<DB>>::assignment(actor))
            .collect()
    }

    fn set_active<'a>() -> Vec<Assignment<'a, DB>> {
        let tombstone = Assignment {
            column: <M::Tombstone as Tombstone>::COLUMN,
            value: <M::Tombstone as TombstoneOn<DB>>::active_value(),
        };
        core::iter::once(tombstone)
            .chain(<M::Actor as ActorOn<DB>>::assignment(None))
            .collect()
    }

    fn actor<'a>(actor: ActorOf<M>) -> ActorBinder<'a, DB> {
        <M::Actor as ActorOn<DB>>::binder(actor)
    }

    fn find<C>(conn: &mut C, id: M::Id, lock: &'static str) -> QueryResult<Found>
    where
        C: LoadConnection<Backend = DB>,
    {
        // `AND <any state>`: the lookup reads the row whatever its tombstone, and says so.
        let mut from_where = Statement::new();
        from_where
            .sql("FROM ")
            .fragment(Self::table())
            .sql(" WHERE ")
            .fragment(Self::key_is(id.clone()))
            .sql(" AND ")
            .fragment(Self::in_state(State::Any))
            .sql(lock);
        let found = <M::Tombstone as TombstoneOn<DB>>::find(conn, Box::new(from_where))?;
        if found == Found::Deleted(None) && M::USES_LEDGER {
            let mut key_is = Statement::new();
            key_is
                .fragment(Self::key_is(id))
                .sql(" AND ")
                .fragment(Self::in_state(State::Any));
            let stamp = ledger::last_stamp::<M, C>(conn, Box::new(key_is))?;
            return Ok(Found::Deleted(stamp));
        }
        Ok(found)
    }

    fn load_keys<C>(conn: &mut C, query: Fragment<'_, DB>) -> QueryResult<Vec<M::Id>>
    where
        C: LoadConnection<Backend = DB>,
    {
        let mut statement = Statement::new();
        statement.fragment(query);
        statement.returning::<KeyType<M>>().load(conn)
    }

    fn key_in<'a>(ids: Vec<M::Id>) -> Fragment<'a, DB> {
        let mut statement = Statement::new();
        statement.push(M::Key::default()).sql(" IN (");
        for (index, id) in ids.into_iter().enumerate() {
            if index > 0 {
                statement.sql(", ");
            }
            statement.fragment(bind::<KeyType<M>, _, DB>(id));
        }
        statement.sql(")");
        Box::new(statement)
    }

    fn deleted_before<'a>(cutoff: NaiveDateTime) -> Fragment<'a, DB> {
        if let Some(before) = <M::Tombstone as TombstoneOn<DB>>::before(cutoff) {
            return before;
        }
        let mut statement = Statement::new();
        statement
            .push(<M::Tombstone as Tombstone>::is_deleted())
            .sql(" AND ");
        if M::USES_LEDGER {
            statement.fragment(ledger::recorded_before::<M, DB>(cutoff));
        } else {
            statement.fragment(DB::bind_bool(false));
        }
        Box::new(statement)
    }
}

/// A soft-deletable model that can be soft deleted and restored, with its whole cascade, on
/// backend `DB`.
///
/// Implemented for every [`SoftDelete`] model whose key, tombstone and actor types match their
/// SQL types on `DB` and whose cascade edges and parents can run there; generic code names it
/// as a bound:
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::connection::LoadConnection;
/// use soft_delete_core::{SoftDeleteOn, SupportedBackend};
///
/// fn delete_any<M, C>(conn: &mut C, id: M::Id) -> soft_delete_core::Result<usize>
/// where
///     C: LoadConnection,
///     C::Backend: SupportedBackend,
///     M: SoftDeleteOn<C::Backend>,
/// {
///     Ok(soft_delete_core::ops::soft_delete::<M, C>(conn, id, None)?.total_rows())
/// }
/// # let conn = &mut fixture();
/// assert_eq!(delete_any::<Repo, _>(conn, 1).unwrap(), 1);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be soft deleted on the backend `{DB}`",
    note = "the key, tombstone and actor fields' Rust types must match their columns' SQL types on `{DB}`, every model of its cascade must too, and the backend's feature of soft_delete_core must be on"
)]
pub trait SoftDeleteOn<DB: SupportedBackend>: ModelOn<DB> {
    /// Runs `phase` of this model's cascade edges for the rows of `set`.
    #[doc(hidden)]
    fn cascade<C>(
        conn: &mut C,
        set: &dyn RowSet<DB>,
        walk: &mut Walk<'_, DB>,
        phase: Phase,
        trees: bool,
    ) -> crate::Result<()>
    where
        C: LoadConnection<Backend = DB>;

    /// [`Error::ParentDeleted`](crate::Error::ParentDeleted) if row `id` hangs off a
    /// tombstoned parent.
    #[doc(hidden)]
    fn check_parents<C>(conn: &mut C, id: &Self::Id) -> crate::Result<()>
    where
        C: LoadConnection<Backend = DB>;

    /// [`Error::Referenced`](crate::Error::Referenced) if a row that owns a row of `set`
    /// (through `#[cascade(Self(owned))]`) holds its key.
    #[doc(hidden)]
    fn refuse_owners<C>(conn: &mut C, set: &dyn RowSet<DB>) -> crate::Result<()>
    where
        C: LoadConnection<Backend = DB>;

    /// Narrows a restore at `stamp` to the rows no parent tombstoned by another operation
    /// still hides (see [`ParentOn::not_held`](crate::cascade::ParentOn::not_held)).
    #[doc(hidden)]
    fn not_held(out: &mut crate::sql::Statement<'_, DB>, stamp: NaiveDateTime, from: &'static str);
}

impl<M, DB> SoftDeleteOn<DB> for M
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
    M::Cascade: CascadeOn<M, DB>,
    M::Parents: ParentsOn<M, DB>,
{
    fn cascade<C>(
        conn: &mut C,
        set: &dyn RowSet<DB>,
        walk: &mut Walk<'_, DB>,
        phase: Phase,
        trees: bool,
    ) -> crate::Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        <M::Cascade as CascadeOn<M, DB>>::run(conn, set, walk, phase, trees)
    }

    fn check_parents<C>(conn: &mut C, id: &M::Id) -> crate::Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        <M::Parents as ParentsOn<M, DB>>::check(conn, id)
    }

    fn refuse_owners<C>(conn: &mut C, set: &dyn RowSet<DB>) -> crate::Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        <M::Parents as ParentsOn<M, DB>>::refuse_owners(conn, set)
    }

    fn not_held(out: &mut crate::sql::Statement<'_, DB>, stamp: NaiveDateTime, from: &'static str) {
        <M::Parents as ParentsOn<M, DB>>::not_held(out, stamp, from);
    }
}
