//! DDL for migrations: tombstone and actor columns, and unique keys that ignore tombstoned rows;
//! and [`Plan`], a whole migration (`up.sql` and `down.sql`) that makes tables soft-deletable,
//! filled by hand, from a model's compiled cascade graph ([`Plan::for_graph`]), or from a live
//! schema by the `soft-delete migration` command.
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
//!
//! A migration for every model of a cascade graph, written where `diesel_migrations` finds it:
//!
//! ```
//! # soft_delete_core::__doc_fixture!();
//! use soft_delete_core::migration::{self, Dialect, Plan};
//!
//! # fn main() -> std::io::Result<()> {
//! # let dir = std::env::temp_dir().join(format!("sd_migration_doc_{}", std::process::id()));
//! let plan = Plan::for_graph::<Repo>().actor_type("INTEGER").unique_key("repos", "repos_slug", &["slug"]);
//! let written = plan.write_dir(Dialect::Sqlite, &dir, &migration::version_now(), "soft_delete_repos")?;
//! assert!(std::fs::read_to_string(written.join("down.sql"))?.contains("DROP COLUMN `deleted_at`"));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```

use crate::dialect::SupportedBackend;
use crate::model::{CascadeGraph, Model, Target, TombstoneKind, uses_ledger};

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

/// Undoes [`add_tombstone`], for `down.sql`: drops the tombstone's index, then the column.
///
/// ```
/// use soft_delete_core::migration::{Tombstone, drop_tombstone};
///
/// assert_eq!(
///     drop_tombstone::<diesel::sqlite::Sqlite>("repos", Tombstone::Timestamp("deleted_at")),
///     "DROP INDEX `repos_deleted_at_idx`;\nALTER TABLE `repos` DROP COLUMN `deleted_at`;",
/// );
/// ```
#[must_use]
pub fn drop_tombstone<DB: SupportedBackend>(table: &str, tombstone: Tombstone<'_>) -> String {
    let column = tombstone.column();
    format!(
        "{}\nALTER TABLE {} DROP COLUMN {};",
        drop_index::<DB>(&format!("{table}_{column}_idx"), table),
        quote::<DB>(table),
        quote::<DB>(column),
    )
}

/// Undoes [`add_actor`], for `down.sql`.
///
/// ```
/// use soft_delete_core::migration::drop_actor;
///
/// assert_eq!(
///     drop_actor::<diesel::sqlite::Sqlite>("repos", "deleted_by"),
///     "ALTER TABLE `repos` DROP COLUMN `deleted_by`;",
/// );
/// ```
#[must_use]
pub fn drop_actor<DB: SupportedBackend>(table: &str, column: &str) -> String {
    format!(
        "ALTER TABLE {} DROP COLUMN {};",
        quote::<DB>(table),
        quote::<DB>(column)
    )
}

/// `DROP INDEX`, naming the table where the backend wants it (MySQL).
fn drop_index<DB: SupportedBackend>(index: &str, table: &str) -> String {
    if DB::DROP_INDEX_ON_TABLE {
        format!(
            "DROP INDEX {} ON {};",
            quote::<DB>(index),
            quote::<DB>(table)
        )
    } else {
        format!("DROP INDEX {};", quote::<DB>(index))
    }
}

/// Drops a plain unique key: an index, or on PostgreSQL a constraint (whose index only
/// `DROP CONSTRAINT` removes) or an index, whichever it is.
fn drop_unique_key<DB: SupportedBackend>(index: &str, table: &str) -> String {
    if DB::UNIQUE_CONSTRAINTS {
        return format!(
            "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {index};\nDROP INDEX IF EXISTS {index};",
            quote::<DB>(table),
            index = quote::<DB>(index),
        );
    }
    drop_index::<DB>(index, table)
}

/// A plain unique key, as a unique index.
fn create_unique_key<DB: SupportedBackend>(index: &str, table: &str, columns: &[&str]) -> String {
    format!(
        "CREATE UNIQUE INDEX {} ON {} ({});",
        quote::<DB>(index),
        quote::<DB>(table),
        quote_all::<DB>(columns),
    )
}

/// A backend chosen at run time, for [`Plan::up_in`], [`Plan::down_in`] and
/// [`Plan::write_dir`]: a command-line tool learns it from a URL, not from a type. Each variant
/// exists under the crate feature of the same name, and renders through the generic functions
/// of this module on that backend.
///
/// ```
/// use soft_delete_core::migration::Dialect;
///
/// assert_eq!(Dialect::Sqlite.name(), "SQLite");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite (feature `sqlite`).
    #[cfg(feature = "sqlite")]
    Sqlite,
    /// PostgreSQL (feature `postgres`).
    #[cfg(feature = "postgres")]
    Postgres,
    /// MySQL and MariaDB (feature `mysql`).
    #[cfg(feature = "mysql")]
    Mysql,
}

impl Dialect {
    /// The backend's name, for messages: `SQLite`, `PostgreSQL`, `MySQL/MariaDB`.
    ///
    /// ```
    /// # use soft_delete_core::migration::Dialect;
    /// assert_eq!(Dialect::Sqlite.to_string(), "SQLite");
    /// ```
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            Dialect::Sqlite => "SQLite",
            #[cfg(feature = "postgres")]
            Dialect::Postgres => "PostgreSQL",
            #[cfg(feature = "mysql")]
            Dialect::Mysql => "MySQL/MariaDB",
        }
    }
}

impl core::fmt::Display for Dialect {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// One table of a [`Plan`]: the tombstone to add, the actor column if any, and the unique keys
/// to replace by keys over live rows.
///
/// ```
/// use soft_delete_core::migration::{TablePlan, Tombstone};
///
/// let table = TablePlan::new("repos", Tombstone::Timestamp("deleted_at"))
///     .actor("deleted_by", "INTEGER")
///     .unique_key("repos_slug_key", &["slug"]);
/// assert_eq!(table.name(), "repos");
/// assert_eq!(table.tombstone(), Tombstone::Timestamp("deleted_at"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablePlan {
    name: String,
    tombstone: String,
    kind: TombstoneKind,
    /// The actor column and its SQL type.
    actor: Option<(String, String)>,
    /// The existing unique keys, by name, with their columns.
    unique_keys: Vec<(String, Vec<String>)>,
}

impl TablePlan {
    /// Table `name` gains `tombstone` (and an index on it).
    ///
    /// ```
    /// use soft_delete_core::migration::{TablePlan, Tombstone};
    ///
    /// let table = TablePlan::new("tags", Tombstone::Flag("is_deleted"));
    /// assert_eq!(table.tombstone(), Tombstone::Flag("is_deleted"));
    /// ```
    #[must_use]
    pub fn new(name: &str, tombstone: Tombstone<'_>) -> Self {
        let kind = match tombstone {
            Tombstone::Timestamp(_) => TombstoneKind::Timestamp,
            Tombstone::Flag(_) => TombstoneKind::Flag,
        };
        TablePlan {
            name: name.to_owned(),
            tombstone: tombstone.column().to_owned(),
            kind,
            actor: None,
            unique_keys: Vec::new(),
        }
    }

    /// The table also gains a nullable actor column `column` of SQL type `sql_type` (see
    /// [`add_actor`]).
    ///
    /// ```
    /// use soft_delete_core::migration::{TablePlan, Tombstone};
    ///
    /// let table = TablePlan::new("repos", Tombstone::Timestamp("deleted_at")).actor("deleted_by", "BIGINT");
    /// assert_eq!(table.actor_column(), Some(("deleted_by", "BIGINT")));
    /// ```
    #[must_use]
    pub fn actor(mut self, column: &str, sql_type: &str) -> Self {
        self.actor = Some((column.to_owned(), sql_type.to_owned()));
        self
    }

    /// The table's existing unique key `index` over `columns` is replaced by a key of the same
    /// name over live rows only ([`unique_while_live`]); `down.sql` puts the original back, as a
    /// unique index.
    ///
    /// ```
    /// use soft_delete_core::migration::{TablePlan, Tombstone};
    ///
    /// let table = TablePlan::new("repos", Tombstone::Timestamp("deleted_at"))
    ///     .unique_key("repos_owner_slug", &["owner_id", "slug"]);
    /// assert_eq!(table.unique_keys().count(), 1);
    /// ```
    #[must_use]
    pub fn unique_key(mut self, index: &str, columns: &[&str]) -> Self {
        self.unique_keys.push((
            index.to_owned(),
            columns.iter().map(|column| (*column).to_owned()).collect(),
        ));
        self
    }

    /// The table's name.
    ///
    /// ```
    /// # use soft_delete_core::migration::{TablePlan, Tombstone};
    /// assert_eq!(TablePlan::new("repos", Tombstone::Flag("gone")).name(), "repos");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The tombstone it gains.
    ///
    /// ```
    /// # use soft_delete_core::migration::{TablePlan, Tombstone};
    /// assert_eq!(TablePlan::new("t", Tombstone::Flag("gone")).tombstone(), Tombstone::Flag("gone"));
    /// ```
    #[must_use]
    pub fn tombstone(&self) -> Tombstone<'_> {
        match self.kind {
            TombstoneKind::Timestamp => Tombstone::Timestamp(&self.tombstone),
            TombstoneKind::Flag => Tombstone::Flag(&self.tombstone),
        }
    }

    /// The actor column it gains and its SQL type, if any.
    ///
    /// ```
    /// # use soft_delete_core::migration::{TablePlan, Tombstone};
    /// assert_eq!(TablePlan::new("t", Tombstone::Flag("gone")).actor_column(), None);
    /// ```
    #[must_use]
    pub fn actor_column(&self) -> Option<(&str, &str)> {
        self.actor
            .as_ref()
            .map(|(column, sql_type)| (column.as_str(), sql_type.as_str()))
    }

    /// The unique keys it replaces: each name with its columns.
    ///
    /// ```
    /// # use soft_delete_core::migration::{TablePlan, Tombstone};
    /// let table = TablePlan::new("t", Tombstone::Flag("gone")).unique_key("t_name", &["name"]);
    /// let keys: Vec<(&str, Vec<&str>)> = table.unique_keys().collect();
    /// assert_eq!(keys, [("t_name", vec!["name"])]);
    /// ```
    pub fn unique_keys(&self) -> impl Iterator<Item = (&str, Vec<&str>)> {
        self.unique_keys
            .iter()
            .map(|(index, columns)| (index.as_str(), columns.iter().map(String::as_str).collect()))
    }

    fn up<DB: SupportedBackend>(&self) -> Vec<String> {
        let tombstone = self.tombstone();
        let mut statements = vec![add_tombstone::<DB>(&self.name, tombstone)];
        if let Some((column, sql_type)) = &self.actor {
            statements.push(add_actor::<DB>(&self.name, column, sql_type));
        }
        for (index, columns) in self.unique_keys() {
            statements.push(drop_unique_key::<DB>(index, &self.name));
            statements.push(unique_while_live::<DB>(
                index, &self.name, &columns, tombstone,
            ));
        }
        statements
    }

    fn down<DB: SupportedBackend>(&self) -> Vec<String> {
        let mut statements = Vec::new();
        for (index, columns) in self.unique_keys().collect::<Vec<_>>().into_iter().rev() {
            statements.push(drop_unique_while_live::<DB>(index, &self.name));
            statements.push(create_unique_key::<DB>(index, &self.name, &columns));
        }
        if let Some((column, _)) = &self.actor {
            statements.push(drop_actor::<DB>(&self.name, column));
        }
        statements.push(drop_tombstone::<DB>(&self.name, self.tombstone()));
        statements
    }
}

/// A migration that makes tables soft-deletable, rendered as `up.sql` and `down.sql` for any
/// backend.
///
/// For each [`TablePlan`], in order, `up` adds the tombstone column and an index on it
/// ([`add_tombstone`]), the actor column if asked ([`add_actor`]), and replaces each unique key
/// named by one that only live rows hold ([`unique_while_live`]: a partial index on PostgreSQL
/// and SQLite, a generated column on MySQL/MariaDB). With [`ledger`](Plan::ledger) it first
/// creates the [flag ledger](crate::ledger)'s table. `down` undoes all of it in reverse order:
/// it restores the original unique keys (as unique indexes), drops the actor and tombstone
/// columns, and drops the ledger's table.
///
/// Fill a plan by hand, from a model's compiled cascade graph ([`Plan::for_graph`]), or from a
/// live schema (the `soft-delete migration` command does that with the catalog reader).
///
/// ```
/// use diesel::connection::SimpleConnection;
/// use diesel::prelude::*;
/// use soft_delete_core::migration::{Plan, TablePlan, Tombstone};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let plan = Plan::new().table(
///     TablePlan::new("sites", Tombstone::Timestamp("deleted_at")).unique_key("sites_slug", &["slug"]),
/// );
/// let (up, down) = (plan.up::<diesel::sqlite::Sqlite>(), plan.down::<diesel::sqlite::Sqlite>());
/// assert!(up.contains("CREATE UNIQUE INDEX `sites_slug` ON `sites` (`slug`) WHERE `deleted_at` IS NULL;"));
///
/// let conn = &mut SqliteConnection::establish(":memory:")?;
/// conn.batch_execute("CREATE TABLE sites (id INTEGER PRIMARY KEY, slug TEXT NOT NULL);
///                     CREATE UNIQUE INDEX sites_slug ON sites (slug);")?;
/// conn.batch_execute(&up)?;
/// conn.batch_execute("INSERT INTO sites (id, slug, deleted_at) VALUES (1, 'shop', CURRENT_TIMESTAMP);
///                     INSERT INTO sites (id, slug) VALUES (2, 'shop');")?;
/// assert!(conn.batch_execute("INSERT INTO sites (id, slug) VALUES (3, 'shop')").is_err());
///
/// conn.batch_execute("DELETE FROM sites WHERE id = 1")?;
/// conn.batch_execute(&down)?;
/// assert!(conn.batch_execute("SELECT deleted_at FROM sites").is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    tables: Vec<TablePlan>,
    ledger: bool,
}

impl Plan {
    /// An empty plan.
    ///
    /// ```
    /// let plan = soft_delete_core::migration::Plan::new();
    /// assert!(plan.tables().is_empty() && !plan.uses_ledger());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Plan::default()
    }

    /// The plan for every model of `M`'s compiled cascade graph: for `M` and each model its soft
    /// edges reach, its table with its tombstone (kind and column) and its actor column if it
    /// declares one (as `BIGINT`; [`actor_type`](Plan::actor_type) changes it), and the flag
    /// ledger when a flag model of the graph takes part in a cascade. The graph knows no unique
    /// keys: add them with [`table`](Plan::table) or [`unique_key`](Plan::unique_key).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::migration::{Plan, Tombstone};
    ///
    /// let plan = Plan::for_graph::<Repo>().actor_type("INTEGER");
    /// let repos = &plan.tables()[0];
    /// assert_eq!((repos.name(), repos.tombstone()), ("repos", Tombstone::Timestamp("deleted_at")));
    /// assert_eq!(repos.actor_column(), Some(("deleted_by", "INTEGER")));
    /// assert!(!plan.uses_ledger());
    ///
    /// let up = plan.up::<diesel::sqlite::Sqlite>();
    /// assert!(up.contains("ALTER TABLE `repos` ADD COLUMN `deleted_by` INTEGER NULL;"));
    /// ```
    #[must_use]
    pub fn for_graph<M: Model>() -> Self {
        Plan::new().with_graph::<M>()
    }

    /// [`for_graph`](Plan::for_graph) for one more model's graph: the tables already in the
    /// plan keep what they have.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::migration::Plan;
    ///
    /// let plan = Plan::for_graph::<Repo>().with_graph::<IssueComment>().with_graph::<Repo>();
    /// let tables: Vec<&str> = plan.tables().iter().map(|t| t.name()).collect();
    /// assert_eq!(tables, ["repos", "issue_comments"]);
    /// ```
    #[must_use]
    pub fn with_graph<M: Model>(mut self) -> Self {
        let root: &'static CascadeGraph = &M::CASCADE_GRAPH;
        let mut queue = vec![root];
        let mut seen: Vec<&'static str> = Vec::new();
        while let Some(graph) = queue.pop() {
            if seen
                .iter()
                .any(|table| table.eq_ignore_ascii_case(graph.table))
            {
                continue;
            }
            seen.push(graph.table);
            let is_root = core::ptr::eq(graph, root);
            if !is_root && matches!(graph.kind, TombstoneKind::Flag) {
                // Reached through a soft edge: it has a parent, so its flags go to the ledger.
                self.ledger = true;
            }
            if self.table_named(graph.table).is_none() {
                let tombstone = match graph.kind {
                    TombstoneKind::Timestamp => Tombstone::Timestamp(graph.tombstone),
                    TombstoneKind::Flag => Tombstone::Flag(graph.tombstone),
                };
                let mut table = TablePlan::new(graph.table, tombstone);
                if let Some(actor) = graph.actor {
                    table = table.actor(actor, DEFAULT_ACTOR_TYPE);
                }
                self.tables.push(table);
            }
            for edge in graph.edges.iter().rev() {
                if let Target::Model(child) = edge.target {
                    queue.push(child.get());
                }
            }
        }
        self.ledger |= uses_ledger::<M>();
        self
    }

    /// Adds `table`, or replaces the plan's table of the same name (compared
    /// case-insensitively).
    ///
    /// ```
    /// use soft_delete_core::migration::{Plan, TablePlan, Tombstone};
    ///
    /// let plan = Plan::new()
    ///     .table(TablePlan::new("tags", Tombstone::Timestamp("deleted_at")))
    ///     .table(TablePlan::new("TAGS", Tombstone::Flag("is_deleted")));
    /// assert_eq!(plan.tables().len(), 1);
    /// assert_eq!(plan.tables()[0].tombstone(), Tombstone::Flag("is_deleted"));
    /// ```
    #[must_use]
    pub fn table(mut self, table: TablePlan) -> Self {
        match self
            .tables
            .iter_mut()
            .find(|t| t.name.eq_ignore_ascii_case(&table.name))
        {
            Some(existing) => *existing = table,
            None => self.tables.push(table),
        }
        self
    }

    /// Adds unique key `index` over `columns` to the plan's table `table`, to be replaced by a
    /// key over live rows (see [`TablePlan::unique_key`]); a table the plan lacks is left alone
    /// and the call does nothing.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::migration::Plan;
    ///
    /// let plan = Plan::for_graph::<Repo>().unique_key("repos", "repos_slug", &["slug"]);
    /// assert_eq!(plan.tables()[0].unique_keys().count(), 1);
    /// ```
    #[must_use]
    pub fn unique_key(mut self, table: &str, index: &str, columns: &[&str]) -> Self {
        if let Some(position) = self
            .tables
            .iter()
            .position(|t| t.name.eq_ignore_ascii_case(table))
        {
            let plan = self.tables.remove(position).unique_key(index, columns);
            self.tables.insert(position, plan);
        }
        self
    }

    /// Sets the SQL type of every actor column of the plan (`INTEGER`, `BIGINT`, `TEXT`,
    /// `UUID`, ...): a cascade graph names actor columns, not their types.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::migration::Plan;
    ///
    /// assert_eq!(Plan::for_graph::<Repo>().tables()[0].actor_column(), Some(("deleted_by", "BIGINT")));
    /// let plan = Plan::for_graph::<Repo>().actor_type("INTEGER");
    /// assert_eq!(plan.tables()[0].actor_column(), Some(("deleted_by", "INTEGER")));
    /// ```
    #[must_use]
    pub fn actor_type(mut self, sql_type: &str) -> Self {
        for table in &mut self.tables {
            if let Some((_, actor_type)) = &mut table.actor {
                sql_type.clone_into(actor_type);
            }
        }
        self
    }

    /// Whether `up` creates the [flag ledger](crate::ledger)'s table (and `down` drops it).
    /// Ask for it when a flag model takes part in a cascade and no earlier migration made it.
    ///
    /// ```
    /// use soft_delete_core::migration::Plan;
    ///
    /// let up = Plan::new().ledger(true).up::<diesel::sqlite::Sqlite>();
    /// assert!(up.contains("CREATE TABLE IF NOT EXISTS `soft_delete_flag_stamps`"));
    /// ```
    #[must_use]
    pub fn ledger(mut self, create: bool) -> Self {
        self.ledger = create;
        self
    }

    /// The tables, in the order `up` changes them.
    ///
    /// ```
    /// assert!(soft_delete_core::migration::Plan::new().tables().is_empty());
    /// ```
    #[must_use]
    pub fn tables(&self) -> &[TablePlan] {
        &self.tables
    }

    /// Whether the plan creates the flag ledger.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// assert!(!soft_delete_core::migration::Plan::for_graph::<IssueComment>().uses_ledger());
    /// ```
    #[must_use]
    pub fn uses_ledger(&self) -> bool {
        self.ledger
    }

    fn table_named(&self, name: &str) -> Option<&TablePlan> {
        self.tables
            .iter()
            .find(|table| table.name.eq_ignore_ascii_case(name))
    }

    /// `up.sql` on backend `DB`: one statement per line or block, each ending with `;`.
    ///
    /// ```
    /// use soft_delete_core::migration::{Plan, TablePlan, Tombstone};
    ///
    /// let plan = Plan::new().table(TablePlan::new("tags", Tombstone::Flag("is_deleted")));
    /// assert_eq!(
    ///     plan.up::<diesel::sqlite::Sqlite>(),
    ///     "-- Makes `tags` soft-deletable (soft_delete_core::migration::Plan).\n\n\
    ///      ALTER TABLE `tags` ADD COLUMN `is_deleted` BOOLEAN NOT NULL DEFAULT 0;\n\
    ///      CREATE INDEX `tags_is_deleted_idx` ON `tags` (`is_deleted`);\n",
    /// );
    /// ```
    #[must_use]
    pub fn up<DB: SupportedBackend>(&self) -> String {
        let mut blocks = Vec::new();
        if self.ledger {
            blocks.push(crate::dialect::ledger::create_table_sql::<DB>().to_owned());
        }
        for table in &self.tables {
            blocks.push(table.up::<DB>().join("\n"));
        }
        self.file("Makes", "soft-deletable", &blocks)
    }

    /// `down.sql` on backend `DB`: what [`up`](Plan::up) did, undone in reverse order.
    ///
    /// ```
    /// use soft_delete_core::migration::{Plan, TablePlan, Tombstone};
    ///
    /// let plan = Plan::new().table(TablePlan::new("tags", Tombstone::Flag("is_deleted")));
    /// assert!(plan.down::<diesel::sqlite::Sqlite>().ends_with(
    ///     "DROP INDEX `tags_is_deleted_idx`;\nALTER TABLE `tags` DROP COLUMN `is_deleted`;\n",
    /// ));
    /// ```
    #[must_use]
    pub fn down<DB: SupportedBackend>(&self) -> String {
        let mut blocks: Vec<String> = self
            .tables
            .iter()
            .rev()
            .map(|table| table.down::<DB>().join("\n"))
            .collect();
        if self.ledger {
            blocks.push(format!(
                "DROP TABLE IF EXISTS {};",
                quote::<DB>(crate::dialect::ledger::TABLE)
            ));
        }
        self.file("Undoes", "soft-deletable", &blocks)
    }

    /// A file: a comment naming the tables, then the blocks, a blank line apart.
    fn file(&self, verb: &str, what: &str, blocks: &[String]) -> String {
        let names = self
            .tables
            .iter()
            .map(|table| format!("`{}`", table.name))
            .collect::<Vec<_>>()
            .join(", ");
        let subject = match (names.is_empty(), verb) {
            (true, _) => "the flag ledger".to_owned(),
            (false, "Undoes") => format!("making {names} {what}"),
            (false, _) => format!("{names} {what}"),
        };
        let mut out = format!("-- {verb} {subject} (soft_delete_core::migration::Plan).\n");
        for block in blocks {
            out.push('\n');
            out.push_str(block);
            out.push('\n');
        }
        out
    }

    /// [`up`](Plan::up) on a backend chosen at run time.
    ///
    /// ```
    /// use soft_delete_core::migration::{Dialect, Plan, TablePlan, Tombstone};
    ///
    /// let plan = Plan::new().table(TablePlan::new("tags", Tombstone::Flag("is_deleted")));
    /// assert_eq!(plan.up_in(Dialect::Sqlite), plan.up::<diesel::sqlite::Sqlite>());
    /// ```
    #[must_use]
    pub fn up_in(&self, dialect: Dialect) -> String {
        match dialect {
            #[cfg(feature = "sqlite")]
            Dialect::Sqlite => self.up::<diesel::sqlite::Sqlite>(),
            #[cfg(feature = "postgres")]
            Dialect::Postgres => self.up::<diesel::pg::Pg>(),
            #[cfg(feature = "mysql")]
            Dialect::Mysql => self.up::<diesel::mysql::Mysql>(),
        }
    }

    /// [`down`](Plan::down) on a backend chosen at run time.
    ///
    /// ```
    /// use soft_delete_core::migration::{Dialect, Plan, TablePlan, Tombstone};
    ///
    /// let plan = Plan::new().table(TablePlan::new("tags", Tombstone::Flag("is_deleted")));
    /// assert_eq!(plan.down_in(Dialect::Sqlite), plan.down::<diesel::sqlite::Sqlite>());
    /// ```
    #[must_use]
    pub fn down_in(&self, dialect: Dialect) -> String {
        match dialect {
            #[cfg(feature = "sqlite")]
            Dialect::Sqlite => self.down::<diesel::sqlite::Sqlite>(),
            #[cfg(feature = "postgres")]
            Dialect::Postgres => self.down::<diesel::pg::Pg>(),
            #[cfg(feature = "mysql")]
            Dialect::Mysql => self.down::<diesel::mysql::Mysql>(),
        }
    }

    /// Writes the migration as `diesel_migrations` reads it: `dir/<version>_<name>/up.sql` and
    /// `down.sql`, for `dialect`. Creates `dir` if needed; refuses to overwrite an existing
    /// migration directory, and a `name` that is empty or holds a path separator. Returns the
    /// migration's directory. [`version_now`] makes a version the way the diesel CLI does.
    ///
    /// ```
    /// use soft_delete_core::migration::{Dialect, Plan, TablePlan, Tombstone};
    ///
    /// # fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("sd_plan_doc_{}", std::process::id()));
    /// let plan = Plan::new().table(TablePlan::new("tags", Tombstone::Flag("is_deleted")));
    /// let written = plan.write_dir(Dialect::Sqlite, &dir, "2026-01-02-030405", "soft_delete_tags")?;
    /// assert!(written.ends_with("2026-01-02-030405_soft_delete_tags"));
    /// assert_eq!(std::fs::read_to_string(written.join("up.sql"))?, plan.up_in(Dialect::Sqlite));
    /// assert!(plan.write_dir(Dialect::Sqlite, &dir, "2026-01-02-030405", "soft_delete_tags").is_err());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn write_dir(
        &self,
        dialect: Dialect,
        dir: impl AsRef<std::path::Path>,
        version: &str,
        name: &str,
    ) -> std::io::Result<std::path::PathBuf> {
        let bad = |part: &str| part.is_empty() || part.contains(['/', '\\']) || part == "..";
        if bad(version) || bad(name) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "a migration's version and name must be plain, non-empty words, not `{version}` and `{name}`"
                ),
            ));
        }
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let migration = dir.join(format!("{version}_{name}"));
        std::fs::create_dir(&migration)?;
        std::fs::write(migration.join("up.sql"), self.up_in(dialect))?;
        std::fs::write(migration.join("down.sql"), self.down_in(dialect))?;
        Ok(migration)
    }
}

/// The SQL type [`Plan::for_graph`] gives actor columns until [`Plan::actor_type`] says otherwise.
const DEFAULT_ACTOR_TYPE: &str = "BIGINT";

/// A migration version as the diesel CLI writes one: the current UTC time as
/// `YYYY-MM-DD-HHMMSS`.
///
/// ```
/// let version = soft_delete_core::migration::version_now();
/// assert_eq!(version.len(), "2026-01-02-030405".len());
/// assert_eq!(version.matches('-').count(), 3);
/// ```
#[must_use]
pub fn version_now() -> String {
    chrono::Utc::now().format("%Y-%m-%d-%H%M%S").to_string()
}
