// The benchmark bodies, included once per backend by `main.rs` inside a module that defines
// `type Conn`, `fn open(&Args) -> Conn` and `fn close(&mut Conn)`.

use std::time::Instant;

use chrono::NaiveDateTime;
use diesel::dsl::{count, max};
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

use crate::args::Contender;

diesel::table! {
    bench_repos (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bench_issues (id) {
        id -> Integer,
        repo_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bench_comments (id) {
        id -> Integer,
        issue_id -> Integer,
        body -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(bench_repos, bench_issues, bench_comments);

#[derive(Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = bench_repos)]
#[cascade(Issue)]
pub struct Repo {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = bench_issues, belongs_to(Repo, foreign_key = repo_id))]
#[soft_delete(parent = Repo)]
#[cascade(Comment)]
pub struct Issue {
    pub id: i32,
    pub repo_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = bench_comments, belongs_to(Issue, foreign_key = issue_id))]
#[soft_delete(parent = Issue)]
pub struct Comment {
    pub id: i32,
    pub issue_id: i32,
    pub body: String,
    pub deleted_at: Option<NaiveDateTime>,
}

/// The repo every contender deletes and restores.
const BIG: i32 = 1;
/// A repo that must come out of every run untouched.
const SMALL: i32 = 2;

pub(crate) fn run(args: &Args) -> Timings {
    let mut conn = open(args);
    populate(&mut conn, args.rows);
    let pristine = digest(&mut conn);
    assert_eq!(
        pristine.deleted,
        [0, 0, 0],
        "a fresh tree has no tombstones"
    );
    let mut timings = Timings::default();
    let mut tombstoned = None;
    for _ in 0..args.repeat {
        let (delete, restore, after) = measure(&mut conn, &pristine, crate_delete, crate_restore);
        timings.crate_delete.push(delete);
        timings.crate_restore.push(restore);
        same(&mut tombstoned, after, "the crate");
        let (delete, restore, after) = measure(&mut conn, &pristine, sql_delete, sql_restore);
        timings.sql_delete.push(delete);
        timings.sql_restore.push(restore);
        same(&mut tombstoned, after, "hand-written SQL");
        if args.rowwise {
            let (delete, restore, after) =
                measure(&mut conn, &pristine, rowwise_delete, rowwise_restore);
            timings.rowwise_delete.push(delete);
            timings.rowwise_restore.push(restore);
            same(&mut tombstoned, after, "the row-by-row loop");
        }
    }
    if args.memory {
        timings.memory = crate::memory::in_fresh_process(args, Contender::Crate);
        assert_eq!(
            digest(&mut conn),
            pristine,
            "the crate's probe left the tree as it found it"
        );
        timings.memory_sql = crate::memory::in_fresh_process(args, Contender::Sql);
        assert_eq!(
            digest(&mut conn),
            pristine,
            "the SQL probe left the tree as it found it"
        );
    }
    close(args, &mut conn);
    timings
}

/// The memory probe: in a process of its own that has built nothing, on the tables the
/// benchmark made, one delete and restore of `contender`, with the resident set as it starts
/// and the peak while it runs.
/// It reads nothing else (the benchmark checks the tables before and after), so nothing but
/// the operation fills the connection's caches.
pub(crate) fn probe(args: &Args, contender: Contender) -> Option<crate::memory::Memory> {
    let mut conn = open(args);
    let (delete, restore): (
        fn(&mut Conn) -> QueryResult<()>,
        fn(&mut Conn) -> QueryResult<()>,
    ) = match contender {
        Contender::Crate => (crate_delete, crate_restore),
        Contender::Sql => (sql_delete, sql_restore),
    };
    memory_of(&mut conn, delete, restore)
}

/// Times one contender's delete and restore; returns the tombstoned state in between.
fn measure(
    conn: &mut Conn,
    pristine: &Digest,
    delete: impl FnOnce(&mut Conn) -> QueryResult<()>,
    restore: impl FnOnce(&mut Conn) -> QueryResult<()>,
) -> (f64, f64, Digest) {
    let started = Instant::now();
    delete(conn).expect("delete");
    let deleting = started.elapsed().as_secs_f64();
    let after = digest(conn);
    let started = Instant::now();
    restore(conn).expect("restore");
    let restoring = started.elapsed().as_secs_f64();
    assert_eq!(
        &digest(conn),
        pristine,
        "a restore brings back exactly the pristine tree"
    );
    (deleting, restoring, after)
}

/// Asserts every contender leaves the same tombstoned state.
fn same(first: &mut Option<Digest>, now: Digest, who: &str) {
    assert_eq!(
        now.deleted,
        [1, rows_of_issues(&now), now.deleted[2]],
        "{who}"
    );
    assert_eq!(now.stamps, 1, "{who}: one stamp for the whole delete");
    match first {
        Some(first) => assert_eq!(
            *first, now,
            "{who} left other table contents than the crate"
        ),
        None => *first = Some(now),
    }
}

fn rows_of_issues(digest: &Digest) -> i64 {
    digest.deleted[1]
}

/// What a run leaves: live and tombstoned rows per table, distinct stamps across the tree,
/// and the live rows under the repo that must stay untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Digest {
    live: [i64; 3],
    deleted: [i64; 3],
    stamps: usize,
    untouched: [i64; 2],
}

fn digest(conn: &mut Conn) -> Digest {
    let live = [
        Repo::active().count().get_result(conn).unwrap(),
        Issue::active().count().get_result(conn).unwrap(),
        Comment::active().count().get_result(conn).unwrap(),
    ];
    let deleted = [
        Repo::only_deleted().count().get_result(conn).unwrap(),
        Issue::only_deleted().count().get_result(conn).unwrap(),
        Comment::only_deleted().count().get_result(conn).unwrap(),
    ];
    let mut stamps: Vec<Option<NaiveDateTime>> = vec![
        bench_repos::table
            .select(max(bench_repos::deleted_at))
            .first(conn)
            .unwrap(),
        bench_issues::table
            .select(max(bench_issues::deleted_at))
            .first(conn)
            .unwrap(),
        bench_comments::table
            .select(max(bench_comments::deleted_at))
            .first(conn)
            .unwrap(),
    ];
    let distinct: [i64; 3] = [
        bench_repos::table
            .select(count(bench_repos::deleted_at).aggregate_distinct())
            .first(conn)
            .unwrap(),
        bench_issues::table
            .select(count(bench_issues::deleted_at).aggregate_distinct())
            .first(conn)
            .unwrap(),
        bench_comments::table
            .select(count(bench_comments::deleted_at).aggregate_distinct())
            .first(conn)
            .unwrap(),
    ];
    stamps.retain(Option::is_some);
    stamps.dedup();
    let stamps = if distinct.iter().all(|count| *count <= 1) {
        stamps.len()
    } else {
        usize::MAX
    };
    let untouched = [
        Issue::active()
            .filter(bench_issues::repo_id.eq(SMALL))
            .count()
            .get_result(conn)
            .unwrap(),
        Comment::active()
            .filter(
                bench_comments::issue_id.eq_any(
                    bench_issues::table
                        .filter(bench_issues::repo_id.eq(SMALL))
                        .select(bench_issues::id),
                ),
            )
            .count()
            .get_result(conn)
            .unwrap(),
    ];
    Digest {
        live,
        deleted,
        stamps,
        untouched,
    }
}

/// Repo 1 with `rows / 10` issues of 10 comments each; repo 2 with 10 issues of 10 comments.
fn populate(conn: &mut Conn, rows: usize) {
    let issues = i32::try_from(rows / 10).expect("rows fit in i32");
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        diesel::insert_into(bench_repos::table)
            .values(&vec![
                (bench_repos::id.eq(BIG), bench_repos::name.eq("big")),
                (bench_repos::id.eq(SMALL), bench_repos::name.eq("small")),
            ])
            .execute(conn)?;
        let issue_rows: Vec<_> = (1..=issues + 10)
            .map(|id| {
                let repo = if id <= issues { BIG } else { SMALL };
                (
                    bench_issues::id.eq(id),
                    bench_issues::repo_id.eq(repo),
                    bench_issues::title.eq("issue"),
                )
            })
            .collect();
        for chunk in issue_rows.chunks(1_000) {
            diesel::insert_into(bench_issues::table)
                .values(chunk)
                .execute(conn)?;
        }
        let comment_rows: Vec<_> = (1..=(issues + 10) * 10)
            .map(|id| {
                (
                    bench_comments::id.eq(id),
                    bench_comments::issue_id.eq((id - 1) / 10 + 1),
                    bench_comments::body.eq("comment"),
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

// (a) the crate.

fn crate_delete(conn: &mut Conn) -> QueryResult<()> {
    Repo::soft_delete(conn, BIG).map(drop).map_err(Into::into)
}

fn crate_restore(conn: &mut Conn) -> QueryResult<()> {
    Repo::restore(conn, BIG).map(drop).map_err(Into::into)
}

// (b) hand-written set-based SQL: the same changes, the way a careful person writes them.

/// Whether the hand-written SQL joins a child table's update to its parents: MySQL and
/// MariaDB before 11.1 run `UPDATE ... WHERE x IN (subquery)` as a subquery per row of the
/// whole table, so a careful person who met that joins (Diesel has no DSL for it), as the
/// crate does there.
fn joins_in_writes() -> bool {
    <<Conn as Connection>::Backend as soft_delete_core::SupportedBackend>::JOIN_IN_WRITES
}

/// By hand: tombstones at `stamp` the live comments under repo `repo`'s issues that are live
/// (`issues_at` `None`) or tombstoned at `issues_at`, joined to the issues where the backend
/// needs it.
fn hide_comments(
    conn: &mut Conn,
    repo: i32,
    issues_at: Option<NaiveDateTime>,
    stamp: NaiveDateTime,
) -> QueryResult<usize> {
    use diesel::sql_types::Timestamp;
    if joins_in_writes() {
        let issues = if issues_at.is_some() {
            "= ?"
        } else {
            "IS NULL"
        };
        let mut query = diesel::sql_query(format!(
            "UPDATE bench_comments INNER JOIN bench_issues \
             ON bench_comments.issue_id = bench_issues.id \
             SET bench_comments.deleted_at = ? WHERE bench_comments.deleted_at IS NULL \
             AND bench_issues.repo_id = {repo} AND bench_issues.deleted_at {issues}"
        ))
        .into_boxed()
        .bind::<Timestamp, _>(stamp);
        if let Some(at) = issues_at {
            query = query.bind::<Timestamp, _>(at);
        }
        return query.execute(conn);
    }
    let mut issues = bench_issues::table
        .filter(bench_issues::repo_id.eq(repo))
        .select(bench_issues::id)
        .into_boxed();
    issues = match issues_at {
        Some(at) => issues.filter(bench_issues::deleted_at.eq(at)),
        None => issues.filter(bench_issues::deleted_at.is_null()),
    };
    diesel::update(
        bench_comments::table.filter(
            bench_comments::deleted_at
                .is_null()
                .and(bench_comments::issue_id.eq_any(issues)),
        ),
    )
    .set(bench_comments::deleted_at.eq(stamp))
    .execute(conn)
}

fn sql_delete(conn: &mut Conn) -> QueryResult<()> {
    let stamp = soft_delete_core::ops::now_stamp();
    conn.transaction(|conn| {
        hide_comments(conn, BIG, None, stamp)?;
        diesel::update(
            bench_issues::table.filter(
                bench_issues::repo_id
                    .eq(BIG)
                    .and(bench_issues::deleted_at.is_null()),
            ),
        )
        .set(bench_issues::deleted_at.eq(stamp))
        .execute(conn)?;
        diesel::update(
            bench_repos::table.filter(
                bench_repos::id
                    .eq(BIG)
                    .and(bench_repos::deleted_at.is_null()),
            ),
        )
        .set(bench_repos::deleted_at.eq(stamp))
        .execute(conn)?;
        Ok(())
    })
}

/// By hand: revives the comments hidden at `stamp` under repo `repo`'s issues hidden at the
/// same stamp, joined to the issues where the backend needs it.
fn revive_comments(conn: &mut Conn, repo: i32, stamp: Option<NaiveDateTime>) -> QueryResult<usize> {
    if joins_in_writes() {
        return diesel::sql_query(format!(
            "UPDATE bench_comments INNER JOIN bench_issues \
             ON bench_comments.issue_id = bench_issues.id \
             SET bench_comments.deleted_at = NULL WHERE bench_comments.deleted_at = ? \
             AND bench_issues.repo_id = {repo} AND bench_issues.deleted_at = ?"
        ))
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>, _>(stamp)
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>, _>(stamp)
        .execute(conn);
    }
    let hidden_issues = bench_issues::table
        .filter(
            bench_issues::repo_id
                .eq(repo)
                .and(bench_issues::deleted_at.eq(stamp)),
        )
        .select(bench_issues::id);
    diesel::update(
        bench_comments::table.filter(
            bench_comments::deleted_at
                .eq(stamp)
                .and(bench_comments::issue_id.eq_any(hidden_issues)),
        ),
    )
    .set(bench_comments::deleted_at.eq(None::<NaiveDateTime>))
    .execute(conn)
}

fn sql_restore(conn: &mut Conn) -> QueryResult<()> {
    conn.transaction(|conn| {
        let stamp: Option<NaiveDateTime> = bench_repos::table
            .find(BIG)
            .select(bench_repos::deleted_at)
            .first(conn)?;
        revive_comments(conn, BIG, stamp)?;
        diesel::update(
            bench_issues::table.filter(
                bench_issues::repo_id
                    .eq(BIG)
                    .and(bench_issues::deleted_at.eq(stamp)),
            ),
        )
        .set(bench_issues::deleted_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
        diesel::update(bench_repos::table.find(BIG))
            .set(bench_repos::deleted_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
        Ok(())
    })
}

// (c) row by row: load the child keys, update each row on its own.

fn rowwise_delete(conn: &mut Conn) -> QueryResult<()> {
    let stamp = soft_delete_core::ops::now_stamp();
    conn.transaction(|conn| {
        let issues: Vec<i32> = bench_issues::table
            .filter(
                bench_issues::repo_id
                    .eq(BIG)
                    .and(bench_issues::deleted_at.is_null()),
            )
            .select(bench_issues::id)
            .load(conn)?;
        for issue in issues {
            let comments: Vec<i32> = bench_comments::table
                .filter(
                    bench_comments::issue_id
                        .eq(issue)
                        .and(bench_comments::deleted_at.is_null()),
                )
                .select(bench_comments::id)
                .load(conn)?;
            for comment in comments {
                diesel::update(bench_comments::table.find(comment))
                    .set(bench_comments::deleted_at.eq(stamp))
                    .execute(conn)?;
            }
            diesel::update(bench_issues::table.find(issue))
                .set(bench_issues::deleted_at.eq(stamp))
                .execute(conn)?;
        }
        diesel::update(bench_repos::table.find(BIG))
            .set(bench_repos::deleted_at.eq(stamp))
            .execute(conn)?;
        Ok(())
    })
}

fn rowwise_restore(conn: &mut Conn) -> QueryResult<()> {
    conn.transaction(|conn| {
        let stamp: Option<NaiveDateTime> = bench_repos::table
            .find(BIG)
            .select(bench_repos::deleted_at)
            .first(conn)?;
        let issues: Vec<i32> = bench_issues::table
            .filter(
                bench_issues::repo_id
                    .eq(BIG)
                    .and(bench_issues::deleted_at.eq(stamp)),
            )
            .select(bench_issues::id)
            .load(conn)?;
        for issue in issues {
            let comments: Vec<i32> = bench_comments::table
                .filter(
                    bench_comments::issue_id
                        .eq(issue)
                        .and(bench_comments::deleted_at.eq(stamp)),
                )
                .select(bench_comments::id)
                .load(conn)?;
            for comment in comments {
                diesel::update(bench_comments::table.find(comment))
                    .set(bench_comments::deleted_at.eq(None::<NaiveDateTime>))
                    .execute(conn)?;
            }
            diesel::update(bench_issues::table.find(issue))
                .set(bench_issues::deleted_at.eq(None::<NaiveDateTime>))
                .execute(conn)?;
        }
        diesel::update(bench_repos::table.find(BIG))
            .set(bench_repos::deleted_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
        Ok(())
    })
}

/// Memory of one delete and restore: at the start, and the peak while it runs.
fn memory_of(
    conn: &mut Conn,
    delete: fn(&mut Conn) -> QueryResult<()>,
    restore: fn(&mut Conn) -> QueryResult<()>,
) -> Option<crate::memory::Memory> {
    let (done, reading) =
        crate::memory::Memory::around(|| delete(conn).and_then(|()| restore(conn)));
    done.expect("delete and restore");
    reading
}
