// An alias is seen through: the wrong type behind it is reported at the field.
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

type Stamp = Option<i64>;

#[derive(Queryable, SoftDelete)]
#[diesel(table_name = repos)]
struct Repo {
    id: i32,
    deleted_at: Stamp,
}

fn main() {}
