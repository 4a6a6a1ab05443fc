//! Seed 001 as an HTTP API on loopback, driven end to end by a real HTTP client: create a repo
//! with issues, delete it (204, twice), read it (404), try to add an issue (404), look at the
//! rows (still there, tombstoned), restore it (exactly what was hidden comes back). The API runs
//! on diesel-async with a pool; its database is a scratch SQLite file or PostgreSQL schema,
//! removed at the end.
//!
//! ```text
//! cargo run -p soft_delete_examples --bin code_hosting            # the walk-through, SQLite
//! cargo run -p soft_delete_examples --bin code_hosting -- --serve # serve on 127.0.0.1:3000
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!     cargo run -p soft_delete_examples --features postgres --bin code_hosting
//! ```

use diesel::prelude::*;
use soft_delete_core::SoftDelete;
use soft_delete_examples::code_hosting::{Database, Repo, repos};

// The walk-through, once per backend, over that backend's API module.
macro_rules! walk {
    ($name:ident, $($api:ident)::+, $database:ident) => {
        mod $name {
            use super::*;
            use $($api)::+::{AppState, Blocking, router};

            fn database(url: &str) -> Database {
                Database::$database(url)
            }

            include!("walk.rs");
        }
    };
}

walk!(
    on_sqlite,
    soft_delete_examples::code_hosting::sqlite,
    sqlite
);
#[cfg(feature = "postgres")]
walk!(
    on_postgres,
    soft_delete_examples::code_hosting::postgres,
    postgres
);

fn main() -> soft_delete_examples::Outcome {
    soft_delete_examples::run_on_database_url(
        on_sqlite::run,
        soft_delete_examples::postgres_story!(on_postgres::run),
    )
}
