// Purge, included once per backend by `main.rs` next to `run.rs`: N/100 tombstoned repos, each
// with 10 issues of 10 comments, all tombstoned, deleted for real in batches; (a) the crate's
// purge against (b) the same batched `DELETE`s by hand, children first, the same batch size.

mod purge {
    use std::time::Instant;

    use chrono::NaiveDateTime;
    use diesel::prelude::*;
    use soft_delete_core::SoftDelete;
    use soft_delete_core::purge::Purge;

    use super::{Conn, Repo, bench_comments, bench_issues, bench_repos, close, open};
    use crate::args::Args;

    /// Repos per batch, for both contenders.
    pub(crate) const BATCH: usize = 500;

    /// Seconds per full purge, per contender, and the memory of the crate's purge.
    #[derive(Debug, Default)]
    pub(crate) struct Purged {
        pub(crate) crate_purge: Vec<f64>,
        pub(crate) sql_purge: Vec<f64>,
        pub(crate) memory: Option<crate::memory::Memory>,
    }

    pub(crate) fn run(args: &Args) -> Purged {
        let mut conn = open(args);
        let mut purged = Purged::default();
        for round in 0..args.repeat {
            for (index, contender) in [crate_purge as Operation, sql_purge]
                .into_iter()
                .enumerate()
            {
                crate::connect::truncate(&mut conn);
                populate(&mut conn, args.rows);
                // A retention job runs on tables the planner knows: their statistics are taken
                // once the rows are in (the tables refresh none on their own).
                crate::connect::analyze(&mut conn);
                crate::connect::checkpoint(&mut conn);
                let started = Instant::now();
                let (done, memory) = crate::memory::Memory::around(|| contender(&mut conn));
                done.expect("purge");
                let seconds = started.elapsed().as_secs_f64();
                let left: i64 = bench_comments::table.count().get_result(&mut conn).unwrap();
                let issues: i64 = bench_issues::table.count().get_result(&mut conn).unwrap();
                let repos: i64 = bench_repos::table.count().get_result(&mut conn).unwrap();
                assert_eq!(
                    (repos, issues, left),
                    (0, 0, 0),
                    "a purge leaves nothing tombstoned"
                );
                if index == 0 {
                    purged.crate_purge.push(seconds);
                    if round == 0 {
                        purged.memory = memory;
                    }
                } else {
                    purged.sql_purge.push(seconds);
                }
            }
        }
        close(args, &mut conn);
        purged
    }

    type Operation = fn(&mut Conn) -> QueryResult<()>;

    /// `rows / 100` repos of 10 issues of 10 comments, every row tombstoned at one stamp.
    fn populate(conn: &mut Conn, rows: usize) {
        let repos = i32::try_from(rows / 100).expect("rows fit in i32").max(1);
        let stamp =
            NaiveDateTime::parse_from_str("2026-01-01 00:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            let repo_rows: Vec<_> = (1..=repos)
                .map(|id| {
                    (
                        bench_repos::id.eq(id),
                        bench_repos::name.eq("repo"),
                        bench_repos::deleted_at.eq(Some(stamp)),
                    )
                })
                .collect();
            for chunk in repo_rows.chunks(1_000) {
                diesel::insert_into(bench_repos::table)
                    .values(chunk)
                    .execute(conn)?;
            }
            let issue_rows: Vec<_> = (1..=repos * 10)
                .map(|id| {
                    (
                        bench_issues::id.eq(id),
                        bench_issues::repo_id.eq((id - 1) / 10 + 1),
                        bench_issues::title.eq("issue"),
                        bench_issues::deleted_at.eq(Some(stamp)),
                    )
                })
                .collect();
            for chunk in issue_rows.chunks(1_000) {
                diesel::insert_into(bench_issues::table)
                    .values(chunk)
                    .execute(conn)?;
            }
            let comment_rows: Vec<_> = (1..=repos * 100)
                .map(|id| {
                    (
                        bench_comments::id.eq(id),
                        bench_comments::issue_id.eq((id - 1) / 10 + 1),
                        bench_comments::body.eq("comment"),
                        bench_comments::deleted_at.eq(Some(stamp)),
                    )
                })
                .collect();
            for chunk in comment_rows.chunks(1_000) {
                diesel::insert_into(bench_comments::table)
                    .values(chunk)
                    .execute(conn)?;
            }
            Ok(())
        })
        .expect("populate");
    }

    fn crate_purge(conn: &mut Conn) -> QueryResult<()> {
        Repo::purge(conn, Purge::any_age().batch_size(BATCH))
            .map(drop)
            .map_err(Into::into)
    }

    /// Per batch, in one transaction: pick and lock the next tombstoned repos, delete their
    /// comments (joined to their issues on MySQL and MariaDB), their issues, then them.
    fn sql_purge(conn: &mut Conn) -> QueryResult<()> {
        let lock =
            <<Conn as Connection>::Backend as soft_delete_core::SupportedBackend>::FOR_UPDATE;
        loop {
            let done = conn.transaction(|conn| {
                #[derive(QueryableByName)]
                struct Key {
                    #[diesel(sql_type = diesel::sql_types::Integer)]
                    id: i32,
                }
                let keys: Vec<Key> = diesel::sql_query(format!(
                    "SELECT id FROM bench_repos WHERE deleted_at IS NOT NULL ORDER BY id LIMIT {BATCH}{lock}"
                ))
                .load(conn)?;
                let keys: Vec<i32> = keys.into_iter().map(|key| key.id).collect();
                if super::joins_in_writes() {
                    // MySQL and MariaDB before 11.1 run `DELETE ... WHERE x IN (subquery)` as a
                    // subquery per row of the whole table: a careful hand joins instead.
                    if !keys.is_empty() {
                        let list = keys.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
                        diesel::sql_query(format!(
                            "DELETE bench_comments FROM bench_comments INNER JOIN bench_issues \
                             ON bench_comments.issue_id = bench_issues.id \
                             WHERE bench_comments.deleted_at IS NOT NULL \
                             AND bench_issues.deleted_at IS NOT NULL AND bench_issues.repo_id IN ({list})"
                        ))
                        .execute(conn)?;
                    }
                } else {
                    let issues = bench_issues::table
                        .filter(bench_issues::deleted_at.is_not_null().and(bench_issues::repo_id.eq_any(keys.clone())))
                        .select(bench_issues::id);
                    diesel::delete(bench_comments::table.filter(bench_comments::deleted_at.is_not_null().and(bench_comments::issue_id.eq_any(issues))))
                        .execute(conn)?;
                }
                diesel::delete(bench_issues::table.filter(bench_issues::deleted_at.is_not_null().and(bench_issues::repo_id.eq_any(keys.clone()))))
                    .execute(conn)?;
                diesel::delete(bench_repos::table.filter(bench_repos::id.eq_any(keys.clone())))
                    .execute(conn)?;
                Ok::<_, diesel::result::Error>(keys.len() < BATCH)
            })?;
            if done {
                return Ok(());
            }
        }
    }

    impl crate::report::PurgeRun for Purged {
        fn samples(&self) -> [&[f64]; 2] {
            [&self.crate_purge, &self.sql_purge]
        }

        fn memory(&self) -> Option<crate::memory::Memory> {
            self.memory
        }
    }
}
