//! The behaviour suite on PostgreSQL: the server at `PG_DATABASE_URL`, each test in a schema of
//! its own.
#![cfg(feature = "postgres")]

mod postgres {
    type Conn = diesel::PgConnection;

    fn connect() -> soft_delete_tests::fixture::TestDb<Conn> {
        soft_delete_tests::fixture::postgres()
    }

    include!("../suite/blocking_ops.rs");
    include!("../backends/postgres.rs");
}
