//! End to end: the code-hosting API (diesel-async, a pool of eight) on a free loopback port,
//! driven by a real HTTP client, one request at a time and dozens at once, with the rows checked
//! in the database behind it, and every statement of every pooled connection checked by the
//! leak detector (seed 001, phase 4: a read path that forgets `deleted_at` is a data leak).
//!
//! Runs on SQLite, and on PostgreSQL with `--features postgres` (the server at
//! `PG_DATABASE_URL`, by default `postgres://postgres@127.0.0.1:5432/test`, in a schema of the
//! test's own).

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::{Value, json};
use soft_delete_core::SoftDelete;
use soft_delete_core::leak::{LeakDetector, Leaks};
use soft_delete_examples::code_hosting::{Database, Issue, IssueComment, Repo, issues, repos};

// The tests, once per backend, over that backend's API module.
macro_rules! end_to_end {
    ($backend:ident, $database:expr, $hold_writes:literal) => {
        mod $backend {
            use super::*;
            use soft_delete_examples::code_hosting::$backend::{AppState, Blocking, router};

            fn database() -> Database {
                $database
            }

            /// What a second connection runs to hold back every write of the API, reads aside.
            const HOLD_WRITES: &str = $hold_writes;

            include!("code_hosting/end_to_end.rs");
        }
    };
}

end_to_end!(sqlite, Database::sqlite(":memory:"), "BEGIN IMMEDIATE");
#[cfg(feature = "postgres")]
end_to_end!(
    postgres,
    Database::postgres(&postgres_url()),
    "BEGIN; LOCK TABLE repos IN EXCLUSIVE MODE"
);

#[cfg(feature = "postgres")]
fn postgres_url() -> String {
    std::env::var("PG_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// One HTTP request; the status and the body.
fn request(base: &str, method: &str, path: &str, body: Option<Value>) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{base}{path}");
    let mut response = match (method, body) {
        ("POST", Some(body)) => agent.post(&url).send_json(body),
        ("POST", None) => agent.post(&url).send_empty(),
        ("DELETE", _) => agent.delete(&url).call(),
        _ => agent.get(&url).call(),
    }
    .unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap(),
    )
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    is_deleted: bool,
}

#[test]
fn the_readme_shows_the_cascade_graph_the_crate_prints() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let graph = Repo::cascade_graph().to_mermaid();
    assert!(
        readme.contains(&format!("```mermaid\n{graph}```")),
        "README's diagram is stale:\n{graph}"
    );
}
