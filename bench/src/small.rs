// Small cascades, included once per backend by `main.rs` next to `run.rs`: the common case of a
// web request, 1 repo -> 10 issues -> 100 comments, deleted and restored again and again;
// (a) the crate against (b) the same changes by hand under the same row lock, with the number of
// statements each sends.

mod small {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    use chrono::NaiveDateTime;
    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use diesel::prelude::*;

    use super::{Comment, Conn, Repo, bench_comments, bench_issues, bench_repos, close, open};
    use crate::args::Args;

    /// The repo every operation starts from.
    const REPO: i32 = 1;

    /// Medians of a small-cascade run, seconds per operation, and statements per operation.
    #[derive(Debug, Default)]
    pub(crate) struct Small {
        pub(crate) crate_delete: Vec<f64>,
        pub(crate) crate_restore: Vec<f64>,
        pub(crate) sql_delete: Vec<f64>,
        pub(crate) sql_restore: Vec<f64>,
        pub(crate) statements: [usize; 4],
    }

    /// Counts the statements a connection sends.
    #[derive(Clone, Default)]
    struct Counter(Arc<AtomicUsize>);

    impl Instrumentation for Counter {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if let InstrumentationEvent::StartQuery { .. } = event {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub(crate) fn run(args: &Args) -> Small {
        let mut conn = open(args);
        // The benchmarked tree among others: `--rows` comments in all.
        let trees = i32::try_from(args.rows / 100)
            .expect("rows fit in i32")
            .max(1);
        populate(&mut conn, trees);
        let counter = Counter::default();
        conn.set_instrumentation(counter.clone());
        let mut small = Small::default();
        let operations: [Operation; 4] = [crate_delete, crate_restore, sql_delete, sql_restore];
        // Alternate in rounds of ten, so the machine's noise falls on both alike.
        for _ in 0..args.repeat.max(200).div_ceil(10) {
            for pair in [0, 2] {
                for _ in 0..10 {
                    for op in [pair, pair + 1] {
                        let before = counter.0.load(Ordering::Relaxed);
                        let started = Instant::now();
                        operations[op](&mut conn).expect("operation");
                        let seconds = started.elapsed().as_secs_f64();
                        small.statements[op] = counter.0.load(Ordering::Relaxed) - before;
                        match op {
                            0 => small.crate_delete.push(seconds),
                            1 => small.crate_restore.push(seconds),
                            2 => small.sql_delete.push(seconds),
                            _ => small.sql_restore.push(seconds),
                        }
                    }
                }
            }
        }
        let live: i64 = Comment::active().count().get_result(&mut conn).unwrap();
        assert_eq!(
            live,
            i64::from(trees) * 100,
            "every restore brought the tree back"
        );
        close(args, &mut conn);
        small
    }

    type Operation = fn(&mut Conn) -> QueryResult<()>;

    /// Repos 1 to `trees`, each with 10 issues of 10 comments (ids `(repo - 1) * 10 + 1..` and
    /// `(repo - 1) * 100 + 1..`): the small scenario builds one, the throughput scenario many.
    pub(crate) fn populate(conn: &mut Conn, trees: i32) {
        let repos: Vec<_> = (1..=trees)
            .map(|id| (bench_repos::id.eq(id), bench_repos::name.eq("small")))
            .collect();
        for chunk in repos.chunks(1_000) {
            diesel::insert_into(bench_repos::table)
                .values(chunk)
                .execute(conn)
                .expect("repos");
        }
        let issues: Vec<_> = (1..=trees * 10)
            .map(|id| {
                (
                    bench_issues::id.eq(id),
                    bench_issues::repo_id.eq((id - 1) / 10 + 1),
                    bench_issues::title.eq("issue"),
                )
            })
            .collect();
        for chunk in issues.chunks(1_000) {
            diesel::insert_into(bench_issues::table)
                .values(chunk)
                .execute(conn)
                .expect("issues");
        }
        let comments: Vec<_> = (1..=trees * 100)
            .map(|id| {
                (
                    bench_comments::id.eq(id),
                    bench_comments::issue_id.eq((id - 1) / 10 + 1),
                    bench_comments::body.eq("comment"),
                )
            })
            .collect();
        for chunk in comments.chunks(1_000) {
            diesel::insert_into(bench_comments::table)
                .values(chunk)
                .execute(conn)
                .expect("comments");
        }
    }

    fn crate_delete(conn: &mut Conn) -> QueryResult<()> {
        Repo::soft_delete(conn, REPO).map(drop).map_err(Into::into)
    }

    fn crate_restore(conn: &mut Conn) -> QueryResult<()> {
        Repo::restore(conn, REPO).map(drop).map_err(Into::into)
    }

    /// The row lock the crate takes first, by hand: the repo's tombstone, `FOR UPDATE`.
    fn lock_repo(conn: &mut Conn) -> QueryResult<Option<NaiveDateTime>> {
        #[derive(QueryableByName)]
        struct Tombstone {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
            deleted_at: Option<NaiveDateTime>,
        }
        let lock =
            <<Conn as Connection>::Backend as soft_delete_core::SupportedBackend>::FOR_UPDATE;
        let row: Tombstone = diesel::sql_query(format!(
            "SELECT deleted_at FROM bench_repos WHERE id = {REPO}{lock}"
        ))
        .get_result(conn)?;
        Ok(row.deleted_at)
    }

    fn sql_delete(conn: &mut Conn) -> QueryResult<()> {
        let stamp = soft_delete_core::ops::now_stamp();
        conn.transaction(|conn| {
            lock_repo(conn)?;
            diesel::update(
                bench_repos::table
                    .find(REPO)
                    .filter(bench_repos::deleted_at.is_null()),
            )
            .set(bench_repos::deleted_at.eq(stamp))
            .execute(conn)?;
            let issues = bench_issues::table.filter(bench_issues::repo_id.eq(REPO));
            diesel::update(issues.filter(bench_issues::deleted_at.is_null()))
                .set(bench_issues::deleted_at.eq(stamp))
                .execute(conn)?;
            super::hide_comments(conn, REPO, Some(stamp), stamp)?;
            Ok(())
        })
    }

    fn sql_restore(conn: &mut Conn) -> QueryResult<()> {
        conn.transaction(|conn| {
            let stamp = lock_repo(conn)?;
            super::revive_comments(conn, REPO, stamp)?;
            diesel::update(
                bench_issues::table.filter(
                    bench_issues::repo_id
                        .eq(REPO)
                        .and(bench_issues::deleted_at.eq(stamp)),
                ),
            )
            .set(bench_issues::deleted_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
            diesel::update(bench_repos::table.find(REPO))
                .set(bench_repos::deleted_at.eq(None::<NaiveDateTime>))
                .execute(conn)?;
            Ok(())
        })
    }

    impl crate::report::SmallRun for Small {
        fn samples(&self) -> [&[f64]; 4] {
            [
                &self.crate_delete,
                &self.crate_restore,
                &self.sql_delete,
                &self.sql_restore,
            ]
        }

        fn statements(&self) -> [usize; 4] {
            self.statements
        }
    }
}
