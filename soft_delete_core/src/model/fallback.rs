//! Stand-ins the derive writes into a [`Model`](super::Model) impl when it has reported an
//! error and could not resolve a fact (no key field, no tombstone field).
//!
//! The derive still implements the facts trait after an error, so that the model's scopes and
//! operations exist and the one mistake is the only error the build shows, rather than one more
//! at every place the model is used. Such a crate never compiles, so nothing here ever runs; it
//! only has to type-check.

use core::marker::PhantomData;

use diesel::dsl::sql;
use diesel::expression::Expression;
use diesel::expression::SqlLiteral;
use diesel::sql_types::{Bool, Integer};
use diesel::{Column, Table};

use super::tombstone::{Tombstone, TombstoneKind};

#[doc(hidden)]
/// A column of table `T` the derive could not find: stands in for the key or the tombstone.
pub struct Unresolved<T>(PhantomData<fn() -> T>);

impl<T> Default for Unresolved<T> {
    fn default() -> Self {
        Unresolved(PhantomData)
    }
}

impl<T> Clone for Unresolved<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Unresolved<T> {}

impl<T: Table> Expression for Unresolved<T> {
    type SqlType = Integer;
}

impl<T: Table> Column for Unresolved<T> {
    type Table = T;
    const NAME: &'static str = "<unresolved>";
}

impl<T: Table + 'static> Tombstone for Unresolved<T> {
    type Table = T;
    type Column = Self;
    type IsActive = SqlLiteral<Bool>;
    type IsDeleted = SqlLiteral<Bool>;
    const KIND: TombstoneKind = TombstoneKind::Timestamp;

    fn is_active() -> Self::IsActive {
        sql("TRUE")
    }

    fn is_deleted() -> Self::IsDeleted {
        sql("FALSE")
    }
}
