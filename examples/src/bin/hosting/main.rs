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

// The story, once per backend, over that backend's connection type.
macro_rules! story {
    ($name:ident, $conn:ty) => {
        mod $name {
            use soft_delete_examples::migrations::$name::HOSTING as MIGRATIONS;

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
        let plan = Plan::for_graph::<super::sqlite::HostedSite>().unique_key(
            "stores",
            "stores_subdomain",
            &["subdomain"],
        );
        check_written_by_the_crate(&plan, "hosting", "2026-11-23-000002_soft_delete");
    }
}
