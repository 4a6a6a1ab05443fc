use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

mod schema {
    diesel::table! {
        repos (id) {
            id -> Integer,
            slug -> Text,
            deleted_at -> Nullable<Timestamp>,
            deleted_by -> Nullable<Integer>,
        }
    }

    diesel::table! {
        accounts (key) {
            key -> Text,
            removed -> Nullable<TimestamptzSqlite>,
        }
    }

    diesel::table! {
        issue_comments (id) {
            id -> BigInt,
            is_deleted -> Bool,
        }
    }
}

use schema::{accounts, issue_comments, repos};

// Timestamp found by its default name, actor, table given as a path.
#[derive(Queryable, Selectable, SoftDelete)]
#[diesel(table_name = schema::repos)]
#[soft_delete(deleted_by = deleted_by)]
struct Repo {
    id: i32,
    slug: String,
    deleted_at: Option<NaiveDateTime>,
    deleted_by: Option<i32>,
}

// Text key named by primary_key, DateTime<Utc> tombstone with a renamed column.
#[derive(Queryable, SoftDelete)]
#[diesel(table_name = accounts, primary_key(key))]
#[soft_delete(timestamp = removed_at)]
struct Account {
    key: String,
    #[diesel(column_name = removed)]
    removed_at: Option<DateTime<Utc>>,
}

// Boolean flag inferred from a bare field name; table name inferred by Diesel's rule.
#[derive(Queryable, SoftDelete)]
#[soft_delete(is_deleted)]
struct IssueComment {
    id: i64,
    is_deleted: bool,
}

fn main() -> soft_delete_core::Result<()> {
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    let _live: QueryResult<Vec<Repo>> = Repo::active()
        .filter(repos::slug.eq("api"))
        .order(repos::id.desc())
        .select(Repo::as_select())
        .load(conn);
    let _count = Repo::only_deleted().count();
    let _all = Repo::with_deleted().select(repos::slug);
    let _join = repos::table.filter(Repo::is_active().or(Repo::is_deleted()));
    let _accounts = Account::active().select(accounts::key);
    let _comments = IssueComment::only_deleted().select(issue_comments::id);

    let _ = Repo::soft_delete(conn, 1);
    let _ = Repo::soft_delete_by(conn, 1, 42);
    let _ = Repo::restore(conn, 1);
    let _ = Repo::soft_delete_where(conn, repos::slug.like("tmp-%"));
    let _ = Repo::soft_delete_where_by(conn, repos::id.gt(10), 7);
    let _ = Account::soft_delete(conn, "acct-1");
    let _ = Account::restore(conn, String::from("acct-1"));
    let _ = IssueComment::soft_delete(conn, 5_i64);
    Ok(())
}
