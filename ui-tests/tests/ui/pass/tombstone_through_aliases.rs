// The tombstone's and the actor's kinds come from their types through the type system, so an
// alias or a full path works as the type itself does.
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    repos (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Integer>,
    }
}

diesel::table! {
    accounts (id) {
        id -> Integer,
        removed_at -> Nullable<TimestamptzSqlite>,
    }
}

diesel::table! {
    labels (id) {
        id -> Integer,
        is_deleted -> Bool,
    }
}

/// A project-wide alias for the tombstone's type.
type Stamp = Option<chrono::NaiveDateTime>;
/// And for the actor's.
type DeletedBy = Option<i32>;
/// And for a flag.
type Deleted = bool;

// An alias, found by the default name, with an aliased actor.
#[derive(Queryable, SoftDelete)]
#[diesel(table_name = repos)]
#[soft_delete(deleted_by = deleted_by)]
struct Repo {
    id: i32,
    deleted_at: Stamp,
    deleted_by: DeletedBy,
}

// Full paths, with the kind declared.
#[derive(Queryable, SoftDelete)]
#[diesel(table_name = accounts)]
#[soft_delete(timestamp = removed_at)]
struct Account {
    id: i32,
    removed_at: ::core::option::Option<chrono::DateTime<chrono::Utc>>,
}

// An aliased flag, its kind inferred and declared.
#[derive(Queryable, SoftDelete)]
#[diesel(table_name = labels)]
#[soft_delete(is_deleted)]
struct Label {
    id: i32,
    is_deleted: Deleted,
}

mod declared {
    use super::{Deleted, labels};
    use soft_delete_core::SoftDelete;

    #[derive(diesel::Queryable, SoftDelete)]
    #[diesel(table_name = labels)]
    #[soft_delete(flag = is_deleted)]
    pub struct Label {
        pub id: i32,
        pub is_deleted: Deleted,
    }
}

fn main() -> soft_delete_core::Result<()> {
    use soft_delete_core::{Model, Tombstone, TombstoneKind};

    assert_eq!(<Repo as Model>::Tombstone::KIND, TombstoneKind::Timestamp);
    assert_eq!(<Account as Model>::Tombstone::KIND, TombstoneKind::Timestamp);
    assert_eq!(<Label as Model>::Tombstone::KIND, TombstoneKind::Flag);
    assert_eq!(<declared::Label as Model>::Tombstone::KIND, TombstoneKind::Flag);

    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    let _live = Repo::active().select(repos::id).load::<i32>(conn);
    let _ = Repo::soft_delete_by(conn, 1, 42);
    let _ = Account::soft_delete(conn, 1);
    let _ = Label::restore(conn, 1);
    let _ = declared::Label::only_deleted().select(labels::id);
    Ok(())
}
