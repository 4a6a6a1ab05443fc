//! The operations: soft delete, restore, bulk soft delete, restore with ancestors. Each runs
//! in one transaction (a savepoint when the caller already has one open), walks the model's
//! cascade graph one statement per edge, and returns a [`Report`].
//!
//! Models reach these through the functions the derive adds (`Repo::soft_delete(conn, id)`);
//! generic code can call them directly.

use std::borrow::Cow;

use chrono::{NaiveDateTime, Timelike, Utc};
use diesel::RunQueryDsl;
use diesel::connection::LoadConnection;
use diesel::expression::{AppearsOnTable, Expression};
use diesel::query_builder::QueryFragment;
use diesel::sql_types::BoolOrNullableBool;

use crate::backend::{Found, SoftDeleteOn, SupportedBackend};
use crate::cascade::{Phase, RestoreUp, Walk, visit};
use crate::error::{Error, Result};
use crate::hooks::{Hooks, Intent};
use crate::model::{ActorOf, SoftDelete};
use crate::report::{Operation, Outcome, Report, TableChange};
use crate::rowset::{Root, RowSet, State};
use crate::sql::Statement;

/// The current time in UTC, cut to whole microseconds: the finest precision PostgreSQL and
/// MySQL `DATETIME(6)` store, so a stamp read back from such a column equals the stamp
/// written. (A column with less precision, such as MySQL's plain `DATETIME`, rounds it.)
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

/// Soft deletes the row of `M` whose key is `id` and everything its cascade reaches,
/// recording `actor` wherever a row has an actor column (and `NULL` there when `actor` is
/// `None`).
///
/// A row that is already tombstoned is left as it is, stamp and actor included, and the report
/// says [`Outcome::AlreadyDeleted`]. A key no row has is [`Error::NotFound`]; a restricting
/// edge with live rows is [`Error::Restricted`]. Either way nothing changes.
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
    soft_delete_with_hooks::<M, C>(conn, id, actor, &mut Hooks::new())
}

/// [`soft_delete`], running `hooks` inside its transaction: the `before` hooks once the row is
/// locked, the `after` hooks with the report. An error from a hook rolls everything back.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::SqliteConnection;
/// use soft_delete_core::{Hooks, Operation, ops};
///
/// # let conn = &mut fixture();
/// let mut seen = Vec::new();
/// let mut hooks = Hooks::new().after(|_: &mut SqliteConnection, report| {
///     seen.push((report.operation, report.total_rows()));
///     Ok(())
/// });
/// ops::soft_delete_with_hooks::<Repo, _>(conn, 1, None, &mut hooks)?;
/// drop(hooks);
/// assert_eq!(seen, [(Operation::SoftDelete, 1)]);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn soft_delete_with_hooks<M, C>(
    conn: &mut C,
    id: M::Id,
    actor: Option<ActorOf<M>>,
    hooks: &mut Hooks<'_, C>,
) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let target = M::key_is(id.clone());
    tombstone::<M, C>(conn, &*target, actor, Some(id), hooks)
}

/// Soft deletes every live row of `M` that `predicate` selects, and everything their cascade
/// reaches: one statement per edge, whatever the number of rows.
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
    let mut target = Statement::new();
    target.push(predicate);
    tombstone::<M, C>(conn, &target, actor, None, &mut Hooks::new())
}

/// The soft delete of the rows `target` selects; `id` when it is one row by key.
fn tombstone<M, C>(
    conn: &mut C,
    target: &dyn QueryFragment<C::Backend>,
    actor: Option<ActorOf<M>>,
    id: Option<M::Id>,
    hooks: &mut Hooks<'_, C>,
) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let stamp = now_stamp();
    conn.transaction(|conn| {
        // Lock the rows first: a concurrent delete or restore of them waits, then finds them
        // in their new state; writers that took `lock_live` finish first.
        lock::<M, C>(conn, target, State::Live)?;
        hooks.run_before(conn, || {
            let target = id.as_ref().map_or_else(
                || "rows matching a predicate".to_owned(),
                |id| format!("{id:?}"),
            );
            Intent::new(Operation::SoftDelete, M::TABLE, target)
        })?;
        let report = tombstone_locked::<M, C>(conn, target, actor, id, stamp)?;
        hooks.run_after(conn, &report)?;
        Ok(report)
    })
}

/// The soft delete itself, once the rows are locked.
fn tombstone_locked<M, C>(
    conn: &mut C,
    target: &dyn QueryFragment<C::Backend>,
    actor: Option<ActorOf<M>>,
    id: Option<M::Id>,
    stamp: NaiveDateTime,
) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let root = Root::<M, C::Backend>::new(target, State::Live);
    let mut walk = Walk::new(stamp, actor.map(M::actor));
    M::cascade(conn, &root, &mut walk, Phase::Check, true)?;
    let edges = |conn: &mut C,
                 set: &dyn RowSet<C::Backend>,
                 walk: &mut Walk<'_, C::Backend>,
                 phase: Phase| { M::cascade(conn, set, walk, phase, true) };
    let rows = visit::<M, C>(conn, &root, &mut walk, Phase::Delete, &edges)?;
    if rows > 0 {
        return Ok(changed::<M>(
            Operation::SoftDelete,
            stamp,
            rows,
            walk.changes,
        ));
    }
    match id {
        Some(id) => {
            ensure_exists::<M, C>(conn, id)?;
            Ok(unchanged(
                Operation::SoftDelete,
                Outcome::AlreadyDeleted,
                stamp,
            ))
        }
        None => Ok(unchanged(
            Operation::SoftDelete,
            Outcome::NothingMatched,
            stamp,
        )),
    }
}

/// Restores the row of `M` whose key is `id`, and exactly what the operation that tombstoned
/// it hid with it: descendants tombstoned on their own, before or after, stay tombstoned. So
/// does a descendant whose other parent another operation has tombstoned since (it would be
/// live under a tombstoned row): it keeps its stamp, and comes back with its own restore.
///
/// A live row is left as it is ([`Outcome::AlreadyActive`]); a key no row has is
/// [`Error::NotFound`]; a row whose parent is still tombstoned is [`Error::ParentDeleted`]
/// (see [`restore_with_ancestors`]). Either way nothing changes.
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
    restore_with_hooks::<M, C>(conn, id, &mut Hooks::new())
}

/// [`restore`], running `hooks` inside its transaction: the `before` hooks once the row is
/// locked, the `after` hooks with the report.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::SqliteConnection;
/// use soft_delete_core::{Error, Hooks, ops};
///
/// # let conn = &mut fixture();
/// let mut hooks = Hooks::new().after(|_: &mut SqliteConnection, _| Err(Error::hook("no")));
/// let refused = ops::restore_with_hooks::<Repo, _>(conn, 3, &mut hooks);
/// assert!(matches!(refused, Err(Error::Hook(_))));
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn restore_with_hooks<M, C>(conn: &mut C, id: M::Id, hooks: &mut Hooks<'_, C>) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let now = now_stamp();
    conn.transaction(|conn| {
        // A locking read: a concurrent delete or restore of the row finishes first, and the
        // stamp read is the latest committed one whatever this transaction's snapshot.
        let for_update = <C::Backend as SupportedBackend>::FOR_UPDATE;
        let found = M::find(conn, id.clone(), for_update)?;
        if found == Found::Missing {
            return Err(not_found::<M>(&id));
        }
        hooks.run_before(conn, || {
            Intent::new(Operation::Restore, M::TABLE, format!("{id:?}"))
        })?;
        let Found::Deleted(undone) = found else {
            let report = unchanged(Operation::Restore, Outcome::AlreadyActive, now);
            hooks.run_after(conn, &report)?;
            return Ok(report);
        };
        M::check_parents(conn, &id)?;
        let target = M::key_is(id);
        let root = Root::<M, C::Backend>::new(&*target, State::Deleted);
        // Without the stamp of the delete (a flag set outside this crate), only the row itself
        // can be told apart, so only the row is restored.
        let mut walk = Walk::new(undone.unwrap_or(now), None);
        let edges = |conn: &mut C,
                     set: &dyn RowSet<C::Backend>,
                     walk: &mut Walk<'_, C::Backend>,
                     phase: Phase| {
            if undone.is_some() {
                M::cascade(conn, set, walk, phase, true)
            } else {
                Ok(())
            }
        };
        let rows = visit::<M, C>(conn, &root, &mut walk, Phase::Restore, &edges)?;
        let report = changed::<M>(Operation::Restore, now, rows, walk.changes);
        hooks.run_after(conn, &report)?;
        Ok(report)
    })
}

/// Restores the row of `M` whose key is `id` after restoring, the same way, every tombstoned
/// ancestor it hangs off (its parents, their parents, ...). The report adds up everything
/// restored, the row's own table first.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Outcome, ops};
///
/// # let conn = &mut fixture();
/// let report = ops::restore_with_ancestors::<Repo, _>(conn, 3)?;
/// assert_eq!(report.outcome, Outcome::Changed);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn restore_with_ancestors<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: RestoreUp<C::Backend>,
{
    // How deep the climb is on this thread: a cycle in the data would otherwise climb forever.
    thread_local!(static CLIMB: core::cell::Cell<usize> = const { core::cell::Cell::new(0) });
    const DEEPEST: usize = 512;
    let depth = CLIMB.with(|climb| climb.replace(climb.get() + 1));
    let result = if depth >= DEEPEST {
        Err(Error::AncestryCycle {
            table: M::TABLE,
            key: format!("{id:?}"),
        })
    } else {
        climb_and_restore::<M, C>(conn, id)
    };
    CLIMB.with(|climb| climb.set(depth));
    result
}

fn climb_and_restore<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: RestoreUp<C::Backend>,
{
    conn.transaction(|conn| {
        match M::find(
            conn,
            id.clone(),
            <C::Backend as SupportedBackend>::FOR_UPDATE,
        )? {
            Found::Missing => return Err(not_found::<M>(&id)),
            Found::Live => {
                return Ok(unchanged(
                    Operation::Restore,
                    Outcome::AlreadyActive,
                    now_stamp(),
                ));
            }
            Found::Deleted(_) => {}
        }
        let mut ancestors = Vec::new();
        M::restore_parents(conn, &id, &mut ancestors)?;
        let own = restore::<M, C>(conn, id)?;
        Ok(combine(M::TABLE, own, ancestors))
    })
}

/// Checks that the row of `M` whose key is `id` is live, and locks it so that no soft delete
/// of it can commit before the caller's transaction ends: the guard for writers that attach
/// rows to a parent (seed 001: "a deleted repo must reject incoming writes").
///
/// Call it inside the transaction that inserts the child. A soft delete of the row that started
/// first has committed by the time this returns, and is then [`Error::Deleted`]; one that
/// starts later waits for the caller's commit and then cascades to the new child. On
/// PostgreSQL and MySQL/MariaDB this takes a shared row lock (`FOR SHARE`,
/// `LOCK IN SHARE MODE`) and works at their default isolation levels; SQLite locks the whole
/// database for a writing transaction, which gives the same guarantee.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::Connection;
/// use soft_delete_core::{Error, ops};
///
/// # let conn = &mut fixture();
/// conn.transaction(|conn| {
///     ops::lock_live::<Repo, _>(conn, 1)?;   // repo 1 is live: insert its issue here
///     Ok::<_, Error>(())
/// })?;
/// let refused = conn.transaction(|conn| ops::lock_live::<Repo, _>(conn, 3));
/// assert!(matches!(refused, Err(Error::Deleted { table: "repos", .. })));
/// # Ok::<(), Error>(())
/// ```
pub fn lock_live<M, C>(conn: &mut C, id: M::Id) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    // One locking read of the row's tombstone: it waits for a soft delete in progress, sees
    // the latest committed state whatever the transaction's snapshot, and keeps the row so.
    let key = format!("{id:?}");
    match M::find(conn, id, <C::Backend as SupportedBackend>::FOR_SHARE)? {
        Found::Live => Ok(()),
        Found::Missing => Err(Error::NotFound {
            table: M::TABLE,
            key,
        }),
        Found::Deleted(_) => Err(Error::Deleted {
            table: M::TABLE,
            key,
        }),
    }
}

/// Locks, against writers and other lockers, the rows of `M` that `target` selects in `state`;
/// returns how many there are.
fn lock<M, C>(conn: &mut C, target: &dyn QueryFragment<C::Backend>, state: State) -> Result<i64>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let clause = <C::Backend as SupportedBackend>::FOR_UPDATE;
    let root = Root::<M, C::Backend>::new(target, state);
    let mut statement = Statement::new();
    if <C::Backend as SupportedBackend>::LOCK_IN_SUBQUERY {
        statement
            .sql("SELECT COUNT(*) FROM (SELECT 1 AS ")
            .ident("soft_delete_row")
            .sql(" FROM ");
    } else {
        statement.sql("SELECT COUNT(*) FROM ");
    }
    statement.fragment(M::table()).sql(" WHERE ");
    root.condition(&mut statement);
    statement.sql(clause);
    if <C::Backend as SupportedBackend>::LOCK_IN_SUBQUERY {
        statement.sql(") ").ident("soft_delete_locked");
    }
    Ok(<C::Backend as SupportedBackend>::load_count(
        conn,
        Box::new(statement),
    )?)
}

/// One report for a row and its ancestors, the row's own table first.
fn combine(table: &str, mut own: Report, ancestors: Vec<Report>) -> Report {
    for report in ancestors {
        for change in report.changes {
            own.add(change.table, change.rows);
        }
    }
    if let Some(position) = own.changes.iter().position(|change| change.table == table) {
        let change = own.changes.remove(position);
        own.changes.insert(0, change);
    }
    if own.total_rows() > 0 {
        own.outcome = Outcome::Changed;
    }
    own
}

/// [`Error::NotFound`] unless a row of `M`, live or not, has the key `id`.
fn ensure_exists<M, C>(conn: &mut C, id: M::Id) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let missing = not_found::<M>(&id);
    match M::find(conn, id, <C::Backend as SupportedBackend>::FOR_UPDATE)? {
        Found::Missing => Err(missing),
        Found::Live | Found::Deleted(_) => Ok(()),
    }
}

fn not_found<M: SoftDelete>(id: &M::Id) -> Error {
    Error::NotFound {
        table: M::TABLE,
        key: format!("{id:?}"),
    }
}

/// A report of `rows` of `M` changed, then what the cascade changed.
pub(crate) fn changed<M: SoftDelete>(
    operation: Operation,
    stamp: NaiveDateTime,
    rows: usize,
    cascade: Vec<TableChange>,
) -> Report {
    let mut report = Report {
        operation,
        outcome: Outcome::Changed,
        stamp,
        changes: vec![TableChange {
            table: Cow::Borrowed(M::TABLE),
            rows,
        }],
    };
    for change in cascade {
        report.add(change.table, change.rows);
    }
    report
}

fn unchanged(operation: Operation, outcome: Outcome, stamp: NaiveDateTime) -> Report {
    Report {
        operation,
        outcome,
        stamp,
        changes: Vec::new(),
    }
}

/// Deletes for real the row of `M` whose key is `id`, live or tombstoned, and its whole subtree:
/// every row its soft edges reach, live or tombstoned, and the rows of its hard edges; children
/// first, in one transaction (seed 003's "hard delete", for an erasure request).
///
/// The row itself goes last, in one statement that also tells whether it existed
/// (`DELETE ... RETURNING` on PostgreSQL and SQLite, the affected-row count on MySQL): an
/// unknown key is [`Error::NotFound`] and the subtree's deletes are rolled back with it. A
/// restricting edge with rows that reference the subtree, tombstoned ones too (they would be
/// left pointing at nothing), is [`Error::Restricted`]; a foreign key from elsewhere that
/// refuses, or an owner row holding the row's key, is [`Error::Referenced`]. Either way
/// nothing is deleted. Owned records (`#[cascade(Child(owned))]`) are not deleted, as the row
/// held their key: the live ones are tombstoned with the operation's stamp (and counted in the
/// report), unless another live owner row holds them, and their own model's purge takes them
/// afterwards.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
/// use soft_delete_core::{Operation, SoftDelete, ops};
///
/// # let conn = &mut fixture();
/// let report = ops::hard_delete::<Repo, _>(conn, 1)?;
/// assert_eq!((report.operation, report.rows_in("repos")), (Operation::HardDelete, 1));
/// assert_eq!(Repo::with_deleted().count().get_result::<i64>(conn)?, 2);
/// assert!(ops::hard_delete::<Repo, _>(conn, 1).unwrap_err().is_not_found());
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn hard_delete<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let stamp = now_stamp();
    let missing = not_found::<M>(&id);
    // The foreign keys that would refuse, read from the catalog: the database may not enforce
    // them (SQLite without `PRAGMA foreign_keys`), and its own error names less.
    let blockers = crate::purge::blockers(conn)?;
    conn.transaction(|conn| {
        let target = M::key_is(id);
        let root = Root::<M, C::Backend>::new(&*target, State::Any);
        let mut walk = Walk::new(stamp, None);
        walk.blockers = &blockers;
        M::refuse_owners(conn, &root)?;
        M::cascade(conn, &root, &mut walk, Phase::HardCheck, true)?;
        M::cascade(conn, &root, &mut walk, Phase::HardDelete, true)
            .map_err(crate::purge::referenced::<M>)?;
        if M::USES_LEDGER {
            crate::ledger::forget_rows::<M, C>(conn, &root)?;
        }
        crate::purge::refuse_blocked::<M, C>(conn, &root, &blockers)?;
        let mut statement = crate::purge::delete_from::<M, C::Backend>(&root);
        let deleted = if <C::Backend as SupportedBackend>::DELETE_RETURNING {
            statement
                .sql(" RETURNING ")
                .ident(<M::Key as diesel::Column>::NAME);
            M::load_keys(conn, Box::new(statement)).map(|keys| keys.len())
        } else {
            statement.execute(conn)
        }
        .map_err(|error| crate::purge::referenced::<M>(error.into()))?;
        if deleted == 0 {
            return Err(missing);
        }
        Ok(changed::<M>(
            Operation::HardDelete,
            stamp,
            deleted,
            walk.changes,
        ))
    })
}
