//! The README's async example is `src/async_service.rs`: shown verbatim, and, on PostgreSQL
//! (`--features postgres`), served and called over HTTP with the rows checked.

const README: &str = include_str!("../../README.md");
const SERVICE: &str = include_str!("../src/async_service.rs");

#[test]
fn the_readme_shows_the_async_service_as_it_compiles() {
    let code = &SERVICE[SERVICE.find("\nuse ").expect("the example has imports") + 1..];
    assert!(
        README.contains(&format!("```rust,no_run\n{code}```")),
        "README's Async section is not examples/src/async_service.rs from its first `use`:\n{code}"
    );
}

#[cfg(feature = "postgres")]
#[test]
fn the_async_service_deletes_and_restores_over_http() {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use soft_delete_examples::async_service::{app, issues, repos};

    let url = std::env::var("PG_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schema = format!("readme_async_{}", std::process::id());
    let mut conn = PgConnection::establish(&url).unwrap();
    conn.batch_execute(&format!(
        "CREATE SCHEMA {schema}; SET search_path TO {schema};
         CREATE TABLE repos (id INTEGER PRIMARY KEY, deleted_at TIMESTAMP);
         CREATE TABLE issues (id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL REFERENCES repos,
                              deleted_at TIMESTAMP);
         INSERT INTO repos (id) VALUES (1);
         INSERT INTO issues (id, repo_id) VALUES (1, 1), (2, 1);"
    ))
    .unwrap();
    let separator = if url.contains('?') { '&' } else { '?' };
    let service_url = format!("{url}{separator}options=-csearch_path%3D{schema}");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app(&service_url).unwrap();
    runtime.spawn(async { axum::serve(listener, router).await });
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let stamps = |conn: &mut PgConnection| -> (Vec<bool>, Vec<bool>) {
        let repo = repos::table
            .select(repos::deleted_at.is_not_null())
            .load(conn)
            .unwrap();
        let issue = issues::table
            .order(issues::id)
            .select(issues::deleted_at.is_not_null())
            .load(conn)
            .unwrap();
        (repo, issue)
    };

    let deleted = agent.delete(format!("{base}/repos/1")).call().unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    assert_eq!(stamps(&mut conn), (vec![true], vec![true, true]));
    let mut restored = agent
        .post(format!("{base}/repos/1/restore"))
        .send_empty()
        .unwrap();
    assert_eq!(restored.status().as_u16(), 200);
    let body = restored.body_mut().read_to_string().unwrap();
    assert!(body.contains("restore"), "{body}");
    assert_eq!(stamps(&mut conn), (vec![false], vec![false, false]));
    let missing = agent.delete(format!("{base}/repos/9")).call().unwrap();
    assert_eq!(missing.status().as_u16(), 404);

    conn.batch_execute(&format!(
        "SET client_min_messages = warning; DROP SCHEMA {schema} CASCADE"
    ))
    .unwrap();
}
