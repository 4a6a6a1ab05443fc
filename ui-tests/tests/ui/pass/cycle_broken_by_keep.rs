// The way out of a cycle the derive reports: one direction `keep`, and no `parent` for it.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        pinned_issue_id -> Nullable<Integer>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    issues (id) {
        id -> Integer,
        repo_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = repos, belongs_to(Issue, foreign_key = pinned_issue_id))]
#[cascade(Issue)]
struct Repo {
    id: i32,
    pinned_issue_id: Option<i32>,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = issues, belongs_to(Repo))]
#[soft_delete(parent = Repo)]
#[cascade(Repo(keep))]
struct Issue {
    id: i32,
    repo_id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {
    let graph = Repo::cascade_graph().to_mermaid();
    assert!(graph.contains("repos -->|\"soft (repo_id)\"| issues"), "{graph}");
    assert!(graph.contains("issues -->|\"keep (pinned_issue_id)\"| repos"), "{graph}");
}
