//! A model's cascade edges and parent links as types: the vocabulary the derive writes into
//! [`Model::Cascade`] and [`Model::Parents`]. Hidden from the docs: they are facts for the
//! engine to read, not an API to write by hand.
//!
//! Each edge names the child and the column that links the two tables, so the compiler checks
//! every edge; the engine (`cascade`) decides what each kind does in each pass.

use core::marker::PhantomData;

use diesel::Column;
use diesel::sql_types::IntoNullable;

use super::Model;

#[doc(hidden)]
/// A soft edge to `Child`, whose foreign key column `Fk` holds the parent's key.
pub struct Soft<Child, Fk>(PhantomData<fn() -> (Child, Fk)>);

#[doc(hidden)]
/// A soft edge to an owned `Child` whose key the parent's column `ParentColumn` holds
/// (seed 000: `hosted_sites.store_id -> stores`).
pub struct Owned<Child, ParentColumn>(PhantomData<fn() -> (Child, ParentColumn)>);

#[doc(hidden)]
/// A self-referencing soft edge: rows of the model whose column `Fk` holds another row's key.
pub struct Tree<Fk>(PhantomData<fn() -> Fk>);

#[doc(hidden)]
/// A hard edge: rows of `Child` (not soft-deletable) whose foreign key `Fk` holds the parent's
/// key are deleted for real.
pub struct Hard<Child, Fk>(PhantomData<fn() -> (Child, Fk)>);

#[doc(hidden)]
/// A restricting edge: the operation is refused while rows of `Child` reference the parent
/// through `Fk`; `Live` says which rows count (tombstoned rows of a soft-deletable child don't).
pub struct Restrict<Child, Fk, Live>(PhantomData<fn() -> (Child, Fk, Live)>);

#[doc(hidden)]
/// A kept edge: rows whose column `Fk` holds the parent's key outlive it on purpose. It exists
/// for the graph (and the schema audit) to know the reference is meant.
pub struct Keep<Fk>(PhantomData<fn() -> Fk>);

#[doc(hidden)]
/// A with-parent edge: rows of `Child` (not soft-deletable) whose foreign key `Fk` holds the
/// parent's key stay through a soft delete and a restore, and are deleted for real by the
/// parent's purge and hard delete.
pub struct WithParent<Child, Fk>(PhantomData<fn() -> (Child, Fk)>);

#[doc(hidden)]
/// A tuple of edges: what [`Model::Cascade`] holds.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tuple of cascade edges",
    note = "a model has at most 16 cascade edges"
)]
pub trait EdgeList {}

#[doc(hidden)]
/// A tuple of parent links: what [`Model::Parents`] holds.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tuple of parent links",
    note = "a model names at most 8 parents"
)]
pub trait ParentList {
    /// How many parents the tuple names.
    const COUNT: usize;
}

macro_rules! lists {
    ($count:literal; $($item:ident),*) => {
        impl<$($item),*> EdgeList for ($($item,)*) {}
        impl<$($item),*> ParentList for ($($item,)*) {
            const COUNT: usize = $count;
        }
    };
}

lists!(0;);
lists!(1; A);
lists!(2; A, B);
lists!(3; A, B, C);
lists!(4; A, B, C, D);
lists!(5; A, B, C, D, E);
lists!(6; A, B, C, D, E, F);
lists!(7; A, B, C, D, E, F, G);
lists!(8; A, B, C, D, E, F, G, H);

macro_rules! edge_lists {
    ($($item:ident),+) => {
        impl<$($item),+> EdgeList for ($($item,)+) {}
    };
}

edge_lists!(A, B, C, D, E, F, G, H, I);
edge_lists!(A, B, C, D, E, F, G, H, I, J);
edge_lists!(A, B, C, D, E, F, G, H, I, J, K);
edge_lists!(A, B, C, D, E, F, G, H, I, J, K, L);
edge_lists!(A, B, C, D, E, F, G, H, I, J, K, L, M);
edge_lists!(A, B, C, D, E, F, G, H, I, J, K, L, M, N);
edge_lists!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
edge_lists!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);

#[doc(hidden)]
/// A parent named with `#[soft_delete(parent = P)]`.
pub struct ParentLink<P>(PhantomData<fn() -> P>);

#[doc(hidden)]
/// The parent rows of a self-referencing tree: rows of `M` itself, through its tree edge.
pub struct TreeParent<M>(PhantomData<fn() -> M>);

#[doc(hidden)]
/// The edge of `Self` to `Child`, for the parent checks of `Child`'s restore.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no soft cascade edge to `{Child}`",
    label = "`{Child}` names `{Self}` as its parent",
    note = "add `#[cascade({Child})]` to `{Self}`, or drop `parent = {Self}` from `{Child}`"
)]
pub trait CascadesTo<Child>: Model {
    /// The edge: [`Soft`], [`Owned`] or [`Tree`].
    type Edge: EdgeLink<Self> + IsOwned;
}

#[doc(hidden)]
/// `Self` names `Parent` as its parent with `#[soft_delete(parent = Parent)]`.
///
/// A soft edge into a model requires this, so that every row a cascade can reach knows whom to
/// check before it is restored on its own.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not name `{Parent}` as its parent",
    label = "`{Parent}` cascades to `{Self}` here",
    note = "add `#[soft_delete(parent = {Parent})]` to `{Self}`: restoring a `{Self}` then checks that its `{Parent}` is live"
)]
pub trait HasParent<Parent> {}

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
/// Column `Self` holds keys of `Target`: their SQL types match, nullability aside.
pub trait ForeignKeyOf<Target> {}

impl<Fk, Target> ForeignKeyOf<Target> for Fk
where
    Fk: Column,
    Fk::SqlType: IntoNullable,
    Target: Model,
    Target::Key: diesel::Expression,
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
/// The columns that join a child table to its parent table: `child.ChildColumn =
/// parent.ParentColumn`.
pub struct Link<ChildColumn, ParentColumn>(PhantomData<fn() -> (ChildColumn, ParentColumn)>);

#[doc(hidden)]
/// The link columns of an edge from `Parent`.
pub trait EdgeLink<Parent> {
    /// Child column and parent column.
    type Link;
}

impl<Parent: Model, Child, Fk> EdgeLink<Parent> for Soft<Child, Fk> {
    type Link = Link<Fk, Parent::Key>;
}

impl<Parent: Model, Child: Model, ParentColumn> EdgeLink<Parent> for Owned<Child, ParentColumn> {
    type Link = Link<Child::Key, ParentColumn>;
}

impl<Parent: Model, Fk> EdgeLink<Parent> for Tree<Fk> {
    type Link = Link<Fk, Parent::Key>;
}

/// The link an edge from `P` to `M` (`P: CascadesTo<M>`) joins through.
pub type LinkOf<P, M> = <<P as CascadesTo<M>>::Edge as EdgeLink<P>>::Link;

#[doc(hidden)]
/// Whether an edge's column sits on the parent and holds the child's key.
pub trait IsOwned {
    /// `true` for [`Owned`].
    const OWNED: bool = false;
}

impl<Child, Fk> IsOwned for Soft<Child, Fk> {}
impl<Fk> IsOwned for Tree<Fk> {}
impl<Child, ParentColumn> IsOwned for Owned<Child, ParentColumn> {
    const OWNED: bool = true;
}
