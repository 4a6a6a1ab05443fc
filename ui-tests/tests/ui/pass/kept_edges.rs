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
    audit_log (id) {
        id -> Integer,
        repo_id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(repos, audit_log);

// Forks outlive their upstream; the audit log outlives the repo it speaks of.
#[derive(Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = repos)]
#[cascade(Self(keep, foreign_key = repos::fork_parent_id), LogEntry(keep))]
struct Repo {
    id: i32,
    fork_parent_id: Option<i32>,
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
    assert_eq!(graph.edges.len(), 2);
    let _ = |conn: &mut SqliteConnection| Repo::soft_delete(conn, 1);
    let _ = (LogEntry { id: 1, repo_id: 1 }.id, Repo { id: 1, fork_parent_id: None, deleted_at: None }.fork_parent_id);
}
