// Async hooks and `Send` futures: what only the async operations have. Included by the async
// test files after the shared suite, inside the module the suite runs in.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_core::hooks::AsyncHooks;
use soft_delete_core::purge::Purge;
use soft_delete_core::{Error, Outcome, asynchronous};
use soft_delete_tests::asynchronous::{inner, run};

use super::cascade::code_hosting;
use super::cascade_schema::*;
use super::{Conn, connect};

type Async = <Conn as std::ops::Deref>::Target;

diesel::table! {
    async_audit (entry) {
        entry -> Text,
    }
}

const AUDIT_TABLE: &str = "CREATE TABLE async_audit (entry VARCHAR(200) PRIMARY KEY)";

fn entries(conn: &mut Conn) -> Vec<String> {
    async_audit::table
        .order(async_audit::entry)
        .select(async_audit::entry)
        .load(conn)
        .unwrap()
}

/// A hook's statement, awaited on the operation's own connection.
async fn write(conn: &mut Async, entry: String) -> soft_delete_core::Result<()> {
    let insert = diesel::insert_into(async_audit::table).values(async_audit::entry.eq(entry));
    diesel_async::RunQueryDsl::execute(insert, conn).await?;
    Ok(())
}

#[test]
fn async_hooks_write_inside_the_operation_and_commit_with_it() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(AUDIT_TABLE).unwrap();
    code_hosting(conn, 1);

    let mut hooks = AsyncHooks::new()
        .before(|conn: &mut Async, intent| Box::pin(write(conn, format!("before {intent}"))))
        .after(|conn: &mut Async, report| {
            Box::pin(write(
                conn,
                format!("after {} {}", report.operation, report.total_rows()),
            ))
        });
    let deleted = run(asynchronous::soft_delete_with_hooks::<HubRepo, _>(
        inner(conn),
        1,
        None,
        &mut hooks,
    ))
    .unwrap();
    let restored = run(asynchronous::restore_with_hooks::<HubRepo, _>(
        inner(conn),
        1,
        &mut hooks,
    ))
    .unwrap();
    drop(hooks);

    assert_eq!(
        entries(conn),
        [
            format!("after restore {}", restored.total_rows()),
            format!("after soft delete {}", deleted.total_rows()),
            "before restore of `hub_repos` 1".to_owned(),
            "before soft delete of `hub_repos` 1".to_owned(),
        ]
    );
}

#[test]
fn a_failing_async_hook_rolls_the_operation_and_its_own_statements_back() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(AUDIT_TABLE).unwrap();
    code_hosting(conn, 1);

    let mut hooks = AsyncHooks::new().after(|conn: &mut Async, report| {
        Box::pin(async move {
            write(conn, report.to_string()).await?;
            Err(Error::hook("the outbox is full"))
        })
    });
    let refused = run(asynchronous::soft_delete_with_hooks::<HubRepo, _>(
        inner(conn),
        1,
        None,
        &mut hooks,
    ))
    .unwrap_err();

    assert!(matches!(refused, Error::Hook(_)), "{refused:?}");
    assert!(
        entries(conn).is_empty(),
        "the hook's own row went with the rollback"
    );
    let live: i64 = HubIssue::active().count().get_result(conn).unwrap();
    assert_eq!(live, 3, "nothing of the delete was kept");
}

#[test]
fn async_purge_runs_its_hooks_and_reports_progress_per_batch() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(AUDIT_TABLE).unwrap();
    for repo in 1..=3 {
        code_hosting(conn, repo);
        run(asynchronous::soft_delete::<HubRepo, _>(
            inner(conn),
            repo,
            None,
        ))
        .unwrap();
    }
    let mut batches = Vec::new();
    let hooks = AsyncHooks::new().after(|conn: &mut Async, report| {
        let entry = format!("purged {} {}", report.stamp, report.rows_in("hub_repos"));
        Box::pin(write(conn, entry))
    });
    let options = Purge::any_age()
        .batch_size(2)
        .on_progress(|progress| batches.push(progress.report.rows_in("hub_repos")))
        .hooks(hooks);
    let report = run(asynchronous::purge::<HubRepo, _, Async, _>(
        inner(conn),
        options,
    ))
    .unwrap();

    assert_eq!(report.rows_in("hub_repos"), 3);
    assert_eq!(batches, [2, 1]);
    let stamp = report.stamp;
    assert_eq!(
        entries(conn),
        [format!("purged {stamp} 1"), format!("purged {stamp} 2")],
        "every batch ran the hook, inside its own transaction, with the purge's one stamp"
    );
    let left: i64 = hub_repos::table.count().get_result(conn).unwrap();
    assert_eq!(left, 0);
}

/// Compiles only if the future can move to another thread.
fn sendable<F: std::future::Future + Send>(future: F) -> F {
    future
}

#[test]
fn every_operation_is_a_send_future_that_runs_on_a_spawned_task() {
    let mut db = connect();
    code_hosting(&mut db, 1);
    let (mut db, report) = run(async move {
        let conn = inner(&mut db);
        sendable(asynchronous::soft_delete::<HubRepo, _>(conn, 1, Some(4))).await?;
        sendable(asynchronous::restore::<HubRepo, _>(conn, 1)).await?;
        sendable(asynchronous::restore_with_ancestors::<HubIssue, _>(
            conn, 11,
        ))
        .await?;
        sendable(asynchronous::lock_live::<HubRepo, _>(conn, 1)).await?;
        sendable(asynchronous::purge::<HubRepo, _, Async, _>(
            conn,
            Purge::any_age(),
        ))
        .await?;
        let spawned = tokio::spawn(async move {
            let report = asynchronous::soft_delete::<HubRepo, _>(inner(&mut db), 1, None).await;
            report.map(|report| (db, report))
        });
        spawned.await.expect("the task ran")
    })
    .unwrap();
    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(report.rows_in("hub_issues"), 3);
    let live: i64 = HubIssue::active().count().get_result(&mut *db).unwrap();
    assert_eq!(live, 0, "the spawned task's delete is in the database");
}
