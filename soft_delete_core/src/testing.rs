//! Assertions for your own tests (feature `testing`): a row is tombstoned and not removed, a
//! whole cascade is tombstoned, a row is absent from the active scope. Each reads the database
//! and panics, at the caller's line, with what it found. (That the leak detector
//! saw nothing is its own assertion: `soft_delete_core::leak::Leaks::assert_none`, feature `leak`.)
//!
//! ```
//! # soft_delete_core::__doc_fixture!();
//! use soft_delete_core::SoftDelete;
//! use soft_delete_core::testing::{assert_absent_from_active, assert_cascade_tombstoned, assert_tombstoned};
//!
//! # let conn = &mut fixture();
//! Repo::soft_delete(conn, 1)?;
//! assert_tombstoned::<Repo, _>(conn, 1);
//! assert_cascade_tombstoned::<Repo, _>(conn, 1);
//! assert_absent_from_active::<Repo, _>(conn, 1);
//! # Ok::<(), soft_delete_core::Error>(())
//! ```

use diesel::connection::LoadConnection;

use crate::cascade::SoftDeleteOn;
use crate::cascade::check::Check;
use crate::cascade::lookup::find;
use crate::dialect::SupportedBackend;
use crate::exec::{Blocking, block_on};
use crate::render::rowset::Root;
use crate::render::{Found, State, statements};

/// Asserts that the row of `M` whose key is `id` exists and is tombstoned: soft deleted, not
/// removed and not live.
///
/// # Panics
///
/// When the row is live, missing, or cannot be read.
///
/// ```should_panic
/// # soft_delete_core::__doc_fixture!();
/// # let conn = &mut fixture();
/// soft_delete_core::testing::assert_tombstoned::<Repo, _>(conn, 1); // repo 1 is live
/// ```
#[track_caller]
pub fn assert_tombstoned<M, C>(conn: &mut C, id: impl Into<M::Id>)
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let id = id.into();
    match block_on(find::<M, _>(&mut Blocking::new(conn), id.clone(), "")) {
        Ok(Found::Deleted(_)) => {}
        Ok(Found::Live) => panic!("`{}` row {id:?} is live, not tombstoned", M::TABLE),
        Ok(Found::Missing) => panic!(
            "`{}` row {id:?} is gone: it was removed, not tombstoned",
            M::TABLE
        ),
        Err(error) => panic!("cannot read `{}` row {id:?}: {error}", M::TABLE),
    }
}

/// Asserts that the row of `M` whose key is `id` is tombstoned and that no live row hangs off
/// it anywhere down its soft cascade edges.
///
/// # Panics
///
/// When the row is not tombstoned, a live row remains in its cascade, or the database cannot
/// be read.
///
/// ```should_panic
/// # soft_delete_core::__doc_fixture!();
/// # let conn = &mut fixture();
/// soft_delete_core::testing::assert_cascade_tombstoned::<Repo, _>(conn, 2); // repo 2 is live
/// ```
#[track_caller]
pub fn assert_cascade_tombstoned<M, C>(conn: &mut C, id: impl Into<M::Id>)
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let id = id.into();
    assert_tombstoned::<M, C>(conn, id.clone());
    let target = M::key_is(id.clone());
    let root = Root::<M, C::Backend>::new(&*target, State::Deleted);
    let checked = block_on(Check::no_live_rows().rows::<M, _>(&mut Blocking::new(conn), &root));
    if let Err(error) = checked {
        panic!(
            "the cascade of `{}` row {id:?} is not wholly tombstoned: {error}",
            M::TABLE
        );
    }
}

/// Asserts that the active scope (`Model::active()`) does not return the row of `M` whose key
/// is `id`, whether it is tombstoned or missing.
///
/// # Panics
///
/// When the active scope returns the row, or the database cannot be read.
///
/// ```should_panic
/// # soft_delete_core::__doc_fixture!();
/// # let conn = &mut fixture();
/// soft_delete_core::testing::assert_absent_from_active::<Repo, _>(conn, 2); // live
/// ```
#[track_caller]
pub fn assert_absent_from_active<M, C>(conn: &mut C, id: impl Into<M::Id>)
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
    M: SoftDeleteOn<C::Backend>,
{
    let id = id.into();
    let target = M::key_is(id.clone());
    let live = Root::<M, C::Backend>::new(&*target, State::Live);
    let count = statements::count::<M, C::Backend>(&live);
    match block_on(<C::Backend as SupportedBackend>::count(
        &mut Blocking::new(conn),
        count,
    )) {
        Ok(0) => {}
        Ok(_) => panic!("`{}` row {id:?} is still in the active scope", M::TABLE),
        Err(error) => panic!("cannot read `{}` row {id:?}: {error}", M::TABLE),
    }
}
