//! What an operation did, returned by every soft delete and restore.

use std::borrow::Cow;

use chrono::NaiveDateTime;

/// Which operation a [`Report`] describes.
///
/// ```
/// use soft_delete_core::Operation;
///
/// assert_eq!(Operation::SoftDelete.to_string(), "soft delete");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Operation {
    /// Rows were tombstoned.
    SoftDelete,
    /// Tombstones were cleared.
    Restore,
    /// Tombstoned rows were deleted for real.
    Purge,
    /// A row and its subtree were deleted for real.
    HardDelete,
}

impl core::fmt::Display for Operation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Operation::SoftDelete => "soft delete",
            Operation::Restore => "restore",
            Operation::Purge => "purge",
            Operation::HardDelete => "hard delete",
        })
    }
}

/// How the row an operation was aimed at stood when the operation ran.
///
/// ```
/// use soft_delete_core::Outcome;
///
/// assert!(Outcome::AlreadyDeleted.is_noop());
/// assert!(!Outcome::Changed.is_noop());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Outcome {
    /// The operation changed the target (for a bulk operation: at least one row).
    Changed,
    /// A soft delete found the target already tombstoned and left it, and its stamp, alone.
    AlreadyDeleted,
    /// A restore found the target live and left it alone.
    AlreadyActive,
    /// A bulk operation's filter selected no row that needed changing.
    NothingMatched,
}

impl Outcome {
    /// Whether the operation left the database as it found it.
    #[must_use]
    pub fn is_noop(self) -> bool {
        !matches!(self, Outcome::Changed)
    }
}

/// Rows one operation changed in one table.
///
/// ```
/// use soft_delete_core::TableChange;
///
/// let change = TableChange { table: "repos".into(), rows: 1 };
/// assert_eq!(change.to_string(), "repos: 1 row");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TableChange {
    /// The table: as named in the Diesel schema for soft-deletable models, as the database
    /// names it for tables a cascade hard-deletes from.
    pub table: Cow<'static, str>,
    /// How many of its rows the operation changed.
    pub rows: usize,
}

impl core::fmt::Display for TableChange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let noun = if self.rows == 1 { "row" } else { "rows" };
        write!(f, "{}: {} {noun}", self.table, self.rows)
    }
}

/// What one soft delete or restore did.
///
/// Every row an operation tombstones gets the same [`stamp`](Report::stamp) (and actor); rows
/// that were already tombstoned keep theirs and are not counted.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Operation, Outcome};
///
/// # let conn = &mut fixture();
/// let report = Repo::soft_delete(conn, 1)?;
/// assert_eq!(report.operation, Operation::SoftDelete);
/// assert_eq!(report.outcome, Outcome::Changed);
/// assert_eq!(report.rows_in("repos"), 1);
/// assert_eq!(report.total_rows(), 1);
/// assert!(report.to_string().ends_with("UTC: repos: 1 row"));
///
/// // A second delete changes nothing and writes no stamp, so its message shows none.
/// let again = Repo::soft_delete(conn, 1)?;
/// assert_eq!(again.to_string(), "soft delete: already deleted, nothing changed");
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
///
/// With the `serde` feature it is [`serde::Serialize`]: the operation and outcome in snake
/// case, the stamp as chrono writes a `NaiveDateTime` (ISO 8601, UTC, no offset), the changes
/// as `{"table", "rows"}` objects.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// # #[cfg(feature = "serde")] {
/// # let conn = &mut fixture();
/// let report = Repo::soft_delete(conn, 1)?;
/// let json: serde_json::Value = serde_json::to_value(&report).unwrap();
/// assert_eq!(json["operation"], "soft_delete");
/// assert_eq!(json["outcome"], "changed");
/// assert_eq!(json["changes"], serde_json::json!([{ "table": "repos", "rows": 1 }]));
/// assert_eq!(json["stamp"], report.stamp.format("%Y-%m-%dT%H:%M:%S%.f").to_string());
/// # }
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Report {
    /// The operation.
    pub operation: Operation,
    /// How the target stood: changed, or already in the requested state.
    pub outcome: Outcome,
    /// The operation's time in UTC, to the microsecond: the value written to every timestamp
    /// tombstone this operation set.
    pub stamp: NaiveDateTime,
    /// Rows changed, per table, the target's table first. Empty when nothing changed.
    pub changes: Vec<TableChange>,
    /// Rows a purge left in place because something still holds them, each with what holds
    /// it; the purge went on with the others. Empty for every other operation.
    pub held: Vec<Held>,
}

/// A tombstoned row a purge left in place: something still references it (a live row under it,
/// a restricting foreign key from outside the cascade, an owner holding its key), so deleting
/// it would break that reference or delete a live row.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::connection::SimpleConnection;
/// use soft_delete_core::SoftDelete;
/// use soft_delete_core::purge::Purge;
///
/// # let conn = &mut fixture();
/// // Repo 3 is tombstoned, and a row outside its cascade still points at it.
/// conn.batch_execute(
///     "CREATE TABLE stars (id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL REFERENCES repos (id));
///      INSERT INTO stars (id, repo_id) VALUES (1, 3);",
/// )?;
/// let report = Repo::purge(conn, Purge::any_age())?;
/// let held = &report.held[0];
/// assert_eq!((held.key.as_str(), held.held_by.as_str()), ("3", "stars.repo_id"));
/// assert_eq!(held.to_string(), "3, held by stars.repo_id");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Held {
    /// The row's key, as written by its `Debug` impl.
    pub key: String,
    /// What holds it: `table.column` for a foreign key, `table (live rows)` for live rows under
    /// it, `table (restrict)` for a restricting edge.
    pub held_by: String,
    /// The foreign key's name, when the database gives one.
    pub constraint: Option<String>,
    /// Why, as the refusal's message.
    pub reason: String,
}

/// Whether `error` is a refusal that a row still holds: what a purge holds back instead of
/// stopping.
pub(crate) fn holds(error: &crate::Error) -> bool {
    matches!(
        error,
        crate::Error::Referenced { .. } | crate::Error::Restricted { .. }
    )
}

impl Held {
    /// `key` held back by what `error` says refused it, if it is a refusal that a row still
    /// holds: [`Error::Referenced`](crate::Error::Referenced) or
    /// [`Error::Restricted`](crate::Error::Restricted).
    pub(crate) fn by(key: String, error: &crate::Error) -> Option<Self> {
        let (held_by, constraint) = match error {
            crate::Error::Referenced {
                referenced_by,
                constraint,
                ..
            } => (referenced_by.clone(), constraint.clone()),
            crate::Error::Restricted { child, .. } => (format!("{child} (restrict)"), None),
            _ => return None,
        };
        Some(Held {
            key,
            held_by,
            constraint,
            reason: error.to_string(),
        })
    }
}

impl core::fmt::Display for Held {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}, held by {}", self.key, self.held_by)?;
        if let Some(constraint) = &self.constraint {
            write!(f, " ({constraint})")?;
        }
        Ok(())
    }
}

impl Report {
    /// Rows this operation changed in `table` (as named in the Diesel schema).
    #[must_use]
    pub fn rows_in(&self, table: &str) -> usize {
        self.changes
            .iter()
            .filter(|change| change.table == table)
            .map(|change| change.rows)
            .sum()
    }

    /// Adds `rows` changed in `table`, merging with what the table already had.
    pub(crate) fn add(&mut self, table: Cow<'static, str>, rows: usize) {
        merge(&mut self.changes, table, rows);
    }

    /// Rows this operation changed in all tables.
    #[must_use]
    pub fn total_rows(&self) -> usize {
        self.changes.iter().map(|change| change.rows).sum()
    }
}

impl core::fmt::Display for Report {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // An operation that changed nothing wrote no stamp, so it prints none.
        let unchanged = match self.outcome {
            Outcome::AlreadyDeleted => "already deleted, nothing changed",
            Outcome::AlreadyActive => "already active, nothing changed",
            Outcome::NothingMatched => "no row matched, nothing changed",
            Outcome::Changed => "",
        };
        if !unchanged.is_empty() {
            write!(f, "{}: {unchanged}", self.operation)?;
            return self.fmt_held(f);
        }
        write!(f, "{} at {} UTC: ", self.operation, self.stamp)?;
        for (index, change) in self.changes.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{change}")?;
        }
        self.fmt_held(f)
    }
}

impl Report {
    /// `; held back: 3, held by ...; 7, held by ...` when a purge left rows in place.
    fn fmt_held(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.held.is_empty() {
            return Ok(());
        }
        f.write_str("; held back: ")?;
        for (index, held) in self.held.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{held}")?;
        }
        Ok(())
    }
}

/// Adds `rows` changed in `table` to `changes`, as [`merge`] does, unless no row changed.
pub(crate) fn record(changes: &mut Vec<TableChange>, table: Cow<'static, str>, rows: usize) {
    if rows > 0 {
        merge(changes, table, rows);
    }
}

/// Adds `rows` changed in `table` to `changes`, merging with what the table already had.
pub(crate) fn merge(changes: &mut Vec<TableChange>, table: Cow<'static, str>, rows: usize) {
    match changes.iter_mut().find(|change| change.table == table) {
        Some(change) => change.rows += rows,
        None => changes.push(TableChange { table, rows }),
    }
}
