//! The behaviour suite on SQLite (bundled, in memory: always available), through `diesel_async`:
//! every operation awaited on the async connection.
#![cfg(all(feature = "sqlite", feature = "async"))]

mod sqlite_async {
    type Conn = soft_delete_tests::asynchronous::Blocking<
        diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>,
    >;

    fn connect() -> soft_delete_tests::fixture::TestDb<Conn> {
        soft_delete_tests::fixture::sqlite_on()
    }

    include!("../suite/async_ops.rs");
    include!("../backends/sqlite.rs");

    mod async_hooks {
        include!("../suite/async_hooks.rs");
    }
}
