//! How an operation's statements, transactions and savepoints run on a connection: the one
//! part of the engine that depends on the kind of connection.
//!
//! The engine (`cascade`, `ops`) is written once, as `async fn`s over an [`Executor`]. Each
//! call to the executor is one statement or one transaction step; everything else (which
//! statement runs when, and what its result means) is the engine's, whatever the connection.
//!
//! Why `async fn` for blocking connections too: an `async fn` is Rust's way of writing an
//! algorithm that can pause at each statement. A blocking connection answers every call at
//! once, so its futures are ready on their first poll, and [`block_on`] drives the whole
//! operation in a single poll on the caller's thread: no runtime, no thread, no dependency,
//! and the same statements in the same order as a hand-written blocking loop. An async
//! connection pauses at each statement instead, under whatever runtime the caller uses. The
//! alternatives cost more: a macro that writes every operation twice doubles what a reader and
//! the compiler see, and a plan of statements decided up front cannot express the steps whose
//! next statement depends on the last answer (a restore reads the stamp it then revives by,
//! a purge loops over batches).

#[cfg(feature = "async")]
mod asynchronous;
mod blocking;

use core::future::Future;

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::deserialize::FromSqlRow;
use diesel::expression::QueryMetadata;
use diesel::query_builder::{Query, QueryFragment, QueryId};
use diesel::sql_types::{SingleValue, SqlType, Untyped};

#[cfg(feature = "async")]
pub use asynchronous::Async;
pub use blocking::{Blocking, block_on};

use crate::error::{Error, Result};

/// A connection, as the engine sees it: statements that change rows, queries that return rows,
/// and the steps of a transaction (a savepoint inside one already open).
///
/// Implemented by [`Blocking`] for every Diesel connection, and with the `async` feature by
/// `Async` for every `diesel_async` connection. Hidden from the docs: it is the
/// engine's seam, not an API to implement.
#[doc(hidden)]
pub trait Executor {
    /// The database backend.
    type Backend: Backend;

    /// Runs a statement; how many rows it changed.
    fn execute<Q>(&mut self, statement: Q) -> impl Future<Output = QueryResult<usize>> + Send
    where
        Q: QueryFragment<Self::Backend> + QueryId + Send;

    /// Runs a query returning one column of SQL type `ST`; its values.
    fn load<Q, ST, R>(&mut self, query: Q) -> impl Future<Output = QueryResult<Vec<R>>> + Send
    where
        Q: Query<SqlType = ST> + QueryFragment<Self::Backend> + QueryId + Send,
        ST: SqlType + SingleValue + 'static,
        Self::Backend: QueryMetadata<ST>,
        R: FromSqlRow<ST, Self::Backend> + Send + 'static;

    /// Runs a raw query whose rows are read by column name (`QueryableByName`).
    fn load_by_name<Q, R>(&mut self, query: Q) -> impl Future<Output = QueryResult<Vec<R>>> + Send
    where
        Q: Query<SqlType = Untyped> + QueryFragment<Self::Backend> + QueryId + Send,
        R: FromSqlRow<Untyped, Self::Backend> + Send + 'static;

    /// Opens a transaction, or a savepoint inside the one already open.
    fn begin(&mut self) -> impl Future<Output = QueryResult<()>> + Send;

    /// Commits what [`begin`](Executor::begin) opened.
    fn commit(&mut self) -> impl Future<Output = QueryResult<()>> + Send;

    /// Rolls back what [`begin`](Executor::begin) opened.
    fn rollback(&mut self) -> impl Future<Output = QueryResult<()>> + Send;
}

/// Ends what [`Executor::begin`] opened: commits on `Ok`, rolls back on `Err`, and returns
/// `result` (or the error that ending the transaction raised). The engine's transactions read
/// `x.begin().await?; let result = ...; finish(x, result).await`.
pub async fn finish<X: Executor, T>(x: &mut X, result: Result<T>) -> Result<T> {
    match result {
        Ok(value) => {
            x.commit().await?;
            Ok(value)
        }
        Err(error) => match x.rollback().await {
            // A connection whose transaction manager broke already reported why.
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(Error::from(rollback)),
        },
    }
}

/// The hooks an operation runs inside its transaction, on executor `X`: before it changes
/// anything, and after, with its report. Implemented by [`Hooks`](crate::Hooks) for a blocking
/// connection, by `AsyncHooks` for an async one (feature `async`), and by [`NoHooks`] for every
/// executor.
#[doc(hidden)]
pub trait HookSet<X> {
    /// Runs the `before` hooks, building the intent only when there are some; whether there
    /// were any (they may have changed rows the operation has read).
    fn before(
        &mut self,
        x: &mut X,
        intent: impl FnOnce() -> crate::Intent,
    ) -> impl Future<Output = Result<bool>>;

    /// Runs the `after` hooks with `report`.
    fn after(&mut self, x: &mut X, report: &crate::Report) -> impl Future<Output = Result<()>>;
}

pub use crate::hooks::NoHooks;

impl<X> HookSet<X> for NoHooks {
    fn before(
        &mut self,
        _: &mut X,
        _: impl FnOnce() -> crate::Intent,
    ) -> impl Future<Output = Result<bool>> {
        core::future::ready(Ok(false))
    }

    fn after(&mut self, _: &mut X, _: &crate::Report) -> impl Future<Output = Result<()>> {
        core::future::ready(Ok(()))
    }
}
