//! The code-hosting tables and models (seed 001).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

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
