//! Soft delete for Diesel: rows are tombstoned, not removed, and every read can tell.
//!
//! `#[derive(SoftDelete)]` reads a model's Diesel attributes and its own, and gives the model
//! filter scopes that are ordinary Diesel queries, plus soft delete and restore operations
//! that each run in one transaction and return a [`Report`].
//!
//! ```
//! use chrono::NaiveDateTime;
//! use diesel::prelude::*;
//! use soft_delete_core::{Outcome, SoftDelete};
//!
//! diesel::table! {
//!     repos (id) {
//!         id -> Integer,
//!         slug -> Text,
//!         deleted_at -> Nullable<Timestamp>,
//!         deleted_by -> Nullable<Integer>,
//!     }
//! }
//!
//! #[derive(Debug, Queryable, Selectable, SoftDelete)]
//! #[diesel(table_name = repos)]
//! #[soft_delete(deleted_by = deleted_by)]
//! pub struct Repo {
//!     pub id: i32,
//!     pub slug: String,
//!     pub deleted_at: Option<NaiveDateTime>,
//!     pub deleted_by: Option<i32>,
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let conn = &mut SqliteConnection::establish(":memory:")?;
//! diesel::sql_query(
//!     "CREATE TABLE repos (id INTEGER PRIMARY KEY, slug TEXT NOT NULL,
//!                          deleted_at TIMESTAMP, deleted_by INTEGER)",
//! )
//! .execute(conn)?;
//! diesel::insert_into(repos::table)
//!     .values(&vec![(repos::id.eq(1), repos::slug.eq("api")), (repos::id.eq(2), repos::slug.eq("web"))])
//!     .execute(conn)?;
//!
//! let report = Repo::soft_delete_by(conn, 1, 42)?;          // tombstone repo 1, actor 42
//! assert_eq!(report.rows_in("repos"), 1);
//!
//! let live: Vec<Repo> = Repo::active().load(conn)?;         // WHERE deleted_at IS NULL
//! assert_eq!(live.len(), 1);
//! let trash: Vec<Repo> = Repo::only_deleted().load(conn)?;
//! assert_eq!(trash[0].deleted_by, Some(42));
//!
//! // Deleting again changes nothing and keeps the first stamp.
//! assert_eq!(Repo::soft_delete(conn, 1)?.outcome, Outcome::AlreadyDeleted);
//!
//! Repo::restore(conn, 1)?;
//! assert_eq!(Repo::active().count().get_result::<i64>(conn)?, 2);
//! # Ok(())
//! # }
//! ```
//!
//! # The derive
//!
//! `#[derive(SoftDelete)]` goes on a struct with named fields that maps a Diesel table. It
//! reads Diesel's own attributes, with Diesel's defaults:
//!
//! | attribute | meaning | default |
//! |---|---|---|
//! | `#[diesel(table_name = path::to::table)]` | the table the model maps | the struct's name in `snake_case` plus `s` (`IssueComment` → `issue_comments`) |
//! | `#[diesel(primary_key(id))]` | the key column; exactly one | `id` |
//! | `#[diesel(column_name = name)]` on a field | the field's column | the field's name |
//!
//! and its own, on the struct:
//!
//! | attribute | meaning | default |
//! |---|---|---|
//! | `#[soft_delete(field)]` | the tombstone field; its kind follows its type, as the compiler sees it (an alias such as `type Stamp = Option<NaiveDateTime>` or a full path works): `Option<NaiveDateTime>` or `Option<DateTime<Utc>>` (a timestamp, `NULL` while live) or `bool` (a flag, `false` while live) | the field named `deleted_at` |
//! | `#[soft_delete(timestamp = field)]` | a timestamp tombstone, checked to be `Option<NaiveDateTime>` or `Option<DateTime<Utc>>` (with the `time` feature also `Option<time::PrimitiveDateTime>` or `Option<time::OffsetDateTime>`; see [`Stamp`] for each type's column on each backend) | as above |
//! | `#[soft_delete(flag = field)]` | a boolean tombstone, checked to be `bool` | none |
//! | `#[soft_delete(deleted_by = field)]` | an `Option<T>` field recording who deleted the row; set by `soft_delete_by` (on every row of the cascade that has one), `NULL` after `soft_delete`, cleared by `restore` | no actor column |
//! | `#[soft_delete(parent = Model)]` | `Model` cascades softly to this one; restoring a row first checks its `Model` row is live. Required for every soft edge into this model | no parents |
//! | `#[soft_delete(crate = path)]` | where to find this crate, if it was renamed in `Cargo.toml` | `::soft_delete_core` |
//! | `#[cascade(Child, ...)]` | soft edges to models whose `belongs_to(Self)` foreign key holds this model's key; the child must derive `SoftDelete`, and soft edges may not form a cycle between models (make one direction `keep`) | no edges |
//! | `#[cascade(Child(foreign_key = table::column))]` | a soft edge through a column `belongs_to` does not name | |
//! | `#[cascade(Child(owned))]` | a soft edge to a record whose key this model holds (through this model's `belongs_to(Child)`); a record another live row of this model still holds is left live | |
//! | `#[cascade(Child(hard))]` | delete the child rows for real (tables without a tombstone) | |
//! | `#[cascade(Child(restrict))]` | refuse the delete while live child rows exist ([`Error::Restricted`]) | |
//! | `#[cascade(Child(keep))]`, `#[cascade(Self(keep, foreign_key = table::column))]` | the child rows outlive the parent on purpose (a log, a fork): nothing happens to them, and the schema audit takes the reference as meant | |
//! | `#[cascade(Self(foreign_key = table::parent_id))]` | a self-referencing tree, cascaded with a recursive query | |
//!
//! Fields are named by their Rust names, except in `primary_key(...)`, which names columns as
//! in Diesel; keys may be combined in one attribute or spread over several. A composite primary
//! key is refused at compile time. Every mistake is a compile error at the tokens that are wrong.
//!
//! # What a model gets
//!
//! | item | what it is |
//! |---|---|
//! | `Model::active()` | the live rows: `table.filter(deleted_at.is_null())`, a Diesel query to keep chaining |
//! | `Model::only_deleted()` | the tombstoned rows |
//! | `Model::with_deleted()` | every row, on purpose: `deleted_at IS NULL OR deleted_at IS NOT NULL`, which the [`leak`] detector accepts |
//! | `Model::is_active()` / `Model::is_deleted()` | the predicates, to filter joined tables |
//! | `Model::soft_delete(conn, id)` / `Model::soft_delete_by(conn, id, actor)` | tombstone one row; idempotent; [`Error::NotFound`] for an unknown key |
//! | `Model::restore(conn, id)` | clear one row's tombstone and actor |
//! | `Model::soft_delete_where(conn, predicate)` / `..._where_by` | tombstone every live row a predicate selects, one statement per edge |
//! | `model.soft_delete_record(conn)`, `..._record_by`, `model.restore_record(conn)` | the same, on a loaded row |
//! | `Model::restore_with_ancestors(conn, id)` | restore the tombstoned ancestors first, then the row |
//! | `Model::restore_path(conn, id)` | restore each tombstoned ancestor alone, then the row with what its delete hid |
//! | `Model::restore_shallow(conn, id)` | restore the row alone |
//! | `Model::restore_where(conn, predicate)` | restore every tombstoned row a predicate selects, each with what its own delete hid |
//! | `Model::lock_live(conn, id)` | the writers' guard: the row is live and stays so until commit |
//! | `Model::cascade_graph()` | the [`CascadeGraph`], a compile-time constant, printable as Mermaid or DOT |
//! | `Model::soft_delete_with_hooks(conn, id, &mut hooks)`, `Model::restore_with_hooks(...)` | the operations with your [`Hooks`] inside their transaction |
//! | `Model::purge(conn, options)` | delete for real the rows tombstoned before a cutoff, with their cascades, in batches ([`purge`]) |
//! | `Model::hard_delete(conn, id)` | delete for real one row and its whole subtree ([`ops::hard_delete`]) |
//!
//! The by-key and `_by` functions are generated on the model, with the cascade in their docs;
//! the rest are provided methods of the [`SoftDelete`] trait, in scope through the same
//! `use soft_delete_core::SoftDelete` that brings the derive. The derive itself implements only
//! [`Model`]: the facts (table, key, tombstone, actor, edges, parents) that everything else in
//! this crate reads; every [`Model`] is a [`SoftDelete`].
//!
//! `soft_delete_by` variants exist only for models with a `deleted_by` column. Every operation
//! runs in one transaction (a savepoint inside the caller's) and returns a [`Report`].
//!
//! # Semantics
//!
//! - The scopes are the SQL a careful person writes by hand; nothing is added at run time.
//! - A cascade runs one statement per edge whatever the row count, deepest tables first, in one
//!   transaction, and never loads a child row (see [`cascade`]). It follows live rows only: a
//!   row already tombstoned keeps its stamp, and so does what hangs below it.
//! - A restore revives exactly what the operation that tombstoned the row hid, matching stamps
//!   down the graph; boolean tombstones of cascading models are matched through the
//!   [`ledger`]. Restoring under a tombstoned parent is [`Error::ParentDeleted`].
//! - Timestamp columns must keep microseconds (`TIMESTAMP`, `TIMESTAMPTZ`, MySQL
//!   `DATETIME(6)`): restore compares stamps for equality.
//! - One operation writes one stamp: [`ops::now_stamp`], UTC, whole microseconds.
//! - Deleting a tombstoned row succeeds, changes nothing, keeps the original stamp and says
//!   [`Outcome::AlreadyDeleted`]; an unknown key is [`Error::NotFound`].
//! - Every value is bound as a parameter and every identifier is quoted by Diesel for the
//!   backend at hand.
//!
//! # Safety tooling
//!
//! | module | what it does |
//! |---|---|
//! | [`leak`] (feature `leak`) | a Diesel `Instrumentation` that reports every statement reading or writing a soft-deletable table without its tombstone predicate; collect and assert in tests, log in production |
//! | [`audit`] | reads a live schema and reports what undoes soft delete: `ON DELETE CASCADE` into tombstoned tables, uncovered children, unique keys that count tombstones, unindexed tombstones, drift from the cascade graphs (also the `soft-delete audit` command) |
//! | [`migration`] | DDL for `up.sql` and `down.sql`: tombstone, actor, unique keys over live rows only; [`migration::Plan`], a whole migration filled by hand, from a model's cascade graph or (the `soft-delete migration` command) from a live schema |
//! | [`purge`] | deletes for real the rows tombstoned before a cutoff, with their cascades, children first, in batches; never a live row |
//! | [`ops::hard_delete`] | deletes for real one row and its whole subtree in one transaction |
//! | [`hooks`] | your closures inside an operation's transaction, before and after, with its report |
//! | `testing` (feature) | assertions for your own tests: tombstoned, whole cascade tombstoned, absent from the active scope |
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `derive` | yes | re-exports `#[derive(SoftDelete)]` |
//! | `sqlite` | yes | SQLite, with a bundled `libsqlite3` |
//! | `postgres` | no | PostgreSQL (needs `libpq`) |
//! | `mysql` | no | MySQL and MariaDB (needs the MySQL client library) |
//! | `async` | no | `soft_delete_core::asynchronous`: every operation on `diesel_async` connections |
//! | `testing` | no | `soft_delete_core::testing`: assertions for your own tests |
//!
//! # Architecture
//!
//! The crate is organised in layers, each importing only from the layers below it
//! (`ARCHITECTURE.md` in the crate's directory has the table, and a test enforces it):
//!
//! | layer | modules |
//! |---|---|
//! | the operations a model has | `api` ([`SoftDelete`]), `asynchronous` (feature `async`); the tools [`migration`], [`audit`], [`leak`], `testing` |
//! | the operations | [`ops`]: soft delete, restore, restore with ancestors, lock live, hard delete, [`purge`] |
//! | the engine | [`cascade`]: one file per pass (check, tombstone, revive, erase) |
//! | facts as SQL | `render` |
//! | scopes, backends, connections | [`scope`], [`dialect`], `exec` |
//! | the facts the derive states | [`model`] |
//! | the vocabulary | `sql`, `error` ([`Error`]), `report` ([`Report`]), [`hooks`] |
//!
//! The engine is written once, as `async fn`s over one small executor trait; a blocking
//! connection drives it in a single poll on the caller's thread, with no runtime.

// The layers, bottom up, each importing only from itself and those above it in this list (see
// `ARCHITECTURE.md`; `tests/layers.rs` enforces it).
// L0: the vocabulary every layer speaks.
mod error;
pub mod hooks;
mod report;
#[doc(hidden)]
pub mod sql;
// L1: the facts the derive describes.
pub mod model;
// L2: scopes, backends, connections.
pub mod dialect;
#[doc(hidden)]
pub mod exec;
pub mod scope;
// L3: facts as SQL.
#[doc(hidden)]
pub mod render;
// L4: the engine.
pub mod cascade;
// L5: the operations.
pub mod ops;
// L6: the API, and the tools around it.
mod api;
#[cfg(feature = "async")]
pub mod asynchronous;
pub mod audit;
#[cfg(feature = "leak")]
pub mod leak;
pub mod migration;
#[cfg(feature = "testing")]
pub mod testing;

pub use api::SoftDelete;
pub use cascade::SoftDeleteOn;
pub use dialect::SupportedBackend;
pub use dialect::ledger;
pub use error::{Error, Result};
pub use hooks::{Hooks, Intent};
pub use model::{
    Actor, ActorColumn, ActorField, ActorOf, CascadeGraph, Flag, Model, NoActor, Stamp, Timestamp,
    Tombstone, TombstoneField, TombstoneKind,
};
pub use ops::purge;
pub use report::{Held, Operation, Outcome, Report, TableChange};

/// Derives [`Model`] (and with it [`SoftDelete`]) for a Diesel model; see the
/// [crate docs](crate#the-derive) for its attributes.
#[cfg(feature = "derive")]
pub use soft_delete_derive::SoftDelete;

/// What the derive's expansion names. Not public API: anything here may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::cascade::SoftDeleteOn;
    pub use crate::model::checks::{FieldOf, SoftChildOf, cycle};
    pub use crate::model::edges::{
        CascadesTo, ChildOf, Hard, HasParent, Keep, Owned, ParentLink, Restrict, Soft, Tree,
        TreeParent, WithParent,
    };
    pub use crate::model::fallback::Unresolved;
    pub use crate::model::graph::{CascadeGraph, GraphEdge, GraphRef, Policy};
    pub use crate::model::key::Pair;
    pub use crate::model::probe::{LiveFilter, LiveFilterOf, Probe, ProbeOther, ProbeSoft};
    pub use crate::model::table_name::TableName;
    pub use crate::model::tombstone::{FlagField, TimestampField};
    pub use crate::model::{
        ActorColumn, ActorField, ActorOf, Flag, Model, NoActor, Timestamp, TombstoneField,
    };
    pub use crate::ops::{restore, soft_delete, soft_delete_where};
    pub use crate::scope::{
        Active, IsActive, IsDeleted, OnlyDeleted, active, is_active, is_deleted, only_deleted,
    };
    pub use crate::{Error, Report, SupportedBackend};
    pub use core::convert::Into;
    pub use core::marker::{Send, Sync};
    pub use core::option::Option::{self, None, Some};
    pub use core::result::Result;
    pub use diesel::Column;
    pub use diesel::associations::BelongsTo;
    pub use diesel::connection::LoadConnection;
    pub use diesel::expression::{AppearsOnTable, Expression};
    pub use diesel::query_builder::QueryFragment;
    pub use diesel::sql_types::BoolOrNullableBool;
    pub use std::vec::Vec;

    /// Compile-time check: `Child` names `Parent` as its parent.
    pub const fn assert_parent<Child: HasParent<Parent>, Parent>() {}

    /// Compile-time check: `Parent` has a soft cascade edge to `Child`.
    pub const fn assert_cascades<Parent: CascadesTo<Child>, Child>() {}

    /// Compile-time check: a field of Rust type `T` can hold values of column `C`.
    pub const fn assert_field<
        T: diesel::expression::AsExpression<<C as Expression>::SqlType>,
        C: Expression,
    >()
    where
        <C as Expression>::SqlType:
            diesel::sql_types::SqlType + diesel::expression::TypedExpressionType,
    {
    }

    /// Compile-time check: a model with a two-column key has a timestamp tombstone (the flag
    /// ledger records one key column).
    pub const fn assert_pair_key_timestamp<M: Model>() {
        if matches!(
            <M::Tombstone as crate::model::Tombstone>::KIND,
            crate::model::TombstoneKind::Flag
        ) {
            panic!(
                "a model with a two-column key needs a timestamp tombstone (`deleted_at: Option<NaiveDateTime>`), not a flag: a flag's stamps are recorded by one key column"
            );
        }
    }

    /// Compile-time check: column `Fk` has the SQL type of `Target`'s key.
    pub const fn assert_foreign_key<Fk: crate::model::edges::ForeignKeyOf<Target>, Target>() {}
}

/// The schema and models the rustdoc examples use. Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __doc_fixture {
    () => {
        ::diesel::table! {
            repos (id) {
                id -> Integer,
                slug -> Text,
                deleted_at -> Nullable<Timestamp>,
                deleted_by -> Nullable<Integer>,
            }
        }

        ::diesel::table! {
            issue_comments (id) {
                id -> Integer,
                body -> Text,
                is_deleted -> Bool,
            }
        }

        #[derive(Debug, ::diesel::Queryable, ::diesel::Selectable, $crate::SoftDelete)]
        #[diesel(table_name = repos)]
        #[soft_delete(deleted_by = deleted_by)]
        pub struct Repo {
            pub id: i32,
            pub slug: String,
            pub deleted_at: Option<::chrono::NaiveDateTime>,
            pub deleted_by: Option<i32>,
        }

        #[derive(Debug, ::diesel::Queryable, ::diesel::Selectable, $crate::SoftDelete)]
        #[diesel(table_name = issue_comments)]
        #[soft_delete(flag = is_deleted)]
        pub struct IssueComment {
            pub id: i32,
            pub body: String,
            pub is_deleted: bool,
        }

        /// Repos 1 `demo-one` and 2 `demo-two` are live, 3 `old` is tombstoned.
        #[allow(dead_code)]
        fn fixture() -> ::diesel::sqlite::SqliteConnection {
            use ::diesel::{Connection, RunQueryDsl};
            let mut conn = ::diesel::sqlite::SqliteConnection::establish(":memory:").unwrap();
            ::diesel::sql_query(
                "CREATE TABLE repos (id INTEGER PRIMARY KEY, slug TEXT NOT NULL, \
                 deleted_at TIMESTAMP, deleted_by INTEGER)",
            )
            .execute(&mut conn)
            .unwrap();
            ::diesel::sql_query(
                "CREATE TABLE issue_comments (id INTEGER PRIMARY KEY, body TEXT NOT NULL, \
                 is_deleted BOOLEAN NOT NULL DEFAULT FALSE)",
            )
            .execute(&mut conn)
            .unwrap();
            ::diesel::sql_query(
                "INSERT INTO repos (id, slug, deleted_at) VALUES (1, 'demo-one', NULL), \
                 (2, 'demo-two', NULL), (3, 'old', '2026-01-01 00:00:00')",
            )
            .execute(&mut conn)
            .unwrap();
            conn
        }
    };
}

/// The async rustdoc examples' setup: the doc fixture's models, and `$conn`, a
/// `SyncConnectionWrapper<SqliteConnection>` with repo 1 `api` live, in a runtime. Not public API.
#[doc(hidden)]
#[macro_export]
#[cfg(feature = "async")]
macro_rules! __async_doc {
    ($conn:ident => $($body:tt)*) => {
        $crate::__doc_fixture!();

        fn main() -> ::core::result::Result<(), ::std::boxed::Box<dyn ::std::error::Error>> {
            ::tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(async {
                    use ::diesel_async::{AsyncConnection as _, SimpleAsyncConnection as _};
                    let mut $conn = ::diesel_async::sync_connection_wrapper::SyncConnectionWrapper::<
                        ::diesel::SqliteConnection,
                    >::establish(":memory:")
                    .await?;
                    $conn
                        .batch_execute(
                            "CREATE TABLE repos (id INTEGER PRIMARY KEY, slug TEXT NOT NULL, \
                             deleted_at TIMESTAMP, deleted_by INTEGER); \
                             INSERT INTO repos (id, slug) VALUES (1, 'api');",
                        )
                        .await?;
                    $($body)*
                    #[allow(unreachable_code)]
                    ::core::result::Result::Ok::<(), ::std::boxed::Box<dyn ::std::error::Error>>(())
                })
        }
    };
}
