// The sqlite backend's definitions and suites, included by `tests/sqlite.rs` (blocking
// connections) and `tests/async_sqlite.rs` (diesel-async), inside a module that defines
// `type Conn`, `fn connect() -> TestDb<Conn>` and `macro_rules! op`.

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

const TRUE: &str = "1";

include!("../suite/mod.rs");
