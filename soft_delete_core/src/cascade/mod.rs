//! Cascade edges: what soft deleting (and restoring) a row does to the rows that hang off it.
//!
//! The derive writes a model's edges as a tuple of edge types (hidden here: they are the
//! derive's vocabulary, not an API to write by hand) in [`SoftDelete::Cascade`]; this module
//! executes them. Every edge
//! is one statement over a *set* of rows described in SQL (see the `rowset` module), so a
//! cascade runs the same number of statements for ten children as for a million, and never
//! loads a child row into the program. Deletes run deepest tables first, so each statement's
//! subqueries still see the rows above them as they were.

pub mod graph;
mod owners;
mod parents;
mod probe;

use std::borrow::Cow;

use chrono::NaiveDateTime;
use diesel::connection::LoadConnection;
use diesel::query_builder::QueryFragment;
use diesel::sql_types::IntoNullable;
use diesel::{Column, RunQueryDsl};

use crate::backend::{ActorBinder, Assignment, ModelOn, SupportedBackend};
use crate::error::{Error, Result};
use crate::ledger;
use crate::model::SoftDelete;
use crate::report::TableChange;
use crate::rowset::{
    Descendants, HiddenByOwner, LinkColumns, Linked, Narrow, RowSet, State, Unshared, select,
};
use crate::sql::{Fragment, Statement};

pub use graph::{CascadeGraph, GraphEdge, Policy, Target};
pub use owners::IsOwned;
pub use parents::{HasParent, ParentLink, ParentOn, ParentsOn, RestoreUp, climb};
pub use probe::{LiveFilter, LiveFilterOf, Probe, ProbeOther, ProbeSoft};

pub(crate) use crate::purge::Blocker;

#[doc(hidden)]
/// A soft edge to `Child`, whose foreign key column `Fk` holds the parent's key.
pub struct Soft<Child, Fk>(core::marker::PhantomData<fn() -> (Child, Fk)>);

#[doc(hidden)]
/// A soft edge to an owned `Child` whose key the parent's column `ParentColumn` holds
/// (seed 000: `hosted_sites.store_id -> stores`).
pub struct Owned<Child, ParentColumn>(core::marker::PhantomData<fn() -> (Child, ParentColumn)>);

#[doc(hidden)]
/// A self-referencing soft edge: rows of the model whose column `Fk` holds another row's key.
pub struct Tree<Fk>(core::marker::PhantomData<fn() -> Fk>);

#[doc(hidden)]
/// A hard edge: rows of `Child` (not soft-deletable) whose foreign key `Fk` holds the parent's
/// key are deleted for real.
pub struct Hard<Child, Fk>(core::marker::PhantomData<fn() -> (Child, Fk)>);

#[doc(hidden)]
/// A restricting edge: the operation is refused while rows of `Child` reference the parent
/// through `Fk`; `Live` says which rows count (tombstoned rows of a soft-deletable child don't).
pub struct Restrict<Child, Fk, Live>(core::marker::PhantomData<fn() -> (Child, Fk, Live)>);

#[doc(hidden)]
/// A kept edge: rows whose column `Fk` holds the parent's key outlive it on purpose, so no
/// phase touches them. It exists for the graph (and the schema audit) to know the reference is
/// meant.
pub struct Keep<Fk>(core::marker::PhantomData<fn() -> Fk>);

#[doc(hidden)]
/// The edge of `Self` to `Child`, for the parent checks of `Child`'s restore.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no soft cascade edge to `{Child}`",
    label = "`{Child}` names `{Self}` as its parent",
    note = "add `#[cascade({Child})]` to `{Self}`, or drop `parent = {Self}` from `{Child}`"
)]
pub trait CascadesTo<Child> {
    /// The edge: [`Soft`], [`Owned`] or [`Tree`].
    type Edge;
}

#[doc(hidden)]
/// Column `Self` holds keys of `Target`: their SQL types match, nullability aside.
pub trait ForeignKeyOf<Target> {}

impl<Fk, Target> ForeignKeyOf<Target> for Fk
where
    Fk: Column,
    Fk::SqlType: IntoNullable,
    Target: SoftDelete,
    <Target::Key as diesel::Expression>::SqlType: IntoNullable,
    <Fk::SqlType as IntoNullable>::Nullable:
        SameSqlType<<<Target::Key as diesel::Expression>::SqlType as IntoNullable>::Nullable>,
{
}

#[doc(hidden)]
/// `Self` and `Other` are the same SQL type.
#[diagnostic::on_unimplemented(
    message = "a cascade edge links a column of SQL type `{Self}` to a key of SQL type `{Other}`",
    label = "this edge's foreign key has the wrong SQL type",
    note = "a foreign key must have the SQL type of the key it references; fix the column in `table!`, or name the right one with `foreign_key = table::column`"
)]
pub trait SameSqlType<Other> {}

impl<T> SameSqlType<T> for T {}

#[doc(hidden)]
/// `Self` is a child of `Parent` in Diesel's terms: it has `#[diesel(belongs_to(Parent))]`.
///
/// `#[derive(SoftDelete)]` implements it for each `belongs_to` it reads, so a soft edge to a
/// model without one fails here, with a message that says what to write.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not belong to `{Parent}`, so the cascade cannot find its foreign key",
    label = "no `belongs_to` links these models",
    note = "add `#[diesel(belongs_to({Parent}))]` to `{Self}`, or name the column: `#[cascade({Self}(foreign_key = table::column))]`; for a record whose key sits on the parent, write `#[cascade({Self}(owned))]`"
)]
pub trait ChildOf<Parent> {
    /// The column of `Self` that holds `Parent`'s key.
    type ForeignKey;
}

#[doc(hidden)]
/// The columns that join a child table to its parent table.
pub struct Link<ChildColumn, ParentColumn>(
    core::marker::PhantomData<fn() -> (ChildColumn, ParentColumn)>,
);

impl<ChildColumn, ParentColumn, DB> LinkColumns<DB> for Link<ChildColumn, ParentColumn>
where
    ChildColumn: Column + Default + QueryFragment<DB> + 'static,
    ParentColumn: Column + Default + QueryFragment<DB> + 'static,
    DB: SupportedBackend,
{
    fn child_column<'a>() -> Fragment<'a, DB> {
        Box::new(ChildColumn::default())
    }

    fn parent_column<'a>() -> Fragment<'a, DB> {
        Box::new(ParentColumn::default())
    }
}

#[doc(hidden)]
/// The link columns of an edge from `Parent`.
pub trait EdgeLink<Parent: SoftDelete> {
    /// Child column and parent column.
    type Link;
}

impl<Parent: SoftDelete, Child, Fk> EdgeLink<Parent> for Soft<Child, Fk> {
    type Link = Link<Fk, Parent::Key>;
}

impl<Parent: SoftDelete, Child: SoftDelete, ParentColumn> EdgeLink<Parent>
    for Owned<Child, ParentColumn>
{
    type Link = Link<Child::Key, ParentColumn>;
}

impl<Parent: SoftDelete, Fk> EdgeLink<Parent> for Tree<Fk> {
    type Link = Link<Fk, Parent::Key>;
}

/// What one operation carries down the graph: its stamp, its actor, what it changed, and for a
/// purge the foreign keys that may still reference the rows it deletes.
#[doc(hidden)]
pub struct Walk<'a, DB: SupportedBackend> {
    pub(crate) stamp: NaiveDateTime,
    /// The stamp of the restore this walk serves: a parent tombstoned at another stamp still
    /// hides its rows. The walk's own stamp, except where a restore hands back rows another
    /// delete took along ([`hand_back`]).
    pub(crate) held: NaiveDateTime,
    pub(crate) actor: Option<ActorBinder<'a, DB>>,
    pub(crate) changes: Vec<TableChange>,
    pub(crate) blockers: &'a [Blocker],
    /// Tables with a self-referencing edge, and its column: deleting their rows for real must
    /// go leaves first where the database checks foreign keys row by row.
    pub(crate) self_links: Vec<(&'static str, &'static str)>,
}

impl<'a, DB: SupportedBackend> Walk<'a, DB> {
    pub(crate) fn new(stamp: NaiveDateTime, actor: Option<ActorBinder<'a, DB>>) -> Self {
        Walk {
            stamp,
            held: stamp,
            actor,
            changes: Vec::new(),
            blockers: &[],
            self_links: Vec::new(),
        }
    }

    /// Adds `rows` changed in `table`, merging with what the table already had.
    pub(crate) fn record(&mut self, table: Cow<'static, str>, rows: usize) {
        if rows > 0 {
            crate::report::merge(&mut self.changes, table, rows);
        }
    }
}

/// What an edge does to a set of child rows; the same tuple runs again over a subtree's
/// descendants through `rest` (without its tree edges).
#[doc(hidden)]
pub type Rest<'r, C, DB> =
    &'r dyn Fn(&mut C, &dyn RowSet<DB>, &mut Walk<'_, DB>, Phase) -> Result<()>;

/// The three passes an operation makes over its graph.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Refuse the operation if a restricting edge has live rows; changes nothing.
    Check,
    /// Tombstone, deepest tables first.
    Delete,
    /// Revive what the walk's stamp tombstoned, deepest tables first.
    Restore,
    /// Before a purge: refuse if a tombstoned row to purge still has live children, or rows
    /// reference it through a restricting edge; changes nothing.
    PurgeCheck,
    /// Delete for real the tombstoned rows and their tombstoned descendants, children first.
    Purge,
    /// Delete for real the rows and every descendant, live or tombstoned, children first.
    HardDelete,
    /// Refuse if a live row hangs off the tombstoned rows, anywhere down the soft edges;
    /// changes nothing (the test helpers' "the whole cascade is tombstoned").
    LiveCheck,
    /// Before a hard delete: refuse if any row, live or tombstoned, references the subtree
    /// through a restricting edge; changes nothing.
    HardCheck,
}

/// One edge of a model's cascade, executable on `DB`.
#[doc(hidden)]
pub trait EdgeOn<Parent, DB: SupportedBackend> {
    /// Runs `phase` of this edge for the rows of `parent`.
    fn run<C>(
        conn: &mut C,
        parent: &dyn RowSet<DB>,
        walk: &mut Walk<'_, DB>,
        phase: Phase,
        rest: Rest<'_, C, DB>,
    ) -> Result<()>
    where
        C: LoadConnection<Backend = DB>;
}

/// A tuple of edges, executable on `DB`.
#[doc(hidden)]
pub trait CascadeOn<Parent, DB: SupportedBackend> {
    /// Runs `phase` of every edge for the rows of `parent`; tree edges only when `trees`.
    fn run<C>(
        conn: &mut C,
        parent: &dyn RowSet<DB>,
        walk: &mut Walk<'_, DB>,
        phase: Phase,
        trees: bool,
    ) -> Result<()>
    where
        C: LoadConnection<Backend = DB>;
}

impl<Parent, DB: SupportedBackend> CascadeOn<Parent, DB> for () {
    fn run<C>(_: &mut C, _: &dyn RowSet<DB>, _: &mut Walk<'_, DB>, _: Phase, _: bool) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        Ok(())
    }
}

/// Whether an edge type is a self-referencing tree, so a subtree's walk can skip it.
#[doc(hidden)]
pub trait IsTree {
    /// `true` for [`Tree`].
    const TREE: bool = false;
}

impl<Child, Fk> IsTree for Soft<Child, Fk> {}
impl<Child, ParentColumn> IsTree for Owned<Child, ParentColumn> {}
impl<Child, Fk> IsTree for Hard<Child, Fk> {}
impl<Fk> IsTree for Keep<Fk> {}
impl<Child, Fk, Live> IsTree for Restrict<Child, Fk, Live> {}
impl<Fk> IsTree for Tree<Fk> {
    const TREE: bool = true;
}

macro_rules! cascade_tuple {
    ($($edge:ident),+) => {
        impl<Parent, DB: SupportedBackend, $($edge),+> CascadeOn<Parent, DB> for ($($edge,)+)
        where
            $($edge: EdgeOn<Parent, DB> + IsTree,)+
        {
            fn run<C>(conn: &mut C, parent: &dyn RowSet<DB>, walk: &mut Walk<'_, DB>, phase: Phase, trees: bool) -> Result<()>
            where
                C: LoadConnection<Backend = DB>,
            {
                let rest = |conn: &mut C, set: &dyn RowSet<DB>, walk: &mut Walk<'_, DB>, phase: Phase| {
                    <Self as CascadeOn<Parent, DB>>::run(conn, set, walk, phase, false)
                };
                $(
                    if trees || !<$edge as IsTree>::TREE {
                        <$edge as EdgeOn<Parent, DB>>::run(conn, parent, walk, phase, &rest)?;
                    }
                )+
                Ok(())
            }
        }
    };
}

cascade_tuple!(A);
cascade_tuple!(A, B);
cascade_tuple!(A, B, C2);
cascade_tuple!(A, B, C2, D);
cascade_tuple!(A, B, C2, D, E);
cascade_tuple!(A, B, C2, D, E, F);
cascade_tuple!(A, B, C2, D, E, F, G);
cascade_tuple!(A, B, C2, D, E, F, G, H);
cascade_tuple!(A, B, C2, D, E, F, G, H, I);
cascade_tuple!(A, B, C2, D, E, F, G, H, I, J);
cascade_tuple!(A, B, C2, D, E, F, G, H, I, J, K);
cascade_tuple!(A, B, C2, D, E, F, G, H, I, J, K, L);
cascade_tuple!(A, B, C2, D, E, F, G, H, I, J, K, L, M);
cascade_tuple!(A, B, C2, D, E, F, G, H, I, J, K, L, M, N);
cascade_tuple!(A, B, C2, D, E, F, G, H, I, J, K, L, M, N, O);
cascade_tuple!(A, B, C2, D, E, F, G, H, I, J, K, L, M, N, O, P);

/// Runs `phase` for the rows of `set`, a set of `M`'s rows: `M`'s own edges first (deepest
/// tables first), then `M`'s own statement.
pub(crate) fn visit<M, C>(
    conn: &mut C,
    set: &dyn RowSet<C::Backend>,
    walk: &mut Walk<'_, C::Backend>,
    phase: Phase,
    edges: &dyn Fn(&mut C, &dyn RowSet<C::Backend>, &mut Walk<'_, C::Backend>, Phase) -> Result<()>,
) -> Result<usize>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: ModelOn<C::Backend>,
{
    edges(conn, set, walk, phase)?;
    let rows = match phase {
        Phase::Check | Phase::PurgeCheck | Phase::LiveCheck | Phase::HardCheck => 0,
        Phase::Purge | Phase::HardDelete => crate::purge::delete_rows::<M, C>(conn, set, walk)?,
        Phase::Delete => {
            if M::USES_LEDGER {
                ledger::record::<M, C>(conn, set, walk.stamp)?;
            }
            let assignments = M::set_deleted(walk.stamp, walk.actor.as_ref());
            update::<M, C::Backend>(assignments, set).execute(conn)?
        }
        Phase::Restore => {
            let rows = update::<M, C::Backend>(M::set_active(), set)
                .execute(conn)
                .map_err(|error| unique_conflict::<M>(error))?;
            if M::USES_LEDGER {
                ledger::forget::<M, C>(conn, walk.stamp)?;
            }
            rows
        }
    };
    Ok(rows)
}

/// A unique violation while restoring `M` as [`Error::UniqueConflict`]; other errors as they are.
fn unique_conflict<M: SoftDelete>(error: diesel::result::Error) -> Error {
    use diesel::result::{DatabaseErrorKind, Error as Diesel};
    let Diesel::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &error else {
        return error.into();
    };
    let constraint = info
        .constraint_name()
        .map_or_else(|| info.message().to_owned(), ToOwned::to_owned);
    Error::UniqueConflict {
        table: M::TABLE,
        constraint,
        source: error,
    }
}

/// The state a child set keeps in `phase`.
fn child_state(phase: Phase, stamp: NaiveDateTime) -> State {
    match phase {
        Phase::Check | Phase::Delete => State::Live,
        Phase::Restore => State::At(stamp),
        Phase::PurgeCheck | Phase::Purge | Phase::LiveCheck => State::Deleted,
        Phase::HardDelete | Phase::HardCheck => State::Any,
    }
}

/// [`Error::Referenced`] if `set`, the live children of rows a purge would delete, has rows.
fn refuse_live<Child, C>(
    conn: &mut C,
    set: &dyn RowSet<C::Backend>,
    parent: &'static str,
) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    Child: ModelOn<C::Backend>,
{
    let rows = crate::rowset::count::<Child, C>(conn, set)?;
    Error::unless_unreferenced(
        rows,
        parent,
        || format!("{} (live rows)", Child::TABLE),
        None,
    )
}

/// The rows of two sets of the same table: `(a) OR (b)`.
struct Either<'s, DB: SupportedBackend>(&'s dyn RowSet<DB>, &'s dyn RowSet<DB>);

impl<DB: SupportedBackend> RowSet<DB> for Either<'_, DB> {
    fn condition<'s>(&'s self, out: &mut Statement<'s, DB>) {
        out.sql("((");
        self.0.condition(out);
        out.sql(") OR (");
        self.1.condition(out);
        out.sql("))");
    }
}

/// `UPDATE table SET assignments WHERE <set>`.
pub(crate) fn update<'s, M, DB>(
    assignments: Vec<Assignment<'s, DB>>,
    set: &'s dyn RowSet<DB>,
) -> Statement<'s, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = Statement::new();
    statement.sql("UPDATE ").fragment(M::table()).sql(" SET ");
    for (index, assignment) in assignments.into_iter().enumerate() {
        if index > 0 {
            statement.sql(", ");
        }
        statement
            .ident(assignment.column)
            .sql(" = ")
            .fragment(assignment.value);
    }
    statement.sql(" WHERE ");
    set.condition(&mut statement);
    statement
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

/// A soft child's own edges over `set`: what [`visit`] runs before the child's statement.
fn child_edges<Child, C>(
    conn: &mut C,
    set: &dyn RowSet<C::Backend>,
    walk: &mut Walk<'_, C::Backend>,
    phase: Phase,
) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    Child: crate::SoftDeleteOn<C::Backend>,
{
    Child::cascade(conn, set, walk, phase, true)
}

impl<M: crate::SoftDeleteOn<DB>, DB: SupportedBackend> RowSet<DB> for NotHeld<'_, M, DB> {
    fn condition<'s>(&'s self, out: &mut Statement<'s, DB>) {
        out.sql("(");
        self.set.condition(out);
        out.sql(")");
        M::not_held(out, self.held, self.from);
    }
}

/// A soft edge to a model with its own graph: the child's edges, then the child. `owned`
/// edges leave alone the live records another live owner still uses ([`Unshared`]); a restore
/// leaves alone the rows another tombstoned parent still hides ([`NotHeld`]).
fn soft_child<Parent, Child, L, C>(
    conn: &mut C,
    parent: &dyn RowSet<C::Backend>,
    walk: &mut Walk<'_, C::Backend>,
    phase: Phase,
    owned: bool,
) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    Parent: ModelOn<C::Backend>,
    Child: crate::SoftDeleteOn<C::Backend>,
    L: LinkColumns<C::Backend>,
{
    let unshared = Unshared::<Parent, Child, L, C::Backend>::new(parent);
    let live = Linked::<Parent, Child, L, C::Backend>::new(parent, State::Live);
    let live: &dyn RowSet<C::Backend> = if owned { &unshared } else { &live };
    if matches!(phase, Phase::PurgeCheck | Phase::LiveCheck) {
        refuse_live::<Child, C>(conn, live, Parent::TABLE)?;
    }
    let state = child_state(phase, walk.stamp);
    let linked = Linked::<Parent, Child, L, C::Backend>::new(parent, state);
    let not_held = NotHeld::<Child, C::Backend>::new(&linked, walk.held, Parent::TABLE);
    let set: &dyn RowSet<C::Backend> = match phase {
        _ if state == State::Live => live,
        Phase::Restore => &not_held,
        _ => &linked,
    };
    if matches!(phase, Phase::PurgeCheck | Phase::HardCheck) {
        Child::refuse_owners(conn, set)?;
    }
    let rows = visit::<Child, C>(conn, set, walk, phase, &child_edges::<Child, C>)?;
    walk.record(Cow::Borrowed(Child::TABLE), rows);
    Ok(())
}

impl<Parent, Child, Fk, DB> EdgeOn<Parent, DB> for Soft<Child, Fk>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Child: crate::SoftDeleteOn<DB> + HasParent<Parent>,
    Fk: Column<Table = Child::Table> + Default + QueryFragment<DB> + 'static,
    Parent::Key: QueryFragment<DB> + 'static,
{
    fn run<C>(
        conn: &mut C,
        parent: &dyn RowSet<DB>,
        walk: &mut Walk<'_, DB>,
        phase: Phase,
        _rest: Rest<'_, C, DB>,
    ) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        soft_child::<Parent, Child, Link<Fk, Parent::Key>, C>(conn, parent, walk, phase, false)
    }
}

impl<Parent, Child, ParentColumn, DB> EdgeOn<Parent, DB> for Owned<Child, ParentColumn>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Child: crate::SoftDeleteOn<DB> + HasParent<Parent>,
    ParentColumn: Column<Table = Parent::Table> + Default + QueryFragment<DB> + 'static,
    Child::Key: QueryFragment<DB> + 'static,
{
    fn run<C>(
        conn: &mut C,
        parent: &dyn RowSet<DB>,
        walk: &mut Walk<'_, DB>,
        phase: Phase,
        _rest: Rest<'_, C, DB>,
    ) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        let phase = match phase {
            // The owner holds the owned record's key, so a purge of the owner leaves the
            // record (tombstoned with it) to its own model's purge.
            Phase::PurgeCheck | Phase::Purge => return Ok(()),
            // Deleting a live owner for real must not leave its record live with nothing
            // owning it (seed 000): the record is tombstoned, as a soft delete of the owner
            // would, and left to its own model's purge.
            Phase::HardCheck => Phase::Check,
            Phase::HardDelete => Phase::Delete,
            other => other,
        };
        soft_child::<Parent, Child, Link<Child::Key, ParentColumn>, C>(
            conn, parent, walk, phase, true,
        )?;
        if phase == Phase::Restore {
            hand_back::<Parent, Child, Link<Child::Key, ParentColumn>, C>(conn, parent, walk)?;
        }
        Ok(())
    }
}

/// Restoring owners brings back the owned records another owner's delete took along since
/// (seed 000: two sites share a store; one is deleted, then the other, which takes the store;
/// restoring the first must not leave it over a tombstoned store). Each comes back with what
/// that delete hid below it, by that delete's stamp. Timestamp tombstones only: a flag records
/// no stamp to tell whose delete it was.
fn hand_back<Parent, Child, L, C>(
    conn: &mut C,
    owners: &dyn RowSet<C::Backend>,
    walk: &mut Walk<'_, C::Backend>,
) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    Parent: ModelOn<C::Backend>,
    Child: crate::SoftDeleteOn<C::Backend>,
    L: LinkColumns<C::Backend>,
{
    use crate::model::{Tombstone, TombstoneKind};
    if <Parent::Tombstone as Tombstone>::KIND != TombstoneKind::Timestamp
        || <Child::Tombstone as Tombstone>::KIND != TombstoneKind::Timestamp
    {
        return Ok(());
    }
    let mut after = None;
    loop {
        // The next stamp among the tombstoned records the restoring owners hold, then those of
        // that stamp that another owner's delete took along (and no other parent still hides).
        let candidates = HiddenByOwner::<Parent, Child, L, C::Backend>::after(owners, after);
        let candidates = NotHeld::<Child, C::Backend>::new(&candidates, walk.held, Parent::TABLE);
        let Some(stamp) = Child::first_stamp(conn, &candidates)? else {
            return Ok(());
        };
        after = Some(stamp);
        let group = HiddenByOwner::<Parent, Child, L, C::Backend>::taken_at(owners, stamp);
        let group = NotHeld::<Child, C::Backend>::new(&group, walk.held, Parent::TABLE);
        let mut theirs = Walk::new(stamp, None);
        theirs.held = walk.held;
        let rows = visit::<Child, C>(
            conn,
            &group,
            &mut theirs,
            Phase::Restore,
            &child_edges::<Child, C>,
        )?;
        for change in theirs.changes {
            walk.record(change.table, change.rows);
        }
        walk.record(Cow::Borrowed(Child::TABLE), rows);
    }
}

impl<M, Fk, DB> EdgeOn<M, DB> for Tree<Fk>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
    M::Parents: ParentsOn<M, DB>,
    Fk: Column<Table = M::Table> + Default + QueryFragment<DB> + 'static,
    M::Key: QueryFragment<DB> + 'static,
{
    fn run<C>(
        conn: &mut C,
        parent: &dyn RowSet<DB>,
        walk: &mut Walk<'_, DB>,
        phase: Phase,
        rest: Rest<'_, C, DB>,
    ) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        let mut set =
            Descendants::<M, Link<Fk, M::Key>, DB>::new(parent, child_state(phase, walk.stamp));
        if phase == Phase::Restore {
            // A reply whose other parent (its author, say) another operation tombstoned stays
            // hidden, and its replies with it.
            set = set.narrowed(Narrow {
                push: <M::Parents as ParentsOn<M, DB>>::not_held,
                stamp: walk.held,
                from: M::TABLE,
            });
        }
        if matches!(phase, Phase::Purge | Phase::HardDelete) {
            walk.self_links.push((M::TABLE, <Fk as Column>::NAME));
        }
        if matches!(phase, Phase::PurgeCheck | Phase::LiveCheck) {
            // Live rows anywhere under the tombstoned subtree.
            let subtree = Either(parent, &set);
            let live = Linked::<M, M, Link<Fk, M::Key>, DB>::new(&subtree, State::Live);
            refuse_live::<M, C>(conn, &live, M::TABLE)?;
        }
        if phase == Phase::Purge {
            // A batch may hold a row and a reply two levels down without the reply between
            // them, so the batch's rows and their descendants go as one set, after every other
            // edge of both.
            rest(conn, &set, walk, phase)?;
            rest(conn, parent, walk, phase)?;
            let subtree = Either(parent, &set);
            let rows = crate::purge::delete_rows::<M, C>(conn, &subtree, walk)?;
            walk.record(Cow::Borrowed(M::TABLE), rows);
            return Ok(());
        }
        let rows = visit::<M, C>(conn, &set, walk, phase, rest)?;
        walk.record(Cow::Borrowed(M::TABLE), rows);
        Ok(())
    }
}

/// `<head> <Fk's table> WHERE Fk IN (SELECT parent.key FROM parent WHERE ...)`: the rows of a
/// hard or restricting edge's table that reference the rows of `parent`.
fn referencing<'s, Parent, Fk, DB>(
    head: &'static str,
    parent: &'s dyn RowSet<DB>,
) -> Statement<'s, DB>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Fk: Column + Default + QueryFragment<DB> + 'static,
    Fk::Table: Default + QueryFragment<DB> + 'static,
{
    let mut out = Statement::new();
    out.sql(head)
        .push(Fk::Table::default())
        .sql(" WHERE ")
        .push(Fk::default())
        .sql(" IN (");
    select(&mut out, Parent::key(), Parent::table(), parent);
    out.sql(")");
    out
}

impl<Parent, Child, Fk, DB> EdgeOn<Parent, DB> for Hard<Child, Fk>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Fk: Column + Default + QueryFragment<DB> + 'static,
    Fk::Table: Default + QueryFragment<DB> + 'static,
{
    fn run<C>(
        conn: &mut C,
        parent: &dyn RowSet<DB>,
        walk: &mut Walk<'_, DB>,
        phase: Phase,
        _rest: Rest<'_, C, DB>,
    ) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        if !matches!(phase, Phase::Delete | Phase::Purge | Phase::HardDelete) {
            return Ok(());
        }
        let rows = referencing::<Parent, Fk, DB>("DELETE FROM ", parent).execute(conn)?;
        walk.record(Cow::Owned(DB::table_name::<Fk::Table>()), rows);
        Ok(())
    }
}

impl<Parent, Fk, DB> EdgeOn<Parent, DB> for Keep<Fk>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Fk: Column,
    Fk::Table: Default + QueryFragment<DB>,
    Parent::Table: QueryFragment<DB>,
{
    fn run<C>(
        _: &mut C,
        _: &dyn RowSet<DB>,
        walk: &mut Walk<'_, DB>,
        phase: Phase,
        _: Rest<'_, C, DB>,
    ) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        // Rows that reference each other in one table (a fork and its upstream, purged
        // together) go leaves first where the database checks foreign keys row by row.
        if matches!(phase, Phase::Purge | Phase::HardDelete)
            && DB::table_name::<Fk::Table>() == DB::table_name::<Parent::Table>()
        {
            walk.self_links.push((Parent::TABLE, Fk::NAME));
        }
        Ok(())
    }
}

impl<Parent, Child, Fk, Live, DB> EdgeOn<Parent, DB> for Restrict<Child, Fk, Live>
where
    DB: SupportedBackend,
    Parent: ModelOn<DB>,
    Fk: Column + Default + QueryFragment<DB> + 'static,
    Fk::Table: Default + QueryFragment<DB> + 'static,
    Live: LiveFilterOf,
{
    fn run<C>(
        conn: &mut C,
        parent: &dyn RowSet<DB>,
        _walk: &mut Walk<'_, DB>,
        phase: Phase,
        _rest: Rest<'_, C, DB>,
    ) -> Result<()>
    where
        C: LoadConnection<Backend = DB>,
    {
        if !matches!(phase, Phase::Check | Phase::PurgeCheck | Phase::HardCheck) {
            return Ok(());
        }
        let mut statement = referencing::<Parent, Fk, DB>("SELECT COUNT(*) FROM ", parent);
        // Before a purge or a hard delete every referencing row counts: a tombstoned one still
        // holds the key.
        if let (Phase::Check, Some(live)) = (phase, Live::live_filter()) {
            statement.sql(" AND ");
            live.push::<Fk::Table, DB>(&mut statement);
        }
        let rows = DB::load_count(conn, Box::new(statement))?;
        if rows > 0 {
            return Err(Error::Restricted {
                table: Parent::TABLE,
                child: DB::table_name::<Fk::Table>(),
                rows: u64::try_from(rows).unwrap_or(0),
            });
        }
        Ok(())
    }
}
