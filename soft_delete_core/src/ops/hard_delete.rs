//! Hard delete: check, erase the subtree, the row last.

use chrono::NaiveDateTime;
use diesel::connection::LoadConnection;

use super::trace::{Op, Trace};
use super::{changed, not_found, now_stamp};
use crate::cascade::SoftDeleteOn;
use crate::cascade::check::Check;
use crate::cascade::edges::CascadeOn;
use crate::cascade::erase::Erase;
use crate::cascade::lookup::claim_writes;
use crate::cascade::parents::ParentsOn;
use crate::cascade::real_delete::{Blocker, blockers, referenced, refuse_blocked};
use crate::dialect::SupportedBackend;
use crate::error::Result;
use crate::exec::{Blocking, Executor, block_on, finish};
use crate::model::key::PrimaryKey;
use crate::render::rowset::Root;
use crate::render::{State, ledger, statements};
use crate::report::{Operation, Report};

/// Deletes for real the row of `M` whose key is `id`, live or tombstoned, and its whole subtree:
/// every row its soft edges reach, live or tombstoned, and the rows of its hard edges; children
/// first, in one transaction (seed 003's "hard delete", for an erasure request).
///
/// The row itself goes last, in one statement that also tells whether it existed
/// (`DELETE ... RETURNING` on PostgreSQL and SQLite, the affected-row count on MySQL): an
/// unknown key is [`Error::NotFound`](crate::Error::NotFound) and the subtree's deletes are
/// rolled back with it. A restricting edge with rows that reference the subtree, tombstoned
/// ones too (they would be left pointing at nothing), is
/// [`Error::Restricted`](crate::Error::Restricted); a foreign key from elsewhere that refuses,
/// or an owner row holding the row's key, is [`Error::Referenced`](crate::Error::Referenced).
/// Either way nothing is deleted. Owned records (`#[cascade(Child(owned))]`) are not deleted,
/// as the row held their key: the live ones are tombstoned with the operation's stamp (and
/// counted in the report), unless another live owner row holds them, and their own model's
/// purge takes them afterwards.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
/// use soft_delete_core::{Operation, SoftDelete, ops};
///
/// # let conn = &mut fixture();
/// let report = ops::hard_delete::<Repo, _>(conn, 1)?;
/// assert_eq!((report.operation, report.rows_in("repos")), (Operation::HardDelete, 1));
/// assert_eq!(Repo::with_deleted().count().get_result::<i64>(conn)?, 2);
/// assert!(ops::hard_delete::<Repo, _>(conn, 1).unwrap_err().is_not_found());
/// # Ok::<(), soft_delete_core::Error>(())
/// ```
pub fn hard_delete<M, C>(conn: &mut C, id: M::Id) -> Result<Report>
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    block_on(erase::<M, _>(&mut Blocking::new(conn), id))
}

/// The hard delete of the row of `M` whose key is `id`, on any connection.
pub(crate) async fn erase<M, X>(x: &mut X, id: M::Id) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
{
    let stamp = now_stamp();
    let trace = Trace::start(Op::HardDelete, M::TABLE, Some(&id), Some(stamp));
    trace
        .run(async {
            // The foreign keys that would refuse, read from the catalog: the database may not
            // enforce them (SQLite without `PRAGMA foreign_keys`), and its own error names less.
            let blockers = blockers(x).await?;
            x.begin().await?;
            let result = erase_in_transaction::<M, X>(x, id, &blockers, stamp).await;
            finish(x, result).await
        })
        .await
}

async fn erase_in_transaction<M, X>(
    x: &mut X,
    id: M::Id,
    blockers: &[Blocker],
    stamp: NaiveDateTime,
) -> Result<Report>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: SoftDeleteOn<X::Backend>,
{
    let missing = not_found::<M>(&id);
    let target = M::key_is(id);
    let root = Root::<M, X::Backend>::new(&*target, State::Any).by_keys();
    // Lock the row first, whatever its state: an operation on it in progress finishes first.
    claim_writes::<M, X>(x).await?;
    <X::Backend as SupportedBackend>::count(x, statements::lock::<M, X::Backend>(&root)).await?;
    M::ParentLinks::refuse_owners(x, &root).await?;
    Check::before_hard_delete().rows::<M, X>(x, &root).await?;
    let mut pass = Erase::hard_delete(stamp, blockers);
    M::CascadeEdges::run(x, &root, &mut pass)
        .await
        .map_err(referenced::<M>)?;
    if M::USES_LEDGER {
        x.execute(ledger::forget_rows::<M, X::Backend>(&root))
            .await?;
    }
    refuse_blocked::<M, X>(x, &root, blockers).await?;
    // The row itself, in a statement that says whether it was there.
    let mut statement = statements::delete_from::<M, X::Backend>(&root);
    let deleted = if <X::Backend as SupportedBackend>::DELETE_RETURNING {
        statement.sql(" RETURNING ");
        for (index, name) in <M::Key as PrimaryKey>::NAMES.iter().enumerate() {
            if index > 0 {
                statement.sql(", ");
            }
            statement.ident(name);
        }
        M::read_keys(x, statement).await.map(|keys| keys.len())
    } else {
        x.execute(statement).await
    }
    .map_err(|error| referenced::<M>(error.into()))?;
    if deleted == 0 {
        return Err(missing);
    }
    Ok(changed::<M>(
        Operation::HardDelete,
        stamp,
        deleted,
        pass.changes,
    ))
}
