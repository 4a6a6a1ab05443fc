//! Sets of rows an operation reaches, written as SQL conditions and never loaded.
//!
//! A cascade is a chain of sets: the root rows, the live children of those rows, their live
//! children, ... Each set renders as a `WHERE` condition over its own table that nests the
//! condition of the set above it, so one statement per edge covers any number of rows.

use chrono::NaiveDateTime;
use diesel::Column;
use diesel::query_builder::QueryFragment;

use super::model::ModelOn;
use crate::dialect::SupportedBackend;
use crate::model::edges::Link;
use crate::model::key::PrimaryKey;
use crate::sql::{Fragment, Statement};

/// Which rows of a table a set keeps, by their tombstone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Live rows: what a soft delete may tombstone.
    Live,
    /// Any tombstoned row: the target of a restore by key.
    Deleted,
    /// Rows tombstoned by the operation whose stamp this is: what a restore revives.
    At(NaiveDateTime),
    /// Every row, live or tombstoned: `(<live> OR <deleted>)`. For the statements that read a
    /// row whatever its state (looking a row up by key, locking a parent before checking it),
    /// so that they name the tombstone and say, to a reader and to the
    /// [leak detector](crate::leak), that they mean every row.
    Any,
}

/// A set of rows of one model's table. `Sync`, so an operation on an async connection can hold
/// its sets across the statements it awaits.
pub trait RowSet<DB: SupportedBackend>: Sync {
    /// Pushes the condition that selects the set's rows from their table.
    fn condition<'s>(&'s self, out: &mut Statement<'s, DB>);

    /// The set as its table joined to its parent's, where it is one: a [`Linked`] set of
    /// another table's children. How backends that run `UPDATE` and `DELETE ... WHERE x IN
    /// (subquery)` as a subquery per row of the table (see
    /// [`SupportedBackend::JOIN_IN_WRITES`]) write to it.
    fn parent_join(&self) -> Option<ParentJoin<'_, DB>> {
        None
    }

    /// Whether the set is rows named by their keys (one row, or a batch of them): the
    /// children of so few rows are found through their keys read first, where the backend
    /// has [`SupportedBackend::KEYS_AS_ARRAY`] (see [`Linked`]).
    fn by_keys(&self) -> bool {
        false
    }

    /// The set's keys as bound values, ` IN ($1, ...)` (PostgreSQL: ` = ANY($1)`), where the
    /// set is exactly rows the operation has read and locked by key in its transaction (a
    /// purge's batch) and `columns` are their key's: a set of rows that reference those
    /// columns compares with the keys instead of reading its parents again.
    fn locked_keys_of(&self, _columns: &[&str]) -> Option<&(dyn QueryFragment<DB> + Sync)> {
        None
    }
}

/// A set of a child table's rows written as a join: `<child> INNER JOIN <parent table> ON
/// <child column> = <parent column>`, and `WHERE <state> AND (<parent's condition>)`.
pub struct ParentJoin<'s, DB: SupportedBackend> {
    /// The parent's table.
    pub parent_table: Fragment<'s, DB>,
    /// The child's column that holds the parent's.
    pub child_column: Fragment<'s, DB>,
    /// The parent's column the child's holds.
    pub parent_column: Fragment<'s, DB>,
    /// The children's state.
    pub state: Fragment<'s, DB>,
    /// The parent rows.
    pub parent: &'s dyn RowSet<DB>,
}

impl<'s, DB: SupportedBackend> ParentJoin<'s, DB> {
    /// Pushes ` INNER JOIN <parent table> ON <child column> = <parent column>` after a
    /// statement's target table; what is left is the condition, for after ` WHERE `.
    pub(crate) fn push_join(self, out: &mut Statement<'s, DB>) -> JoinedRows<'s, DB> {
        out.sql(" INNER JOIN ")
            .fragment(self.parent_table)
            .sql(" ON ")
            .fragment(self.child_column)
            .sql(" = ")
            .fragment(self.parent_column);
        JoinedRows {
            state: self.state,
            parent: self.parent,
        }
    }
}

/// The condition of a [`ParentJoin`] once its join is written: the children's state and the
/// parent's condition.
pub(crate) struct JoinedRows<'s, DB: SupportedBackend> {
    state: Fragment<'s, DB>,
    parent: &'s dyn RowSet<DB>,
}

impl<'s, DB: SupportedBackend> JoinedRows<'s, DB> {
    /// Pushes `<state> AND (<parent's condition>)`.
    pub(crate) fn condition(self, out: &mut Statement<'s, DB>) {
        out.fragment(self.state).sql(" AND (");
        self.parent.condition(out);
        out.sql(")");
    }
}

/// Pushes `SELECT <column> FROM <table> WHERE <condition of set>`.
pub(crate) fn select<'s, DB: SupportedBackend>(
    out: &mut Statement<'s, DB>,
    column: Fragment<'s, DB>,
    table: Fragment<'s, DB>,
    set: &'s dyn RowSet<DB>,
) {
    out.sql("SELECT ")
        .fragment(column)
        .sql(" FROM ")
        .fragment(table)
        .sql(" WHERE ");
    set.condition(out);
}

/// The rows an operation starts from: a key or a predicate, in a state.
pub struct Root<'p, M, DB> {
    target: &'p (dyn QueryFragment<DB> + Sync + 'p),
    state: State,
    /// The target names rows by key, rather than by a predicate.
    by_keys: bool,
    /// The keys of rows read and locked in `state`, when the target names exactly those.
    locked: Option<&'p (dyn QueryFragment<DB> + Sync + 'p)>,
    model: core::marker::PhantomData<fn() -> M>,
}

impl<'p, M, DB> Root<'p, M, DB> {
    /// The rows `target` selects, a predicate of any size, in `state`.
    pub(crate) fn new(target: &'p (dyn QueryFragment<DB> + Sync + 'p), state: State) -> Self {
        Root {
            target,
            state,
            by_keys: false,
            locked: None,
            model: core::marker::PhantomData,
        }
    }

    /// The same rows, `target` naming them by key (`key = $1`, `key IN (...)`).
    pub(crate) fn by_keys(mut self) -> Self {
        self.by_keys = true;
        self
    }

    /// The same rows, `target` naming by key rows this transaction has read in the set's
    /// state and locked, so that no other can change them, and `keys` listing their keys
    /// (` IN ($1, ...)`, or ` = ANY($1)` on PostgreSQL): [`RowSet::locked_keys_of`]. Only where
    /// nothing in the transaction changed those rows since (a purge's batch with no `before`
    /// hook).
    pub(crate) fn locked(mut self, keys: &'p (dyn QueryFragment<DB> + Sync + 'p)) -> Self {
        self.by_keys = true;
        self.locked = Some(keys);
        self
    }
}

impl<M: ModelOn<DB>, DB: SupportedBackend> RowSet<DB> for Root<'_, M, DB> {
    fn condition<'s>(&'s self, out: &mut Statement<'s, DB>) {
        out.sql("(")
            .push(self.target)
            .sql(") AND ")
            .fragment(M::in_state(self.state));
    }

    fn by_keys(&self) -> bool {
        self.by_keys
    }

    fn locked_keys_of(&self, columns: &[&str]) -> Option<&(dyn QueryFragment<DB> + Sync)> {
        self.locked
            .filter(|_| <M::Key as PrimaryKey>::NAMES == columns)
    }
}

/// How a child table hangs off its parent: `child.<child column> = parent.<parent column>`.
pub trait LinkColumns<DB: SupportedBackend> {
    /// The name of the column on the child's table.
    const CHILD_NAME: &'static str;
    /// The name of the column on the parent's table.
    const PARENT_NAME: &'static str;
    /// The column on the child's table.
    fn child_column<'a>() -> Fragment<'a, DB>;
    /// The column on the parent's table.
    fn parent_column<'a>() -> Fragment<'a, DB>;
}

impl<ChildColumn, ParentColumn, DB> LinkColumns<DB> for Link<ChildColumn, ParentColumn>
where
    ChildColumn: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    ParentColumn: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    DB: SupportedBackend,
{
    const CHILD_NAME: &'static str = ChildColumn::NAME;
    const PARENT_NAME: &'static str = ParentColumn::NAME;

    fn child_column<'a>() -> Fragment<'a, DB> {
        Box::new(ChildColumn::default())
    }

    fn parent_column<'a>() -> Fragment<'a, DB> {
        Box::new(ParentColumn::default())
    }
}

/// The rows of model `M`, in a state, linked by `L` to a set of parent rows of `P`.
pub struct Linked<'s, P, M, L, DB: SupportedBackend> {
    parent: &'s dyn RowSet<DB>,
    state: State,
    /// Read the parents' keys first, where the backend has [`SupportedBackend::KEYS_AS_ARRAY`].
    keys_first: bool,
    types: core::marker::PhantomData<fn() -> (P, M, L)>,
}

impl<'s, P, M, L, DB: SupportedBackend> Linked<'s, P, M, L, DB> {
    pub(crate) fn new(parent: &'s dyn RowSet<DB>, state: State) -> Self {
        Linked {
            parent,
            state,
            keys_first: false,
            types: core::marker::PhantomData,
        }
    }

    /// The same rows, for a parent set known to be small next to the children's table (a
    /// purge's batch and what hangs off it): on PostgreSQL the parents' keys are read first,
    /// `child = ANY(ARRAY(SELECT ...))`, and the children are found through their index. As
    /// `IN (SELECT ...)` the planner may join a scan of the whole child table instead (a batch
    /// of 500 repos' issues among 100,000: 19 ms, against 5 ms). A parent set named by key
    /// ([`RowSet::by_keys`]) is read this way without asking: under an `IN` the planner may
    /// look the parent up again for every candidate child (reading a restored repo's 1,000,000
    /// comments' keys for the ledger: 2.2 s, against 1.5 s).
    pub(crate) fn keys_first(mut self) -> Self {
        self.keys_first = true;
        self
    }
}

impl<P, M, L: LinkColumns<DB>, DB: SupportedBackend> Linked<'_, P, M, L, DB> {
    /// The parents' keys, bound, where the parent set is locked rows (see
    /// [`RowSet::locked_keys_of`]) and the link holds their key: the children are then `<child
    /// column> IN ($1, ...)` (PostgreSQL: `= ANY($1)`), and the parents' table is not read.
    fn parents_bound(&self) -> Option<&(dyn QueryFragment<DB> + Sync)> {
        self.parent.locked_keys_of(&[L::PARENT_NAME])
    }
}

impl<P, M, L, DB> RowSet<DB> for Linked<'_, P, M, L, DB>
where
    P: ModelOn<DB>,
    M: ModelOn<DB>,
    L: LinkColumns<DB>,
    DB: SupportedBackend,
{
    fn condition<'s>(&'s self, out: &mut Statement<'s, DB>) {
        out.fragment(M::in_state(self.state))
            .sql(" AND ")
            .fragment(L::child_column());
        if let Some(keys) = self.parents_bound() {
            out.push(keys);
            return;
        }
        let array = DB::KEYS_AS_ARRAY && (self.keys_first || self.parent.by_keys());
        out.sql(if array { " = ANY(ARRAY(" } else { " IN (" });
        select(out, L::parent_column(), P::table(), self.parent);
        out.sql(if array { "))" } else { ")" });
    }

    fn parent_join(&self) -> Option<ParentJoin<'_, DB>> {
        // A table joined to itself would be both the write's target and its source; parents
        // whose keys are bound need no join.
        let joinable = !P::TABLE.eq_ignore_ascii_case(M::TABLE) && self.parents_bound().is_none();
        joinable.then(|| ParentJoin {
            parent_table: P::table(),
            child_column: L::child_column(),
            parent_column: L::parent_column(),
            state: M::in_state(self.state),
            parent: self.parent,
        })
    }
}

/// The live rows of `M` linked by `L` to a set of parent rows of `P` that no other live row of
/// `P` links to: an owned record (`#[cascade(Child(owned))]`) that an owner outside the set
/// still uses stays with that owner.
pub struct Unshared<'s, P, M, L, DB: SupportedBackend> {
    linked: Linked<'s, P, M, L, DB>,
}

impl<'s, P, M, L, DB: SupportedBackend> Unshared<'s, P, M, L, DB> {
    pub(crate) fn new(parent: &'s dyn RowSet<DB>) -> Self {
        Unshared {
            linked: Linked::new(parent, State::Live),
        }
    }
}

impl<P, M, L, DB> RowSet<DB> for Unshared<'_, P, M, L, DB>
where
    P: ModelOn<DB>,
    M: ModelOn<DB>,
    L: LinkColumns<DB>,
    DB: SupportedBackend,
{
    fn condition<'s>(&'s self, out: &mut Statement<'s, DB>) {
        self.linked.condition(out);
        // Correlated, so each record looks up its own owners by the link's index. `IS NOT
        // TRUE`, not `NOT`: a parent row the set's condition says NULL of (a NULL foreign key
        // somewhere up the chain) is outside the set, and so another owner.
        out.sql(" AND NOT EXISTS (SELECT 1 FROM ")
            .fragment(P::table())
            .sql(" WHERE ")
            .fragment(L::parent_column())
            .sql(" = ")
            .fragment(L::child_column())
            .sql(" AND ")
            .fragment(P::in_state(State::Live))
            .sql(" AND (");
        self.linked.parent.condition(out);
        out.sql(") IS NOT TRUE)");
    }
}

/// Tombstoned rows of `M` linked by `L` to a set of `P`'s rows (owners being restored): made
/// with `after`, those stamped later than a stamp (the candidates, in stamp order); with
/// `taken_at`, those of one stamp that another row of `P`, outside the set and tombstoned at
/// that stamp, took along with its own delete.
pub struct HiddenByOwner<'s, P, M, L, DB: SupportedBackend> {
    linked: Linked<'s, P, M, L, DB>,
    after: Option<NaiveDateTime>,
    taken_at: Option<NaiveDateTime>,
}

impl<'s, P, M, L, DB: SupportedBackend> HiddenByOwner<'s, P, M, L, DB> {
    pub(crate) fn after(owners: &'s dyn RowSet<DB>, after: Option<NaiveDateTime>) -> Self {
        HiddenByOwner {
            linked: Linked::new(owners, State::Deleted),
            after,
            taken_at: None,
        }
    }

    pub(crate) fn taken_at(owners: &'s dyn RowSet<DB>, stamp: NaiveDateTime) -> Self {
        HiddenByOwner {
            linked: Linked::new(owners, State::At(stamp)),
            after: None,
            taken_at: Some(stamp),
        }
    }
}

impl<P, M, L, DB> RowSet<DB> for HiddenByOwner<'_, P, M, L, DB>
where
    P: ModelOn<DB>,
    M: ModelOn<DB>,
    L: LinkColumns<DB>,
    DB: SupportedBackend,
{
    fn condition<'s>(&'s self, out: &mut Statement<'s, DB>) {
        self.linked.condition(out);
        if let Some(after) = self.after {
            // Stamped later: neither before `after` nor at it.
            out.sql(" AND NOT (")
                .fragment(M::deleted_before(after))
                .sql(" OR ")
                .fragment(M::in_state(State::At(after)))
                .sql(")");
        }
        if let Some(stamp) = self.taken_at {
            // Stamps are compared as bound values in each table's own type, never column to
            // column (SQLite stores two timestamp types as different text).
            out.sql(" AND EXISTS (SELECT 1 FROM ")
                .fragment(P::table())
                .sql(" WHERE ")
                .fragment(L::parent_column())
                .sql(" = ")
                .fragment(L::child_column())
                .sql(" AND ")
                .fragment(P::in_state(State::At(stamp)))
                .sql(" AND (");
            self.linked.parent.condition(out);
            out.sql(") IS NOT TRUE)");
        }
    }
}

/// The descendants of a set of rows of `M` through the self-referencing column `L`: a
/// recursive query, so a whole subtree is one statement whatever its depth.
pub struct Descendants<'s, M, L, DB: SupportedBackend> {
    roots: &'s dyn RowSet<DB>,
    state: State,
    narrow: Option<Narrow<DB>>,
    types: core::marker::PhantomData<fn() -> (M, L)>,
}

/// A condition pushed onto every row a recursive query reaches, and what it needs.
pub(crate) struct Narrow<DB: SupportedBackend> {
    /// Pushes ` AND ...` for the table's rows.
    pub(crate) push: fn(&mut Statement<'_, DB>, NaiveDateTime, &'static str),
    /// The operation's stamp.
    pub(crate) stamp: NaiveDateTime,
    /// The parent table the condition leaves out.
    pub(crate) from: &'static str,
}

impl<'s, M, L, DB: SupportedBackend> Descendants<'s, M, L, DB> {
    pub(crate) fn new(roots: &'s dyn RowSet<DB>, state: State) -> Self {
        Descendants {
            roots,
            state,
            narrow: None,
            types: core::marker::PhantomData,
        }
    }

    /// Only the rows `narrow` keeps, and only below them: a row it leaves out keeps its
    /// subtree out too.
    pub(crate) fn narrowed(mut self, narrow: Narrow<DB>) -> Self {
        self.narrow = Some(narrow);
        self
    }

    fn push_narrow(&self, out: &mut Statement<'_, DB>) {
        if let Some(narrow) = &self.narrow {
            (narrow.push)(out, narrow.stamp, narrow.from);
        }
    }
}

impl<M, L, DB> RowSet<DB> for Descendants<'_, M, L, DB>
where
    M: ModelOn<DB>,
    L: LinkColumns<DB>,
    DB: SupportedBackend,
{
    fn condition<'s>(&'s self, out: &mut Statement<'s, DB>) {
        // UNION, not UNION ALL: a cycle in the data ends the recursion instead of looping.
        out.fragment(M::in_state(self.state))
            .sql(" AND ")
            .fragment(M::key())
            .sql(" IN (SELECT ")
            .ident(TREE_KEY)
            .sql(" FROM (WITH RECURSIVE ")
            .ident(TREE)
            .sql(" (")
            .ident(TREE_KEY)
            .sql(") AS (SELECT ")
            .fragment(M::key())
            .sql(" FROM ")
            .fragment(M::table())
            .sql(" WHERE ")
            .fragment(M::in_state(self.state));
        self.push_narrow(out);
        out.sql(" AND ").fragment(L::child_column()).sql(" IN (");
        select(out, L::parent_column(), M::table(), self.roots);
        out.sql(") UNION SELECT ")
            .fragment(M::key())
            .sql(" FROM ")
            .fragment(M::table())
            .sql(" INNER JOIN ")
            .ident(TREE)
            .sql(" ON ")
            .fragment(L::child_column())
            .sql(" = ")
            .ident(TREE)
            .sql(".")
            .ident(TREE_KEY)
            .sql(" WHERE ")
            .fragment(M::in_state(self.state));
        self.push_narrow(out);
        out.sql(") SELECT ")
            .ident(TREE_KEY)
            .sql(" FROM ")
            .ident(TREE)
            .sql(") ")
            .ident(TREE_ALIAS)
            .sql(") AND NOT (");
        // The roots are not their own descendants, even when a cycle in the data says so.
        self.roots.condition(out);
        out.sql(")");
    }
}

/// The rows of two sets of the same table: `(a) OR (b)`.
pub struct Either<'s, DB: SupportedBackend>(pub &'s dyn RowSet<DB>, pub &'s dyn RowSet<DB>);

impl<DB: SupportedBackend> RowSet<DB> for Either<'_, DB> {
    fn condition<'s>(&'s self, out: &mut Statement<'s, DB>) {
        out.sql("((");
        self.0.condition(out);
        out.sql(") OR (");
        self.1.condition(out);
        out.sql("))");
    }
}

/// Names used by the recursive query; chosen not to collide with user tables.
const TREE: &str = "soft_delete_tree";
const TREE_KEY: &str = "soft_delete_key";
const TREE_ALIAS: &str = "soft_delete_subtree";
