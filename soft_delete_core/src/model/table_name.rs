//! A Diesel table's name in SQL: what `#[sql_name = "..."]` in `diesel::table!` says, or the
//! table's Rust name when it says nothing.
//!
//! ```
//! use soft_delete_core::model::TableName;
//!
//! diesel::table! {
//!     #[sql_name = "Mixed Case"]
//!     mixed (id) { id -> Integer, }
//! }
//! diesel::table! { plain (id) { id -> Integer, } }
//!
//! assert_eq!(<mixed::table as TableName>::SQL_NAME, "Mixed Case");
//! assert_eq!(<plain::table as TableName>::SQL_NAME, "plain");
//! ```

use diesel::internal::table_macro::{Identifier, StaticQueryFragment};

/// The name a table of `diesel::table!` has in the database: every statement, catalog lookup
/// and leak check uses it, so a table whose SQL name differs from its Rust name is still found.
///
/// Implemented for every table `diesel::table!` declares without a schema (`table! { repos ... }`,
/// with or without `#[sql_name]`), through the name the macro gives Diesel's query builder.
/// Tables declared with a schema (`table! { app.repos ... }`) do not have it: soft delete
/// addresses tables by name within the connection's schema (PostgreSQL's `search_path`).
///
/// ```
/// use soft_delete_core::model::TableName;
///
/// diesel::table! { repos (id) { id -> Integer, } }
/// assert_eq!(<repos::table as TableName>::SQL_NAME, "repos");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no SQL name soft delete can use",
    label = "a table declared with a schema (`table! {{ schema.name ... }}`)",
    note = "soft delete addresses a table by its name within the connection's schema: declare the table without one (PostgreSQL finds it through `search_path`)"
)]
pub trait TableName {
    /// The table's name in SQL, unquoted.
    const SQL_NAME: &'static str;
}

impl<T> TableName for T
where
    T: StaticQueryFragment<Component = Identifier<'static>>,
{
    const SQL_NAME: &'static str = T::STATIC_COMPONENT.0;
}
