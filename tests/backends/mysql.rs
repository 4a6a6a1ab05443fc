// The mysql backend's definitions and suites, included by `tests/mysql.rs` (blocking
// connections) and `tests/async_mysql.rs` (diesel-async), inside a module that defines
// `type Conn`, `fn connect() -> TestDb<Conn>` and `macro_rules! op`.

type Db = diesel::mysql::Mysql;
type TimestampTz = diesel::sql_types::Timestamp;

// MySQL has no `UPDATE OF column` triggers: the condition alone says when to fail.
const FAIL_ON_REPO_TOMBSTONE: &str = "CREATE TRIGGER fail_on_repo_tombstone
    BEFORE UPDATE ON hub_repos
    FOR EACH ROW BEGIN
        IF NEW.deleted_at IS NOT NULL THEN
            SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'repos cannot be deleted today';
        END IF;
    END";

// Diesel maps no SQL type to `DateTime<Utc>` on MySQL, so the suite's items about it are
// left out.
macro_rules! with_utc_timestamps {
    ($($item:item)*) => {};
}

const TRUE: &str = "TRUE";
const BOUNDED_LOCK_WAITS: &str = "SET innodb_lock_wait_timeout = 3";
const BACKEND_ID: &str = "CAST(CONNECTION_ID() AS CHAR)";
const SELECT_COMMENT: &str = "SELECT id FROM hub_issue_comments";

fn kill(id: &str) -> String {
    format!("KILL {id}")
}

include!("../suite/mod.rs");

mod concurrency {
    include!("../suite/concurrency.rs");
}

/// Whether the connection with id `id` waits for a row lock.
fn waits_for_lock(observer: &mut Conn, id: &str) -> bool {
    use diesel::RunQueryDsl;
    let waiting: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
        "(SELECT COUNT(*) FROM information_schema.INNODB_TRX \
          WHERE trx_mysql_thread_id = {id} AND trx_state = 'LOCK WAIT')"
    )))
    .get_result(observer)
    .unwrap();
    waiting > 0
}

/// How often `waits_for_lock` may be asked: `InnoDB` refreshes `INNODB_TRX` only once nobody
/// has read it for 100 ms (so the interleaving tests also take turns).
const LOCK_WAIT_POLL: std::time::Duration = std::time::Duration::from_millis(110);

const ISOLATION_LEVELS: &[&str] = &["REPEATABLE READ", "READ COMMITTED"];

fn isolation(level: &str) -> String {
    format!("SET SESSION TRANSACTION ISOLATION LEVEL {level}")
}

mod interleavings {
    include!("../suite/interleavings.rs");
}

/// The ledger compares keys exactly whatever collation the database or connection uses.
mod collation {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use super::cascade_schema::*;
    use super::connect;

    #[test]
    fn flag_cascades_restore_under_another_collation() {
        let mut db = connect();
        let conn = &mut *db;
        conn.batch_execute(
            "ALTER TABLE soft_delete_flag_stamps CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
             SET collation_connection = utf8mb4_general_ci;
             INSERT INTO hub_repos (id, slug) VALUES (1, 'a');
             INSERT INTO hub_issues (id, repo_id, title) VALUES (1, 1, 'x');
             INSERT INTO hub_issue_comments (id, issue_id, body) VALUES (1, 1, 'c');",
        )
        .unwrap();

        HubRepo::soft_delete(conn, 1).unwrap();
        let report = HubRepo::restore(conn, 1).unwrap();

        assert_eq!(report.rows_in("hub_issue_comments"), 1);
        let live: i64 = HubIssueComment::active().count().get_result(conn).unwrap();
        assert_eq!(live, 1);
    }
}
