use chrono::NaiveDateTime;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Integer>,
    }
}

#[derive(SoftDelete)]
#[diesel(table_name = repos)]
#[soft_delete(deleted_by = deleted_by)]
struct Repo {
    id: i64,
    deleted_at: Option<NaiveDateTime>,
    deleted_by: Option<String>,
}

fn main() {}
