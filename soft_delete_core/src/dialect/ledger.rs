//! The flag ledger: when each boolean tombstone of a cascading model was set.
//!
//! A timestamp tombstone says when a row was deleted, so a restore can revive exactly the rows
//! whose stamp is its operation's. A boolean cannot: `true` is `true`, whoever set it. So for
//! flag models that take part in a cascade (see [`uses_ledger`](crate::model::uses_ledger)),
//! every row an operation flags is also written, in one statement per edge, to one side table
//! ([`TABLE`]): a row per flagged row, holding the model's table by its SQL name, the row's key
//! as text (unbounded: `TEXT`; PostgreSQL's index takes keys up to about 2,700 bytes, MySQL's
//! indexes their first 255 characters), and the operation's stamp, indexed by key, table and
//! stamp, so that every statement looks its rows up one by one and none needs the database's
//! statistics to be fast. The key leads the index: PostgreSQL uses a list of keys (`row_key =
//! ANY(...)`) as the index's condition only on a leading column, and on a ledger without
//! statistics planned a later one as a filter that searched the whole list for every entry of
//! the table (a restore of 100,000 flagged rows ran for minutes).
//! (A ledger made by an earlier release has another index, by table and key, or by table and
//! stamp, and keys of at most 255 characters: running [`create_table_sql`] again adds the new
//! index on SQLite and PostgreSQL, and the old one, `soft_delete_flag_stamps_by_row`, can be
//! dropped; `ALTER TABLE soft_delete_flag_stamps ALTER COLUMN row_key TYPE TEXT` lifts the
//! limit on PostgreSQL; on MySQL, `ALTER TABLE soft_delete_flag_stamps MODIFY row_key TEXT
//! CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, ADD INDEX soft_delete_flag_stamps_by_key
//! (row_key(255), table_name, stamp)`.) A restore revives
//! the flagged rows recorded under its stamp and removes their entries; a purge ages flagged
//! rows by their entries.
//!
//! This module describes that table once: its name, its columns, its index, and the DDL that
//! creates it on each backend. Create it with [`create_table_sql`] in a migration.
//!
//! ```
//! use diesel::{Connection, connection::SimpleConnection};
//!
//! let ddl = soft_delete_core::ledger::create_table_sql::<diesel::sqlite::Sqlite>();
//! assert!(ddl.starts_with("CREATE TABLE IF NOT EXISTS `soft_delete_flag_stamps`"));
//! for column in ["`table_name` VARCHAR(128)", "`row_key` TEXT", "`stamp` TIMESTAMP"] {
//!     assert!(ddl.contains(column), "{ddl}");
//! }
//! let conn = &mut diesel::SqliteConnection::establish(":memory:").unwrap();
//! conn.batch_execute(ddl).unwrap();
//! conn.batch_execute(ddl).unwrap(); // idempotent
//! ```

use std::fmt::Write as _;

use super::SupportedBackend;

/// The ledger table's name.
///
/// ```
/// assert_eq!(soft_delete_core::ledger::TABLE, "soft_delete_flag_stamps");
/// ```
pub const TABLE: &str = "soft_delete_flag_stamps";
/// The column holding the model's table, as named in the schema.
pub(crate) const TABLE_NAME: &str = "table_name";
/// The column holding the row's key, as text.
pub(crate) const ROW_KEY: &str = "row_key";
/// The column holding the stamp of the operation that flagged the row.
pub(crate) const STAMP: &str = "stamp";
/// The index every lookup of the ledger goes through: a row's entries by its key and table, and
/// of those the one of a stamp, or older than a cutoff.
const BY_KEY: &str = "soft_delete_flag_stamps_by_key";

/// The longest table name the ledger holds.
const TABLE_NAME_LENGTH: u16 = 128;

/// The DDL that creates the ledger table and its index on backend `DB`, idempotently: for
/// `up.sql`, or `batch_execute` before the first operation on a flag model that takes part in
/// a cascade.
///
/// ```
/// let ddl = soft_delete_core::ledger::create_table_sql::<diesel::sqlite::Sqlite>();
/// assert!(ddl.contains("CREATE INDEX IF NOT EXISTS `soft_delete_flag_stamps_by_key`"));
/// assert!(ddl.contains("(`row_key`, `table_name`, `stamp`)"));
/// ```
#[must_use]
pub fn create_table_sql<DB: SupportedBackend>() -> &'static str {
    DB::ledger_ddl()
}

/// The DDL that creates the ledger and its index on `DB`, idempotently.
pub(crate) fn ddl<DB: SupportedBackend>() -> String {
    let quote = DB::quote_identifier;
    let text = |length: u16| format!("VARCHAR({length}){}", DB::TEXT_CHARSET);
    let columns = [
        (TABLE_NAME, text(TABLE_NAME_LENGTH)),
        (ROW_KEY, format!("TEXT{}", DB::TEXT_CHARSET)),
        (STAMP, DB::TIMESTAMP_TYPE.to_owned()),
    ];
    let mut lines: Vec<String> = columns
        .iter()
        .map(|(name, sql_type)| format!("    {} {sql_type} NOT NULL", quote(name)))
        .collect();
    let index_columns = format!(
        "{}{}, {}, {}",
        quote(ROW_KEY),
        DB::TEXT_INDEX_PREFIX,
        quote(TABLE_NAME),
        quote(STAMP)
    );
    if !DB::CREATE_INDEX_IF_NOT_EXISTS {
        lines.push(format!("    INDEX {} ({index_columns})", quote(BY_KEY)));
    }
    let mut ddl = format!(
        "CREATE TABLE IF NOT EXISTS {} (\n{}\n);",
        quote(TABLE),
        lines.join(",\n")
    );
    if DB::CREATE_INDEX_IF_NOT_EXISTS {
        let _ = write!(
            ddl,
            "\nCREATE INDEX IF NOT EXISTS {}\n    ON {} ({index_columns});",
            quote(BY_KEY),
            quote(TABLE)
        );
    }
    ddl
}
