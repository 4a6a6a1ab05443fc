// Async against blocking (the `async` feature), included once per backend by `main.rs` next to
// `run.rs`, inside a module that also defines `type AsyncConn`:
// - `--scenario async`: the tree of `run.rs` deleted and restored by (a) the crate on a blocking
//   connection and (d) `soft_delete_core::asynchronous` on the backend's diesel-async
//   connection, alternating, on the same tables; every run is checked like the others.
// - `--scenario throughput`: 64 small cascades (1 repo -> 10 issues -> 100 comments each) at
//   once, every one a delete and then a restore, each its own request with a connection from a
//   pool of 8: (d) async tasks on a deadpool pool, against (a) the blocking API on an r2d2 pool
//   inside `spawn_blocking`, as a blocking service runs it; operations per second of each.

mod asynchronous {
    use std::cell::RefCell;
    use std::sync::Arc;
    use std::time::Instant;

    use diesel::prelude::*;
    use diesel::r2d2::{ConnectionManager, CustomizeConnection};
    use diesel_async::pooled_connection::deadpool::Pool;
    use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
    use diesel_async::{AsyncConnection, SimpleAsyncConnection};

    use super::{
        AsyncConn, BIG, Comment, Conn, Repo, close, crate_delete, crate_restore, digest, measure,
        open, populate, same,
    };
    use crate::args::Args;

    /// Repos in the throughput scenario, each a small cascade of its own.
    pub(crate) const CASCADES: i32 = 64;
    /// Connections in each contender's pool.
    pub(crate) const POOL: usize = 8;

    /// The tree's delete and restore, seconds per run: blocking, then async.
    #[derive(Debug, Default)]
    pub(crate) struct Tree {
        pub(crate) blocking_delete: Vec<f64>,
        pub(crate) blocking_restore: Vec<f64>,
        pub(crate) async_delete: Vec<f64>,
        pub(crate) async_restore: Vec<f64>,
    }

    /// Operations per second of each round: blocking on r2d2 with `spawn_blocking`, async on
    /// deadpool.
    #[derive(Debug, Default)]
    pub(crate) struct Throughput {
        pub(crate) blocking: Vec<f64>,
        pub(crate) asynchronous: Vec<f64>,
    }

    fn runtime(threads: usize) -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    }

    /// An async connection into this run's tables, set up like the blocking ones.
    async fn connect_async(url: &str, setup: &str) -> diesel::ConnectionResult<AsyncConn> {
        let mut conn = AsyncConn::establish(url).await?;
        conn.batch_execute(setup)
            .await
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
        Ok(conn)
    }

    pub(crate) fn tree(args: &Args) -> Tree {
        let mut conn = open(args);
        populate(&mut conn, args.rows);
        let pristine = digest(&mut conn);
        let (url, setup) = crate::connect::target(args);
        // One worker: the async contender, like the blocking one, has one thread to run on.
        let runtime = runtime(1);
        let asynchronous = RefCell::new(
            runtime
                .block_on(connect_async(&url, &setup))
                .expect("an async connection"),
        );
        let mut tree = Tree::default();
        let mut tombstoned = None;
        for round in 0..args.repeat {
            let async_first = round % 2 == 1;
            for contender in [async_first, !async_first] {
                if contender {
                    let (delete, restore, after) = measure(
                        &mut conn,
                        &pristine,
                        |_| {
                            let conn = &mut *asynchronous.borrow_mut();
                            runtime
                                .block_on(soft_delete_core::asynchronous::soft_delete::<Repo, _>(
                                    conn, BIG, None,
                                ))
                                .map(drop)
                                .map_err(Into::into)
                        },
                        |_| {
                            let conn = &mut *asynchronous.borrow_mut();
                            runtime
                                .block_on(soft_delete_core::asynchronous::restore::<Repo, _>(
                                    conn, BIG,
                                ))
                                .map(drop)
                                .map_err(Into::into)
                        },
                    );
                    tree.async_delete.push(delete);
                    tree.async_restore.push(restore);
                    same(&mut tombstoned, after, "the crate on an async connection");
                } else {
                    let (delete, restore, after) =
                        measure(&mut conn, &pristine, crate_delete, crate_restore);
                    tree.blocking_delete.push(delete);
                    tree.blocking_restore.push(restore);
                    same(&mut tombstoned, after, "the crate on a blocking connection");
                }
            }
        }
        close(args, &mut conn);
        tree
    }

    /// Runs the setup statements on every connection r2d2 opens.
    #[derive(Debug)]
    struct Setup(String);

    impl CustomizeConnection<Conn, diesel::r2d2::Error> for Setup {
        fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
            diesel::connection::SimpleConnection::batch_execute(conn, &self.0)
                .map_err(diesel::r2d2::Error::QueryError)
        }
    }

    pub(crate) fn throughput(args: &Args) -> Throughput {
        let mut conn = open(args);
        super::small::populate(&mut conn, CASCADES);
        // Statistics, as a table in service has: without them MariaDB scans (and, under
        // REPEATABLE READ, locks) every issue for each cascade's subquery, and the cascades of
        // different repos deadlock.
        crate::connect::analyze(&mut conn);
        let (url, setup) = crate::connect::target(args);
        let runtime = runtime(2);

        let blocking = diesel::r2d2::Pool::builder()
            .max_size(u32::try_from(POOL).expect("a small pool"))
            .connection_customizer(Box::new(Setup(setup.clone())))
            .build(ConnectionManager::<Conn>::new(&url))
            .expect("an r2d2 pool");
        let mut config = ManagerConfig::<AsyncConn>::default();
        let async_setup = Arc::new(setup);
        config.custom_setup = Box::new(move |url| {
            let (url, setup) = (url.to_owned(), Arc::clone(&async_setup));
            Box::pin(async move { connect_async(&url, &setup).await })
        });
        let asynchronous =
            Pool::builder(AsyncDieselConnectionManager::new_with_config(&url, config))
                .max_size(POOL)
                .build()
                .expect("a deadpool pool");

        let mut throughput = Throughput::default();
        for round in 0..args.repeat.max(3) {
            let async_first = round % 2 == 1;
            for contender in [async_first, !async_first] {
                let started = Instant::now();
                if contender {
                    runtime.block_on(async_round(&asynchronous));
                } else {
                    runtime.block_on(blocking_round(&blocking));
                }
                let per_second = f64::from(CASCADES * 2) / started.elapsed().as_secs_f64();
                let live: i64 = Comment::active().count().get_result(&mut conn).unwrap();
                let deleted: i64 = Repo::only_deleted().count().get_result(&mut conn).unwrap();
                assert_eq!(
                    (live, deleted),
                    (i64::from(CASCADES) * 100, 0),
                    "every tree came back"
                );
                if contender {
                    throughput.asynchronous.push(per_second);
                } else {
                    throughput.blocking.push(per_second);
                }
            }
        }
        close(args, &mut conn);
        throughput
    }

    /// Every cascade at once: a task each, deleting then restoring, a connection per operation.
    async fn async_round(pool: &Pool<AsyncConn>) {
        let tasks: Vec<_> = (1..=CASCADES)
            .map(|repo| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    let mut conn = pool.get().await.expect("a pooled connection");
                    let deleted = soft_delete_core::asynchronous::soft_delete::<Repo, _>(
                        &mut *conn, repo, None,
                    )
                    .await
                    .expect("delete");
                    assert_eq!(deleted.rows_in("bench_comments"), 100);
                    drop(conn);
                    let mut conn = pool.get().await.expect("a pooled connection");
                    soft_delete_core::asynchronous::restore::<Repo, _>(&mut *conn, repo)
                        .await
                        .expect("restore");
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("the task ran");
        }
    }

    /// The same on blocking connections, each operation on tokio's blocking pool.
    async fn blocking_round(pool: &diesel::r2d2::Pool<ConnectionManager<Conn>>) {
        let tasks: Vec<_> = (1..=CASCADES)
            .map(|repo| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    let deleting = pool.clone();
                    let deleted = tokio::task::spawn_blocking(move || {
                        let mut conn = deleting.get().expect("a pooled connection");
                        Repo::soft_delete(&mut conn, repo).expect("delete")
                    })
                    .await
                    .expect("the delete ran");
                    assert_eq!(deleted.rows_in("bench_comments"), 100);
                    tokio::task::spawn_blocking(move || {
                        let mut conn = pool.get().expect("a pooled connection");
                        Repo::restore(&mut conn, repo).expect("restore")
                    })
                    .await
                    .expect("the restore ran");
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("the task ran");
        }
    }

    impl crate::report::AsyncRun for Tree {
        fn samples(&self) -> [&[f64]; 4] {
            [
                &self.blocking_delete,
                &self.blocking_restore,
                &self.async_delete,
                &self.async_restore,
            ]
        }
    }

    impl crate::report::ThroughputRun for Throughput {
        fn samples(&self) -> [&[f64]; 2] {
            [&self.blocking, &self.asynchronous]
        }
    }
}
