// The restores beside `restore` and `restore_with_ancestors`: a row alone (shallow), a path of
// ancestors without their other descendants, and every tombstoned row a predicate selects.

#[allow(
    unused_imports,
    reason = "the blocking suite's op! calls the operations through it"
)]
use soft_delete_core::SoftDelete;
use soft_delete_core::{Error, Outcome};

type Conn = super::Conn;

fn live_repos(conn: &mut Conn) -> Vec<i32> {
    HubRepo::active()
        .order(hub_repos::id)
        .select(hub_repos::id)
        .load(conn)
        .unwrap()
}

fn live_issues(conn: &mut Conn) -> Vec<i32> {
    HubIssue::active()
        .order(hub_issues::id)
        .select(hub_issues::id)
        .load(conn)
        .unwrap()
}

fn live_comments_of_issues(conn: &mut Conn) -> Vec<i32> {
    HubIssueComment::active()
        .order(hub_issue_comments::id)
        .select(hub_issue_comments::id)
        .load(conn)
        .unwrap()
}

fn live_proposals(conn: &mut Conn) -> Vec<i32> {
    HubProposal::active()
        .order(hub_proposals::id)
        .select(hub_proposals::id)
        .load(conn)
        .unwrap()
}

fn ledger_entries(conn: &mut Conn) -> i64 {
    soft_delete_flag_stamps::table
        .count()
        .get_result(conn)
        .unwrap()
}

#[test]
fn restore_shallow_brings_back_the_row_alone() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    let recorded = ledger_entries(conn);

    let report = op!(HubRepo::restore_shallow(conn, 1)).unwrap();

    assert_eq!((report.outcome, report.total_rows()), (Outcome::Changed, 1));
    assert_eq!(live_repos(conn), [1]);
    assert!(
        live_issues(conn).is_empty(),
        "what the delete hid stays hidden"
    );
    assert!(live_comments_of_issues(conn).is_empty());
    assert!(live_proposals(conn).is_empty());
    assert_eq!(ledger_entries(conn), recorded);

    // Each hidden row comes back with its own restore, and what the delete hid below it.
    let issue = op!(HubIssue::restore(conn, 11)).unwrap();
    assert_eq!(issue.rows_in("hub_issue_comments"), 2);
    assert_eq!(live_issues(conn), [11]);
    assert_eq!(live_comments_of_issues(conn), [111, 112]);
    assert_eq!(ledger_entries(conn), recorded - 2);
}

#[test]
fn restore_shallow_is_refused_under_a_tombstoned_parent_and_idle_on_a_live_row() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    op!(HubRepo::soft_delete(conn, 1)).unwrap();

    let refused = op!(HubIssue::restore_shallow(conn, 11)).unwrap_err();
    assert!(
        matches!(
            refused,
            Error::ParentDeleted {
                parent: "hub_repos",
                ..
            }
        ),
        "{refused:?}"
    );
    assert!(live_issues(conn).is_empty());
    op!(HubRepo::restore(conn, 1)).unwrap();
    let again = op!(HubRepo::restore_shallow(conn, 1)).unwrap();
    assert_eq!(again.outcome, Outcome::AlreadyActive);
}

#[test]
fn restore_path_brings_back_the_ancestors_alone_and_the_row_whole() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    op!(HubRepo::soft_delete(conn, 1)).unwrap();

    let report = op!(HubIssue::restore_path(conn, 12)).unwrap();

    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(
        report.changes[0].table, "hub_issues",
        "the row's own table first"
    );
    assert_eq!(
        (
            report.rows_in("hub_repos"),
            report.rows_in("hub_issues"),
            report.rows_in("hub_issue_comments")
        ),
        (1, 1, 2)
    );
    assert_eq!(live_repos(conn), [1]);
    assert_eq!(
        live_issues(conn),
        [12],
        "the repo's other issues stay deleted"
    );
    assert_eq!(live_comments_of_issues(conn), [121, 122]);
    assert!(live_proposals(conn).is_empty());

    // The siblings stay deleted, and each can be restored on its own.
    op!(HubIssue::restore(conn, 13)).unwrap();
    op!(HubProposal::restore(conn, 11)).unwrap();
    assert_eq!(live_issues(conn), [12, 13]);
    assert_eq!(live_comments_of_issues(conn), [121, 122, 131, 132]);
    assert_eq!(live_proposals(conn), [11]);
}

#[test]
fn restore_path_climbs_a_tree_restoring_each_parent_row_alone() {
    let mut db = connect();
    let conn = &mut *db;
    thread(conn);
    op!(Comment::soft_delete(conn, 1)).unwrap();

    // 6 hangs off 4, off 2, off 1; 3 and 5 are 1's other replies.
    let report = op!(Comment::restore_path(conn, 6)).unwrap();

    assert_eq!(report.rows_in("comments"), 4);
    assert_eq!(live_comments(conn), [1, 2, 4, 6, 7]);
}

#[test]
fn restore_where_restores_each_row_with_what_its_own_delete_hid() {
    let mut db = connect();
    let conn = &mut *db;
    for repo in 1..=3 {
        code_hosting(conn, repo);
    }
    // Issue 22 deleted on its own first; then repos 2 and 3, each by its own delete.
    op!(HubIssue::soft_delete(conn, 22)).unwrap();
    op!(HubRepo::soft_delete(conn, 2)).unwrap();
    op!(HubRepo::soft_delete(conn, 3)).unwrap();
    op!(HubRepo::soft_delete(conn, 1)).unwrap();

    let report = op!(HubRepo::restore_where(conn, hub_repos::id.eq_any([2, 3]))).unwrap();

    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(
        (report.rows_in("hub_repos"), report.rows_in("hub_issues")),
        (2, 5)
    );
    assert_eq!(live_repos(conn), [2, 3], "repo 1 was not selected");
    assert_eq!(
        live_issues(conn),
        [21, 23, 31, 32, 33],
        "22 stays: its own delete"
    );
    assert_eq!(live_proposals(conn), [21, 31]);
    assert_eq!(
        live_comments_of_issues(conn),
        [211, 212, 231, 232, 311, 312, 321, 322, 331, 332]
    );
}

#[test]
fn restore_where_refuses_rows_under_a_tombstoned_parent_and_changes_nothing() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    code_hosting(conn, 2);
    op!(HubIssue::soft_delete(conn, 21)).unwrap();
    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    let before = (live_issues(conn), ledger_entries(conn));

    // Issue 21's repo is live; issues 11 to 13 hang off the tombstoned repo 1.
    let refused = op!(HubIssue::restore_where(
        conn,
        hub_issues::id.eq_any([11, 12, 13, 21])
    ))
    .unwrap_err();

    assert!(
        matches!(
            refused,
            Error::ParentDeleted {
                parent: "hub_repos",
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!((live_issues(conn), ledger_entries(conn)), before);
}

#[test]
fn restore_where_restores_a_reply_whose_parent_it_restores_too() {
    let mut db = connect();
    let conn = &mut *db;
    thread(conn);
    op!(Comment::soft_delete(conn, 2)).unwrap();
    op!(Comment::soft_delete(conn, 1)).unwrap();

    let report = op!(Comment::restore_where(conn, comments::id.eq_any([1, 2]))).unwrap();

    assert_eq!(
        report.rows_in("comments"),
        6,
        "1 with 3 and 5; 2 with 4 and 6"
    );
    assert_eq!(live_comments(conn), [1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn restore_where_without_a_tombstoned_row_matches_nothing() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);

    let report = op!(HubRepo::restore_where(conn, hub_repos::id.eq(1))).unwrap();

    assert_eq!(report.outcome, Outcome::NothingMatched);
    assert_eq!(live_repos(conn), [1]);
}
