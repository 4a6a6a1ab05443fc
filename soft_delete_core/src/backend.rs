//! A model's facts rendered for one backend, and the backends the engine supports.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::connection::LoadConnection;
use diesel::expression::Expression;
use diesel::query_builder::QueryFragment;
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, HasSqlType};
use diesel::{Column, QueryResult};

use crate::model::{Actor, ActorColumn, Flag, NoActor, SoftDelete, Stamp, Timestamp, Tombstone};
use crate::sql::{Fragment, Statement, bind};

mod sealed {
    pub trait Sealed {}
}

/// A Diesel backend the engine can run on: SQLite, PostgreSQL and MySQL/MariaDB, each behind
/// the feature of the same name.
///
/// ```
/// fn runs_on<DB: soft_delete_core::SupportedBackend>() {}
/// runs_on::<diesel::sqlite::Sqlite>();
/// ```
#[diagnostic::on_unimplemented(
    message = "soft_delete_core does not support the backend `{Self}`",
    note = "enable the `sqlite`, `postgres` or `mysql` feature of soft_delete_core for the backend you use"
)]
pub trait SupportedBackend: Backend + sealed::Sealed + 'static {
    /// Counts the rows of `table` that `predicate` selects.
    #[doc(hidden)]
    fn count_rows<C>(
        conn: &mut C,
        table: Fragment<'_, Self>,
        predicate: Fragment<'_, Self>,
    ) -> QueryResult<i64>
    where
        C: LoadConnection<Backend = Self>;
}

macro_rules! supported_backend {
    ($feature:literal, $backend:ty) => {
        #[cfg(feature = $feature)]
        impl sealed::Sealed for $backend {}

        #[cfg(feature = $feature)]
        impl SupportedBackend for $backend {
            fn count_rows<C>(
                conn: &mut C,
                table: Fragment<'_, Self>,
                predicate: Fragment<'_, Self>,
            ) -> QueryResult<i64>
            where
                C: LoadConnection<Backend = Self>,
            {
                use diesel::RunQueryDsl;
                Statement::new()
                    .sql("SELECT COUNT(*) FROM ")
                    .fragment(table)
                    .sql(" WHERE ")
                    .fragment(predicate)
                    .returning::<BigInt>()
                    .get_result(conn)
            }
        }
    };
}

supported_backend!("sqlite", diesel::sqlite::Sqlite);
supported_backend!("postgres", diesel::pg::Pg);
supported_backend!("mysql", diesel::mysql::Mysql);

/// One `column = value` of an `UPDATE`'s `SET` list.
#[doc(hidden)]
pub struct Assignment<'a, DB: Backend> {
    pub(crate) column: &'static str,
    pub(crate) value: Fragment<'a, DB>,
}

/// The values a tombstone takes, bound for `DB`.
#[doc(hidden)]
pub trait TombstoneOn<DB: Backend>: Tombstone {
    /// The value that marks a row deleted at `stamp`.
    fn deleted_value<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB>;
    /// The value of a live row.
    fn active_value<'a>() -> Fragment<'a, DB>;
}

impl<DB, C, T> TombstoneOn<DB> for Timestamp<C, T>
where
    Self: Tombstone,
    DB: Backend + HasSqlType<C::SqlType>,
    C: Column,
    T: Stamp,
    Option<T>: ToSql<C::SqlType, DB>,
{
    fn deleted_value<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB> {
        bind::<C::SqlType, _, DB>(Some(T::from_utc_stamp(stamp)))
    }

    fn active_value<'a>() -> Fragment<'a, DB> {
        bind::<C::SqlType, Option<T>, DB>(None)
    }
}

impl<DB, C> TombstoneOn<DB> for Flag<C>
where
    Self: Tombstone,
    DB: Backend + HasSqlType<Bool>,
    bool: ToSql<Bool, DB>,
{
    fn deleted_value<'a>(_stamp: NaiveDateTime) -> Fragment<'a, DB> {
        bind::<Bool, _, DB>(true)
    }

    fn active_value<'a>() -> Fragment<'a, DB> {
        bind::<Bool, _, DB>(false)
    }
}

/// The values an actor column takes, bound for `DB`.
#[doc(hidden)]
pub trait ActorOn<DB: Backend>: Actor {
    /// `deleted_by = actor`, or nothing when the model records no actor.
    fn assignment<'a>(actor: Option<Self::Value>) -> Option<Assignment<'a, DB>>;
}

impl<DB: Backend> ActorOn<DB> for NoActor {
    fn assignment<'a>(_actor: Option<Self::Value>) -> Option<Assignment<'a, DB>> {
        None
    }
}

impl<DB, C, T> ActorOn<DB> for ActorColumn<C, T>
where
    DB: Backend + HasSqlType<C::SqlType>,
    C: Column + 'static,
    T: 'static,
    Option<T>: ToSql<C::SqlType, DB>,
{
    fn assignment<'a>(actor: Option<T>) -> Option<Assignment<'a, DB>> {
        Some(Assignment {
            column: C::NAME,
            value: bind::<C::SqlType, _, DB>(actor),
        })
    }
}

/// A soft-deletable model whose columns and values can be written on backend `DB`.
///
/// Implemented for every [`SoftDelete`] model whose key, tombstone and actor types match their
/// SQL types on `DB`; generic code names it as a bound:
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
    note = "the key, tombstone and actor fields' Rust types must match their columns' SQL types on `{DB}`, and the backend's feature of soft_delete_core must be on"
)]
pub trait SoftDeleteOn<DB: Backend>: SoftDelete {
    /// The table, for `FROM` and `UPDATE`.
    #[doc(hidden)]
    fn table<'a>() -> Fragment<'a, DB>;
    /// `key = id`.
    #[doc(hidden)]
    fn key_is<'a>(id: Self::Id) -> Fragment<'a, DB>;
    /// `deleted_at IS NULL`.
    #[doc(hidden)]
    fn active<'a>() -> Fragment<'a, DB>;
    /// `deleted_at IS NOT NULL`.
    #[doc(hidden)]
    fn deleted<'a>() -> Fragment<'a, DB>;
    /// `deleted_at = stamp` for `SET`.
    #[doc(hidden)]
    fn set_deleted<'a>(stamp: NaiveDateTime) -> Assignment<'a, DB>;
    /// `deleted_at = NULL` for `SET`.
    #[doc(hidden)]
    fn set_active<'a>() -> Assignment<'a, DB>;
    /// `deleted_by = actor` for `SET`, if the model records actors.
    #[doc(hidden)]
    fn set_actor<'a>(actor: Option<<Self::Actor as Actor>::Value>) -> Option<Assignment<'a, DB>>;
}

impl<M, DB> SoftDeleteOn<DB> for M
where
    M: SoftDelete,
    DB: Backend + HasSqlType<<M::Key as Expression>::SqlType> + 'static,
    M::Table: QueryFragment<DB>,
    M::Key: QueryFragment<DB>,
    M::Id: ToSql<<M::Key as Expression>::SqlType, DB>,
    M::Tombstone: TombstoneOn<DB>,
    <M::Tombstone as Tombstone>::IsActive: QueryFragment<DB>,
    <M::Tombstone as Tombstone>::IsDeleted: QueryFragment<DB>,
    M::Actor: ActorOn<DB>,
{
    fn table<'a>() -> Fragment<'a, DB> {
        Box::new(M::Table::default())
    }

    fn key_is<'a>(id: M::Id) -> Fragment<'a, DB> {
        Box::new(
            Statement::new()
                .fragment(Box::new(M::Key::default()))
                .sql(" = ")
                .fragment(bind::<<M::Key as Expression>::SqlType, _, DB>(id)),
        )
    }

    fn active<'a>() -> Fragment<'a, DB> {
        Box::new(<M::Tombstone as Tombstone>::is_active())
    }

    fn deleted<'a>() -> Fragment<'a, DB> {
        Box::new(<M::Tombstone as Tombstone>::is_deleted())
    }

    fn set_deleted<'a>(stamp: NaiveDateTime) -> Assignment<'a, DB> {
        Assignment {
            column: <M::Tombstone as Tombstone>::COLUMN,
            value: <M::Tombstone as TombstoneOn<DB>>::deleted_value(stamp),
        }
    }

    fn set_active<'a>() -> Assignment<'a, DB> {
        Assignment {
            column: <M::Tombstone as Tombstone>::COLUMN,
            value: <M::Tombstone as TombstoneOn<DB>>::active_value(),
        }
    }

    fn set_actor<'a>(actor: Option<<M::Actor as Actor>::Value>) -> Option<Assignment<'a, DB>> {
        <M::Actor as ActorOn<DB>>::assignment(actor)
    }
}
