// `crate = path` is where the expansion looks for the runtime: a wrong path is reported there.
use chrono::NaiveDateTime;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

#[derive(SoftDelete)]
#[diesel(table_name = repos)]
#[soft_delete(crate = not_the_runtime)]
struct Repo {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
