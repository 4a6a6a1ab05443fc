// Tables and models shared by the suite: one per shape the derive supports.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        slug -> Text,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Integer>,
    }
}

diesel::table! {
    issues (id) {
        id -> Integer,
        repo_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    issue_comments (id) {
        id -> Integer,
        body -> Text,
        is_deleted -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::TimestampTz;

    accounts (id) {
        id -> Text,
        email -> Text,
        deleted_at -> Nullable<TimestampTz>,
        deleted_by -> Nullable<Text>,
    }
}

diesel::table! {
    segments (id) {
        id -> BigInt,
        name -> Text,
        archived_on -> Nullable<Timestamp>,
    }
}

diesel::joinable!(issues -> repos (repo_id));
diesel::allow_tables_to_appear_in_same_query!(repos, issues);

/// Timestamp tombstone found by its default name, integer key, integer actor.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = repos)]
#[soft_delete(deleted_by = deleted_by)]
pub struct Repo {
    pub id: i32,
    pub slug: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted_by: Option<i32>,
}

/// No actor column.
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = issues, belongs_to(Repo))]
pub struct Issue {
    pub id: i32,
    pub repo_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
}

/// Boolean tombstone.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = issue_comments)]
#[soft_delete(flag = is_deleted)]
pub struct IssueComment {
    pub id: i32,
    pub body: String,
    pub is_deleted: bool,
}

/// Text key (a UUID stored as text), `DateTime<Utc>` tombstone, text actor.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = accounts)]
#[soft_delete(timestamp = deleted_at, deleted_by = deleted_by)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_by: Option<String>,
}

/// 64-bit key, and a tombstone whose field and column names both differ from the default.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = segments)]
#[soft_delete(archived)]
pub struct Segment {
    pub id: i64,
    pub name: String,
    #[diesel(column_name = archived_on)]
    pub archived: Option<NaiveDateTime>,
}

pub(crate) fn insert_repos(conn: &mut super::Conn, rows: &[(i32, &str)]) {
    let values: Vec<_> = rows
        .iter()
        .map(|(id, slug)| (repos::id.eq(*id), repos::slug.eq(*slug)))
        .collect();
    diesel::insert_into(repos::table)
        .values(&values)
        .execute(conn)
        .expect("insert repos");
}

/// Every repo row, live or not, by key.
pub(crate) fn all_repos(conn: &mut super::Conn) -> Vec<Repo> {
    Repo::with_deleted()
        .order(repos::id)
        .select(Repo::as_select())
        .load(conn)
        .expect("load repos")
}

pub(crate) fn repo(conn: &mut super::Conn, id: i32) -> Repo {
    Repo::with_deleted()
        .find(id)
        .select(Repo::as_select())
        .first(conn)
        .expect("repo row exists")
}
