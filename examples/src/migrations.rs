//! The examples' schemas, as `diesel_migrations` reads them: `migrations/<backend>/<example>/`
//! holds one directory per migration with its `up.sql` and `down.sql`. The first migration of
//! each example is the application's own tables, written by hand; the second makes them
//! soft-deletable and is written by the crate ([`soft_delete_core::migration::Plan`], from the
//! example's models): [`check_written_by_the_crate`] compares the files with what the crate
//! writes today, and rewrites them when `SOFT_DELETE_WRITE_MIGRATIONS` is set.
//!
//! ```
//! use diesel::Connection;
//! use diesel_migrations::MigrationHarness;
//!
//! let conn = &mut diesel::SqliteConnection::establish(":memory:").unwrap();
//! conn.run_pending_migrations(soft_delete_examples::migrations::sqlite::HOSTING).unwrap();
//! conn.revert_all_migrations(soft_delete_examples::migrations::sqlite::HOSTING).unwrap();
//! ```

use std::path::PathBuf;

use soft_delete_core::migration::{Dialect, Plan};

/// The examples' migrations for SQLite.
pub mod sqlite {
    use diesel_migrations::{EmbeddedMigrations, embed_migrations};

    /// Seed 000: merchants, stores, sites and pages.
    pub const HOSTING: EmbeddedMigrations = embed_migrations!("migrations/sqlite/hosting");
    /// Seed 004: routes and what hangs off them.
    pub const COMMUTE: EmbeddedMigrations = embed_migrations!("migrations/sqlite/commute");
    /// Seed 001: repos, issues, proposals, their comments, collaborators.
    pub const CODE_HOSTING: EmbeddedMigrations =
        embed_migrations!("migrations/sqlite/code_hosting");
}

/// The examples' migrations for PostgreSQL.
pub mod postgres {
    use diesel_migrations::{EmbeddedMigrations, embed_migrations};

    /// Seed 000: merchants, stores, sites and pages.
    pub const HOSTING: EmbeddedMigrations = embed_migrations!("migrations/postgres/hosting");
    /// Seed 004: routes and what hangs off them.
    pub const COMMUTE: EmbeddedMigrations = embed_migrations!("migrations/postgres/commute");
    /// Seed 001: repos, issues, proposals, their comments, collaborators.
    pub const CODE_HOSTING: EmbeddedMigrations =
        embed_migrations!("migrations/postgres/code_hosting");
}

/// The backends the examples run on, with the directory each one's migrations sit in.
const BACKENDS: [(Dialect, &str); 2] =
    [(Dialect::Sqlite, "sqlite"), (Dialect::Postgres, "postgres")];

/// Checks that `migrations/<backend>/<example>/<migration>/up.sql` and `down.sql` are what
/// `plan` writes for each backend, so the files in the repository are the crate's output; with
/// `SOFT_DELETE_WRITE_MIGRATIONS` set, writes them instead.
///
/// # Panics
///
/// When a file differs from the crate's output (saying how to regenerate it), or cannot be read
/// or written.
///
/// ```
/// use soft_delete_core::migration::Plan;
///
/// let plan = Plan::for_graph::<soft_delete_examples::code_hosting::Repo>();
/// soft_delete_examples::migrations::check_written_by_the_crate(&plan, "code_hosting", "2026-11-23-000022_soft_delete");
/// ```
pub fn check_written_by_the_crate(plan: &Plan, example: &str, migration: &str) {
    let write = std::env::var_os("SOFT_DELETE_WRITE_MIGRATIONS").is_some();
    for (dialect, backend) in BACKENDS {
        let dir: PathBuf = [
            env!("CARGO_MANIFEST_DIR"),
            "migrations",
            backend,
            example,
            migration,
        ]
        .iter()
        .collect();
        for (file, written) in [
            ("up.sql", plan.up_in(dialect)),
            ("down.sql", plan.down_in(dialect)),
        ] {
            let path = dir.join(file);
            if write {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, written).unwrap();
                continue;
            }
            let kept = std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            assert!(
                kept == written,
                "{} is not what the crate writes for {dialect}; run the examples' tests with \
                 SOFT_DELETE_WRITE_MIGRATIONS=1 and read the diff. The crate writes:\n{written}",
                path.display()
            );
        }
    }
}
