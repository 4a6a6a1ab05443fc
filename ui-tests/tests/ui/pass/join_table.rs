#![deny(warnings)]

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::{Model, SoftDelete};

diesel::table! {
    posts (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tags (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    post_tags (post_id, tag_id) {
        post_id -> Integer,
        tag_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(post_tags -> posts (post_id));
diesel::joinable!(post_tags -> tags (tag_id));
diesel::allow_tables_to_appear_in_same_query!(posts, tags, post_tags);

#[derive(Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = posts)]
#[cascade(PostTag)]
struct Post {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = tags)]
#[cascade(PostTag)]
struct Tag {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

// A soft join table: its key is the pair, and it is a soft child of both sides.
#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = post_tags, primary_key(post_id, tag_id))]
#[diesel(belongs_to(Post), belongs_to(Tag))]
#[soft_delete(parent = Post, parent = Tag)]
struct PostTag {
    post_id: i32,
    tag_id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {
    let link = PostTag { post_id: 1, tag_id: 2, deleted_at: None };
    assert_eq!(<PostTag as Model>::key_of(&link), (1, 2));
    let _ = |conn: &mut SqliteConnection| PostTag::soft_delete(conn, (1, 2));
    let _ = |post: Post, tag: Tag| (post.id, post.deleted_at, tag.id, tag.deleted_at);
    assert!(link.deleted_at.is_none());
    assert_eq!(Post::cascade_graph().to_mermaid().lines().count(), 4);
}
