// Tables whose SQL name differs from their Rust name (Diesel's `#[sql_name = "..."]`): every
// statement, report, catalog lookup and leak check meets the database by the SQL name.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_core::leak::LeakDetector;
use soft_delete_core::{Model, SoftDelete};

type Conn = super::Conn;

diesel::table! {
    #[sql_name = "Case Folders"]
    case_folders (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    #[sql_name = "Case Labels"]
    case_labels (id) {
        id -> Integer,
        folder_id -> Integer,
    }
}

diesel::joinable!(case_labels -> case_folders (folder_id));
diesel::allow_tables_to_appear_in_same_query!(case_folders, case_labels);

#[derive(Debug, Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = case_folders)]
#[cascade(CaseLabel(hard))]
struct CaseFolder {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Identifiable, Associations)]
#[diesel(table_name = case_labels, belongs_to(CaseFolder, foreign_key = folder_id))]
struct CaseLabel {
    id: i32,
    folder_id: i32,
}

fn is_mysql() -> bool {
    std::any::type_name::<Db>().ends_with("Mysql")
}

/// `name` quoted for this backend.
fn quoted(name: &str) -> String {
    if is_mysql() {
        format!("`{name}`")
    } else {
        format!("\"{name}\"")
    }
}

/// The two tables, a folder (1) with two labels and another (2) with one, and, outside the
/// graph, a table whose restricting foreign key points at labels.
fn schema(conn: &mut Conn) {
    let stamp = if is_mysql() {
        "DATETIME(6)"
    } else {
        "TIMESTAMP"
    };
    let (folders, labels) = (quoted("Case Folders"), quoted("Case Labels"));
    for statement in [
        format!("CREATE TABLE {folders} (id INTEGER PRIMARY KEY, deleted_at {stamp} NULL)"),
        format!(
            "CREATE TABLE {labels} (id INTEGER PRIMARY KEY, folder_id INTEGER NOT NULL, \
             FOREIGN KEY (folder_id) REFERENCES {folders} (id))"
        ),
        format!(
            "CREATE TABLE label_uses (id INTEGER PRIMARY KEY, label_id INTEGER NOT NULL, \
             CONSTRAINT label_uses_label FOREIGN KEY (label_id) REFERENCES {labels} (id))"
        ),
        format!("INSERT INTO {folders} (id) VALUES (1), (2)"),
        format!("INSERT INTO {labels} (id, folder_id) VALUES (10, 1), (11, 1), (20, 2)"),
    ] {
        conn.batch_execute(&statement)
            .unwrap_or_else(|error| panic!("{error}\n{statement}"));
    }
}

fn labels(conn: &mut Conn) -> Vec<i32> {
    case_labels::table
        .select(case_labels::id)
        .order(case_labels::id)
        .load(conn)
        .unwrap()
}

#[test]
fn a_model_knows_its_table_by_the_sql_name() {
    assert_eq!(<CaseFolder as Model>::TABLE, "Case Folders");
    let mermaid = CaseFolder::cascade_graph().to_mermaid();
    assert!(
        mermaid.contains("Case_Folders[\"Case Folders\"]")
            && mermaid.contains(
                "Case_Folders -->|\"hard (folder_id): deleted by a soft delete, never restored\"| Case_Labels"
            ),
        "{mermaid}"
    );
}

#[test]
fn soft_delete_and_restore_reach_a_table_by_its_sql_name() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);

    let report = op!(CaseFolder::soft_delete(conn, 1)).unwrap();

    assert_eq!(
        (
            report.rows_in("Case Folders"),
            report.rows_in("Case Labels")
        ),
        (1, 2)
    );
    let deleted: Vec<CaseFolder> = CaseFolder::only_deleted().load(conn).unwrap();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].id, 1);
    assert_eq!(deleted[0].deleted_at, Some(report.stamp));
    assert_eq!(
        labels(conn),
        [20],
        "the hard edge deleted folder 1's labels"
    );
    op!(CaseFolder::restore(conn, 1)).unwrap();
    assert_eq!(
        CaseFolder::active()
            .count()
            .get_result::<i64>(conn)
            .unwrap(),
        2
    );
}

#[test]
fn the_audit_finds_a_table_by_its_sql_name() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);

    let report = soft_delete_core::audit::audit(conn, &[CaseFolder::cascade_graph()]).unwrap();

    let ours: Vec<_> = report
        .hazards
        .iter()
        .filter(|hazard| hazard.table().starts_with("Case "))
        .map(|hazard| (hazard.kind(), hazard.table().to_owned()))
        .collect();
    // Neither missing nor unmodelled, and the hard edge covers the labels' foreign key; what is
    // left is advice about the tombstone's index.
    assert!(
        ours.iter()
            .all(|(kind, _)| *kind == "unindexed-tombstone" || *kind == "coarse-tombstone"),
        "{ours:?}"
    );
}

#[test]
fn hard_delete_checks_references_into_a_table_by_its_sql_name() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);
    conn.batch_execute("INSERT INTO label_uses (id, label_id) VALUES (1, 10)")
        .unwrap();
    foreign_keys_unenforced(conn);

    let refused = op!(CaseFolder::hard_delete(conn, 1)).unwrap_err();

    let (table, referenced_by, _) = referenced(&refused);
    assert_eq!(
        (table, referenced_by),
        ("Case Labels", "label_uses.label_id")
    );
    assert_eq!(labels(conn), [10, 11, 20], "nothing deleted");
    op!(CaseFolder::hard_delete(conn, 2)).unwrap();
    assert_eq!(labels(conn), [10, 11]);
}

#[test]
fn the_leak_detector_watches_a_table_by_its_sql_name() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);
    let detector = LeakDetector::collecting().watch::<CaseFolder>();
    let leaks = detector.leaks();
    conn.set_instrumentation(detector);

    CaseFolder::active()
        .count()
        .get_result::<i64>(conn)
        .unwrap();
    assert!(leaks.take().is_empty(), "the scope filters");
    case_folders::table.count().get_result::<i64>(conn).unwrap();
    let found = leaks.take();
    assert_eq!(
        found.len(),
        1,
        "an unfiltered read of \"Case Folders\" leaks: {found:?}"
    );
}
