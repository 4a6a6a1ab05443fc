// Races between real connections on threads (PostgreSQL and MariaDB). Included by the server
// backends only, inside a module that also defines:
//   const BACKEND_ID: &str   SQL returning this connection's server-side id, as text
//   fn kill(id: &str) -> String, SQL that ends the connection with that id
// Every wait is bounded: lock waits time out after three seconds, and every race runs a fixed
// number of rounds.

use std::sync::Barrier;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_core::{Error, Outcome, SoftDelete};

use super::cascade_schema::*;
use super::{Conn, connect};

const ROUNDS: i32 = 5;

/// A connection whose lock waits give up after three seconds instead of hanging a test.
fn racer(db: &soft_delete_tests::fixture::TestDb<Conn>) -> Conn {
    let mut conn = db.connect_again();
    conn.batch_execute(super::BOUNDED_LOCK_WAITS).unwrap();
    conn
}

/// Repo `id` with two issues, each with a comment.
fn repo_tree(conn: &mut Conn, id: i32) {
    conn.batch_execute(&format!(
        "INSERT INTO hub_repos (id, slug) VALUES ({id}, 'repo-{id}');
         INSERT INTO hub_issues (id, repo_id, title) VALUES ({a}, {id}, 'a'), ({b}, {id}, 'b');
         INSERT INTO hub_issue_comments (id, issue_id, body) VALUES ({a}, {a}, 'x'), ({b}, {b}, 'y');",
        a = id * 10 + 1,
        b = id * 10 + 2,
    ))
    .unwrap();
}

/// Tombstone stamps of the repo's tree: the repo's, then its issues'.
fn stamps(conn: &mut Conn, repo: i32) -> (Option<NaiveDateTime>, Vec<Option<NaiveDateTime>>) {
    let own = hub_repos::table
        .find(repo)
        .select(hub_repos::deleted_at)
        .first(conn)
        .unwrap();
    let issues = hub_issues::table
        .filter(hub_issues::repo_id.eq(repo))
        .order(hub_issues::id)
        .select(hub_issues::deleted_at)
        .load(conn)
        .unwrap();
    (own, issues)
}

/// Live rows under tombstoned parents, anywhere in the tree: must always be zero.
fn orphans(conn: &mut Conn) -> i64 {
    let issues: i64 = hub_issues::table
        .inner_join(hub_repos::table)
        .filter(HubIssue::is_active().and(HubRepo::is_deleted()))
        .count()
        .get_result(conn)
        .unwrap();
    let comments: i64 = hub_issue_comments::table
        .inner_join(hub_issues::table)
        .filter(HubIssueComment::is_active().and(HubIssue::is_deleted()))
        .count()
        .get_result(conn)
        .unwrap();
    issues + comments
}

#[test]
fn two_connections_deleting_one_repo_tombstone_it_once_with_one_stamp() {
    let mut db = connect();
    for repo in 1..=ROUNDS {
        repo_tree(&mut db, repo);
        let start = Barrier::new(2);
        let outcomes: Vec<_> = std::thread::scope(|scope| {
            let racers: Vec<_> = [7, 8]
                .into_iter()
                .map(|actor| {
                    let mut conn = racer(&db);
                    let start = &start;
                    scope.spawn(move || {
                        start.wait();
                        op!(HubRepo::soft_delete_by(&mut conn, repo, actor))
                            .map(|report| (actor, report))
                    })
                })
                .collect();
            racers
                .into_iter()
                .map(|racer| racer.join().unwrap())
                .collect()
        });

        let outcomes: Vec<_> = outcomes.into_iter().map(Result::unwrap).collect();
        let changed: Vec<_> = outcomes
            .iter()
            .filter(|(_, report)| report.outcome == Outcome::Changed)
            .collect();
        assert_eq!(
            changed.len(),
            1,
            "exactly one delete changed rows: {outcomes:?}"
        );
        let (winner, report) = changed[0];
        let other = outcomes.iter().find(|(actor, _)| actor != winner).unwrap();
        assert_eq!(other.1.outcome, Outcome::AlreadyDeleted);
        let (own, issues) = stamps(&mut db, repo);
        assert_eq!(own, Some(report.stamp));
        assert!(
            issues.iter().all(|stamp| *stamp == Some(report.stamp)),
            "one stamp: {issues:?}"
        );
        let actors: Vec<Option<i32>> = hub_issues::table
            .filter(hub_issues::repo_id.eq(repo))
            .select(hub_issues::deleted_by)
            .load(&mut *db)
            .unwrap();
        assert!(
            actors.iter().all(|actor| *actor == Some(*winner)),
            "one actor: {actors:?}"
        );
    }
}

#[test]
fn a_child_inserted_while_its_repo_is_deleted_never_stays_live() {
    let mut db = connect();
    for round in 1..=ROUNDS {
        let repo = round;
        repo_tree(&mut db, repo);
        let start = Barrier::new(2);
        // Alternate which side is likely to win the race.
        let (writer_delay, delete_delay) = if round % 2 == 0 { (0, 30) } else { (30, 0) };
        let (written, deleted) = std::thread::scope(|scope| {
            let mut writer_conn = racer(&db);
            let mut deleter_conn = racer(&db);
            let start = &start;
            let writer = scope.spawn(move || {
                start.wait();
                std::thread::sleep(Duration::from_millis(writer_delay));
                writer_conn.transaction::<_, Error, _>(|conn| {
                    op!(HubRepo::lock_live(conn, repo))?;
                    // Give the delete time to queue up behind the lock.
                    std::thread::sleep(Duration::from_millis(50));
                    diesel::insert_into(hub_issues::table)
                        .values((
                            hub_issues::id.eq(repo * 10 + 9),
                            hub_issues::repo_id.eq(repo),
                            hub_issues::title.eq("new"),
                        ))
                        .execute(conn)?;
                    Ok(())
                })
            });
            let deleter = scope.spawn(move || {
                start.wait();
                std::thread::sleep(Duration::from_millis(delete_delay));
                op!(HubRepo::soft_delete(&mut deleter_conn, repo))
            });
            (writer.join().unwrap(), deleter.join().unwrap())
        });

        let deleted = deleted.unwrap();
        assert_eq!(deleted.outcome, Outcome::Changed);
        match written {
            // The writer went first: the delete waited for it and then took the new issue too.
            Ok(()) => {
                let new_issue: Option<NaiveDateTime> = hub_issues::table
                    .find(repo * 10 + 9)
                    .select(hub_issues::deleted_at)
                    .first(&mut *db)
                    .unwrap();
                assert_eq!(new_issue, Some(deleted.stamp));
            }
            // The delete went first: the writer was refused, and wrote nothing.
            Err(Error::Deleted {
                table: "hub_repos", ..
            }) => {
                let count: i64 = hub_issues::table
                    .find(repo * 10 + 9)
                    .count()
                    .get_result(&mut *db)
                    .unwrap();
                assert_eq!(count, 0);
            }
            Err(other) => panic!("unexpected: {other:?}"),
        }
        assert_eq!(orphans(&mut db), 0);
    }
}

#[test]
fn a_delete_racing_a_restore_ends_in_one_state_never_a_mix() {
    let mut db = connect();
    for round in 1..=ROUNDS {
        let repo = round;
        repo_tree(&mut db, repo);
        op!(HubRepo::soft_delete(&mut *db, repo)).unwrap();
        // Live again, then delete and restore race.
        op!(HubRepo::restore(&mut *db, repo)).unwrap();
        let start = Barrier::new(2);
        let (deleted, restored) = std::thread::scope(|scope| {
            let mut a = racer(&db);
            let mut b = racer(&db);
            let start = &start;
            let deleter = scope.spawn(move || {
                start.wait();
                op!(HubRepo::soft_delete(&mut a, repo))
            });
            let restorer = scope.spawn(move || {
                start.wait();
                op!(HubRepo::restore(&mut b, repo))
            });
            (deleter.join().unwrap(), restorer.join().unwrap())
        });
        deleted.unwrap();
        restored.unwrap();

        let (own, issues) = stamps(&mut db, repo);
        assert!(
            issues.iter().all(|stamp| *stamp == own),
            "repo {own:?} vs issues {issues:?}"
        );
        let flags: Vec<bool> = hub_issue_comments::table
            .inner_join(hub_issues::table)
            .filter(hub_issues::repo_id.eq(repo))
            .select(hub_issue_comments::is_deleted)
            .load(&mut *db)
            .unwrap();
        assert!(
            flags.iter().all(|flag| *flag == own.is_some()),
            "comments {flags:?} vs repo {own:?}"
        );
        assert_eq!(orphans(&mut db), 0);
    }
}

#[test]
fn a_purge_and_a_restore_of_one_tree_wait_for_each_other() {
    use soft_delete_core::Hooks;
    use soft_delete_core::purge::Purge;

    let mut db = connect();
    for round in 1..=2 * ROUNDS {
        let repo = round;
        repo_tree(&mut db, repo);
        op!(HubRepo::soft_delete(&mut *db, repo)).unwrap();
        // Odd rounds: the purge holds the repo's lock when the restore starts; even rounds, the
        // other way round. A hook of the first says when it holds the lock; the second then
        // waits on it for real.
        let purge_first = round % 2 == 1;
        let locked = Barrier::new(2);
        let (purged, restored) = std::thread::scope(|scope| {
            let mut a = racer(&db);
            let mut b = racer(&db);
            let locked = &locked;
            let purger = scope.spawn(move || {
                if !purge_first {
                    locked.wait();
                }
                let hooks = Hooks::new().before(|_: &mut Conn, _| {
                    if purge_first {
                        locked.wait();
                    }
                    Ok(())
                });
                HubRepo::purge(&mut a, Purge::any_age().hooks(hooks))
            });
            let restorer = scope.spawn(move || {
                if purge_first {
                    locked.wait();
                }
                let mut hooks = Hooks::new().before(|_: &mut Conn, _| {
                    if !purge_first {
                        locked.wait();
                    }
                    Ok(())
                });
                HubRepo::restore_with_hooks(&mut b, repo, &mut hooks)
            });
            (purger.join().unwrap(), restorer.join().unwrap())
        });
        let purged = purged.unwrap();

        let repos: i64 = hub_repos::table
            .find(repo)
            .count()
            .get_result(&mut *db)
            .unwrap();
        let issues: Vec<Option<NaiveDateTime>> = hub_issues::table
            .filter(hub_issues::repo_id.eq(repo))
            .select(hub_issues::deleted_at)
            .load(&mut *db)
            .unwrap();
        if purge_first {
            // The whole tree is gone, and the restore, once it got the lock, found nothing.
            assert_eq!(repos, 0);
            assert_eq!(purged.rows_in("hub_repos"), 1);
            assert_eq!(purged.rows_in("hub_issues"), 2);
            assert!(issues.is_empty(), "issues left behind: {issues:?}");
            assert!(
                matches!(&restored, Err(error) if error.is_not_found()),
                "{restored:?}"
            );
        } else {
            // The tree is live, and the purge, once it got the lock, found nothing to do.
            assert_eq!(repos, 1);
            assert_eq!(purged.outcome, Outcome::NothingMatched);
            assert_eq!(issues, [None, None]);
            assert_eq!(restored.unwrap().outcome, Outcome::Changed);
        }
        assert_eq!(orphans(&mut db), 0);
    }
}

#[test]
fn a_deadlock_is_reported_as_a_retryable_conflict_and_rolls_back() {
    let mut db = connect();
    repo_tree(&mut db, 1);
    repo_tree(&mut db, 2);
    let start = Barrier::new(2);
    let results = std::thread::scope(|scope| {
        let racers: Vec<_> = [(1, 2), (2, 1)]
            .into_iter()
            .map(|(first, second)| {
                let mut conn = racer(&db);
                let start = &start;
                scope.spawn(move || {
                    conn.transaction::<_, Error, _>(|conn| {
                        // Reach the barrier even if the first delete fails (on MySQL a small
                        // table is scanned and locked whole, so the second racer may already
                        // wait here), or the other racer would wait for it forever.
                        let first = op!(HubRepo::soft_delete(conn, first));
                        start.wait();
                        first?;
                        std::thread::sleep(Duration::from_millis(100));
                        op!(HubRepo::soft_delete(conn, second))?;
                        Ok(())
                    })
                })
            })
            .collect();
        racers
            .into_iter()
            .map(|racer| racer.join().unwrap())
            .collect::<Vec<_>>()
    });

    let failed: Vec<&Error> = results
        .iter()
        .filter_map(|result| result.as_ref().err())
        .collect();
    assert_eq!(
        failed.len(),
        1,
        "the database picks one victim: {results:?}"
    );
    assert!(failed[0].is_retryable(), "{:?}", failed[0]);
    assert!(failed[0].to_string().contains("retry"), "{}", failed[0]);
    // The survivor deleted both repos; the victim's own delete was rolled back with it, so every
    // row carries the survivor's one stamp.
    let (one, issues_one) = stamps(&mut db, 1);
    let (two, issues_two) = stamps(&mut db, 2);
    assert!(one.is_some() && two.is_some());
    assert!(issues_one.iter().all(|stamp| *stamp == one));
    assert!(issues_two.iter().all(|stamp| *stamp == two));
    assert_eq!(orphans(&mut db), 0);
}

#[test]
fn a_connection_killed_mid_cascade_leaves_every_row_as_it_was() {
    let mut db = connect();
    repo_tree(&mut db, 1);
    let before = stamps(&mut db, 1);
    // A blocker holds the lock on one comment, so the cascade stops there, part-way.
    let mut blocker = racer(&db);
    blocker.batch_execute("BEGIN").unwrap();
    blocker
        .batch_execute(&format!(
            "{} WHERE id = 11 FOR UPDATE",
            super::SELECT_COMMENT
        ))
        .unwrap();

    let mut victim = racer(&db);
    let victim_id: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
        super::BACKEND_ID,
    ))
    .get_result(&mut victim)
    .unwrap();
    let outcome = std::thread::scope(|scope| {
        let cascade = scope.spawn(move || op!(HubRepo::soft_delete(&mut victim, 1)));
        // Let the cascade reach the locked row, then end its connection.
        std::thread::sleep(Duration::from_millis(300));
        let mut killer = racer(&db);
        killer.batch_execute(&super::kill(&victim_id)).unwrap();
        cascade.join().unwrap()
    });
    blocker.batch_execute("ROLLBACK").unwrap();

    assert!(outcome.is_err(), "the killed cascade failed: {outcome:?}");
    assert_eq!(stamps(&mut db, 1), before, "nothing it wrote was kept");
    let flags: Vec<bool> = hub_issue_comments::table
        .select(hub_issue_comments::is_deleted)
        .load(&mut *db)
        .unwrap();
    assert!(flags.iter().all(|flag| !flag));
    let ledger: i64 = soft_delete_flag_stamps::table
        .count()
        .get_result(&mut *db)
        .unwrap();
    assert_eq!(ledger, 0);
}

#[test]
fn lock_live_sees_a_delete_committed_after_the_transaction_began() {
    let mut db = connect();
    repo_tree(&mut db, 1);
    let mut other = racer(&db);
    let mut writer = racer(&db);

    let refused = writer.transaction::<_, Error, _>(|conn| {
        // A read first: on MySQL this fixes the transaction's snapshot before the delete.
        let _: i64 = hub_repos::table.count().get_result(conn)?;
        op!(HubRepo::soft_delete(&mut other, 1))?;
        op!(HubRepo::lock_live(conn, 1))
    });

    assert!(
        matches!(
            refused,
            Err(Error::Deleted {
                table: "hub_repos",
                ..
            })
        ),
        "{refused:?}"
    );
}

#[test]
fn a_child_restored_while_its_parent_is_deleted_never_stays_live() {
    let mut db = connect();
    repo_tree(&mut db, 1);
    op!(HubIssue::soft_delete(&mut *db, 11)).unwrap();
    let start = Barrier::new(2);
    let restored = std::thread::scope(|scope| {
        let mut deleter = racer(&db);
        let mut restorer = racer(&db);
        let start = &start;
        scope.spawn(move || {
            deleter
                .transaction::<_, Error, _>(|conn| {
                    op!(HubRepo::soft_delete(conn, 1))?;
                    start.wait();
                    // Hold the delete open while the restore runs.
                    std::thread::sleep(Duration::from_millis(300));
                    Ok(())
                })
                .unwrap();
        });
        let restore = scope.spawn(move || {
            start.wait();
            op!(HubIssue::restore(&mut restorer, 11))
        });
        restore.join().unwrap()
    });

    assert!(
        matches!(
            restored,
            Err(Error::ParentDeleted {
                parent: "hub_repos",
                ..
            })
        ),
        "{restored:?}"
    );
    assert_eq!(orphans(&mut db), 0);
}
