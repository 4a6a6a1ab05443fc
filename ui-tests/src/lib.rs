//! Compile-fail and compile-pass cases for `#[derive(SoftDelete)]`; see `tests/ui.rs`.

/// `soft_delete_core` under another path, for the case that `#[soft_delete(crate = ...)]`
/// reaches the runtime through the path it is given.
///
/// ```
/// use soft_delete_ui_tests::facade::SoftDelete as _;
/// ```
pub mod facade {
    pub use soft_delete_core::*;
}
