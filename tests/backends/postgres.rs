// The postgres backend's definitions and suites, included by `tests/postgres.rs` (blocking
// connections) and `tests/async_postgres.rs` (diesel-async), inside a module that defines
// `type Conn`, `fn connect() -> TestDb<Conn>` and `macro_rules! op`.

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

/// Whether the backend with process id `id` waits for a lock.
fn waits_for_lock(observer: &mut Conn, id: &str) -> bool {
    use diesel::RunQueryDsl;
    let waiting: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
        "(SELECT COUNT(*) FROM pg_stat_activity WHERE pid = {id} AND wait_event_type = 'Lock')"
    )))
    .get_result(observer)
    .unwrap();
    waiting > 0
}

/// How often `waits_for_lock` may be asked: `pg_stat_activity` is current at every read.
const LOCK_WAIT_POLL: std::time::Duration = std::time::Duration::from_millis(2);

const ISOLATION_LEVELS: &[&str] = &["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"];

fn isolation(level: &str) -> String {
    format!("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL {level}")
}

mod interleavings {
    include!("../suite/interleavings.rs");
}

/// The active scope is the SQL a partial index serves: PostgreSQL's plan uses it.
mod explain {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use soft_delete_core::migration::{Tombstone, unique_while_live};

    use super::cascade_schema::*;
    use super::connect;

    #[derive(QueryableByName)]
    struct PlanLine {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
        text: String,
    }

    #[test]
    fn the_active_scope_uses_the_partial_index() {
        let mut db = connect();
        let conn = &mut *db;
        conn.batch_execute(&unique_while_live::<diesel::pg::Pg>(
            "hub_repos_live_slug",
            "hub_repos",
            &["slug"],
            Tombstone::Timestamp("deleted_at"),
        ))
        .unwrap();
        conn.batch_execute(
            "INSERT INTO hub_repos (id, slug) SELECT n, 'repo-' || n FROM generate_series(1, 2000) AS n;
             UPDATE hub_repos SET deleted_at = now() WHERE id % 2 = 0;
             ANALYZE hub_repos;
             SET enable_seqscan = off;",
        )
        .unwrap();

        let query = HubRepo::active()
            .filter(hub_repos::slug.eq("repo-7"))
            .select(hub_repos::id);
        let sql = diesel::debug_query::<diesel::pg::Pg, _>(&query).to_string();
        let sql = sql
            .split(" -- binds")
            .next()
            .unwrap()
            .replace("$1", "'repo-7'");
        let plan: Vec<PlanLine> = diesel::sql_query(format!("EXPLAIN {sql}"))
            .load(conn)
            .unwrap();
        let plan: Vec<String> = plan.into_iter().map(|line| line.text).collect();

        assert!(
            plan.iter().any(|line| line.contains("hub_repos_live_slug")),
            "the plan does not use the partial index:\n{}",
            plan.join("\n")
        );
    }
}
