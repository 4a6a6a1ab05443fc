// A misspelt key gets a "did you mean", and the keys after it are still read.
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
        removed_at -> Nullable<Timestamp>,
    }
}

#[derive(Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = repos)]
#[cascade(Issue)]
struct Repo {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = issues, belongs_to(Repo))]
#[soft_delete(parnet = Repo, timestamp = removed_at)]
struct Issue {
    id: i32,
    repo_id: i32,
    removed_at: Option<NaiveDateTime>,
}

fn main() {}
