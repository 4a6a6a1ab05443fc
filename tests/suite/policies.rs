// The `with_parent` policy: plain children a parent cannot live without (its configuration).
// A soft delete and a restore leave them alone; the parent's purge and hard delete delete them
// for real, children first, in the same transaction. Beside it, `hard`, which a soft delete
// already deletes (lossy).

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;
use soft_delete_core::purge::Purge;

type Conn = super::Conn;

diesel::table! {
    pw_domains (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    pw_settings (id) {
        id -> Integer,
        domain_id -> Integer,
        value -> Text,
    }
}

diesel::table! {
    pw_hooks (id) {
        id -> Integer,
        domain_id -> Integer,
    }
}

diesel::joinable!(pw_settings -> pw_domains (domain_id));
diesel::joinable!(pw_hooks -> pw_domains (domain_id));
diesel::allow_tables_to_appear_in_same_query!(pw_domains, pw_settings, pw_hooks);

#[derive(Debug, Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = pw_domains)]
#[cascade(PwSetting(with_parent), PwHook(hard))]
struct PwDomain {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Identifiable, Associations)]
#[diesel(table_name = pw_settings, belongs_to(PwDomain, foreign_key = domain_id))]
struct PwSetting {
    id: i32,
    domain_id: i32,
    value: String,
}

#[derive(Debug, Queryable, Identifiable, Associations)]
#[diesel(table_name = pw_hooks, belongs_to(PwDomain, foreign_key = domain_id))]
struct PwHook {
    id: i32,
    domain_id: i32,
}

fn is_mysql() -> bool {
    std::any::type_name::<Db>().ends_with("Mysql")
}

/// Domains 1 and 2; settings 10 and 11 of domain 1, 20 of domain 2; hooks 100 and 200; and,
/// outside the graph, a table whose restricting foreign key points at settings.
fn schema(conn: &mut Conn) {
    let stamp = if is_mysql() {
        "DATETIME(6)"
    } else {
        "TIMESTAMP"
    };
    for statement in [
        format!("CREATE TABLE pw_domains (id INTEGER PRIMARY KEY, deleted_at {stamp} NULL)"),
        "CREATE TABLE pw_settings (id INTEGER PRIMARY KEY, domain_id INTEGER NOT NULL, \
         value TEXT NOT NULL, FOREIGN KEY (domain_id) REFERENCES pw_domains (id))"
            .to_owned(),
        "CREATE TABLE pw_hooks (id INTEGER PRIMARY KEY, domain_id INTEGER NOT NULL, \
         FOREIGN KEY (domain_id) REFERENCES pw_domains (id))"
            .to_owned(),
        "CREATE TABLE pw_setting_uses (id INTEGER PRIMARY KEY, setting_id INTEGER NOT NULL, \
         CONSTRAINT pw_setting_uses_setting FOREIGN KEY (setting_id) REFERENCES pw_settings (id))"
            .to_owned(),
        "INSERT INTO pw_domains (id) VALUES (1), (2)".to_owned(),
        "INSERT INTO pw_settings (id, domain_id, value) VALUES (10, 1, 'dns'), (11, 1, 'tls'), \
         (20, 2, 'dns')"
            .to_owned(),
        "INSERT INTO pw_hooks (id, domain_id) VALUES (100, 1), (200, 2)".to_owned(),
    ] {
        conn.batch_execute(&statement)
            .unwrap_or_else(|error| panic!("{error}\n{statement}"));
    }
}

fn settings(conn: &mut Conn) -> Vec<(i32, i32, String)> {
    pw_settings::table
        .order(pw_settings::id)
        .load::<PwSetting>(conn)
        .unwrap()
        .into_iter()
        .map(|setting| (setting.id, setting.domain_id, setting.value))
        .collect()
}

fn hooks(conn: &mut Conn) -> Vec<(i32, i32)> {
    pw_hooks::table
        .order(pw_hooks::id)
        .load::<PwHook>(conn)
        .unwrap()
        .into_iter()
        .map(|hook| (hook.id, hook.domain_id))
        .collect()
}

fn domains(conn: &mut Conn) -> Vec<(i32, bool)> {
    pw_domains::table
        .order(pw_domains::id)
        .load::<PwDomain>(conn)
        .unwrap()
        .into_iter()
        .map(|domain| (domain.id, domain.deleted_at.is_some()))
        .collect()
}

fn all_settings() -> Vec<(i32, i32, String)> {
    vec![
        (10, 1, "dns".to_owned()),
        (11, 1, "tls".to_owned()),
        (20, 2, "dns".to_owned()),
    ]
}

#[test]
fn a_with_parent_child_survives_soft_delete_and_restore_and_goes_with_the_purge() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);

    let deleted = op!(PwDomain::soft_delete(conn, 1)).unwrap();
    assert_eq!(
        (
            deleted.rows_in("pw_domains"),
            deleted.rows_in("pw_hooks"),
            deleted.rows_in("pw_settings")
        ),
        (1, 1, 0)
    );
    assert_eq!(settings(conn), all_settings(), "the soft delete left them");
    assert_eq!(hooks(conn), [(200, 2)], "`hard` deleted domain 1's hook");

    op!(PwDomain::restore(conn, 1)).unwrap();
    assert_eq!(domains(conn), [(1, false), (2, false)]);
    assert_eq!(
        settings(conn),
        all_settings(),
        "back with its configuration"
    );
    assert_eq!(hooks(conn), [(200, 2)], "what `hard` deleted stays deleted");

    op!(PwDomain::soft_delete(conn, 1)).unwrap();
    let purged = op!(PwDomain::purge(conn, Purge::any_age())).unwrap();
    assert_eq!(
        (purged.rows_in("pw_domains"), purged.rows_in("pw_settings")),
        (1, 2)
    );
    assert_eq!(domains(conn), [(2, false)]);
    assert_eq!(
        settings(conn),
        [(20, 2, "dns".to_owned())],
        "a live domain keeps its own"
    );
}

#[test]
fn hard_delete_takes_a_with_parent_childs_rows() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);

    let report = op!(PwDomain::hard_delete(conn, 2)).unwrap();

    assert_eq!(
        (
            report.rows_in("pw_domains"),
            report.rows_in("pw_settings"),
            report.rows_in("pw_hooks")
        ),
        (1, 1, 1)
    );
    assert_eq!(domains(conn), [(1, false)]);
    assert_eq!(settings(conn)[..], all_settings()[..2]);
    assert_eq!(hooks(conn), [(100, 1)]);
}

#[test]
fn hard_delete_refuses_while_a_with_parent_childs_rows_are_referenced() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);
    conn.batch_execute("INSERT INTO pw_setting_uses (id, setting_id) VALUES (1, 20)")
        .unwrap();
    foreign_keys_unenforced(conn);

    let refused = op!(PwDomain::hard_delete(conn, 2)).unwrap_err();

    let (table, referenced_by, _) = referenced(&refused);
    assert_eq!(
        (table, referenced_by),
        ("pw_settings", "pw_setting_uses.setting_id")
    );
    assert_eq!(domains(conn), [(1, false), (2, false)], "nothing deleted");
    assert_eq!(settings(conn), all_settings());
    assert_eq!(hooks(conn), [(100, 1), (200, 2)]);
}

#[test]
fn the_graph_and_the_audit_know_a_with_parent_child() {
    let mermaid = PwDomain::cascade_graph().to_mermaid();
    assert!(
        mermaid.contains("pw_domains -->|\"with_parent (domain_id)\"| pw_settings"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains(
            "pw_domains -->|\"hard (domain_id): deleted by a soft delete, never restored\"| pw_hooks"
        ),
        "{mermaid}"
    );

    let mut db = connect();
    let conn = &mut *db;
    schema(conn);
    let report = soft_delete_core::audit::audit(conn, &[PwDomain::cascade_graph()]).unwrap();
    let uncovered: Vec<_> = report
        .hazards
        .iter()
        .filter(|hazard| hazard.kind() == "uncovered-child")
        .map(|hazard| hazard.table().to_owned())
        .collect();
    assert!(
        !uncovered.iter().any(|table| table.starts_with("pw_")),
        "a with_parent child is a covered child: {uncovered:?}"
    );
}

#[test]
fn a_purge_holds_back_a_row_whose_with_parent_child_is_referenced_and_goes_on() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);
    // Something outside the graph still uses domain 1's `tls` setting.
    conn.batch_execute("INSERT INTO pw_setting_uses (id, setting_id) VALUES (1, 11)")
        .unwrap();
    foreign_keys_unenforced(conn);
    op!(PwDomain::soft_delete(conn, 1)).unwrap();
    op!(PwDomain::soft_delete(conn, 2)).unwrap();

    let report = op!(PwDomain::purge(conn, Purge::any_age())).unwrap();

    assert_eq!(
        (report.rows_in("pw_domains"), report.rows_in("pw_settings")),
        (1, 1)
    );
    let held: Vec<_> = report
        .held
        .iter()
        .map(|held| (held.key.as_str(), held.held_by.as_str()))
        .collect();
    assert_eq!(held, [("1", "pw_setting_uses.setting_id")]);
    assert_eq!(
        domains(conn),
        [(1, true)],
        "domain 1 is held, still tombstoned"
    );
    assert_eq!(settings(conn)[..], all_settings()[..2], "with its settings");
}
