//! Seed 001 as an HTTP API on loopback, driven end to end by a real HTTP client: create a repo
//! with issues, delete it (204, twice), read it (404), try to add an issue (404), look at the
//! rows (still there, tombstoned), restore it (exactly what was hidden comes back).
//!
//! ```text
//! cargo run -p soft_delete_examples --bin code_hosting            # the walk-through, SQLite
//! cargo run -p soft_delete_examples --bin code_hosting -- --serve # serve on 127.0.0.1:3000
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!     cargo run -p soft_delete_examples --features postgres --bin code_hosting
//! ```

use diesel::prelude::*;
use soft_delete_core::SoftDelete;
use soft_delete_examples::code_hosting::{Repo, repos};

// The walk-through, once per backend, over that backend's API module.
macro_rules! walk {
    ($name:ident, $($api:ident)::+) => {
        mod $name {
            use super::*;
            use $($api)::+::{AppState, router};

            include!("walk.rs");
        }
    };
}

walk!(on_sqlite, soft_delete_examples::code_hosting::sqlite);
#[cfg(feature = "postgres")]
walk!(on_postgres, soft_delete_examples::code_hosting::postgres);

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    match std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
    {
        None => {
            println!("DATABASE_URL is unset: using an in-memory SQLite database");
            on_sqlite::run(":memory:")
        }
        #[cfg(feature = "postgres")]
        Some(url) if url.starts_with("postgres") => {
            println!("using PostgreSQL at DATABASE_URL, in a transaction rolled back at the end");
            on_postgres::run(&url)
        }
        Some(url) if url.starts_with("postgres") => {
            Err("DATABASE_URL names PostgreSQL: run with `--features postgres`".into())
        }
        Some(url) => on_sqlite::run(&url),
    }
}
