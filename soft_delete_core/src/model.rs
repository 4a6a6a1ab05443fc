//! What `#[derive(SoftDelete)]` says about a model: its table, key, tombstone and actor.
//!
//! The derive only fills in these facts; everything that acts on them lives in this crate.

use core::fmt::Debug;
use core::marker::PhantomData;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl;
use diesel::expression::Expression;
use diesel::sql_types::{Bool, SingleValue};
use diesel::{Column, ExpressionMethods, Table};

use diesel::connection::LoadConnection;
use diesel::expression::AppearsOnTable;
use diesel::query_builder::QueryFragment;
use diesel::sql_types::BoolOrNullableBool;

use crate::backend::{SoftDeleteOn, SupportedBackend};
use crate::cascade::RestoreUp;
use crate::cascade::graph::{CascadeGraph, GraphEdge};

/// A model whose rows are soft deleted: tombstoned instead of removed.
///
/// Implement it with `#[derive(SoftDelete)]`, which also adds the model's scopes
/// (`active()`, `only_deleted()`, `is_active()`, `is_deleted()`) and its operations by key
/// (`soft_delete`, `restore`, ...); the trait itself provides `with_deleted()` and the other
/// operations. Writing an impl by hand is possible but the derive checks the facts against the
/// struct for you.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::SoftDelete;
///
/// assert_eq!(<Repo as SoftDelete>::TABLE, "repos");
/// assert_eq!(<Repo as SoftDelete>::MODEL, "Repo");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a soft-deletable model",
    label = "`{Self}` must derive `SoftDelete` here",
    note = "add `#[derive(SoftDelete)]` to `{Self}`; or, if this is a cascade edge to a table without a tombstone, say what happens to its rows: `#[cascade({Self}(hard))]` deletes them, `#[cascade({Self}(restrict))]` refuses while any exist, `#[cascade({Self}(keep))]` leaves them"
)]
pub trait SoftDelete: Sized + 'static {
    /// The Diesel table (`repos::table`).
    type Table: Table + Default;
    /// The primary key column (`repos::id`).
    type Key: Column<Table = Self::Table> + Default;
    /// The Rust type of the primary key (`i32`, `i64`, `String`, ...).
    type Id: Debug + Clone + 'static;
    /// The tombstone: [`Timestamp`] or [`Flag`], with its column.
    type Tombstone: Tombstone<Table = Self::Table>;
    /// The column recording who deleted a row: [`ActorColumn`], or [`NoActor`].
    type Actor: Actor;
    /// The cascade edges leaving this model, as a tuple of [`cascade`](crate::cascade) edge
    /// types; `()` when deleting a row touches no other table.
    type Cascade;
    /// The models whose soft cascade reaches this one, as a tuple of
    /// [`ParentLink`](crate::cascade::ParentLink)s; restoring a row checks them.
    type Parents;

    /// The model's name, for messages.
    const MODEL: &'static str;
    /// The table's name as written in the Diesel schema, for reports and messages.
    const TABLE: &'static str;
    /// Whether this model's boolean tombstones are recorded in the flag ledger so that a
    /// cascade restore can tell which rows an operation hid (see
    /// [`ledger`](crate::ledger)). `true` for flag models that take part in a cascade.
    const USES_LEDGER: bool;
    /// The edges of [`Self::Cascade`](SoftDelete::Cascade), described for graphs.
    const CASCADE_EDGES: &'static [GraphEdge];
    /// This model's whole cascade graph, a compile-time constant. A cycle between models is a
    /// compile error, because this constant would then contain itself.
    const CASCADE_GRAPH: CascadeGraph = CascadeGraph {
        model: Self::MODEL,
        table: Self::TABLE,
        tombstone: <Self::Tombstone as Tombstone>::COLUMN,
        kind: <Self::Tombstone as Tombstone>::KIND,
        edges: Self::CASCADE_EDGES,
    };

    /// The primary key of `row`. An associated function rather than a method, so it never
    /// clashes with Diesel's `Identifiable::id`.
    fn key_of(row: &Self) -> &Self::Id;

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
    fn with_deleted() -> crate::scope::WithDeleted<Self>
    where
        crate::scope::TableOf<Self>: diesel::query_dsl::methods::FilterDsl<
                diesel::dsl::Or<crate::scope::IsActive<Self>, crate::scope::IsDeleted<Self>>,
            >,
    {
        crate::scope::with_deleted::<Self>()
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
    fn soft_delete_where<C, P>(conn: &mut C, predicate: P) -> crate::Result<crate::Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
        P: Expression + AppearsOnTable<Self::Table> + QueryFragment<C::Backend>,
        P::SqlType: BoolOrNullableBool,
    {
        crate::ops::soft_delete_where::<Self, C, P>(conn, predicate, None)
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
    fn soft_delete_record<C>(&self, conn: &mut C) -> crate::Result<crate::Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        crate::ops::soft_delete::<Self, C>(conn, Self::key_of(self).clone(), None)
    }

    /// Restores this row and what its delete hid; see [`ops::restore`](crate::ops::restore).
    fn restore_record<C>(&self, conn: &mut C) -> crate::Result<crate::Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        crate::ops::restore::<Self, C>(conn, Self::key_of(self).clone())
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
    fn restore_with_ancestors<C>(
        conn: &mut C,
        id: impl Into<Self::Id>,
    ) -> crate::Result<crate::Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: RestoreUp<C::Backend>,
    {
        crate::ops::restore_with_ancestors::<Self, C>(conn, id.into())
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
    fn lock_live<C>(conn: &mut C, id: impl Into<Self::Id>) -> crate::Result<()>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        crate::ops::lock_live::<Self, C>(conn, id.into())
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
        hooks: &mut crate::Hooks<'_, C>,
    ) -> crate::Result<crate::Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        crate::ops::soft_delete_with_hooks::<Self, C>(conn, id.into(), None, hooks)
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
        hooks: &mut crate::Hooks<'_, C>,
    ) -> crate::Result<crate::Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        crate::ops::restore_with_hooks::<Self, C>(conn, id.into(), hooks)
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
    fn purge<C>(conn: &mut C, options: crate::purge::Purge<'_, C>) -> crate::Result<crate::Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        crate::purge::purge::<Self, C>(conn, options)
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
    fn hard_delete<C>(conn: &mut C, id: impl Into<Self::Id>) -> crate::Result<crate::Report>
    where
        C: LoadConnection,
        C::Backend: SupportedBackend,
        Self: SoftDeleteOn<C::Backend>,
    {
        crate::ops::hard_delete::<Self, C>(conn, id.into())
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

/// How a row is marked as deleted.
///
/// Implemented by [`Timestamp`] and [`Flag`]; the derive picks one from the field's type.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{SoftDelete, Tombstone, TombstoneKind};
///
/// assert_eq!(<Repo as SoftDelete>::Tombstone::KIND, TombstoneKind::Timestamp);
/// assert_eq!(<Repo as SoftDelete>::Tombstone::COLUMN, "deleted_at");
/// ```
pub trait Tombstone: 'static {
    /// The table the column belongs to.
    type Table: Table;
    /// The tombstone column.
    type Column: Column<Table = Self::Table> + Default;
    /// The predicate "this row is live".
    type IsActive: Expression<SqlType = Bool> + Clone;
    /// The predicate "this row is tombstoned".
    type IsDeleted: Expression<SqlType = Bool> + Clone;
    /// Timestamp or flag.
    const KIND: TombstoneKind;
    /// The column's name.
    const COLUMN: &'static str = <Self::Column as Column>::NAME;

    /// `deleted_at IS NULL`, or `is_deleted = false`.
    fn is_active() -> Self::IsActive;
    /// `deleted_at IS NOT NULL`, or `is_deleted = true`.
    fn is_deleted() -> Self::IsDeleted;
}

/// The kind of a [`Tombstone`], for code that walks models at run time.
///
/// ```
/// use soft_delete_core::TombstoneKind;
///
/// assert_eq!(TombstoneKind::Flag.to_string(), "boolean flag");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TombstoneKind {
    /// A nullable timestamp: `NULL` while live, the deletion time once tombstoned.
    Timestamp,
    /// A boolean: `false` while live, `true` once tombstoned.
    Flag,
}

impl core::fmt::Display for TombstoneKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            TombstoneKind::Timestamp => "nullable timestamp",
            TombstoneKind::Flag => "boolean flag",
        })
    }
}

/// A nullable timestamp tombstone in column `C`, read into Rust as `Option<T>`.
///
/// `T` is [`NaiveDateTime`] (UTC by convention) or [`DateTime<Utc>`].
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use chrono::NaiveDateTime;
/// use soft_delete_core::{Timestamp, Tombstone};
///
/// type RepoTombstone = Timestamp<repos::deleted_at, NaiveDateTime>;
/// let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&RepoTombstone::is_active()).to_string();
/// assert_eq!(sql, r#"(`repos`.`deleted_at` IS NULL) -- binds: []"#);
/// ```
pub struct Timestamp<C, T>(PhantomData<fn() -> (C, T)>);

/// A boolean tombstone in column `C`: `false` while live, `true` once tombstoned.
///
/// A flag cannot tell when a row was deleted; reports still carry the operation's time.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Flag, Tombstone};
///
/// let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(
///     &Flag::<issue_comments::is_deleted>::is_active(),
/// )
/// .to_string();
/// assert_eq!(sql, r#"(`issue_comments`.`is_deleted` = ?) -- binds: [false]"#);
/// ```
pub struct Flag<C>(PhantomData<fn() -> C>);

impl<C, T> Tombstone for Timestamp<C, T>
where
    C: Column + Default + Clone + 'static,
    C::SqlType: SingleValue,
    T: Stamp,
{
    type Table = C::Table;
    type Column = C;
    type IsActive = dsl::IsNull<C>;
    type IsDeleted = dsl::IsNotNull<C>;
    const KIND: TombstoneKind = TombstoneKind::Timestamp;

    fn is_active() -> Self::IsActive {
        C::default().is_null()
    }

    fn is_deleted() -> Self::IsDeleted {
        C::default().is_not_null()
    }
}

impl<C> Tombstone for Flag<C>
where
    C: Column<SqlType = Bool> + Default + Clone + 'static,
{
    type Table = C::Table;
    type Column = C;
    type IsActive = dsl::Eq<C, bool>;
    type IsDeleted = dsl::Eq<C, bool>;
    const KIND: TombstoneKind = TombstoneKind::Flag;

    fn is_active() -> Self::IsActive {
        C::default().eq(false)
    }

    fn is_deleted() -> Self::IsDeleted {
        C::default().eq(true)
    }
}

/// A Rust timestamp type a tombstone can hold.
///
/// ```
/// use chrono::{DateTime, NaiveDateTime, Utc};
/// use soft_delete_core::Stamp;
///
/// let now = chrono::Utc::now().naive_utc();
/// assert_eq!(NaiveDateTime::from_utc_stamp(now), now);
/// assert_eq!(DateTime::<Utc>::from_utc_stamp(now).naive_utc(), now);
/// assert_eq!(DateTime::<Utc>::from_utc_stamp(now).to_utc_stamp(), now);
/// ```
pub trait Stamp: Clone + 'static {
    /// The timestamp for a UTC instant.
    fn from_utc_stamp(stamp: NaiveDateTime) -> Self;
    /// The UTC instant of this timestamp.
    fn to_utc_stamp(&self) -> NaiveDateTime;
}

impl Stamp for NaiveDateTime {
    fn from_utc_stamp(stamp: NaiveDateTime) -> Self {
        stamp
    }

    fn to_utc_stamp(&self) -> NaiveDateTime {
        *self
    }
}

impl Stamp for DateTime<Utc> {
    fn from_utc_stamp(stamp: NaiveDateTime) -> Self {
        stamp.and_utc()
    }

    fn to_utc_stamp(&self) -> NaiveDateTime {
        self.naive_utc()
    }
}

/// Who deleted a row, if the model records it.
///
/// Implemented by [`ActorColumn`] and [`NoActor`].
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Actor, SoftDelete};
///
/// assert_eq!(<Repo as SoftDelete>::Actor::COLUMN, Some("deleted_by"));
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

/// The Rust type of a model's actor.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// let actor: soft_delete_core::ActorOf<Repo> = 42_i32;
/// # let _ = actor;
/// ```
pub type ActorOf<M> = <<M as SoftDelete>::Actor as Actor>::Value;
