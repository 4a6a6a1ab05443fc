use chrono::NaiveDateTime;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Integer>,
        is_deleted -> Bool,
    }
}

#[derive(SoftDelete)]
#[diesel(table_name = repos, primary_key(id, is_deleted, deleted_by))]
struct Repo {
    id: i32,
    is_deleted: bool,
    deleted_by: Option<i32>,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
