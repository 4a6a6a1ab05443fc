//! The behaviour suite on MySQL or MariaDB: the server at `MYSQL_DATABASE_URL`, each test in a
//! database of its own.
#![cfg(feature = "mysql")]

mod mysql {
    type Conn = diesel::MysqlConnection;

    fn connect() -> soft_delete_tests::fixture::TestDb<Conn> {
        soft_delete_tests::fixture::mysql()
    }

    include!("../suite/blocking_ops.rs");
    include!("../backends/mysql.rs");
}
