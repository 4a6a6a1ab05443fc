//! `#[derive(SoftDelete)]`: the macro behind `soft_delete_core`.
//!
//! Depend on `soft_delete_core`, which re-exports this derive and documents its attributes;
//! this crate only turns a struct into a description of the model. The pipeline is
//! `attr` (read the attributes) → `ast` (resolve fields and defaults) → `valid` (check
//! kinds and types) → `expand` (emit the impls), with every error collected by `errors`.

mod ast;
mod attr;
mod cascade_attr;
mod errors;
mod expand;
mod expand_cascade;
mod types;
mod valid;

use proc_macro::TokenStream;

/// Derives `soft_delete_core::SoftDelete` and the model's scopes and operations.
///
/// Use it through `soft_delete_core`, whose crate docs list every attribute with its syntax,
/// meaning and default, and show a complete model.
#[proc_macro_derive(SoftDelete, attributes(soft_delete, cascade, diesel))]
pub fn derive_soft_delete(input: TokenStream) -> TokenStream {
    expand::derive(input.into()).into()
}
