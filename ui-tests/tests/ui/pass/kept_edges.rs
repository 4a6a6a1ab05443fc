#![deny(warnings)]

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        fork_parent_id -> Nullable<Integer>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    issues (id) {
        id -> Integer,
        repo_id -> Integer,
        moved_from_id -> Nullable<Integer>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        repo_id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(repos, issues, audit_log);

// Forks outlive their upstream; the audit log outlives the repo it speaks of; an issue moved
// from a repo keeps pointing at it, beside the soft edge through its own repo.
#[derive(Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = repos)]
#[cascade(Self(keep, foreign_key = repos::fork_parent_id), LogEntry(keep))]
#[cascade(Issue, Issue(keep, foreign_key = issues::moved_from_id))]
struct Repo {
    id: i32,
    fork_parent_id: Option<i32>,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = issues, belongs_to(Repo))]
#[soft_delete(parent = Repo)]
struct Issue {
    id: i32,
    repo_id: i32,
    moved_from_id: Option<i32>,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations)]
#[diesel(table_name = audit_log, belongs_to(Repo))]
struct LogEntry {
    id: i32,
    repo_id: i32,
}

fn main() {
    let graph = Repo::cascade_graph();
    assert_eq!(graph.edges.len(), 4);
    let _ = |conn: &mut SqliteConnection| Repo::soft_delete(conn, 1);
    let _ = (
        LogEntry { id: 1, repo_id: 1 }.id,
        Repo { id: 1, fork_parent_id: None, deleted_at: None }.fork_parent_id,
        Issue { id: 1, repo_id: 1, moved_from_id: None, deleted_at: None }.moved_from_id,
    );
}
