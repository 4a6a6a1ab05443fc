//! The behaviour suite on MySQL or MariaDB: the server at `MYSQL_DATABASE_URL`, each test in a
//! database of its own.
#![cfg(feature = "mysql")]

mod mysql {
    type Conn = diesel::MysqlConnection;
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

    fn connect() -> soft_delete_tests::fixture::TestDb<Conn> {
        soft_delete_tests::fixture::mysql()
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
}
