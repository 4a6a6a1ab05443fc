//! The behaviour suite on PostgreSQL: the server at `PG_DATABASE_URL`, each test in a schema of
//! its own.
#![cfg(feature = "postgres")]

mod postgres {
    type Conn = diesel::PgConnection;
    type Db = diesel::pg::Pg;
    type TimestampTz = diesel::sql_types::Timestamptz;

    const FAIL_ON_REPO_TOMBSTONE: &str = "CREATE FUNCTION fail_on_repo_tombstone()
        RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'repos cannot be deleted today'; END $$;
        CREATE TRIGGER fail_on_repo_tombstone
        BEFORE UPDATE OF deleted_at ON hub_repos
        FOR EACH ROW WHEN (NEW.deleted_at IS NOT NULL)
        EXECUTE FUNCTION fail_on_repo_tombstone()";

    // `DateTime<Utc>` maps to `TimestampTz` here, so the suite's items about it are kept.
    macro_rules! with_utc_timestamps {
        ($($item:item)*) => { $($item)* };
    }

    fn connect() -> soft_delete_tests::fixture::TestDb<Conn> {
        soft_delete_tests::fixture::postgres()
    }

    const TRUE: &str = "TRUE";
    const BOUNDED_LOCK_WAITS: &str = "SET lock_timeout = '3s'";
    const BACKEND_ID: &str = "CAST(pg_backend_pid() AS TEXT)";
    const SELECT_COMMENT: &str = "SELECT id FROM hub_issue_comments";

    fn kill(id: &str) -> String {
        format!("SELECT pg_terminate_backend({id})")
    }

    include!("../suite/mod.rs");

    mod concurrency {
        include!("../suite/concurrency.rs");
    }
}
