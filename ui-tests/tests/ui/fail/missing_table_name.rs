// Diesel infers the table `persons` from `Person`; with no such `table!` in scope the error
// names the module it looked for, at the struct. Write `#[diesel(table_name = people)]`.
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
struct Person {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
