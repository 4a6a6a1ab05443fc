use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    posts (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    post_tags (post_id, tag_id) {
        post_id -> Integer,
        tag_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        is_deleted -> Bool,
    }
}

diesel::table! {
    tag_notes (id) {
        id -> Integer,
        post_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(post_tags -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(posts, post_tags, tag_notes);

#[derive(Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = posts)]
#[cascade(PostTag)]
struct Post {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = post_tags, primary_key(post_id, tag_id), belongs_to(Post))]
#[soft_delete(parent = Post, flag = is_deleted)]
struct PostTag {
    post_id: i32,
    tag_id: i32,
    deleted_at: Option<NaiveDateTime>,
    is_deleted: bool,
}

fn main() {}
