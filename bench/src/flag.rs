// The flag tree, included once per backend by `main.rs` next to `run.rs`: the same repo ->
// issues -> comments, with the comments tombstoned by a boolean `is_deleted`, so that an exact
// restore goes through the flag ledger (seed 001's comments). (a) the crate against (b) the same
// changes written by hand, set-based: the flags and the ledger's rows.

mod flag {
    use std::time::Instant;

    use chrono::NaiveDateTime;
    use diesel::dsl::{exists, sql};
    use diesel::prelude::*;
    use diesel::sql_types::{Text, Timestamp};
    use soft_delete_core::{SoftDelete, SupportedBackend};

    use super::{Conn, close, open};
    use crate::Timings;
    use crate::args::Args;

    diesel::table! {
        bench_flag_repos (id) {
            id -> Integer,
            name -> Text,
            deleted_at -> Nullable<Timestamp>,
        }
    }

    diesel::table! {
        bench_flag_issues (id) {
            id -> Integer,
            repo_id -> Integer,
            title -> Text,
            deleted_at -> Nullable<Timestamp>,
        }
    }

    diesel::table! {
        bench_flag_comments (id) {
            id -> Integer,
            issue_id -> Integer,
            body -> Text,
            is_deleted -> Bool,
        }
    }

    diesel::table! {
        soft_delete_flag_stamps (table_name, row_key) {
            table_name -> Text,
            row_key -> Text,
            stamp -> Timestamp,
        }
    }

    diesel::allow_tables_to_appear_in_same_query!(
        bench_flag_repos,
        bench_flag_issues,
        bench_flag_comments,
        soft_delete_flag_stamps
    );

    #[derive(Queryable, Identifiable, SoftDelete)]
    #[diesel(table_name = bench_flag_repos)]
    #[cascade(FlagIssue)]
    pub struct FlagRepo {
        pub id: i32,
        pub name: String,
        pub deleted_at: Option<NaiveDateTime>,
    }

    #[derive(Queryable, Identifiable, Associations, SoftDelete)]
    #[diesel(table_name = bench_flag_issues, belongs_to(FlagRepo, foreign_key = repo_id))]
    #[soft_delete(parent = FlagRepo)]
    #[cascade(FlagComment)]
    pub struct FlagIssue {
        pub id: i32,
        pub repo_id: i32,
        pub title: String,
        pub deleted_at: Option<NaiveDateTime>,
    }

    #[derive(Queryable, Identifiable, Associations, SoftDelete)]
    #[diesel(table_name = bench_flag_comments, belongs_to(FlagIssue, foreign_key = issue_id))]
    #[soft_delete(flag = is_deleted, parent = FlagIssue)]
    pub struct FlagComment {
        pub id: i32,
        pub issue_id: i32,
        pub body: String,
        pub is_deleted: bool,
    }

    const BIG: i32 = 1;
    const SMALL: i32 = 2;
    const COMMENTS: &str = "bench_flag_comments";

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
        for round in 0..args.repeat {
            let mut contenders: [(usize, &str, Operation, Operation); 2] = [
                (0, "the crate", crate_delete, crate_restore),
                (1, "hand-written SQL", sql_delete, sql_restore),
            ];
            // Each works on the tables the one before left: who goes first alternates.
            if round % 2 == 1 {
                contenders.reverse();
            }
            for (index, who, delete, restore) in contenders {
                let (deleting, restoring, after) =
                    measure(&mut conn, args, &pristine, delete, restore);
                let (deletes, restores) = if index == 0 {
                    (&mut timings.crate_delete, &mut timings.crate_restore)
                } else {
                    (&mut timings.sql_delete, &mut timings.sql_restore)
                };
                deletes.push(deleting);
                restores.push(restoring);
                match &tombstoned {
                    Some(first) => {
                        assert_eq!(first, &after, "{who} left other rows than the first");
                    }
                    None => tombstoned = Some(after),
                }
            }
        }
        close(args, &mut conn);
        timings
    }

    type Operation = fn(&mut Conn) -> QueryResult<()>;

    /// Times one contender's delete and restore (after `ANALYZE` with `--analyze`); returns
    /// the tombstoned state in between.
    fn measure(
        conn: &mut Conn,
        args: &Args,
        pristine: &Digest,
        delete: Operation,
        restore: Operation,
    ) -> (f64, f64, Digest) {
        crate::connect::vacuum(conn);
        crate::connect::checkpoint(conn);
        let started = Instant::now();
        delete(conn).expect("delete");
        let deleting = started.elapsed().as_secs_f64();
        let after = digest(conn);
        assert_eq!(after.deleted[0], 1, "the big repo is tombstoned");
        assert_eq!(
            after.ledger, after.deleted[2],
            "one ledger row per flagged comment"
        );
        if args.analyze {
            crate::connect::analyze(conn);
        }
        crate::connect::checkpoint(conn);
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

    /// Live and tombstoned rows per table, the ledger's rows, and the small repo's live rows.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Digest {
        live: [i64; 3],
        deleted: [i64; 3],
        ledger: i64,
        untouched: i64,
    }

    fn digest(conn: &mut Conn) -> Digest {
        let live = [
            FlagRepo::active().count().get_result(conn).unwrap(),
            FlagIssue::active().count().get_result(conn).unwrap(),
            FlagComment::active().count().get_result(conn).unwrap(),
        ];
        let deleted = [
            FlagRepo::only_deleted().count().get_result(conn).unwrap(),
            FlagIssue::only_deleted().count().get_result(conn).unwrap(),
            FlagComment::only_deleted()
                .count()
                .get_result(conn)
                .unwrap(),
        ];
        let ledger = soft_delete_flag_stamps::table
            .filter(soft_delete_flag_stamps::table_name.eq(COMMENTS))
            .count()
            .get_result(conn)
            .unwrap();
        let small_issues = bench_flag_issues::table
            .filter(bench_flag_issues::repo_id.eq(SMALL))
            .select(bench_flag_issues::id);
        let untouched = FlagComment::active()
            .filter(bench_flag_comments::issue_id.eq_any(small_issues))
            .count()
            .get_result(conn)
            .unwrap();
        Digest {
            live,
            deleted,
            ledger,
            untouched,
        }
    }

    /// Repo 1 with `rows / 10` issues of 10 comments each; repo 2 with 10 issues of 10.
    fn populate(conn: &mut Conn, rows: usize) {
        let issues = i32::try_from(rows / 10).expect("rows fit in i32");
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::insert_into(bench_flag_repos::table)
                .values(&vec![
                    (
                        bench_flag_repos::id.eq(BIG),
                        bench_flag_repos::name.eq("big"),
                    ),
                    (
                        bench_flag_repos::id.eq(SMALL),
                        bench_flag_repos::name.eq("small"),
                    ),
                ])
                .execute(conn)?;
            let issue_rows: Vec<_> = (1..=issues + 10)
                .map(|id| {
                    let repo = if id <= issues { BIG } else { SMALL };
                    (
                        bench_flag_issues::id.eq(id),
                        bench_flag_issues::repo_id.eq(repo),
                        bench_flag_issues::title.eq("issue"),
                    )
                })
                .collect();
            for chunk in issue_rows.chunks(1_000) {
                diesel::insert_into(bench_flag_issues::table)
                    .values(chunk)
                    .execute(conn)?;
            }
            let comment_rows: Vec<_> = (1..=(issues + 10) * 10)
                .map(|id| {
                    (
                        bench_flag_comments::id.eq(id),
                        bench_flag_comments::issue_id.eq((id - 1) / 10 + 1),
                        bench_flag_comments::body.eq("comment"),
                        bench_flag_comments::is_deleted.eq(false),
                    )
                })
                .collect();
            for chunk in comment_rows.chunks(1_000) {
                diesel::insert_into(bench_flag_comments::table)
                    .values(chunk)
                    .execute(conn)?;
            }
            Ok(())
        })
        .expect("populate");
    }

    // (a) the crate.

    fn crate_delete(conn: &mut Conn) -> QueryResult<()> {
        FlagRepo::soft_delete(conn, BIG)
            .map(drop)
            .map_err(Into::into)
    }

    fn crate_restore(conn: &mut Conn) -> QueryResult<()> {
        FlagRepo::restore(conn, BIG).map(drop).map_err(Into::into)
    }

    // (b) by hand: the flags and the ledger's rows, one statement per table.

    type Backend = <Conn as Connection>::Backend;

    /// A comment's key as the ledger's text, for this backend.
    fn comment_key() -> diesel::expression::SqlLiteral<Text> {
        sql::<Text>(&comment_key_sql())
    }

    fn comment_key_sql() -> String {
        format!(
            "CAST(bench_flag_comments.id AS {}){}",
            <Backend as SupportedBackend>::TEXT_TYPE,
            <Backend as SupportedBackend>::TEXT_COLLATION
        )
    }

    fn sql_delete(conn: &mut Conn) -> QueryResult<()> {
        let stamp = soft_delete_core::ops::now_stamp();
        conn.transaction(|conn| {
            let live_issues = || {
                bench_flag_issues::table
                    .filter(bench_flag_issues::repo_id.eq(BIG))
                    .filter(bench_flag_issues::deleted_at.is_null())
                    .select(bench_flag_issues::id)
            };
            let live_comments = || {
                bench_flag_comments::table
                    .filter(bench_flag_comments::is_deleted.eq(false))
                    .filter(bench_flag_comments::issue_id.eq_any(live_issues()))
            };
            diesel::insert_into(soft_delete_flag_stamps::table)
                .values(live_comments().select((
                    COMMENTS.into_sql::<Text>(),
                    comment_key(),
                    stamp.into_sql::<Timestamp>(),
                )))
                .into_columns((
                    soft_delete_flag_stamps::table_name,
                    soft_delete_flag_stamps::row_key,
                    soft_delete_flag_stamps::stamp,
                ))
                .execute(conn)?;
            if super::joins_in_writes() {
                diesel::sql_query(format!(
                    "UPDATE bench_flag_comments INNER JOIN bench_flag_issues \
                     ON bench_flag_comments.issue_id = bench_flag_issues.id \
                     SET bench_flag_comments.is_deleted = TRUE \
                     WHERE bench_flag_comments.is_deleted = FALSE \
                     AND bench_flag_issues.repo_id = {BIG} AND bench_flag_issues.deleted_at IS NULL"
                ))
                .execute(conn)?;
            } else {
                diesel::update(live_comments())
                    .set(bench_flag_comments::is_deleted.eq(true))
                    .execute(conn)?;
            }
            diesel::update(
                bench_flag_issues::table
                    .filter(bench_flag_issues::repo_id.eq(BIG))
                    .filter(bench_flag_issues::deleted_at.is_null()),
            )
            .set(bench_flag_issues::deleted_at.eq(stamp))
            .execute(conn)?;
            diesel::update(bench_flag_repos::table.find(BIG))
                .set(bench_flag_repos::deleted_at.eq(stamp))
                .execute(conn)?;
            Ok(())
        })
    }

    fn sql_restore(conn: &mut Conn) -> QueryResult<()> {
        conn.transaction(|conn| {
            let stamp: NaiveDateTime = bench_flag_repos::table
                .find(BIG)
                .select(bench_flag_repos::deleted_at)
                .first::<Option<NaiveDateTime>>(conn)?
                .expect("the repo is tombstoned");
            let hidden_issues = || {
                bench_flag_issues::table
                    .filter(bench_flag_issues::repo_id.eq(BIG))
                    .filter(bench_flag_issues::deleted_at.eq(stamp))
                    .select(bench_flag_issues::id)
            };
            let recorded = exists(
                soft_delete_flag_stamps::table
                    .filter(soft_delete_flag_stamps::table_name.eq(COMMENTS))
                    .filter(soft_delete_flag_stamps::row_key.eq(comment_key()))
                    .filter(soft_delete_flag_stamps::stamp.eq(stamp)),
            );
            if super::joins_in_writes() {
                diesel::sql_query(format!(
                    "UPDATE bench_flag_comments INNER JOIN bench_flag_issues \
                     ON bench_flag_comments.issue_id = bench_flag_issues.id \
                     SET bench_flag_comments.is_deleted = FALSE \
                     WHERE bench_flag_comments.is_deleted = TRUE \
                     AND bench_flag_issues.repo_id = {BIG} AND bench_flag_issues.deleted_at = ? \
                     AND EXISTS (SELECT 1 FROM soft_delete_flag_stamps \
                         WHERE soft_delete_flag_stamps.table_name = '{COMMENTS}' \
                         AND soft_delete_flag_stamps.row_key = {key} \
                         AND soft_delete_flag_stamps.stamp = ?)",
                    key = comment_key_sql()
                ))
                .bind::<Timestamp, _>(stamp)
                .bind::<Timestamp, _>(stamp)
                .execute(conn)?;
            } else {
                diesel::update(
                    bench_flag_comments::table
                        .filter(bench_flag_comments::is_deleted.eq(true))
                        .filter(bench_flag_comments::issue_id.eq_any(hidden_issues()))
                        .filter(recorded),
                )
                .set(bench_flag_comments::is_deleted.eq(false))
                .execute(conn)?;
            }
            if super::joins_in_writes() {
                // MySQL and MariaDB run `DELETE ... WHERE x IN (subquery)` once per ledger row:
                // a careful person joins instead.
                diesel::sql_query(format!(
                    "DELETE l FROM soft_delete_flag_stamps AS l INNER JOIN (
                         SELECT {key} AS k FROM bench_flag_comments
                         WHERE is_deleted = FALSE AND issue_id IN (
                             SELECT id FROM bench_flag_issues WHERE repo_id = {BIG} AND deleted_at = ?)
                     ) AS r ON l.row_key = r.k
                     WHERE l.table_name = '{COMMENTS}' AND l.stamp = ?",
                    key = comment_key_sql()
                ))
                .bind::<Timestamp, _>(stamp)
                .bind::<Timestamp, _>(stamp)
                .execute(conn)?;
            } else if <Backend as SupportedBackend>::KEYS_AS_ARRAY {
                // PostgreSQL may plan `IN (subquery)` over a ledger without statistics as a
                // nested loop that runs the subquery once per ledger row: a careful person
                // reads the keys once, into an array (Diesel has no DSL for it).
                diesel::sql_query(format!(
                    "DELETE FROM soft_delete_flag_stamps
                     WHERE table_name = '{COMMENTS}' AND stamp = $1 AND row_key = ANY(ARRAY(
                         SELECT {key} FROM bench_flag_comments
                         WHERE is_deleted = FALSE AND issue_id IN (
                             SELECT id FROM bench_flag_issues WHERE repo_id = {BIG} AND deleted_at = $2)))",
                    key = comment_key_sql()
                ))
                .bind::<Timestamp, _>(stamp)
                .bind::<Timestamp, _>(stamp)
                .execute(conn)?;
            } else {
                let revived = bench_flag_comments::table
                    .filter(bench_flag_comments::is_deleted.eq(false))
                    .filter(bench_flag_comments::issue_id.eq_any(hidden_issues()))
                    .select(comment_key());
                diesel::delete(
                    soft_delete_flag_stamps::table
                        .filter(soft_delete_flag_stamps::table_name.eq(COMMENTS))
                        .filter(soft_delete_flag_stamps::stamp.eq(stamp))
                        .filter(soft_delete_flag_stamps::row_key.eq_any(revived)),
                )
                .execute(conn)?;
            }
            diesel::update(
                bench_flag_issues::table
                    .filter(bench_flag_issues::repo_id.eq(BIG))
                    .filter(bench_flag_issues::deleted_at.eq(stamp)),
            )
            .set(bench_flag_issues::deleted_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
            diesel::update(bench_flag_repos::table.find(BIG))
                .set(bench_flag_repos::deleted_at.eq(None::<NaiveDateTime>))
                .execute(conn)?;
            Ok(())
        })
    }
}
