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
#[cascade(Issue(foreign_key = issues::repo_slug))]
struct Repo {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, SoftDelete)]
#[diesel(table_name = issues)]
#[soft_delete(parent = Repo)]
struct Issue {
    id: i32,
    repo_id: i32,
    repo_slug: String,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
