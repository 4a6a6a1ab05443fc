//! An actor column's values, bound for one backend.

use diesel::Column;
use diesel::backend::Backend;
use diesel::serialize::ToSql;
use diesel::sql_types::HasSqlType;

use crate::model::{Actor, ActorColumn, NoActor};
use crate::sql::{Fragment, bind};

/// One `column = value` of an `UPDATE`'s `SET` list.
#[doc(hidden)]
pub struct Assignment<'a, DB: Backend> {
    pub(crate) column: &'static str,
    pub(crate) value: Fragment<'a, DB>,
}

/// Re-binds one operation's actor wherever a row of the cascade records an actor.
#[doc(hidden)]
pub type ActorBinder<'a, DB> = Box<dyn Fn() -> Fragment<'a, DB> + Send + Sync + 'a>;

/// The values an actor column takes, bound for `DB`.
#[doc(hidden)]
pub trait ActorOn<DB: Backend>: Actor {
    /// A binder for `actor`, the operation's actor, to write into every actor column.
    fn binder<'a>(actor: Self::Value) -> ActorBinder<'a, DB>;
    /// `deleted_by = <the operation's actor>`, or `= NULL` when it has none; nothing when the
    /// model records no actor.
    fn assignment<'a>(actor: Option<&ActorBinder<'a, DB>>) -> Option<Assignment<'a, DB>>;
}

impl<DB: Backend> ActorOn<DB> for NoActor {
    fn binder<'a>(actor: Self::Value) -> ActorBinder<'a, DB> {
        match actor {}
    }

    fn assignment<'a>(_actor: Option<&ActorBinder<'a, DB>>) -> Option<Assignment<'a, DB>> {
        None
    }
}

impl<DB, C, T> ActorOn<DB> for ActorColumn<C, T>
where
    DB: Backend + HasSqlType<C::SqlType>,
    C: Column + 'static,
    T: Clone + Send + Sync + 'static,
    Option<T>: ToSql<C::SqlType, DB>,
{
    fn binder<'a>(actor: T) -> ActorBinder<'a, DB> {
        Box::new(move || bind::<C::SqlType, _, DB>(Some(actor.clone())))
    }

    fn assignment<'a>(actor: Option<&ActorBinder<'a, DB>>) -> Option<Assignment<'a, DB>> {
        Some(Assignment {
            column: C::NAME,
            value: actor.map_or_else(
                || bind::<C::SqlType, Option<T>, DB>(None),
                |binder| binder(),
            ),
        })
    }
}
