// The migration helpers' DDL, run on the backend: live rows keep a key unique, tombstoned rows
// give it up.

use diesel::connection::SimpleConnection;
use soft_delete_core::migration::{Tombstone, add_actor, add_tombstone, unique_while_live};

fn handles(conn: &mut super::Conn, tombstone: Tombstone<'_>) {
    conn.batch_execute(
        "CREATE TABLE handles (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, name VARCHAR(64) NOT NULL)",
    )
    .unwrap();
    conn.batch_execute(&add_tombstone::<super::Db>("handles", tombstone))
        .unwrap();
    conn.batch_execute(&add_actor::<super::Db>("handles", "deleted_by", "INTEGER"))
        .unwrap();
    conn.batch_execute(&unique_while_live::<super::Db>(
        "handles_live_name",
        "handles",
        &["owner", "name"],
        tombstone,
    ))
    .unwrap();
}

fn insert(conn: &mut super::Conn, id: i32, owner: i32, name: &str) -> diesel::QueryResult<()> {
    conn.batch_execute(&format!(
        "INSERT INTO handles (id, owner, name) VALUES ({id}, {owner}, '{name}')"
    ))
}

#[test]
fn a_unique_key_over_live_rows_with_a_timestamp_tombstone() {
    let mut db = connect();
    let conn = &mut *db;
    handles(conn, Tombstone::Timestamp("deleted_at"));

    insert(conn, 1, 1, "ada").unwrap();
    insert(conn, 2, 2, "ada").unwrap();
    assert!(insert(conn, 3, 1, "ada").is_err(), "live vs live: refused");

    conn.batch_execute(
        "UPDATE handles SET deleted_at = CURRENT_TIMESTAMP, deleted_by = 9 WHERE id = 1",
    )
    .unwrap();
    insert(conn, 3, 1, "ada").unwrap();
    conn.batch_execute("UPDATE handles SET deleted_at = CURRENT_TIMESTAMP WHERE id = 3")
        .unwrap();
    insert(conn, 4, 1, "ada").expect("two tombstoned rows and a live one may share the key");
    assert!(
        conn.batch_execute("UPDATE handles SET deleted_at = NULL WHERE id = 1")
            .is_err(),
        "reviving a tombstone onto a live key: refused"
    );
}

#[test]
fn a_unique_key_over_live_rows_with_a_flag_tombstone() {
    let mut db = connect();
    let conn = &mut *db;
    handles(conn, Tombstone::Flag("is_deleted"));

    insert(conn, 1, 1, "ada").unwrap();
    assert!(insert(conn, 2, 1, "ada").is_err(), "live vs live: refused");
    conn.batch_execute(&format!(
        "UPDATE handles SET is_deleted = {} WHERE id = 1",
        super::TRUE
    ))
    .unwrap();
    insert(conn, 2, 1, "ada").expect("live vs tombstoned: allowed");
}
