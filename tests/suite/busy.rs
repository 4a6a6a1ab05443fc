// SQLite and a second connection holding the database's write lock: every operation waits for
// it under `busy_timeout`, and gives up with a retryable `Conflict` once the timeout runs out,
// having changed nothing. (SQLite only: the servers lock rows, which the interleaving tests
// cover.)

use std::path::PathBuf;
use std::sync::Barrier;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_core::purge::Purge;
use soft_delete_core::{Error, Outcome, SoftDelete};
use soft_delete_tests::fixture::{SQLITE_SCHEMA, create_schema};

use super::cascade_schema::*;

/// A database file of the test's own, removed when the test ends.
struct File(PathBuf);

impl File {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("soft_delete_busy_{name}_{}.db", std::process::id()));
        let file = File(path);
        file.remove();
        file
    }

    fn connect(&self, busy_timeout_ms: u32) -> SqliteConnection {
        let mut conn = SqliteConnection::establish(self.0.to_str().unwrap()).unwrap();
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {busy_timeout_ms}; PRAGMA foreign_keys = ON"
        ))
        .unwrap();
        conn
    }

    fn remove(&self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

impl Drop for File {
    fn drop(&mut self) {
        self.remove();
    }
}

fn with_schema(file: &File) -> SqliteConnection {
    let mut conn = file.connect(0);
    create_schema(&mut conn, SQLITE_SCHEMA);
    create_schema(
        &mut conn,
        &[soft_delete_core::ledger::create_table_sql::<
            diesel::sqlite::Sqlite,
        >()],
    );
    conn.batch_execute(
        "INSERT INTO hub_repos (id, slug) VALUES (1, 'a'), (2, 'b');
         INSERT INTO hub_issues (id, repo_id, title) VALUES (11, 1, 'x'), (21, 2, 'y');
         INSERT INTO hub_issue_comments (id, issue_id, body) VALUES (11, 11, 'c'), (21, 21, 'd');",
    )
    .unwrap();
    conn
}

/// Runs `operation` on a connection with `busy_timeout_ms` while another connection holds the
/// database's write lock for `held`.
fn while_locked<T: Send>(
    file: &File,
    busy_timeout_ms: u32,
    held: Duration,
    operation: impl FnOnce(&mut SqliteConnection) -> T + Send,
) -> T {
    let mut holder = file.connect(0);
    let mut conn = file.connect(busy_timeout_ms);
    let locked = Barrier::new(2);
    std::thread::scope(|scope| {
        let locked = &locked;
        scope.spawn(move || {
            holder
                .batch_execute("BEGIN IMMEDIATE; UPDATE hub_webhooks SET url = url")
                .unwrap();
            locked.wait();
            std::thread::sleep(held);
            holder.batch_execute("COMMIT").unwrap();
        });
        locked.wait();
        operation(&mut conn)
    })
}

fn tombstoned(conn: &mut SqliteConnection, repo: i32) -> bool {
    hub_repos::table
        .find(repo)
        .select(hub_repos::deleted_at)
        .first::<Option<chrono::NaiveDateTime>>(conn)
        .unwrap()
        .is_some()
}

#[test]
fn every_operation_waits_for_the_write_lock_under_busy_timeout() {
    let file = File::new("waits");
    let mut conn = with_schema(&file);
    let held = Duration::from_millis(200);

    let deleted = while_locked(&file, 2_000, held, |conn| HubRepo::soft_delete(conn, 1));
    assert_eq!(deleted.unwrap().outcome, Outcome::Changed);
    assert!(tombstoned(&mut conn, 1));

    let restored = while_locked(&file, 2_000, held, |conn| HubRepo::restore(conn, 1));
    assert_eq!(restored.unwrap().rows_in("hub_issue_comments"), 1);
    assert!(!tombstoned(&mut conn, 1));

    let written = while_locked(&file, 2_000, held, |conn| {
        conn.transaction::<_, Error, _>(|conn| {
            HubRepo::lock_live(conn, 1)?;
            diesel::insert_into(hub_issues::table)
                .values((
                    hub_issues::id.eq(12),
                    hub_issues::repo_id.eq(1),
                    hub_issues::title.eq("new"),
                ))
                .execute(conn)?;
            Ok(())
        })
    });
    written.unwrap();

    HubRepo::soft_delete(&mut conn, 2).unwrap();
    let purged = while_locked(&file, 2_000, held, |conn| {
        HubRepo::purge(conn, Purge::any_age())
    });
    assert_eq!(purged.unwrap().rows_in("hub_repos"), 1);

    let erased = while_locked(&file, 2_000, held, |conn| HubRepo::hard_delete(conn, 1));
    assert_eq!(erased.unwrap().rows_in("hub_issues"), 2);
    let left: i64 = hub_repos::table.count().get_result(&mut conn).unwrap();
    assert_eq!(left, 0);
}

#[test]
fn an_operation_that_cannot_get_the_lock_in_time_is_a_retryable_conflict_and_changes_nothing() {
    let file = File::new("gives_up");
    let mut conn = with_schema(&file);

    let refused = while_locked(&file, 50, Duration::from_secs(1), |conn| {
        HubRepo::soft_delete(conn, 1)
    });
    let error = refused.unwrap_err();
    assert!(matches!(error, Error::Conflict(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(!tombstoned(&mut conn, 1));
    let flagged: i64 = hub_issue_comments::table
        .filter(hub_issue_comments::is_deleted.eq(true))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(flagged, 0);

    // Once the lock is free, the same call goes through.
    assert_eq!(
        HubRepo::soft_delete(&mut conn, 1).unwrap().outcome,
        Outcome::Changed
    );
}
