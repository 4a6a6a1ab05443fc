// Soft delete, restore and bulk soft delete, checked against the rows in the database.

use chrono::Timelike;
use soft_delete_core::{Error, Operation, Outcome, SoftDelete};

#[test]
fn soft_delete_tombstones_the_row_and_keeps_it() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api"), (2, "web")]);

    let report = op!(Repo::soft_delete(conn, 1)).unwrap();

    assert_eq!(report.operation, Operation::SoftDelete);
    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(report.rows_in("repos"), 1);
    assert_eq!(
        report.stamp.nanosecond() % 1_000,
        0,
        "stamps are whole microseconds"
    );
    let rows = all_repos(conn);
    assert_eq!(rows.len(), 2, "a soft delete removes nothing");
    assert_eq!(
        rows[0].deleted_at,
        Some(report.stamp),
        "the stored stamp is the report's"
    );
    assert_eq!(rows[0].deleted_by, None);
    assert_eq!(rows[1].deleted_at, None, "other rows are untouched");
    let live: Vec<i32> = Repo::active().select(repos::id).load(conn).unwrap();
    assert_eq!(live, [2]);
}

#[test]
fn deleting_again_succeeds_changes_nothing_and_keeps_the_first_stamp() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api")]);
    let first = op!(Repo::soft_delete_by(conn, 1, 7)).unwrap();
    let before = repo(conn, 1);

    let second = op!(Repo::soft_delete_by(conn, 1, 8)).unwrap();

    assert_eq!(second.outcome, Outcome::AlreadyDeleted);
    assert_eq!(
        second.stamp, first.stamp,
        "the report gives the stamp the row kept"
    );
    assert!(second.outcome.is_noop());
    assert!(second.changes.is_empty());
    assert_eq!(second.total_rows(), 0);
    let after = repo(conn, 1);
    assert_eq!(after, before);
    assert_eq!(after.deleted_at, Some(first.stamp));
    assert_eq!(after.deleted_by, Some(7), "the first actor stays");
}

#[test]
fn unknown_keys_are_not_found_and_change_nothing() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api")]);
    let before = all_repos(conn);

    let delete = op!(Repo::soft_delete(conn, 99)).unwrap_err();
    let restore = op!(Repo::restore(conn, 99)).unwrap_err();

    for error in [&delete, &restore] {
        assert!(error.is_not_found(), "{error:?}");
        let Error::NotFound { table, key } = error else {
            unreachable!()
        };
        assert_eq!((*table, key.as_str()), ("repos", "99"));
    }
    assert_eq!(delete.to_string(), "no row in `repos` has the key 99");
    assert_eq!(all_repos(conn), before);
}

#[test]
fn the_actor_is_written_on_delete_and_cleared_on_restore() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api"), (2, "web")]);

    op!(Repo::soft_delete_by(conn, 1, 42)).unwrap();
    assert_eq!(repo(conn, 1).deleted_by, Some(42));
    assert_eq!(repo(conn, 2).deleted_by, None);

    let report = op!(Repo::restore(conn, 1)).unwrap();

    assert_eq!(report.operation, Operation::Restore);
    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(report.rows_in("repos"), 1);
    let restored = repo(conn, 1);
    assert_eq!((restored.deleted_at, restored.deleted_by), (None, None));
}

#[test]
fn a_delete_without_an_actor_leaves_the_actor_column_null() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api")]);
    op!(Repo::soft_delete(conn, 1)).unwrap();
    let row = repo(conn, 1);
    assert!(row.deleted_at.is_some());
    assert_eq!(row.deleted_by, None);
}

#[test]
fn restoring_a_live_row_is_a_success_that_changes_nothing() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api")]);
    let report = op!(Repo::restore(conn, 1)).unwrap();
    assert_eq!(report.outcome, Outcome::AlreadyActive);
    assert!(report.changes.is_empty());
    assert_eq!(repo(conn, 1).deleted_at, None);
}

#[test]
fn loaded_rows_can_be_deleted_and_restored_themselves() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api"), (2, "web")]);
    let loaded: Vec<Repo> = Repo::active()
        .order(repos::id)
        .select(Repo::as_select())
        .load(conn)
        .unwrap();

    let report = op!(@record(loaded[0]).soft_delete_record(conn)).unwrap();
    assert_eq!(repo(conn, 1).deleted_at, Some(report.stamp));
    op!(@record(loaded[1]).soft_delete_record_by(conn, 5)).unwrap();
    assert_eq!(repo(conn, 2).deleted_by, Some(5));

    op!(@record(loaded[1]).restore_record(conn)).unwrap();
    assert_eq!(repo(conn, 2).deleted_at, None);
    assert!(
        repo(conn, 1).deleted_at.is_some(),
        "only the row asked for was restored"
    );
}

#[test]
fn a_flag_tombstone_is_set_and_cleared() {
    let mut db = connect();
    let conn = &mut *db;
    diesel::insert_into(issue_comments::table)
        .values(&vec![
            (issue_comments::id.eq(1), issue_comments::body.eq("first")),
            (issue_comments::id.eq(2), issue_comments::body.eq("second")),
        ])
        .execute(conn)
        .unwrap();
    let flags = |conn: &mut super::Conn| -> Vec<bool> {
        IssueComment::with_deleted()
            .order(issue_comments::id)
            .select(issue_comments::is_deleted)
            .load(conn)
            .unwrap()
    };

    assert_eq!(
        op!(IssueComment::soft_delete(conn, 1)).unwrap().outcome,
        Outcome::Changed
    );
    assert_eq!(flags(conn), [true, false]);
    assert_eq!(
        op!(IssueComment::soft_delete(conn, 1)).unwrap().outcome,
        Outcome::AlreadyDeleted
    );
    assert!(
        op!(IssueComment::soft_delete(conn, 3))
            .unwrap_err()
            .is_not_found()
    );

    assert_eq!(
        op!(IssueComment::restore(conn, 1)).unwrap().outcome,
        Outcome::Changed
    );
    assert_eq!(flags(conn), [false, false]);
}

// `DateTime<Utc>` has no Diesel mapping on every backend: `with_utc_timestamps!` keeps this test
// where it has one.
with_utc_timestamps! {
    #[test]
    fn a_text_key_with_a_utc_tombstone_and_a_text_actor() {
        let mut db = connect();
        let conn = &mut *db;
        let id = "6f1c2a8e-3b5d-4c8e-9a7f-2d4e6b8c0a1f";
        diesel::insert_into(accounts::table)
            .values(&vec![
                (accounts::id.eq(id), accounts::email.eq("a@example.test")),
                (
                    accounts::id.eq("other"),
                    accounts::email.eq("b@example.test"),
                ),
            ])
            .execute(conn)
            .unwrap();

        let report = op!(Account::soft_delete_by(conn, id, "admin@example.test")).unwrap();

        let row: Account = Account::with_deleted()
            .find(id)
            .select(Account::as_select())
            .first(conn)
            .unwrap();
        assert_eq!(row.deleted_at, Some(report.stamp.and_utc()));
        assert_eq!(row.deleted_by.as_deref(), Some("admin@example.test"));
        let live: Vec<String> = Account::active().select(accounts::id).load(conn).unwrap();
        assert_eq!(live, ["other"]);

        let missing = op!(Account::soft_delete(conn, "nobody")).unwrap_err();
        assert!(
            matches!(missing, Error::NotFound { table: "accounts", ref key } if key == "\"nobody\"")
        );

        op!(Account::restore(conn, id.to_owned())).unwrap();
        let row: Account = Account::with_deleted()
            .find(id)
            .select(Account::as_select())
            .first(conn)
            .unwrap();
        assert_eq!((row.deleted_at, row.deleted_by), (None, None));
    }
}

#[test]
fn a_bigint_key_and_a_renamed_tombstone_column() {
    let mut db = connect();
    let conn = &mut *db;
    let big = 9_000_000_000_i64;
    diesel::insert_into(segments::table)
        .values(&vec![
            (segments::id.eq(big), segments::name.eq("north")),
            (segments::id.eq(1), segments::name.eq("south")),
        ])
        .execute(conn)
        .unwrap();

    let report = op!(Segment::soft_delete(conn, big)).unwrap();

    let stored: Option<chrono::NaiveDateTime> = segments::table
        .find(big)
        .select(segments::archived_on)
        .first(conn)
        .unwrap();
    assert_eq!(stored, Some(report.stamp));
    let live: Vec<i64> = Segment::active().select(segments::id).load(conn).unwrap();
    assert_eq!(live, [1]);
    op!(Segment::restore(conn, big)).unwrap();
    assert_eq!(
        Segment::active().count().get_result::<i64>(conn).unwrap(),
        2
    );
}

#[test]
fn bulk_soft_delete_tombstones_exactly_the_live_rows_the_filter_selects() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(
        conn,
        &[(1, "tmp-a"), (2, "tmp-b"), (3, "keep"), (4, "tmp-old")],
    );
    let old = op!(Repo::soft_delete_by(conn, 4, 1)).unwrap();

    let report = op!(Repo::soft_delete_where_by(
        conn,
        repos::slug.like("tmp-%"),
        9
    ))
    .unwrap();

    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(
        report.rows_in("repos"),
        2,
        "the row already tombstoned is not counted"
    );
    let rows = all_repos(conn);
    assert_eq!(rows[0].deleted_at, Some(report.stamp));
    assert_eq!(
        rows[1].deleted_at,
        Some(report.stamp),
        "one stamp for the whole operation"
    );
    assert_eq!((rows[0].deleted_by, rows[1].deleted_by), (Some(9), Some(9)));
    assert_eq!(
        rows[2].deleted_at, None,
        "rows outside the filter are untouched"
    );
    assert_eq!(
        rows[3].deleted_at,
        Some(old.stamp),
        "a tombstone keeps its first stamp"
    );
    assert_eq!(rows[3].deleted_by, Some(1));
}

#[test]
fn bulk_soft_delete_that_matches_nothing_says_so() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api")]);
    let report = op!(Repo::soft_delete_where(conn, repos::slug.eq("nope"))).unwrap();
    assert_eq!(report.outcome, Outcome::NothingMatched);
    assert_eq!(report.total_rows(), 0);
    assert_eq!(repo(conn, 1).deleted_at, None);

    let report = op!(IssueComment::soft_delete_where(
        conn,
        issue_comments::body.eq("nope")
    ))
    .unwrap();
    assert_eq!(report.outcome, Outcome::NothingMatched);
}

#[test]
fn an_operation_inside_the_callers_transaction_rolls_back_with_it() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api")]);

    let outcome: Result<(), Error> = conn.transaction(|conn| {
        op!(Repo::soft_delete(conn, 1))?;
        assert!(
            repo(conn, 1).deleted_at.is_some(),
            "visible inside the transaction"
        );
        Err(Error::NotFound {
            table: "repos",
            key: "caller gives up".into(),
        })
    });

    assert!(outcome.is_err());
    assert_eq!(
        repo(conn, 1).deleted_at,
        None,
        "the caller's rollback undid the delete"
    );
}

#[test]
fn an_operation_inside_the_callers_transaction_commits_with_it() {
    let mut db = connect();
    let conn = &mut *db;
    insert_repos(conn, &[(1, "api"), (2, "web")]);
    conn.transaction::<_, Error, _>(|conn| {
        op!(Repo::soft_delete(conn, 1))?;
        op!(Repo::soft_delete(conn, 2))?;
        op!(Repo::restore(conn, 1))?;
        Ok(())
    })
    .unwrap();
    let states: Vec<bool> = all_repos(conn)
        .iter()
        .map(|r| r.deleted_at.is_some())
        .collect();
    assert_eq!(states, [false, true]);
}
