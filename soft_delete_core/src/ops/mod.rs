//! The operations: soft delete, restore (with its ancestors), lock a row live, hard delete and
//! purge. Each runs in one transaction (a savepoint when the caller already has one open, one
//! per batch for a purge), puts the engine's passes together, and returns a [`Report`].
//!
//! | operation | module | passes |
//! |---|---|---|
//! | [`soft_delete`], [`soft_delete_where`] | `soft_delete` | lock the rows, check, tombstone |
//! | [`restore`], [`restore_shallow`] | `restore` | lock the row, check its parents, revive (the row alone for `restore_shallow`) |
//! | [`restore_where`] | `restore` | lock the rows; per stamp, revive; check their parents |
//! | [`restore_with_ancestors`], [`restore_path`] | `ancestors` | restore every tombstoned ancestor first (alone for `restore_path`), then the row |
//! | [`lock_live`] | `lock` | one locking read |
//! | [`hard_delete`] | `hard_delete` | check, erase, the row last |
//! | [`purge`] | `purge` | per batch: lock, check, erase |
//!
//! Models reach these through the functions the derive adds (`Repo::soft_delete(conn, id)`)
//! and the [`SoftDelete`](crate::SoftDelete) trait; generic code can call them directly.
//!
//! With the `tracing` feature, every operation, blocking or async, runs in a `tracing` span at
//! level `INFO` named after it (`soft_delete`, `restore`, `restore_shallow`, `restore_where`,
//! `restore_with_ancestors`, `restore_path`, `lock_live`, `hard_delete`, `purge`), with the fields `operation` (the same name), `model`
//! (the table), `key` (`Debug`; none for a bulk soft delete or a purge) and `stamp` (UTC); when
//! it ends, the span records `outcome` (`changed`, `already_deleted`, `already_active`,
//! `nothing_matched`, `done` for `lock_live`, or `error` with `error`), `rows` (in all tables),
//! `changes` (per table: `repos: 1 row, issues: 2 rows`) and `duration_us`, and an `INFO` event
//! inside it says the same for subscribers that print events. A restore with ancestors holds
//! the restores it is made of as spans inside its own.
//!
//! ```
//! # soft_delete_core::__doc_fixture!();
//! # let conn = &mut fixture();
//! // With a subscriber installed (`tracing_subscriber::fmt().init()`, say), this logs
//! // `soft_delete{operation="soft_delete" model="repos" key=1 stamp=...}: soft delete done
//! // outcome="changed" rows=1 changes=repos: 1 row duration_us=...`.
//! let report = Repo::soft_delete(conn, 1)?;
//! assert_eq!(report.total_rows(), 1);
//! # Ok::<(), soft_delete_core::Error>(())
//! ```

pub(crate) mod ancestors;
pub(crate) mod hard_delete;
pub(crate) mod lock;
pub mod purge;
pub(crate) mod restore;
pub(crate) mod soft_delete;
mod trace;

use std::borrow::Cow;

use chrono::{DateTime, NaiveDateTime, Utc};

pub use ancestors::{RestoreUp, restore_path, restore_with_ancestors};
pub use hard_delete::hard_delete;
pub use lock::lock_live;
pub use restore::{restore, restore_shallow, restore_where, restore_with_hooks};
pub use soft_delete::{soft_delete, soft_delete_where, soft_delete_with_hooks};

use crate::error::Error;
use crate::model::Model;
use crate::report::{Operation, Outcome, Report, TableChange};

/// The current time in UTC, cut to whole microseconds: the finest precision PostgreSQL and
/// MySQL `DATETIME(6)` store, so a stamp read back from such a column equals the stamp
/// written. (A column with less precision, such as MySQL's plain `DATETIME`, rounds it.)
///
/// Within one process every call returns a later stamp than the call before, so two operations
/// that start in the same microsecond still carry stamps of their own, and a restore of one
/// never revives what the other hid.
///
/// ```
/// use chrono::Timelike;
///
/// let stamp = soft_delete_core::ops::now_stamp();
/// assert_eq!(stamp.nanosecond() % 1_000, 0);
/// assert!(soft_delete_core::ops::now_stamp() > stamp);
/// ```
#[must_use]
pub fn now_stamp() -> NaiveDateTime {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(i64::MIN);
    let now = Utc::now().timestamp_micros();
    let previous = LAST
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(now.max(last.saturating_add(1)))
        })
        .unwrap_or(now);
    let micros = now.max(previous.saturating_add(1));
    // In range for another 260,000 years.
    DateTime::from_timestamp_micros(micros)
        .unwrap_or_default()
        .naive_utc()
}

/// A report of `rows` of `M` changed, then what the cascade changed.
fn changed<M: Model>(
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
        held: Vec::new(),
    };
    for change in cascade {
        report.add(change.table, change.rows);
    }
    report
}

/// A report of an operation that changed nothing.
fn unchanged(operation: Operation, outcome: Outcome, stamp: NaiveDateTime) -> Report {
    Report {
        operation,
        outcome,
        stamp,
        changes: Vec::new(),
        held: Vec::new(),
    }
}

/// [`Error::NotFound`] for the row of `M` whose key is `id`.
fn not_found<M: Model>(id: &M::Id) -> Error {
    Error::NotFound {
        table: M::TABLE,
        key: format!("{id:?}"),
    }
}
