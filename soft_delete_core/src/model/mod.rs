//! The facts `#[derive(SoftDelete)]` states about a model: its table, key, tombstone and actor,
//! the edges of its cascade and the parents it hangs off. Nothing here runs SQL or acts on a
//! row; the layers above read these facts and do the work.
//!
//! | item | what it describes |
//! |---|---|
//! | [`Model`] | one model: table, key, tombstone, actor, edges, parents |
//! | [`tombstone`] | how a row is marked deleted: [`Timestamp`] or [`Flag`] |
//! | [`actor`] | who deleted a row: [`ActorColumn`] or [`NoActor`] |
//! | [`edges`] | the cascade edges and parent links, as types the derive names |
//! | [`graph`] | the same edges as data: the compile-time [`CascadeGraph`] |
//! | [`key`] | the primary key: one column, or a [`Pair`](key::Pair) |
//! | [`probe`] | which rows of a restricting edge's child count as live |
//! | [`table_name`] | a Diesel table's name in SQL ([`TableName`]) |
//! | `checks` | helpers for the compile-time checks the derive emits |
//! | `fallback` | stand-ins for the facts the derive could not resolve after an error |

pub mod actor;
#[doc(hidden)]
pub mod checks;
pub mod edges;
#[doc(hidden)]
pub mod fallback;
pub mod graph;
pub mod key;
pub mod probe;
pub mod table_name;
pub mod tombstone;

use core::fmt::Debug;

use diesel::Table;

pub use actor::{Actor, ActorColumn, ActorField, ActorOf, NoActor};
pub use graph::{CascadeGraph, GraphEdge, GraphRef, Policy, Target};
pub use table_name::TableName;
pub use tombstone::{Flag, Stamp, Timestamp, Tombstone, TombstoneField, TombstoneKind};

/// A soft-deletable model, as facts: the table it maps, its key, its tombstone and actor
/// columns, the cascade edges leaving it and the parents whose cascade reaches it.
///
/// `#[derive(SoftDelete)]` implements it, checking every fact against the struct and the Diesel
/// schema; the operations that act on these facts come with the [`SoftDelete`](crate::SoftDelete)
/// trait, which every `Model` has. Writing an impl by hand is possible, but the derive checks
/// what a hand-written impl would have to get right by itself.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::Model;
///
/// assert_eq!(<Repo as Model>::TABLE, "repos");
/// assert_eq!(<Repo as Model>::MODEL, "Repo");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a soft-deletable model",
    label = "`{Self}` must derive `SoftDelete` here",
    note = "add `#[derive(SoftDelete)]` to `{Self}`; or, if this is a cascade edge to a table without a tombstone, say what happens to its rows: `#[cascade({Self}(hard))]` deletes them, `#[cascade({Self}(restrict))]` refuses while any exist, `#[cascade({Self}(keep))]` leaves them"
)]
pub trait Model: Sized + 'static {
    /// The Diesel table (`repos::table`).
    type Table: Table + Default;
    /// The primary key column (`repos::id`), or a [`Pair`](key::Pair) of columns.
    type Key: key::PrimaryKey<Table = Self::Table>;
    /// The Rust type of the primary key (`i32`, `i64`, `String`, ...; `(i32, i32)` for a
    /// pair). `Send + Sync`, so that an operation can run on an async connection.
    type Id: Debug + Clone + Send + Sync + 'static;
    /// The tombstone: [`Timestamp`] or [`Flag`], with its column.
    type Tombstone: Tombstone<Table = Self::Table>;
    /// The column recording who deleted a row: [`ActorColumn`], or [`NoActor`].
    type Actor: Actor;
    /// The cascade edges leaving this model, as a tuple of [`edges`] types; `()` when
    /// deleting a row touches no other table.
    type Cascade: edges::EdgeList;
    /// The models whose soft cascade reaches this one, as a tuple of
    /// [`ParentLink`](edges::ParentLink)s (and a [`TreeParent`](edges::TreeParent) for a
    /// self-referencing tree); restoring a row checks them.
    type Parents: edges::ParentList;

    /// The model's name, for messages.
    const MODEL: &'static str;
    /// The table's name in SQL (Diesel's `#[sql_name]`, or the name in `table!`): every
    /// statement, report and message uses it.
    const TABLE: &'static str;
    /// The edges of [`Self::Cascade`](Model::Cascade), described for graphs.
    const CASCADE_EDGES: &'static [GraphEdge];
    /// This model's whole cascade graph, a compile-time constant.
    const CASCADE_GRAPH: CascadeGraph = CascadeGraph {
        model: Self::MODEL,
        table: Self::TABLE,
        tombstone: <Self::Tombstone as Tombstone>::COLUMN,
        kind: <Self::Tombstone as Tombstone>::KIND,
        actor: <Self::Actor as Actor>::COLUMN,
        edges: Self::CASCADE_EDGES,
    };

    /// The primary key of `row` (a tuple of its key fields for a pair). An associated function
    /// rather than a method, so it never clashes with Diesel's `Identifiable::id`.
    fn key_of(row: &Self) -> Self::Id;
}

/// Whether the boolean tombstones of `M` are recorded in the [flag ledger](crate::ledger), so
/// that a cascade restore can tell which rows one operation hid: `true` for a flag model that
/// takes part in a cascade (a soft edge leaves it, or a parent's reaches it). Decided here, from
/// the facts, once for every model.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::model::uses_ledger;
///
/// assert!(!uses_ledger::<Repo>());          // a timestamp records its own stamp
/// assert!(!uses_ledger::<IssueComment>());  // a flag in no cascade needs none
/// ```
#[must_use]
pub const fn uses_ledger<M: Model>() -> bool {
    if !matches!(<M::Tombstone as Tombstone>::KIND, TombstoneKind::Flag) {
        return false;
    }
    if <M::Parents as edges::ParentList>::COUNT > 0 {
        return true;
    }
    let edges = M::CASCADE_EDGES;
    let mut index = 0;
    while index < edges.len() {
        if matches!(edges[index].policy, Policy::Soft) {
            return true;
        }
        index += 1;
    }
    false
}
