//! A small statement builder: SQL text, quoted identifiers and bound values, rendered by Diesel
//! for whichever backend runs it.
//!
//! The engine writes its statements with this instead of Diesel's typed DSL because a cascade
//! nests subqueries over tables known only through a model's description; Diesel still does the
//! quoting (`push_identifier`) and the placeholders (`push_bind_param`), so every value is bound
//! and every identifier quoted the way the backend wants.
//!
//! Every piece is `Send + Sync`, so a statement can be handed to an async connection, and
//! borrowed by the row sets of an operation that runs on one.

use core::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::HasSqlType;
use diesel::{QueryResult, RunQueryDsl};

/// A piece of SQL that can be rendered for the backend `DB`, boxed so statements can be put
/// together at run time.
pub type Fragment<'a, DB> = Box<dyn QueryFragment<DB> + Send + Sync + 'a>;

/// The comment that opens a raw statement meant to read every row of a watched table, live and
/// tombstoned: the leak detector (`soft_delete_core::leak`, feature `leak`) reports nothing in it. The crate's own
/// foreign-key probes before a purge carry it; write it in your own raw SQL to say the same.
///
/// ```
/// # #[cfg(feature = "leak")] {
/// use soft_delete_core::leak::{EVERY_ROW, Watched, scan};
///
/// let watched = [Watched::new("posts", "deleted_at")];
/// assert_eq!(scan("SELECT COUNT(*) FROM posts", &watched).len(), 1);
/// assert!(scan(&format!("{EVERY_ROW} SELECT COUNT(*) FROM posts"), &watched).is_empty());
/// # }
/// ```
pub const EVERY_ROW: &str = "/* soft_delete: every row */";

enum Part<'a, DB: Backend> {
    Text(&'static str),
    Identifier(&'static str),
    /// An identifier read at run time (from the database's catalog), quoted all the same.
    Named(String),
    Fragment(Fragment<'a, DB>),
}

/// An SQL statement under construction.
pub struct Statement<'a, DB: Backend> {
    parts: Vec<Part<'a, DB>>,
}

impl<'a, DB: Backend> Statement<'a, DB> {
    pub(crate) fn new() -> Self {
        Statement { parts: Vec::new() }
    }

    /// Appends SQL text written by this crate (never user input).
    pub(crate) fn sql(&mut self, text: &'static str) -> &mut Self {
        self.parts.push(Part::Text(text));
        self
    }

    /// Appends an identifier, quoted for the backend.
    pub(crate) fn ident(&mut self, name: &'static str) -> &mut Self {
        self.parts.push(Part::Identifier(name));
        self
    }

    /// Appends an identifier known only at run time, quoted for the backend.
    pub(crate) fn ident_owned(&mut self, name: &str) -> &mut Self {
        self.parts.push(Part::Named(name.to_owned()));
        self
    }

    /// Appends a rendered fragment: a table, a predicate, a bound value.
    pub(crate) fn fragment(&mut self, fragment: Fragment<'a, DB>) -> &mut Self {
        self.parts.push(Part::Fragment(fragment));
        self
    }

    /// Appends any fragment by value.
    pub(crate) fn push<F: QueryFragment<DB> + Send + Sync + 'a>(
        &mut self,
        fragment: F,
    ) -> &mut Self {
        self.fragment(Box::new(fragment))
    }

    /// Turns the statement into a query whose rows are read by column name.
    pub(crate) fn by_name(self) -> ByName<'a, DB> {
        ByName { statement: self }
    }

    /// Turns the statement into a query returning one column of SQL type `ST`.
    pub(crate) fn returning<ST>(self) -> Typed<'a, DB, ST> {
        Typed {
            statement: self,
            sql_type: PhantomData,
        }
    }
}

impl<DB: Backend> QueryFragment<DB> for Statement<'_, DB> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_sql(text),
                Part::Identifier(name) => out.push_identifier(name)?,
                Part::Named(name) => out.push_identifier(name)?,
                Part::Fragment(fragment) => fragment.walk_ast(out.reborrow())?,
            }
        }
        Ok(())
    }
}

impl<DB: Backend> QueryId for Statement<'_, DB> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB: Backend, Conn> RunQueryDsl<Conn> for Statement<'_, DB> {}

/// A [`Statement`] that returns rows of one column of SQL type `ST`.
pub(crate) struct Typed<'a, DB: Backend, ST> {
    statement: Statement<'a, DB>,
    sql_type: PhantomData<fn() -> ST>,
}

impl<DB: Backend, ST> QueryFragment<DB> for Typed<'_, DB, ST> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.statement.walk_ast(out)
    }
}

impl<DB: Backend, ST> QueryId for Typed<'_, DB, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB: Backend, ST: diesel::sql_types::SqlType + diesel::query_builder::QueryId> Query
    for Typed<'_, DB, ST>
{
    type SqlType = ST;
}

impl<DB: Backend, ST, Conn> RunQueryDsl<Conn> for Typed<'_, DB, ST> {}

/// A [`Statement`] whose rows are read by column name (`QueryableByName`).
pub(crate) struct ByName<'a, DB: Backend> {
    statement: Statement<'a, DB>,
}

impl<DB: Backend> QueryFragment<DB> for ByName<'_, DB> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.statement.walk_ast(out)
    }
}

impl<DB: Backend> QueryId for ByName<'_, DB> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB: Backend> Query for ByName<'_, DB> {
    type SqlType = diesel::sql_types::Untyped;
}

impl<DB: Backend, Conn> RunQueryDsl<Conn> for ByName<'_, DB> {}

/// A value bound as a parameter of SQL type `ST`.
pub(crate) struct Bind<ST, T> {
    value: T,
    sql_type: PhantomData<fn() -> ST>,
}

impl<ST, T> Bind<ST, T> {
    /// Binds `value` as `ST`.
    pub(crate) fn new(value: T) -> Self {
        Bind {
            value,
            sql_type: PhantomData,
        }
    }
}

impl<ST, T, DB> QueryFragment<DB> for Bind<ST, T>
where
    DB: Backend + HasSqlType<ST>,
    T: ToSql<ST, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_bind_param::<ST, T>(&self.value)
    }
}

/// Pushes `(<value>, <value>, ...)`, each of `values` written by `value`.
pub(crate) fn list<'a, T, DB: Backend>(
    statement: &mut Statement<'a, DB>,
    values: Vec<T>,
    mut value: impl FnMut(&mut Statement<'a, DB>, T),
) {
    statement.sql("(");
    for (index, item) in values.into_iter().enumerate() {
        if index > 0 {
            statement.sql(", ");
        }
        value(statement, item);
    }
    statement.sql(")");
}

/// Boxes a value bound as `ST`.
pub(crate) fn bind<'a, ST, T, DB>(value: T) -> Fragment<'a, DB>
where
    DB: Backend + HasSqlType<ST>,
    T: ToSql<ST, DB> + Send + Sync + 'a,
    ST: 'a,
{
    Box::new(Bind::<ST, T>::new(value))
}
