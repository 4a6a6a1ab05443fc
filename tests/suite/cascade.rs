// Cascades: the seed shapes, exact restore, set-based statements, failures part-way.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDateTime;
use diesel::connection::{Instrumentation, InstrumentationEvent};
use soft_delete_core::{Error, Outcome, SoftDelete};

type Conn = super::Conn;

// ----- fixtures -------------------------------------------------------------------------------

/// Repo `repo` with issues `repo*10 + 1..=3`, each with comments `issue*10 + 1..=2`, proposal
/// `repo*10 + 1` with comments `proposal*10 + 1..=2`, and webhook `repo`.
pub(crate) fn code_hosting(conn: &mut Conn, repo: i32) {
    diesel::insert_into(hub_repos::table)
        .values((
            hub_repos::id.eq(repo),
            hub_repos::slug.eq(format!("repo-{repo}")),
        ))
        .execute(conn)
        .unwrap();
    for issue in repo * 10 + 1..=repo * 10 + 3 {
        diesel::insert_into(hub_issues::table)
            .values((
                hub_issues::id.eq(issue),
                hub_issues::repo_id.eq(repo),
                hub_issues::title.eq("bug"),
            ))
            .execute(conn)
            .unwrap();
        for comment in issue * 10 + 1..=issue * 10 + 2 {
            diesel::insert_into(hub_issue_comments::table)
                .values((
                    hub_issue_comments::id.eq(comment),
                    hub_issue_comments::issue_id.eq(issue),
                    hub_issue_comments::body.eq("+1"),
                ))
                .execute(conn)
                .unwrap();
        }
    }
    let proposal = repo * 10 + 1;
    diesel::insert_into(hub_proposals::table)
        .values((
            hub_proposals::id.eq(proposal),
            hub_proposals::repo_id.eq(repo),
            hub_proposals::title.eq("fix"),
        ))
        .execute(conn)
        .unwrap();
    for comment in proposal * 10 + 1..=proposal * 10 + 2 {
        diesel::insert_into(hub_proposal_comments::table)
            .values((
                hub_proposal_comments::id.eq(comment),
                hub_proposal_comments::proposal_id.eq(proposal),
                hub_proposal_comments::body.eq("lgtm"),
            ))
            .execute(conn)
            .unwrap();
    }
    diesel::insert_into(hub_webhooks::table)
        .values((
            hub_webhooks::id.eq(repo),
            hub_webhooks::repo_id.eq(repo),
            hub_webhooks::url.eq("https://ci.test/hook"),
        ))
        .execute(conn)
        .unwrap();
}

/// Every row of the code-hosting tables, to compare whole states.
#[derive(Debug, PartialEq)]
struct HubState {
    repos: Vec<HubRepo>,
    issues: Vec<HubIssue>,
    comments: Vec<HubIssueComment>,
    proposals: Vec<HubProposal>,
    proposal_comments: Vec<HubProposalComment>,
    webhooks: Vec<HubWebhook>,
    ledger: i64,
}

fn hub_state(conn: &mut Conn) -> HubState {
    HubState {
        repos: hub_repos::table
            .order(hub_repos::id)
            .select(HubRepo::as_select())
            .load(conn)
            .unwrap(),
        issues: hub_issues::table
            .order(hub_issues::id)
            .select(HubIssue::as_select())
            .load(conn)
            .unwrap(),
        comments: hub_issue_comments::table
            .order(hub_issue_comments::id)
            .select(HubIssueComment::as_select())
            .load(conn)
            .unwrap(),
        proposals: hub_proposals::table
            .order(hub_proposals::id)
            .select(HubProposal::as_select())
            .load(conn)
            .unwrap(),
        proposal_comments: hub_proposal_comments::table
            .order(hub_proposal_comments::id)
            .select(HubProposalComment::as_select())
            .load(conn)
            .unwrap(),
        webhooks: hub_webhooks::table
            .order(hub_webhooks::id)
            .select(HubWebhook::as_select())
            .load(conn)
            .unwrap(),
        ledger: soft_delete_flag_stamps::table
            .count()
            .get_result(conn)
            .unwrap(),
    }
}

fn issue(conn: &mut Conn, id: i32) -> HubIssue {
    hub_issues::table
        .find(id)
        .select(HubIssue::as_select())
        .first(conn)
        .unwrap()
}

fn comment_flag(conn: &mut Conn, id: i32) -> bool {
    hub_issue_comments::table
        .find(id)
        .select(hub_issue_comments::is_deleted)
        .first(conn)
        .unwrap()
}

fn repo_stamp(conn: &mut Conn, id: i32) -> Option<NaiveDateTime> {
    hub_repos::table
        .find(id)
        .select(hub_repos::deleted_at)
        .first(conn)
        .unwrap()
}

/// Counts the statements a connection runs.
fn count_statements(conn: &mut Conn) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    count
}

fn no_instrumentation(conn: &mut Conn) {
    conn.set_instrumentation(None::<Box<dyn Instrumentation>>);
}

// ----- seed 001: code hosting -----------------------------------------------------------------

#[test]
fn a_repo_delete_tombstones_its_whole_tree_with_one_stamp_and_actor() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    code_hosting(conn, 2);
    let untouched_before = hub_state(conn);

    let report = op!(HubRepo::soft_delete_by(conn, 1, 9)).unwrap();

    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(
        report.changes[0].table, "hub_repos",
        "the target's table comes first"
    );
    assert_eq!(report.rows_in("hub_repos"), 1);
    assert_eq!(report.rows_in("hub_issues"), 3);
    assert_eq!(report.rows_in("hub_issue_comments"), 6);
    assert_eq!(report.rows_in("hub_proposals"), 1);
    assert_eq!(report.rows_in("hub_proposal_comments"), 2);
    assert_eq!(
        report.rows_in("hub_webhooks"),
        1,
        "the hard edge deleted the webhook"
    );

    let state = hub_state(conn);
    let stamp = Some(report.stamp);
    assert_eq!(
        (state.repos[0].deleted_at, state.repos[0].deleted_by),
        (stamp, Some(9))
    );
    for issue in state.issues.iter().filter(|issue| issue.repo_id == 1) {
        assert_eq!(
            (issue.deleted_at, issue.deleted_by),
            (stamp, Some(9)),
            "{issue:?}"
        );
    }
    for comment in state.comments.iter().filter(|c| c.issue_id / 10 == 1) {
        assert!(comment.is_deleted, "{comment:?}");
    }
    assert_eq!(state.proposals[0].deleted_at, stamp);
    assert!(
        state
            .proposal_comments
            .iter()
            .filter(|c| c.proposal_id == 11)
            .all(|c| c.is_deleted)
    );
    assert_eq!(
        state.ledger, 8,
        "every flag this operation set is in the ledger"
    );
    assert_eq!(state.webhooks.iter().map(|w| w.id).collect::<Vec<_>>(), [2]);

    // Repo 2's tree is exactly as it was.
    assert_eq!(state.repos[1], untouched_before.repos[1]);
    let repo_two = |issues: &[HubIssue]| {
        issues
            .iter()
            .filter(|i| i.repo_id == 2)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(repo_two(&state.issues), repo_two(&untouched_before.issues));
    assert!(
        state
            .comments
            .iter()
            .filter(|c| c.issue_id / 10 == 2)
            .all(|c| !c.is_deleted)
    );
    assert!(
        state
            .proposal_comments
            .iter()
            .filter(|c| c.proposal_id == 21)
            .all(|c| !c.is_deleted)
    );
}

#[test]
fn children_are_written_joined_to_their_parents_or_by_their_keys_where_the_backend_needs_it() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    code_hosting(conn, 2);
    let before = hub_state(conn);
    let sent = super::record_statements(conn);

    let deleted = op!(HubRepo::soft_delete(conn, 1)).unwrap();
    let restored = op!(HubRepo::restore(conn, 1)).unwrap();

    no_instrumentation(conn);
    assert_eq!(deleted.rows_in("hub_issues"), 3);
    assert_eq!(restored.rows_in("hub_issues"), 3);
    let after = hub_state(conn);
    // All but the webhook, which the hard edge deleted for real.
    assert_eq!(
        (&after.repos, &after.issues, &after.comments, after.ledger),
        (
            &before.repos,
            &before.issues,
            &before.comments,
            before.ledger
        ),
        "the restore undid the delete exactly"
    );
    assert_eq!(
        (&after.proposals, &after.proposal_comments),
        (&before.proposals, &before.proposal_comments)
    );
    // MySQL and MariaDB run `UPDATE ... WHERE x IN (subquery)` as a subquery per row of the
    // whole table: there each child table's update joins its parents.
    let joined = super::joins_in_writes();
    let sent = sent.lock().unwrap();
    let updates: Vec<&String> = sent
        .iter()
        .filter(|sql| sql.starts_with("UPDATE") && sql.contains("hub_issues"))
        .filter(|sql| !sql.contains("hub_issue_comments") && !sql.contains("1 = 0"))
        .collect();
    assert_eq!(updates.len(), 2, "{sent:#?}");
    for update in updates {
        assert_eq!(
            update.starts_with("UPDATE `hub_issues` INNER JOIN `hub_repos` ON "),
            joined,
            "{update}"
        );
        assert_eq!(update.contains("INNER JOIN"), joined, "{update}");
        // PostgreSQL is given the key-named repo's key first, so it does not look the repo up
        // again for every issue.
        let by_key = "\"hub_issues\".\"repo_id\" = ANY(ARRAY(SELECT \"hub_repos\".\"id\"";
        assert_eq!(update.contains(by_key), super::keys_as_array(), "{update}");
    }
}

#[test]
fn deleting_a_tombstoned_repo_again_changes_nothing_anywhere() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    let first = op!(HubRepo::soft_delete_by(conn, 1, 9)).unwrap();
    let before = hub_state(conn);

    let again = op!(HubRepo::soft_delete_by(conn, 1, 10)).unwrap();

    assert_eq!(again.outcome, Outcome::AlreadyDeleted);
    assert_eq!(again.stamp, first.stamp, "the stamp the repo kept");
    assert_eq!(again.total_rows(), 0);
    assert_eq!(hub_state(conn), before);

    // A flag comment has no stamp of its own: the report gives the one the ledger recorded.
    code_hosting(conn, 2);
    let comment = op!(HubIssueComment::soft_delete(conn, 211)).unwrap();
    let comment_again = op!(HubIssueComment::soft_delete(conn, 211)).unwrap();
    assert_eq!(comment_again.outcome, Outcome::AlreadyDeleted);
    assert_eq!(comment_again.stamp, comment.stamp);
}

#[test]
fn restore_revives_exactly_what_the_cascade_hid() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    let pristine = hub_state(conn);
    // Deleted on their own before the repo: issue 12 (with its comments), and comment 111.
    let own_issue = op!(HubIssue::soft_delete_by(conn, 12, 5)).unwrap();
    op!(HubIssueComment::soft_delete(conn, 111)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2));
    op!(HubRepo::soft_delete_by(conn, 1, 9)).unwrap();
    let webhooks_after_delete = hub_state(conn).webhooks;

    let report = op!(HubRepo::restore(conn, 1)).unwrap();

    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(report.rows_in("hub_repos"), 1);
    assert_eq!(
        report.rows_in("hub_issues"),
        2,
        "issue 12 was deleted on its own"
    );
    assert_eq!(
        report.rows_in("hub_issue_comments"),
        3,
        "121, 122 and 111 stay deleted"
    );
    assert_eq!(report.rows_in("hub_proposals"), 1);
    assert_eq!(report.rows_in("hub_proposal_comments"), 2);
    let state = hub_state(conn);
    assert_eq!(
        state.repos, pristine.repos,
        "the actor is cleared with the tombstone"
    );
    let issue_12 = issue(conn, 12);
    assert_eq!(
        issue_12.deleted_at,
        Some(own_issue.stamp),
        "keeps its own stamp"
    );
    assert_eq!(issue_12.deleted_by, Some(5), "and its own actor");
    assert_eq!(issue(conn, 11).deleted_at, None);
    assert_eq!(issue(conn, 13).deleted_at, None);
    assert!(
        comment_flag(conn, 111),
        "a comment deleted on its own stays deleted"
    );
    assert!(!comment_flag(conn, 112));
    assert!(
        comment_flag(conn, 121) && comment_flag(conn, 122),
        "issue 12's comments stay with it"
    );
    assert!(!comment_flag(conn, 131) && !comment_flag(conn, 132));
    assert_eq!(state.proposals, pristine.proposals);
    assert_eq!(state.proposal_comments, pristine.proposal_comments);
    assert_eq!(
        state.webhooks, webhooks_after_delete,
        "a hard delete cannot be undone"
    );
    assert_eq!(
        state.ledger, 3,
        "only the entries of rows still flagged remain"
    );
}

#[test]
fn two_repos_deleted_separately_are_restored_separately() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    code_hosting(conn, 2);
    let pristine = hub_state(conn);
    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    op!(HubRepo::soft_delete(conn, 2)).unwrap();
    let both_deleted = hub_state(conn);

    op!(HubRepo::restore(conn, 1)).unwrap();

    let state = hub_state(conn);
    let of_repo = |issues: &[HubIssue], repo: i32| {
        issues
            .iter()
            .filter(|i| i.repo_id == repo)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(of_repo(&state.issues, 1), of_repo(&pristine.issues, 1));
    assert_eq!(
        of_repo(&state.issues, 2),
        of_repo(&both_deleted.issues, 2),
        "repo 2's tree is still hidden"
    );
    assert!(
        state
            .comments
            .iter()
            .filter(|c| c.issue_id / 10 == 2)
            .all(|c| c.is_deleted)
    );
    assert!(
        state
            .comments
            .iter()
            .filter(|c| c.issue_id / 10 == 1)
            .all(|c| !c.is_deleted)
    );
    assert_eq!(repo_stamp(conn, 2), both_deleted.repos[1].deleted_at);
}

#[test]
fn a_child_under_a_tombstoned_parent_is_not_restored_alone() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    let before = hub_state(conn);

    let error = op!(HubIssue::restore(conn, 11)).unwrap_err();

    assert!(
        matches!(error, Error::ParentDeleted { table: "hub_issues", parent: "hub_repos", ref key } if key == "11"),
        "{error:?}"
    );
    assert_eq!(hub_state(conn), before, "nothing changed");
    let flag_error = op!(HubIssueComment::restore(conn, 111)).unwrap_err();
    assert!(
        matches!(
            flag_error,
            Error::ParentDeleted {
                parent: "hub_issues",
                ..
            }
        ),
        "{flag_error:?}"
    );
}

#[test]
fn restore_with_ancestors_brings_back_the_parent_chain_first() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    let pristine = hub_state(conn);
    // Issue 12 deleted on its own, then the whole repo.
    op!(HubIssue::soft_delete(conn, 12)).unwrap();
    op!(HubRepo::soft_delete(conn, 1)).unwrap();

    let report = op!(HubIssueComment::restore_with_ancestors(conn, 121)).unwrap();

    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(
        report.changes[0].table, "hub_issue_comments",
        "the row's own table first"
    );
    // The repo came back with its cascade; issue 12 came back with its own; so did 121 and 122.
    assert_eq!(hub_state(conn).repos, pristine.repos);
    assert_eq!(hub_state(conn).issues, pristine.issues);
    assert_eq!(hub_state(conn).comments, pristine.comments);
    assert_eq!(report.rows_in("hub_repos"), 1);
    assert_eq!(report.rows_in("hub_issues"), 3);
    assert_eq!(report.rows_in("hub_issue_comments"), 6);
}

#[test]
fn bulk_soft_delete_cascades_from_every_selected_repo() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    code_hosting(conn, 2);
    code_hosting(conn, 3);

    let report = op!(HubRepo::soft_delete_where(
        conn,
        hub_repos::slug.ne("repo-2")
    ))
    .unwrap();

    assert_eq!(report.rows_in("hub_repos"), 2);
    assert_eq!(report.rows_in("hub_issues"), 6);
    assert_eq!(report.rows_in("hub_issue_comments"), 12);
    let live_issues: Vec<i32> = HubIssue::active()
        .select(hub_issues::repo_id)
        .distinct()
        .load(conn)
        .unwrap();
    assert_eq!(live_issues, [2]);
    let stamps: Vec<Option<NaiveDateTime>> = hub_issues::table
        .filter(hub_issues::repo_id.ne(2))
        .select(hub_issues::deleted_at)
        .distinct()
        .load(conn)
        .unwrap();
    assert_eq!(
        stamps,
        [Some(report.stamp)],
        "one stamp for the whole operation"
    );
}

#[test]
fn a_cascade_runs_the_same_statements_for_10_and_for_10_000_children() {
    fn statements_for(children: i32) -> usize {
        let mut db = connect();
        let conn = &mut *db;
        diesel::insert_into(hub_repos::table)
            .values((hub_repos::id.eq(1), hub_repos::slug.eq("big")))
            .execute(conn)
            .unwrap();
        let issues: Vec<_> = (1..=children)
            .map(|id| {
                (
                    hub_issues::id.eq(id),
                    hub_issues::repo_id.eq(1),
                    hub_issues::title.eq("bug"),
                )
            })
            .collect();
        for chunk in issues.chunks(500) {
            diesel::insert_into(hub_issues::table)
                .values(chunk)
                .execute(conn)
                .unwrap();
        }
        let comments: Vec<_> = (1..=children)
            .map(|id| {
                (
                    hub_issue_comments::id.eq(id),
                    hub_issue_comments::issue_id.eq(id),
                    hub_issue_comments::body.eq("+1"),
                )
            })
            .collect();
        for chunk in comments.chunks(500) {
            diesel::insert_into(hub_issue_comments::table)
                .values(chunk)
                .execute(conn)
                .unwrap();
        }
        let count = count_statements(conn);
        let report = op!(HubRepo::soft_delete(conn, 1)).unwrap();
        let statements = count.load(Ordering::SeqCst);
        no_instrumentation(conn);
        assert_eq!(
            report.rows_in("hub_issues"),
            usize::try_from(children).unwrap()
        );
        assert_eq!(
            report.rows_in("hub_issue_comments"),
            usize::try_from(children).unwrap()
        );
        let live: i64 = HubIssueComment::active().count().get_result(conn).unwrap();
        assert_eq!(live, 0);
        statements
    }

    let small = statements_for(10);
    let large = statements_for(10_000);
    assert_eq!(
        small, large,
        "statements do not grow with the number of rows"
    );
    assert!(small > 0);
}

#[test]
fn a_failure_part_way_leaves_every_row_as_it_was() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    // The root is updated last, after issues, comments, proposals and webhooks.
    conn.batch_execute(super::FAIL_ON_REPO_TOMBSTONE).unwrap();
    let before = hub_state(conn);

    let error = op!(HubRepo::soft_delete(conn, 1)).unwrap_err();

    assert!(matches!(error, Error::Database(_)), "{error:?}");
    assert_eq!(hub_state(conn), before, "the whole cascade rolled back");
}

// ----- seed 000: hosting ----------------------------------------------------------------------

pub(crate) fn hosting(conn: &mut Conn) {
    conn.batch_execute(
        "INSERT INTO merchants (id, name) VALUES (1, 'Acme');
         INSERT INTO stores (id, subdomain) VALUES (10, 'shop'), (20, 'other');
         INSERT INTO hosted_sites (id, merchant_id, store_id, name) VALUES (100, 1, 10, 'Shop'), (200, 1, 20, 'Other');
         INSERT INTO store_pages (id, store_id, title) VALUES (1000, 10, 'Home'), (1001, 10, 'About'), (2000, 20, 'Home');",
    )
    .unwrap();
}

#[test]
fn deleting_a_site_tombstones_the_store_it_owns_and_frees_the_subdomain() {
    let mut db = connect();
    let conn = &mut *db;
    hosting(conn);

    let report = op!(HostedSite::soft_delete(conn, 100)).unwrap();

    assert_eq!(report.rows_in("hosted_sites"), 1);
    assert_eq!(
        report.rows_in("stores"),
        1,
        "the owned store, found through the site's key"
    );
    assert_eq!(report.rows_in("store_pages"), 2);
    let stores: Vec<Store> = stores::table
        .order(stores::id)
        .select(Store::as_select())
        .load(conn)
        .unwrap();
    assert_eq!(stores[0].deleted_at, Some(report.stamp));
    assert_eq!(
        stores[1].deleted_at, None,
        "the other site's store is untouched"
    );
    let merchants: Vec<Merchant> = merchants::table
        .select(Merchant::as_select())
        .load(conn)
        .unwrap();
    assert_eq!(
        merchants,
        [Merchant {
            id: 1,
            name: "Acme".into()
        }],
        "the shared merchant is never touched"
    );
    let live_pages: Vec<i32> = StorePage::active()
        .select(store_pages::id)
        .load(conn)
        .unwrap();
    assert_eq!(live_pages, [2000]);

    // The subdomain is free again: a new store may take it.
    conn.batch_execute("INSERT INTO stores (id, subdomain) VALUES (30, 'shop')")
        .unwrap();
    conn.batch_execute("INSERT INTO hosted_sites (id, merchant_id, store_id, name) VALUES (300, 1, 30, 'Shop again')")
        .unwrap();

    // Restoring the old site would put two live stores on 'shop': refused, nothing changed.
    let before: Vec<Store> = stores::table
        .order(stores::id)
        .select(Store::as_select())
        .load(conn)
        .unwrap();
    let error = op!(HostedSite::restore(conn, 100)).unwrap_err();
    assert!(
        matches!(error, Error::UniqueConflict { table: "stores", ref constraint, .. } if constraint == "stores_live_subdomain"),
        "{error:?}"
    );
    let after: Vec<Store> = stores::table
        .order(stores::id)
        .select(Store::as_select())
        .load(conn)
        .unwrap();
    assert_eq!(after, before);
    let site: Option<NaiveDateTime> = hosted_sites::table
        .find(100)
        .select(hosted_sites::deleted_at)
        .first(conn)
        .unwrap();
    assert!(site.is_some(), "the site is still deleted");
}

#[test]
fn restoring_a_site_restores_its_store_and_pages() {
    let mut db = connect();
    let conn = &mut *db;
    hosting(conn);
    op!(HostedSite::soft_delete(conn, 100)).unwrap();

    let report = op!(HostedSite::restore(conn, 100)).unwrap();

    assert_eq!(
        (
            report.rows_in("hosted_sites"),
            report.rows_in("stores"),
            report.rows_in("store_pages")
        ),
        (1, 1, 2)
    );
    let live: i64 = StorePage::active().count().get_result(conn).unwrap();
    assert_eq!(live, 3);
    // The owned store cannot come back alone while its site is deleted.
    op!(HostedSite::soft_delete(conn, 100)).unwrap();
    let error = op!(Store::restore(conn, 10)).unwrap_err();
    assert!(
        matches!(
            error,
            Error::ParentDeleted {
                parent: "hosted_sites",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn a_store_two_sites_share_stays_live_until_the_last_of_them_is_deleted() {
    let mut db = connect();
    let conn = &mut *db;
    hosting(conn);
    // Site 101 was linked to store 10 as well: the store is not site 100's alone.
    conn.batch_execute(
        "INSERT INTO hosted_sites (id, merchant_id, store_id, name) VALUES (101, 1, 10, 'Shop mirror')",
    )
    .unwrap();
    let store_10 = |conn: &mut Conn| -> Option<NaiveDateTime> {
        stores::table
            .find(10)
            .select(stores::deleted_at)
            .first(conn)
            .unwrap()
    };
    let live_pages =
        |conn: &mut Conn| -> i64 { StorePage::active().count().get_result(conn).unwrap() };

    let first = op!(HostedSite::soft_delete(conn, 100)).unwrap();

    assert_eq!(
        (
            first.rows_in("hosted_sites"),
            first.rows_in("stores"),
            first.rows_in("store_pages")
        ),
        (1, 0, 0)
    );
    assert_eq!(store_10(conn), None, "site 101 still uses it");
    assert_eq!(live_pages(conn), 3);
    soft_delete_core::testing::assert_cascade_tombstoned::<HostedSite, _>(conn, 100);

    // The last site using it takes it along, and brings it back on restore.
    let last = op!(HostedSite::soft_delete(conn, 101)).unwrap();
    assert_eq!(
        (last.rows_in("stores"), last.rows_in("store_pages")),
        (1, 2)
    );
    assert_eq!(store_10(conn), Some(last.stamp));
    assert_eq!(live_pages(conn), 1);
    // Restoring the first site brings the store back, as site 100 uses it again, with the
    // pages 101's delete hid below it.
    let restored = op!(HostedSite::restore(conn, 100)).unwrap();
    assert_eq!(
        (
            restored.rows_in("hosted_sites"),
            restored.rows_in("stores"),
            restored.rows_in("store_pages")
        ),
        (1, 1, 2)
    );
    assert_eq!(store_10(conn), None);
    assert_eq!(live_pages(conn), 3);
    let restored = op!(HostedSite::restore(conn, 101)).unwrap();
    assert_eq!(
        (restored.rows_in("hosted_sites"), restored.rows_in("stores")),
        (1, 0)
    );
}

// ----- seed 003: payments under two parents ---------------------------------------------------

/// Domains 1 and 2; end users 10 and 11 of domain 1, 20 of domain 2; payments 100-102 of
/// domain 1 by its users, 200 of domain 2, and 300 made to domain 1 by domain 2's user 20.
pub(crate) fn tenants(conn: &mut Conn) {
    conn.batch_execute(
        "INSERT INTO tenant_domains (id, name) VALUES (1, 'acme'), (2, 'globex');
         INSERT INTO tenant_end_users (id, domain_id) VALUES (10, 1), (11, 1), (20, 2);
         INSERT INTO tenant_payments (id, domain_id, end_user_id) VALUES
             (100, 1, 10), (101, 1, 10), (102, 1, 11), (200, 2, 20), (300, 1, 20);",
    )
    .unwrap();
}

/// `(id, deleted_at)` of every payment, by id.
fn payments(conn: &mut Conn) -> Vec<(i32, Option<NaiveDateTime>)> {
    tenant_payments::table
        .order(tenant_payments::id)
        .select((tenant_payments::id, tenant_payments::deleted_at))
        .load(conn)
        .unwrap()
}

#[test]
fn a_domain_delete_reaches_each_payment_once_whichever_path_leads_there() {
    let mut db = connect();
    let conn = &mut *db;
    tenants(conn);

    let report = op!(TenantDomain::soft_delete(conn, 1)).unwrap();

    // Payments 100-102 are reached through domain 1 and through its users; 300 through the
    // domain only. Each is tombstoned once, with the one stamp.
    assert_eq!(
        (
            report.rows_in("tenant_domains"),
            report.rows_in("tenant_end_users"),
            report.rows_in("tenant_payments")
        ),
        (1, 2, 4)
    );
    let stamp = Some(report.stamp);
    assert_eq!(
        payments(conn),
        [
            (100, stamp),
            (101, stamp),
            (102, stamp),
            (200, None),
            (300, stamp)
        ]
    );
    let live_users: Vec<i32> = TenantEndUser::active()
        .select(tenant_end_users::id)
        .load(conn)
        .unwrap();
    assert_eq!(live_users, [20]);

    let restored = op!(TenantDomain::restore(conn, 1)).unwrap();
    assert_eq!(
        (
            restored.rows_in("tenant_domains"),
            restored.rows_in("tenant_end_users"),
            restored.rows_in("tenant_payments")
        ),
        (1, 2, 4)
    );
    assert!(
        payments(conn)
            .iter()
            .all(|(_, deleted_at)| deleted_at.is_none())
    );
}

#[test]
fn a_payment_comes_back_on_its_own_only_under_two_live_parents() {
    let mut db = connect();
    let conn = &mut *db;
    tenants(conn);

    // Domain 2 goes, and with it user 20 and everything user 20 paid, domain 1's payment 300
    // included.
    let domain = op!(TenantDomain::soft_delete(conn, 2)).unwrap();
    let stamp = Some(domain.stamp);
    assert_eq!(domain.rows_in("tenant_payments"), 2);
    assert_eq!(
        payments(conn),
        [
            (100, None),
            (101, None),
            (102, None),
            (200, stamp),
            (300, stamp)
        ]
    );
    // Its domain 1 is live, its user is not.
    let error = op!(TenantPayment::restore(conn, 300)).unwrap_err();
    assert!(
        matches!(
            error,
            Error::ParentDeleted {
                table: "tenant_payments",
                parent: "tenant_end_users",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(payments(conn)[4], (300, stamp), "nothing changed");

    op!(TenantDomain::restore(conn, 2)).unwrap();
    assert!(
        payments(conn)
            .iter()
            .all(|(_, deleted_at)| deleted_at.is_none())
    );

    // The other way round: its user is live, its domain 1 is not.
    op!(TenantPayment::soft_delete(conn, 300)).unwrap();
    op!(TenantDomain::soft_delete(conn, 1)).unwrap();
    let error = op!(TenantPayment::restore(conn, 300)).unwrap_err();
    assert!(
        matches!(
            error,
            Error::ParentDeleted {
                parent: "tenant_domains",
                ..
            }
        ),
        "{error:?}"
    );
    op!(TenantDomain::restore(conn, 1)).unwrap();
    assert!(
        payments(conn)[4].1.is_some(),
        "300 was deleted on its own before its domain, and stays deleted"
    );
    op!(TenantPayment::restore(conn, 300)).unwrap();
    assert!(
        payments(conn)
            .iter()
            .all(|(_, deleted_at)| deleted_at.is_none())
    );
}

#[test]
fn a_guest_payment_without_an_end_user_comes_back_with_its_domain() {
    let mut db = connect();
    let conn = &mut *db;
    tenants(conn);
    conn.batch_execute(
        "INSERT INTO tenant_payments (id, domain_id, end_user_id) VALUES (400, 1, NULL)",
    )
    .unwrap();
    // Another operation has an end user tombstoned: the restore below must not mistake the
    // guest payment's missing end user for that one.
    op!(TenantEndUser::soft_delete(conn, 20)).unwrap();
    let domain = op!(TenantDomain::soft_delete(conn, 1)).unwrap();
    assert_eq!(domain.rows_in("tenant_payments"), 4);

    let restored = op!(TenantDomain::restore(conn, 1)).unwrap();

    assert_eq!(restored.rows_in("tenant_payments"), 4);
    let guest: Option<NaiveDateTime> = tenant_payments::table
        .find(400)
        .select(tenant_payments::deleted_at)
        .first(conn)
        .unwrap();
    assert_eq!(guest, None);
}

#[test]
fn restoring_one_parent_leaves_hidden_a_payment_its_other_deleted_parent_holds() {
    let mut db = connect();
    let conn = &mut *db;
    tenants(conn);
    // User 20 goes first, with payments 200 and 300; then domain 1 goes, which payment 300
    // also hangs off (already tombstoned, it keeps user 20's stamp).
    let user = op!(TenantEndUser::soft_delete(conn, 20)).unwrap();
    let domain = op!(TenantDomain::soft_delete(conn, 1)).unwrap();
    assert_eq!(domain.rows_in("tenant_payments"), 3);

    let restored = op!(TenantEndUser::restore(conn, 20)).unwrap();

    // Payment 300 would be live under a deleted domain: it stays hidden, stamp and all.
    assert_eq!(restored.rows_in("tenant_payments"), 1);
    let by_domain = Some(domain.stamp);
    assert_eq!(
        payments(conn),
        [
            (100, by_domain),
            (101, by_domain),
            (102, by_domain),
            (200, None),
            (300, Some(user.stamp))
        ]
    );
    let leaked: i64 = TenantPayment::active()
        .inner_join(tenant_domains::table)
        .filter(TenantDomain::is_deleted())
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(leaked, 0, "no live payment under a tombstoned domain");

    // Domain 1 brings back what it hid; payment 300 then comes back with its own restore.
    op!(TenantDomain::restore(conn, 1)).unwrap();
    assert_eq!(payments(conn)[4], (300, Some(user.stamp)));
    op!(TenantPayment::restore(conn, 300)).unwrap();
    assert!(
        payments(conn)
            .iter()
            .all(|(_, deleted_at)| deleted_at.is_none())
    );
}

#[test]
fn a_reply_whose_author_is_deleted_stays_hidden_when_its_thread_comes_back() {
    let mut db = connect();
    let conn = &mut *db;
    tenants(conn);
    // Note 1 in domain 1 by user 10; reply 2 to it by user 20 of domain 2; reply 3 to reply 2
    // by user 10.
    conn.batch_execute(
        "INSERT INTO tenant_notes (id, domain_id, author_id, parent_id) VALUES
             (1, 1, 10, NULL), (2, 1, 20, 1), (3, 1, 10, 2)",
    )
    .unwrap();
    let thread = op!(TenantNote::soft_delete(conn, 1)).unwrap();
    assert_eq!(thread.rows_in("tenant_notes"), 3);
    // Then domain 2 goes, and with it user 20 (reply 2 is already tombstoned).
    op!(TenantDomain::soft_delete(conn, 2)).unwrap();

    let restored = op!(TenantNote::restore(conn, 1)).unwrap();

    // Reply 2 would be live under a deleted author; it stays hidden, and reply 3 below it.
    assert_eq!(restored.rows_in("tenant_notes"), 1);
    let notes: Vec<(i32, Option<NaiveDateTime>)> = tenant_notes::table
        .order(tenant_notes::id)
        .select((tenant_notes::id, tenant_notes::deleted_at))
        .load(conn)
        .unwrap();
    let hidden = Some(thread.stamp);
    assert_eq!(notes, [(1, None), (2, hidden), (3, hidden)]);

    // With its author back, reply 2 returns with its own restore, and reply 3 with it.
    op!(TenantDomain::restore(conn, 2)).unwrap();
    let reply = op!(TenantNote::restore(conn, 2)).unwrap();
    assert_eq!(reply.rows_in("tenant_notes"), 2);
}

#[test]
fn an_owned_profile_stays_hidden_while_its_other_parent_is_deleted() {
    let mut db = connect();
    let conn = &mut *db;
    tenants(conn);
    // User 10 (domain 1) owns profile 5, which domain 2 keeps.
    conn.batch_execute(
        "INSERT INTO tenant_profiles (id, domain_id) VALUES (5, 2);
         UPDATE tenant_end_users SET profile_id = 5 WHERE id = 10;",
    )
    .unwrap();
    let user = op!(TenantEndUser::soft_delete(conn, 10)).unwrap();
    assert_eq!(user.rows_in("tenant_profiles"), 1);
    op!(TenantDomain::soft_delete(conn, 2)).unwrap();

    let restored = op!(TenantEndUser::restore(conn, 10)).unwrap();

    // Domain 2 still hides it: it keeps the user's stamp, and comes back with its own restore.
    assert_eq!(restored.rows_in("tenant_profiles"), 0);
    let profile: Option<NaiveDateTime> = tenant_profiles::table
        .find(5)
        .select(tenant_profiles::deleted_at)
        .first(conn)
        .unwrap();
    assert_eq!(profile, Some(user.stamp));
    op!(TenantDomain::restore(conn, 2)).unwrap();
    assert_eq!(
        op!(TenantProfile::restore(conn, 5))
            .unwrap()
            .rows_in("tenant_profiles"),
        1
    );
}

#[test]
fn a_store_deleted_on_its_own_stays_deleted_when_a_site_using_it_returns() {
    let mut db = connect();
    let conn = &mut *db;
    hosting(conn);
    op!(Store::soft_delete(conn, 10)).unwrap();
    op!(HostedSite::soft_delete(conn, 100)).unwrap();

    let restored = op!(HostedSite::restore(conn, 100)).unwrap();

    // Its stamp is no site's: no site's delete took it along.
    assert_eq!(restored.rows_in("stores"), 0);
    let store: Option<NaiveDateTime> = stores::table
        .find(10)
        .select(stores::deleted_at)
        .first(conn)
        .unwrap();
    assert!(store.is_some());
}

#[test]
fn restoring_a_site_brings_back_a_store_another_deleted_site_also_held() {
    let mut db = connect();
    let conn = &mut *db;
    hosting(conn);
    conn.batch_execute(
        "INSERT INTO hosted_sites (id, merchant_id, store_id, name) VALUES (101, 1, 10, 'Shop mirror')",
    )
    .unwrap();
    // Site 101 goes while 100 still uses the store; then 100 goes, taking the store along.
    op!(HostedSite::soft_delete(conn, 101)).unwrap();
    op!(HostedSite::soft_delete(conn, 100)).unwrap();

    let restored = op!(HostedSite::restore(conn, 100)).unwrap();

    // Site 100 uses the store again, whatever became of site 101.
    assert_eq!(
        (restored.rows_in("stores"), restored.rows_in("store_pages")),
        (1, 2)
    );
    let live: Vec<i32> = Store::active()
        .order(stores::id)
        .select(stores::id)
        .load(conn)
        .unwrap();
    assert_eq!(live, [10, 20]);
}

// ----- seed 004: commute routes ---------------------------------------------------------------

pub(crate) fn commute(conn: &mut Conn) {
    conn.batch_execute(
        "INSERT INTO stations (id, name) VALUES (1, 'Central'), (2, 'Harbour'), (3, 'Airport');
         INSERT INTO routes (id, name) VALUES (1, 'Morning'), (2, 'Evening');
         INSERT INTO route_segments (id, route_id, station_id, sequence) VALUES
             (11, 1, 1, 1), (12, 1, 2, 2), (13, 1, 3, 3), (21, 2, 2, 1);
         INSERT INTO schedules (id, route_id, departs) VALUES (11, 1, '07:10'), (21, 2, '18:05');
         INSERT INTO station_index (id, route_id, station_id) VALUES (11, 1, 1), (12, 1, 2), (21, 2, 2);
         INSERT INTO notification_preferences (id, route_id, channel) VALUES (11, 1, 'push'), (12, 1, 'mail'), (21, 2, 'push');
         INSERT INTO notification_log (id, route_id, message) VALUES (11, 1, 'delayed'), (12, 1, 'on time');",
    )
    .unwrap();
}

#[test]
fn a_route_delete_reaches_everything_but_the_notification_log() {
    let mut db = connect();
    let conn = &mut *db;
    commute(conn);
    let log_before: Vec<NotificationLogEntry> = notification_log::table
        .select(NotificationLogEntry::as_select())
        .load(conn)
        .unwrap();

    let report = op!(Route::soft_delete(conn, 1)).unwrap();

    assert_eq!(report.rows_in("route_segments"), 3);
    assert_eq!(report.rows_in("schedules"), 1);
    assert_eq!(report.rows_in("station_index"), 2);
    assert_eq!(report.rows_in("notification_preferences"), 2);
    assert_eq!(report.rows_in("notification_log"), 0);
    let log_after: Vec<NotificationLogEntry> = notification_log::table
        .select(NotificationLogEntry::as_select())
        .load(conn)
        .unwrap();
    assert_eq!(log_after, log_before, "the log outlives its route");
    let live_segments: Vec<i32> = RouteSegment::active()
        .select(route_segments::id)
        .load(conn)
        .unwrap();
    assert_eq!(live_segments, [21]);
    let live_prefs: Vec<i32> = NotificationPreference::active()
        .select(notification_preferences::id)
        .load(conn)
        .unwrap();
    assert_eq!(live_prefs, [21]);

    let restored = op!(Route::restore(conn, 1)).unwrap();
    assert_eq!(restored.rows_in("route_segments"), 3);
    assert_eq!(restored.rows_in("notification_preferences"), 2);
    let index: i64 = station_index::table.count().get_result(conn).unwrap();
    assert_eq!(
        index, 1,
        "the station index was hard-deleted and stays gone"
    );
}

#[test]
fn renumbering_segments_reuses_a_sequence_a_tombstone_holds() {
    let mut db = connect();
    let conn = &mut *db;
    commute(conn);

    op!(RouteSegment::soft_delete(conn, 12)).unwrap();
    conn.batch_execute(
        "UPDATE route_segments SET sequence = 2 WHERE id = 13;
         INSERT INTO route_segments (id, route_id, station_id, sequence) VALUES (14, 1, 1, 3);",
    )
    .unwrap();

    let live: Vec<(i32, i32)> = RouteSegment::active()
        .filter(route_segments::route_id.eq(1))
        .order(route_segments::sequence)
        .select((route_segments::sequence, route_segments::id))
        .load(conn)
        .unwrap();
    assert_eq!(live, [(1, 11), (2, 13), (3, 14)]);
    let duplicate = conn.batch_execute(
        "INSERT INTO route_segments (id, route_id, station_id, sequence) VALUES (15, 1, 1, 3)",
    );
    assert!(
        duplicate.is_err(),
        "two live segments cannot share a sequence"
    );
}

#[test]
fn a_station_with_live_segments_cannot_be_deleted() {
    let mut db = connect();
    let conn = &mut *db;
    commute(conn);

    let error = op!(Station::soft_delete(conn, 2)).unwrap_err();

    assert!(
        matches!(error, Error::Restricted { table: "stations", ref child, rows: 2 } if child == "route_segments"),
        "{error:?}"
    );
    assert_eq!(
        Station::active().count().get_result::<i64>(conn).unwrap(),
        3,
        "nothing changed"
    );

    // Tombstoned segments do not count.
    op!(RouteSegment::soft_delete(conn, 12)).unwrap();
    op!(RouteSegment::soft_delete(conn, 21)).unwrap();
    let report = op!(Station::soft_delete(conn, 2)).unwrap();
    assert_eq!(report.rows_in("stations"), 1);
}

// ----- a self-referencing tree ----------------------------------------------------------------

/// 1 -> (2 -> (4 -> 6), 3 -> 5); 7 is another root. Reactions on 4 and 7.
pub(crate) fn thread(conn: &mut Conn) {
    conn.batch_execute(
        "INSERT INTO comments (id, parent_id, body) VALUES
             (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 3, 'b1'), (6, 4, 'a1x'), (7, NULL, 'other');
         INSERT INTO comment_reactions (id, comment_id, emoji) VALUES (40, 4, 'tada'), (70, 7, 'eyes');",
    )
    .unwrap();
}

pub(crate) fn live_comments(conn: &mut Conn) -> Vec<i32> {
    Comment::active()
        .order(comments::id)
        .select(comments::id)
        .load(conn)
        .unwrap()
}

#[test]
fn a_self_edge_cascades_through_the_whole_subtree_and_restores_it_exactly() {
    let mut db = connect();
    let conn = &mut *db;
    thread(conn);
    let own = op!(Comment::soft_delete(conn, 5)).unwrap();

    let report = op!(Comment::soft_delete(conn, 1)).unwrap();

    assert_eq!(
        report.rows_in("comments"),
        5,
        "1, 2, 3, 4 and 6; 5 was already deleted"
    );
    assert_eq!(
        report.rows_in("comment_reactions"),
        1,
        "descendants' own edges run too"
    );
    assert_eq!(live_comments(conn), [7]);
    let reactions: Vec<i32> = Reaction::active()
        .select(comment_reactions::id)
        .load(conn)
        .unwrap();
    assert_eq!(reactions, [70]);

    let restored = op!(Comment::restore(conn, 1)).unwrap();

    assert_eq!(restored.rows_in("comments"), 5);
    assert_eq!(live_comments(conn), [1, 2, 3, 4, 6, 7]);
    let five: Option<NaiveDateTime> = comments::table
        .find(5)
        .select(comments::deleted_at)
        .first(conn)
        .unwrap();
    assert_eq!(
        five,
        Some(own.stamp),
        "deleted on its own, so still deleted"
    );
    assert_eq!(
        Reaction::active().count().get_result::<i64>(conn).unwrap(),
        2
    );
}

#[test]
fn a_reply_under_a_deleted_comment_restores_only_with_its_ancestors() {
    let mut db = connect();
    let conn = &mut *db;
    thread(conn);
    op!(Comment::soft_delete(conn, 2)).unwrap();

    let error = op!(Comment::restore(conn, 4)).unwrap_err();
    assert!(
        matches!(
            error,
            Error::ParentDeleted {
                table: "comments",
                parent: "comments",
                ..
            }
        ),
        "{error:?}"
    );

    let report = op!(Comment::restore_with_ancestors(conn, 6)).unwrap();
    assert_eq!(report.rows_in("comments"), 3);
    assert_eq!(live_comments(conn), [1, 2, 3, 4, 5, 6, 7]);
}

// ----- the graph --------------------------------------------------------------------------------

#[test]
fn the_cascade_graph_is_a_constant_that_prints_as_mermaid_and_dot() {
    const GRAPH: &soft_delete_core::CascadeGraph =
        &<HubRepo as soft_delete_core::Model>::CASCADE_GRAPH;
    assert_eq!(GRAPH.table, "hub_repos");
    assert_eq!(GRAPH.edges.len(), 4);

    let mermaid = HubRepo::cascade_graph().to_mermaid();
    assert!(
        mermaid.contains("hub_repos -->|\"soft (repo_id)\"| hub_issues"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("hub_issues -->|\"soft (issue_id)\"| hub_issue_comments"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("hub_proposals -->|\"soft (proposal_id)\"| hub_proposal_comments"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains(
            "hub_repos -->|\"hard (repo_id): deleted by a soft delete, never restored\"| hub_webhooks"
        ),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("hub_repos -->|\"keep (fork_parent_id)\"| hub_repos"),
        "{mermaid}"
    );

    let dot = HostedSite::cascade_graph().to_dot();
    assert!(
        dot.contains("\"hosted_sites\" -> \"stores\" [label=\"soft (owned via store_id)\"]"),
        "{dot}"
    );
    let tree = Comment::cascade_graph().to_mermaid();
    assert!(
        tree.contains("comments -->|\"soft (parent_id)\"| comments"),
        "{tree}"
    );
    let restrict = Station::cascade_graph().to_mermaid();
    assert!(
        restrict.contains("stations -->|\"restrict (station_id)\"| route_segments"),
        "{restrict}"
    );
}

#[test]
fn a_cycle_in_a_tree_is_cascaded_once_and_reported() {
    let mut db = connect();
    let conn = &mut *db;
    // Bad data: 1 and 2 are each other's parent.
    conn.batch_execute(
        "INSERT INTO comments (id, parent_id, body) VALUES (1, NULL, 'a'), (2, 1, 'b');
         UPDATE comments SET parent_id = 2 WHERE id = 1;",
    )
    .unwrap();

    let report = op!(Comment::soft_delete(conn, 1)).unwrap();

    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(report.rows_in("comments"), 2);
    assert_eq!(live_comments(conn), Vec::<i32>::new());
    // 1 hangs off 2, its own descendant: it cannot come back alone, and climbing its ancestors
    // meets it again. Both say so and change nothing.
    let alone = op!(Comment::restore(conn, 1)).unwrap_err();
    assert!(matches!(alone, Error::ParentDeleted { .. }), "{alone:?}");
    let climbing = op!(Comment::restore_with_ancestors(conn, 1)).unwrap_err();
    assert!(
        matches!(
            climbing,
            Error::AncestryCycle {
                table: "comments",
                ..
            }
        ),
        "{climbing:?}"
    );
    assert_eq!(live_comments(conn), Vec::<i32>::new());
}
