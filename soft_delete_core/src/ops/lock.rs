//! The writers' guard: a row is live, and stays so until the caller's transaction ends.

use diesel::connection::LoadConnection;

use super::not_found;
use super::trace::{Op, Trace};
use crate::cascade::SoftDeleteOn;
use crate::cascade::lookup::{claim_writes, find};
use crate::dialect::SupportedBackend;
use crate::error::{Error, Result};
use crate::exec::{Blocking, Executor, block_on};
use crate::render::Found;

/// Checks that the row of `M` whose key is `id` is live, and locks it so that no soft delete
/// of it can commit before the caller's transaction ends: the guard for writers that attach
/// rows to a parent (seed 001: "a deleted repo must reject incoming writes").
///
/// Call it inside the transaction that inserts the child. A soft delete of the row that started
/// first has committed by the time this returns, and is then [`Error::Deleted`]; one that
/// starts later waits for the caller's commit and then cascades to the new child. On
/// PostgreSQL and MySQL/MariaDB this takes a shared row lock (`FOR SHARE`,
/// `LOCK IN SHARE MODE`) and works at their default isolation levels; SQLite locks the whole
/// database for a writing transaction, which gives the same guarantee.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::Connection;
/// use soft_delete_core::{Error, ops};
///
/// # let conn = &mut fixture();
/// conn.transaction(|conn| {
///     ops::lock_live::<Repo, _>(conn, 1)?;   // repo 1 is live: insert its issue here
///     Ok::<_, Error>(())
/// })?;
/// let refused = conn.transaction(|conn| ops::lock_live::<Repo, _>(conn, 3));
/// assert!(matches!(refused, Err(Error::Deleted { table: "repos", .. })));
/// # Ok::<(), Error>(())
/// ```
pub fn lock_live<M, C>(conn: &mut C, id: M::Id) -> Result<()>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    block_on(lock_live_on::<M, _>(&mut Blocking::new(conn), id))
}

/// [`lock_live`], on any connection.
pub(crate) async fn lock_live_on<M, X>(x: &mut X, id: M::Id) -> Result<()>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
{
    // One locking read of the row's tombstone: it waits for a soft delete in progress, sees
    // the latest committed state whatever the transaction's snapshot, and keeps the row so.
    // On SQLite the caller's transaction is a writer's: it takes the write lock now, waiting
    // for a busy database, rather than fail when it writes.
    let trace = Trace::start(Op::LockLive, M::TABLE, Some(&id), None);
    trace
        .run(async {
            claim_writes::<M, X>(x).await?;
            let for_share = <X::Backend as SupportedBackend>::FOR_SHARE;
            match find::<M, X>(x, id.clone(), for_share).await? {
                Found::Live => Ok(()),
                Found::Missing => Err(not_found::<M>(&id)),
                Found::Deleted(_) => Err(Error::Deleted {
                    table: M::TABLE,
                    key: format!("{id:?}"),
                }),
            }
        })
        .await
}
