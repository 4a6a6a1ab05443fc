//! Which rows of a restricting edge's child table count as live.
//!
//! A restricting edge may point at a soft-deletable model (refuse while live issues exist) or at
//! a plain table (refuse while any row exists). The derive cannot see the child's definition,
//! so it asks the compiler: `(&Probe::<Child>::new()).live_filter()` resolves to [`ProbeSoft`]
//! when `Child` implements [`Model`], and to [`ProbeOther`] otherwise.

use super::{Model, Tombstone, TombstoneKind};

#[doc(hidden)]
/// The tombstone of a child table, to count only its live rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveFilter {
    /// The tombstone column.
    pub column: &'static str,
    /// Its kind.
    pub kind: TombstoneKind,
}

/// Says which rows of a restricting edge's child count; the derive implements it on a unit
/// type per edge with the probe below.
#[doc(hidden)]
pub trait LiveFilterOf {
    /// `Some` for a soft-deletable child, `None` when every row counts.
    fn live_filter() -> Option<LiveFilter>;
}

/// Asks whether `T` is soft-deletable, at compile time, without requiring it to be.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::model::probe::{Probe, ProbeOther as _, ProbeSoft as _};
///
/// assert!((&Probe::<Repo>::new()).live_filter().is_some());
/// assert!((&Probe::<String>::new()).live_filter().is_none());
/// ```
#[doc(hidden)]
pub struct Probe<T>(core::marker::PhantomData<fn() -> T>);

impl<T> Probe<T> {
    /// The probe.
    #[must_use]
    pub const fn new() -> Self {
        Probe(core::marker::PhantomData)
    }
}

impl<T> Default for Probe<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The probe's answer for a soft-deletable `T`.
#[doc(hidden)]
pub trait ProbeSoft {
    /// `T`'s tombstone.
    fn live_filter(&self) -> Option<LiveFilter>;
}

impl<T: Model> ProbeSoft for Probe<T> {
    fn live_filter(&self) -> Option<LiveFilter> {
        Some(LiveFilter {
            column: <T::Tombstone as Tombstone>::COLUMN,
            kind: <T::Tombstone as Tombstone>::KIND,
        })
    }
}

/// The probe's answer for any other `T`.
#[doc(hidden)]
pub trait ProbeOther {
    /// `None`: every row counts.
    fn live_filter(&self) -> Option<LiveFilter>;
}

impl<T> ProbeOther for &Probe<T> {
    fn live_filter(&self) -> Option<LiveFilter> {
        None
    }
}
