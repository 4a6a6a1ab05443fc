//! Purge: the end of a tombstone's life. Rows tombstoned before a cutoff (a retention period,
//! a GDPR erasure deadline) are deleted for real, each with the tombstoned rows of its cascade,
//! children first, in batches that each commit on their own.
//!
//! A purge never touches a live row. Before a batch deletes anything it checks that no live
//! row hangs off a row it would delete, and that no row of any table references one through
//! a restricting foreign key (`RESTRICT` or `NO ACTION`, read from the database's catalog once
//! per purge). A row something still holds that way is not deleted and does not stop the
//! purge: the batch is split until that row stands alone, the row is left as it is
//! (tombstoned, with its cascade) and reported in [`Report::held`](crate::Report::held) with
//! what holds it, and the purge goes on with the others. Run it again once the reference is
//! gone. Batches go through the rows in key order, each in its own transaction. In a tree
//! (`#[cascade(Self(foreign_key = ...))]`) a held row's tombstoned replies are rows of the
//! purged model too: those on the way down to what holds it are held with it, and the others
//! are purged on their own.
//!
//! ```
//! # soft_delete_core::__doc_fixture!();
//! use chrono::NaiveDate;
//! use soft_delete_core::{SoftDelete, purge::Purge};
//!
//! # let conn = &mut fixture();
//! // Repo 3 was tombstoned on 2026-01-01; keep tombstones for 30 days.
//! let cutoff = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let report = Repo::purge(conn, Purge::older_than(cutoff).batch_size(100))?;
//! assert_eq!(report.rows_in("repos"), 1);
//! assert_eq!(Repo::with_deleted().count().get_result::<i64>(conn)?, 2);
//! # use diesel::prelude::*;
//! # Ok::<(), soft_delete_core::Error>(())
//! ```
//!
//! Owned records (`#[cascade(Child(owned))]`) are not deleted with their owner, which holds their
//! key: purge their own model after the owner's; they carry the same stamp, so the same cutoff
//! reaches them (a hard delete of a live owner tombstones them with its own stamp). A record whose owner row still holds its key is refused
//! (held back and reported), whatever the owner's state.

use chrono::NaiveDateTime;
use diesel::connection::LoadConnection;

use super::trace::{Op, Trace};
use super::{changed, now_stamp};
use crate::cascade::SoftDeleteOn;
use crate::cascade::check::Check;
use crate::cascade::erase::Erase;
use crate::cascade::lookup::claim_writes;
use crate::cascade::parents::ParentsOn;
use crate::cascade::real_delete::{Blocker, blockers, referenced};
use crate::dialect::SupportedBackend;
use crate::error::Result;
use crate::exec::{Blocking, Executor, HookSet, block_on, finish};
use crate::hooks::{Intent, NoHooks};
use crate::model::key::PrimaryKey;
use crate::render::rowset::Root;
use crate::render::{State, statements};
use crate::report::{Held, Operation, Outcome, Report, holds};

/// How many rows of the purged model one batch takes unless told otherwise.
///
/// ```
/// use soft_delete_core::purge::{DEFAULT_BATCH_SIZE, Purge};
///
/// assert_eq!(Purge::<diesel::SqliteConnection>::any_age().batch(), DEFAULT_BATCH_SIZE);
/// ```
pub const DEFAULT_BATCH_SIZE: usize = 500;

/// The largest batch: its keys, bound up to six times in one statement, stay under SQLite's
/// 32,766 bound parameters.
pub const MAX_BATCH_SIZE: usize = 5_000;

/// The last instant every backend stores: 9999-12-31 23:59:59.999999.
fn latest_stored_time() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|day| day.and_hms_micro_opt(23, 59, 59, 999_999))
        .unwrap_or(NaiveDateTime::MAX)
}

type ProgressFn<'h> = Box<dyn FnMut(&Progress<'_>) + Send + 'h>;

/// What to purge and how: the cutoff, the batch size, a progress callback and hooks (`H`:
/// [`NoHooks`] until [`hooks`](Purge::hooks) gives some), for connection type `C`.
///
/// ```
/// use chrono::{Duration, Utc};
/// use soft_delete_core::purge::Purge;
///
/// let ninety_days_ago = Utc::now().naive_utc() - Duration::days(90);
/// let purge = Purge::<diesel::SqliteConnection>::older_than(ninety_days_ago)
///     .batch_size(1_000)
///     .on_progress(|progress| eprintln!("{progress}"));
/// # let _ = purge;
/// ```
pub struct Purge<'h, C, H = NoHooks> {
    cutoff: Option<NaiveDateTime>,
    batch_size: usize,
    progress: Option<ProgressFn<'h>>,
    hooks: H,
    connection: core::marker::PhantomData<fn(&mut C)>,
}

impl<C, H: core::fmt::Debug> core::fmt::Debug for Purge<'_, C, H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Purge")
            .field("cutoff", &self.cutoff)
            .field("batch_size", &self.batch_size)
            .field("progress", &self.progress.is_some())
            .field("hooks", &self.hooks)
            .finish()
    }
}

impl<C> Purge<'_, C> {
    /// Purges rows tombstoned before `cutoff` (UTC), with the tombstoned rows of their
    /// cascade whatever their own age. Rows of a boolean-flag model are aged by the stamps the
    /// [`ledger`](crate::ledger) recorded; a flag model without the ledger has no age, so only
    /// [`Purge::any_age`] reaches it.
    ///
    /// No database stores a time past the end of year 9999 (MariaDB's `DATETIME` ends there,
    /// and SQLite's text stamps stop sorting by time), so every tombstone is older than a
    /// cutoff beyond it: such a cutoff is [`Purge::any_age`], and [`cutoff`](Purge::cutoff)
    /// says `None`.
    ///
    /// ```
    /// use chrono::NaiveDateTime;
    /// use soft_delete_core::purge::Purge;
    ///
    /// let cutoff = chrono::Utc::now().naive_utc();
    /// let purge = Purge::<diesel::SqliteConnection>::older_than(cutoff);
    /// assert_eq!(purge.cutoff(), Some(cutoff));
    ///
    /// let forever = Purge::<diesel::SqliteConnection>::older_than(NaiveDateTime::MAX);
    /// assert_eq!(forever.cutoff(), None);
    /// ```
    #[must_use]
    pub fn older_than(cutoff: NaiveDateTime) -> Self {
        Purge {
            cutoff: (cutoff <= latest_stored_time()).then_some(cutoff),
            batch_size: DEFAULT_BATCH_SIZE,
            progress: None,
            hooks: NoHooks,
            connection: core::marker::PhantomData,
        }
    }

    /// Purges every tombstoned row, whenever it was tombstoned.
    ///
    /// ```
    /// use soft_delete_core::purge::Purge;
    ///
    /// assert_eq!(Purge::<diesel::SqliteConnection>::any_age().cutoff(), None);
    /// ```
    #[must_use]
    pub fn any_age() -> Self {
        Purge {
            cutoff: None,
            ..Self::older_than(NaiveDateTime::MIN)
        }
    }
}

impl<'h, C, H> Purge<'h, C, H> {
    /// How many rows of the purged model each batch (one transaction) takes: from 1 to
    /// [`MAX_BATCH_SIZE`] (each key is a bound parameter, repeated in nested statements, and
    /// SQLite and PostgreSQL cap their number). Default: [`DEFAULT_BATCH_SIZE`].
    ///
    /// ```
    /// use soft_delete_core::purge::{MAX_BATCH_SIZE, Purge};
    ///
    /// assert_eq!(Purge::<diesel::SqliteConnection>::any_age().batch_size(0).batch(), 1);
    /// assert_eq!(
    ///     Purge::<diesel::SqliteConnection>::any_age().batch_size(1_000_000).batch(),
    ///     MAX_BATCH_SIZE
    /// );
    /// ```
    #[must_use]
    pub fn batch_size(mut self, rows: usize) -> Self {
        self.batch_size = rows.clamp(1, MAX_BATCH_SIZE);
        self
    }

    /// Calls `progress` after each batch commits.
    ///
    /// ```
    /// use soft_delete_core::purge::Purge;
    ///
    /// let purge = Purge::<diesel::SqliteConnection>::any_age().on_progress(|p| println!("{p}"));
    /// # let _ = purge;
    /// ```
    #[must_use]
    pub fn on_progress(mut self, progress: impl FnMut(&Progress<'_>) + Send + 'h) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    /// Runs `hooks` in each batch's transaction: `before` once its rows are locked, `after`
    /// with the batch's report. An error from a hook rolls that batch back and stops the purge.
    /// A `before` hook may change the batch's rows (revive one, say): where there is one, the
    /// batch's cascade is found through the rows as they are after it, not through the keys
    /// picked.
    /// [`Hooks`](crate::Hooks) on a blocking connection, `AsyncHooks` on an async one.
    ///
    /// ```
    /// use soft_delete_core::{Hooks, purge::Purge};
    ///
    /// let hooks = Hooks::<diesel::SqliteConnection>::new().after(|_, report| {
    ///     println!("{report}");
    ///     Ok(())
    /// });
    /// let purge = Purge::<diesel::SqliteConnection>::any_age().hooks(hooks);
    /// # let _ = purge;
    /// ```
    #[must_use]
    pub fn hooks<Given>(self, hooks: Given) -> Purge<'h, C, Given> {
        Purge {
            cutoff: self.cutoff,
            batch_size: self.batch_size,
            progress: self.progress,
            hooks,
            connection: core::marker::PhantomData,
        }
    }

    /// The cutoff, if any.
    #[must_use]
    pub fn cutoff(&self) -> Option<NaiveDateTime> {
        self.cutoff
    }

    /// The batch size.
    #[must_use]
    pub fn batch(&self) -> usize {
        self.batch_size
    }
}

/// Where a purge stands after a batch committed.
///
/// ```
/// use soft_delete_core::purge::Progress;
///
/// fn show(progress: &Progress<'_>) -> String {
///     format!("batch {}: {} rows so far", progress.batch, progress.total_rows)
/// }
/// # let _ = show;
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Progress<'a> {
    /// The batch's number, from 1.
    pub batch: usize,
    /// What the batch deleted, per table.
    pub report: &'a Report,
    /// Rows deleted by every batch so far.
    pub total_rows: usize,
}

impl core::fmt::Display for Progress<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "purge batch {}: {} row(s), {} in all",
            self.batch,
            self.report.total_rows(),
            self.total_rows
        )
    }
}

/// Purges rows of `M` as `options` says; see the [module docs](self). Returns what every
/// batch deleted, per table; [`Outcome::NothingMatched`] when there was nothing to purge.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Outcome, purge};
///
/// # let conn = &mut fixture();
/// let report = purge::purge::<Repo, _, _>(conn, purge::Purge::any_age())?;
/// assert_eq!(report.rows_in("repos"), 1);
/// let again = purge::purge::<Repo, _, _>(conn, purge::Purge::any_age())?;
/// assert_eq!(again.outcome, Outcome::NothingMatched);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn purge<M, C, H>(conn: &mut C, mut options: Purge<'_, C, H>) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
    H: for<'c> HookSet<Blocking<'c, C>>,
{
    block_on(purge_with::<M, _, C, H>(
        &mut Blocking::new(conn),
        &mut options,
    ))
}

/// The purge `options` say, on any connection.
pub(crate) async fn purge_with<M, X, C, H>(
    x: &mut X,
    options: &mut Purge<'_, C, H>,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
    H: HookSet<X>,
{
    let batches = Batches {
        cutoff: options.cutoff,
        size: options.batch_size,
        progress: options.progress.as_mut(),
    };
    purge_on::<M, X, H>(x, batches, &mut options.hooks).await
}

/// How a purge goes through its rows: which ones, how many per batch, whom to tell.
pub(crate) struct Batches<'p, 'h> {
    pub(crate) cutoff: Option<NaiveDateTime>,
    pub(crate) size: usize,
    pub(crate) progress: Option<&'p mut ProgressFn<'h>>,
}

/// A purge, on any connection: batch after batch, each in its own transaction, until one
/// finds fewer rows than it may take. Batches go through the rows in key order; a batch that a
/// held row refuses is split until each held row stands alone, and that row is left in place
/// and reported while the others go.
pub(crate) async fn purge_on<M, X, H>(
    x: &mut X,
    batches: Batches<'_, '_>,
    hooks: &mut H,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
    H: HookSet<X>,
{
    let stamp = now_stamp();
    let trace = Trace::start(Op::Purge, M::TABLE, None, Some(stamp));
    trace
        .run(purge_in_batches::<M, X, H>(x, batches, hooks, stamp))
        .await
}

/// [`purge_on`]'s batches, at `stamp`.
async fn purge_in_batches<M, X, H>(
    x: &mut X,
    mut batches: Batches<'_, '_>,
    hooks: &mut H,
    stamp: NaiveDateTime,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
    H: HookSet<X>,
{
    let blockers = blockers(x).await?;
    let mut run = Run {
        blockers,
        cutoff: batches.cutoff,
        stamp,
        batch: 0,
        total: Report {
            operation: Operation::Purge,
            outcome: Outcome::NothingMatched,
            stamp,
            changes: Vec::new(),
            held: Vec::new(),
        },
    };
    // A two-column key binds two parameters per row: its batches are half as long at most.
    let size = batches
        .size
        .min(MAX_BATCH_SIZE / <M::Key as PrimaryKey>::NAMES.len());
    let mut after: Option<M::Id> = None;
    loop {
        x.begin().await?;
        let picked = pick::<M, X>(x, Pick::After(after.clone(), size), run.cutoff).await;
        let keys = match picked {
            Ok(keys) if !keys.is_empty() => keys,
            other => {
                finish(x, other.map(drop)).await?;
                break;
            }
        };
        let count = keys.len();
        after = keys.last().cloned();
        let result = run.erase::<M, X, H>(x, keys.clone(), hooks).await;
        match finish(x, result).await {
            Ok(report) => run.committed(&report, &mut batches),
            Err(error) if holds(&error) => {
                run.split::<M, X, H>(x, keys, hooks, &mut batches).await?;
            }
            Err(error) => return Err(error),
        }
        if count < size {
            break;
        }
    }
    Ok(run.total)
}

/// One purge under way: what it checks against, how far it got, what it did.
struct Run {
    blockers: Vec<Blocker>,
    cutoff: Option<NaiveDateTime>,
    stamp: NaiveDateTime,
    /// Transactions committed so far.
    batch: usize,
    total: Report,
}

impl Run {
    /// Deletes the rows of `keys` (the tombstoned ones, locked) with their cascades, inside the
    /// transaction the caller opened.
    async fn erase<M, X, H>(&self, x: &mut X, keys: Vec<M::Id>, hooks: &mut H) -> Result<Report>
    where
        X: Executor,
        X::Backend: SupportedBackend,
        M: SoftDeleteOn<X::Backend>,
        H: HookSet<X>,
    {
        let hooked = hooks
            .before(x, || {
                Intent::new(Operation::Purge, M::TABLE, format!("{keys:?}"))
            })
            .await?;
        // The rows were picked tombstoned and locked: unless a hook may have changed one since,
        // what hangs off them is found by their keys alone, without reading them again.
        let values = (!hooked).then(|| M::key_values(keys.clone())).flatten();
        let target = M::key_in(keys);
        let root = Root::<M, X::Backend>::new(&*target, State::Deleted);
        let root = match &values {
            Some(values) => root.locked(&**values),
            None => root.by_keys(),
        };
        M::ParentLinks::refuse_owners(x, &root).await?;
        Check::before_purge().rows::<M, X>(x, &root).await?;
        let mut pass = Erase::purge(&self.blockers);
        let rows = pass.rows::<M, X>(x, &root).await.map_err(referenced::<M>)?;
        let report = changed::<M>(Operation::Purge, self.stamp, rows, pass.changes);
        hooks.after(x, &report).await?;
        Ok(report)
    }

    /// Purges `keys`, refused as one set because some row among them is held: halves, again
    /// and again, each in its own transaction, until every held row stands alone; those are
    /// left in place and reported, the others purged.
    async fn split<M, X, H>(
        &mut self,
        x: &mut X,
        keys: Vec<M::Id>,
        hooks: &mut H,
        batches: &mut Batches<'_, '_>,
    ) -> Result<()>
    where
        X: Executor,
        X::Backend: SupportedBackend,
        M: SoftDeleteOn<X::Backend>,
        H: HookSet<X>,
    {
        let mut pending = halves(keys);
        while let Some(keys) = pending.pop() {
            if keys.is_empty() {
                continue;
            }
            x.begin().await?;
            // The rows were unlocked by the rollback: take them again, as they are now.
            let result = match pick::<M, X>(x, Pick::Among(keys.clone()), self.cutoff).await {
                Ok(locked) if locked.is_empty() => Ok(None),
                Ok(locked) => self.erase::<M, X, H>(x, locked, hooks).await.map(Some),
                Err(error) => Err(error),
            };
            match finish(x, result).await {
                Ok(Some(report)) => self.committed(&report, batches),
                Ok(None) => {}
                Err(error) => {
                    let Some(held) = Held::by(format!("{:?}", keys[0]), &error) else {
                        return Err(error);
                    };
                    if keys.len() == 1 {
                        self.total.held.push(held);
                    } else {
                        pending.extend(halves(keys));
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds a committed transaction's report to the total, and tells the progress callback.
    fn committed(&mut self, report: &Report, batches: &mut Batches<'_, '_>) {
        self.batch += 1;
        self.total.outcome = Outcome::Changed;
        for change in &report.changes {
            self.total.add(change.table.clone(), change.rows);
        }
        if let Some(progress) = &mut batches.progress {
            progress(&Progress {
                batch: self.batch,
                report,
                total_rows: self.total.total_rows(),
            });
        }
    }
}

/// `keys` in two halves, the first to be taken last (a stack pops the second half's first).
fn halves<T>(mut keys: Vec<T>) -> Vec<Vec<T>> {
    let second = keys.split_off(keys.len() / 2);
    vec![second, keys]
}

/// Which tombstoned rows a transaction of a purge takes.
enum Pick<Id> {
    /// The next ones in key order after this key (from the first without one), at most so many.
    After(Option<Id>, usize),
    /// Those among these keys that are still to purge.
    Among(Vec<Id>),
}

/// Picks and locks the rows of `M` to purge that `which` says, tombstoned before `cutoff`.
async fn pick<M, X>(
    x: &mut X,
    which: Pick<M::Id>,
    cutoff: Option<NaiveDateTime>,
) -> Result<Vec<M::Id>>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
{
    claim_writes::<M, X>(x).await?;
    let mut pick = statements::tombstoned_keys::<M, X::Backend>();
    if let Some(cutoff) = cutoff {
        pick.sql(" AND ").fragment(M::deleted_before(cutoff));
    }
    let limit = match which {
        Pick::After(after, limit) => {
            if let Some(after) = after {
                pick.sql(" AND ").fragment(M::key_after(after));
            }
            Some(limit)
        }
        Pick::Among(keys) => {
            pick.sql(" AND ").fragment(M::key_in(keys));
            None
        }
    };
    pick.sql(" ORDER BY ").fragment(M::key());
    if let Some(limit) = limit {
        pick.sql(" LIMIT ")
            .fragment(<X::Backend as SupportedBackend>::bind_count(
                i64::try_from(limit).unwrap_or(i64::MAX),
            ));
    }
    pick.sql(<X::Backend as SupportedBackend>::FOR_UPDATE);
    Ok(M::read_keys(x, pick).await?)
}
