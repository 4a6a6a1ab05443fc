// The end-to-end tests over one backend's API, included by `code_hosting.rs` once per backend
// inside a module that defines `database()` and `HOLD_WRITES`.

/// How many repos the concurrent tests spread their requests over.
const REPOS: i32 = 16;

struct Api {
    base: String,
    state: AppState,
    runtime: tokio::runtime::Runtime,
    /// What the leak detector on the pool's connections saw.
    leaks: Leaks,
}

impl Api {
    fn start() -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let detector = LeakDetector::collecting().watch_graph(Repo::cascade_graph());
        let leaks = detector.leaks();
        let state = runtime
            .block_on(AppState::connect(database(), Some(detector)))
            .unwrap();
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
        let answer = request(&self.base, method, path, body);
        self.leaks.assert_none();
        answer
    }

    /// A blocking connection of the test's own to the API's database, which the detector does
    /// not watch: the test reads every row on purpose.
    fn db(&self) -> Blocking {
        self.state.database().connect().unwrap()
    }

    /// Sends every request at once, one thread each, while a second connection holds back the
    /// API's writes; lets them through once at least `in_flight` requests are being answered.
    /// The answers, in the order of `requests`.
    fn all_at_once(
        &self,
        requests: &[(&'static str, String, Option<Value>)],
        in_flight: usize,
    ) -> Vec<(u16, String)> {
        let mut holder = self.db();
        holder.batch_execute(HOLD_WRITES).unwrap();
        let answers = std::thread::scope(|scope| {
            let sent: Vec<_> = requests
                .iter()
                .map(|(method, path, body)| {
                    scope.spawn(move || request(&self.base, method, path, body.clone()))
                })
                .collect();
            let deadline = std::time::Instant::now() + std::time::Duration::from_mins(1);
            while self.state.in_flight() < in_flight {
                assert!(
                    std::time::Instant::now() < deadline,
                    "only {} requests in flight, {in_flight} expected",
                    self.state.in_flight()
                );
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            holder.batch_execute("COMMIT").unwrap();
            sent.into_iter()
                .map(|answer| answer.join().unwrap())
                .collect::<Vec<_>>()
        });
        assert!(self.state.peak_in_flight() >= in_flight);
        self.leaks.assert_none();
        answers
    }

    /// Repos 1 to `REPOS`, each with two issues, inserted behind the API's back (the keys
    /// from the database, as the API's own inserts take theirs).
    fn seed_repos(&self) {
        let conn = &mut self.db();
        for repo in 1..=REPOS {
            let id: i32 = diesel::insert_into(repos::table)
                .values(repos::slug.eq(format!("repo-{repo}")))
                .returning(repos::id)
                .get_result(conn)
                .unwrap();
            assert_eq!(id, repo, "a new database numbers its repos from 1");
            for n in 0..2 {
                diesel::insert_into(issues::table)
                    .values((issues::repo_id.eq(repo), issues::title.eq(format!("issue {n}"))))
                    .execute(conn)
                    .unwrap();
            }
        }
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        self.state.database().tear_down::<Blocking>().unwrap();
    }
}

fn comment_flags(conn: &mut Blocking) -> Vec<bool> {
    diesel::sql_query("SELECT is_deleted FROM issue_comments ORDER BY id")
        .load::<Flag>(conn)
        .unwrap()
        .into_iter()
        .map(|flag| flag.is_deleted)
        .collect()
}

fn stamps_of_issues(conn: &mut Blocking, repo: i32) -> Vec<Option<NaiveDateTime>> {
    issues::table
        .filter(issues::repo_id.eq(repo))
        .order(issues::id)
        .select(issues::deleted_at)
        .load(conn)
        .unwrap()
}

fn stamp_of_repo(conn: &mut Blocking, repo: i32) -> Option<NaiveDateTime> {
    repos::table
        .find(repo)
        .select(repos::deleted_at)
        .first(conn)
        .unwrap()
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
    let conn = &mut api.db();
    conn.batch_execute(
        "INSERT INTO issue_comments (id, issue_id, body) VALUES (1, 1, '+1'), (2, 1, 'spam');
         INSERT INTO collaborators (id, repo_id, login) VALUES (1, 1, 'ada');",
    )
    .unwrap();
    // Deleted on their own before the repo: issue 3 and comment 2.
    Issue::soft_delete(conn, 3).unwrap();
    IssueComment::soft_delete(conn, 2).unwrap();

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

    let repo_stamp = stamp_of_repo(conn, 1);
    let issue_stamps = stamps_of_issues(conn, 1);
    let collaborators: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT COUNT(*) FROM collaborators)",
    ))
    .get_result(conn)
    .unwrap();
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
    assert_eq!(comment_flags(conn), [true, true]);
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
    assert_eq!(
        comment_flags(conn),
        [false, true],
        "comment 2, deleted on its own, stays deleted"
    );
}

#[test]
fn deletes_racing_new_issues_and_reads_leave_no_live_issue_under_a_deleted_repo() {
    let api = Api::start();
    api.seed_repos();
    let mut requests = Vec::new();
    for repo in 1..=REPOS {
        let issue = json!({ "title": format!("late for {repo}") });
        requests.push(("DELETE", format!("/repos/{repo}"), None));
        requests.push(("POST", format!("/repos/{repo}/issues"), Some(issue)));
        requests.push(("GET", format!("/repos/{repo}/issues"), None));
    }
    // The deletes and the new issues are writes: all 32 wait behind the held lock together.
    let answers = api.all_at_once(&requests, 32);

    let conn = &mut api.db();
    for (repo, answers) in (1..=REPOS).zip(answers.chunks(3)) {
        let [deleted, posted, read] = answers else {
            unreachable!("three requests per repo")
        };
        assert_eq!(deleted.0, 204, "repo {repo}: {deleted:?}");
        assert!([201, 404].contains(&posted.0), "repo {repo}: {posted:?}");
        assert!([200, 404].contains(&read.0), "repo {repo}: {read:?}");
        let stamp = stamp_of_repo(conn, repo);
        assert!(stamp.is_some(), "repo {repo} is deleted");
        let issues = stamps_of_issues(conn, repo);
        // An issue the API accepted went in before the delete, which then hid it too; one it
        // refused is not there.
        let accepted = usize::from(posted.0 == 201);
        assert_eq!(issues.len(), 2 + accepted, "repo {repo}: {posted:?}");
        assert!(
            issues.iter().all(|issue| *issue == stamp),
            "repo {repo}: every issue carries the repo's stamp: {issues:?} vs {stamp:?}"
        );
    }
}

#[test]
fn concurrent_restores_of_one_repo_bring_it_back_once() {
    let api = Api::start();
    api.seed_repos();
    for repo in 1..=REPOS {
        assert_eq!(
            api.call("DELETE", &format!("/repos/{repo}"), None).0,
            204
        );
    }
    let requests: Vec<_> = (1..=REPOS)
        .flat_map(|repo| [repo, repo])
        .map(|repo| ("POST", format!("/repos/{repo}/restore"), None))
        .collect();
    // Restores lock their rows before they write: all 32 wait behind the held lock together.
    let answers = api.all_at_once(&requests, 32);

    let conn = &mut api.db();
    for (repo, answers) in (1..=REPOS).zip(answers.chunks(2)) {
        let mut revived = 0;
        for (status, body) in answers {
            assert_eq!(*status, 200, "repo {repo}: {body}");
            let rows: Value = serde_json::from_str(body).unwrap();
            for change in rows["rows"].as_array().unwrap() {
                if change[0] == "repos" {
                    revived += change[1].as_u64().unwrap();
                }
            }
        }
        assert_eq!(revived, 1, "repo {repo} came back once: {answers:?}");
        assert_eq!(stamp_of_repo(conn, repo), None);
        assert_eq!(stamps_of_issues(conn, repo), [None, None]);
    }
}

#[test]
fn the_leak_detector_watches_every_connection_of_the_pool() {
    let api = Api::start();
    assert_eq!(
        api.call("POST", "/repos", Some(json!({ "slug": "api" }))).0,
        201
    );
    api.call("DELETE", "/repos/1", None);
    // What a careless handler would run: every repo, tombstoned ones included.
    let careless: Vec<String> = api.runtime.block_on(async {
        let mut conn = api.state.connection().await.unwrap();
        diesel_async::RunQueryDsl::load(repos::table.select(repos::slug), &mut *conn)
            .await
            .unwrap()
    });
    assert_eq!(careless, ["api"], "the deleted repo leaks through");
    let seen = api.leaks.take();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].table, "repos");
}
