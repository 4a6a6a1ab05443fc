//! Seed 004, commute routes: a route with segments, schedules, a station index and
//! notification preferences; a notification log that outlives its route. Deleting one segment
//! and renumbering the rest re-uses a sequence number a tombstone holds; deleting the route
//! tombstones everything under it (the station index is really deleted) and leaves the log;
//! restoring it brings back exactly what it hid.
//!
//! ```text
//! cargo run -p soft_delete_examples --bin commute                       # in-memory SQLite
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!     cargo run -p soft_delete_examples --features postgres --bin commute
//! ```
#![allow(
    missing_docs,
    reason = "diesel::table! makes public items that a binary never exports"
)]

// The story, once per backend, over that backend's connection type.
macro_rules! story {
    ($name:ident, $conn:ty) => {
        mod $name {
            use soft_delete_examples::migrations::$name::COMMUTE as MIGRATIONS;

            type Conn = $conn;

            include!("story.rs");
        }
    };
}

story!(sqlite, diesel::SqliteConnection);
#[cfg(feature = "postgres")]
story!(postgres, diesel::PgConnection);

fn main() -> soft_delete_examples::Outcome {
    soft_delete_examples::run_on_database_url(
        sqlite::run,
        soft_delete_examples::postgres_story!(postgres::run),
    )
}

#[cfg(test)]
mod tests {
    use soft_delete_core::migration::Plan;
    use soft_delete_examples::migrations::check_written_by_the_crate;

    /// The migration that makes the tables soft-deletable is the crate's, from the models.
    #[test]
    fn the_soft_delete_migration_is_the_one_the_crate_writes() {
        let plan = Plan::for_graph::<super::sqlite::Route>().unique_key(
            "route_segments",
            "route_segments_sequence",
            &["route_id", "sequence"],
        );
        check_written_by_the_crate(&plan, "commute", "2026-11-23-000012_soft_delete");
    }
}
