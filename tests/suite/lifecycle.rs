// The end of a row's life and what runs beside it: purge, hard delete, hooks, and the test
// helpers of the `testing` feature.

use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{NaiveDate, NaiveDateTime};
use soft_delete_core::leak::LeakDetector;
use soft_delete_core::purge::Purge;
use soft_delete_core::testing::{
    assert_absent_from_active, assert_cascade_tombstoned, assert_tombstoned,
};
use soft_delete_core::{Error, Hooks, Operation, Outcome, SoftDelete};

type Conn = super::Conn;

diesel::table! {
    op_audit (entry) {
        entry -> Text,
    }
}

/// A table the cascade graph does not know, whose foreign key refuses deletes of repos.
const REPO_AUDIT: &str = "CREATE TABLE repo_audit (
    id INTEGER PRIMARY KEY,
    repo_id INTEGER NOT NULL,
    FOREIGN KEY (repo_id) REFERENCES hub_repos (id)
)";

/// Deliveries of a webhook, outside the graph: they keep the webhooks a repo's `hard` edge
/// would delete.
const WEBHOOK_DELIVERIES: &str = "CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    webhook_id INTEGER NOT NULL,
    CONSTRAINT deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES hub_webhooks (id)
)";

/// Asserts that `error` is `Error::Referenced` for `table`, naming `referenced_by` and counting
/// `rows` referencing rows.
#[track_caller]
fn assert_referenced(error: &Error, table: &str, referenced_by: &str, rows: u64) {
    assert_eq!(super::referenced(error), (table, referenced_by, rows));
}

/// Asserts that a purge's `report` held back exactly the rows `keys`, each held by `held_by`.
#[track_caller]
fn assert_held(report: &soft_delete_core::Report, keys: &[&str], held_by: &str) {
    let held: Vec<(&str, &str)> = report
        .held
        .iter()
        .map(|held| (held.key.as_str(), held.held_by.as_str()))
        .collect();
    let expected: Vec<(&str, &str)> = keys.iter().map(|key| (*key, held_by)).collect();
    assert_eq!(held, expected, "{report}");
}

fn day(year: i32, month: u32, day: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, month, day)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

/// Rows of repos, issues, issue comments, proposals, proposal comments, webhooks, and ledger
/// entries, live and tombstoned.
fn rows(conn: &mut Conn) -> [i64; 7] {
    [
        hub_repos::table.count().get_result(conn).unwrap(),
        hub_issues::table.count().get_result(conn).unwrap(),
        hub_issue_comments::table.count().get_result(conn).unwrap(),
        hub_proposals::table.count().get_result(conn).unwrap(),
        hub_proposal_comments::table
            .count()
            .get_result(conn)
            .unwrap(),
        hub_webhooks::table.count().get_result(conn).unwrap(),
        soft_delete_flag_stamps::table
            .count()
            .get_result(conn)
            .unwrap(),
    ]
}

/// Three code-hosting trees, the first and the third tombstoned.
fn repos_1_and_3_tombstoned(conn: &mut Conn) {
    for repo in 1..=3 {
        code_hosting(conn, repo);
    }
    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    op!(HubRepo::soft_delete(conn, 3)).unwrap();
}

fn issue_ids(conn: &mut Conn) -> Vec<i32> {
    hub_issues::table
        .order(hub_issues::id)
        .select(hub_issues::id)
        .load(conn)
        .unwrap()
}

fn comment_ids(conn: &mut Conn) -> Vec<i32> {
    comments::table
        .order(comments::id)
        .select(comments::id)
        .load(conn)
        .unwrap()
}

fn reaction_ids(conn: &mut Conn) -> Vec<i32> {
    comment_reactions::table
        .order(comment_reactions::id)
        .select(comment_reactions::id)
        .load(conn)
        .unwrap()
}

fn audit_entries(conn: &mut Conn) -> Vec<String> {
    op_audit::table
        .order(op_audit::entry)
        .select(op_audit::entry)
        .load(conn)
        .unwrap()
}

fn write_audit(conn: &mut Conn, entry: String) -> soft_delete_core::Result<()> {
    diesel::insert_into(op_audit::table)
        .values(op_audit::entry.eq(entry))
        .execute(conn)?;
    Ok(())
}

// ----- purge ----------------------------------------------------------------------------------

#[test]
fn purge_deletes_old_tombstones_with_their_subtrees_and_nothing_else() {
    let mut db = connect();
    let conn = &mut *db;
    repos_1_and_3_tombstoned(conn);
    // Repo 1 was deleted long ago, repo 3 just now.
    diesel::update(hub_repos::table.find(1))
        .set(hub_repos::deleted_at.eq(Some(day(2020, 1, 1))))
        .execute(conn)
        .unwrap();
    assert_eq!(rows(conn), [3, 9, 18, 3, 6, 1, 16]);

    let report = op!(HubRepo::purge(conn, Purge::older_than(day(2021, 1, 1)))).unwrap();

    assert_eq!(report.operation, Operation::Purge);
    assert_eq!(report.outcome, Outcome::Changed);
    let counted: Vec<(String, usize)> = report
        .changes
        .iter()
        .map(|change| (change.table.to_string(), change.rows))
        .collect();
    let expected = [
        ("hub_repos", 1),
        ("hub_issue_comments", 6),
        ("hub_issues", 3),
        ("hub_proposal_comments", 2),
        ("hub_proposals", 1),
        ("hub_webhooks", 0), // hard-deleted by the soft delete already
    ];
    for (table, count) in expected {
        assert_eq!(report.rows_in(table), count, "{table} in {counted:?}");
    }
    // Repo 1 and all below it are gone, its ledger entries too; repo 2 (live) and repo 3
    // (tombstoned after the cutoff) are whole.
    assert_eq!(rows(conn), [2, 6, 12, 2, 4, 1, 8]);
    assert_eq!(issue_ids(conn), [21, 22, 23, 31, 32, 33]);
    assert_cascade_tombstoned::<HubRepo, _>(conn, 3);
    assert_eq!(
        HubRepo::active().count().get_result::<i64>(conn).unwrap(),
        1
    );

    let again = op!(HubRepo::purge(conn, Purge::older_than(day(2021, 1, 1)))).unwrap();
    assert_eq!(again.outcome, Outcome::NothingMatched);
    assert_eq!(rows(conn), [2, 6, 12, 2, 4, 1, 8]);
}

#[test]
fn a_purge_deletes_children_through_a_join_or_their_keys_where_the_backend_needs_one() {
    let mut db = connect();
    let conn = &mut *db;
    for repo in 1..=2 {
        code_hosting(conn, repo);
    }
    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    let sent = super::record_statements(conn);

    let report = op!(HubRepo::purge(conn, Purge::any_age())).unwrap();

    conn.set_instrumentation(None::<Box<dyn diesel::connection::Instrumentation>>);
    assert_eq!(report.rows_in("hub_issue_comments"), 6);
    // Repo 1's tree is gone, repo 2's whole.
    assert_eq!(rows(conn), [1, 3, 6, 1, 2, 1, 0]);
    let sent = sent.lock().unwrap();
    let deletes: Vec<&String> = sent
        .iter()
        .filter(|sql| {
            // The comments' own delete, not that of their ledger entries.
            sql.starts_with("DELETE")
                && sql.contains("hub_issue_comments")
                && !sql.contains("soft_delete_flag_stamps")
        })
        .collect();
    assert_eq!(deletes.len(), 1, "{deletes:?}");
    let joined = super::joins_in_writes();
    // MySQL and MariaDB run `DELETE ... WHERE x IN (subquery)` as a subquery per row of the
    // whole table: there the comments are deleted joined to their issues.
    assert_eq!(
        deletes[0].starts_with(
            "DELETE `hub_issue_comments` FROM `hub_issue_comments` INNER JOIN `hub_issues` ON "
        ),
        joined,
        "{}",
        deletes[0]
    );
    assert_eq!(deletes[0].contains("INNER JOIN"), joined, "{}", deletes[0]);
    // PostgreSQL is given the batch's issues as keys read first, so it finds their comments
    // through the index whatever it estimates; so is the live-child check after the delete.
    let by_keys = super::keys_as_array();
    let issue_keys = "\"hub_issue_comments\".\"issue_id\" = ANY(ARRAY(SELECT \"hub_issues\".\"id\"";
    assert_eq!(deletes[0].contains(issue_keys), by_keys, "{}", deletes[0]);
    let checks: Vec<&String> = sent
        .iter()
        .filter(|sql| {
            // The check counts the comments themselves (quoted with backticks on MySQL).
            sql.replace('`', "\"")
                .starts_with("SELECT COUNT(*) FROM \"hub_issue_comments\"")
        })
        .collect();
    assert!(!checks.is_empty(), "{sent:?}");
    for check in checks {
        assert_eq!(check.contains(issue_keys), by_keys, "{check}");
    }
}

#[test]
fn a_purge_binds_its_batch_s_keys_for_the_children_it_deletes() {
    let mut db = connect();
    let conn = &mut *db;
    repos_1_and_3_tombstoned(conn);
    let sent = super::record_statements(conn);

    let report = op!(HubRepo::purge(conn, Purge::any_age())).unwrap();

    conn.set_instrumentation(None::<Box<dyn diesel::connection::Instrumentation>>);
    assert_eq!(report.rows_in("hub_repos"), 2);
    assert_eq!(report.rows_in("hub_issues"), 6);
    assert_eq!(rows(conn), [1, 3, 6, 1, 2, 1, 0]);
    // The batch's repos were picked tombstoned and locked: the issues under them, and the
    // webhooks of the hard edge, are found by the repos' keys, bound, without reading the
    // repos again.
    let sent: Vec<String> = sent
        .lock()
        .unwrap()
        .iter()
        .map(|sql| sql.replace('`', "\""))
        .collect();
    for (table, statements) in [("hub_issues", 2), ("hub_webhooks", 1)] {
        let on_table: Vec<&String> = sent
            .iter()
            .filter(|sql| {
                sql.starts_with(&format!("DELETE FROM \"{table}\""))
                    || sql.starts_with(&format!("SELECT COUNT(*) FROM \"{table}\""))
            })
            .collect();
        assert_eq!(
            on_table.len(),
            statements,
            "{table}: the delete (and for issues the live check): {sent:?}"
        );
        // Bound as one array on PostgreSQL.
        let bound = if super::keys_as_array() {
            format!("\"{table}\".\"repo_id\" = ANY($1)")
        } else {
            format!("\"{table}\".\"repo_id\" IN (?, ?)")
        };
        for sql in on_table {
            assert!(sql.contains(&bound), "{sql}");
            assert!(!sql.contains("\"hub_repos\""), "{sql}");
        }
    }
}

#[test]
fn a_row_a_before_hook_revives_is_not_purged_nor_is_its_cascade() {
    let mut db = connect();
    let conn = &mut *db;
    for repo in 1..=2 {
        code_hosting(conn, repo);
        op!(HubRepo::soft_delete(conn, repo)).unwrap();
    }
    // The hook runs once the batch [1, 2] is locked, and revives repo 1 alone.
    let hooks = Hooks::new().before(|conn: &mut Conn, _| {
        diesel::update(hub_repos::table.find(1))
            .set(hub_repos::deleted_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
        Ok(())
    });

    let report = HubRepo::purge(conn, Purge::any_age().hooks(hooks)).unwrap();

    assert_eq!(report.rows_in("hub_repos"), 1);
    assert_eq!(report.rows_in("hub_issues"), 3);
    // Repo 2's tree is gone; repo 1 is live, its issues and comments still there, tombstoned.
    assert_eq!(
        hub_repos::table
            .select(hub_repos::id)
            .load::<i32>(conn)
            .unwrap(),
        [1]
    );
    assert_eq!(issue_ids(conn), [11, 12, 13]);
    assert_eq!(
        hub_issue_comments::table
            .count()
            .get_result::<i64>(conn)
            .unwrap(),
        6
    );
    assert_tombstoned::<HubIssue, _>(conn, 11);
    assert_tombstoned::<HubIssueComment, _>(conn, 111);
}

#[test]
fn a_cutoff_past_year_9999_purges_every_tombstone() {
    let mut db = connect();
    let conn = &mut *db;
    repos_1_and_3_tombstoned(conn);
    let far_future = NaiveDate::from_ymd_opt(10_000, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();

    let report = op!(HubRepo::purge(conn, Purge::older_than(far_future))).unwrap();
    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(report.rows_in("hub_repos"), 2);
    // Only repo 2, live, is left.
    assert_eq!(rows(conn), [1, 3, 6, 1, 2, 1, 0]);

    op!(HubRepo::soft_delete(conn, 2)).unwrap();
    let report = op!(HubRepo::purge(conn, Purge::older_than(NaiveDateTime::MAX))).unwrap();
    assert_eq!(report.rows_in("hub_repos"), 1);
    assert_eq!(rows(conn), [0, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn a_child_tombstoned_on_its_own_is_purged_through_its_own_model() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 2);
    op!(HubIssue::soft_delete(conn, 21)).unwrap();
    diesel::update(hub_issues::table.find(21))
        .set(hub_issues::deleted_at.eq(Some(day(2020, 1, 1))))
        .execute(conn)
        .unwrap();

    let repos = op!(HubRepo::purge(conn, Purge::older_than(day(2021, 1, 1)))).unwrap();
    assert_eq!(repos.outcome, Outcome::NothingMatched);
    assert_eq!(rows(conn), [1, 3, 6, 1, 2, 1, 2]);

    let issues = op!(HubIssue::purge(conn, Purge::older_than(day(2021, 1, 1)))).unwrap();
    assert_eq!(issues.rows_in("hub_issues"), 1);
    assert_eq!(issues.rows_in("hub_issue_comments"), 2);
    assert_eq!(issue_ids(conn), [22, 23]);
    assert_eq!(rows(conn), [1, 2, 4, 1, 2, 1, 0]);
}

#[test]
fn purge_runs_in_batches_and_reports_each_one() {
    let mut db = connect();
    let conn = &mut *db;
    for repo in 1..=5 {
        code_hosting(conn, repo);
        op!(HubRepo::soft_delete(conn, repo)).unwrap();
    }
    let mut seen = Vec::new();

    let report = op!(HubRepo::purge(
        conn,
        Purge::any_age().batch_size(2).on_progress(|progress| {
            seen.push((
                progress.batch,
                progress.report.rows_in("hub_repos"),
                progress.total_rows,
            ));
        }),
    ))
    .unwrap();

    // Each repo brings 13 rows with it: itself, 3 issues, 6 comments, a proposal, 2 comments.
    // (The webhook was hard-deleted by the soft delete.)
    assert_eq!(seen, [(1, 2, 26), (2, 2, 52), (3, 1, 65)]);
    assert_eq!(report.rows_in("hub_repos"), 5);
    assert_eq!(report.total_rows(), 65);
    assert_eq!(rows(conn), [0; 7]);
}

#[test]
fn purge_never_removes_a_live_row() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    // A live issue under the tombstoned repo, written past the crate.
    diesel::insert_into(hub_issues::table)
        .values((
            hub_issues::id.eq(19),
            hub_issues::repo_id.eq(1),
            hub_issues::title.eq("late"),
        ))
        .execute(conn)
        .unwrap();
    let before = rows(conn);

    let report = op!(HubRepo::purge(conn, Purge::any_age())).unwrap();

    assert_eq!(report.outcome, Outcome::NothingMatched);
    assert_held(&report, &["1"], "hub_issues (live rows)");
    assert_eq!(rows(conn), before);
}

#[test]
fn a_row_a_restricting_foreign_key_from_outside_the_graph_holds_is_left_and_reported() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(REPO_AUDIT).unwrap();
    for repo in [1, 3] {
        code_hosting(conn, repo);
        op!(HubRepo::soft_delete(conn, repo)).unwrap();
    }
    conn.batch_execute("INSERT INTO repo_audit (id, repo_id) VALUES (1, 3)")
        .unwrap();
    let before = rows(conn);
    // Were `repo_audit` soft-deletable, the probe that reads all of it is still no leak.
    let detector = LeakDetector::collecting()
        .watch_graph(HubRepo::cascade_graph())
        .watch_table("repo_audit", "deleted_at");
    let leaks = detector.leaks();
    conn.set_instrumentation(detector);

    // One batch holds both repos: repo 3 is held back and reported, repo 1 goes.
    let report = op!(HubRepo::purge(conn, Purge::any_age().batch_size(10))).unwrap();
    leaks.assert_none();
    assert_eq!(report.rows_in("hub_repos"), 1);
    assert_held(&report, &["3"], "repo_audit.repo_id");
    let held = &report.held[0];
    // SQLite's catalog gives foreign keys no names; the servers name them.
    let named = !std::any::type_name::<super::Db>().contains("Sqlite");
    assert_eq!(held.constraint.is_some(), named, "{held:?}");
    assert!(held.reason.contains("repo_audit.repo_id"), "{held:?}");
    assert!(report.to_string().contains("held back: 3"), "{report}");
    assert_ne!(rows(conn), before);
    assert_eq!(rows(conn), [1, 3, 6, 1, 2, 0, 8]);
    assert_cascade_tombstoned::<HubRepo, _>(conn, 3);
    drop(leaks.take()); // this test's own counts read every row

    // Again, one repo per batch: nothing left to purge but the held repo, held again.
    let report = op!(HubRepo::purge(conn, Purge::any_age().batch_size(1))).unwrap();
    leaks.assert_none();
    assert_eq!(report.outcome, Outcome::NothingMatched);
    assert_held(&report, &["3"], "repo_audit.repo_id");
    assert_eq!(rows(conn), [1, 3, 6, 1, 2, 0, 8]);
}

#[test]
fn a_purge_goes_on_past_held_rows_in_every_batch() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(REPO_AUDIT).unwrap();
    for repo in 1..=7 {
        code_hosting(conn, repo);
        op!(HubRepo::soft_delete(conn, repo)).unwrap();
    }
    // Repos 2, 3 and 6 are held; batches of three: [1, 2, 3], [4, 5, 6], [7].
    conn.batch_execute("INSERT INTO repo_audit (id, repo_id) VALUES (1, 2), (2, 3), (3, 6)")
        .unwrap();
    let mut batches = Vec::new();

    let report = op!(HubRepo::purge(
        conn,
        Purge::any_age()
            .batch_size(3)
            .on_progress(|progress| batches.push(progress.report.rows_in("hub_repos")))
    ))
    .unwrap();

    assert_eq!(report.rows_in("hub_repos"), 4);
    assert_held(&report, &["2", "3", "6"], "repo_audit.repo_id");
    let left: Vec<i32> = hub_repos::table
        .order(hub_repos::id)
        .select(hub_repos::id)
        .load(conn)
        .unwrap();
    assert_eq!(left, [2, 3, 6]);
    assert_eq!(batches.iter().sum::<usize>(), 4, "{batches:?}");
    for repo in [2, 3, 6] {
        assert_cascade_tombstoned::<HubRepo, _>(conn, repo);
    }
}

#[test]
fn purging_a_tree_takes_the_whole_tombstoned_subtree() {
    let mut db = connect();
    let conn = &mut *db;
    thread(conn);
    op!(Comment::soft_delete(conn, 1)).unwrap();

    let report = op!(Comment::purge(conn, Purge::any_age())).unwrap();

    assert_eq!(report.rows_in("comments"), 6);
    assert_eq!(report.rows_in("comment_reactions"), 1);
    assert_eq!(comment_ids(conn), [7]);
    assert_eq!(reaction_ids(conn), [70]);
    assert_eq!(live_comments(conn), [7]);
}

#[test]
fn a_batch_holding_a_row_and_its_grandchild_but_not_the_row_between_is_purged() {
    let mut db = connect();
    let conn = &mut *db;
    // 1 -> 10 -> 2: by key, the first batch of two is [1, 2], without 10 between them.
    conn.batch_execute(
        "INSERT INTO comments (id, parent_id, body) VALUES (1, NULL, 'root'), (10, 1, 'a'), (2, 10, 'b');
         INSERT INTO comment_reactions (id, comment_id, emoji) VALUES (100, 10, 'tada'), (20, 2, 'eyes');",
    )
    .unwrap();
    op!(Comment::soft_delete(conn, 1)).unwrap();

    let report = op!(Comment::purge(conn, Purge::any_age().batch_size(2))).unwrap();

    assert_eq!(report.rows_in("comments"), 3);
    assert_eq!(report.rows_in("comment_reactions"), 2);
    assert!(comment_ids(conn).is_empty());
    assert!(reaction_ids(conn).is_empty());
}

#[test]
fn an_owned_record_outlives_its_owner_until_the_owner_is_purged() {
    let mut db = connect();
    let conn = &mut *db;
    hosting(conn);
    // Site 100 owns store 10 (`hosted_sites.store_id`): deleting the site tombstones both.
    op!(HostedSite::soft_delete(conn, 100)).unwrap();
    let stores = |conn: &mut Conn| -> Vec<i32> {
        stores::table
            .order(stores::id)
            .select(stores::id)
            .load(conn)
            .unwrap()
    };

    // The store first: its owner still holds its key, so it is held back.
    let report = op!(Store::purge(conn, Purge::any_age())).unwrap();
    assert_held(
        &report,
        &["10"],
        "hosted_sites (owner rows holding its key)",
    );
    assert_eq!(stores(conn), [10, 20]);
    // A live owner protects its store from a hard delete too.
    let refused = op!(Store::hard_delete(conn, 20)).unwrap_err();
    assert!(matches!(refused, Error::Referenced { .. }), "{refused:?}");
    assert_eq!(stores(conn), [10, 20]);

    // The owner first, then the store it owned: both go.
    assert_eq!(
        op!(HostedSite::purge(conn, Purge::any_age()))
            .unwrap()
            .rows_in("hosted_sites"),
        1
    );
    let report = op!(Store::purge(conn, Purge::any_age())).unwrap();
    assert_eq!(report.rows_in("stores"), 1);
    assert_eq!(report.rows_in("store_pages"), 2);
    assert_eq!(stores(conn), [20]);
}

#[test]
fn a_fork_outlives_its_upstream_and_holds_its_key_against_a_purge() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    code_hosting(conn, 2);
    // Repo 2 is a fork of repo 1: `#[cascade(Self(keep, foreign_key = ...))]`.
    diesel::update(hub_repos::table.find(2))
        .set(hub_repos::fork_parent_id.eq(Some(1)))
        .execute(conn)
        .unwrap();

    let report = op!(HubRepo::soft_delete(conn, 1)).unwrap();

    assert_eq!(report.rows_in("hub_repos"), 1, "the fork is kept");
    let live: Vec<i32> = HubRepo::active().select(hub_repos::id).load(conn).unwrap();
    assert_eq!(live, [2]);
    let fork_issues: i64 = HubIssue::active()
        .filter(hub_issues::repo_id.eq(2))
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(fork_issues, 3);

    // The fork still points at repo 1, so repo 1 cannot go for real yet.
    let report = op!(HubRepo::purge(conn, Purge::any_age())).unwrap();
    assert_held(&report, &["1"], "hub_repos.fork_parent_id");
    let all: i64 = HubRepo::with_deleted().count().get_result(conn).unwrap();
    assert_eq!(all, 2);
    // Once the fork is deleted too, one purge takes both, the fork first (leaves first on
    // MySQL/MariaDB, whose foreign keys are checked row by row).
    op!(HubRepo::soft_delete(conn, 2)).unwrap();
    let purged = op!(HubRepo::purge(conn, Purge::any_age())).unwrap();
    assert_eq!(purged.rows_in("hub_repos"), 2);
    let left: i64 = hub_repos::table.count().get_result(conn).unwrap();
    assert_eq!(left, 0);
}

#[test]
fn hard_deleting_a_live_site_tombstones_the_store_it_owned() {
    let mut db = connect();
    let conn = &mut *db;
    hosting(conn);

    let report = op!(HostedSite::hard_delete(conn, 100)).unwrap();

    // Seed 000's bug was a site deleted for real leaving its store live, holding the
    // subdomain, with nothing owning it. The store and its pages are tombstoned instead.
    assert_eq!(
        (
            report.rows_in("hosted_sites"),
            report.rows_in("stores"),
            report.rows_in("store_pages")
        ),
        (1, 1, 2)
    );
    let sites: Vec<i32> = hosted_sites::table
        .order(hosted_sites::id)
        .select(hosted_sites::id)
        .load(conn)
        .unwrap();
    assert_eq!(sites, [200], "the site itself is gone");
    let stores: Vec<Store> = stores::table
        .order(stores::id)
        .select(Store::as_select())
        .load(conn)
        .unwrap();
    assert_eq!(
        stores
            .iter()
            .map(|store| (store.id, store.deleted_at))
            .collect::<Vec<_>>(),
        [(10, Some(report.stamp)), (20, None)],
        "its store is tombstoned with the operation's stamp; the other site's is untouched"
    );
    let pages: Vec<(i32, Option<NaiveDateTime>)> = store_pages::table
        .order(store_pages::id)
        .select((store_pages::id, store_pages::deleted_at))
        .load(conn)
        .unwrap();
    assert_eq!(
        pages,
        [
            (1000, Some(report.stamp)),
            (1001, Some(report.stamp)),
            (2000, None)
        ]
    );
    // The subdomain is free, and the store, no longer owned, goes with its own purge.
    conn.batch_execute("INSERT INTO stores (id, subdomain) VALUES (30, 'shop')")
        .unwrap();
    let purged = op!(Store::purge(conn, Purge::any_age())).unwrap();
    assert_eq!(
        (purged.rows_in("stores"), purged.rows_in("store_pages")),
        (1, 2)
    );
    let left: Vec<i32> = stores::table
        .order(stores::id)
        .select(stores::id)
        .load(conn)
        .unwrap();
    assert_eq!(left, [20, 30]);
}

#[test]
fn hard_deleting_a_site_leaves_a_store_another_live_site_shares() {
    let mut db = connect();
    let conn = &mut *db;
    hosting(conn);
    conn.batch_execute(
        "INSERT INTO hosted_sites (id, merchant_id, store_id, name) VALUES (101, 1, 10, 'Shop mirror')",
    )
    .unwrap();

    let report = op!(HostedSite::hard_delete(conn, 100)).unwrap();

    assert_eq!(
        (report.rows_in("hosted_sites"), report.rows_in("stores")),
        (1, 0)
    );
    let live_stores: Vec<i32> = Store::active()
        .order(stores::id)
        .select(stores::id)
        .load(conn)
        .unwrap();
    assert_eq!(live_stores, [10, 20], "site 101 still uses store 10");
    let live_pages: i64 = StorePage::active().count().get_result(conn).unwrap();
    assert_eq!(live_pages, 3);
}

#[test]
fn a_thread_whose_replies_quote_each_other_is_purged_leaves_first() {
    let mut db = connect();
    let conn = &mut *db;
    // Replies 2 and 4 to comment 1; reply 4 quotes reply 2, so 2 must wait for 4 where the
    // database checks foreign keys row by row.
    conn.batch_execute(
        "INSERT INTO comments (id, parent_id, quoted_id, body) VALUES
             (1, NULL, NULL, 'a'), (2, 1, NULL, 'b'), (4, 1, 2, 'c'), (7, NULL, NULL, 'd');",
    )
    .unwrap();
    op!(Comment::soft_delete(conn, 1)).unwrap();

    let report = op!(Comment::purge(conn, Purge::any_age())).unwrap();

    assert_eq!(report.rows_in("comments"), 3);
    let left: Vec<i32> = comments::table.select(comments::id).load(conn).unwrap();
    assert_eq!(left, [7]);
}

#[test]
fn a_cycle_in_tree_data_is_purged_whole() {
    let mut db = connect();
    let conn = &mut *db;
    // Bad data: 1 and 2 are each other's parent; 3 replies to 2; 7 stands apart.
    conn.batch_execute(
        "INSERT INTO comments (id, parent_id, body) VALUES (1, NULL, 'a'), (2, 1, 'b'), (3, 2, 'c'), (7, NULL, 'd');
         UPDATE comments SET parent_id = 2 WHERE id = 1;",
    )
    .unwrap();
    op!(Comment::soft_delete(conn, 1)).unwrap();

    let report = op!(Comment::purge(conn, Purge::any_age())).unwrap();

    assert_eq!(report.rows_in("comments"), 3);
    assert_eq!(comment_ids(conn), [7]);
}

// ----- hard delete ----------------------------------------------------------------------------

#[test]
fn hard_delete_is_refused_by_tombstoned_rows_of_a_restricting_edge() {
    let mut db = connect();
    let conn = &mut *db;
    commute(conn);
    // Route 1's segments are tombstoned; segment 13 still names station 3.
    op!(Route::soft_delete(conn, 1)).unwrap();

    let refused = op!(Station::hard_delete(conn, 3)).unwrap_err();

    match refused {
        Error::Restricted { table, child, rows } => {
            assert_eq!(
                (table, child.as_str(), rows),
                ("stations", "route_segments", 1)
            );
        }
        other => panic!("expected Restricted, got {other:?}"),
    }
    let stations: i64 = stations::table.count().get_result(conn).unwrap();
    assert_eq!(stations, 3);
    // Restoring the route brings segment 13 back, to a station that still exists.
    op!(Route::restore(conn, 1)).unwrap();
    let live_segments: i64 = RouteSegment::active().count().get_result(conn).unwrap();
    assert_eq!(live_segments, 4);
}

#[test]
fn hard_delete_removes_a_row_and_its_whole_subtree_in_one_go() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    code_hosting(conn, 2);
    op!(HubIssue::soft_delete(conn, 12)).unwrap(); // tombstoned on its own: goes too

    let report = op!(HubRepo::hard_delete(conn, 1)).unwrap();

    assert_eq!(report.operation, Operation::HardDelete);
    assert_eq!(report.rows_in("hub_repos"), 1);
    assert_eq!(report.rows_in("hub_issues"), 3);
    assert_eq!(report.rows_in("hub_issue_comments"), 6);
    assert_eq!(report.rows_in("hub_proposals"), 1);
    assert_eq!(report.rows_in("hub_proposal_comments"), 2);
    assert_eq!(report.rows_in("hub_webhooks"), 1);
    assert_eq!(rows(conn), [1, 3, 6, 1, 2, 1, 0]);
    assert_eq!(issue_ids(conn), [21, 22, 23]);

    let missing = op!(HubRepo::hard_delete(conn, 1)).unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");
    assert_eq!(rows(conn), [1, 3, 6, 1, 2, 1, 0]);
}

#[test]
fn hard_delete_refused_by_a_foreign_key_deletes_nothing() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(REPO_AUDIT).unwrap();
    code_hosting(conn, 2);
    conn.batch_execute("INSERT INTO repo_audit (id, repo_id) VALUES (1, 2)")
        .unwrap();

    let refused = op!(HubRepo::hard_delete(conn, 2)).unwrap_err();

    // Read from the catalog before deleting, whether or not the database enforces the key.
    assert_referenced(&refused, "hub_repos", "repo_audit.repo_id", 1);
    assert_eq!(rows(conn), [1, 3, 6, 1, 2, 1, 0]);
}

#[test]
fn a_soft_delete_whose_hard_edge_is_refused_by_a_foreign_key_changes_nothing() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(WEBHOOK_DELIVERIES).unwrap();
    code_hosting(conn, 1);
    conn.batch_execute("INSERT INTO webhook_deliveries (id, webhook_id) VALUES (1, 1)")
        .unwrap();
    let before = rows(conn);

    let refused = op!(HubRepo::soft_delete(conn, 1)).unwrap_err();

    match &refused {
        Error::Referenced {
            table, constraint, ..
        } => {
            assert_eq!(table, "hub_webhooks");
            // SQLite names no constraint in its error; the servers do.
            let named = !std::any::type_name::<super::Db>().contains("Sqlite");
            assert_eq!(constraint.is_some(), named, "{constraint:?}");
        }
        other => panic!("expected Referenced, got {other:?}"),
    }
    assert_eq!(rows(conn), before, "nothing changed");
    assert_eq!(
        HubRepo::active().count().get_result::<i64>(conn).unwrap(),
        1,
        "the repo is still live"
    );
}

#[test]
fn hard_delete_refuses_when_a_hard_edges_rows_are_still_referenced() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(WEBHOOK_DELIVERIES).unwrap();
    code_hosting(conn, 1);
    code_hosting(conn, 2);
    // Another repo's delivery log points at repo 1's webhook.
    conn.batch_execute("INSERT INTO webhook_deliveries (id, webhook_id) VALUES (1, 1)")
        .unwrap();
    super::foreign_keys_unenforced(conn);
    let before = rows(conn);

    let refused = op!(HubRepo::hard_delete(conn, 1)).unwrap_err();

    assert_referenced(&refused, "hub_webhooks", "webhook_deliveries.webhook_id", 1);
    assert_eq!(rows(conn), before, "nothing deleted");
    // Repo 2's webhook is referenced by nothing: its hard delete goes through.
    op!(HubRepo::hard_delete(conn, 2)).unwrap();
    assert_eq!(
        hub_webhooks::table
            .select(hub_webhooks::id)
            .load::<i32>(conn)
            .unwrap(),
        [1]
    );
}

#[test]
fn hard_delete_of_a_tree_node_takes_its_replies() {
    let mut db = connect();
    let conn = &mut *db;
    thread(conn);

    let report = op!(Comment::hard_delete(conn, 2)).unwrap();

    assert_eq!(report.rows_in("comments"), 3);
    assert_eq!(comment_ids(conn), [1, 3, 5, 7]);
    assert_eq!(reaction_ids(conn), [70]);
}

// ----- hooks ----------------------------------------------------------------------------------

const AUDIT_TABLE: &str = "CREATE TABLE op_audit (entry VARCHAR(200) PRIMARY KEY)";

#[test]
fn hooks_write_inside_the_operation_and_commit_with_it() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(AUDIT_TABLE).unwrap();
    code_hosting(conn, 1);
    let mut intents = Vec::new();

    let mut hooks = Hooks::new()
        .before(|_: &mut Conn, intent| {
            intents.push(intent.to_string());
            Ok(())
        })
        .after(|conn: &mut Conn, report| {
            write_audit(
                conn,
                format!("{} {}", report.operation, report.total_rows()),
            )
        });
    HubRepo::soft_delete_with_hooks(conn, 1, &mut hooks).unwrap();
    HubRepo::restore_with_hooks(conn, 1, &mut hooks).unwrap();
    // Nothing to restore: both hooks still run, and the report says so.
    HubRepo::restore_with_hooks(conn, 1, &mut hooks).unwrap();
    drop(hooks);

    assert_eq!(
        intents,
        [
            "soft delete of `hub_repos` 1",
            "restore of `hub_repos` 1",
            "restore of `hub_repos` 1"
        ]
    );
    assert_eq!(
        audit_entries(conn),
        ["restore 0", "restore 13", "soft delete 14"]
    );
}

#[test]
fn a_failing_hook_rolls_the_whole_operation_back() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(AUDIT_TABLE).unwrap();
    code_hosting(conn, 1);
    let before = rows(conn);

    let mut hooks = Hooks::new().after(|conn: &mut Conn, report| {
        write_audit(conn, report.to_string())?;
        Err(Error::hook("the outbox is full"))
    });
    let refused = HubRepo::soft_delete_with_hooks(conn, 1, &mut hooks).unwrap_err();

    assert!(matches!(refused, Error::Hook(_)), "{refused:?}");
    assert!(refused.to_string().contains("the outbox is full"));
    assert_eq!(rows(conn), before);
    assert_eq!(
        HubIssue::active().count().get_result::<i64>(conn).unwrap(),
        3
    );
    assert!(audit_entries(conn).is_empty());

    // A refusal before anything changed leaves it all as well.
    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    let mut frozen = Hooks::new().before(|_: &mut Conn, _| Err(Error::hook("restores are frozen")));
    let refused = HubRepo::restore_with_hooks(conn, 1, &mut frozen).unwrap_err();
    assert!(matches!(refused, Error::Hook(_)), "{refused:?}");
    assert_cascade_tombstoned::<HubRepo, _>(conn, 1);
}

#[test]
fn purge_hooks_run_in_each_batch() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(AUDIT_TABLE).unwrap();
    for repo in 1..=3 {
        code_hosting(conn, repo);
        op!(HubRepo::soft_delete(conn, repo)).unwrap();
    }
    let mut targets = Vec::new();
    let hooks = Hooks::new()
        .before(|_: &mut Conn, intent| {
            targets.push(intent.target.clone());
            Ok(())
        })
        .after(|conn: &mut Conn, report| {
            write_audit(conn, format!("purged {}", report.rows_in("hub_repos")))
        });

    HubRepo::purge(conn, Purge::any_age().batch_size(2).hooks(hooks)).unwrap();

    assert_eq!(targets, ["[1, 2]", "[3]"]);
    assert_eq!(audit_entries(conn), ["purged 1", "purged 2"]);
}

// ----- test helpers ---------------------------------------------------------------------------

#[test]
fn the_test_helpers_see_what_the_database_holds() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    assert_tombstoned::<HubRepo, _>(conn, 1);
    assert_tombstoned::<HubIssueComment, _>(conn, 111);
    assert_cascade_tombstoned::<HubRepo, _>(conn, 1);
    assert_absent_from_active::<HubIssue, _>(conn, 11);

    // A live issue written under the tombstoned repo: the cascade is no longer whole.
    diesel::insert_into(hub_issues::table)
        .values((
            hub_issues::id.eq(19),
            hub_issues::repo_id.eq(1),
            hub_issues::title.eq("late"),
        ))
        .execute(conn)
        .unwrap();
    let broken = catch_unwind(AssertUnwindSafe(|| {
        assert_cascade_tombstoned::<HubRepo, _>(conn, 1);
    }));
    assert!(broken.is_err());
    let live = catch_unwind(AssertUnwindSafe(|| {
        assert_absent_from_active::<HubIssue, _>(conn, 19);
    }));
    assert!(live.is_err());

    // A row deleted for real is not tombstoned.
    op!(HubIssue::hard_delete(conn, 19)).unwrap();
    let gone = catch_unwind(AssertUnwindSafe(|| {
        assert_tombstoned::<HubIssue, _>(conn, 19);
    }));
    assert!(gone.is_err());
    assert_absent_from_active::<HubIssue, _>(conn, 19);
}
