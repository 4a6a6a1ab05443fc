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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No row, live or tombstoned, has the key that was asked for.
    #[error("no row in `{table}` has the key {key}")]
    NotFound {
        /// The table, as named in the Diesel schema.
        table: &'static str,
        /// The key that was asked for, as written by its `Debug` impl.
        key: String,
    },
    /// A restricting cascade edge found live rows that still reference a row the operation
    /// would delete; nothing was changed.
    #[error(
        "cannot delete from `{table}`: {rows} row(s) of `{child}` still reference it (restrict)"
    )]
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
    #[error(
        "cannot restore `{table}` row {key}: its parent in `{parent}` is deleted; restore that first or restore with ancestors"
    )]
    ParentDeleted {
        /// The table of the row to restore.
        table: &'static str,
        /// Its key, as written by its `Debug` impl.
        key: String,
        /// The parent's table.
        parent: &'static str,
    },
    /// The database refused a statement; nothing the operation wrote was kept.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

impl Error {
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
            Error::Database(error) => error,
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
