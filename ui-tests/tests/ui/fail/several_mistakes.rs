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
#[soft_delete(deleted_by = deleted_by)]
struct Repo {
    id: i32,
    deleted_at: Option<String>,
    deleted_by: i32,
}

fn main() {}
