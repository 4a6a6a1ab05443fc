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

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::connection::LoadConnection;

use crate::SupportedBackend;

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
    let mut tables = <C::Backend as CatalogBackend>::read_tables(conn)?;
    tables.sort_by_key(|table| table.name.to_lowercase());
    for table in &mut tables {
        table.indexes.sort_by_key(|index| index.name.to_lowercase());
    }
    Ok(Catalog { tables })
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
    fn read_tables<C>(conn: &mut C) -> QueryResult<Vec<Table>>
    where
        C: LoadConnection<Backend = Self>;
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
fn load<C, R>(conn: &mut C, sql: &str, text: &str) -> QueryResult<Vec<R>>
where
    C: LoadConnection,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, C::Backend>,
    diesel::query_builder::BoxedSqlQuery<'static, C::Backend, diesel::query_builder::SqlQuery>:
        diesel::query_dsl::LoadQuery<'static, C, R>,
{
    use diesel::RunQueryDsl;
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<diesel::sql_types::Text, _>(text.to_owned())
        .load(conn)
}

/// [`CatalogBackend`] for a server backend whose catalog queries (a `server::Queries`) answer
/// in the row shapes of the `server` module.
#[cfg(any(feature = "postgres", feature = "mysql"))]
macro_rules! server_catalog {
    ($backend:ty, $queries:expr) => {
        impl CatalogBackend for $backend {
            fn read_tables<C>(conn: &mut C) -> QueryResult<Vec<Table>>
            where
                C: LoadConnection<Backend = Self>,
            {
                let ledger = crate::ledger::TABLE;
                Ok(assemble(
                    &$queries,
                    load(conn, $queries.tables, ledger)?,
                    load(conn, $queries.columns, ledger)?,
                    load(conn, $queries.foreign_keys, ledger)?,
                    load(conn, $queries.indexes, ledger)?,
                ))
            }
        }
    };
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use diesel::connection::LoadConnection;
    use diesel::sql_types::{Integer, Nullable, Text};
    use diesel::sqlite::Sqlite;
    use diesel::{QueryResult, QueryableByName};

    use super::{CatalogBackend, ColumnInfo, FkAction, ForeignKey, Index, Table, load};

    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }

    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        data_type: String,
        #[diesel(sql_type = Integer)]
        not_null: i32,
        #[diesel(sql_type = Integer)]
        pk: i32,
        #[diesel(sql_type = Integer)]
        hidden: i32,
    }

    #[derive(QueryableByName)]
    struct Reference {
        #[diesel(sql_type = Integer)]
        fk_id: i32,
        #[diesel(sql_type = Text)]
        referenced_table: String,
        #[diesel(sql_type = Text)]
        column_name: String,
        #[diesel(sql_type = Nullable<Text>)]
        referenced_column: Option<String>,
        #[diesel(sql_type = Text)]
        on_delete: String,
    }

    #[derive(QueryableByName)]
    struct IndexEntry {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Integer)]
        is_unique: i32,
        #[diesel(sql_type = Text)]
        origin: String,
        #[diesel(sql_type = Nullable<Text>)]
        definition: Option<String>,
    }

    #[derive(QueryableByName)]
    struct IndexColumn {
        #[diesel(sql_type = Nullable<Text>)]
        name: Option<String>,
    }

    // Table names reach the `pragma_*` functions as bound parameters, never as SQL text.
    const TABLES: &str = "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ? ORDER BY name";
    const COLUMNS: &str = "SELECT name, type AS data_type, \"notnull\" AS not_null, pk, hidden \
         FROM pragma_table_xinfo(?) ORDER BY cid";
    const FOREIGN_KEYS: &str = "SELECT \"id\" AS fk_id, \"table\" AS referenced_table, \
         \"from\" AS column_name, \"to\" AS referenced_column, on_delete \
         FROM pragma_foreign_key_list(?) ORDER BY \"id\", seq";
    const INDEXES: &str = "SELECT l.name, l.\"unique\" AS is_unique, l.origin, m.sql AS definition \
         FROM pragma_index_list(?) AS l \
         LEFT JOIN sqlite_master AS m ON m.type = 'index' AND m.name = l.name ORDER BY l.name";
    const INDEX_COLUMNS: &str = "SELECT name FROM pragma_index_info(?) ORDER BY seqno";

    impl CatalogBackend for Sqlite {
        fn read_tables<C>(conn: &mut C) -> QueryResult<Vec<Table>>
        where
            C: LoadConnection<Backend = Self>,
        {
            let names: Vec<Name> = load(conn, TABLES, crate::ledger::TABLE)?;
            let mut tables = Vec::with_capacity(names.len());
            for Name { name } in names {
                tables.push(read_table(conn, name)?);
            }
            // `REFERENCES repos` without columns names the referenced primary key.
            let keys: Vec<(String, Vec<String>)> = tables
                .iter()
                .map(|table| (table.name.clone(), primary_key(table)))
                .collect();
            for fk in tables.iter_mut().flat_map(|table| &mut table.foreign_keys) {
                if fk.referenced_columns.iter().any(String::is_empty) {
                    if let Some((_, key)) = keys
                        .iter()
                        .find(|(name, _)| super::same(name, &fk.referenced_table))
                    {
                        fk.referenced_columns.clone_from(key);
                    }
                }
            }
            Ok(tables)
        }
    }

    fn primary_key(table: &Table) -> Vec<String> {
        table
            .indexes
            .iter()
            .find(|index| index.primary)
            .map(|index| index.columns.clone())
            .unwrap_or_default()
    }

    fn read_table<C>(conn: &mut C, name: String) -> QueryResult<Table>
    where
        C: LoadConnection<Backend = Sqlite>,
    {
        let rows: Vec<Column> = load(conn, COLUMNS, &name)?;
        // `hidden`: 1 for a virtual table's hidden column, 2 and 3 for generated columns.
        let pk: Vec<(i32, String)> = rows
            .iter()
            .filter(|row| row.pk > 0)
            .map(|row| (row.pk, row.name.clone()))
            .collect();
        let columns = rows
            .into_iter()
            .filter(|row| row.hidden != 1)
            .map(|row| ColumnInfo {
                nullable: row.not_null == 0 && row.pk == 0,
                generated: row.hidden >= 2,
                generation: None,
                second_digits: None,
                name: row.name,
                data_type: row.data_type,
            })
            .collect();

        let mut foreign_keys: Vec<(i32, ForeignKey)> = Vec::new();
        for row in load::<_, Reference>(conn, FOREIGN_KEYS, &name)? {
            let referenced = row.referenced_column.unwrap_or_default();
            match foreign_keys.last_mut() {
                Some((id, fk)) if *id == row.fk_id => {
                    fk.columns.push(row.column_name);
                    fk.referenced_columns.push(referenced);
                }
                _ => foreign_keys.push((
                    row.fk_id,
                    ForeignKey {
                        name: None,
                        table: name.clone(),
                        columns: vec![row.column_name],
                        referenced_table: row.referenced_table,
                        referenced_columns: vec![referenced],
                        on_delete: FkAction::parse(&row.on_delete),
                    },
                )),
            }
        }

        let mut indexes = Vec::new();
        for entry in load::<_, IndexEntry>(conn, INDEXES, &name)? {
            let columns = load::<_, IndexColumn>(conn, INDEX_COLUMNS, &entry.name)?
                .into_iter()
                .map(|column| column.name.unwrap_or_else(|| "(expression)".to_owned()))
                .collect();
            indexes.push(Index {
                predicate: entry.definition.as_deref().and_then(partial_predicate),
                primary: entry.origin == "pk",
                unique: entry.is_unique != 0,
                columns,
                name: entry.name,
            });
        }
        if !pk.is_empty() && !indexes.iter().any(|index| index.primary) {
            // An `INTEGER PRIMARY KEY` is the rowid: a key with no index of its own.
            let mut pk = pk;
            pk.sort_by_key(|(position, _)| *position);
            indexes.push(Index {
                name: "PRIMARY KEY".to_owned(),
                columns: pk.into_iter().map(|(_, column)| column).collect(),
                unique: true,
                primary: true,
                predicate: None,
            });
        }

        Ok(Table {
            name,
            columns,
            foreign_keys: foreign_keys.into_iter().map(|(_, fk)| fk).collect(),
            indexes,
        })
    }

    /// The `WHERE` of a `CREATE INDEX` statement: what follows the keyword after the
    /// parenthesised column list.
    fn partial_predicate(definition: &str) -> Option<String> {
        let open = definition.find('(')?;
        let mut depth = 0usize;
        let mut close = None;
        for (at, c) in definition[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(open + at);
                        break;
                    }
                }
                _ => {}
            }
        }
        let rest = &definition[close? + 1..];
        let lower = rest.to_ascii_lowercase();
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let at = lower.match_indices("where").map(|(at, _)| at).find(|&at| {
            !lower[..at].chars().next_back().is_some_and(is_word)
                && !lower[at + 5..].chars().next().is_some_and(is_word)
        })?;
        let predicate = rest[at + 5..].trim().trim_end_matches(';').trim();
        (!predicate.is_empty()).then(|| predicate.to_owned())
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn the_predicate_of_a_partial_index() {
            assert_eq!(
                super::partial_predicate(
                    "CREATE UNIQUE INDEX x ON t (lower(a), b)\n WHERE deleted_at IS NULL"
                )
                .as_deref(),
                Some("deleted_at IS NULL")
            );
            assert_eq!(super::partial_predicate("CREATE INDEX x ON t (a)"), None);
        }
    }
}

/// One row per column, foreign-key column or index key column of the whole schema, as
/// PostgreSQL and MySQL list them; rows of one table (and one key) come together, in order.
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod server {
    use diesel::QueryableByName;
    use diesel::sql_types::{Integer, Nullable, Text};

    use super::{ColumnInfo, FkAction, ForeignKey, Index, Table, same, second_digits};

    #[derive(QueryableByName)]
    pub(super) struct TableRow {
        #[diesel(sql_type = Text)]
        table_name: String,
    }

    #[derive(QueryableByName)]
    pub(super) struct ColumnRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
        #[diesel(sql_type = Integer)]
        nullable: i32,
        #[diesel(sql_type = Text)]
        data_type: String,
        #[diesel(sql_type = Integer)]
        generated: i32,
        #[diesel(sql_type = Nullable<Text>)]
        generation: Option<String>,
    }

    #[derive(QueryableByName)]
    pub(super) struct ForeignKeyRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        constraint_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
        #[diesel(sql_type = Text)]
        referenced_table: String,
        #[diesel(sql_type = Text)]
        referenced_column: String,
        #[diesel(sql_type = Text)]
        on_delete: String,
    }

    #[derive(QueryableByName)]
    pub(super) struct IndexRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        index_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
        #[diesel(sql_type = Integer)]
        is_unique: i32,
        #[diesel(sql_type = Integer)]
        is_primary: i32,
        #[diesel(sql_type = Nullable<Text>)]
        predicate: Option<String>,
    }

    fn find<'t>(tables: &'t mut [Table], name: &str) -> Option<&'t mut Table> {
        tables.iter_mut().find(|table| table.name == name)
    }

    /// The catalog queries of one backend; each binds the ledger's name, nothing else.
    pub(super) struct Queries {
        pub(super) tables: &'static str,
        pub(super) columns: &'static str,
        pub(super) foreign_keys: &'static str,
        pub(super) indexes: &'static str,
        /// The digits of a second of a timestamp type declared without them.
        pub(super) bare_timestamp_digits: u8,
    }

    /// Puts the rows together into tables; rows of tables the table list lacks are dropped.
    pub(super) fn assemble(
        queries: &Queries,
        tables: Vec<TableRow>,
        columns: Vec<ColumnRow>,
        foreign_keys: Vec<ForeignKeyRow>,
        indexes: Vec<IndexRow>,
    ) -> Vec<Table> {
        let mut tables: Vec<Table> = tables
            .into_iter()
            .map(|row| Table::new(&row.table_name))
            .collect();
        for row in columns {
            if let Some(table) = find(&mut tables, &row.table_name) {
                table.columns.push(ColumnInfo {
                    second_digits: second_digits(&row.data_type, queries.bare_timestamp_digits),
                    name: row.column_name,
                    nullable: row.nullable != 0,
                    data_type: row.data_type,
                    generated: row.generated != 0,
                    generation: row.generation.filter(|expression| !expression.is_empty()),
                });
            }
        }
        for row in foreign_keys {
            let Some(table) = find(&mut tables, &row.table_name) else {
                continue;
            };
            match table.foreign_keys.last_mut() {
                Some(fk) if fk.name.as_deref() == Some(row.constraint_name.as_str()) => {
                    fk.columns.push(row.column_name);
                    fk.referenced_columns.push(row.referenced_column);
                }
                _ => table.foreign_keys.push(ForeignKey {
                    table: row.table_name,
                    name: Some(row.constraint_name),
                    columns: vec![row.column_name],
                    referenced_table: row.referenced_table,
                    referenced_columns: vec![row.referenced_column],
                    on_delete: FkAction::parse(&row.on_delete),
                }),
            }
        }
        for row in indexes {
            let Some(table) = find(&mut tables, &row.table_name) else {
                continue;
            };
            match table.indexes.last_mut() {
                Some(index) if same(&index.name, &row.index_name) => {
                    index.columns.push(row.column_name);
                }
                _ => table.indexes.push(Index {
                    name: row.index_name,
                    columns: vec![row.column_name],
                    unique: row.is_unique != 0,
                    primary: row.is_primary != 0,
                    predicate: row.predicate,
                }),
            }
        }
        tables
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use diesel::QueryResult;
    use diesel::connection::LoadConnection;
    use diesel::pg::Pg;

    use super::server::{Queries, assemble};
    use super::{CatalogBackend, Table, load};

    const QUERIES: Queries = Queries {
        tables: "SELECT c.relname AS table_name
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
              AND NOT c.relispartition AND c.relname <> $1
            ORDER BY c.relname",
        columns: "SELECT c.relname AS table_name, a.attname AS column_name,
                CASE WHEN a.attnotnull THEN 0 ELSE 1 END AS nullable,
                pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
                CASE WHEN a.attgenerated <> '' THEN 1 ELSE 0 END AS generated,
                CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END
                    AS generation
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
              AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> $1
            ORDER BY c.relname, a.attnum",
        foreign_keys: "SELECT c.relname AS table_name, k.conname AS constraint_name,
                a.attname AS column_name, r.relname AS referenced_table,
                ra.attname AS referenced_column,
                CASE k.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
                    WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END
                    AS on_delete
            FROM pg_catalog.pg_constraint k
            JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_class r ON r.oid = k.confrelid
            CROSS JOIN LATERAL unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(attnum, refnum, ord)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
            JOIN pg_catalog.pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = u.refnum
            WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.relname <> $1
            ORDER BY c.relname, k.conname, u.ord",
        indexes: "SELECT t.relname AS table_name, i.relname AS index_name,
                COALESCE(a.attname, pg_catalog.pg_get_indexdef(x.indexrelid, CAST(k.ord AS INTEGER), true))
                    AS column_name,
                CASE WHEN x.indisunique THEN 1 ELSE 0 END AS is_unique,
                CASE WHEN x.indisprimary THEN 1 ELSE 0 END AS is_primary,
                pg_catalog.pg_get_expr(x.indpred, x.indrelid) AS predicate
            FROM pg_catalog.pg_index x
            JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
            JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
            LEFT JOIN pg_catalog.pg_attribute a
                ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0
            WHERE n.nspname = current_schema() AND k.ord <= x.indnkeyatts AND t.relname <> $1
            ORDER BY t.relname, i.relname, k.ord",
        bare_timestamp_digits: 6,
    };

    server_catalog!(Pg, QUERIES);
}

#[cfg(feature = "mysql")]
mod mysql {
    use diesel::QueryResult;
    use diesel::connection::LoadConnection;
    use diesel::mysql::Mysql;

    use super::server::{Queries, assemble};
    use super::{CatalogBackend, Table, load};

    // MySQL 8 leaves `GENERATION_EXPRESSION` empty on plain columns, MariaDB `NULL`.
    const QUERIES: Queries = Queries {
        tables: "SELECT TABLE_NAME AS table_name FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> ?
            ORDER BY TABLE_NAME",
        columns: "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name,
                CASE WHEN IS_NULLABLE = 'YES' THEN 1 ELSE 0 END AS nullable,
                COLUMN_TYPE AS data_type,
                CASE WHEN COALESCE(GENERATION_EXPRESSION, '') <> '' THEN 1 ELSE 0 END AS generated,
                GENERATION_EXPRESSION AS generation
            FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ?
            ORDER BY TABLE_NAME, ORDINAL_POSITION",
        foreign_keys: "SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name,
                k.COLUMN_NAME AS column_name, k.REFERENCED_TABLE_NAME AS referenced_table,
                k.REFERENCED_COLUMN_NAME AS referenced_column, r.DELETE_RULE AS on_delete
            FROM information_schema.KEY_COLUMN_USAGE k
            JOIN information_schema.REFERENTIAL_CONSTRAINTS r
                ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME
               AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
            WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
              AND k.TABLE_NAME <> ?
            ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
        indexes: "SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name,
                COALESCE(COLUMN_NAME, '(expression)') AS column_name,
                CASE WHEN NON_UNIQUE = 0 THEN 1 ELSE 0 END AS is_unique,
                CASE WHEN INDEX_NAME = 'PRIMARY' THEN 1 ELSE 0 END AS is_primary,
                CAST(NULL AS CHAR) AS predicate
            FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ?
            ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        bare_timestamp_digits: 0,
    };

    server_catalog!(Mysql, QUERIES);
}
