//! Reading one row's state, and the earliest stamp in a set: the reads an operation decides by.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::dialect::SupportedBackend;
use crate::exec::Executor;
use crate::render::{Found, ModelOn, RowSet, State};
use crate::render::{ledger, statements};
use crate::sql::Statement;

/// How the row of `M` with key `id` stands, with its stamp when one is recorded (for a flag,
/// the stamp the ledger last recorded). With `lock` ([`SupportedBackend::FOR_UPDATE`] or
/// `FOR_SHARE`) it is a locking read, so it waits for a concurrent operation on the row and
/// sees its latest committed state whatever the transaction's snapshot.
pub(crate) async fn find<M, X>(x: &mut X, id: M::Id, lock: &'static str) -> QueryResult<Found>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: ModelOn<X::Backend>,
{
    // `AND <any state>`: the lookup reads the row whatever its tombstone, and says so.
    let mut from_where = Statement::new();
    from_where
        .sql("FROM ")
        .fragment(M::table())
        .sql(" WHERE ")
        .fragment(M::key_is(id.clone()))
        .sql(" AND ")
        .fragment(M::in_state(State::Any))
        .sql(lock);
    let found = M::read_tombstone(x, from_where).await?;
    if found == Found::Deleted(None) && M::USES_LEDGER {
        let mut key_is = Statement::new();
        key_is
            .fragment(M::key_is(id))
            .sql(" AND ")
            .fragment(M::in_state(State::Any));
        let stamps = <X::Backend as SupportedBackend>::stamps(
            x,
            ledger::last_stamp::<M, X::Backend>(Box::new(key_is)),
        )
        .await?;
        return Ok(Found::Deleted(stamps.into_iter().next().flatten()));
    }
    Ok(found)
}

/// Opens a writing operation's transaction the way the backend needs: on SQLite, with a write
/// that changes nothing, so the database's write lock is taken at once and a busy database is
/// waited for (`PRAGMA busy_timeout`) instead of refused; nothing elsewhere.
pub(crate) async fn claim_writes<M, X>(x: &mut X) -> QueryResult<()>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: ModelOn<X::Backend>,
{
    if <X::Backend as SupportedBackend>::CLAIM_WRITES_FIRST {
        x.execute(statements::claim::<M, X::Backend>()).await?;
    }
    Ok(())
}

/// The earliest stamp recorded for a tombstoned row of `set`: its timestamp tombstone, or for a
/// flag the stamp the ledger recorded. `None` when no row of `set` has one.
pub(crate) async fn earliest_stamp<M, X>(
    x: &mut X,
    set: &dyn RowSet<X::Backend>,
) -> QueryResult<Option<NaiveDateTime>>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: ModelOn<X::Backend>,
{
    if !M::USES_LEDGER {
        return first_stamp::<M, X>(x, set).await;
    }
    let stamps =
        <X::Backend as SupportedBackend>::stamps(x, ledger::first_stamp::<M, X::Backend>(set))
            .await?;
    Ok(stamps.into_iter().next().flatten())
}

/// The earliest stamp among the rows of `set`, if it has a tombstoned row with a timestamp
/// tombstone.
pub(crate) async fn first_stamp<M, X>(
    x: &mut X,
    set: &dyn RowSet<X::Backend>,
) -> QueryResult<Option<NaiveDateTime>>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: ModelOn<X::Backend>,
{
    let mut from_where = Statement::new();
    from_where.sql("FROM ").fragment(M::table()).sql(" WHERE ");
    set.condition(&mut from_where);
    from_where
        .sql(" ORDER BY ")
        .fragment(M::tombstone())
        .sql(" LIMIT 1");
    match M::read_tombstone(x, from_where).await? {
        Found::Deleted(stamp) => Ok(stamp),
        Found::Missing | Found::Live => Ok(None),
    }
}
