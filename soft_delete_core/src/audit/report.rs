//! What an audit found, printable as an aligned table, or as JSON with the `serde` feature.

use core::fmt;

/// One thing in a schema that works against soft delete, with what to write instead.
///
/// Tables are named as the database spells them; `table` is always the table to look at (for a
/// foreign key, the referencing one, where the constraint is declared).
///
/// ```
/// use soft_delete_core::audit::Hazard;
///
/// let hazard = Hazard::UnindexedTombstone { table: "repos".into(), column: "deleted_at".into() };
/// assert_eq!((hazard.kind(), hazard.table()), ("unindexed-tombstone", "repos"));
/// assert_eq!(hazard.columns(), ["deleted_at"]);
/// assert!(hazard.to_string().contains("`repos`.`deleted_at`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hazard {
    /// A foreign key with `ON DELETE CASCADE` into a soft-deletable table: a hard delete in
    /// disguise. A purge, or any `DELETE` of a parent row, wipes the children for real, and
    /// restore cannot bring them back.
    CascadingForeignKey {
        /// The referencing table.
        table: String,
        /// The foreign key's columns.
        columns: Vec<String>,
        /// The constraint's name, where the database keeps one.
        constraint: Option<String>,
        /// The soft-deletable table it references.
        referenced_table: String,
    },
    /// A foreign key into a modelled soft-deletable table that no cascade edge covers: soft
    /// deleting a parent row leaves its children live, pointing at a tombstone.
    UncoveredChild {
        /// The referencing table.
        table: String,
        /// The foreign key's columns.
        columns: Vec<String>,
        /// The constraint's name, where the database keeps one.
        constraint: Option<String>,
        /// The soft-deletable table it references.
        referenced_table: String,
        /// The model of the referenced table, where the edge belongs.
        model: String,
    },
    /// A table without a tombstone column that references a soft-deletable table: its rows
    /// stay visible when their parent is tombstoned.
    ChildWithoutTombstone {
        /// The referencing table.
        table: String,
        /// The foreign key's columns.
        columns: Vec<String>,
        /// The constraint's name, where the database keeps one.
        constraint: Option<String>,
        /// The soft-deletable table it references.
        referenced_table: String,
    },
    /// A unique index or constraint (not the primary key) of a soft-deletable table that still
    /// counts tombstoned rows: deleting `shop` leaves the name `shop` taken (seed 000).
    UniqueCountsTombstones {
        /// The soft-deletable table.
        table: String,
        /// The index or constraint.
        index: String,
        /// Its key columns.
        columns: Vec<String>,
        /// The table's tombstone column.
        tombstone: String,
    },
    /// A timestamp tombstone that keeps fewer than six digits of a second (MySQL's plain
    /// `DATETIME`, `timestamp(0)`): two operations within the same second share a stamp, and
    /// restoring one brings back rows the other tombstoned on their own.
    CoarseTombstone {
        /// The soft-deletable table.
        table: String,
        /// The tombstone column.
        column: String,
        /// The digits of a second it keeps.
        digits: u8,
    },
    /// A tombstone column that no index covers, as a key column or in a partial predicate:
    /// every scope filters on it.
    UnindexedTombstone {
        /// The soft-deletable table.
        table: String,
        /// The tombstone column.
        column: String,
    },
    /// Drift: a table a model's graph names, or a column its graph needs (the tombstone, an
    /// edge's key), that the database lacks.
    MissingTable {
        /// The table.
        table: String,
        /// The missing column; `None` when the whole table is missing.
        column: Option<String>,
        /// The model that names it.
        model: String,
    },
    /// Drift, the other way: a table with a tombstone column that no audited graph names, so
    /// nothing checks how it is deleted.
    UnmodelledTable {
        /// The table.
        table: String,
        /// Its tombstone column.
        column: String,
    },
}

impl Hazard {
    /// The hazard's kind, in kebab case: `cascading-foreign-key`, `uncovered-child`,
    /// `child-without-tombstone`, `unique-counts-tombstones`, `coarse-tombstone`,
    /// `unindexed-tombstone`, `missing-table`, `unmodelled-table`.
    ///
    /// ```
    /// # use soft_delete_core::audit::Hazard;
    /// let hazard = Hazard::UnmodelledTable { table: "logs".into(), column: "deleted_at".into() };
    /// assert_eq!(hazard.kind(), "unmodelled-table");
    /// ```
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Hazard::CascadingForeignKey { .. } => "cascading-foreign-key",
            Hazard::UncoveredChild { .. } => "uncovered-child",
            Hazard::ChildWithoutTombstone { .. } => "child-without-tombstone",
            Hazard::UniqueCountsTombstones { .. } => "unique-counts-tombstones",
            Hazard::CoarseTombstone { .. } => "coarse-tombstone",
            Hazard::UnindexedTombstone { .. } => "unindexed-tombstone",
            Hazard::MissingTable { .. } => "missing-table",
            Hazard::UnmodelledTable { .. } => "unmodelled-table",
        }
    }

    /// Where the kind sorts in a report: the data-losing hazards first.
    fn rank(&self) -> u8 {
        match self {
            Hazard::CascadingForeignKey { .. } => 0,
            Hazard::UncoveredChild { .. } => 1,
            Hazard::ChildWithoutTombstone { .. } => 2,
            Hazard::UniqueCountsTombstones { .. } => 3,
            Hazard::CoarseTombstone { .. } => 4,
            Hazard::UnindexedTombstone { .. } => 5,
            Hazard::MissingTable { .. } => 6,
            Hazard::UnmodelledTable { .. } => 7,
        }
    }

    /// The table to look at.
    ///
    /// ```
    /// # use soft_delete_core::audit::Hazard;
    /// let hazard = Hazard::MissingTable { table: "pages".into(), column: None, model: "Page".into() };
    /// assert_eq!(hazard.table(), "pages");
    /// ```
    #[must_use]
    pub fn table(&self) -> &str {
        match self {
            Hazard::CascadingForeignKey { table, .. }
            | Hazard::UncoveredChild { table, .. }
            | Hazard::ChildWithoutTombstone { table, .. }
            | Hazard::UniqueCountsTombstones { table, .. }
            | Hazard::CoarseTombstone { table, .. }
            | Hazard::UnindexedTombstone { table, .. }
            | Hazard::MissingTable { table, .. }
            | Hazard::UnmodelledTable { table, .. } => table,
        }
    }

    /// The columns it is about: a foreign key's or a unique index's columns, the tombstone, the
    /// missing column (none for a missing table).
    ///
    /// ```
    /// # use soft_delete_core::audit::Hazard;
    /// let hazard = Hazard::MissingTable { table: "pages".into(), column: None, model: "Page".into() };
    /// assert!(hazard.columns().is_empty());
    /// ```
    #[must_use]
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Hazard::CascadingForeignKey { columns, .. }
            | Hazard::UncoveredChild { columns, .. }
            | Hazard::ChildWithoutTombstone { columns, .. }
            | Hazard::UniqueCountsTombstones { columns, .. } => {
                columns.iter().map(String::as_str).collect()
            }
            Hazard::CoarseTombstone { column, .. }
            | Hazard::UnindexedTombstone { column, .. }
            | Hazard::UnmodelledTable { column, .. } => vec![column],
            Hazard::MissingTable { column, .. } => column.as_deref().into_iter().collect(),
        }
    }

    /// What is wrong, naming the table, columns and constraint.
    ///
    /// ```
    /// # use soft_delete_core::audit::Hazard;
    /// let hazard = Hazard::UnindexedTombstone { table: "repos".into(), column: "deleted_at".into() };
    /// assert_eq!(hazard.detail(), "`repos`.`deleted_at` is in no index");
    /// ```
    #[must_use]
    pub fn detail(&self) -> String {
        match self {
            Hazard::CascadingForeignKey {
                table,
                columns,
                constraint,
                referenced_table,
            } => format!(
                "{}{} references soft-deletable `{referenced_table}` ON DELETE CASCADE: \
                 deleting a `{referenced_table}` row for real wipes its `{table}` rows",
                reference(table, columns),
                named(constraint.as_deref()),
            ),
            Hazard::UncoveredChild {
                table,
                columns,
                constraint,
                referenced_table,
                model,
            } => format!(
                "{}{} references `{referenced_table}`, but no cascade edge of `{model}` covers it: \
                 its rows stay live under a tombstoned parent",
                reference(table, columns),
                named(constraint.as_deref()),
            ),
            Hazard::ChildWithoutTombstone {
                table,
                columns,
                constraint,
                referenced_table,
            } => format!(
                "{}{} references soft-deletable `{referenced_table}`, but `{table}` has no \
                 tombstone: its rows stay visible when their parent is tombstoned",
                reference(table, columns),
                named(constraint.as_deref()),
            ),
            Hazard::UniqueCountsTombstones {
                table,
                index,
                columns,
                ..
            } => format!(
                "unique `{index}` on `{table}` ({}) counts tombstoned rows: a deleted row keeps \
                 its key taken",
                quoted(columns),
            ),
            Hazard::CoarseTombstone {
                table,
                column,
                digits,
            } => format!(
                "`{table}`.`{column}` keeps {digits} digits of a second: two operations within \
                 the same {} share a stamp, and restoring one brings back rows the other \
                 tombstoned",
                match digits {
                    0 => "second".to_owned(),
                    _ => format!("1/{} of a second", 10_u64.pow(u32::from(*digits))),
                }
            ),
            Hazard::UnindexedTombstone { table, column } => {
                format!("`{table}`.`{column}` is in no index")
            }
            Hazard::MissingTable {
                table,
                column: None,
                model,
            } => format!("model `{model}` names table `{table}`, which the database lacks"),
            Hazard::MissingTable {
                table,
                column: Some(column),
                model,
            } => format!(
                "model `{model}` needs column `{table}`.`{column}`, which the database lacks"
            ),
            Hazard::UnmodelledTable { table, column } => format!(
                "`{table}` has a tombstone column `{column}`, but no audited cascade graph names it"
            ),
        }
    }

    /// What to write instead.
    ///
    /// ```
    /// # use soft_delete_core::audit::Hazard;
    /// let hazard = Hazard::UnindexedTombstone { table: "repos".into(), column: "deleted_at".into() };
    /// assert!(hazard.advice().contains("CREATE INDEX"));
    /// ```
    #[must_use]
    pub fn advice(&self) -> String {
        match self {
            Hazard::CascadingForeignKey {
                referenced_table, ..
            } => format!(
                "make it ON DELETE RESTRICT/NO ACTION and let #[cascade] on the model of \
                 `{referenced_table}` tombstone the children"
            ),
            Hazard::UncoveredChild { model, .. } => format!(
                "add #[cascade(Child)] to `{model}` for this table's model (Child(hard) or \
                 Child(restrict) if it has no tombstone), or #[cascade(Child(keep))] if its rows \
                 outlive their parent on purpose"
            ),
            Hazard::ChildWithoutTombstone { table, .. } => format!(
                "add a tombstone to `{table}` (migration::add_tombstone) and #[cascade(Child)] on \
                 the parent's model, or #[cascade(Child(hard))] / #[cascade(Child(restrict))]"
            ),
            Hazard::UniqueCountsTombstones { tombstone, .. } => format!(
                "replace it with migration::unique_while_live, a unique key over live rows only \
                 (a partial index on `{tombstone}`; a generated live column on MySQL)"
            ),
            Hazard::CoarseTombstone { table, column, .. } => format!(
                "widen `{table}`.`{column}` to microseconds: DATETIME(6) on MySQL/MariaDB, \
                 timestamp (6 digits, the default) on PostgreSQL; migration::add_tombstone \
                 writes those"
            ),
            Hazard::UnindexedTombstone { table, column } => format!(
                "CREATE INDEX on `{table}` (`{column}`) (migration::add_tombstone makes one), or \
                 name it in a partial index's WHERE"
            ),
            Hazard::MissingTable { .. } => "run the migration that creates it, or fix the \
                 model's #[diesel(table_name)] / #[soft_delete] / #[cascade] attributes"
                .to_owned(),
            Hazard::UnmodelledTable { .. } => "derive SoftDelete for its model and audit its \
                 graph (reach it through a #[cascade] or pass it as a root), or drop the column"
                .to_owned(),
        }
    }
}

impl fmt::Display for Hazard {
    /// The detail, then what to do.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.detail(), self.advice())
    }
}

/// `` `table`.`column` `` or `` `table` (`a`, `b`) ``.
fn reference(table: &str, columns: &[String]) -> String {
    match columns {
        [column] => format!("`{table}`.`{column}`"),
        _ => format!("`{table}` ({})", quoted(columns)),
    }
}

fn quoted(columns: &[String]) -> String {
    columns
        .iter()
        .map(|column| format!("`{column}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn named(constraint: Option<&str>) -> String {
    constraint.map_or_else(String::new, |name| format!(" (constraint `{name}`)"))
}

/// The hazards an audit found, ordered by table, then by kind (data-losing kinds first).
///
/// Displays as an aligned table (kind, table, detail, what to do), or `no hazards found`.
///
/// ```
/// use soft_delete_core::audit::{AuditReport, Hazard};
///
/// let report = AuditReport::new(vec![Hazard::UnindexedTombstone {
///     table: "repos".into(),
///     column: "deleted_at".into(),
/// }]);
/// assert!(!report.is_clean());
/// let text = report.to_string();
/// assert!(text.starts_with("KIND"));
/// assert!(text.contains("unindexed-tombstone  repos"));
/// assert_eq!(AuditReport::default().to_string(), "no hazards found\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditReport {
    /// What was found.
    pub hazards: Vec<Hazard>,
}

impl AuditReport {
    /// A report of `hazards`, sorted, each once.
    ///
    /// ```
    /// # use soft_delete_core::audit::{AuditReport, Hazard};
    /// let hazard = Hazard::UnmodelledTable { table: "logs".into(), column: "deleted_at".into() };
    /// assert_eq!(AuditReport::new(vec![hazard.clone(), hazard]).hazards.len(), 1);
    /// ```
    #[must_use]
    pub fn new(mut hazards: Vec<Hazard>) -> Self {
        hazards.sort_by_cached_key(|hazard| {
            (
                hazard.table().to_lowercase(),
                hazard.rank(),
                hazard.detail(),
            )
        });
        hazards.dedup();
        AuditReport { hazards }
    }

    /// Whether nothing was found.
    ///
    /// ```
    /// assert!(soft_delete_core::audit::AuditReport::default().is_clean());
    /// ```
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.hazards.is_empty()
    }
}

/// With the `serde` feature: `{"clean": bool, "hazards": [...]}`, each hazard as [`Hazard`]
/// serializes, for `serde_json::to_string(&report)` (the audit CLI's `--json`).
///
/// ```
/// use soft_delete_core::audit::AuditReport;
///
/// let json = serde_json::to_string(&AuditReport::default()).unwrap();
/// assert_eq!(json, r#"{"clean":true,"hazards":[]}"#);
/// ```
#[cfg(feature = "serde")]
impl serde::Serialize for AuditReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct View<'a> {
            clean: bool,
            hazards: &'a [Hazard],
        }
        View {
            clean: self.is_clean(),
            hazards: &self.hazards,
        }
        .serialize(serializer)
    }
}

/// With the `serde` feature: one flat object per hazard, the same keys for every kind, `null`
/// for what a kind does not have: `kind`, `table`, `columns`, `constraint` (the index's name for
/// a unique key), `referenced_table`, `model`, `detail` and `advice`.
///
/// ```
/// use soft_delete_core::audit::Hazard;
///
/// let hazard = Hazard::UnmodelledTable { table: "a\"b".into(), column: "deleted_at".into() };
/// let json = serde_json::to_string(&hazard).unwrap();
/// assert!(json.starts_with(
///     r#"{"kind":"unmodelled-table","table":"a\"b","columns":["deleted_at"],"constraint":null,"referenced_table":null,"model":null,"detail":"#
/// ));
/// ```
#[cfg(feature = "serde")]
impl serde::Serialize for Hazard {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct View<'a> {
            kind: &'static str,
            table: &'a str,
            columns: Vec<&'a str>,
            constraint: Option<&'a str>,
            referenced_table: Option<&'a str>,
            model: Option<&'a str>,
            detail: String,
            advice: String,
        }
        let (constraint, referenced_table, model) = match self {
            Hazard::CascadingForeignKey {
                constraint,
                referenced_table,
                ..
            }
            | Hazard::ChildWithoutTombstone {
                constraint,
                referenced_table,
                ..
            } => (constraint.as_deref(), Some(referenced_table.as_str()), None),
            Hazard::UncoveredChild {
                constraint,
                referenced_table,
                model,
                ..
            } => (
                constraint.as_deref(),
                Some(referenced_table.as_str()),
                Some(model.as_str()),
            ),
            Hazard::UniqueCountsTombstones { index, .. } => (Some(index.as_str()), None, None),
            Hazard::MissingTable { model, .. } => (None, None, Some(model.as_str())),
            Hazard::CoarseTombstone { .. }
            | Hazard::UnindexedTombstone { .. }
            | Hazard::UnmodelledTable { .. } => (None, None, None),
        };
        View {
            kind: self.kind(),
            table: self.table(),
            columns: self.columns(),
            constraint,
            referenced_table,
            model,
            detail: self.detail(),
            advice: self.advice(),
        }
        .serialize(serializer)
    }
}

impl fmt::Display for AuditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_clean() {
            return writeln!(f, "no hazards found");
        }
        let rows: Vec<[String; 4]> = self
            .hazards
            .iter()
            .map(|hazard| {
                [
                    hazard.kind().to_owned(),
                    hazard.table().to_owned(),
                    hazard.detail(),
                    hazard.advice(),
                ]
            })
            .collect();
        let header = ["KIND", "TABLE", "DETAIL", "WHAT TO DO"].map(str::to_owned);
        let mut widths = [0usize; 3];
        for row in core::iter::once(&header).chain(&rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for row in core::iter::once(&header).chain(&rows) {
            for (width, cell) in widths.iter().zip(row) {
                write!(f, "{cell}{:pad$}  ", "", pad = width - cell.chars().count())?;
            }
            writeln!(f, "{}", row[3])?;
        }
        writeln!(
            f,
            "{} hazard(s): see soft_delete_core::audit for each kind",
            self.hazards.len()
        )
    }
}
