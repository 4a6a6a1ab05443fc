//! Who deleted a row, for models that record it: [`ActorColumn`], or [`NoActor`].

use core::marker::PhantomData;

use diesel::Column;

use super::Model;

/// Who deleted a row, if the model records it.
///
/// Implemented by [`ActorColumn`] and [`NoActor`].
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Actor, Model};
///
/// assert_eq!(<Repo as Model>::Actor::COLUMN, Some("deleted_by"));
/// ```
pub trait Actor: 'static {
    /// The Rust type identifying an actor (`i32`, `String`, ...). Uninhabited for [`NoActor`].
    type Value;
    /// The actor column's name, if there is one.
    const COLUMN: Option<&'static str>;
}

/// The model records no actor. `soft_delete_by` is not generated for it.
///
/// ```
/// use soft_delete_core::{Actor, NoActor};
///
/// assert_eq!(NoActor::COLUMN, None);
/// ```
pub struct NoActor;

/// The actor is recorded in nullable column `C`, read into Rust as `Option<T>`: set on soft
/// delete (to `NULL` when no actor is given), cleared on restore.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Actor, ActorColumn};
///
/// assert_eq!(ActorColumn::<repos::deleted_by, i32>::COLUMN, Some("deleted_by"));
/// ```
pub struct ActorColumn<C, T>(PhantomData<fn() -> (C, T)>);

impl Actor for NoActor {
    type Value = core::convert::Infallible;
    const COLUMN: Option<&'static str> = None;
}

impl<C: Column + 'static, T: 'static> Actor for ActorColumn<C, T> {
    type Value = T;
    const COLUMN: Option<&'static str> = Some(C::NAME);
}

/// The actor a field of this Rust type records: `Option<T>` records a `T`. The derive names the
/// actor field's type through this trait, so an alias works as the type itself does.
///
/// ```
/// use soft_delete_core::ActorField;
///
/// type DeletedBy = Option<i64>;
/// let actor: <DeletedBy as ActorField>::Value = 7_i64;
/// # let _ = actor;
/// ```
#[diagnostic::on_unimplemented(
    message = "the actor column must be an `Option<_>`, found `{Self}`",
    label = "not an `Option`",
    note = "the actor column is NULL while the row is live: write `Option<{Self}>`"
)]
pub trait ActorField {
    /// Who the column records.
    type Value;
}

#[diagnostic::do_not_recommend]
impl<T> ActorField for Option<T> {
    type Value = T;
}

/// The Rust type of a model's actor.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// let actor: soft_delete_core::ActorOf<Repo> = 42_i32;
/// # let _ = actor;
/// ```
pub type ActorOf<M> = <<M as Model>::Actor as Actor>::Value;
