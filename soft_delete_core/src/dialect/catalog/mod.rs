//! What a live database says about its own schema: tables, columns, foreign keys and indexes.
//!
//! [`read`] asks the database's own catalog (SQLite's `pragma_*` functions, PostgreSQL's
//! `pg_catalog` in `current_schema()`, MySQL's and MariaDB's `information_schema` in
//! `DATABASE()`) and returns a plain [`Catalog`] the [audit](super) and the purge code read.
//! The crate's own [ledger](crate::ledger) table and SQLite's internal `sqlite_*` tables are
//! left out.
//!
//! ```
//! use diesel::connection::SimpleConnection;
//! use diesel::prelude::*;
//! use soft_delete_core::audit::catalog::{self, FkAction};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let conn = &mut SqliteConnection::establish(":memory:")?;
//! conn.batch_execute(
//!     "CREATE TABLE repos (id INTEGER PRIMARY KEY, slug TEXT NOT NULL, deleted_at TIMESTAMP);
//!      CREATE UNIQUE INDEX repos_live_slug ON repos (slug) WHERE deleted_at IS NULL;
//!      CREATE TABLE issues (id INTEGER PRIMARY KEY,
//!                           repo_id INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE);",
//! )?;
//!
//! let catalog = catalog::read(conn)?;
//! let repos = catalog.table("REPOS").expect("names compare case-insensitively");
//! assert!(repos.column("deleted_at").unwrap().nullable);
//! let index = repos.index("repos_live_slug").unwrap();
//! assert_eq!((index.unique, index.predicate.as_deref()), (true, Some("deleted_at IS NULL")));
//!
//! let fk = catalog.references_to("repos").next().unwrap();
//! assert_eq!((fk.table.as_str(), fk.columns.as_slice()), ("issues", &["repo_id".to_owned()][..]));
//! assert_eq!(fk.on_delete, FkAction::Cascade);
//! # Ok(())
//! # }
//! ```

#[cfg(any(feature = "postgres", feature = "mysql"))]
mod server;
#[cfg(feature = "sqlite")]
mod sqlite;

use core::future::Future;

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::connection::LoadConnection;

use crate::dialect::SupportedBackend;
use crate::exec::{Blocking, Executor, block_on};

/// A database schema as [`read`] found it: its tables, ordered by name.
///
/// ```
/// use soft_delete_core::audit::catalog::{Catalog, Table};
///
/// let catalog = Catalog { tables: vec![Table::new("Repos")] };
/// assert!(catalog.table("repos").is_some());
/// assert_eq!(catalog.references_to("repos").count(), 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// Every table of the schema but the ledger's.
    pub tables: Vec<Table>,
}

impl Catalog {
    /// The table named `name`, compared case-insensitively.
    ///
    /// ```
    /// use soft_delete_core::audit::catalog::{Catalog, Table};
    ///
    /// let catalog = Catalog { tables: vec![Table::new("stores")] };
    /// assert_eq!(catalog.table("STORES").map(|t| t.name.as_str()), Some("stores"));
    /// assert!(catalog.table("pages").is_none());
    /// ```
    #[must_use]
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|table| same(&table.name, name))
    }

    /// Every foreign key, in any table, whose referenced table is `table` (case-insensitively):
    /// the references a row of `table` may have.
    ///
    /// ```
    /// use soft_delete_core::audit::catalog::{Catalog, FkAction, ForeignKey, Table};
    ///
    /// let mut pages = Table::new("pages");
    /// pages.foreign_keys.push(ForeignKey {
    ///     name: None,
    ///     table: "pages".into(),
    ///     columns: vec!["store_id".into()],
    ///     referenced_table: "stores".into(),
    ///     referenced_columns: vec!["id".into()],
    ///     on_delete: FkAction::NoAction,
    /// });
    /// let catalog = Catalog { tables: vec![Table::new("stores"), pages] };
    /// assert_eq!(catalog.references_to("Stores").count(), 1);
    /// ```
    pub fn references_to(&self, table: &str) -> impl Iterator<Item = &ForeignKey> {
        self.tables
            .iter()
            .flat_map(|t| &t.foreign_keys)
            .filter(move |fk| same(&fk.referenced_table, table))
    }
}

/// One table: its columns in order, the foreign keys leaving it, and its indexes (unique
/// constraints and the primary key included).
///
/// ```
/// use soft_delete_core::audit::catalog::Table;
///
/// let table = Table::new("repos");
/// assert!(table.columns.is_empty() && table.column("id").is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The table's name, as the database spells it.
    pub name: String,
    /// Its columns, in declaration order.
    pub columns: Vec<ColumnInfo>,
    /// The foreign keys it declares (this table is the referencing side).
    pub foreign_keys: Vec<ForeignKey>,
    /// Its indexes, ordered by name.
    pub indexes: Vec<Index>,
}

impl Table {
    /// An empty table called `name`, to fill in by hand (tests, examples).
    ///
    /// ```
    /// assert_eq!(soft_delete_core::audit::catalog::Table::new("t").name, "t");
    /// ```
    #[must_use]
    pub fn new(name: &str) -> Self {
        Table {
            name: name.to_owned(),
            ..Table::default()
        }
    }

    /// The column named `name`, compared case-insensitively.
    ///
    /// ```
    /// use soft_delete_core::audit::catalog::{ColumnInfo, Table};
    ///
    /// let mut table = Table::new("repos");
    /// table.columns.push(ColumnInfo::new("deleted_at", true, "TIMESTAMP"));
    /// assert!(table.column("DELETED_AT").is_some());
    /// ```
    #[must_use]
    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns.iter().find(|column| same(&column.name, name))
    }

    /// The index named `name`, compared case-insensitively.
    ///
    /// ```
    /// use soft_delete_core::audit::catalog::Table;
    ///
    /// assert!(Table::new("repos").index("repos_pkey").is_none());
    /// ```
    #[must_use]
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|index| same(&index.name, name))
    }
}

/// One column of a table.
///
/// ```
/// use soft_delete_core::audit::catalog::ColumnInfo;
///
/// let column = ColumnInfo::new("deleted_at", true, "timestamp without time zone");
/// assert!(column.nullable && !column.generated && column.generation.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnInfo {
    /// The column's name.
    pub name: String,
    /// Whether it accepts `NULL`.
    pub nullable: bool,
    /// Its type as the database writes it (`INTEGER`, `timestamp without time zone`,
    /// `datetime(6)`, ...).
    pub data_type: String,
    /// Whether the database computes it from other columns (`GENERATED ALWAYS AS ...`).
    pub generated: bool,
    /// The expression a generated column is computed with, where the database tells it
    /// (PostgreSQL, MySQL, MariaDB; `None` on SQLite).
    pub generation: Option<String>,
    /// For a timestamp column, the digits of a second it keeps where its type fixes them:
    /// PostgreSQL's `timestamp` keeps 6 unless declared with fewer, MySQL's `DATETIME` and
    /// `TIMESTAMP` keep 0 unless declared with more (`DATETIME(6)`). `None` for other types, and
    /// on SQLite, which keeps the text it is given.
    pub second_digits: Option<u8>,
}

impl ColumnInfo {
    /// A plain (not generated) column.
    ///
    /// ```
    /// # use soft_delete_core::audit::catalog::ColumnInfo;
    /// assert_eq!(ColumnInfo::new("id", false, "INTEGER").data_type, "INTEGER");
    /// ```
    #[must_use]
    pub fn new(name: &str, nullable: bool, data_type: &str) -> Self {
        ColumnInfo {
            name: name.to_owned(),
            nullable,
            data_type: data_type.to_owned(),
            generated: false,
            generation: None,
            second_digits: None,
        }
    }

    /// Whether this is a generated column whose expression reads column `column`: on MySQL,
    /// [`unique_while_live`](crate::migration::unique_while_live)'s live marker reads the
    /// tombstone.
    ///
    /// ```
    /// use soft_delete_core::audit::catalog::ColumnInfo;
    ///
    /// let mut live = ColumnInfo::new("live", true, "tinyint(4)");
    /// live.generated = true;
    /// live.generation = Some("case when `deleted_at` is null then 1 end".into());
    /// assert!(live.derives_from("deleted_at"));
    /// assert!(!live.derives_from("deleted"));
    /// ```
    #[must_use]
    pub fn derives_from(&self, column: &str) -> bool {
        self.generated
            && self
                .generation
                .as_deref()
                .is_some_and(|expression| mentions(expression, column))
    }
}

/// The digits of a second a column of type `data_type` keeps: the number in its parentheses, or
/// `bare` when it names none; `None` for a type that is not a timestamp.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn second_digits(data_type: &str, bare: u8) -> Option<u8> {
    let lower = data_type.to_ascii_lowercase();
    if !(lower.starts_with("timestamp") || lower.starts_with("datetime")) {
        return None;
    }
    match lower.split_once('(') {
        Some((_, rest)) => rest.split(')').next()?.trim().parse().ok(),
        None => Some(bare),
    }
}

/// A foreign key: `table (columns)` references `referenced_table (referenced_columns)`.
///
/// ```
/// use soft_delete_core::audit::catalog::{FkAction, ForeignKey};
///
/// let fk = ForeignKey {
///     name: Some("issues_repo_id_fkey".into()),
///     table: "issues".into(),
///     columns: vec!["repo_id".into()],
///     referenced_table: "repos".into(),
///     referenced_columns: vec!["id".into()],
///     on_delete: FkAction::Cascade,
/// };
/// assert!(!fk.on_delete.blocks_delete());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// The constraint's name; `None` where the database keeps none (SQLite).
    pub name: Option<String>,
    /// The referencing table.
    pub table: String,
    /// The referencing columns, in key order.
    pub columns: Vec<String>,
    /// The referenced table.
    pub referenced_table: String,
    /// The referenced columns, in key order.
    pub referenced_columns: Vec<String>,
    /// What deleting a referenced row does.
    pub on_delete: FkAction,
}

/// A foreign key's `ON DELETE` action.
///
/// ```
/// use soft_delete_core::audit::catalog::FkAction;
///
/// assert!(FkAction::Restrict.blocks_delete() && FkAction::NoAction.blocks_delete());
/// assert!(!FkAction::SetNull.blocks_delete());
/// assert_eq!(FkAction::SetDefault.to_string(), "SET DEFAULT");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FkAction {
    /// `NO ACTION` (the default): the delete fails while references exist.
    #[default]
    NoAction,
    /// `RESTRICT`: the delete fails while references exist.
    Restrict,
    /// `CASCADE`: the referencing rows are deleted too.
    Cascade,
    /// `SET NULL`: the referencing columns become `NULL`.
    SetNull,
    /// `SET DEFAULT`: the referencing columns take their defaults.
    SetDefault,
}

impl FkAction {
    /// Whether a hard delete of a referenced row fails while references exist (`NO ACTION`,
    /// `RESTRICT`).
    ///
    /// ```
    /// assert!(!soft_delete_core::audit::catalog::FkAction::Cascade.blocks_delete());
    /// ```
    #[must_use]
    pub fn blocks_delete(self) -> bool {
        matches!(self, FkAction::NoAction | FkAction::Restrict)
    }

    /// The action as SQL writes it (`NO ACTION`, `SET NULL`, ...), read case-insensitively;
    /// anything else is `NO ACTION`.
    #[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
    fn parse(rule: &str) -> Self {
        match rule.trim().to_ascii_uppercase().as_str() {
            "RESTRICT" => FkAction::Restrict,
            "CASCADE" => FkAction::Cascade,
            "SET NULL" => FkAction::SetNull,
            "SET DEFAULT" => FkAction::SetDefault,
            _ => FkAction::NoAction,
        }
    }
}

impl core::fmt::Display for FkAction {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        })
    }
}

/// An index, a unique constraint or the primary key.
///
/// ```
/// use soft_delete_core::audit::catalog::Index;
///
/// let index = Index {
///     name: "stores_live_subdomain".into(),
///     columns: vec!["subdomain".into()],
///     unique: true,
///     primary: false,
///     predicate: Some("deleted_at IS NULL".into()),
/// };
/// assert!(index.predicate.is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// The index's name (SQLite's implicit primary key of a rowid table is `PRIMARY KEY`).
    pub name: String,
    /// Its key columns, in order; an expression key part is its SQL text where the database
    /// gives it, `(expression)` otherwise.
    pub columns: Vec<String>,
    /// Whether it is unique.
    pub unique: bool,
    /// Whether it is the primary key.
    pub primary: bool,
    /// The `WHERE` of a partial index, as the database prints it.
    pub predicate: Option<String>,
}

/// Reads the schema of the database `conn` is connected to: on PostgreSQL `current_schema()`,
/// on MySQL and MariaDB `DATABASE()`, on SQLite the main database.
///
/// Every [`SupportedBackend`] can: [`CatalogBackend`] is one of its supertraits.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// let catalog = soft_delete_core::audit::catalog::read(&mut fixture())?;
/// let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.as_str()).collect();
/// assert_eq!(names, ["issue_comments", "repos"]);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn read<C>(conn: &mut C) -> crate::Result<Catalog>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
{
    block_on(read_on(&mut Blocking::new(conn)))
}

/// The foreign keys of the schema [`read`] reads, alone: what a purge and a hard delete check
/// before they delete. One catalog query on every backend, where [`read`] sends four on
/// PostgreSQL, MySQL and MariaDB, and several per table on SQLite. The keys are the ones
/// [`read`]'s tables hold, each table's together.
///
/// ```
/// use diesel::{Connection, RunQueryDsl, SqliteConnection};
/// use soft_delete_core::audit::catalog;
///
/// let conn = &mut SqliteConnection::establish(":memory:").unwrap();
/// for sql in [
///     "CREATE TABLE repos (id INTEGER PRIMARY KEY)",
///     "CREATE TABLE issues (id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL REFERENCES repos (id))",
/// ] {
///     diesel::sql_query(sql).execute(conn).unwrap();
/// }
/// let keys = catalog::read_foreign_keys(conn)?;
/// assert_eq!(keys.len(), 1);
/// assert_eq!((keys[0].table.as_str(), keys[0].referenced_table.as_str()), ("issues", "repos"));
/// assert_eq!((&keys[0].columns[..], &keys[0].referenced_columns[..]), (&["repo_id".to_owned()][..], &["id".to_owned()][..]));
/// assert!(keys[0].on_delete.blocks_delete());
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn read_foreign_keys<C>(conn: &mut C) -> crate::Result<Vec<ForeignKey>>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
{
    block_on(foreign_keys_on(&mut Blocking::new(conn)))
}

/// [`read`], on any kind of connection.
pub(crate) async fn read_on<X>(x: &mut X) -> crate::Result<Catalog>
where
    X: Executor,
    X::Backend: SupportedBackend,
{
    let mut tables = <X::Backend as CatalogBackend>::read_tables(x).await?;
    tables.sort_by_key(|table| table.name.to_lowercase());
    for table in &mut tables {
        table.indexes.sort_by_key(|index| index.name.to_lowercase());
    }
    Ok(Catalog { tables })
}

/// [`read_foreign_keys`], on any kind of connection.
pub(crate) async fn foreign_keys_on<X>(x: &mut X) -> crate::Result<Vec<ForeignKey>>
where
    X: Executor,
    X::Backend: SupportedBackend,
{
    Ok(<X::Backend as CatalogBackend>::read_foreign_keys(x).await?)
}

/// How [`read`] asks one backend for its schema: implemented for SQLite, PostgreSQL and MySQL
/// under the crate's features of the same names, and a supertrait of [`SupportedBackend`], so
/// generic code bounded by `SupportedBackend` reads catalogs with no bound of its own:
///
/// ```
/// use diesel::connection::LoadConnection;
/// use soft_delete_core::SupportedBackend;
/// use soft_delete_core::audit::catalog::{self, CatalogBackend};
///
/// fn table_count<C>(conn: &mut C) -> soft_delete_core::Result<usize>
/// where
///     C: LoadConnection,
///     C::Backend: SupportedBackend,
/// {
///     Ok(catalog::read(conn)?.tables.len())
/// }
/// fn reads_catalogs<DB: CatalogBackend>() {}
///
/// # use diesel::Connection;
/// # let conn = &mut diesel::SqliteConnection::establish(":memory:").unwrap();
/// assert_eq!(table_count(conn).unwrap(), 0);
/// reads_catalogs::<diesel::sqlite::Sqlite>();
/// ```
pub trait CatalogBackend: Backend {
    /// Every table of the current schema but the ledger, with its columns, foreign keys and
    /// indexes.
    #[doc(hidden)]
    fn read_tables<X>(x: &mut X) -> impl Future<Output = QueryResult<Vec<Table>>>
    where
        X: Executor<Backend = Self>;

    /// The foreign keys of those tables alone, in one query, for an operation that checks
    /// them before it deletes (a purge, a hard delete).
    #[doc(hidden)]
    fn read_foreign_keys<X>(x: &mut X) -> impl Future<Output = QueryResult<Vec<ForeignKey>>>
    where
        X: Executor<Backend = Self>;
}

/// Foreign keys from a catalog query's rows, one per key column, each made a one-column key
/// and tagged with what names its key (a constraint's name, SQLite's key id): consecutive rows
/// of one table with the same tag are one key, their columns in order.
fn keys_from_columns<Tag: PartialEq>(
    rows: impl IntoIterator<Item = (Tag, ForeignKey)>,
) -> Vec<ForeignKey> {
    let mut keys: Vec<(Tag, ForeignKey)> = Vec::new();
    for (tag, column) in rows {
        match keys.last_mut() {
            Some((last, key)) if *last == tag && key.table == column.table => {
                key.columns.extend(column.columns);
                key.referenced_columns.extend(column.referenced_columns);
            }
            _ => keys.push((tag, column)),
        }
    }
    keys.into_iter().map(|(_, key)| key).collect()
}

/// Whether two SQL names are the same, ignoring ASCII case.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether SQL text mentions the identifier `name` as a whole word (quoted or not),
/// case-insensitively: `"deleted_at" IS NULL` mentions `deleted_at`, `undeleted_at` does not.
pub(crate) fn mentions(sql: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let haystack = sql.to_ascii_lowercase();
    let needle = name.to_ascii_lowercase();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    haystack.match_indices(&needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// Runs a catalog query that binds one text (a table's name, or the ledger's to leave out).
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
async fn load<X, R>(x: &mut X, sql: &'static str, text: &str) -> QueryResult<Vec<R>>
where
    X: Executor,
    X::Backend: diesel::sql_types::HasSqlType<diesel::sql_types::Text>,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, X::Backend>,
    diesel::query_builder::BoxedSqlQuery<'static, X::Backend, diesel::query_builder::SqlQuery>:
        diesel::query_builder::QueryFragment<X::Backend>,
    R: diesel::deserialize::FromSqlRow<diesel::sql_types::Untyped, X::Backend> + Send + 'static,
{
    let query = diesel::sql_query(sql)
        .into_boxed()
        .bind::<diesel::sql_types::Text, _>(text.to_owned());
    x.load_by_name(query).await
}
