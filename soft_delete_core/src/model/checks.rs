//! Helpers for the compile-time checks the derive emits beside a model's facts.

use super::Model;
use super::tombstone::{Flag, Timestamp};

#[doc(hidden)]
/// The Rust type of the field a tombstone is read into: `Option<T>` for a [`Timestamp`], `bool`
/// for a [`Flag`]. The derive checks the tombstone field against its column through it, so
/// when the field's type could not make a tombstone (an error at the field already), naming it
/// fails silently and the check adds no second error.
pub trait FieldOf {
    /// The field's Rust type.
    type Field;
}

impl<C, T> FieldOf for Timestamp<C, T> {
    type Field = Option<T>;
}

impl<C> FieldOf for Flag<C> {
    type Field = bool;
}

#[doc(hidden)]
/// `Self` as the child of a soft cascade edge from `Parent`: the model itself. The derive
/// implements it for every model (for any parent), and names a soft edge's child through it
/// everywhere (its graph, its foreign key, its parent check). For a child that is not a model
/// there is no impl, so naming it fails once, at the edge, with the advice below, and what is
/// named through it is not checked again.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not soft-deletable, so the soft cascade edge from `{Parent}` cannot tombstone its rows",
    label = "a soft edge needs a child that derives `SoftDelete`",
    note = "derive `SoftDelete` for `{Self}` if its table has a tombstone; otherwise say what happens to its rows when a `{Parent}` is deleted: `#[cascade({Self}(hard))]` deletes them, `#[cascade({Self}(restrict))]` refuses while any exist, `#[cascade({Self}(keep))]` leaves them"
)]
pub trait SoftChildOf<Parent> {
    /// `Self`.
    type Model: Model;
}
