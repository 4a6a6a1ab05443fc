//! The code-hosting tables and models (seed 001).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;
use soft_delete_core::migration::{Tombstone, add_tombstone};

use crate::migrations::{Dialect, Schema, Step};

/// The schema as `diesel_migrations` steps; the soft-delete columns and the flag ledger are
/// written by the crate's helpers for the backend at hand.
#[must_use]
pub fn migrations<DB>() -> Schema<DB> {
    Schema::new(vec![
        Step::new("2026112321", "code_hosting", |dialect| {
            let key = match dialect {
                Dialect::Sqlite => "INTEGER PRIMARY KEY",
                Dialect::Postgres => "SERIAL PRIMARY KEY",
            };
            "CREATE TABLE repos (id SERIAL_KEY, slug TEXT NOT NULL);
             CREATE TABLE issues (id SERIAL_KEY, repo_id INTEGER NOT NULL REFERENCES repos (id), title TEXT NOT NULL);
             CREATE TABLE issue_comments (id SERIAL_KEY, issue_id INTEGER NOT NULL REFERENCES issues (id), body TEXT NOT NULL);
             CREATE TABLE proposals (id SERIAL_KEY, repo_id INTEGER NOT NULL REFERENCES repos (id), title TEXT NOT NULL);
             CREATE TABLE proposal_comments (id SERIAL_KEY, proposal_id INTEGER NOT NULL REFERENCES proposals (id),
                                             body TEXT NOT NULL);
             CREATE TABLE collaborators (id SERIAL_KEY, repo_id INTEGER NOT NULL REFERENCES repos (id), login TEXT NOT NULL);"
                .replace("SERIAL_KEY", key)
        }),
        Step::new("2026112322", "soft_delete", |dialect| {
            let stamp = Tombstone::Timestamp("deleted_at");
            let flag = Tombstone::Flag("is_deleted");
            crate::for_dialect!(dialect, |Db| [
                add_tombstone::<Db>("repos", stamp),
                add_tombstone::<Db>("issues", stamp),
                add_tombstone::<Db>("issue_comments", flag),
                add_tombstone::<Db>("proposals", stamp),
                add_tombstone::<Db>("proposal_comments", flag),
                soft_delete_core::ledger::create_table_sql::<Db>().to_owned(),
            ]
            .join("\n"))
        }),
    ])
}

diesel::table! {
    /// Repositories.
    repos (id) {
        /// Key.
        id -> Integer,
        /// URL name.
        slug -> Text,
        /// Tombstone.
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Issues of a repo.
    issues (id) {
        /// Key.
        id -> Integer,
        /// The repo.
        repo_id -> Integer,
        /// Title.
        title -> Text,
        /// Tombstone.
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Comments on an issue.
    issue_comments (id) {
        /// Key.
        id -> Integer,
        /// The issue.
        issue_id -> Integer,
        /// Text.
        body -> Text,
        /// Boolean tombstone.
        is_deleted -> Bool,
    }
}

diesel::table! {
    /// Change proposals of a repo.
    proposals (id) {
        /// Key.
        id -> Integer,
        /// The repo.
        repo_id -> Integer,
        /// Title.
        title -> Text,
        /// Tombstone.
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Comments on a proposal.
    proposal_comments (id) {
        /// Key.
        id -> Integer,
        /// The proposal.
        proposal_id -> Integer,
        /// Text.
        body -> Text,
        /// Boolean tombstone.
        is_deleted -> Bool,
    }
}

diesel::table! {
    /// Who may push to a repo; access grants are removed, not kept, with the repo.
    collaborators (id) {
        /// Key.
        id -> Integer,
        /// The repo.
        repo_id -> Integer,
        /// Who.
        login -> Text,
    }
}

/// A repository.
#[derive(Debug, Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = repos)]
#[cascade(Issue, Proposal, Collaborator(hard))]
pub struct Repo {
    /// Key.
    pub id: i32,
    /// URL name.
    pub slug: String,
    /// Tombstone.
    pub deleted_at: Option<NaiveDateTime>,
}

/// An issue.
#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = issues, belongs_to(Repo))]
#[soft_delete(parent = Repo)]
#[cascade(IssueComment)]
pub struct Issue {
    /// Key.
    pub id: i32,
    /// The repo.
    pub repo_id: i32,
    /// Title.
    pub title: String,
    /// Tombstone.
    pub deleted_at: Option<NaiveDateTime>,
}

/// A comment on an issue.
#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = issue_comments, belongs_to(Issue))]
#[soft_delete(flag = is_deleted, parent = Issue)]
pub struct IssueComment {
    /// Key.
    pub id: i32,
    /// The issue.
    pub issue_id: i32,
    /// Text.
    pub body: String,
    /// Boolean tombstone.
    pub is_deleted: bool,
}

/// A change proposal.
#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = proposals, belongs_to(Repo))]
#[soft_delete(parent = Repo)]
#[cascade(ProposalComment)]
pub struct Proposal {
    /// Key.
    pub id: i32,
    /// The repo.
    pub repo_id: i32,
    /// Title.
    pub title: String,
    /// Tombstone.
    pub deleted_at: Option<NaiveDateTime>,
}

/// A comment on a proposal.
#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = proposal_comments, belongs_to(Proposal))]
#[soft_delete(flag = is_deleted, parent = Proposal)]
pub struct ProposalComment {
    /// Key.
    pub id: i32,
    /// The proposal.
    pub proposal_id: i32,
    /// Text.
    pub body: String,
    /// Boolean tombstone.
    pub is_deleted: bool,
}

/// A collaborator: not soft-deletable, so the repo's edge says `hard`.
#[derive(Debug, Queryable, Identifiable, Associations)]
#[diesel(table_name = collaborators, belongs_to(Repo))]
pub struct Collaborator {
    /// Key.
    pub id: i32,
    /// The repo.
    pub repo_id: i32,
    /// Who.
    pub login: String,
}
