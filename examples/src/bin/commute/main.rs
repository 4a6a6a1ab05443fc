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

use soft_delete_core::migration::{Tombstone, add_tombstone, unique_while_live};
use soft_delete_examples::for_dialect;
use soft_delete_examples::migrations::{Schema, Step};

/// The schema, as `diesel_migrations` steps whose soft-delete DDL the crate writes.
fn schema<DB>() -> Schema<DB> {
    Schema::new(vec![
        Step::new("2026112311", "routes", |_| {
            "CREATE TABLE routes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE route_segments (id INTEGER PRIMARY KEY,
                                          route_id INTEGER NOT NULL REFERENCES routes (id),
                                          sequence INTEGER NOT NULL, station TEXT NOT NULL);
             CREATE TABLE schedules (id INTEGER PRIMARY KEY,
                                     route_id INTEGER NOT NULL REFERENCES routes (id),
                                     departs TEXT NOT NULL);
             CREATE TABLE station_index (id INTEGER PRIMARY KEY,
                                         route_id INTEGER NOT NULL REFERENCES routes (id),
                                         station TEXT NOT NULL);
             CREATE TABLE notification_preferences (id INTEGER PRIMARY KEY,
                                                    route_id INTEGER NOT NULL REFERENCES routes (id),
                                                    channel TEXT NOT NULL);
             CREATE TABLE notification_log (id INTEGER PRIMARY KEY,
                                            route_id INTEGER NOT NULL REFERENCES routes (id),
                                            message TEXT NOT NULL);"
                .to_owned()
        }),
        Step::new("2026112312", "soft_delete", |dialect| {
            let stamp = Tombstone::Timestamp("deleted_at");
            let flag = Tombstone::Flag("is_deleted");
            for_dialect!(dialect, |Db| [
                add_tombstone::<Db>("routes", stamp),
                add_tombstone::<Db>("route_segments", stamp),
                add_tombstone::<Db>("schedules", stamp),
                add_tombstone::<Db>("notification_preferences", flag),
                // Boolean tombstones in a cascade are tracked here, for exact restore.
                soft_delete_core::ledger::create_table_sql::<Db>().to_owned(),
                unique_while_live::<Db>(
                    "route_segments_live_sequence",
                    "route_segments",
                    &["route_id", "sequence"],
                    stamp,
                ),
            ]
            .join("\n"))
        }),
    ])
}

// The story, once per backend, over that backend's connection type.
macro_rules! story {
    ($name:ident, $conn:ty) => {
        mod $name {
            use super::schema;

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
