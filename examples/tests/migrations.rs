//! The examples' `diesel_migrations` directories: the soft-delete migrations are the crate's
//! output, and every example's migrations go up, all the way down and up again, on SQLite and
//! (with the `postgres` feature) on PostgreSQL.

use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};
use soft_delete_core::migration::Plan;
use soft_delete_examples::migrations::{self, check_written_by_the_crate};

#[test]
fn the_code_hosting_soft_delete_migration_is_the_one_the_crate_writes() {
    let plan = Plan::for_graph::<soft_delete_examples::code_hosting::Repo>();
    check_written_by_the_crate(&plan, "code_hosting", "2026-11-23-000022_soft_delete");
}

/// Up, then down to nothing, then up again; after each `up` the soft-delete columns are there
/// and after `down` no table is left.
fn round_trip<C>(
    conn: &mut C,
    source: fn() -> EmbeddedMigrations,
    tables: impl Fn(&mut C) -> Vec<String>,
) where
    C: MigrationHarness<C::Backend> + Connection,
{
    let before = tables(conn);
    for _ in 0..2 {
        let applied = conn.run_pending_migrations(source()).unwrap();
        assert_eq!(applied.len(), 2, "the tables, then soft delete");
        assert!(tables(conn).len() > before.len());
        let reverted = conn.revert_all_migrations(source()).unwrap();
        assert_eq!(reverted.len(), 2);
        assert_eq!(tables(conn), before, "down leaves what was there before");
    }
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[test]
fn every_example_migrates_down_and_up_again_on_sqlite() {
    let tables = |conn: &mut SqliteConnection| -> Vec<String> {
        diesel::sql_query(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') \
             AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name",
        )
        .load::<Name>(conn)
        .unwrap()
        .into_iter()
        .map(|row| row.name)
        .collect()
    };
    let sources: [fn() -> EmbeddedMigrations; 3] = [
        || migrations::sqlite::HOSTING,
        || migrations::sqlite::COMMUTE,
        || migrations::sqlite::CODE_HOSTING,
    ];
    for source in sources {
        let conn = &mut SqliteConnection::establish(":memory:").unwrap();
        round_trip(conn, source, tables);
    }
}

#[cfg(feature = "postgres")]
#[test]
fn every_example_migrates_down_and_up_again_on_postgres() {
    use diesel::connection::SimpleConnection;

    let url = std::env::var("PG_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let tables = |conn: &mut PgConnection| -> Vec<String> {
        diesel::sql_query(
            "SELECT c.relname AS name FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') \
             AND c.relname NOT LIKE '__diesel_schema_migrations%' ORDER BY 1",
        )
        .load::<Name>(conn)
        .unwrap()
        .into_iter()
        .map(|row| row.name)
        .collect()
    };
    let sources: [fn() -> EmbeddedMigrations; 3] = [
        || migrations::postgres::HOSTING,
        || migrations::postgres::COMMUTE,
        || migrations::postgres::CODE_HOSTING,
    ];
    for (index, source) in sources.into_iter().enumerate() {
        let schema = format!("examples_migrations_{}_{index}", std::process::id());
        let conn = &mut PgConnection::establish(&url).unwrap();
        conn.batch_execute(&format!(
            "CREATE SCHEMA {schema}; SET search_path TO {schema}"
        ))
        .unwrap();
        round_trip(conn, source, tables);
        conn.batch_execute(&format!(
            "SET client_min_messages = warning; DROP SCHEMA {schema} CASCADE"
        ))
        .unwrap();
    }
}
