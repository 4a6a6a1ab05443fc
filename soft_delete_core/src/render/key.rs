//! A model's primary key as SQL on one backend: its columns, the conditions that pick rows by
//! key, and how its values read back. One column is compared as itself; a [`Pair`] as a row
//! value, `(a, b)`, which PostgreSQL, MySQL/MariaDB and SQLite compare alike.

use core::future::Future;
use core::marker::PhantomData;

use diesel::deserialize::{FromSql, FromSqlRow, QueryableByName};
use diesel::query_builder::{QueryFragment, QueryId};
use diesel::row::NamedRow;
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, SingleValue, SqlType};
use diesel::{Column, QueryResult};

use crate::dialect::SupportedBackend;
use crate::exec::Executor;
use crate::model::key::{Pair, PrimaryKey};
use crate::sql::{Fragment, Statement, bind, list};

/// A primary key whose values, of type `Id`, can be written and read on backend `DB`.
#[doc(hidden)]
pub trait KeyOn<Id, DB: SupportedBackend>: PrimaryKey {
    /// The key's columns, for a `SELECT` list, `ORDER BY` or `RETURNING`: `a`, or `a, b`.
    fn columns<'a>() -> Fragment<'a, DB>;
    /// The row whose key is `id`: `a = $1`, or `(a, b) = ($1, $2)`.
    fn is<'a>(id: Id) -> Fragment<'a, DB>;
    /// The rows whose keys are `ids` (not empty): `a IN ($1, ...)` (PostgreSQL: `a =
    /// ANY($1)`), or `(a, b) IN (($1, $2), ...)`.
    fn among<'a>(ids: Vec<Id>) -> Fragment<'a, DB>;
    /// The rows whose keys sort after `id`: `a > $1`, or `(a, b) > ($1, $2)`.
    fn after<'a>(id: Id) -> Fragment<'a, DB>;
    /// `ids` (not empty), bound, as what follows another column compared with them: ` IN ($1,
    /// ...)` (PostgreSQL: ` = ANY($1)`). A one-column key's only; a pair's is `None`.
    fn values<'a>(ids: Vec<Id>) -> Option<Fragment<'a, DB>>;
    /// Runs a query returning keys, in the order of [`columns`](KeyOn::columns).
    fn read<X>(x: &mut X, query: Statement<'_, DB>) -> impl Future<Output = QueryResult<Vec<Id>>>
    where
        X: Executor<Backend = DB>;
}

impl<C, Id, DB> KeyOn<Id, DB> for C
where
    C: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    DB: SupportedBackend + HasSqlType<C::SqlType>,
    C::SqlType: SqlType + SingleValue + QueryId + 'static,
    Id: ToSql<C::SqlType, DB> + FromSqlRow<C::SqlType, DB> + core::fmt::Debug + Send + Sync,
    Id: 'static,
{
    fn columns<'a>() -> Fragment<'a, DB> {
        Box::new(C::default())
    }

    fn is<'a>(id: Id) -> Fragment<'a, DB> {
        let mut statement = Statement::new();
        statement
            .push(C::default())
            .sql(" = ")
            .fragment(bind::<C::SqlType, _, DB>(id));
        Box::new(statement)
    }

    fn among<'a>(ids: Vec<Id>) -> Fragment<'a, DB> {
        let mut statement = Statement::new();
        statement
            .push(C::default())
            .fragment(DB::among::<C::SqlType, _>(ids));
        Box::new(statement)
    }

    fn after<'a>(id: Id) -> Fragment<'a, DB> {
        let mut statement = Statement::new();
        statement
            .push(C::default())
            .sql(" > ")
            .fragment(bind::<C::SqlType, _, DB>(id));
        Box::new(statement)
    }

    fn values<'a>(ids: Vec<Id>) -> Option<Fragment<'a, DB>> {
        Some(DB::among::<C::SqlType, _>(ids))
    }

    async fn read<X>(x: &mut X, query: Statement<'_, DB>) -> QueryResult<Vec<Id>>
    where
        X: Executor<Backend = DB>,
    {
        x.load(query.returning::<C::SqlType>()).await
    }
}

/// `(a, b)`: a pair's columns as a row value.
fn row<A, B, DB>(statement: &mut Statement<'_, DB>)
where
    A: Default + QueryFragment<DB> + Send + Sync + 'static,
    B: Default + QueryFragment<DB> + Send + Sync + 'static,
    DB: SupportedBackend,
{
    statement
        .sql("(")
        .push(A::default())
        .sql(", ")
        .push(B::default())
        .sql(")");
}

/// `($1, $2)`: a pair's values, bound, as a row value.
fn values<A, B, IdA, IdB, DB>(statement: &mut Statement<'_, DB>, (a, b): (IdA, IdB))
where
    A: Column,
    B: Column,
    DB: SupportedBackend + HasSqlType<A::SqlType> + HasSqlType<B::SqlType>,
    A::SqlType: 'static,
    B::SqlType: 'static,
    IdA: ToSql<A::SqlType, DB> + Send + Sync + 'static,
    IdB: ToSql<B::SqlType, DB> + Send + Sync + 'static,
{
    statement
        .sql("(")
        .fragment(bind::<A::SqlType, _, DB>(a))
        .sql(", ")
        .fragment(bind::<B::SqlType, _, DB>(b))
        .sql(")");
}

impl<A, B, IdA, IdB, DB> KeyOn<(IdA, IdB), DB> for Pair<A, B>
where
    A: Column + Default + QueryFragment<DB> + Send + Sync + 'static,
    B: Column<Table = A::Table> + Default + QueryFragment<DB> + Send + Sync + 'static,
    DB: SupportedBackend + HasSqlType<A::SqlType> + HasSqlType<B::SqlType>,
    A::SqlType: SqlType + SingleValue + QueryId + 'static,
    B::SqlType: SqlType + SingleValue + QueryId + 'static,
    IdA: ToSql<A::SqlType, DB> + Send + Sync + 'static,
    IdB: ToSql<B::SqlType, DB> + Send + Sync + 'static,
    IdA: FromSql<A::SqlType, DB>,
    IdB: FromSql<B::SqlType, DB>,
{
    fn columns<'a>() -> Fragment<'a, DB> {
        let mut statement = Statement::new();
        statement.push(A::default()).sql(", ").push(B::default());
        Box::new(statement)
    }

    fn is<'a>(id: (IdA, IdB)) -> Fragment<'a, DB> {
        let mut statement = Statement::new();
        row::<A, B, DB>(&mut statement);
        statement.sql(" = ");
        values::<A, B, IdA, IdB, DB>(&mut statement, id);
        Box::new(statement)
    }

    fn among<'a>(ids: Vec<(IdA, IdB)>) -> Fragment<'a, DB> {
        let mut statement = Statement::new();
        row::<A, B, DB>(&mut statement);
        statement.sql(" IN ");
        list(&mut statement, ids, values::<A, B, IdA, IdB, DB>);
        Box::new(statement)
    }

    fn after<'a>(id: (IdA, IdB)) -> Fragment<'a, DB> {
        let mut statement = Statement::new();
        row::<A, B, DB>(&mut statement);
        statement.sql(" > ");
        values::<A, B, IdA, IdB, DB>(&mut statement, id);
        Box::new(statement)
    }

    fn values<'a>(_: Vec<(IdA, IdB)>) -> Option<Fragment<'a, DB>> {
        None
    }

    async fn read<X>(x: &mut X, query: Statement<'_, DB>) -> QueryResult<Vec<(IdA, IdB)>>
    where
        X: Executor<Backend = DB>,
    {
        let rows: Vec<PairRow<A, B, IdA, IdB>> = x.load_by_name(query.by_name()).await?;
        Ok(rows
            .into_iter()
            .map(|row| (row.first, row.second))
            .collect())
    }
}

/// A row of a pair's key, read by its columns' names (a statement selects them as themselves).
struct PairRow<A, B, IdA, IdB> {
    first: IdA,
    second: IdB,
    columns: PhantomData<fn() -> (A, B)>,
}

impl<A, B, IdA, IdB, DB> QueryableByName<DB> for PairRow<A, B, IdA, IdB>
where
    A: Column,
    B: Column,
    DB: SupportedBackend + HasSqlType<A::SqlType> + HasSqlType<B::SqlType>,
    IdA: FromSql<A::SqlType, DB>,
    IdB: FromSql<B::SqlType, DB>,
{
    fn build<'a>(row: &impl NamedRow<'a, DB>) -> diesel::deserialize::Result<Self> {
        Ok(PairRow {
            first: NamedRow::get::<A::SqlType, IdA>(row, A::NAME)?,
            second: NamedRow::get::<B::SqlType, IdB>(row, B::NAME)?,
            columns: PhantomData,
        })
    }
}
