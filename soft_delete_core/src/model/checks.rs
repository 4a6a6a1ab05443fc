//! Helpers for the compile-time checks the derive emits beside a model's facts.

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
