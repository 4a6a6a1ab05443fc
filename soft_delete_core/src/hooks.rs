//! Hooks: code of yours that runs inside an operation's transaction, before it changes anything
//! and after, with its [`Report`]; to write an audit row or an outbox event that commits, or
//! rolls back, with the operation itself.
//!
//! A hook returns [`Result`]: an error from it (a database error through `?`, or
//! [`Error::hook`](crate::Error::hook) to refuse) rolls the whole operation back and is returned
//! by the operation.
//!
//! ```
//! # soft_delete_core::__doc_fixture!();
//! use diesel::prelude::*;
//! use soft_delete_core::{Hooks, SoftDelete};
//!
//! # let conn = &mut fixture();
//! diesel::sql_query("CREATE TABLE audit (entry TEXT NOT NULL)").execute(conn)?;
//! let mut hooks = Hooks::new().after(|conn: &mut SqliteConnection, report| {
//!     diesel::sql_query("INSERT INTO audit (entry) VALUES (?)")
//!         .bind::<diesel::sql_types::Text, _>(report.to_string())
//!         .execute(conn)?;
//!     Ok(())
//! });
//! Repo::soft_delete_with_hooks(conn, 1, &mut hooks)?;
//!
//! let entries: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
//!     "(SELECT COUNT(*) FROM audit)",
//! ))
//! .get_result(conn)?;
//! assert_eq!(entries, 1);
//! # Ok::<(), soft_delete_core::Error>(())
//! ```

use crate::error::Result;
use crate::report::{Operation, Report};

/// What an operation is about to do, for a hook that runs before it.
///
/// ```
/// use soft_delete_core::{Intent, Operation};
///
/// let intent = Intent::new(Operation::SoftDelete, "repos", "1".into());
/// assert_eq!(intent.to_string(), "soft delete of `repos` 1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Intent {
    /// The operation.
    pub operation: Operation,
    /// The table of the row (or rows) it starts from.
    pub table: &'static str,
    /// What it starts from: the key as its `Debug` impl writes it, `rows matching a
    /// predicate`, or for a purge the batch's keys.
    pub target: String,
}

impl Intent {
    /// An intent; operations build them, tests of hooks may too.
    #[must_use]
    pub fn new(operation: Operation, table: &'static str, target: String) -> Self {
        Intent {
            operation,
            table,
            target,
        }
    }
}

impl core::fmt::Display for Intent {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} of `{}` {}", self.operation, self.table, self.target)
    }
}

/// No hooks at all: what an operation runs when given none, on any kind of connection.
///
/// ```
/// use soft_delete_core::hooks::NoHooks;
///
/// let purge = soft_delete_core::purge::Purge::<diesel::SqliteConnection, NoHooks>::any_age();
/// # let _ = purge;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoHooks;

type Before<'h, C> = Box<dyn FnMut(&mut C, &Intent) -> Result<()> + 'h>;
type After<'h, C> = Box<dyn FnMut(&mut C, &Report) -> Result<()> + 'h>;

/// Closures run inside an operation's transaction, on its connection `C`: each `before` hook
/// once the rows are locked and before anything changes, each `after` hook with the report
/// when the operation succeeds, also when it found nothing to change (check
/// [`Report::outcome`]). When the operation fails (an unknown key, a refusal, a hook's error)
/// the `after` hooks do not run and everything rolls back. For a purge they run once per
/// batch, in the batch's transaction; a purge that finds nothing to purge runs none.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::SqliteConnection;
/// use soft_delete_core::{Error, Hooks, SoftDelete};
///
/// # let conn = &mut fixture();
/// let mut frozen = Hooks::new().before(|_: &mut SqliteConnection, intent| {
///     Err(Error::hook(format!("{intent}: repositories are frozen today")))
/// });
/// let refused = Repo::soft_delete_with_hooks(conn, 1, &mut frozen).unwrap_err();
/// assert!(matches!(refused, Error::Hook(_)));
/// assert_eq!(Repo::active().count().get_result::<i64>(conn)?, 2); // nothing changed
/// # use diesel::prelude::*;
/// # Ok::<(), Error>(())
/// ```
pub struct Hooks<'h, C> {
    before: Vec<Before<'h, C>>,
    after: Vec<After<'h, C>>,
}

impl<C> Default for Hooks<'_, C> {
    fn default() -> Self {
        Hooks {
            before: Vec::new(),
            after: Vec::new(),
        }
    }
}

impl<C> core::fmt::Debug for Hooks<'_, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Hooks")
            .field("before", &self.before.len())
            .field("after", &self.after.len())
            .finish()
    }
}

impl<'h, C> Hooks<'h, C> {
    /// No hooks.
    ///
    /// ```
    /// let hooks = soft_delete_core::Hooks::<diesel::SqliteConnection>::new();
    /// assert!(hooks.is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a hook that runs before the operation changes anything; an error refuses it.
    ///
    /// ```
    /// use soft_delete_core::Hooks;
    ///
    /// let hooks = Hooks::<diesel::SqliteConnection>::new().before(|_, _| Ok(()));
    /// assert!(!hooks.is_empty());
    /// ```
    #[must_use]
    pub fn before(mut self, hook: impl FnMut(&mut C, &Intent) -> Result<()> + 'h) -> Self {
        self.before.push(Box::new(hook));
        self
    }

    /// Adds a hook that runs after the operation, with its report, before the commit; an error
    /// rolls the operation back.
    ///
    /// ```
    /// use soft_delete_core::Hooks;
    ///
    /// let hooks = Hooks::<diesel::SqliteConnection>::new().after(|_, report| {
    ///     println!("{report}");
    ///     Ok(())
    /// });
    /// assert!(!hooks.is_empty());
    /// ```
    #[must_use]
    pub fn after(mut self, hook: impl FnMut(&mut C, &Report) -> Result<()> + 'h) -> Self {
        self.after.push(Box::new(hook));
        self
    }

    /// Whether there are no hooks at all.
    ///
    /// ```
    /// assert!(soft_delete_core::Hooks::<diesel::SqliteConnection>::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.before.is_empty() && self.after.is_empty()
    }

    /// Runs the `before` hooks, building the intent only when there are some; whether there
    /// were any.
    pub(crate) fn run_before(
        &mut self,
        conn: &mut C,
        intent: impl FnOnce() -> Intent,
    ) -> Result<bool> {
        if self.before.is_empty() {
            return Ok(false);
        }
        let intent = intent();
        for hook in &mut self.before {
            hook(conn, &intent)?;
        }
        Ok(true)
    }

    /// Runs the `after` hooks with `report`.
    pub(crate) fn run_after(&mut self, conn: &mut C, report: &Report) -> Result<()> {
        for hook in &mut self.after {
            hook(conn, report)?;
        }
        Ok(())
    }
}

/// What an async hook returns: a future, boxed, that may borrow the connection and what the
/// hook was given.
#[cfg(feature = "async")]
pub type HookFuture<'c> = core::pin::Pin<Box<dyn Future<Output = Result<()>> + Send + 'c>>;

#[cfg(feature = "async")]
type AsyncBefore<'h, C> =
    Box<dyn for<'c> FnMut(&'c mut C, &'c Intent) -> HookFuture<'c> + Send + 'h>;
#[cfg(feature = "async")]
type AsyncAfter<'h, C> =
    Box<dyn for<'c> FnMut(&'c mut C, &'c Report) -> HookFuture<'c> + Send + 'h>;

#[cfg(feature = "async")]
use core::future::Future;

/// [`Hooks`] for an async connection (feature `async`): each hook returns a future, so it can
/// await statements of its own on the operation's connection, in the operation's transaction.
/// When they run, and what an error does, is as for [`Hooks`].
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use diesel::sqlite::SqliteConnection;
/// use diesel_async::RunQueryDsl;
/// use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
/// use soft_delete_core::hooks::AsyncHooks;
///
/// type Conn = SyncConnectionWrapper<SqliteConnection>;
/// let hooks = AsyncHooks::<Conn>::new().after(|conn, report| {
///     Box::pin(async move {
///         diesel::sql_query("INSERT INTO audit (entry) VALUES (?)")
///             .bind::<diesel::sql_types::Text, _>(report.to_string())
///             .execute(conn)
///             .await?;
///         Ok(())
///     })
/// });
/// assert!(!hooks.is_empty());
/// # }
/// ```
#[cfg(feature = "async")]
pub struct AsyncHooks<'h, C> {
    before: Vec<AsyncBefore<'h, C>>,
    after: Vec<AsyncAfter<'h, C>>,
}

#[cfg(feature = "async")]
impl<C> Default for AsyncHooks<'_, C> {
    fn default() -> Self {
        AsyncHooks {
            before: Vec::new(),
            after: Vec::new(),
        }
    }
}

#[cfg(feature = "async")]
impl<C> core::fmt::Debug for AsyncHooks<'_, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AsyncHooks")
            .field("before", &self.before.len())
            .field("after", &self.after.len())
            .finish()
    }
}

#[cfg(feature = "async")]
impl<'h, C> AsyncHooks<'h, C> {
    /// No hooks.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
    /// let hooks = soft_delete_core::hooks::AsyncHooks::<SyncConnectionWrapper<diesel::SqliteConnection>>::new();
    /// assert!(hooks.is_empty());
    /// # }
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a hook that runs before the operation changes anything; an error refuses it.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
    /// use soft_delete_core::{Error, hooks::AsyncHooks};
    ///
    /// let frozen = AsyncHooks::<SyncConnectionWrapper<diesel::SqliteConnection>>::new()
    ///     .before(|_, intent| Box::pin(async move { Err(Error::hook(format!("{intent}: frozen"))) }));
    /// assert!(!frozen.is_empty());
    /// # }
    /// ```
    #[must_use]
    pub fn before(
        mut self,
        hook: impl for<'c> FnMut(&'c mut C, &'c Intent) -> HookFuture<'c> + Send + 'h,
    ) -> Self {
        self.before.push(Box::new(hook));
        self
    }

    /// Adds a hook that runs after the operation, with its report, before the commit; an error
    /// rolls the operation back.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
    /// use soft_delete_core::hooks::AsyncHooks;
    ///
    /// let hooks = AsyncHooks::<SyncConnectionWrapper<diesel::SqliteConnection>>::new()
    ///     .after(|_, report| Box::pin(async move { println!("{report}"); Ok(()) }));
    /// assert!(!hooks.is_empty());
    /// # }
    /// ```
    #[must_use]
    pub fn after(
        mut self,
        hook: impl for<'c> FnMut(&'c mut C, &'c Report) -> HookFuture<'c> + Send + 'h,
    ) -> Self {
        self.after.push(Box::new(hook));
        self
    }

    /// Whether there are no hooks at all.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
    /// assert!(soft_delete_core::hooks::AsyncHooks::<SyncConnectionWrapper<diesel::SqliteConnection>>::default().is_empty());
    /// # }
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.before.is_empty() && self.after.is_empty()
    }

    /// Runs the `before` hooks, building the intent only when there are some; whether there
    /// were any.
    pub(crate) async fn run_before(
        &mut self,
        conn: &mut C,
        intent: impl FnOnce() -> Intent,
    ) -> Result<bool> {
        if self.before.is_empty() {
            return Ok(false);
        }
        let intent = intent();
        for hook in &mut self.before {
            hook(conn, &intent).await?;
        }
        Ok(true)
    }

    /// Runs the `after` hooks with `report`.
    pub(crate) async fn run_after(&mut self, conn: &mut C, report: &Report) -> Result<()> {
        for hook in &mut self.after {
            hook(conn, report).await?;
        }
        Ok(())
    }
}
