//! Purge: the end of a tombstone's life. Rows tombstoned before a cutoff (a retention period,
//! a GDPR erasure deadline) are deleted for real, each with the tombstoned rows of its cascade,
//! children first, in batches that each commit on their own.
//!
//! A purge never touches a live row. Before a batch deletes anything it checks that no live
//! row hangs off a row it would delete, and that no row of any table references one through
//! a restricting foreign key (`RESTRICT` or `NO ACTION`, read from the database's catalog once
//! per purge): either is [`Error::Referenced`] naming the table, column and constraint, and that
//! batch deletes nothing. Batches committed before it stay committed.
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
//! ([`Error::Referenced`]), whatever the owner's state.

use chrono::NaiveDateTime;
use diesel::RunQueryDsl;
use diesel::connection::LoadConnection;

use crate::backend::{ModelOn, SoftDeleteOn, SupportedBackend};
use crate::cascade::{Phase, Target, Walk, visit};
use crate::error::{Error, Result};
use crate::hooks::{Hooks, Intent};
use crate::ledger;
use crate::report::{Operation, Outcome, Report};
use crate::rowset::{Root, RowSet, State};
use crate::sql::Statement;

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

type ProgressFn<'h> = Box<dyn FnMut(&Progress<'_>) + 'h>;

/// What to purge and how: the cutoff, the batch size, a progress callback and hooks, for
/// connection type `C`.
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
pub struct Purge<'h, C> {
    cutoff: Option<NaiveDateTime>,
    batch_size: usize,
    progress: Option<ProgressFn<'h>>,
    hooks: Hooks<'h, C>,
}

impl<C> core::fmt::Debug for Purge<'_, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Purge")
            .field("cutoff", &self.cutoff)
            .field("batch_size", &self.batch_size)
            .field("progress", &self.progress.is_some())
            .field("hooks", &self.hooks)
            .finish()
    }
}

impl<'h, C> Purge<'h, C> {
    /// Purges rows tombstoned before `cutoff` (UTC), with the tombstoned rows of their
    /// cascade whatever their own age. Rows of a boolean-flag model are aged by the stamps the
    /// [`ledger`] recorded; a flag model without the ledger has no age, so only
    /// [`Purge::any_age`] reaches it.
    ///
    /// ```
    /// use soft_delete_core::purge::Purge;
    ///
    /// let cutoff = chrono::Utc::now().naive_utc();
    /// let purge = Purge::<diesel::SqliteConnection>::older_than(cutoff);
    /// assert_eq!(purge.cutoff(), Some(cutoff));
    /// ```
    #[must_use]
    pub fn older_than(cutoff: NaiveDateTime) -> Self {
        Purge {
            cutoff: Some(cutoff),
            batch_size: DEFAULT_BATCH_SIZE,
            progress: None,
            hooks: Hooks::new(),
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
    pub fn on_progress(mut self, progress: impl FnMut(&Progress<'_>) + 'h) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    /// Runs `hooks` in each batch's transaction: `before` once its rows are locked, `after`
    /// with the batch's report. An error from a hook rolls that batch back and stops the purge.
    ///
    /// ```
    /// use soft_delete_core::{Hooks, purge::Purge};
    ///
    /// let hooks = Hooks::<diesel::SqliteConnection>::new().after(|_, report| {
    ///     println!("{report}");
    ///     Ok(())
    /// });
    /// let purge = Purge::any_age().hooks(hooks);
    /// # let _ = purge;
    /// ```
    #[must_use]
    pub fn hooks(mut self, hooks: Hooks<'h, C>) -> Self {
        self.hooks = hooks;
        self
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
/// let report = purge::purge::<Repo, _>(conn, purge::Purge::any_age())?;
/// assert_eq!(report.rows_in("repos"), 1);
/// let again = purge::purge::<Repo, _>(conn, purge::Purge::any_age())?;
/// assert_eq!(again.outcome, Outcome::NothingMatched);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn purge<M, C>(conn: &mut C, mut options: Purge<'_, C>) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let blockers = blockers(conn)?;
    let stamp = crate::ops::now_stamp();
    let mut total = Report {
        operation: Operation::Purge,
        outcome: Outcome::NothingMatched,
        stamp,
        changes: Vec::new(),
    };
    for batch in 1.. {
        let size = options.batch_size;
        let cutoff = options.cutoff;
        let hooks = &mut options.hooks;
        let done = conn
            .transaction(|conn| purge_batch::<M, C>(conn, cutoff, size, &blockers, hooks, stamp))?;
        let Some((report, rows)) = done else { break };
        total.outcome = Outcome::Changed;
        for change in &report.changes {
            total.add(change.table.clone(), change.rows);
        }
        if let Some(progress) = &mut options.progress {
            progress(&Progress {
                batch,
                report: &report,
                total_rows: total.total_rows(),
            });
        }
        if rows < size {
            break;
        }
    }
    Ok(total)
}

/// One batch: picks and locks up to `size` rows, checks, deletes; `None` when none are left.
fn purge_batch<M, C>(
    conn: &mut C,
    cutoff: Option<NaiveDateTime>,
    size: usize,
    blockers: &[Blocker],
    hooks: &mut Hooks<'_, C>,
    stamp: NaiveDateTime,
) -> Result<Option<(Report, usize)>>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let mut pick = Statement::new();
    pick.sql("SELECT ")
        .fragment(M::key())
        .sql(" FROM ")
        .fragment(M::table())
        .sql(" WHERE ")
        .fragment(M::in_state(State::Deleted));
    if let Some(cutoff) = cutoff {
        pick.sql(" AND ").fragment(M::deleted_before(cutoff));
    }
    pick.sql(" ORDER BY ")
        .fragment(M::key())
        .sql(" LIMIT ")
        .fragment(<C::Backend as SupportedBackend>::bind_count(
            i64::try_from(size).unwrap_or(i64::MAX),
        ))
        .sql(<C::Backend as SupportedBackend>::FOR_UPDATE);
    let keys = M::load_keys(conn, Box::new(pick))?;
    if keys.is_empty() {
        return Ok(None);
    }
    let picked = keys.len();
    hooks.run_before(conn, || {
        Intent::new(Operation::Purge, M::TABLE, format!("{keys:?}"))
    })?;
    let target = M::key_in(keys);
    let root = Root::<M, C::Backend>::new(&*target, State::Deleted);
    let mut walk = Walk::new(stamp, None);
    walk.blockers = blockers;
    M::refuse_owners(conn, &root)?;
    M::cascade(conn, &root, &mut walk, Phase::PurgeCheck, true)?;
    let edges = |conn: &mut C,
                 set: &dyn RowSet<C::Backend>,
                 walk: &mut Walk<'_, C::Backend>,
                 phase: Phase| { M::cascade(conn, set, walk, phase, true) };
    let rows =
        visit::<M, C>(conn, &root, &mut walk, Phase::Purge, &edges).map_err(referenced::<M>)?;
    let report = crate::ops::changed::<M>(Operation::Purge, stamp, rows, walk.changes);
    hooks.run_after(conn, &report)?;
    Ok(Some((report, picked)))
}

/// A foreign key that refuses the delete of a row it references: `table.column` holds
/// `referenced_table.referenced_column`.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub(crate) name: Option<String>,
    pub(crate) table: String,
    pub(crate) column: String,
    pub(crate) referenced_table: String,
    pub(crate) referenced_column: String,
}

/// Every single-column foreign key of the database that refuses deletes.
pub(crate) fn blockers<C>(conn: &mut C) -> Result<Vec<Blocker>>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
{
    let catalog = crate::audit::catalog::read(conn)?;
    Ok(catalog
        .tables
        .iter()
        .flat_map(|table| &table.foreign_keys)
        .filter(|key| key.on_delete.blocks_delete())
        .filter_map(
            |key| match (&key.columns[..], &key.referenced_columns[..]) {
                ([column], [referenced]) => Some(Blocker {
                    name: key.name.clone(),
                    table: key.table.clone(),
                    column: column.clone(),
                    referenced_table: key.referenced_table.clone(),
                    referenced_column: referenced.clone(),
                }),
                _ => None,
            },
        )
        .collect())
}

/// Deletes the rows of `set` for real: their ledger entries first, then, for a purge, a check
/// of every foreign key that would refuse, then the rows.
pub(crate) fn delete_rows<M, C>(
    conn: &mut C,
    set: &dyn RowSet<C::Backend>,
    walk: &Walk<'_, C::Backend>,
) -> Result<usize>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: ModelOn<C::Backend>,
{
    if M::USES_LEDGER {
        ledger::forget_rows::<M, C>(conn, set)?;
    }
    refuse_blocked::<M, C>(conn, set, walk.blockers)?;
    let mut deleted = 0;
    // Every column through which rows of this table point at each other (a tree's parent, a
    // kept fork link), each once.
    let mut links: Vec<&'static str> = Vec::new();
    for &(table, column) in &walk.self_links {
        if table == M::TABLE && !links.contains(&column) {
            links.push(column);
        }
    }
    if <C::Backend as SupportedBackend>::ROW_BY_ROW_FOREIGN_KEYS && !links.is_empty() {
        // Leaves first, one level per statement, so no row goes while another still points at
        // it.
        loop {
            let mut statement = delete_from::<M, C::Backend>(set);
            statement
                .sql(" AND ")
                .fragment(M::key())
                .sql(" NOT IN (SELECT ")
                .ident(PARENT)
                .sql(" FROM (");
            for (index, link) in links.iter().enumerate() {
                if index > 0 {
                    statement.sql(" UNION ");
                }
                statement
                    .sql("SELECT DISTINCT ")
                    .ident(link)
                    .sql(" AS ")
                    .ident(PARENT)
                    .sql(" FROM ")
                    .fragment(M::table())
                    .sql(" WHERE ")
                    .ident(link)
                    // Every row that still points at one, whatever its state; said so for the
                    // leak detector.
                    .sql(" IS NOT NULL AND ")
                    .fragment(M::in_state(crate::rowset::State::Any));
            }
            statement.sql(") ").ident(PARENTS).sql(")");
            let rows = statement.execute(conn)?;
            if rows == 0 {
                break;
            }
            deleted += rows;
        }
        // What is left is a cycle in the data (no row of it is a leaf): cut its links first.
        let mut cut = Statement::new();
        cut.sql("UPDATE ").fragment(M::table()).sql(" SET ");
        for (index, link) in links.iter().enumerate() {
            if index > 0 {
                cut.sql(", ");
            }
            cut.ident(link).sql(" = NULL");
        }
        cut.sql(" WHERE ");
        set.condition(&mut cut);
        cut.execute(conn)?;
    }
    // Everything at once (or, after the loop, what a cycle in the data kept back).
    deleted += delete_from::<M, C::Backend>(set).execute(conn)?;
    Ok(deleted)
}

/// Whether `blocker` is one of `M`'s soft edges: its tombstoned rows were deleted just before,
/// and its live rows were refused by the checks, so it needs no probe.
fn covered<M: crate::SoftDelete>(blocker: &Blocker) -> bool {
    M::CASCADE_GRAPH.edges.iter().any(|edge| {
        if edge.policy != crate::cascade::Policy::Soft {
            return false;
        }
        let table = match edge.target {
            Target::Model(child) if !edge.owned => child.table,
            Target::Itself => M::TABLE,
            _ => return false,
        };
        table.eq_ignore_ascii_case(&blocker.table)
            && edge.column.eq_ignore_ascii_case(&blocker.column)
    })
}

/// Names used by the leaves-first delete; chosen not to collide with user columns.
const PARENT: &str = "soft_delete_parent";
const PARENTS: &str = "soft_delete_parents";

/// `DELETE FROM table WHERE <set>`.
pub(crate) fn delete_from<M, DB>(set: &dyn RowSet<DB>) -> Statement<'_, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement
        .sql("DELETE FROM ")
        .fragment(M::table())
        .sql(" WHERE ");
    set.condition(&mut statement);
    statement
}

/// [`Error::Referenced`] if a foreign key of `blockers` that `M`'s own soft edges do not cover
/// still references a row of `set`.
pub(crate) fn refuse_blocked<M, C>(
    conn: &mut C,
    set: &dyn RowSet<C::Backend>,
    blockers: &[Blocker],
) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: ModelOn<C::Backend>,
{
    for blocker in blockers {
        if blocker.referenced_table.eq_ignore_ascii_case(M::TABLE) && !covered::<M>(blocker) {
            refuse_if_referenced::<M, C>(conn, set, blocker)?;
        }
    }
    Ok(())
}

/// [`Error::Referenced`] if rows outside `set` hold, through `blocker`, a key of a row in it.
fn refuse_if_referenced<M, C>(
    conn: &mut C,
    set: &dyn RowSet<C::Backend>,
    blocker: &Blocker,
) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: ModelOn<C::Backend>,
{
    let mut statement = Statement::new();
    statement
        .sql(crate::leak::EVERY_ROW)
        .sql(" SELECT COUNT(*) FROM ")
        .ident_owned(&blocker.table)
        .sql(" WHERE ")
        .ident_owned(&blocker.column)
        .sql(" IN (SELECT ")
        .ident_owned(&blocker.referenced_column)
        .sql(" FROM ")
        .fragment(M::table())
        .sql(" WHERE ");
    set.condition(&mut statement);
    statement.sql(")");
    if blocker
        .table
        .eq_ignore_ascii_case(&blocker.referenced_table)
    {
        // A self-reference from a row deleted in the same statement does not count.
        statement.sql(" AND NOT (");
        set.condition(&mut statement);
        statement.sql(")");
    }
    let rows = <C::Backend as SupportedBackend>::load_count(conn, Box::new(statement))?;
    Error::unless_unreferenced(
        rows,
        M::TABLE,
        || format!("{}.{}", blocker.table, blocker.column),
        blocker.name.as_deref(),
    )
}

/// A foreign key violation raised by the database while deleting rows of `M`'s subtree for
/// real (one the checks could not see coming, such as a concurrent insert) as
/// [`Error::Referenced`]; other errors as they are.
pub(crate) fn referenced<M: crate::SoftDelete>(error: Error) -> Error {
    use diesel::result::{DatabaseErrorKind, Error as Diesel};
    let Error::Database(Diesel::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info)) =
        &error
    else {
        return error;
    };
    Error::Referenced {
        table: M::TABLE.to_owned(),
        referenced_by: info
            .table_name()
            .map_or_else(|| info.message().to_owned(), ToOwned::to_owned),
        constraint: info.constraint_name().map(ToOwned::to_owned),
        rows: 0,
    }
}
