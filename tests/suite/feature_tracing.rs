// The `tracing` feature: the span of each operation, caught by the suite's own subscriber
// (`soft_delete_tests::spans`), against the rows in the database.

use diesel::prelude::*;
// The blocking suite's `op!` calls some operations through the trait; the async one does not.
#[allow(unused_imports)]
use soft_delete_core::SoftDelete;
use soft_delete_tests::spans::{Caught, Span, catch};

type Conn = super::Conn;

fn tombstoned_issues(conn: &mut Conn) -> usize {
    let count: i64 = HubIssue::only_deleted().count().get_result(conn).unwrap();
    usize::try_from(count).unwrap()
}

/// The one span named `name`.
fn only<'c>(caught: &'c Caught, name: &str) -> &'c Span {
    let spans = caught.named(name);
    assert_eq!(spans.len(), 1, "{name}: {caught:#?}");
    spans[0]
}

#[test]
fn tracing_a_soft_delete_has_a_span_with_its_rows() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    code_hosting(conn, 2);

    let (report, caught) = catch(|| op!(HubRepo::soft_delete(conn, 2)).unwrap());

    let span = only(&caught, "soft_delete");
    let fields = &span.fields;
    assert_eq!(fields["operation"], "soft_delete");
    assert_eq!(fields["model"], "hub_repos");
    assert_eq!(fields["key"], "2");
    assert_eq!(fields["stamp"], report.stamp.to_string());
    assert_eq!(fields["outcome"], "changed");
    // The rows the database holds tombstoned (and the webhook it deleted), as the span counts
    // them.
    assert_eq!(tombstoned_issues(conn), 3);
    let webhooks: Vec<i32> = hub_webhooks::table
        .select(hub_webhooks::id)
        .load(conn)
        .unwrap();
    assert_eq!(webhooks, [1]);
    assert_eq!(fields["rows"], (1 + 3 + 6 + 1 + 2 + 1).to_string());
    assert_eq!(
        fields["changes"],
        "hub_repos: 1 row, hub_issue_comments: 6 rows, hub_issues: 3 rows, \
         hub_proposal_comments: 2 rows, hub_proposals: 1 row, hub_webhooks: 1 row"
    );
    let per_table: Vec<String> = report.changes.iter().map(ToString::to_string).collect();
    assert_eq!(fields["changes"], per_table.join(", "));
    assert!(fields["duration_us"].parse::<u64>().is_ok(), "{fields:?}");
    assert!(!fields.contains_key("error"));
    // One event at the end, inside the span, says the same.
    let index = caught.spans.iter().position(|found| found == span);
    let ends: Vec<_> = caught
        .events
        .iter()
        .filter(|event| event.parent == index)
        .collect();
    assert_eq!(ends.len(), 1, "{caught:#?}");
    assert_eq!(ends[0].fields["rows"], fields["rows"]);
    assert_eq!(ends[0].fields["changes"], fields["changes"]);
    assert_eq!(ends[0].fields["message"], "soft delete done");
}

#[test]
fn tracing_every_operation_has_its_span() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    code_hosting(conn, 2);

    let ((), caught) = catch(|| {
        op!(HubIssue::soft_delete(conn, 11)).unwrap();
        op!(HubRepo::soft_delete(conn, 1)).unwrap();
        op!(HubIssue::restore_with_ancestors(conn, 11)).unwrap();
        op!(HubRepo::lock_live(conn, 1)).unwrap();
        op!(HubRepo::hard_delete(conn, 2)).unwrap();
        op!(HubIssue::soft_delete(conn, 12)).unwrap();
        op!(HubIssue::purge(
            conn,
            soft_delete_core::purge::Purge::any_age()
        ))
        .unwrap();
        op!(HubRepo::soft_delete(conn, 404)).unwrap_err();
    });

    // The climb: the issue's, and inside it its repo's, each with the restore it ends with.
    let climbs: Vec<_> = caught
        .spans
        .iter()
        .enumerate()
        .filter(|(_, span)| span.name == "restore_with_ancestors")
        .map(|(at, span)| {
            (
                at,
                span.parent,
                &*span.fields["model"],
                &*span.fields["key"],
            )
        })
        .collect();
    let [
        (issue_climb, None, "hub_issues", "11"),
        (repo_climb, Some(parent), "hub_repos", "1"),
    ] = climbs[..]
    else {
        panic!("{climbs:?}");
    };
    assert_eq!(parent, issue_climb);
    let climb = &caught.spans[issue_climb];
    assert_eq!(climb.fields["outcome"], "changed");
    assert!(
        chrono::NaiveDateTime::parse_from_str(&climb.fields["stamp"], "%Y-%m-%d %H:%M:%S%.f")
            .is_ok(),
        "the climb records its stamp when it ends: {climb:?}"
    );
    let restores: Vec<_> = caught
        .spans
        .iter()
        .filter(|span| span.name == "restore")
        .map(|span| (span.parent, &*span.fields["model"], &*span.fields["key"]))
        .collect();
    assert_eq!(
        restores,
        [
            (Some(repo_climb), "hub_repos", "1"),
            (Some(issue_climb), "hub_issues", "11")
        ]
    );

    let lock = only(&caught, "lock_live");
    assert_eq!(
        (&*lock.fields["key"], &*lock.fields["outcome"]),
        ("1", "done")
    );

    let hard = only(&caught, "hard_delete");
    assert_eq!(
        (&*hard.fields["model"], &*hard.fields["key"]),
        ("hub_repos", "2")
    );
    let left: i64 = hub_repos::table.count().get_result(conn).unwrap();
    assert_eq!(left, 1, "the hard delete took repo 2");
    assert!(
        hard.fields["changes"].starts_with("hub_repos: 1 row, "),
        "{hard:?}"
    );

    let purge = only(&caught, "purge");
    assert_eq!(purge.fields["model"], "hub_issues");
    assert!(!purge.fields.contains_key("key"), "a purge has no key");
    assert_eq!(
        purge.fields["changes"],
        "hub_issues: 1 row, hub_issue_comments: 2 rows"
    );
    assert_eq!(tombstoned_issues(conn), 0, "the purge took issue 12");

    let deletes = caught.named("soft_delete");
    assert_eq!(deletes.len(), 4);
    let missing = deletes[3];
    assert_eq!(missing.fields["key"], "404");
    assert_eq!(missing.fields["outcome"], "error");
    assert!(missing.fields["error"].contains("404"), "{missing:?}");
    assert!(!missing.fields.contains_key("rows"));
}
