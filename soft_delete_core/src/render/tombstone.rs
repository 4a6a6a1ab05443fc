//! A tombstone's values and comparisons, bound for one backend, and how a tombstone read back
//! from the database says a row stands.

use core::future::Future;

use chrono::NaiveDateTime;
use diesel::deserialize::FromSqlRow;
use diesel::query_builder::{QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, SingleValue, SqlType};
use diesel::{Column, QueryResult};

use crate::dialect::SupportedBackend;
use crate::exec::Executor;
use crate::model::{Flag, Stamp, Timestamp, Tombstone};
use crate::sql::{Fragment, Statement, bind};

/// How a row stood when an operation looked it up by key.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// No row has the key.
    Missing,
    /// The row is live.
    Live,
    /// The row is tombstoned; the stamp, when the tombstone records one.
    Deleted(Option<NaiveDateTime>),
}

/// `column <comparison> value`, for the tombstone column `C`.
fn compare<'a, C, DB>(comparison: &'static str, value: Fragment<'a, DB>) -> Fragment<'a, DB>
where
    C: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    DB: SupportedBackend,
{
    let mut statement = Statement::new();
    statement.push(C::default()).sql(comparison).fragment(value);
    Box::new(statement)
}

/// `SELECT column <from_where>`, reading the tombstone column `C`.
fn select_column<C, DB>(from_where: Statement<'_, DB>) -> Statement<'_, DB>
where
    C: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    DB: SupportedBackend,
{
    let mut statement = Statement::new();
    statement
        .sql("SELECT ")
        .push(C::default())
        .sql(" ")
        .fragment(Box::new(from_where));
    statement
}

/// The values a tombstone takes, bound for `DB`.
#[doc(hidden)]
pub trait TombstoneOn<DB: SupportedBackend>: Tombstone {
    /// The value that marks a row deleted at `stamp`.
    fn deleted_value<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB>;
    /// The value of a live row.
    fn active_value<'a>() -> Fragment<'a, DB>;
    /// `deleted_at = stamp`, or `is_deleted = true`: the rows `stamp`'s operation may have set.
    fn set_at<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB>;
    /// `deleted_at < cutoff`; `None` for a flag, which records no time.
    fn before<'a>(cutoff: NaiveDateTime) -> Option<Fragment<'a, DB>>;
    /// Reads the tombstone of the first row `from_where` (`FROM table WHERE ...`) selects.
    fn find<X>(
        x: &mut X,
        from_where: Statement<'_, DB>,
    ) -> impl Future<Output = QueryResult<Found>>
    where
        X: Executor<Backend = DB>;
}

impl<DB, C, T> TombstoneOn<DB> for Timestamp<C, T>
where
    Self: Tombstone<Column = C>,
    DB: SupportedBackend + HasSqlType<C::SqlType>,
    C: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    C::SqlType: SqlType + SingleValue + QueryId + 'static,
    T: Stamp,
    Option<T>: ToSql<C::SqlType, DB> + FromSqlRow<C::SqlType, DB>,
{
    fn deleted_value<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB> {
        bind::<C::SqlType, _, DB>(Some(T::from_utc_stamp(stamp)))
    }

    fn active_value<'a>() -> Fragment<'a, DB> {
        bind::<C::SqlType, Option<T>, DB>(None)
    }

    fn set_at<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB> {
        compare::<C, DB>(" = ", Self::deleted_value(stamp))
    }

    fn before<'a>(cutoff: NaiveDateTime) -> Option<Fragment<'a, DB>> {
        Some(compare::<C, DB>(" < ", Self::deleted_value(cutoff)))
    }

    async fn find<X>(x: &mut X, from_where: Statement<'_, DB>) -> QueryResult<Found>
    where
        X: Executor<Backend = DB>,
    {
        let statement = select_column::<C, DB>(from_where);
        let rows: Vec<Option<T>> = x.load(statement.returning::<C::SqlType>()).await?;
        Ok(match rows.into_iter().next() {
            None => Found::Missing,
            Some(None) => Found::Live,
            Some(Some(stamp)) => Found::Deleted(Some(stamp.to_utc_stamp())),
        })
    }
}

impl<DB, C> TombstoneOn<DB> for Flag<C>
where
    Self: Tombstone<Column = C>,
    DB: SupportedBackend,
    C: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
{
    fn deleted_value<'a>(_stamp: NaiveDateTime) -> Fragment<'a, DB> {
        DB::bind_bool(true)
    }

    fn active_value<'a>() -> Fragment<'a, DB> {
        DB::bind_bool(false)
    }

    fn set_at<'a>(stamp: NaiveDateTime) -> Fragment<'a, DB> {
        compare::<C, DB>(" = ", Self::deleted_value(stamp))
    }

    fn before<'a>(_cutoff: NaiveDateTime) -> Option<Fragment<'a, DB>> {
        None
    }

    async fn find<X>(x: &mut X, from_where: Statement<'_, DB>) -> QueryResult<Found>
    where
        X: Executor<Backend = DB>,
    {
        let statement = select_column::<C, DB>(from_where);
        let flags = DB::flags(x, statement).await?;
        Ok(match flags.first() {
            None => Found::Missing,
            Some(false) => Found::Live,
            Some(true) => Found::Deleted(None),
        })
    }
}
