//! The user-facing API: [`SoftDelete`], the operations every [`Model`] has.

use diesel::connection::LoadConnection;
use diesel::expression::{AppearsOnTable, Expression};
use diesel::query_builder::QueryFragment;
use diesel::sql_types::BoolOrNullableBool;

use crate::cascade::SoftDeleteOn;
use crate::dialect::SupportedBackend;
use crate::error::Result;
use crate::exec::HookSet;
use crate::hooks::Hooks;
use crate::model::{CascadeGraph, Model};
use crate::ops::{self, purge::Purge};
use crate::report::Report;
use crate::scope;

/// The operations of a soft-deletable model: `with_deleted()`, bulk and record-wise soft
/// delete, restore with ancestors, `lock_live`, hooks, purge, hard delete and the cascade
/// graph. Every [`Model`] has them; bring them into scope with `use soft_delete_core::SoftDelete`,
/// the same `use` that brings `#[derive(SoftDelete)]`.
///
/// The derive adds the model's scopes (`active()`, `only_deleted()`, `is_active()`,
/// `is_deleted()`) and its operations by key (`soft_delete`, `restore`, and `soft_delete_by`
/// for a model with an actor) as inherent functions, typed and documented with the model's
/// cascade. The facts the derive describes are the [`Model`] trait's.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
/// use soft_delete_core::SoftDelete;
///
/// # let conn = &mut fixture();
/// Repo::soft_delete_where(conn, repos::slug.eq("demo-one"))?;
/// assert_eq!(Repo::with_deleted().count().get_result::<i64>(conn)?, 3);
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub trait SoftDelete: Model {
    /// Every row of this model, live and tombstoned, on purpose:
    /// `table.filter(deleted_at IS NULL OR deleted_at IS NOT NULL)`. It names the tombstone, so
    /// the [leak detector](crate::leak) reads it as intended. A provided method rather than a
    /// generated one: it costs a model nothing to compile until it is called.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::prelude::*;
    /// use soft_delete_core::SoftDelete;
    ///
    /// # let conn = &mut fixture();
    /// let all: i64 = Repo::with_deleted().count().get_result(conn)?;
    /// assert_eq!(all, 3);
    /// # Ok::<(), diesel::result::Error>(())
    /// ```
    #[must_use]
    fn with_deleted() -> scope::WithDeleted<Self>
    where
        scope::TableOf<Self>: diesel::query_dsl::methods::FilterDsl<
                diesel::dsl::Or<scope::IsActive<Self>, scope::IsDeleted<Self>>,
            >,
    {
        scope::with_deleted::<Self>()
    }

    /// Soft deletes every live row that `predicate` selects, and what their cascade reaches:
    /// one statement per edge, whatever the number of rows. There is deliberately no form
    /// without a predicate. See [`ops::soft_delete_where`](crate::ops::soft_delete_where).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::prelude::*;
    /// use soft_delete_core::SoftDelete;
    ///
    /// # let conn = &mut fixture();
    /// let report = Repo::soft_delete_where(conn, repos::slug.like("demo-%"))?;
    /// assert_eq!(report.rows_in("repos"), 2);
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn soft_delete_where<C, P>(conn: &mut C, predicate: P) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
        P: Expression + AppearsOnTable<Self::Table> + QueryFragment<C::Backend> + Send + Sync,
        P::SqlType: BoolOrNullableBool,
    {
        ops::soft_delete_where::<Self, C, P>(conn, predicate, None)
    }

    /// Soft deletes this row and its cascade; see [`ops::soft_delete`](crate::ops::soft_delete).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::prelude::*;
    /// use soft_delete_core::SoftDelete;
    ///
    /// # let conn = &mut fixture();
    /// let repo: Repo = Repo::active().select(Repo::as_select()).first(conn)?;
    /// repo.soft_delete_record(conn)?;
    /// repo.restore_record(conn)?;
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn soft_delete_record<C>(&self, conn: &mut C) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        ops::soft_delete::<Self, C>(conn, Self::key_of(self), None)
    }

    /// Restores this row and what its delete hid; see [`ops::restore`](crate::ops::restore).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::prelude::*;
    /// use soft_delete_core::SoftDelete;
    ///
    /// # let conn = &mut fixture();
    /// // Repo 3 is tombstoned: load it from the trash and bring it back.
    /// let old: Repo = Repo::only_deleted().select(Repo::as_select()).first(conn)?;
    /// old.restore_record(conn)?;
    /// assert!(Repo::active().find(old.id).first::<Repo>(conn).is_ok());
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn restore_record<C>(&self, conn: &mut C) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        ops::restore::<Self, C>(conn, Self::key_of(self))
    }

    /// Restores the row whose key is `id` after every tombstoned ancestor it hangs off; see
    /// [`ops::restore_with_ancestors`](crate::ops::restore_with_ancestors).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::SoftDelete;
    ///
    /// # let conn = &mut fixture();
    /// Repo::restore_with_ancestors(conn, 3)?;
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn restore_with_ancestors<C>(conn: &mut C, id: impl Into<Self::Id>) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: ops::RestoreUp<C::Backend>,
    {
        ops::restore_with_ancestors::<Self, C>(conn, id.into())
    }

    /// Restores the row whose key is `id` alone, leaving what its delete hid tombstoned; see
    /// [`ops::restore_shallow`](crate::ops::restore_shallow).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::SoftDelete;
    ///
    /// # let conn = &mut fixture();
    /// assert_eq!(Repo::restore_shallow(conn, 3)?.rows_in("repos"), 1);
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn restore_shallow<C>(conn: &mut C, id: impl Into<Self::Id>) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        ops::restore_shallow::<Self, C>(conn, id.into())
    }

    /// Restores the tombstoned ancestors the row whose key is `id` needs, each alone, then the
    /// row with what its delete hid; see [`ops::restore_path`](crate::ops::restore_path).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::SoftDelete;
    ///
    /// # let conn = &mut fixture();
    /// Repo::restore_path(conn, 3)?;
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn restore_path<C>(conn: &mut C, id: impl Into<Self::Id>) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: ops::RestoreUp<C::Backend>,
    {
        ops::restore_path::<Self, C>(conn, id.into())
    }

    /// Restores every tombstoned row a predicate selects, each with what its own delete hid, in
    /// one transaction; see [`ops::restore_where`](crate::ops::restore_where).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::prelude::*;
    /// use soft_delete_core::SoftDelete;
    ///
    /// # let conn = &mut fixture();
    /// let report = Repo::restore_where(conn, repos::slug.eq("old"))?;
    /// assert_eq!(report.rows_in("repos"), 1);
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn restore_where<C, P>(conn: &mut C, predicate: P) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
        P: Expression + AppearsOnTable<Self::Table> + QueryFragment<C::Backend> + Send + Sync,
        P::SqlType: BoolOrNullableBool,
    {
        ops::restore_where::<Self, C, P>(conn, predicate)
    }

    /// In a writer's transaction: checks that the row whose key is `id` is live and keeps it so
    /// until the transaction ends; see [`ops::lock_live`](crate::ops::lock_live).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::Connection;
    /// use soft_delete_core::{Error, SoftDelete};
    ///
    /// # let conn = &mut fixture();
    /// let refused = conn.transaction(|conn| Repo::lock_live(conn, 3));
    /// assert!(matches!(refused, Err(Error::Deleted { .. })));
    /// ```
    fn lock_live<C>(conn: &mut C, id: impl Into<Self::Id>) -> Result<()>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        ops::lock_live::<Self, C>(conn, id.into())
    }

    /// Soft deletes the row whose key is `id` like `Model::soft_delete`, running `hooks` in its
    /// transaction; see [`ops::soft_delete_with_hooks`](crate::ops::soft_delete_with_hooks).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::SqliteConnection;
    /// use soft_delete_core::{Hooks, SoftDelete};
    ///
    /// # let conn = &mut fixture();
    /// let mut hooks = Hooks::new().before(|_: &mut SqliteConnection, intent| {
    ///     assert_eq!(intent.to_string(), "soft delete of `repos` 1");
    ///     Ok(())
    /// });
    /// Repo::soft_delete_with_hooks(conn, 1, &mut hooks)?;
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn soft_delete_with_hooks<C>(
        conn: &mut C,
        id: impl Into<Self::Id>,
        hooks: &mut Hooks<'_, C>,
    ) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        ops::soft_delete_with_hooks::<Self, C>(conn, id.into(), None, hooks)
    }

    /// Restores the row whose key is `id` like `Model::restore`, running `hooks` in its
    /// transaction; see [`ops::restore_with_hooks`](crate::ops::restore_with_hooks).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::{Hooks, SoftDelete};
    ///
    /// # let conn = &mut fixture();
    /// Repo::restore_with_hooks(conn, 3, &mut Hooks::new())?;
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn restore_with_hooks<C>(
        conn: &mut C,
        id: impl Into<Self::Id>,
        hooks: &mut Hooks<'_, C>,
    ) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        ops::restore_with_hooks::<Self, C>(conn, id.into(), hooks)
    }

    /// Deletes for real the tombstoned rows `options` selects, with their cascades, in
    /// batches; see [`purge`](crate::purge).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::{SoftDelete, purge::Purge};
    ///
    /// # let conn = &mut fixture();
    /// assert_eq!(Repo::purge(conn, Purge::any_age())?.rows_in("repos"), 1);
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn purge<C, H>(conn: &mut C, options: Purge<'_, C, H>) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
        H: for<'c> HookSet<crate::exec::Blocking<'c, C>>,
    {
        ops::purge::purge::<Self, C, H>(conn, options)
    }

    /// Deletes for real the row whose key is `id` and its whole subtree, in one transaction;
    /// see [`ops::hard_delete`](crate::ops::hard_delete).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::SoftDelete;
    ///
    /// # let conn = &mut fixture();
    /// assert_eq!(Repo::hard_delete(conn, 2)?.rows_in("repos"), 1);
    /// assert!(Repo::hard_delete(conn, 2).unwrap_err().is_not_found());
    /// # Ok::<(), soft_delete_core::Error>(())
    /// ```
    fn hard_delete<C>(conn: &mut C, id: impl Into<Self::Id>) -> Result<Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        ops::hard_delete::<Self, C>(conn, id.into())
    }

    /// This model's cascade graph, a compile-time constant.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::SoftDelete;
    ///
    /// assert_eq!(Repo::cascade_graph().table, "repos");
    /// ```
    #[must_use]
    fn cascade_graph() -> &'static CascadeGraph {
        &Self::CASCADE_GRAPH
    }
}

impl<M: Model> SoftDelete for M {}
