//! The operations: soft delete, restore, bulk soft delete. Each runs in one transaction (a
//! savepoint when the caller already has one open) and returns a [`Report`].
//!
//! Models reach these through the functions the derive adds (`Repo::soft_delete(conn, id)`);
//! generic code can call them directly.

use chrono::{NaiveDateTime, Timelike, Utc};
use diesel::RunQueryDsl;
use diesel::backend::Backend;
use diesel::connection::LoadConnection;
use diesel::expression::{AppearsOnTable, Expression};
use diesel::query_builder::QueryFragment;
use diesel::sql_types::BoolOrNullableBool;

use crate::backend::{Assignment, SoftDeleteOn, SupportedBackend};
use crate::error::{Error, Result};
use crate::model::{ActorOf, SoftDelete};
use crate::report::{Operation, Outcome, Report, TableChange};
use crate::sql::{Fragment, Statement};

/// The current time in UTC, cut to whole microseconds: the finest precision PostgreSQL and
/// MySQL `DATETIME(6)` store, so a stamp read back equals the stamp written.
///
/// ```
/// use chrono::Timelike;
///
/// let stamp = soft_delete_core::ops::now_stamp();
/// assert_eq!(stamp.nanosecond() % 1_000, 0);
/// ```
#[must_use]
pub fn now_stamp() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    let micros = now.nanosecond() / 1_000 * 1_000;
    now.with_nanosecond(micros).unwrap_or(now)
}

/// Soft deletes the row of `M` whose key is `id`, recording `actor` when `M` has an actor
/// column (and writing `NULL` there when `actor` is `None`).
///
/// A row that is already tombstoned is left as it is, stamp and actor included, and the report
/// says [`Outcome::AlreadyDeleted`]. A key no row has is [`Error::NotFound`].
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Outcome, ops};
///
/// # let conn = &mut fixture();
/// let report = ops::soft_delete::<Repo, _>(conn, 1, Some(7))?;
/// assert_eq!(report.outcome, Outcome::Changed);
/// assert_eq!(report.rows_in("repos"), 1);
///
/// let again = ops::soft_delete::<Repo, _>(conn, 1, None)?;
/// assert_eq!(again.outcome, Outcome::AlreadyDeleted);
///
/// assert!(ops::soft_delete::<Repo, _>(conn, 404, None).unwrap_err().is_not_found());
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn soft_delete<M, C>(conn: &mut C, id: M::Id, actor: Option<ActorOf<M>>) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let stamp = now_stamp();
    conn.transaction(|conn| {
        let mut set = vec![M::set_deleted(stamp)];
        set.extend(M::set_actor(actor));
        let rows =
            update::<M, C::Backend>(set, M::key_is(id.clone()), M::active()).execute(conn)?;
        if rows > 0 {
            return Ok(changed::<M>(Operation::SoftDelete, stamp, rows));
        }
        ensure_exists::<M, C>(conn, id)?;
        Ok(unchanged(
            Operation::SoftDelete,
            Outcome::AlreadyDeleted,
            stamp,
        ))
    })
}

/// Restores the row of `M` whose key is `id`: clears its tombstone and its actor.
///
/// A live row is left as it is and the report says [`Outcome::AlreadyActive`]. A key no row
/// has is [`Error::NotFound`].
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Outcome, ops};
///
/// # let conn = &mut fixture();
/// let report = ops::restore::<Repo, _>(conn, 3)?;
/// assert_eq!(report.outcome, Outcome::Changed);
///
/// let again = ops::restore::<Repo, _>(conn, 3)?;
/// assert_eq!(again.outcome, Outcome::AlreadyActive);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn restore<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let stamp = now_stamp();
    conn.transaction(|conn| {
        let mut set = vec![M::set_active()];
        set.extend(M::set_actor(None));
        let rows =
            update::<M, C::Backend>(set, M::key_is(id.clone()), M::deleted()).execute(conn)?;
        if rows > 0 {
            return Ok(changed::<M>(Operation::Restore, stamp, rows));
        }
        ensure_exists::<M, C>(conn, id)?;
        Ok(unchanged(Operation::Restore, Outcome::AlreadyActive, stamp))
    })
}

/// Soft deletes every live row of `M` that `predicate` selects, in one statement.
///
/// There is no form without a predicate, so a whole table is never tombstoned by accident;
/// to mean "every row", say so with a predicate that reads that way. Rows the predicate selects
/// that are already tombstoned keep their stamp and are not counted.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
/// use soft_delete_core::ops;
///
/// # let conn = &mut fixture();
/// let report = ops::soft_delete_where::<Repo, _, _>(conn, repos::slug.like("demo-%"), None)?;
/// assert_eq!(report.rows_in("repos"), 2);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn soft_delete_where<M, C, P>(
    conn: &mut C,
    predicate: P,
    actor: Option<ActorOf<M>>,
) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
    P: Expression + AppearsOnTable<M::Table> + QueryFragment<C::Backend>,
    P::SqlType: BoolOrNullableBool,
{
    let stamp = now_stamp();
    let predicate: Fragment<'_, C::Backend> = Box::new(
        Statement::new()
            .sql("(")
            .fragment(Box::new(predicate))
            .sql(")"),
    );
    conn.transaction(|conn| {
        let mut set = vec![M::set_deleted(stamp)];
        set.extend(M::set_actor(actor));
        let rows = update::<M, C::Backend>(set, predicate, M::active()).execute(conn)?;
        if rows > 0 {
            Ok(changed::<M>(Operation::SoftDelete, stamp, rows))
        } else {
            Ok(unchanged(
                Operation::SoftDelete,
                Outcome::NothingMatched,
                stamp,
            ))
        }
    })
}

/// `UPDATE table SET assignments WHERE target AND state`.
fn update<'a, M, DB>(
    assignments: Vec<Assignment<'a, DB>>,
    target: Fragment<'a, DB>,
    state: Fragment<'a, DB>,
) -> Statement<'a, DB>
where
    DB: Backend + 'static,
    M: SoftDeleteOn<DB>,
{
    let mut statement = Statement::new()
        .sql("UPDATE ")
        .fragment(M::table())
        .sql(" SET ");
    for (index, assignment) in assignments.into_iter().enumerate() {
        if index > 0 {
            statement = statement.sql(", ");
        }
        statement = statement
            .ident(assignment.column)
            .sql(" = ")
            .fragment(assignment.value);
    }
    statement
        .sql(" WHERE ")
        .fragment(target)
        .sql(" AND ")
        .fragment(state)
}

/// [`Error::NotFound`] unless a row of `M`, live or not, has the key `id`.
fn ensure_exists<M, C>(conn: &mut C, id: M::Id) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let key = format!("{id:?}");
    let found = <C::Backend as SupportedBackend>::count_rows(conn, M::table(), M::key_is(id))?;
    if found > 0 {
        Ok(())
    } else {
        Err(Error::NotFound {
            table: M::TABLE,
            key,
        })
    }
}

fn changed<M: SoftDelete>(operation: Operation, stamp: NaiveDateTime, rows: usize) -> Report {
    Report {
        operation,
        outcome: Outcome::Changed,
        stamp,
        changes: vec![TableChange {
            table: M::TABLE,
            rows,
        }],
    }
}

fn unchanged(operation: Operation, outcome: Outcome, stamp: NaiveDateTime) -> Report {
    Report {
        operation,
        outcome,
        stamp,
        changes: Vec::new(),
    }
}
