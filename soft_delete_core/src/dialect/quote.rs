//! Identifiers quoted the way Diesel quotes them on a backend.

use diesel::backend::Backend;

/// `identifier` quoted by `DB`'s own query builder: `"repos"` on PostgreSQL and `` `repos` ``
/// on SQLite and MySQL, with quotes inside doubled.
///
/// ```
/// use soft_delete_core::dialect::quote::quote_with;
///
/// assert_eq!(quote_with::<diesel::sqlite::Sqlite>("a`b"), "`a``b`");
/// ```
#[must_use]
pub fn quote_with<DB>(identifier: &str) -> String
where
    DB: Backend,
    DB::QueryBuilder: Default,
{
    use diesel::query_builder::QueryBuilder;
    let mut builder = DB::QueryBuilder::default();
    if builder.push_identifier(identifier).is_err() {
        return identifier.to_owned();
    }
    builder.finish()
}
