//! The revive pass: a restore. It revives exactly the rows the restored operation tombstoned,
//! found by its stamp (or, for flags, its ledger entries), deepest tables first; a row
//! tombstoned on its own, before or after, keeps its tombstone, and so does one that another
//! parent, tombstoned by another operation, still hides.
//!
//! | edge | what it does |
//! |---|---|
//! | soft | revives the children with the operation's stamp that no other tombstoned parent holds (their own edges first) |
//! | owned | the same, then hands back the records another owner's delete took along since |
//! | tree | revives the subtree with the stamp, leaving out rows (and their replies) another parent holds |
//! | hard, restrict, keep | nothing: hard-deleted rows are gone |

use std::borrow::Cow;

use chrono::NaiveDateTime;

use super::SoftDeleteOn;
use super::edges::CascadeOn;
use super::lookup::first_stamp;
use super::parents::ParentsOn;
use super::pass::Pass;
use crate::dialect::SupportedBackend;
use crate::error::{Error, Result};
use crate::exec::Executor;
use crate::model::{Model, Tombstone, TombstoneKind};
use crate::render::rowset::{Descendants, HiddenByOwner, Linked, Narrow};
use crate::render::{LinkColumns, ModelOn, ParentJoin, RowSet, State, ledger, statements};
use crate::report::TableChange;
use crate::sql::Statement;

/// A revive pass: the stamp whose rows it revives, the stamp of the restore it serves, and
/// what it changed.
#[doc(hidden)]
pub struct Revive {
    stamp: NaiveDateTime,
    /// The stamp of the restore this pass serves: a parent tombstoned at another stamp still
    /// hides its rows. The pass's own stamp, except where a restore hands back rows another
    /// delete took along ([`hand_back`]).
    held: NaiveDateTime,
    /// Rows revived per table, below the starting rows.
    pub(crate) changes: Vec<TableChange>,
}

impl Revive {
    /// A pass reviving what the operation of `stamp` tombstoned.
    pub(crate) fn new(stamp: NaiveDateTime) -> Self {
        Revive {
            stamp,
            held: stamp,
            changes: Vec::new(),
        }
    }

    /// Revives the rows of `set`, after what their edges reach; how many of `M`'s own rows.
    /// `revived` is the same rows once live again, for the ledger to forget.
    pub(crate) async fn rows<M, X>(
        &mut self,
        x: &mut X,
        set: &dyn RowSet<X::Backend>,
        revived: &dyn RowSet<X::Backend>,
    ) -> Result<usize>
    where
        X: Executor,
        X::Backend: SupportedBackend,
        M: SoftDeleteOn<X::Backend>,
    {
        M::CascadeEdges::run(x, set, self).await?;
        self.own::<M, X>(x, set, revived).await
    }

    /// The statement of `M` itself: the `UPDATE`, then the ledger's entries of what it revived
    /// (`revived`: the rows of `set`, live now).
    pub(crate) async fn own<M, X>(
        &mut self,
        x: &mut X,
        set: &dyn RowSet<X::Backend>,
        revived: &dyn RowSet<X::Backend>,
    ) -> Result<usize>
    where
        X: Executor,
        X::Backend: SupportedBackend,
        M: ModelOn<X::Backend>,
    {
        let statement = statements::update::<M, X::Backend>(M::set_active(), set);
        let rows = match x.execute(statement).await {
            Ok(rows) => rows,
            Err(error) => return Err(unique_conflict::<M, X>(x, error).await),
        };
        if M::USES_LEDGER && rows > 0 {
            x.execute(ledger::forget::<M, X::Backend>(self.stamp, revived))
                .await?;
        }
        Ok(rows)
    }

    fn record(&mut self, table: Cow<'static, str>, rows: usize) {
        crate::report::record(&mut self.changes, table, rows);
    }
}

impl<DB: SupportedBackend> Pass<DB> for Revive {
    async fn soft<Parent, Child, L, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Child: SoftDeleteOn<DB>,
        L: LinkColumns<DB>,
        X: Executor<Backend = DB>,
    {
        let linked = Linked::<Parent, Child, L, DB>::new(parent, State::At(self.stamp));
        let set = NotHeld::<Child, DB>::new(&linked, self.held, Parent::TABLE);
        let revived = Linked::<Parent, Child, L, DB>::new(parent, State::Live);
        let rows = self.rows::<Child, X>(x, &set, &revived).await?;
        self.record(Cow::Borrowed(Child::TABLE), rows);
        Ok(())
    }

    async fn owned<Parent, Child, L, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        Parent: ModelOn<DB>,
        Child: SoftDeleteOn<DB>,
        L: LinkColumns<DB>,
        X: Executor<Backend = DB>,
    {
        self.soft::<Parent, Child, L, X>(x, parent).await?;
        self.hand_back::<Parent, Child, L, X>(x, parent).await
    }

    async fn tree<M, L, Siblings, X>(&mut self, x: &mut X, parent: &dyn RowSet<DB>) -> Result<()>
    where
        M: ModelOn<DB>,
        M::Parents: ParentsOn<M, DB>,
        L: LinkColumns<DB>,
        Siblings: CascadeOn<M, DB>,
        X: Executor<Backend = DB>,
    {
        // A reply whose other parent (its author, say) another operation tombstoned stays
        // hidden, and its replies with it.
        let subtree =
            Descendants::<M, L, DB>::new(parent, State::At(self.stamp)).narrowed(Narrow {
                push: <M::Parents as ParentsOn<M, DB>>::not_held,
                stamp: self.held,
                from: M::TABLE,
            });
        Siblings::run_in_subtree(x, &subtree, self).await?;
        let revived = Descendants::<M, L, DB>::new(parent, State::Live);
        let rows = self.own::<M, X>(x, &subtree, &revived).await?;
        self.record(Cow::Borrowed(M::TABLE), rows);
        Ok(())
    }
}

impl Revive {
    /// Restoring owners brings back the owned records another owner's delete took along since
    /// (seed 000: two sites share a store; one is deleted, then the other, which takes the
    /// store; restoring the first must not leave it over a tombstoned store). Each comes back
    /// with what that delete hid below it, by that delete's stamp. Timestamp tombstones only: a
    /// flag records no stamp to tell whose delete it was.
    async fn hand_back<Parent, Child, L, X>(
        &mut self,
        x: &mut X,
        owners: &dyn RowSet<X::Backend>,
    ) -> Result<()>
    where
        X: Executor,
        X::Backend: SupportedBackend,
        Parent: ModelOn<X::Backend>,
        Child: SoftDeleteOn<X::Backend>,
        L: LinkColumns<X::Backend>,
    {
        if <Parent::Tombstone as Tombstone>::KIND != TombstoneKind::Timestamp
            || <Child::Tombstone as Tombstone>::KIND != TombstoneKind::Timestamp
        {
            return Ok(());
        }
        let mut after = None;
        loop {
            // The next stamp among the tombstoned records the restoring owners hold, then those
            // of that stamp that another owner's delete took along (and no other parent still
            // hides).
            let candidates = HiddenByOwner::<Parent, Child, L, X::Backend>::after(owners, after);
            let candidates =
                NotHeld::<Child, X::Backend>::new(&candidates, self.held, Parent::TABLE);
            let Some(stamp) = first_stamp::<Child, X>(x, &candidates).await? else {
                return Ok(());
            };
            after = Some(stamp);
            let group = HiddenByOwner::<Parent, Child, L, X::Backend>::taken_at(owners, stamp);
            let group = NotHeld::<Child, X::Backend>::new(&group, self.held, Parent::TABLE);
            let mut theirs = Revive {
                stamp,
                held: self.held,
                changes: Vec::new(),
            };
            let revived = Linked::<Parent, Child, L, X::Backend>::new(owners, State::Live);
            let rows = theirs.rows::<Child, X>(x, &group, &revived).await?;
            for change in theirs.changes {
                self.record(change.table, change.rows);
            }
            self.record(Cow::Borrowed(Child::TABLE), rows);
        }
    }
}

/// The rows of a restore's child set that no other parent, tombstoned by another operation,
/// still hides (seed 003: a payment whose end user is restored while its domain is deleted).
/// The others keep their tombstone, stamp and subtree, and come back with their own restore
/// once every parent is live.
struct NotHeld<'s, M, DB: SupportedBackend> {
    set: &'s dyn RowSet<DB>,
    /// The restore's stamp: a parent tombstoned at another one holds its rows back.
    held: NaiveDateTime,
    /// The parent table the restore comes down from.
    from: &'static str,
    model: core::marker::PhantomData<fn() -> M>,
}

impl<'s, M, DB: SupportedBackend> NotHeld<'s, M, DB> {
    fn new(set: &'s dyn RowSet<DB>, held: NaiveDateTime, from: &'static str) -> Self {
        NotHeld {
            set,
            held,
            from,
            model: core::marker::PhantomData,
        }
    }
}

impl<M: SoftDeleteOn<DB>, DB: SupportedBackend> RowSet<DB> for NotHeld<'_, M, DB> {
    fn condition<'s>(&'s self, out: &mut Statement<'s, DB>) {
        out.sql("(");
        self.set.condition(out);
        out.sql(")");
        M::ParentLinks::not_held(out, self.held, self.from);
    }

    fn parent_join(&self) -> Option<ParentJoin<'_, DB>> {
        // The set's join, its children's state narrowed to those no other parent holds.
        let mut join = self.set.parent_join()?;
        let mut state = Statement::new();
        state.sql("(").fragment(join.state).sql(")");
        M::ParentLinks::not_held(&mut state, self.held, self.from);
        join.state = Box::new(state);
        Some(join)
    }
}

/// A unique violation while restoring `M` as [`Error::UniqueConflict`] naming the index; other
/// errors as they are. PostgreSQL names the index in the error itself; MySQL and MariaDB in
/// their message (`... for key 'name'`, or `'table.name'`); SQLite names only the columns
/// (`UNIQUE constraint failed: t.a, t.b`), so the index is the catalog's unique index of the
/// table on exactly those columns. Where none can be told, the database's message stands.
async fn unique_conflict<M, X>(x: &mut X, error: diesel::result::Error) -> Error
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: Model,
{
    use diesel::result::{DatabaseErrorKind, Error as Diesel};
    let Diesel::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &error else {
        return error.into();
    };
    let message = info.message().to_owned();
    let named = match info.constraint_name() {
        Some(name) => Some(name.to_owned()),
        None => match key_in_message(&message) {
            Some(key) => Some(key.to_owned()),
            None => unique_index_on::<M, X>(x, &message).await,
        },
    };
    Error::UniqueConflict {
        table: M::TABLE,
        constraint: named.unwrap_or(message),
        source: error,
    }
}

/// The key MySQL and MariaDB name in `Duplicate entry '...' for key 'name'` (MySQL 8 writes
/// `'table.name'`).
fn key_in_message(message: &str) -> Option<&str> {
    let (_, quoted) = message.rsplit_once(" for key '")?;
    let key = quoted.strip_suffix('\'')?;
    Some(key.rsplit_once('.').map_or(key, |(_, index)| index))
}

/// SQLite's `UNIQUE constraint failed: t.a, t.b`: the unique index of `M`'s table on exactly
/// those columns, from the catalog.
async fn unique_index_on<M, X>(x: &mut X, message: &str) -> Option<String>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: Model,
{
    let columns: Vec<&str> = message
        .strip_prefix("UNIQUE constraint failed: ")?
        .split(", ")
        .map(|column| column.rsplit_once('.').map_or(column, |(_, name)| name))
        .collect();
    let catalog = crate::dialect::catalog::read_on(x).await.ok()?;
    let table = catalog.table(M::TABLE)?;
    table
        .indexes
        .iter()
        .find(|index| index.unique && !index.primary && index.columns == columns)
        .map(|index| index.name.clone())
}
