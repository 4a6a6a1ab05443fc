//! The behaviour suite on `diesel_async` connections (feature `async`).
//!
//! A test body sees a blocking Diesel connection (`AsyncConnectionWrapper` over the async one),
//! so its own queries and assertions read as on any other backend; the operations it wraps in
//! `op!` run through `soft_delete_core::asynchronous` on the async connection inside, awaited on
//! one shared multi-threaded runtime. The async connections' background tasks run on that
//! runtime's workers, so any thread may block on an operation, as the race tests do.

use std::future::Future;
use std::sync::OnceLock;

use diesel_async::async_connection_wrapper::{AsyncConnectionWrapper, BlockOn};

/// The runtime every async connection of the suite lives on.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// Blocks on futures on the suite's shared runtime.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shared;

impl BlockOn for Shared {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        runtime().block_on(future)
    }

    fn get_runtime() -> Self {
        Shared
    }
}

/// A blocking Diesel connection over the async connection `C`.
pub type Blocking<C> = AsyncConnectionWrapper<C, Shared>;

/// The async connection inside.
pub fn inner<C>(conn: &mut Blocking<C>) -> &mut C {
    conn
}

/// Runs an operation to its end on the suite's runtime.
pub fn run<F: Future>(operation: F) -> F::Output {
    runtime().block_on(operation)
}

/// `soft_delete_core::asynchronous::purge` for a test body's options, whose connection type is
/// the test's blocking one.
///
/// # Errors
/// As the purge's.
pub fn purge<M, C, H>(
    conn: &mut Blocking<C>,
    options: soft_delete_core::purge::Purge<'_, Blocking<C>, H>,
) -> soft_delete_core::Result<soft_delete_core::Report>
where
    C: diesel_async::AsyncConnection,
    C::Backend: soft_delete_core::SupportedBackend,
    M: soft_delete_core::SoftDeleteOn<C::Backend>,
    H: for<'c> soft_delete_core::exec::HookSet<soft_delete_core::exec::Async<'c, C>>,
{
    run(soft_delete_core::asynchronous::purge::<M, C, Blocking<C>, H>(conn, options))
}

/// `soft_delete_core::asynchronous::soft_delete` of a loaded row, on behalf of `actor`.
///
/// # Errors
/// As the soft delete's.
pub fn soft_delete_record<M, C>(
    conn: &mut Blocking<C>,
    row: &M,
    actor: Option<soft_delete_core::ActorOf<M>>,
) -> soft_delete_core::Result<soft_delete_core::Report>
where
    C: diesel_async::AsyncConnection,
    C::Backend: soft_delete_core::SupportedBackend,
    M: soft_delete_core::SoftDeleteOn<C::Backend>,
{
    run(soft_delete_core::asynchronous::soft_delete_record(
        conn, row, actor,
    ))
}

/// `soft_delete_core::asynchronous::restore` of a loaded row.
///
/// # Errors
/// As the restore's.
pub fn restore_record<M, C>(
    conn: &mut Blocking<C>,
    row: &M,
) -> soft_delete_core::Result<soft_delete_core::Report>
where
    C: diesel_async::AsyncConnection,
    C::Backend: soft_delete_core::SupportedBackend,
    M: soft_delete_core::SoftDeleteOn<C::Backend>,
{
    run(soft_delete_core::asynchronous::restore_record(conn, row))
}
