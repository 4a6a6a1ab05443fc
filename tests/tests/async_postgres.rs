//! The behaviour suite on PostgreSQL: the server at `PG_DATABASE_URL`, each test in a schema of its own, through `diesel_async`:
//! every operation awaited on the async connection.
#![cfg(all(feature = "postgres", feature = "async"))]

mod postgres_async {
    type Conn = soft_delete_tests::asynchronous::Blocking<diesel_async::AsyncPgConnection>;

    fn connect() -> soft_delete_tests::fixture::TestDb<Conn> {
        soft_delete_tests::fixture::postgres_on()
    }

    include!("../suite/async_ops.rs");
    include!("../backends/postgres.rs");

    mod async_hooks {
        include!("../suite/async_hooks.rs");
    }
}
