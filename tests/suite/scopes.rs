// Scopes are ordinary Diesel queries whose SQL is exactly the hand-written filter.

use diesel::debug_query;
use soft_delete_core::SoftDelete;

fn sql<Q: diesel::query_builder::QueryFragment<Db>>(query: &Q) -> String {
    debug_query::<Db, _>(query).to_string()
}

#[test]
fn active_scope_is_the_hand_written_filter() {
    assert_eq!(
        sql(&Repo::active()),
        sql(&repos::table.filter(repos::deleted_at.is_null()))
    );
    assert_eq!(
        sql(&IssueComment::active()),
        sql(&issue_comments::table.filter(issue_comments::is_deleted.eq(false)))
    );
    assert_eq!(
        sql(&Segment::active()),
        sql(&segments::table.filter(segments::archived_on.is_null()))
    );
}

#[test]
fn only_deleted_and_with_deleted_are_the_hand_written_queries() {
    assert_eq!(
        sql(&Repo::only_deleted()),
        sql(&repos::table.filter(repos::deleted_at.is_not_null()))
    );
    assert_eq!(
        sql(&IssueComment::only_deleted()),
        sql(&issue_comments::table.filter(issue_comments::is_deleted.eq(true)))
    );
    assert_eq!(
        sql(&Repo::with_deleted()),
        sql(&repos::table.filter(
            repos::deleted_at
                .is_null()
                .or(repos::deleted_at.is_not_null())
        ))
    );
    assert_eq!(
        sql(&IssueComment::with_deleted()),
        sql(&issue_comments::table.filter(
            issue_comments::is_deleted
                .eq(false)
                .or(issue_comments::is_deleted.eq(true))
        ))
    );
}

#[test]
fn is_active_filters_a_join_like_the_hand_written_predicate() {
    let ours = issues::table
        .inner_join(repos::table)
        .filter(Issue::is_active().and(Repo::is_active()))
        .select(issues::id);
    let by_hand = issues::table
        .inner_join(repos::table)
        .filter(
            issues::deleted_at
                .is_null()
                .and(repos::deleted_at.is_null()),
        )
        .select(issues::id);
    assert_eq!(sql(&ours), sql(&by_hand));
    assert_eq!(
        sql(&repos::table.filter(Repo::is_deleted())),
        sql(&repos::table.filter(repos::deleted_at.is_not_null()))
    );
}

#[test]
fn scopes_chain_and_read_only_what_they_promise() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api"), (2, "web"), (3, "docs"), (4, "old")]);
    op!(Repo::soft_delete(conn, 4)).unwrap();
    op!(Repo::soft_delete(conn, 2)).unwrap();

    let live: Vec<String> = Repo::active()
        .order(repos::slug.desc())
        .select(repos::slug)
        .load(conn)
        .unwrap();
    assert_eq!(live, ["docs", "api"]);

    let counted: i64 = Repo::active().count().get_result(conn).unwrap();
    assert_eq!(counted, 2);

    let first: Repo = Repo::active()
        .filter(repos::slug.eq("docs"))
        .select(Repo::as_select())
        .first(conn)
        .unwrap();
    assert_eq!(first.id, 3);

    let trash: Vec<i32> = Repo::only_deleted()
        .order(repos::id)
        .select(repos::id)
        .load(conn)
        .unwrap();
    assert_eq!(trash, [2, 4]);

    let all: i64 = Repo::with_deleted().count().get_result(conn).unwrap();
    assert_eq!(all, 4);
}

#[test]
fn is_active_hides_rows_under_a_tombstoned_parent_in_a_join() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api"), (2, "web")]);
    diesel::insert_into(issues::table)
        .values(&vec![
            (
                issues::id.eq(10),
                issues::repo_id.eq(1),
                issues::title.eq("a"),
            ),
            (
                issues::id.eq(11),
                issues::repo_id.eq(2),
                issues::title.eq("b"),
            ),
            (
                issues::id.eq(12),
                issues::repo_id.eq(1),
                issues::title.eq("c"),
            ),
        ])
        .execute(conn)
        .unwrap();
    op!(Repo::soft_delete(conn, 2)).unwrap();
    op!(Issue::soft_delete(conn, 12)).unwrap();

    let visible: Vec<i32> = issues::table
        .inner_join(repos::table)
        .filter(Issue::is_active().and(Repo::is_active()))
        .order(issues::id)
        .select(issues::id)
        .load(conn)
        .unwrap();
    assert_eq!(visible, [10]);
}

#[test]
fn flag_scopes_read_the_flag() {
    let mut db = connect();
    let conn = &mut *db;
    diesel::insert_into(issue_comments::table)
        .values(&vec![
            (issue_comments::id.eq(1), issue_comments::body.eq("first")),
            (issue_comments::id.eq(2), issue_comments::body.eq("spam")),
        ])
        .execute(conn)
        .unwrap();
    op!(IssueComment::soft_delete(conn, 2)).unwrap();

    let live: Vec<IssueComment> = IssueComment::active()
        .select(IssueComment::as_select())
        .load(conn)
        .unwrap();
    assert_eq!(live.iter().map(|c| c.id).collect::<Vec<_>>(), [1]);
    let trash: Vec<IssueComment> = IssueComment::only_deleted()
        .select(IssueComment::as_select())
        .load(conn)
        .unwrap();
    assert_eq!(trash.len(), 1);
    assert!(trash[0].is_deleted);
}
