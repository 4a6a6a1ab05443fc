// A cycle of soft edges is one error, at the edge that leaves the first model of the cycle by
// name (here `Issue`'s `#[cascade(Repo)]`), naming the models and saying what to write.
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

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = repos, belongs_to(Issue, foreign_key = id))]
#[soft_delete(parent = Issue)]
#[cascade(Issue)]
struct Repo {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = issues, belongs_to(Repo))]
#[soft_delete(parent = Repo)]
#[cascade(Repo)]
struct Issue {
    id: i32,
    repo_id: i32,
    repo_slug: String,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
