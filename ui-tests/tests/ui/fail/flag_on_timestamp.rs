use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

#[derive(Queryable, SoftDelete)]
#[diesel(table_name = repos)]
#[soft_delete(flag = deleted_at)]
struct Repo {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
