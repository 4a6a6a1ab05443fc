//! Schema audit: the foreign keys, unique keys and indexes of a live database that undo soft
//! delete, found before they bite.
//!
//! The seeds' bugs were all in the schema, not in the code: an `ON DELETE CASCADE` that turns a
//! purge into a silent wipe of live children (seeds 001, 003), a unique key a tombstone keeps
//! taken ("slug already exists", seed 000), children left visible under a tombstoned parent
//! (seeds 000, 004). [`catalog::read`] reads the schema, and two audits judge it:
//!
//! - [`audit_schema`] needs nothing but the database: a table is soft-deletable when it has one
//!   of the [`Options::tombstone_columns`] (`deleted_at` by default). The command-line tool
//!   `soft-delete audit` runs this one.
//! - [`audit_graphs`] (and [`audit`], which reads the catalog first) also knows the models'
//!   compiled [`CascadeGraph`]s: it tells which child tables no cascade edge covers, and where
//!   the models and the database have drifted apart.
//!
//! ```
//! use diesel::connection::SimpleConnection;
//! use diesel::prelude::*;
//! use soft_delete_core::audit::{self, Hazard, Options};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let conn = &mut SqliteConnection::establish(":memory:")?;
//! conn.batch_execute(
//!     "CREATE TABLE sites (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, deleted_at TIMESTAMP);
//!      CREATE INDEX sites_deleted_at ON sites (deleted_at);",
//! )?;
//!
//! let report = audit::audit_schema(&audit::catalog::read(conn)?, &Options::default());
//! assert!(matches!(
//!     &report.hazards[..],
//!     [Hazard::UniqueCountsTombstones { table, .. }] if table == "sites"
//! ));
//! println!("{report}"); // an aligned table: kind, table, detail, what to do
//! # Ok(())
//! # }
//! ```

mod report;

use diesel::connection::LoadConnection;

use crate::dialect::SupportedBackend;
pub use crate::dialect::catalog;
use crate::model::graph::{CascadeGraph, Target};
use catalog::{Catalog, FkAction, ForeignKey, Index, Table, mentions, same};
pub use report::{AuditReport, Hazard};

/// What [`audit_schema`] takes for a tombstone.
///
/// ```
/// use soft_delete_core::audit::Options;
///
/// assert_eq!(Options::default().tombstone_columns, ["deleted_at"]);
/// let options = Options::default().tombstone_column("is_deleted");
/// assert_eq!(options.tombstone_columns, ["deleted_at", "is_deleted"]);
/// let options = Options::with_tombstone_columns(["removed_on"]);
/// assert_eq!(options.tombstone_columns, ["removed_on"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The column names that mark a table soft-deletable (compared case-insensitively). A table
    /// with more than one of them is judged on each.
    pub tombstone_columns: Vec<String>,
}

impl Default for Options {
    /// `deleted_at`, the derive's default tombstone.
    fn default() -> Self {
        Options::with_tombstone_columns(["deleted_at"])
    }
}

impl Options {
    /// Exactly these tombstone columns, instead of the default.
    ///
    /// ```
    /// # use soft_delete_core::audit::Options;
    /// assert!(Options::with_tombstone_columns(Vec::<String>::new()).tombstone_columns.is_empty());
    /// ```
    #[must_use]
    pub fn with_tombstone_columns<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Options {
            tombstone_columns: columns.into_iter().map(Into::into).collect(),
        }
    }

    /// One more tombstone column.
    ///
    /// ```
    /// # use soft_delete_core::audit::Options;
    /// assert_eq!(Options::default().tombstone_column("archived_at").tombstone_columns.len(), 2);
    /// ```
    #[must_use]
    pub fn tombstone_column(mut self, column: impl Into<String>) -> Self {
        self.tombstone_columns.push(column.into());
        self
    }

    /// The tombstone columns `table` has, as the table spells them.
    fn tombstones_of<'t>(&self, table: &'t Table) -> Vec<&'t str> {
        table
            .columns
            .iter()
            .filter(|column| self.tombstone_columns.iter().any(|t| same(t, &column.name)))
            .map(|column| column.name.as_str())
            .collect()
    }
}

/// Audits a schema with nothing but the schema: every table with one of the
/// [`Options::tombstone_columns`] is soft-deletable, and is checked for
/// [`CascadingForeignKey`](Hazard::CascadingForeignKey),
/// [`ChildWithoutTombstone`](Hazard::ChildWithoutTombstone),
/// [`UniqueCountsTombstones`](Hazard::UniqueCountsTombstones),
/// [`CoarseTombstone`](Hazard::CoarseTombstone) and
/// [`UnindexedTombstone`](Hazard::UnindexedTombstone).
///
/// ```
/// use diesel::connection::SimpleConnection;
/// use diesel::prelude::*;
/// use soft_delete_core::audit::{Hazard, Options, audit_schema, catalog};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let conn = &mut SqliteConnection::establish(":memory:")?;
/// conn.batch_execute(
///     "CREATE TABLE repos (id INTEGER PRIMARY KEY, deleted_at TIMESTAMP);
///      CREATE INDEX repos_deleted_at ON repos (deleted_at);
///      CREATE TABLE stars (id INTEGER PRIMARY KEY,
///                          repo_id INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE);",
/// )?;
///
/// let report = audit_schema(&catalog::read(conn)?, &Options::default());
/// let kinds: Vec<(&str, &str)> = report.hazards.iter().map(|h| (h.kind(), h.table())).collect();
/// assert_eq!(kinds, [("cascading-foreign-key", "stars"), ("child-without-tombstone", "stars")]);
/// assert!(report.hazards[0].to_string().contains("ON DELETE RESTRICT"));
/// # Ok(())
/// # }
/// ```
#[must_use]
pub fn audit_schema(catalog: &Catalog, options: &Options) -> AuditReport {
    let mut hazards = Vec::new();
    for table in &catalog.tables {
        let tombstones = options.tombstones_of(table);
        if tombstones.is_empty() {
            continue;
        }
        for fk in catalog.references_to(&table.name) {
            cascading(fk, &mut hazards);
            let child = catalog.table(&fk.table);
            if child.is_some_and(|child| options.tombstones_of(child).is_empty()) {
                hazards.push(Hazard::ChildWithoutTombstone {
                    table: fk.table.clone(),
                    columns: fk.columns.clone(),
                    constraint: fk.name.clone(),
                    referenced_table: fk.referenced_table.clone(),
                });
            }
        }
        table_checks(table, &tombstones, &mut hazards);
    }
    AuditReport::new(hazards)
}

/// Audits a schema against the models' compiled cascade graphs: every graph reachable from
/// `graphs` is a soft-deletable table with its tombstone, and its edges say which child tables
/// are taken care of. Finds [`CascadingForeignKey`](Hazard::CascadingForeignKey),
/// [`UncoveredChild`](Hazard::UncoveredChild),
/// [`UniqueCountsTombstones`](Hazard::UniqueCountsTombstones),
/// [`CoarseTombstone`](Hazard::CoarseTombstone),
/// [`UnindexedTombstone`](Hazard::UnindexedTombstone), and the drift between models and
/// database: [`MissingTable`](Hazard::MissingTable) and
/// [`UnmodelledTable`](Hazard::UnmodelledTable) (a table with a tombstone column, `deleted_at`
/// or one the graphs use, that no graph names).
///
/// A foreign key from table `X` column `c` into a graph's table is covered by an edge of that
/// graph through `c` to `X`'s model, or by an `owned` edge of `X`'s graph through `c`. An edge
/// to a model by name only (`#[cascade(Webhook(hard))]`, a `restrict` edge) names the model,
/// not its table: it covers the one table whose foreign key through `c`
/// references the parent, or, when several do, those whose names match the model's
/// (`Webhook`: `webhooks`; `StationIndexEntry`: `station_index`), or all of them when none
/// matches.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::connection::SimpleConnection;
/// use soft_delete_core::SoftDelete;
/// use soft_delete_core::audit::{Hazard, audit_graphs, catalog};
///
/// let conn = &mut fixture();
/// conn.batch_execute(
///     "CREATE INDEX repos_deleted_at ON repos (deleted_at);
///      CREATE TABLE stars (id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL REFERENCES repos (id));",
/// )?;
///
/// let report = audit_graphs(&catalog::read(conn)?, &[Repo::cascade_graph()]);
/// assert!(matches!(
///     &report.hazards[..],
///     [Hazard::UncoveredChild { table, model, .. }] if table == "stars" && model == "Repo"
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn audit_graphs(catalog: &Catalog, graphs: &[&'static CascadeGraph]) -> AuditReport {
    let nodes = reachable(graphs);
    let mut hazards = Vec::new();
    for graph in &nodes {
        let Some(table) = catalog.table(graph.table) else {
            hazards.push(Hazard::MissingTable {
                table: graph.table.to_owned(),
                column: None,
                model: graph.model.to_owned(),
            });
            continue;
        };
        edge_columns(catalog, graph, &mut hazards);
        for fk in catalog.references_to(&table.name) {
            cascading(fk, &mut hazards);
            if !covered(fk, graph, &nodes) {
                hazards.push(Hazard::UncoveredChild {
                    table: fk.table.clone(),
                    columns: fk.columns.clone(),
                    constraint: fk.name.clone(),
                    referenced_table: fk.referenced_table.clone(),
                    model: graph.model.to_owned(),
                });
            }
        }
        if table.column(graph.tombstone).is_none() {
            hazards.push(Hazard::MissingTable {
                table: table.name.clone(),
                column: Some(graph.tombstone.to_owned()),
                model: graph.model.to_owned(),
            });
            continue;
        }
        table_checks(table, &[graph.tombstone], &mut hazards);
    }

    let mut tombstones = vec!["deleted_at"];
    tombstones.extend(nodes.iter().map(|graph| graph.tombstone));
    for table in &catalog.tables {
        if nodes.iter().any(|graph| same(graph.table, &table.name)) {
            continue;
        }
        if let Some(column) = table
            .columns
            .iter()
            .find(|column| tombstones.iter().any(|t| same(t, &column.name)))
        {
            hazards.push(Hazard::UnmodelledTable {
                table: table.name.clone(),
                column: column.name.clone(),
            });
        }
    }
    AuditReport::new(hazards)
}

/// Reads the schema `conn` is connected to and audits it against the models' cascade graphs:
/// [`catalog::read`] then [`audit_graphs`].
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::connection::SimpleConnection;
/// use soft_delete_core::SoftDelete;
///
/// let conn = &mut fixture();
/// let report = soft_delete_core::audit::audit(conn, &[Repo::cascade_graph()])?;
/// assert_eq!(report.hazards[0].kind(), "unindexed-tombstone");
///
/// conn.batch_execute("CREATE INDEX repos_deleted_at ON repos (deleted_at)")?;
/// let report = soft_delete_core::audit::audit(conn, &[Repo::cascade_graph(), IssueComment::cascade_graph()])?;
/// assert_eq!(report.hazards.len(), 1, "{report}"); // issue_comments.is_deleted has no index
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn audit<C>(conn: &mut C, graphs: &[&'static CascadeGraph]) -> crate::Result<AuditReport>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
{
    Ok(audit_graphs(&catalog::read(conn)?, graphs))
}

/// Every graph reachable from `roots`, each table once, roots first.
fn reachable(roots: &[&'static CascadeGraph]) -> Vec<&'static CascadeGraph> {
    let mut nodes: Vec<&'static CascadeGraph> = Vec::new();
    let mut queue: Vec<&'static CascadeGraph> = roots.iter().rev().copied().collect();
    while let Some(graph) = queue.pop() {
        if nodes.iter().any(|seen| same(seen.table, graph.table)) {
            continue;
        }
        nodes.push(graph);
        for edge in graph.edges.iter().rev() {
            if let Target::Model(child) = edge.target {
                queue.push(child.get());
            }
        }
    }
    nodes
}

/// An `ON DELETE CASCADE` into a soft-deletable table.
fn cascading(fk: &ForeignKey, hazards: &mut Vec<Hazard>) {
    if fk.on_delete == FkAction::Cascade {
        hazards.push(Hazard::CascadingForeignKey {
            table: fk.table.clone(),
            columns: fk.columns.clone(),
            constraint: fk.name.clone(),
            referenced_table: fk.referenced_table.clone(),
        });
    }
}

/// Whether a cascade edge takes care of `fk`, a foreign key into `parent`'s table.
fn covered(fk: &ForeignKey, parent: &CascadeGraph, nodes: &[&'static CascadeGraph]) -> bool {
    let through = |column: &str| fk.columns.iter().any(|c| same(c, column));
    let from_parent = parent.edges.iter().any(|edge| {
        !edge.owned
            && through(edge.column)
            && match edge.target {
                Target::Model(child) => same(child.table, &fk.table),
                Target::Itself => same(parent.table, &fk.table),
                Target::Other(table) => same(table, &fk.table),
            }
    });
    // An owned record: the key sits on the owner, whose graph reaches down through it.
    let from_owner = nodes
        .iter()
        .filter(|owner| same(owner.table, &fk.table))
        .flat_map(|owner| owner.edges)
        .any(|edge| {
            edge.owned
                && through(edge.column)
                && matches!(edge.target, Target::Model(child) if same(child.table, parent.table))
        });
    from_parent || from_owner
}

/// Edge columns the database lacks, on tables it has.
fn edge_columns(catalog: &Catalog, graph: &CascadeGraph, hazards: &mut Vec<Hazard>) {
    for edge in graph.edges {
        let (table, model) = match edge.target {
            Target::Model(child) if !edge.owned => (child.table, child.model),
            Target::Model(_) | Target::Itself => (graph.table, graph.model),
            Target::Other(table) => (table, graph.model),
        };
        if let Some(found) = catalog.table(table)
            && found.column(edge.column).is_none()
        {
            hazards.push(Hazard::MissingTable {
                table: found.name.clone(),
                column: Some(edge.column.to_owned()),
                model: model.to_owned(),
            });
        }
    }
}

/// The unique keys that count tombstones, and the tombstones that keep too few digits of a
/// second or that no index covers, of one soft-deletable table.
fn table_checks(table: &Table, tombstones: &[&str], hazards: &mut Vec<Hazard>) {
    for index in &table.indexes {
        if index.unique && !index.primary && !respects(table, index, tombstones) {
            hazards.push(Hazard::UniqueCountsTombstones {
                table: table.name.clone(),
                index: index.name.clone(),
                columns: index.columns.clone(),
                tombstone: tombstones[0].to_owned(),
            });
        }
    }
    for tombstone in tombstones {
        if let Some(digits) = table
            .column(tombstone)
            .and_then(|column| column.second_digits)
            .filter(|digits| *digits < 6)
        {
            hazards.push(Hazard::CoarseTombstone {
                table: table.name.clone(),
                column: (*tombstone).to_owned(),
                digits,
            });
        }
        let indexed = table.indexes.iter().any(|index| {
            index.columns.iter().any(|c| mentions(c, tombstone))
                || index
                    .predicate
                    .as_deref()
                    .is_some_and(|p| mentions(p, tombstone))
        });
        if !indexed {
            hazards.push(Hazard::UnindexedTombstone {
                table: table.name.clone(),
                column: (*tombstone).to_owned(),
            });
        }
    }
}

/// Whether a unique index leaves tombstoned rows out: a partial predicate on the tombstone, the
/// tombstone among its keys, or a key column generated from the tombstone (MySQL's live marker).
fn respects(table: &Table, index: &Index, tombstones: &[&str]) -> bool {
    tombstones.iter().any(|tombstone| {
        index
            .predicate
            .as_deref()
            .is_some_and(|p| mentions(p, tombstone))
            || index.columns.iter().any(|key| {
                mentions(key, tombstone)
                    || table
                        .column(key)
                        .is_some_and(|column| column.derives_from(tombstone))
            })
    })
}
