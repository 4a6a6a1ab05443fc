// A flagged child whose key, as text, is longer than the 255 characters the flag ledger once
// held: its parent's delete records it and the restore brings it back, on every backend.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

type Conn = super::Conn;

diesel::table! {
    lk_lists (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    lk_items (id) {
        id -> Text,
        list_id -> Integer,
        is_deleted -> Bool,
    }
}

diesel::joinable!(lk_items -> lk_lists (list_id));
diesel::allow_tables_to_appear_in_same_query!(lk_lists, lk_items);

#[derive(Debug, Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = lk_lists)]
#[cascade(LkItem)]
struct LkList {
    id: i32,
    deleted_at: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = lk_items, belongs_to(LkList, foreign_key = list_id))]
#[soft_delete(flag = is_deleted, parent = LkList)]
struct LkItem {
    id: String,
    list_id: i32,
    is_deleted: bool,
}

/// A key of `length` characters, some of them beyond ASCII, ending in `tail`.
fn long_key(length: usize, tail: char) -> String {
    let mut key: String = "ключ-".chars().cycle().take(length - 1).collect();
    key.push(tail);
    key
}

#[test]
fn a_flagged_child_with_a_key_longer_than_255_characters_is_deleted_and_restored() {
    let mut db = connect();
    let conn = &mut *db;
    let mysql = std::any::type_name::<Db>().ends_with("Mysql");
    let (stamp, key, flag) = if mysql {
        // MySQL's primary keys stop at 3,072 bytes: 600 characters of up to 4 bytes each.
        (
            "DATETIME(6)",
            "VARCHAR(600) CHARACTER SET utf8mb4",
            "BOOLEAN",
        )
    } else {
        ("TIMESTAMP", "TEXT", "BOOLEAN")
    };
    conn.batch_execute(&format!(
        "CREATE TABLE lk_lists (id INTEGER PRIMARY KEY, deleted_at {stamp} NULL)"
    ))
    .unwrap();
    conn.batch_execute(&format!(
        "CREATE TABLE lk_items (id {key} PRIMARY KEY, list_id INTEGER NOT NULL, \
         is_deleted {flag} NOT NULL DEFAULT FALSE)"
    ))
    .unwrap();
    conn.batch_execute("INSERT INTO lk_lists (id) VALUES (1)")
        .unwrap();
    let keys = [long_key(600, 'a'), long_key(600, 'b'), long_key(300, 'c')];
    for key in &keys {
        diesel::insert_into(lk_items::table)
            .values((lk_items::id.eq(key), lk_items::list_id.eq(1)))
            .execute(conn)
            .unwrap();
    }
    let flags = |conn: &mut Conn| -> Vec<(usize, bool)> {
        lk_items::table
            .order(lk_items::id)
            .load::<LkItem>(conn)
            .unwrap()
            .into_iter()
            .map(|item| {
                (
                    item.id.chars().count(),
                    item.is_deleted && item.list_id == 1,
                )
            })
            .collect()
    };

    let deleted = op!(LkList::soft_delete(conn, 1)).unwrap();
    assert_eq!(deleted.rows_in("lk_items"), 3);
    let list: LkList = lk_lists::table.find(1).first(conn).unwrap();
    assert_eq!((list.id, list.deleted_at), (1, Some(deleted.stamp)));
    assert_eq!(flags(conn), [(600, true), (600, true), (300, true)]);

    let restored = op!(LkList::restore(conn, 1)).unwrap();
    assert_eq!(restored.rows_in("lk_items"), 3);
    assert_eq!(flags(conn), [(600, false), (600, false), (300, false)]);
}
