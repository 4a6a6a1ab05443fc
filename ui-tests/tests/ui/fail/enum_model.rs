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
enum Repo {
    Live { id: i32 },
    Deleted { id: i32, deleted_at: NaiveDateTime },
}

fn main() {}
