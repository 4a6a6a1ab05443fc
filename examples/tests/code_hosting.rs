//! End to end: the code-hosting API on a free loopback port, driven by a real HTTP client, with
//! the rows checked in the database behind it, and every statement the API runs checked by the
//! leak detector (seed 001, phase 4: a read path that forgets `deleted_at` is a data leak).

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::{Value, json};
use soft_delete_core::SoftDelete;
use soft_delete_core::leak::{LeakDetector, Leaks};
use soft_delete_examples::code_hosting::sqlite::{AppState, router};
use soft_delete_examples::code_hosting::{Issue, IssueComment, issues, repos};

struct Api {
    base: String,
    state: AppState,
    runtime: tokio::runtime::Runtime,
    /// What the leak detector on the API's connection saw.
    leaks: Leaks,
}

impl Api {
    fn start() -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let state = AppState::connect(":memory:").unwrap();
        let detector = LeakDetector::collecting()
            .watch_graph(soft_delete_examples::code_hosting::Repo::cascade_graph());
        let leaks = detector.leaks();
        runtime.block_on(async { state.conn().await.set_instrumentation(detector) });
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = router(state.clone());
        runtime.spawn(async { axum::serve(listener, app).await });
        Api {
            base,
            state,
            runtime,
            leaks,
        }
    }

    /// Calls the API; every statement it ran must have filtered out tombstones.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, String) {
        let answer = self.request(method, path, body);
        self.leaks.assert_none();
        answer
    }

    fn request(&self, method: &str, path: &str, body: Option<Value>) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!("{}{path}", self.base);
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

    /// Runs `f` on the API's own database connection. The test reads every row on purpose, so
    /// what the detector sees of it is dropped.
    fn db<T>(&self, f: impl FnOnce(&mut SqliteConnection) -> T) -> T {
        let result = self.runtime.block_on(async {
            let mut conn = self.state.conn().await;
            f(&mut conn)
        });
        drop(self.leaks.take());
        result
    }
}

#[test]
fn a_deleted_repo_reads_404_keeps_its_rows_and_restores_exactly_what_was_hidden() {
    let api = Api::start();
    assert_eq!(
        api.call("POST", "/repos", Some(json!({ "slug": "api" }))).0,
        201
    );
    for title in ["crash", "typo", "old"] {
        assert_eq!(
            api.call("POST", "/repos/1/issues", Some(json!({ "title": title })))
                .0,
            201
        );
    }
    api.db(|conn| {
        conn.batch_execute(
            "INSERT INTO issue_comments (id, issue_id, body) VALUES (1, 1, '+1'), (2, 1, 'spam');
             INSERT INTO collaborators (id, repo_id, login) VALUES (1, 1, 'ada');",
        )
        .unwrap();
        // Deleted on their own before the repo: issue 3 and comment 2.
        Issue::soft_delete(conn, 3).unwrap();
        IssueComment::soft_delete(conn, 2).unwrap();
    });

    assert_eq!(api.call("DELETE", "/repos/1", None), (204, String::new()));
    assert_eq!(api.call("GET", "/repos/1", None).0, 404);
    assert_eq!(api.call("GET", "/repos/1/issues", None).0, 404);
    assert_eq!(api.call("GET", "/repos", None), (200, "[]".to_owned()));
    assert_eq!(
        api.call("POST", "/repos/1/issues", Some(json!({ "title": "late" })))
            .0,
        404,
        "writes refused"
    );

    let (repo_stamp, issue_stamps, comment_flags, collaborators) = api.db(|conn| {
        let repo: Option<NaiveDateTime> = repos::table
            .find(1)
            .select(repos::deleted_at)
            .first(conn)
            .unwrap();
        let issues: Vec<Option<NaiveDateTime>> = issues::table
            .order(issues::id)
            .select(issues::deleted_at)
            .load(conn)
            .unwrap();
        let flags: Vec<bool> =
            diesel::sql_query("SELECT is_deleted FROM issue_comments ORDER BY id")
                .load::<Flag>(conn)
                .unwrap()
                .into_iter()
                .map(|flag| flag.is_deleted)
                .collect();
        let collaborators: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT COUNT(*) FROM collaborators)",
        ))
        .get_result(conn)
        .unwrap();
        (repo, issues, flags, collaborators)
    });
    assert!(
        repo_stamp.is_some(),
        "the repo row is still there, tombstoned"
    );
    assert_eq!(issue_stamps.len(), 3, "no row was removed, none was added");
    assert_eq!(
        &issue_stamps[..2],
        &[repo_stamp, repo_stamp],
        "the cascade stamped issues 1 and 2"
    );
    assert_ne!(issue_stamps[2], repo_stamp, "issue 3 keeps its own stamp");
    assert_eq!(comment_flags, [true, true]);
    assert_eq!(collaborators, 0, "access grants go with the repo");

    assert_eq!(
        api.call("DELETE", "/repos/1", None),
        (204, String::new()),
        "deleting again succeeds"
    );
    let (status, restored) = api.call("POST", "/repos/1/restore", None);
    assert_eq!(status, 200);
    // The target's table first, then the cascade's tables, deepest first as they ran.
    assert_eq!(
        restored,
        r#"{"rows":[["repos",1],["issue_comments",1],["issues",2]]}"#
    );
    let (status, live) = api.call("GET", "/repos/1/issues", None);
    assert_eq!(status, 200);
    assert_eq!(
        live,
        r#"[{"id":1,"title":"crash"},{"id":2,"title":"typo"}]"#
    );
    let flags: Vec<bool> = api.db(|conn| {
        diesel::sql_query("SELECT is_deleted FROM issue_comments ORDER BY id")
            .load::<Flag>(conn)
            .unwrap()
            .into_iter()
            .map(|flag| flag.is_deleted)
            .collect()
    });
    assert_eq!(
        flags,
        [false, true],
        "comment 2, deleted on its own, stays deleted"
    );
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    is_deleted: bool,
}

#[test]
fn the_leak_detector_would_catch_a_read_path_that_forgets_the_tombstone() {
    let api = Api::start();
    assert_eq!(
        api.call("POST", "/repos", Some(json!({ "slug": "api" }))).0,
        201
    );
    api.call("DELETE", "/repos/1", None);
    // What a careless handler would run: every repo, tombstoned ones included.
    let careless: Vec<String> = api.runtime.block_on(async {
        let mut conn = api.state.conn().await;
        repos::table.select(repos::slug).load(&mut *conn).unwrap()
    });
    assert_eq!(careless, ["api"], "the deleted repo leaks through");
    let seen = api.leaks.take();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].table, "repos");
}

#[test]
fn the_readme_shows_the_cascade_graph_the_crate_prints() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let graph = soft_delete_examples::code_hosting::Repo::cascade_graph().to_mermaid();
    assert!(
        readme.contains(&format!("```mermaid\n{graph}```")),
        "README's diagram is stale:\n{graph}"
    );
}
