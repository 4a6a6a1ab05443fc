use chrono::NaiveDateTime;
use soft_delete_core::SoftDelete;

#[derive(SoftDelete)]
#[diesel(table_name = "repos")]
struct Repo {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
