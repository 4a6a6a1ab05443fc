//! The quickstart: a table of projects, soft deleted, listed, restored, on an in-memory SQLite
//! database. Run it with `cargo run -p soft_delete_quickstart`.
#![allow(
    missing_docs,
    reason = "diesel::table! makes public items that a binary never exports"
)]

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    projects (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Integer>,
    }
}

/// A project; `deleted_at` is its tombstone, `deleted_by` who set it.
#[derive(Debug, Queryable, Selectable, SoftDelete)]
#[diesel(table_name = projects)]
#[soft_delete(deleted_by = deleted_by)]
struct Project {
    id: i32,
    name: String,
    deleted_at: Option<NaiveDateTime>,
    deleted_by: Option<i32>,
}

const SCHEMA: &str = "CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    deleted_at TIMESTAMP,
    deleted_by INTEGER
)";

/// The user who deletes things in this story.
const ADMIN: i32 = 7;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut SqliteConnection::establish(":memory:")?;
    conn.batch_execute(SCHEMA)?;
    println!("created table `projects` in an in-memory SQLite database");

    diesel::insert_into(projects::table)
        .values(&vec![
            projects::name.eq("website"),
            projects::name.eq("mobile-app"),
            projects::name.eq("tmp-experiment-1"),
            projects::name.eq("tmp-experiment-2"),
        ])
        .execute(conn)?;
    list("inserted four projects; live", conn)?;

    let report = Project::soft_delete_by(conn, 2, ADMIN)?;
    println!("\nsoft delete of project 2 by user {ADMIN}: {report}");
    list("live", conn)?;

    let again = Project::soft_delete(conn, 2)?;
    println!("\nsoft delete of project 2 again: {again}");

    let bulk = Project::soft_delete_where(conn, projects::name.like("tmp-%"))?;
    println!("\nsoft delete of every project named `tmp-%`: {bulk}");
    list("live", conn)?;

    let trash: Vec<Project> = Project::only_deleted()
        .order(projects::id)
        .select(Project::as_select())
        .load(conn)?;
    println!("\nthe trash (rows are still in the table):");
    for project in &trash {
        let when = project
            .deleted_at
            .map_or_else(String::new, |at| at.to_string());
        let who = project
            .deleted_by
            .map_or_else(|| "nobody recorded".to_owned(), |id| format!("user {id}"));
        println!(
            "  #{} {:<18} deleted at {when} by {who}",
            project.id, project.name
        );
    }

    let restored = Project::restore(conn, 2)?;
    println!("\nrestore of project 2: {restored}");
    list("live", conn)?;

    match Project::soft_delete(conn, 99) {
        Err(error) => println!("\nsoft delete of project 99: {error}"),
        Ok(report) => println!("\nsoft delete of project 99 unexpectedly did: {report}"),
    }

    let all: i64 = Project::with_deleted().count().get_result(conn)?;
    println!("\nrows in `projects`, live and tombstoned: {all}; none was ever removed");
    Ok(())
}

fn list(label: &str, conn: &mut SqliteConnection) -> QueryResult<()> {
    let names: Vec<String> = Project::active()
        .order(projects::id)
        .select(projects::name)
        .load(conn)?;
    println!("{label}: {}", names.join(", "));
    Ok(())
}
