// Diesel's own attributes, with generic types and renamed columns, reach Diesel untouched, and
// `Identifiable::id` stays callable with the derive's trait in scope.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (repo_id) {
        repo_id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

#[derive(Debug, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = repos, primary_key(repo_id), check_for_backend(diesel::sqlite::Sqlite))]
struct Repo {
    #[diesel(column_name = repo_id)]
    id: i32,
    #[diesel(deserialize_as = String)]
    name: String,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    let rows: QueryResult<Vec<Repo>> = Repo::active().select(Repo::as_select()).load(conn);
    if let Ok(rows) = rows {
        let _ids: Vec<&i32> = rows.iter().map(|repo| repo.id()).collect();
    }
    let _ = Repo::soft_delete(conn, 1);
}
