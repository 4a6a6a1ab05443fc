// One misspelt key is one error: the derive still implements the model's facts and functions
// (in a fallback form), so the code that uses the model, and the child that names it as its
// parent, add no errors of their own.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Integer>,
    }
}

diesel::table! {
    issues (id) {
        id -> Integer,
        repo_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(issues -> repos (repo_id));
diesel::allow_tables_to_appear_in_same_query!(repos, issues);

#[derive(Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = repos)]
#[soft_delete(deleted_bye = deleted_by)]
#[cascade(Issue)]
struct Repo {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
    deleted_by: Option<i32>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = issues, belongs_to(Repo))]
#[soft_delete(parent = Repo)]
struct Issue {
    id: i32,
    repo_id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut SqliteConnection::establish(":memory:")?;
    let _live: Vec<Repo> = Repo::active().select(Repo::as_select()).load(conn)?;
    let _all: i64 = Repo::with_deleted().count().get_result(conn)?;
    let _joined = issues::table
        .inner_join(repos::table)
        .filter(Issue::is_active().and(Repo::is_active()));
    Repo::soft_delete(conn, 1)?;
    Repo::soft_delete_by(conn, 1, 42)?;
    Repo::restore(conn, 1)?;
    let _issues = Issue::active().select(issues::id).load::<i32>(conn)?;
    Ok(())
}
