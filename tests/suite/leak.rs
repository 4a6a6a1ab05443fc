// The leak detector on a real connection: reads and writes that forget a tombstone, in joins,
// subqueries, counts and raw SQL, are reported with their table and statement; the crate's
// scopes and operations never are.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::sql_types::Integer;
use soft_delete_core::SoftDelete;
use soft_delete_core::leak::{Leak, LeakDetector, LeakKind, Leaks};

type Conn = super::Conn;

/// Repos 1 and 2 with their issues, comments and proposals (see `cascade::code_hosting`); repo
/// 2 tombstoned by hand, so its issues are live rows under a deleted repo: what a leaky join
/// brings back.
fn seed(conn: &mut Conn) {
    super::cascade::code_hosting(conn, 1);
    super::cascade::code_hosting(conn, 2);
    let stamp = NaiveDateTime::parse_from_str("2026-01-01 00:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
    diesel::update(hub_repos::table.filter(hub_repos::id.eq(2)))
        .set(hub_repos::deleted_at.eq(Some(stamp)))
        .execute(conn)
        .unwrap();
}

/// Installs a collecting detector watching the code-hosting cascade's tables.
fn watch(conn: &mut Conn) -> Leaks {
    let detector = LeakDetector::collecting().watch_graph(HubRepo::cascade_graph());
    let leaks = detector.leaks();
    conn.set_instrumentation(detector);
    leaks
}

/// The leaks as `(table, kind, statement)`, the statement with its identifiers unquoted and
/// its placeholders written `?`: the same text on every backend.
fn plain(leaks: Vec<Leak>) -> Vec<(String, LeakKind, String)> {
    leaks
        .into_iter()
        .map(|leak| (leak.table, leak.kind, unquoted(&leak.statement)))
        .collect()
}

fn unquoted(sql: &str) -> String {
    let mut out = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' => {}
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                while chars.next_if(char::is_ascii_digit).is_some() {}
                out.push('?');
            }
            c => out.push(c),
        }
    }
    out
}

fn read(table: &str, statement: &str) -> (String, LeakKind, String) {
    (table.to_owned(), LeakKind::Read, statement.to_owned())
}

#[derive(Debug, QueryableByName)]
struct Id {
    #[diesel(sql_type = Integer)]
    id: i32,
}

#[test]
fn a_join_filtering_one_side_leaks_the_other() {
    let mut db = connect();
    let conn = &mut *db;
    seed(conn);
    let leaks = watch(conn);

    let issues: Vec<i32> = hub_issues::table
        .inner_join(hub_repos::table)
        .filter(HubIssue::is_active())
        .order(hub_issues::id)
        .select(hub_issues::id)
        .load(conn)
        .unwrap();
    // The issues of tombstoned repo 2 came back: the leak the detector reports.
    assert_eq!(issues, [11, 12, 13, 21, 22, 23]);
    assert_eq!(
        plain(leaks.take()),
        [read(
            "hub_repos",
            "SELECT hub_issues.id FROM (hub_issues INNER JOIN hub_repos ON (hub_issues.repo_id = \
             hub_repos.id)) WHERE (hub_issues.deleted_at IS NULL) ORDER BY hub_issues.id"
        )]
    );

    // A left join whose `ON` filters the repos, but nothing filters the issues.
    let _: Vec<(i32, Option<i32>)> = hub_issues::table
        .left_join(
            hub_repos::table.on(hub_repos::id
                .eq(hub_issues::repo_id)
                .and(HubRepo::is_active())),
        )
        .select((hub_issues::id, hub_repos::id.nullable()))
        .load(conn)
        .unwrap();
    assert_eq!(
        plain(leaks.take()),
        [read(
            "hub_issues",
            "SELECT hub_issues.id, hub_repos.id FROM (hub_issues LEFT OUTER JOIN hub_repos ON \
             ((hub_repos.id = hub_issues.repo_id) AND (hub_repos.deleted_at IS NULL)))"
        )]
    );
}

#[test]
fn belonging_to_loads_tombstoned_children_unless_filtered() {
    let mut db = connect();
    let conn = &mut *db;
    seed(conn);
    op!(HubIssue::soft_delete(conn, 12)).unwrap();
    let repos: Vec<HubRepo> = HubRepo::active()
        .select(HubRepo::as_select())
        .load(conn)
        .unwrap();
    let leaks = watch(conn);

    // Diesel's association loads every child row, tombstoned ones included (seeds 002, 004).
    let all: Vec<HubIssue> = HubIssue::belonging_to(&repos)
        .select(HubIssue::as_select())
        .load(conn)
        .unwrap();
    assert_eq!(all.len(), 3, "issue 12 came back");
    let found = leaks.take();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].table.as_str(), found[0].kind),
        ("hub_issues", LeakKind::Read)
    );

    // Filtered by the scope's predicate, it loads and groups live children only.
    let live: Vec<HubIssue> = HubIssue::belonging_to(&repos)
        .filter(HubIssue::is_active())
        .order(hub_issues::id)
        .select(HubIssue::as_select())
        .load(conn)
        .unwrap();
    let grouped: Vec<(i32, Vec<i32>)> = live
        .grouped_by(&repos)
        .into_iter()
        .zip(&repos)
        .map(|(issues, repo)| (repo.id, issues.iter().map(|issue| issue.id).collect()))
        .collect();
    assert_eq!(grouped, [(1, vec![11, 13])]);
    leaks.assert_none();
}

#[test]
fn a_subquery_over_an_unfiltered_table_leaks() {
    let mut db = connect();
    let conn = &mut *db;
    seed(conn);
    let leaks = watch(conn);

    let issues: Vec<i32> = HubIssue::active()
        .filter(hub_issues::repo_id.eq_any(hub_repos::table.select(hub_repos::id)))
        .select(hub_issues::id)
        .load(conn)
        .unwrap();
    assert_eq!(issues.len(), 6);
    let found = plain(leaks.take());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1),
        ("hub_repos", LeakKind::Read)
    );
    // `IN (SELECT ...)`, or `= ANY(SELECT ...)` on PostgreSQL.
    assert!(
        found[0].2.starts_with(
            "SELECT hub_issues.id FROM hub_issues WHERE ((hub_issues.deleted_at IS NULL) AND \
             (hub_issues.repo_id "
        ) && found[0]
            .2
            .ends_with("(SELECT hub_repos.id FROM hub_repos)))"),
        "{found:?}"
    );

    // The same subquery over live repos only: clean.
    let issues: Vec<i32> = HubIssue::active()
        .filter(hub_issues::repo_id.eq_any(HubRepo::active().select(hub_repos::id)))
        .select(hub_issues::id)
        .load(conn)
        .unwrap();
    assert_eq!(issues.len(), 3);
    leaks.assert_none();
}

#[test]
fn a_count_of_the_bare_table_leaks() {
    let mut db = connect();
    let conn = &mut *db;
    seed(conn);
    let leaks = watch(conn);

    let all: i64 = hub_repos::table.count().get_result(conn).unwrap();
    let live: i64 = HubRepo::active().count().get_result(conn).unwrap();
    assert_eq!((all, live), (2, 1));
    assert_eq!(
        plain(leaks.take()),
        [read("hub_repos", "SELECT COUNT(*) FROM hub_repos")]
    );
}

#[test]
fn raw_sql_is_checked_too() {
    let mut db = connect();
    let conn = &mut *db;
    seed(conn);
    let leaks = watch(conn);

    let ids: Vec<Id> = diesel::sql_query("SELECT id FROM hub_repos ORDER BY id")
        .load(conn)
        .unwrap();
    assert_eq!(ids.len(), 2);
    diesel::sql_query("UPDATE hub_issues SET title = 'triaged' WHERE repo_id = 2")
        .execute(conn)
        .unwrap();
    diesel::sql_query("DELETE FROM hub_issue_comments WHERE body = '+1' AND issue_id = 11")
        .execute(conn)
        .unwrap();
    assert_eq!(
        plain(leaks.take()),
        [
            read("hub_repos", "SELECT id FROM hub_repos ORDER BY id"),
            (
                "hub_issues".to_owned(),
                LeakKind::Update,
                "UPDATE hub_issues SET title = 'triaged' WHERE repo_id = 2".to_owned()
            ),
            (
                "hub_issue_comments".to_owned(),
                LeakKind::Delete,
                "DELETE FROM hub_issue_comments WHERE body = '+1' AND issue_id = 11".to_owned()
            ),
        ]
    );

    let live: Vec<Id> =
        diesel::sql_query("SELECT r.id FROM hub_repos AS r WHERE r.deleted_at IS NULL")
            .load(conn)
            .unwrap();
    assert_eq!(live.iter().map(|row| row.id).collect::<Vec<_>>(), [1]);
    leaks.assert_none();
}

#[test]
fn the_scopes_and_filtered_joins_are_clean() {
    let mut db = connect();
    let conn = &mut *db;
    seed(conn);
    let leaks = watch(conn);

    let live: Vec<HubRepo> = HubRepo::active().load(conn).unwrap();
    let trash: Vec<HubRepo> = HubRepo::only_deleted().load(conn).unwrap();
    let all: Vec<HubRepo> = HubRepo::with_deleted().load(conn).unwrap();
    assert_eq!((live.len(), trash.len(), all.len()), (1, 1, 2));
    let counts: Vec<i64> = vec![
        HubIssue::active().count().get_result(conn).unwrap(),
        HubIssue::only_deleted().count().get_result(conn).unwrap(),
        HubIssue::with_deleted().count().get_result(conn).unwrap(),
        HubIssueComment::active().count().get_result(conn).unwrap(),
        HubIssueComment::with_deleted()
            .count()
            .get_result(conn)
            .unwrap(),
    ];
    assert_eq!(counts, [6, 0, 6, 12, 12]);

    let issues: Vec<i32> = hub_issues::table
        .inner_join(hub_repos::table)
        .filter(HubIssue::is_active().and(HubRepo::is_active()))
        .order(hub_issues::id)
        .select(hub_issues::id)
        .load(conn)
        .unwrap();
    assert_eq!(issues, [11, 12, 13]);
    let comments: i64 = hub_issue_comments::table
        .inner_join(hub_issues::table.inner_join(hub_repos::table))
        .filter(
            HubIssueComment::is_active()
                .and(HubIssue::is_active())
                .and(HubRepo::is_active()),
        )
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(comments, 6);
    let with_repos: Vec<(i32, Option<i32>)> = HubIssue::active()
        .left_join(
            hub_repos::table.on(hub_repos::id
                .eq(hub_issues::repo_id)
                .and(HubRepo::is_active())),
        )
        .order(hub_issues::id)
        .select((hub_issues::id, hub_repos::id.nullable()))
        .load(conn)
        .unwrap();
    assert_eq!(with_repos[0], (11, Some(1)));
    assert_eq!(with_repos[3], (21, None));
    leaks.assert_none();
}

#[test]
fn the_crates_own_operations_never_leak() {
    let mut db = connect();
    let conn = &mut *db;
    super::cascade::code_hosting(conn, 1);
    super::cascade::code_hosting(conn, 2);
    super::cascade::code_hosting(conn, 3);
    let leaks = watch(conn);

    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    op!(HubRepo::soft_delete(conn, 1)).unwrap(); // already deleted: looks the row up by key
    assert!(
        op!(HubRepo::soft_delete(conn, 404))
            .unwrap_err()
            .is_not_found()
    );
    op!(HubRepo::restore(conn, 1)).unwrap();
    op!(HubRepo::restore(conn, 1)).unwrap(); // already live
    op!(HubRepo::soft_delete_by(conn, 2, 7)).unwrap();
    assert!(matches!(
        op!(HubIssue::restore(conn, 21)),
        Err(soft_delete_core::Error::ParentDeleted { .. })
    ));
    op!(HubIssue::restore_with_ancestors(conn, 21)).unwrap();
    op!(HubIssue::soft_delete(conn, 11)).unwrap();
    op!(HubIssue::restore(conn, 11)).unwrap();
    // A flag tombstone restored by key: its stamp comes from the ledger.
    op!(HubIssueComment::soft_delete(conn, 121)).unwrap();
    op!(HubIssueComment::restore(conn, 121)).unwrap();
    op!(HubProposal::soft_delete(conn, 31)).unwrap();
    op!(HubRepo::soft_delete_where(
        conn,
        hub_repos::slug.like("repo-3")
    ))
    .unwrap();
    op!(HubRepo::restore_with_ancestors(conn, 3)).unwrap();
    conn.transaction(|conn| op!(HubRepo::lock_live(conn, 1)))
        .unwrap();
    let refused = conn.transaction(|conn| {
        op!(HubRepo::soft_delete(conn, 2))?;
        op!(HubRepo::lock_live(conn, 2))
    });
    assert!(matches!(
        refused,
        Err(soft_delete_core::Error::Deleted { .. })
    ));

    leaks.assert_none();
}

#[test]
fn purge_and_hard_delete_never_leak() {
    let mut db = connect();
    let conn = &mut *db;
    super::cascade::code_hosting(conn, 1);
    super::cascade::code_hosting(conn, 2);
    super::cascade::code_hosting(conn, 3);
    let leaks = watch(conn);

    op!(HubRepo::soft_delete(conn, 1)).unwrap();
    op!(HubIssue::soft_delete(conn, 21)).unwrap();
    let purged = op!(HubRepo::purge(
        conn,
        soft_delete_core::purge::Purge::any_age()
    ))
    .unwrap();
    assert_eq!(purged.rows_in("hub_repos"), 1);
    op!(HubIssue::purge(
        conn,
        soft_delete_core::purge::Purge::any_age()
    ))
    .unwrap();
    op!(HubRepo::hard_delete(conn, 3)).unwrap();
    assert!(
        op!(HubRepo::hard_delete(conn, 3))
            .unwrap_err()
            .is_not_found()
    );

    leaks.assert_none();
}

#[test]
fn an_owned_records_statements_never_leak() {
    let mut db = connect();
    let conn = &mut *db;
    super::cascade::hosting(conn);
    // Site 101 shares store 10 with site 100, so the delete runs the "no other live owner"
    // subquery as well.
    conn.batch_execute(
        "INSERT INTO hosted_sites (id, merchant_id, store_id, name) VALUES (101, 1, 10, 'Shop mirror')",
    )
    .unwrap();
    let detector = LeakDetector::collecting().watch_graph(HostedSite::cascade_graph());
    let leaks = detector.leaks();
    conn.set_instrumentation(detector);

    op!(HostedSite::soft_delete(conn, 100)).unwrap();
    op!(HostedSite::soft_delete(conn, 101)).unwrap();
    op!(HostedSite::restore(conn, 101)).unwrap();
    op!(HostedSite::hard_delete(conn, 200)).unwrap();
    op!(HostedSite::purge(
        conn,
        soft_delete_core::purge::Purge::any_age()
    ))
    .unwrap();
    op!(Store::purge(
        conn,
        soft_delete_core::purge::Purge::any_age()
    ))
    .unwrap();

    leaks.assert_none();
}
