//! What the example applications share: their schemas as `diesel_migrations` directories
//! (`migrations/<backend>/<example>/`, the soft-delete migration of each written by
//! `soft_delete_core::migration::Plan` from the example's models), and the code-hosting HTTP
//! API (its binary serves it, its end-to-end test drives it).

pub mod async_service;
pub mod code_hosting;
pub mod migrations;

/// What an example's story returns.
pub type Outcome = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A story over one backend, given the database URL.
pub type Story = fn(&str) -> Outcome;

/// `Some(story)` when the `postgres` feature is on, `None` otherwise: the PostgreSQL story of
/// an example, for [`run_on_database_url`].
#[macro_export]
macro_rules! postgres_story {
    ($story:path) => {{
        #[cfg(feature = "postgres")]
        let story: ::core::option::Option<$crate::Story> = ::core::option::Option::Some($story);
        #[cfg(not(feature = "postgres"))]
        let story: ::core::option::Option<$crate::Story> = ::core::option::Option::None;
        story
    }};
}

/// Runs an example on the database `DATABASE_URL` names: in-memory SQLite when it is unset, a
/// SQLite file, or PostgreSQL (which needs the `postgres` feature).
///
/// # Errors
/// What the story returns, or a message when PostgreSQL is named but not built in.
pub fn run_on_database_url(sqlite: Story, postgres: Option<Story>) -> Outcome {
    match std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
    {
        None => {
            println!("DATABASE_URL is unset: using an in-memory SQLite database\n");
            sqlite(":memory:")
        }
        Some(url) if url.starts_with("postgres") => match postgres {
            Some(story) => {
                println!(
                    "using PostgreSQL at DATABASE_URL, which the example leaves as it found it\n"
                );
                story(&url)
            }
            None => Err("DATABASE_URL names PostgreSQL: run with `--features postgres`".into()),
        },
        Some(url) => sqlite(&url),
    }
}

// The README's Rust blocks, compiled and run as this crate's doctests: this crate has what
// they use (the async stack for the Async section, every feature of the crate).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
