// The walk-through over one backend's API, included by `main.rs` once per backend.

pub(crate) fn run(url: &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let serve = std::env::args().any(|arg| arg == "--serve");
    let runtime = tokio::runtime::Runtime::new()?;
    let state = runtime.block_on(AppState::connect(database(url), None))?;
    let walked = serve_or_walk(serve, &runtime, &state);
    state.database().tear_down::<Blocking>()?;
    walked
}

fn serve_or_walk(
    serve: bool,
    runtime: &tokio::runtime::Runtime,
    state: &AppState,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let address = if serve {
        "127.0.0.1:3000"
    } else {
        "127.0.0.1:0"
    };
    let listener = runtime.block_on(tokio::net::TcpListener::bind(address))?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = router(state.clone());
    if serve {
        println!("serving the code-hosting API on {base} (Ctrl-C to stop)");
        runtime.block_on(async { axum::serve(listener, app).await })?;
        return Ok(());
    }
    runtime.spawn(async { axum::serve(listener, app).await });
    println!("code-hosting API on {base}\n");
    walk_through(&base, state)
}

fn call(
    method: &str,
    url: &str,
    body: Option<serde_json::Value>,
) -> Result<(u16, String), ureq::Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = match (method, body) {
        ("POST", Some(body)) => agent.post(url).send_json(body)?,
        ("POST", None) => agent.post(url).send_empty()?,
        ("DELETE", _) => agent.delete(url).call()?,
        _ => agent.get(url).call()?,
    };
    let status = response.status().as_u16();
    Ok((status, response.body_mut().read_to_string()?))
}

fn walk_through(
    base: &str,
    state: &AppState,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let say = |method: &str,
               path: &str,
               body: Option<serde_json::Value>|
     -> Result<(u16, String), Box<dyn std::error::Error + Send + Sync>> {
        let (status, text) = call(method, &format!("{base}{path}"), body)?;
        println!("{method:<6} {path:<22} -> {status} {text}");
        Ok((status, text))
    };
    say("POST", "/repos", Some(serde_json::json!({ "slug": "api" })))?;
    say(
        "POST",
        "/repos/1/issues",
        Some(serde_json::json!({ "title": "crash on start" })),
    )?;
    say(
        "POST",
        "/repos/1/issues",
        Some(serde_json::json!({ "title": "typo in README" })),
    )?;
    say("GET", "/repos/1/issues", None)?;
    say("DELETE", "/repos/1", None)?;
    say("GET", "/repos/1", None)?;
    say("GET", "/repos", None)?;
    say(
        "POST",
        "/repos/1/issues",
        Some(serde_json::json!({ "title": "too late" })),
    )?;
    // Outside the runtime, so a blocking connection of its own.
    let deleted_at = repos::table
        .find(1)
        .select(repos::deleted_at)
        .first::<Option<chrono::NaiveDateTime>>(&mut state.database().connect::<Blocking>()?)?;
    println!("       the repo row is still in the table, deleted_at = {deleted_at:?}");
    say("DELETE", "/repos/1", None)?;
    say("POST", "/repos/1/restore", None)?;
    say("GET", "/repos/1/issues", None)?;
    let graph = Repo::cascade_graph().to_mermaid();
    println!("\nthe cascade graph of a repo:\n{graph}");
    Ok(())
}
