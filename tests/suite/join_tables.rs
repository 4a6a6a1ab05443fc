// A soft-deletable join table with a two-column key: `post_tags(post_id, tag_id, deleted_at)`,
// a soft child of posts and of tags. It goes and comes back with either side, exactly, one
// statement per edge; by-key operations take the key pair.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_core::purge::Purge;
use soft_delete_core::{Error, Outcome, SoftDelete};

type Conn = super::Conn;

diesel::table! {
    jt_posts (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    jt_tags (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    jt_post_tags (post_id, tag_id) {
        post_id -> Integer,
        tag_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(jt_post_tags -> jt_posts (post_id));
diesel::joinable!(jt_post_tags -> jt_tags (tag_id));
diesel::allow_tables_to_appear_in_same_query!(jt_posts, jt_tags, jt_post_tags);

#[derive(Debug, Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = jt_posts)]
#[cascade(JtPostTag)]
pub(super) struct JtPost {
    pub(super) id: i32,
    pub(super) deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = jt_tags)]
#[cascade(JtPostTag)]
pub(super) struct JtTag {
    pub(super) id: i32,
    pub(super) deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = jt_post_tags, primary_key(post_id, tag_id))]
#[diesel(belongs_to(JtPost, foreign_key = post_id), belongs_to(JtTag, foreign_key = tag_id))]
#[soft_delete(parent = JtPost, parent = JtTag)]
pub(super) struct JtPostTag {
    pub(super) post_id: i32,
    pub(super) tag_id: i32,
    pub(super) deleted_at: Option<NaiveDateTime>,
}

/// Posts 1 and 2, tags 10 and 20, every post tagged with every tag.
pub(super) fn schema(conn: &mut Conn) {
    let stamp = if std::any::type_name::<Db>().ends_with("Mysql") {
        "DATETIME(6)"
    } else {
        "TIMESTAMP"
    };
    for statement in [
        format!("CREATE TABLE jt_posts (id INTEGER PRIMARY KEY, deleted_at {stamp} NULL)"),
        format!("CREATE TABLE jt_tags (id INTEGER PRIMARY KEY, deleted_at {stamp} NULL)"),
        format!(
            "CREATE TABLE jt_post_tags (post_id INTEGER NOT NULL REFERENCES jt_posts (id), \
             tag_id INTEGER NOT NULL REFERENCES jt_tags (id), deleted_at {stamp} NULL, \
             PRIMARY KEY (post_id, tag_id))"
        ),
        "INSERT INTO jt_posts (id) VALUES (1), (2)".to_owned(),
        "INSERT INTO jt_tags (id) VALUES (10), (20)".to_owned(),
        "INSERT INTO jt_post_tags (post_id, tag_id) VALUES (1, 10), (1, 20), (2, 10), (2, 20)"
            .to_owned(),
    ] {
        conn.batch_execute(&statement)
            .unwrap_or_else(|error| panic!("{error}\n{statement}"));
    }
}

/// The live links, as `(post, tag)`.
pub(super) fn live_links(conn: &mut Conn) -> Vec<(i32, i32)> {
    JtPostTag::active()
        .order((jt_post_tags::post_id, jt_post_tags::tag_id))
        .select((jt_post_tags::post_id, jt_post_tags::tag_id))
        .load(conn)
        .unwrap()
}

#[test]
fn a_join_row_goes_and_comes_back_with_either_parent() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);

    let deleted = op!(JtPost::soft_delete(conn, 1)).unwrap();
    assert_eq!(deleted.rows_in("jt_post_tags"), 2);
    assert_eq!(live_links(conn), [(2, 10), (2, 20)]);
    let stamps: Vec<Option<NaiveDateTime>> = jt_post_tags::table
        .filter(jt_post_tags::post_id.eq(1))
        .select(jt_post_tags::deleted_at)
        .load(conn)
        .unwrap();
    assert_eq!(stamps, [Some(deleted.stamp); 2], "the post's stamp");

    let restored = op!(JtPost::restore(conn, 1)).unwrap();
    assert_eq!(restored.rows_in("jt_post_tags"), 2);
    assert_eq!(live_links(conn), [(1, 10), (1, 20), (2, 10), (2, 20)]);

    let tag = op!(JtTag::soft_delete(conn, 20)).unwrap();
    assert_eq!(live_links(conn), [(1, 10), (2, 10)]);
    let deleted: JtTag = jt_tags::table.find(20).first(conn).unwrap();
    assert_eq!((deleted.id, deleted.deleted_at), (20, Some(tag.stamp)));
    op!(JtTag::restore(conn, 20)).unwrap();
    assert_eq!(live_links(conn), [(1, 10), (1, 20), (2, 10), (2, 20)]);
}

#[test]
fn a_join_row_hidden_by_both_parents_comes_back_with_the_last_of_them() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);
    // (1, 20) deleted on its own first: it stays deleted through both restores.
    op!(JtPostTag::soft_delete(conn, (1, 20))).unwrap();
    op!(JtTag::soft_delete(conn, 10)).unwrap();
    op!(JtPost::soft_delete(conn, 1)).unwrap();
    assert_eq!(live_links(conn), [(2, 20)]);

    // (1, 10) went with tag 10, which is still deleted: the post's restore leaves it hidden.
    op!(JtPost::restore(conn, 1)).unwrap();
    assert_eq!(live_links(conn), [(2, 20)]);
    op!(JtTag::restore(conn, 10)).unwrap();
    assert_eq!(live_links(conn), [(1, 10), (2, 10), (2, 20)]);
}

#[test]
fn a_join_row_is_deleted_and_restored_by_its_key_pair() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);

    let deleted = op!(JtPostTag::soft_delete(conn, (2, 10))).unwrap();
    assert_eq!(deleted.rows_in("jt_post_tags"), 1);
    assert_eq!(live_links(conn), [(1, 10), (1, 20), (2, 20)]);
    let again = op!(JtPostTag::soft_delete(conn, (2, 10))).unwrap();
    assert_eq!(again.outcome, Outcome::AlreadyDeleted);
    assert!(
        op!(JtPostTag::soft_delete(conn, (3, 10)))
            .unwrap_err()
            .is_not_found()
    );

    op!(JtPostTag::restore(conn, (2, 10))).unwrap();
    assert_eq!(live_links(conn), [(1, 10), (1, 20), (2, 10), (2, 20)]);

    // Under a deleted post, a link waits for its post.
    op!(JtPost::soft_delete(conn, 2)).unwrap();
    let refused = op!(JtPostTag::restore(conn, (2, 20))).unwrap_err();
    assert!(
        matches!(
            refused,
            Error::ParentDeleted {
                parent: "jt_posts",
                ..
            }
        ),
        "{refused:?}"
    );
    let row: JtPostTag = jt_post_tags::table.find((2, 20)).first(conn).unwrap();
    assert!(row.deleted_at.is_some(), "{row:?}");
}

#[test]
fn join_rows_are_purged_in_batches_by_their_key_pairs() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);
    conn.batch_execute("INSERT INTO jt_tags (id) VALUES (30)")
        .unwrap();
    conn.batch_execute("INSERT INTO jt_post_tags (post_id, tag_id) VALUES (2, 30)")
        .unwrap();
    for key in [(1, 20), (2, 10), (2, 30)] {
        op!(JtPostTag::soft_delete(conn, key)).unwrap();
    }

    // One row per batch: each batch starts after the pair the last one ended at.
    let report = op!(JtPostTag::purge(conn, Purge::any_age().batch_size(1))).unwrap();

    assert_eq!(report.rows_in("jt_post_tags"), 3);
    let left: Vec<(i32, i32)> = jt_post_tags::table
        .order((jt_post_tags::post_id, jt_post_tags::tag_id))
        .select((jt_post_tags::post_id, jt_post_tags::tag_id))
        .load(conn)
        .unwrap();
    assert_eq!(left, [(1, 10), (2, 20)]);

    // A post's purge takes its links with it.
    op!(JtPost::soft_delete(conn, 1)).unwrap();
    let post: JtPost = jt_posts::table.find(1).first(conn).unwrap();
    assert!(post.deleted_at.is_some(), "{post:?}");
    let report = op!(JtPost::purge(conn, Purge::any_age())).unwrap();
    assert_eq!(
        (report.rows_in("jt_posts"), report.rows_in("jt_post_tags")),
        (1, 1)
    );
    assert_eq!(live_links(conn), [(2, 20)]);
}

#[test]
fn join_rows_a_predicate_selects_are_restored_together() {
    let mut db = connect();
    let conn = &mut *db;
    schema(conn);
    op!(JtPostTag::soft_delete(conn, (1, 10))).unwrap();
    op!(JtPostTag::soft_delete(conn, (2, 10))).unwrap();
    op!(JtPostTag::soft_delete(conn, (2, 20))).unwrap();

    let report = op!(JtPostTag::restore_where(conn, jt_post_tags::tag_id.eq(10))).unwrap();

    assert_eq!(report.rows_in("jt_post_tags"), 2);
    assert_eq!(live_links(conn), [(1, 10), (1, 20), (2, 10)]);
}
