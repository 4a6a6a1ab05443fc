//! Filter scopes: ordinary Diesel queries that read live rows, tombstoned rows, or both.
//!
//! The derive adds these to each model as `Model::active()` and friends; the functions here
//! are the same scopes for generic code.

use diesel::BoolExpressionMethods;
use diesel::query_dsl::methods::FilterDsl;

use crate::model::{Model, Tombstone};

/// The Diesel table of model `M`. The aliases below name the scopes' types, for functions that
/// return or take them:
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::scope::Active;
///
/// fn live_repos() -> Active<Repo> {
///     Repo::active()
/// }
/// # let _ = live_repos();
/// ```
pub type TableOf<M> = <M as Model>::Table;
/// The predicate "row is live" of model `M`: `deleted_at IS NULL` or `is_deleted = false`.
pub type IsActive<M> = <<M as Model>::Tombstone as Tombstone>::IsActive;
/// The predicate "row is tombstoned" of model `M`.
pub type IsDeleted<M> = <<M as Model>::Tombstone as Tombstone>::IsDeleted;
/// The query of `M`'s live rows: `table.filter(deleted_at.is_null())`.
pub type Active<M> = diesel::dsl::Filter<TableOf<M>, IsActive<M>>;
/// The query of `M`'s tombstoned rows: `table.filter(deleted_at.is_not_null())`.
pub type OnlyDeleted<M> = diesel::dsl::Filter<TableOf<M>, IsDeleted<M>>;
/// The query of all of `M`'s rows: `table.filter(deleted_at.is_null().or(deleted_at.is_not_null()))`.
pub type WithDeleted<M> =
    diesel::dsl::Filter<TableOf<M>, diesel::dsl::Or<IsActive<M>, IsDeleted<M>>>;

/// `M`'s live rows, the scope every read should start from.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
///
/// # let conn = &mut fixture();
/// let live: i64 = soft_delete_core::scope::active::<Repo>().count().get_result(conn)?;
/// assert_eq!(live, 2);
/// # Ok::<(), diesel::result::Error>(())
/// ```
#[must_use]
pub fn active<M>() -> Active<M>
where
    M: Model,
    TableOf<M>: FilterDsl<IsActive<M>>,
{
    FilterDsl::filter(M::Table::default(), M::Tombstone::is_active())
}

/// `M`'s tombstoned rows: the trash.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
///
/// # let conn = &mut fixture();
/// let trash: i64 = soft_delete_core::scope::only_deleted::<Repo>().count().get_result(conn)?;
/// assert_eq!(trash, 1);
/// # Ok::<(), diesel::result::Error>(())
/// ```
#[must_use]
pub fn only_deleted<M>() -> OnlyDeleted<M>
where
    M: Model,
    TableOf<M>: FilterDsl<IsDeleted<M>>,
{
    FilterDsl::filter(M::Table::default(), M::Tombstone::is_deleted())
}

/// All of `M`'s rows, live and tombstoned: an explicit, greppable way to read past tombstones.
///
/// The query is `table.filter(is_active().or(is_deleted()))`, which selects every row and
/// names the tombstone on purpose: the database plans it as a read of the whole table, and
/// the [leak detector](crate::leak) can tell this deliberate read from one that forgot the
/// tombstone.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
/// use soft_delete_core::SoftDelete;
///
/// # let conn = &mut fixture();
/// let all: i64 = soft_delete_core::scope::with_deleted::<Repo>().count().get_result(conn)?;
/// assert_eq!(all, 3);
///
/// let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&Repo::with_deleted()).to_string();
/// assert!(sql.contains(
///     "WHERE ((`repos`.`deleted_at` IS NULL) OR (`repos`.`deleted_at` IS NOT NULL))"
/// ));
/// # Ok::<(), diesel::result::Error>(())
/// ```
#[must_use]
pub fn with_deleted<M>() -> WithDeleted<M>
where
    M: Model,
    TableOf<M>: FilterDsl<diesel::dsl::Or<IsActive<M>, IsDeleted<M>>>,
{
    FilterDsl::filter(
        M::Table::default(),
        BoolExpressionMethods::or(M::Tombstone::is_active(), M::Tombstone::is_deleted()),
    )
}

/// The predicate "row of `M` is live", to filter joined tables.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
///
/// let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(
///     &repos::table.filter(soft_delete_core::scope::is_active::<Repo>()),
/// )
/// .to_string();
/// assert!(sql.ends_with("WHERE (`repos`.`deleted_at` IS NULL) -- binds: []"));
/// ```
#[must_use]
pub fn is_active<M: Model>() -> IsActive<M> {
    M::Tombstone::is_active()
}

/// The predicate "row of `M` is tombstoned".
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
///
/// let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(
///     &repos::table.filter(soft_delete_core::scope::is_deleted::<Repo>()),
/// )
/// .to_string();
/// assert!(sql.ends_with("WHERE (`repos`.`deleted_at` IS NOT NULL) -- binds: []"));
/// ```
#[must_use]
pub fn is_deleted<M: Model>() -> IsDeleted<M> {
    M::Tombstone::is_deleted()
}
