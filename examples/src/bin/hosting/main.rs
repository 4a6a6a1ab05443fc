//! Seed 000, hosting: a hosted site owns its store (the key sits on the site), the store owns
//! its pages, and the merchant is shared and never touched. Deleting a site tombstones its
//! store and pages and frees the subdomain; a new site takes it; restoring the old site is
//! refused with the conflict error, and nothing changes. Erasing the new site for real
//! tombstones its store, which nothing owns any more.
//!
//! ```text
//! cargo run -p soft_delete_examples --bin hosting                       # in-memory SQLite
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!     cargo run -p soft_delete_examples --features postgres --bin hosting
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
        Step::new("2026112301", "merchants_and_stores", |_| {
            "CREATE TABLE merchants (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE stores (id INTEGER PRIMARY KEY, subdomain VARCHAR(64) NOT NULL);
             CREATE TABLE hosted_sites (id INTEGER PRIMARY KEY,
                                        merchant_id INTEGER NOT NULL REFERENCES merchants (id),
                                        store_id INTEGER NOT NULL REFERENCES stores (id),
                                        name TEXT NOT NULL);
             CREATE TABLE store_pages (id INTEGER PRIMARY KEY,
                                       store_id INTEGER NOT NULL REFERENCES stores (id),
                                       title TEXT NOT NULL);"
                .to_owned()
        }),
        Step::new("2026112302", "soft_delete", |dialect| {
            let tombstone = Tombstone::Timestamp("deleted_at");
            for_dialect!(dialect, |Db| ["stores", "hosted_sites", "store_pages"]
                .map(|table| add_tombstone::<Db>(table, tombstone))
                .join("\n"))
        }),
        Step::new("2026112303", "subdomain_unique_while_live", |dialect| {
            let tombstone = Tombstone::Timestamp("deleted_at");
            for_dialect!(dialect, |Db| unique_while_live::<Db>(
                "stores_live_subdomain",
                "stores",
                &["subdomain"],
                tombstone
            ))
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
