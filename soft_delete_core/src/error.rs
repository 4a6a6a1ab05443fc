//! The one error type every operation returns.

/// What can go wrong when soft deleting or restoring.
///
/// A row that is already in the requested state is **not** an error: deleting a tombstoned row
/// or restoring a live one succeeds and says so in its [`Report`](crate::Report).
///
/// ```
/// use soft_delete_core::Error;
///
/// let error = Error::NotFound { table: "repos", key: "42".into() };
/// assert_eq!(error.to_string(), "no row in `repos` has the key 42");
/// assert!(error.is_not_found());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// No row, live or tombstoned, has the key that was asked for.
    NotFound {
        /// The table, as named in the Diesel schema.
        table: &'static str,
        /// The key that was asked for, as written by its `Debug` impl.
        key: String,
    },
    /// A restricting cascade edge found live rows that still reference a row the operation
    /// would delete; nothing was changed.
    Restricted {
        /// The table whose row was to be deleted.
        table: &'static str,
        /// The table that still references it.
        child: String,
        /// How many of its rows do.
        rows: u64,
    },
    /// The row to restore hangs off a parent that is still tombstoned; restore the parent
    /// first, or use `restore_with_ancestors`. Nothing was changed.
    ParentDeleted {
        /// The table of the row to restore.
        table: &'static str,
        /// Its key, as written by its `Debug` impl.
        key: String,
        /// The parent's table.
        parent: &'static str,
    },
    /// Restoring a row with its ancestors met the row again among them: the data has a cycle
    /// (a comment that is its own ancestor). Nothing was changed.
    AncestryCycle {
        /// The table.
        table: &'static str,
        /// The row's key, as written by its `Debug` impl.
        key: String,
    },
    /// The row is tombstoned, so it refuses what was asked of it: a new child row under it
    /// ([`lock_live`](crate::ops::lock_live)), for instance.
    Deleted {
        /// The table.
        table: &'static str,
        /// The row's key, as written by its `Debug` impl.
        key: String,
    },
    /// A restore would give a unique key a second live row (the key was re-used while the row
    /// was tombstoned); nothing was changed.
    UniqueConflict {
        /// The table whose row would collide.
        table: &'static str,
        /// The unique index or constraint by its name on every backend (SQLite's error names
        /// only columns, so its index is found in the catalog), or the database's message
        /// where no index can be told.
        constraint: String,
        /// The database's error, for its details.
        source: diesel::result::Error,
    },
    /// Rows still reference rows a purge or hard delete would remove: a foreign key from a
    /// table the cascade graph does not reach, or live rows under a tombstoned parent; or rows
    /// a soft delete's `hard` edge would delete, which such a foreign key still references.
    /// Nothing of that batch (or of that operation) was deleted.
    Referenced {
        /// The table whose rows were to be deleted.
        table: String,
        /// What references them: `table.column`, or `table (live rows)`.
        referenced_by: String,
        /// The foreign key's name, when the database gives one.
        constraint: Option<String>,
        /// How many referencing rows the check counted (0 when only the database's error told).
        rows: u64,
    },
    /// A hook refused the operation or failed; the whole operation was rolled back.
    Hook(Box<dyn std::error::Error + Send + Sync>),
    /// The database aborted this transaction to resolve a conflict with a concurrent one: a
    /// deadlock, a lock wait that timed out, a serialization failure, or an SQLite database
    /// another connection kept locked past the busy timeout. Nothing was kept, and running the
    /// operation again may succeed.
    Conflict(diesel::result::Error),
    /// The database refused a statement; nothing the operation wrote was kept.
    Database(diesel::result::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NotFound { table, key } => write!(f, "no row in `{table}` has the key {key}"),
            Error::Restricted { table, child, rows } => write!(
                f,
                "cannot delete from `{table}`: {rows} row(s) of `{child}` still reference it (restrict)"
            ),
            Error::ParentDeleted { table, key, parent } => write!(
                f,
                "cannot restore `{table}` row {key}: its parent in `{parent}` is deleted; restore that first or restore with ancestors"
            ),
            Error::AncestryCycle { table, key } => write!(
                f,
                "cannot restore `{table}` row {key} with its ancestors: it is among them (a cycle in the data)"
            ),
            Error::Deleted { table, key } => write!(f, "`{table}` row {key} is deleted"),
            Error::UniqueConflict {
                table, constraint, ..
            } => write!(
                f,
                "cannot restore into `{table}`: a live row already holds its unique key ({constraint})"
            ),
            Error::Referenced {
                table,
                referenced_by,
                ..
            } => write!(
                f,
                "cannot delete from `{table}` for real: rows of {referenced_by} still reference it"
            ),
            Error::Hook(reason) => write!(f, "a hook stopped the operation: {reason}"),
            Error::Conflict(error) => write!(
                f,
                "the database aborted the operation to resolve a conflict with a concurrent one; retry it: {error}"
            ),
            Error::Database(error) => write!(f, "database error: {error}"),
        }
    }
}

/// The database's or the hook's own error, where there is one.
///
/// ```
/// use std::error::Error as _;
/// use soft_delete_core::Error;
///
/// let error = Error::Database(diesel::result::Error::NotFound);
/// assert_eq!(error.source().unwrap().to_string(), "Record not found");
/// ```
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::UniqueConflict { source, .. } => Some(source),
            Error::Hook(reason) => Some(&**reason),
            Error::Conflict(error) | Error::Database(error) => Some(error),
            _ => None,
        }
    }
}

impl From<diesel::result::Error> for Error {
    /// Database errors, with deadlocks and serialization failures told apart as
    /// [`Error::Conflict`].
    fn from(error: diesel::result::Error) -> Self {
        if is_conflict(&error) {
            Error::Conflict(error)
        } else {
            Error::Database(error)
        }
    }
}

/// Deadlock (PostgreSQL `40P01`, MySQL `1213`), lock wait timeout (PostgreSQL `55P03`, MySQL
/// `1205`), serialization failure (`40001`), or a busy SQLite database (`SQLITE_BUSY`,
/// `SQLITE_LOCKED`: the write lock could not be had before the busy timeout ran out).
fn is_conflict(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error as Diesel};
    match error {
        Diesel::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Diesel::DatabaseError(_, info) => {
            let message = info.message().to_ascii_lowercase();
            message.contains("deadlock")
                || message.contains("lock wait timeout")
                || message.contains("lock timeout")
                || message.contains("database is locked")
                || message.contains("database table is locked")
        }
        _ => false,
    }
}

impl Error {
    /// `Ok` when `rows` is 0, else [`Error::Referenced`]: the check every purge and hard delete
    /// makes before deleting rows of `table` that `referenced_by` may still point at.
    pub(crate) fn unless_unreferenced(
        rows: i64,
        table: &str,
        referenced_by: impl FnOnce() -> String,
        constraint: Option<&str>,
    ) -> Result<()> {
        if rows == 0 {
            return Ok(());
        }
        Err(Error::Referenced {
            table: table.to_owned(),
            referenced_by: referenced_by(),
            constraint: constraint.map(ToOwned::to_owned),
            rows: u64::try_from(rows).unwrap_or(0),
        })
    }

    /// An [`Error::Hook`] from a message or any error, for a hook to refuse an operation.
    ///
    /// ```
    /// use soft_delete_core::Error;
    ///
    /// let error = Error::hook("audit log is read-only");
    /// assert_eq!(error.to_string(), "a hook stopped the operation: audit log is read-only");
    /// ```
    pub fn hook(reason: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Hook(reason.into())
    }

    /// Whether this is [`Error::NotFound`].
    ///
    /// ```
    /// # use soft_delete_core::Error;
    /// assert!(!Error::Database(diesel::result::Error::NotFound).is_not_found());
    /// ```
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// Whether running the same operation again may succeed: [`Error::Conflict`].
    ///
    /// ```
    /// # use soft_delete_core::Error;
    /// assert!(!Error::Deleted { table: "repos", key: "1".into() }.is_retryable());
    /// ```
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Conflict(_))
    }
}

/// Lets `?` carry an [`Error`] out of a closure passed to Diesel's `Connection::transaction`
/// with Diesel's own error type: database errors stay what they were, the others become
/// `QueryBuilderError`s that keep the original as their source.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::Connection;
///
/// # let conn = &mut fixture();
/// let result = conn.transaction::<_, diesel::result::Error, _>(|conn| {
///     Repo::soft_delete(conn, 1)?;
///     Repo::soft_delete(conn, 404)?; // not found: rolls the transaction back
///     Ok(())
/// });
/// assert!(matches!(result, Err(diesel::result::Error::QueryBuilderError(_))));
/// ```
impl From<Error> for diesel::result::Error {
    fn from(error: Error) -> Self {
        match error {
            Error::Database(error) | Error::Conflict(error) => error,
            other => diesel::result::Error::QueryBuilderError(Box::new(other)),
        }
    }
}

/// `Result` with this crate's [`Error`].
///
/// ```
/// fn check() -> soft_delete_core::Result<()> {
///     Ok(())
/// }
/// # check().unwrap();
/// ```
pub type Result<T, E = Error> = core::result::Result<T, E>;
