//! The behaviour suite on SQLite (bundled, in memory: always available).
#![cfg(feature = "sqlite")]

mod sqlite {
    type Conn = diesel::SqliteConnection;

    fn connect() -> soft_delete_tests::fixture::TestDb<Conn> {
        soft_delete_tests::fixture::sqlite()
    }

    include!("../suite/blocking_ops.rs");
    include!("../backends/sqlite.rs");

    mod busy {
        include!("../suite/busy.rs");
    }
}
