//! The behaviour suite on SQLite (bundled, in memory: always available).
#![cfg(feature = "sqlite")]

mod sqlite {
    type Conn = diesel::SqliteConnection;
    type Db = diesel::sqlite::Sqlite;
    type TimestampTz = diesel::sql_types::TimestamptzSqlite;

    const FAIL_ON_REPO_TOMBSTONE: &str = "CREATE TRIGGER fail_on_repo_tombstone
        BEFORE UPDATE OF deleted_at ON hub_repos
        WHEN NEW.deleted_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'repos cannot be deleted today'); END";

    // `DateTime<Utc>` maps to `TimestampTz` here, so the suite's items about it are kept.
    macro_rules! with_utc_timestamps {
        ($($item:item)*) => { $($item)* };
    }

    fn connect() -> soft_delete_tests::fixture::TestDb<Conn> {
        soft_delete_tests::fixture::sqlite()
    }

    const TRUE: &str = "1";

    include!("../suite/mod.rs");

    mod busy {
        include!("../suite/busy.rs");
    }
}
