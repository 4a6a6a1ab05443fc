use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Integer>,
        is_deleted -> Bool,
    }
}

#[derive(Queryable, SoftDelete)]
#[diesel(table_name = repos)]
struct Repo {
    id: i32,
    deleted_at: NaiveDateTime,
}

fn main() {}
