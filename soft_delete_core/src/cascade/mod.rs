//! The engine: what each operation does to the rows a model's cascade reaches, written once for
//! every kind of connection.
//!
//! An operation is a few *passes* over its model's graph. Each pass walks the graph from the
//! rows the operation starts from, one statement per edge over a *set* of rows described in SQL
//! ([`render::rowset`](crate::render::rowset)), so a pass runs the same statements for ten
//! children as for a million, and never loads a child row into the program. A tombstone pass
//! goes top-down, each level's children found by the stamp their parents just got, so its
//! locks are taken root first; a revive and an erase pass go deepest tables first, so each
//! statement's subqueries still see the rows above them as they were (and no foreign key is
//! left pointing at a deleted row).
//!
//! | pass | module | what it does at each edge |
//! |---|---|---|
//! | check | [`check`] | refuses before anything changes: restricting edges with rows, live rows under rows to purge, owners holding a key |
//! | tombstone | [`tombstone`] | tombstones the live children, one stamp and actor for all |
//! | revive | [`revive`] | revives exactly the children the restored operation's stamp tombstoned |
//! | erase | [`erase`] | deletes the rows for real, children first |
//!
//! The operations (`ops`) put the passes together: a soft delete is *check, tombstone*; a
//! restore is *revive*; a purge and a hard delete are *check, erase*. Each kind of edge
//! ([`edges`]) only says which method of the [`Pass`] it is; each pass says, in one place,
//! what every kind of edge does in it.
//!
//! Every statement goes through an [`Executor`](crate::exec::Executor): the engine decides
//! which statements run, in which order, and what their results mean; the executor only runs
//! them (see [`exec`](crate::exec) for why the engine is written as `async fn`s).

pub mod check;
pub mod edges;
pub mod erase;
pub(crate) mod lookup;
pub mod parents;
pub mod pass;
pub(crate) mod real_delete;
pub mod revive;
pub mod tombstone;

use crate::dialect::SupportedBackend;
use crate::render::ModelOn;

pub use edges::{CascadeOn, EdgeOn};
pub use parents::{ParentOn, ParentsOn};
pub use pass::Pass;

#[doc(inline)]
pub use crate::model::graph::{CascadeGraph, GraphEdge, Policy, Target};

/// A soft-deletable model that can be soft deleted and restored, with its whole cascade, on
/// backend `DB`.
///
/// Implemented for every [`Model`](crate::Model) whose key, tombstone and actor types match
/// their SQL types on `DB` and whose cascade edges and parents can run there; generic code
/// names it as a bound:
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::connection::LoadConnection;
/// use soft_delete_core::{SoftDeleteOn, SupportedBackend};
///
/// fn delete_any<M, C>(conn: &mut C, id: M::Id) -> soft_delete_core::Result<usize>
/// where
///     C: LoadConnection,
///     C::Backend: SupportedBackend,
///     M: SoftDeleteOn<C::Backend>,
/// {
///     Ok(soft_delete_core::ops::soft_delete::<M, C>(conn, id, None)?.total_rows())
/// }
/// # let conn = &mut fixture();
/// assert_eq!(delete_any::<Repo, _>(conn, 1).unwrap(), 1);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be soft deleted on the backend `{DB}`",
    note = "the key, tombstone and actor fields' Rust types must match their columns' SQL types on `{DB}`, every model of its cascade must too, and the backend's feature of soft_delete_core must be on"
)]
pub trait SoftDeleteOn<DB: SupportedBackend>: ModelOn<DB> {
    /// [`Model::Cascade`](crate::Model::Cascade), executable on `DB`.
    #[doc(hidden)]
    type CascadeEdges: CascadeOn<Self, DB>;
    /// [`Model::Parents`](crate::Model::Parents), checkable on `DB`.
    #[doc(hidden)]
    type ParentLinks: ParentsOn<Self, DB>;
}

impl<M, DB> SoftDeleteOn<DB> for M
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
    M::Cascade: CascadeOn<M, DB>,
    M::Parents: ParentsOn<M, DB>,
{
    type CascadeEdges = M::Cascade;
    type ParentLinks = M::Parents;
}
