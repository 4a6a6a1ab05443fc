//! The expansion is clean under the strictest lints a user may turn on.
#![deny(
    warnings,
    missing_docs,
    unused_qualifications,
    unreachable_pub,
    unused_results,
    rust_2018_idioms,
    trivial_casts,
    unused_extern_crates
)]

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

/// The schema.
pub mod schema {
    diesel::table! {
        /// Repositories.
        repos (id) {
            /// Key.
            id -> Integer,
            /// Tombstone.
            deleted_at -> Nullable<Timestamp>,
            /// Actor.
            deleted_by -> Nullable<Integer>,
        }
    }
}

/// A repository.
#[derive(Debug, Queryable, Selectable, SoftDelete)]
#[diesel(table_name = schema::repos)]
#[soft_delete(deleted_by = deleted_by)]
pub struct Repo {
    /// Key.
    pub id: i32,
    /// When it was deleted.
    pub deleted_at: Option<NaiveDateTime>,
    /// Who deleted it.
    pub deleted_by: Option<i32>,
}

fn main() {
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    drop(Repo::soft_delete(conn, 1));
    let _rows: QueryResult<Vec<Repo>> = Repo::active().select(Repo::as_select()).load(conn);
}
