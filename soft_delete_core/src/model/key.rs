//! A model's primary key: one column (`repos::id`), or two ([`Pair`]: a join table's
//! `(post_id, tag_id)`).
//!
//! ```
//! use soft_delete_core::model::key::{Pair, PrimaryKey};
//!
//! diesel::table! { post_tags (post_id, tag_id) { post_id -> Integer, tag_id -> Integer, } }
//!
//! assert_eq!(<post_tags::post_id as PrimaryKey>::NAMES, ["post_id"]);
//! assert_eq!(
//!     <Pair<post_tags::post_id, post_tags::tag_id> as PrimaryKey>::NAMES,
//!     ["post_id", "tag_id"]
//! );
//! ```

use diesel::Column;

/// The columns of a model's primary key, in order: one Diesel column, or a [`Pair`] of them.
/// A model's key is `(a, b)`-valued for a pair (`PostTag::soft_delete(conn, (post_id,
/// tag_id))`).
///
/// ```
/// use soft_delete_core::model::key::PrimaryKey;
///
/// diesel::table! { repos (id) { id -> Integer, } }
/// assert_eq!(<repos::id as PrimaryKey>::NAMES, ["id"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a primary key soft delete can use",
    note = "a key is one column of the model's table, or two (`#[diesel(primary_key(a, b))]`)"
)]
pub trait PrimaryKey: Default + Send + Sync + 'static {
    /// The table the key's columns belong to.
    type Table;
    /// The columns' names, in key order.
    const NAMES: &'static [&'static str];
}

impl<C> PrimaryKey for C
where
    C: Column + Default + Send + Sync + 'static,
{
    type Table = C::Table;
    const NAMES: &'static [&'static str] = &[C::NAME];
}

/// A primary key of two columns of one table, `A` then `B`: what the derive names for
/// `#[diesel(primary_key(a, b))]`. Its values are `(A's value, B's value)` tuples.
///
/// ```
/// use soft_delete_core::model::key::{Pair, PrimaryKey};
///
/// diesel::table! { post_tags (post_id, tag_id) { post_id -> Integer, tag_id -> Integer, } }
/// type Key = Pair<post_tags::post_id, post_tags::tag_id>;
/// assert_eq!(<Key as PrimaryKey>::NAMES.len(), 2);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pair<A, B>(pub A, pub B);

impl<A, B> PrimaryKey for Pair<A, B>
where
    A: Column + Default + Send + Sync + 'static,
    B: Column<Table = A::Table> + Default + Send + Sync + 'static,
{
    type Table = A::Table;
    const NAMES: &'static [&'static str] = &[A::NAME, B::NAME];
}
