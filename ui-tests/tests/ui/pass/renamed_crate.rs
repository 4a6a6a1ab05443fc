// The runtime is reached through `#[soft_delete(crate = ...)]` when it lives under another path.
use chrono::NaiveDateTime;
use diesel::prelude::*;

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

#[derive(Queryable, soft_delete_ui_tests::facade::SoftDelete)]
#[diesel(table_name = repos)]
#[soft_delete(crate = soft_delete_ui_tests::facade)]
struct Repo {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, soft_delete_ui_tests::facade::SoftDelete)]
#[diesel(table_name = repos)]
#[soft_delete(crate = "::soft_delete_ui_tests::facade")]
struct RepoAgain {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    let _ = Repo::soft_delete(conn, 1);
    let _ = RepoAgain::active().count();
}
