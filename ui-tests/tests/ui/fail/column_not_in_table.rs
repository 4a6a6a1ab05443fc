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
#[diesel(table_name = repos)]
#[soft_delete(archived_at)]
struct Repo {
    id: i32,
    archived_at: Option<NaiveDateTime>,
}

fn main() {}
