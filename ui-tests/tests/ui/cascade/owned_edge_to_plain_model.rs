// An owned record must be soft-deletable too: one error at the edge.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        issue_id -> Integer,
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
#[diesel(table_name = repos, belongs_to(Issue, foreign_key = issue_id))]
#[cascade(Issue(owned))]
struct Repo {
    id: i32,
    issue_id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable)]
#[diesel(table_name = issues)]
struct Issue {
    id: i32,
    repo_id: i32,
    repo_slug: String,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
