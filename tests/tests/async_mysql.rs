//! The behaviour suite on MySQL or MariaDB: the server at `MYSQL_DATABASE_URL`, each test in a database of its own, through `diesel_async`:
//! every operation awaited on the async connection.
#![cfg(all(feature = "mysql", feature = "async"))]

mod mysql_async {
    type Conn = soft_delete_tests::asynchronous::Blocking<diesel_async::AsyncMysqlConnection>;

    fn connect() -> soft_delete_tests::fixture::TestDb<Conn> {
        soft_delete_tests::fixture::mysql_on()
    }

    include!("../suite/async_ops.rs");
    include!("../backends/mysql.rs");

    mod async_hooks {
        include!("../suite/async_hooks.rs");
    }
}
