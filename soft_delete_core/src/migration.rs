//! DDL for migrations: tombstone and actor columns, and unique keys that ignore tombstoned rows.
//!
//! A unique key on a soft-deletable table must not count tombstones, or deleting `shop` leaves
//! the subdomain taken forever (seed 000). PostgreSQL and SQLite have partial indexes for this;
//! MySQL and MariaDB do not, so there the key gains a generated column that is `1` while the row
//! is live and `NULL` once it is tombstoned, and the unique index covers it (`NULL`s never
//! collide). Each function returns SQL for `up.sql` (or `diesel_migrations`), with every
//! identifier quoted for the backend.
//!
//! ```
//! use diesel::sqlite::Sqlite;
//! use soft_delete_core::migration::{Tombstone, unique_while_live};
//!
//! let tombstone = Tombstone::Timestamp("deleted_at");
//! assert_eq!(
//!     unique_while_live::<Sqlite>("stores_live_subdomain", "stores", &["subdomain"], tombstone),
//!     "CREATE UNIQUE INDEX `stores_live_subdomain` ON `stores` (`subdomain`) WHERE `deleted_at` IS NULL;",
//! );
//! ```
//!
//! The same call on PostgreSQL:
//!
//! ```sql
//! CREATE UNIQUE INDEX "stores_live_subdomain" ON "stores" ("subdomain") WHERE "deleted_at" IS NULL;
//! ```
//!
//! and on MySQL/MariaDB:
//!
//! ```sql
//! ALTER TABLE `stores`
//!     ADD COLUMN `stores_live_subdomain_live` TINYINT AS (CASE WHEN `deleted_at` IS NULL THEN 1 END) STORED,
//!     ADD UNIQUE INDEX `stores_live_subdomain` (`subdomain`, `stores_live_subdomain_live`);
//! ```

use crate::dialect::SupportedBackend;
use crate::model::{Model, TombstoneKind};

/// A tombstone column, by kind and name.
///
/// ```
/// use soft_delete_core::migration::Tombstone;
///
/// assert_ne!(Tombstone::Timestamp("deleted_at"), Tombstone::Flag("deleted_at"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tombstone<'a> {
    /// A nullable timestamp: `NULL` while live.
    Timestamp(&'a str),
    /// A boolean: `false` while live.
    Flag(&'a str),
}

impl Tombstone<'static> {
    /// The tombstone of model `M`.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::migration::Tombstone;
    ///
    /// assert_eq!(Tombstone::of::<Repo>(), Tombstone::Timestamp("deleted_at"));
    /// assert_eq!(Tombstone::of::<IssueComment>(), Tombstone::Flag("is_deleted"));
    /// ```
    #[must_use]
    pub fn of<M: Model>() -> Self {
        let column = <M::Tombstone as crate::model::Tombstone>::COLUMN;
        match <M::Tombstone as crate::model::Tombstone>::KIND {
            TombstoneKind::Timestamp => Tombstone::Timestamp(column),
            TombstoneKind::Flag => Tombstone::Flag(column),
        }
    }
}

impl<'a> Tombstone<'a> {
    fn column(self) -> &'a str {
        match self {
            Tombstone::Timestamp(column) | Tombstone::Flag(column) => column,
        }
    }

    /// `"deleted_at" IS NULL` or `"is_deleted" = FALSE`, for this backend.
    fn live<DB: SupportedBackend>(self) -> String {
        let column = quote::<DB>(self.column());
        match self {
            Tombstone::Timestamp(_) => format!("{column} IS NULL"),
            Tombstone::Flag(_) => format!("{column} = {}", DB::FALSE_LITERAL),
        }
    }
}

/// An identifier quoted the way Diesel quotes it on `DB`.
fn quote<DB: SupportedBackend>(identifier: &str) -> String {
    DB::quote_identifier(identifier)
}

fn quote_all<DB: SupportedBackend>(identifiers: &[&str]) -> String {
    identifiers
        .iter()
        .map(|identifier| quote::<DB>(identifier))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds a tombstone column (and an index on it) to an existing table.
///
/// ```
/// use soft_delete_core::migration::{Tombstone, add_tombstone};
///
/// assert_eq!(
///     add_tombstone::<diesel::sqlite::Sqlite>("repos", Tombstone::Timestamp("deleted_at")),
///     "ALTER TABLE `repos` ADD COLUMN `deleted_at` TIMESTAMP NULL;\n\
///      CREATE INDEX `repos_deleted_at_idx` ON `repos` (`deleted_at`);",
/// );
/// ```
#[must_use]
pub fn add_tombstone<DB: SupportedBackend>(table: &str, tombstone: Tombstone<'_>) -> String {
    let column = tombstone.column();
    let definition = match tombstone {
        Tombstone::Timestamp(_) => format!("{} NULL", DB::TIMESTAMP_TYPE),
        Tombstone::Flag(_) => format!("BOOLEAN NOT NULL DEFAULT {}", DB::FALSE_LITERAL),
    };
    format!(
        "ALTER TABLE {table} ADD COLUMN {column} {definition};\nCREATE INDEX {index} ON {table} ({column});",
        table = quote::<DB>(table),
        column = quote::<DB>(column),
        index = quote::<DB>(&format!("{table}_{column}_idx")),
    )
}

/// Adds a nullable actor column of SQL type `sql_type` (`INTEGER`, `BIGINT`, `TEXT`, ...).
///
/// ```
/// use soft_delete_core::migration::add_actor;
///
/// assert_eq!(
///     add_actor::<diesel::sqlite::Sqlite>("repos", "deleted_by", "INTEGER"),
///     "ALTER TABLE `repos` ADD COLUMN `deleted_by` INTEGER NULL;",
/// );
/// ```
#[must_use]
pub fn add_actor<DB: SupportedBackend>(table: &str, column: &str, sql_type: &str) -> String {
    format!(
        "ALTER TABLE {} ADD COLUMN {} {sql_type} NULL;",
        quote::<DB>(table),
        quote::<DB>(column)
    )
}

/// A unique key over `columns` that only live rows hold: a partial unique index where the
/// backend has them, a generated column and a unique index on MySQL/MariaDB. See the
/// [module docs](self) for the SQL on each backend.
///
/// ```
/// use soft_delete_core::migration::{Tombstone, unique_while_live};
///
/// let sql = unique_while_live::<diesel::sqlite::Sqlite>("tags_live_name", "tags", &["name"], Tombstone::Flag("is_deleted"));
/// assert!(sql.ends_with("WHERE `is_deleted` = 0;"));
/// ```
#[must_use]
pub fn unique_while_live<DB: SupportedBackend>(
    index: &str,
    table: &str,
    columns: &[&str],
    tombstone: Tombstone<'_>,
) -> String {
    if DB::PARTIAL_INDEXES {
        return format!(
            "CREATE UNIQUE INDEX {} ON {} ({}) WHERE {};",
            quote::<DB>(index),
            quote::<DB>(table),
            quote_all::<DB>(columns),
            tombstone.live::<DB>(),
        );
    }
    let live = format!("{index}_live");
    let mut covered = columns.to_vec();
    covered.push(&live);
    format!(
        "ALTER TABLE {}\n    ADD COLUMN {} TINYINT AS (CASE WHEN {} THEN 1 END) STORED,\n    ADD UNIQUE INDEX {} ({});",
        quote::<DB>(table),
        quote::<DB>(&live),
        tombstone.live::<DB>(),
        quote::<DB>(index),
        quote_all::<DB>(&covered),
    )
}

/// Undoes [`unique_while_live`], for `down.sql`.
///
/// ```
/// use soft_delete_core::migration::drop_unique_while_live;
///
/// assert_eq!(
///     drop_unique_while_live::<diesel::sqlite::Sqlite>("stores_live_subdomain", "stores"),
///     "DROP INDEX `stores_live_subdomain`;",
/// );
/// ```
#[must_use]
pub fn drop_unique_while_live<DB: SupportedBackend>(index: &str, table: &str) -> String {
    if DB::PARTIAL_INDEXES {
        return format!("DROP INDEX {};", quote::<DB>(index));
    }
    format!(
        "ALTER TABLE {} DROP INDEX {}, DROP COLUMN {};",
        quote::<DB>(table),
        quote::<DB>(index),
        quote::<DB>(&format!("{index}_live")),
    )
}
