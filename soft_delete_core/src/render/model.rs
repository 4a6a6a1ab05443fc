//! A model's own facts as SQL on one backend: its table and key, the conditions on its
//! tombstone, the `SET` lists that tombstone and revive a row, and how its keys read back.

use core::future::Future;

use chrono::NaiveDateTime;
use diesel::QueryResult;
use diesel::query_builder::QueryFragment;

use super::actor::{ActorBinder, ActorOn, Assignment};
use super::key::KeyOn;
use super::ledger;
use super::rowset::State;
use super::tombstone::TombstoneOn;
use crate::dialect::SupportedBackend;
use crate::exec::Executor;
use crate::model::{ActorOf, Model, Tombstone, uses_ledger};
use crate::sql::{Fragment, Statement};

/// A soft-deletable model whose columns and values can be written on backend `DB`: the
/// model's own facts, without its cascade.
#[doc(hidden)]
pub trait ModelOn<DB: SupportedBackend>: Model {
    /// Whether this model's flags are recorded in the [ledger](crate::ledger).
    const USES_LEDGER: bool = uses_ledger::<Self>();

    /// The table, for `FROM` and `UPDATE`.
    fn table<'a>() -> Fragment<'a, DB>;
    /// The key column, qualified.
    fn key<'a>() -> Fragment<'a, DB>;
    /// `key = id`.
    fn key_is<'a>(id: Self::Id) -> Fragment<'a, DB>;
    /// `key IN (ids...)`, every key bound.
    fn key_in<'a>(ids: Vec<Self::Id>) -> Fragment<'a, DB>;
    /// The rows whose key sorts after `id`: `key > $id`.
    fn key_after<'a>(id: Self::Id) -> Fragment<'a, DB>;
    /// `ids`, bound, as what follows another column compared with them (` IN ($1, ...)`, on
    /// PostgreSQL ` = ANY($1)`), where the key is one column.
    fn key_values<'a>(ids: Vec<Self::Id>) -> Option<Fragment<'a, DB>>;
    /// The rows in `state`: `deleted_at IS NULL`, `deleted_at = $stamp`, ...
    fn in_state<'a>(state: State) -> Fragment<'a, DB>;
    /// The tombstone column, qualified.
    fn tombstone<'a>() -> Fragment<'a, DB>;
    /// The `SET` list that tombstones a row at `stamp` on behalf of `actor`.
    fn set_deleted<'a>(
        stamp: NaiveDateTime,
        actor: Option<&ActorBinder<'a, DB>>,
    ) -> Vec<Assignment<'a, DB>>;
    /// The `SET` list that makes a row live again.
    fn set_active<'a>() -> Vec<Assignment<'a, DB>>;
    /// A binder for this model's actor type.
    fn actor<'a>(actor: ActorOf<Self>) -> ActorBinder<'a, DB>;
    /// The tombstoned rows deleted before `cutoff`: by their timestamp, or for a flag by the
    /// stamp the [ledger](crate::ledger) recorded (none without the ledger).
    fn deleted_before<'a>(cutoff: NaiveDateTime) -> Fragment<'a, DB>;
    /// Reads the tombstone of the first row `from_where` (`FROM table WHERE ...`) selects.
    fn read_tombstone<X>(
        x: &mut X,
        from_where: Statement<'_, DB>,
    ) -> impl Future<Output = QueryResult<super::Found>>
    where
        X: Executor<Backend = DB>;
    /// Runs a query returning keys of this model.
    fn read_keys<X>(
        x: &mut X,
        query: Statement<'_, DB>,
    ) -> impl Future<Output = QueryResult<Vec<Self::Id>>>
    where
        X: Executor<Backend = DB>;
}

impl<M, DB> ModelOn<DB> for M
where
    M: Model,
    DB: SupportedBackend,
    M::Table: QueryFragment<DB> + Send + Sync,
    M::Key: KeyOn<M::Id, DB>,
    M::Tombstone: TombstoneOn<DB>,
    <M::Tombstone as Tombstone>::Column: QueryFragment<DB> + Send + Sync + 'static,
    <M::Tombstone as Tombstone>::IsActive: QueryFragment<DB> + Send + Sync + 'static,
    <M::Tombstone as Tombstone>::IsDeleted: QueryFragment<DB> + Send + Sync + 'static,
    M::Actor: ActorOn<DB>,
{
    fn table<'a>() -> Fragment<'a, DB> {
        Box::new(M::Table::default())
    }

    fn key<'a>() -> Fragment<'a, DB> {
        M::Key::columns()
    }

    fn key_is<'a>(id: M::Id) -> Fragment<'a, DB> {
        M::Key::is(id)
    }

    fn key_in<'a>(ids: Vec<M::Id>) -> Fragment<'a, DB> {
        M::Key::among(ids)
    }

    fn key_after<'a>(id: M::Id) -> Fragment<'a, DB> {
        M::Key::after(id)
    }

    fn key_values<'a>(ids: Vec<M::Id>) -> Option<Fragment<'a, DB>> {
        M::Key::values(ids)
    }

    fn in_state<'a>(state: State) -> Fragment<'a, DB> {
        match state {
            State::Live => Box::new(<M::Tombstone as Tombstone>::is_active()),
            State::Deleted => Box::new(<M::Tombstone as Tombstone>::is_deleted()),
            State::At(stamp) if Self::USES_LEDGER => {
                let mut statement = Statement::new();
                statement
                    .sql("(")
                    .fragment(<M::Tombstone as TombstoneOn<DB>>::set_at(stamp))
                    .sql(" AND ")
                    .fragment(ledger::recorded::<M, DB>(stamp))
                    .sql(")");
                Box::new(statement)
            }
            State::At(stamp) => <M::Tombstone as TombstoneOn<DB>>::set_at(stamp),
            // The same SQL as `scope::with_deleted`'s filter.
            State::Any => {
                let mut statement = Statement::new();
                statement
                    .sql("(")
                    .push(<M::Tombstone as Tombstone>::is_active())
                    .sql(" OR ")
                    .push(<M::Tombstone as Tombstone>::is_deleted())
                    .sql(")");
                Box::new(statement)
            }
        }
    }

    fn tombstone<'a>() -> Fragment<'a, DB> {
        Box::new(<M::Tombstone as Tombstone>::Column::default())
    }

    fn set_deleted<'a>(
        stamp: NaiveDateTime,
        actor: Option<&ActorBinder<'a, DB>>,
    ) -> Vec<Assignment<'a, DB>> {
        let tombstone = Assignment {
            column: <M::Tombstone as Tombstone>::COLUMN,
            value: <M::Tombstone as TombstoneOn<DB>>::deleted_value(stamp),
        };
        core::iter::once(tombstone)
            .chain(<M::Actor as ActorOn<DB>>::assignment(actor))
            .collect()
    }

    fn set_active<'a>() -> Vec<Assignment<'a, DB>> {
        let tombstone = Assignment {
            column: <M::Tombstone as Tombstone>::COLUMN,
            value: <M::Tombstone as TombstoneOn<DB>>::active_value(),
        };
        core::iter::once(tombstone)
            .chain(<M::Actor as ActorOn<DB>>::assignment(None))
            .collect()
    }

    fn actor<'a>(actor: ActorOf<M>) -> ActorBinder<'a, DB> {
        <M::Actor as ActorOn<DB>>::binder(actor)
    }

    fn deleted_before<'a>(cutoff: NaiveDateTime) -> Fragment<'a, DB> {
        if let Some(before) = <M::Tombstone as TombstoneOn<DB>>::before(cutoff) {
            return before;
        }
        let mut statement = Statement::new();
        statement
            .push(<M::Tombstone as Tombstone>::is_deleted())
            .sql(" AND ");
        if Self::USES_LEDGER {
            statement.fragment(ledger::recorded_before::<M, DB>(cutoff));
        } else {
            statement.fragment(DB::bind_bool(false));
        }
        Box::new(statement)
    }

    fn read_tombstone<X>(
        x: &mut X,
        from_where: Statement<'_, DB>,
    ) -> impl Future<Output = QueryResult<super::Found>>
    where
        X: Executor<Backend = DB>,
    {
        <M::Tombstone as TombstoneOn<DB>>::find(x, from_where)
    }

    async fn read_keys<X>(x: &mut X, query: Statement<'_, DB>) -> QueryResult<Vec<M::Id>>
    where
        X: Executor<Backend = DB>,
    {
        M::Key::read(x, query).await
    }
}
