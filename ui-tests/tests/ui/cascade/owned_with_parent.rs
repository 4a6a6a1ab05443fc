use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    issues (id) {
        id -> Integer,
        repo_id -> Integer,
        repo_slug -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

#[derive(Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = repos)]
#[cascade(Issue(owned, with_parent))]
struct Repo {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

struct Issue;

fn main() {}
