// The `serde` feature: the report of a real cascade serialized to JSON, read back, and held
// against the rows in the database; the audit's report in the JSON shape the audit CLI prints.

use diesel::prelude::*;
use soft_delete_core::Report;
use soft_delete_core::audit::{AuditReport, Hazard, Options, audit_schema, catalog};

type Conn = super::Conn;

/// Tombstoned rows of `table`, counted in the database.
fn tombstoned(conn: &mut Conn, table: &str) -> usize {
    let tombstone = if table.ends_with("_comments") {
        format!("is_deleted = {}", super::TRUE)
    } else {
        "deleted_at IS NOT NULL".to_owned()
    };
    let count: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
        "(SELECT COUNT(*) FROM {table} WHERE {tombstone})"
    )))
    .get_result(conn)
    .unwrap();
    usize::try_from(count).unwrap()
}

fn json(report: &Report) -> serde_json::Value {
    serde_json::from_str(&serde_json::to_string(report).unwrap()).unwrap()
}

#[test]
fn serde_a_report_is_the_json_of_what_the_database_holds() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);

    let report = json(&op!(HubRepo::soft_delete(conn, 1)).unwrap());

    let mut keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["changes", "held", "operation", "outcome", "stamp"],
        "{report}"
    );
    assert_eq!(
        report["held"],
        serde_json::json!([]),
        "only a purge holds rows back"
    );
    assert_eq!(report["operation"], "soft_delete");
    assert_eq!(report["outcome"], "changed");
    // The stamp as written to the database, to the microsecond.
    let stamp: chrono::NaiveDateTime = serde_json::from_value(report["stamp"].clone()).unwrap();
    let stored: Option<chrono::NaiveDateTime> = hub_repos::table
        .find(1)
        .select(hub_repos::deleted_at)
        .first(conn)
        .unwrap();
    assert_eq!(stored, Some(stamp));
    // Every table the report names, with the rows the database has tombstoned there.
    let changes: Vec<(String, usize)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| {
            let table = change["table"].as_str().unwrap().to_owned();
            (
                table,
                usize::try_from(change["rows"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes
            .iter()
            .map(|(table, _)| table.as_str())
            .collect::<Vec<_>>(),
        [
            "hub_repos",
            "hub_issue_comments",
            "hub_issues",
            "hub_proposal_comments",
            "hub_proposals",
            "hub_webhooks"
        ]
    );
    for (table, rows) in &changes[..5] {
        assert_eq!(tombstoned(conn, table), *rows, "{table}");
    }
    // The webhook, a hard edge, is deleted for real.
    assert_eq!(changes[5].1, 1);
    let webhooks: i64 = hub_webhooks::table.count().get_result(conn).unwrap();
    assert_eq!(webhooks, 0);
    assert_eq!(
        changes.iter().map(|(_, rows)| rows).sum::<usize>(),
        1 + 3 + 6 + 1 + 2 + 1
    );

    let again = json(&op!(HubRepo::soft_delete(conn, 1)).unwrap());
    assert_eq!(again["outcome"], "already_deleted");
    assert_eq!(again["changes"], serde_json::json!([]));

    let restored = json(&op!(HubRepo::restore(conn, 1)).unwrap());
    assert_eq!(restored["operation"], "restore");
    assert_eq!(
        restored["changes"][0],
        serde_json::json!({ "table": "hub_repos", "rows": 1 })
    );
    for (table, _) in &changes[..5] {
        assert_eq!(tombstoned(conn, table), 0, "{table}");
    }
}

#[test]
fn serde_an_audit_report_keeps_the_cli_shape() {
    let mut db = connect();
    let conn = &mut *db;
    let report = audit_schema(&catalog::read(conn).unwrap(), &Options::default());
    let text = serde_json::to_string(&report).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();

    // The CLI's order: `clean` first, and each hazard's keys from `kind` to `advice`.
    assert!(text.starts_with(r#"{"clean":"#), "{text}");
    assert!(
        text.contains(r#"[{"kind":""#) && text.ends_with(r#""}]}"#),
        "{text}"
    );
    assert_eq!(json["clean"], report.is_clean());
    let hazards = json["hazards"].as_array().unwrap();
    assert_eq!(hazards.len(), report.hazards.len());
    assert!(
        !hazards.is_empty(),
        "the fixture has unindexed tombstones: {report}"
    );
    for (hazard, found) in hazards.iter().zip(&report.hazards) {
        let mut keys: Vec<&str> = hazard
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "advice",
                "columns",
                "constraint",
                "detail",
                "kind",
                "model",
                "referenced_table",
                "table"
            ]
        );
        assert_eq!(hazard["kind"], found.kind());
        assert_eq!(hazard["table"], found.table());
        assert_eq!(hazard["columns"], serde_json::json!(found.columns()));
        assert_eq!(hazard["detail"], found.detail());
        assert_eq!(hazard["advice"], found.advice());
    }

    // Names that need escaping come back as they were.
    let odd = AuditReport::new(vec![Hazard::UniqueCountsTombstones {
        table: "a\"b\\c\n".into(),
        index: "uniq\t1".into(),
        columns: vec!["slug\u{1}".into()],
        tombstone: "deleted_at".into(),
    }]);
    let json: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&odd).unwrap()).unwrap();
    assert_eq!(json["clean"], false);
    assert_eq!(json["hazards"][0]["table"], "a\"b\\c\n");
    assert_eq!(json["hazards"][0]["constraint"], "uniq\t1");
    assert_eq!(
        json["hazards"][0]["columns"],
        serde_json::json!(["slug\u{1}"])
    );
    assert_eq!(
        json["hazards"][0]["referenced_table"],
        serde_json::Value::Null
    );
}
