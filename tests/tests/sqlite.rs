//! The behaviour suite on SQLite (bundled, in memory: always available).
#![cfg(feature = "sqlite")]

mod sqlite {
    type Conn = diesel::SqliteConnection;
    type Db = diesel::sqlite::Sqlite;
    type TimestampTz = diesel::sql_types::TimestamptzSqlite;

    fn connect() -> Conn {
        soft_delete_tests::fixture::sqlite()
    }

    include!("../suite/mod.rs");
}
