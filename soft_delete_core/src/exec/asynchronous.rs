//! The executor of every `diesel_async` connection (feature `async`): each statement awaited on
//! the caller's runtime, the transaction steps through the connection's own transaction manager.

use core::future::Future;

use diesel::QueryResult;
use diesel::deserialize::FromSqlRow;
use diesel::expression::QueryMetadata;
use diesel::query_builder::{Query, QueryFragment, QueryId};
use diesel::sql_types::{SingleValue, SqlType, Untyped};
use diesel_async::{AsyncConnection, RunQueryDsl, TransactionManager};

use super::{Executor, HookSet};
use crate::hooks::AsyncHooks;

/// A `diesel_async` connection as an [`Executor`]: every statement is awaited.
#[doc(hidden)]
pub struct Async<'c, C> {
    conn: &'c mut C,
}

impl<'c, C> Async<'c, C> {
    /// The executor of `conn`.
    pub fn new(conn: &'c mut C) -> Self {
        Async { conn }
    }
}

impl<C> Executor for Async<'_, C>
where
    C: AsyncConnection,
    C::Backend: 'static,
{
    type Backend = C::Backend;

    async fn execute<Q>(&mut self, statement: Q) -> QueryResult<usize>
    where
        Q: QueryFragment<C::Backend> + QueryId + Send,
    {
        RunQueryDsl::execute(statement, self.conn).await
    }

    async fn load<Q, ST, R>(&mut self, query: Q) -> QueryResult<Vec<R>>
    where
        Q: Query<SqlType = ST> + QueryFragment<C::Backend> + QueryId + Send,
        ST: SqlType + SingleValue + 'static,
        C::Backend: QueryMetadata<ST>,
        R: FromSqlRow<ST, C::Backend> + Send + 'static,
    {
        RunQueryDsl::load(query, self.conn).await
    }

    async fn load_by_name<Q, R>(&mut self, query: Q) -> QueryResult<Vec<R>>
    where
        Q: Query<SqlType = Untyped> + QueryFragment<C::Backend> + QueryId + Send,
        R: FromSqlRow<Untyped, C::Backend> + Send + 'static,
    {
        RunQueryDsl::load(query, self.conn).await
    }

    fn begin(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        C::TransactionManager::begin_transaction(self.conn)
    }

    fn commit(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        C::TransactionManager::commit_transaction(self.conn)
    }

    fn rollback(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        C::TransactionManager::rollback_transaction(self.conn)
    }
}

impl<C: Send> HookSet<Async<'_, C>> for AsyncHooks<'_, C> {
    async fn before(
        &mut self,
        x: &mut Async<'_, C>,
        intent: impl FnOnce() -> crate::Intent,
    ) -> crate::Result<bool> {
        self.run_before(x.conn, intent).await
    }

    async fn after(&mut self, x: &mut Async<'_, C>, report: &crate::Report) -> crate::Result<()> {
        self.run_after(x.conn, report).await
    }
}
