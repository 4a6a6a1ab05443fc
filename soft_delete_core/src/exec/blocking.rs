//! The executor of every blocking Diesel connection, and the driver that runs the engine on it.

use core::future::{Future, ready};
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use diesel::connection::{LoadConnection, TransactionManager};
use diesel::deserialize::FromSqlRow;
use diesel::expression::QueryMetadata;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::methods::ExecuteDsl;
use diesel::sql_types::{SingleValue, SqlType, Untyped};
use diesel::{Connection, QueryResult, RunQueryDsl};

use super::Executor;

/// A blocking Diesel connection as an [`Executor`]: each call runs its statement at once, and
/// its future is ready when returned.
#[doc(hidden)]
pub struct Blocking<'c, C> {
    conn: &'c mut C,
}

impl<'c, C> Blocking<'c, C> {
    /// The executor of `conn`.
    pub fn new(conn: &'c mut C) -> Self {
        Blocking { conn }
    }

    /// The connection, for hooks that run their own statements on it.
    pub fn conn(&mut self) -> &mut C {
        self.conn
    }
}

impl<C> Executor for Blocking<'_, C>
where
    C: LoadConnection,
    C::Backend: 'static,
{
    type Backend = C::Backend;

    fn execute<Q>(&mut self, statement: Q) -> impl Future<Output = QueryResult<usize>> + Send
    where
        Q: QueryFragment<C::Backend> + QueryId + Send,
    {
        ready(ExecuteDsl::execute(statement, self.conn))
    }

    fn load<Q, ST, R>(&mut self, query: Q) -> impl Future<Output = QueryResult<Vec<R>>> + Send
    where
        Q: Query<SqlType = ST> + QueryFragment<C::Backend> + QueryId + Send,
        ST: SqlType + SingleValue + 'static,
        C::Backend: QueryMetadata<ST>,
        R: FromSqlRow<ST, C::Backend> + Send + 'static,
    {
        ready(Loadable(query).load(self.conn))
    }

    fn load_by_name<Q, R>(&mut self, query: Q) -> impl Future<Output = QueryResult<Vec<R>>> + Send
    where
        Q: Query<SqlType = Untyped> + QueryFragment<C::Backend> + QueryId + Send,
        R: FromSqlRow<Untyped, C::Backend> + Send + 'static,
    {
        ready(Loadable(query).load(self.conn))
    }

    fn begin(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        ready(C::TransactionManager::begin_transaction(self.conn))
    }

    fn commit(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        ready(C::TransactionManager::commit_transaction(self.conn))
    }

    fn rollback(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        ready(C::TransactionManager::rollback_transaction(self.conn))
    }
}

/// A query, loadable on any connection: Diesel loads what implements `RunQueryDsl` for it.
struct Loadable<Q>(Q);

impl<Q: Query> Query for Loadable<Q> {
    type SqlType = Q::SqlType;
}

impl<Q: QueryFragment<DB>, DB: diesel::backend::Backend> QueryFragment<DB> for Loadable<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }
}

impl<Q: QueryId> QueryId for Loadable<Q> {
    type QueryId = Q::QueryId;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl<Q, Conn: Connection> RunQueryDsl<Conn> for Loadable<Q> {}

/// Runs an operation of the engine on a blocking executor to its end. Every future of a
/// [`Blocking`] executor is ready at once, so the operation completes in its first poll, on
/// this thread, without a runtime.
#[doc(hidden)]
pub fn block_on<F: Future>(operation: F) -> F::Output {
    let mut operation = pin!(operation);
    match operation
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        // Only an executor that waits can leave a future pending, and a blocking one never
        // waits: every statement has run by the time its call returns.
        Poll::Pending => unreachable!("an operation on a blocking connection waited"),
    }
}

impl<C> super::HookSet<Blocking<'_, C>> for crate::Hooks<'_, C> {
    fn before(
        &mut self,
        x: &mut Blocking<'_, C>,
        intent: impl FnOnce() -> crate::Intent,
    ) -> impl Future<Output = crate::Result<bool>> {
        ready(self.run_before(x.conn, intent))
    }

    fn after(
        &mut self,
        x: &mut Blocking<'_, C>,
        report: &crate::Report,
    ) -> impl Future<Output = crate::Result<()>> {
        ready(self.run_after(x.conn, report))
    }
}
