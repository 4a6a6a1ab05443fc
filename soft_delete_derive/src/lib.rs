//! `#[derive(SoftDelete)]`: the macro behind `soft_delete_core`.
//!
//! Depend on `soft_delete_core`, which re-exports this derive and documents its attributes;
//! this crate only turns a struct into a description of the model. The pipeline is
//! `attr` (read the attributes) → `ast` (resolve fields and defaults) → `valid` (check what the
//! attributes say) → `expand` (emit the impls), with every error collected by `errors`; after
//! an error, `fallback` emits the impls in a form that adds no error of its own.

mod ast;
mod attr;
mod cascade_attr;
mod errors;
mod expand;
mod expand_cascade;
mod fallback;
#[cfg(test)]
mod snapshots;
mod valid;

use proc_macro::TokenStream;

/// Derives `soft_delete_core::Model` (the facts the core's `SoftDelete` operations walk) and
/// the model's scopes and operations.
///
/// Use it through `soft_delete_core`, whose crate docs list every attribute with its syntax,
/// meaning and default, and show a complete model.
#[proc_macro_derive(SoftDelete, attributes(soft_delete, cascade, diesel))]
pub fn derive_soft_delete(input: TokenStream) -> TokenStream {
    derive_soft_delete_inner(input.into()).into()
}

/// The derive over `proc_macro2` tokens, so tests can run it without a compiler.
fn derive_soft_delete_inner(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    syn::parse2::<syn::DeriveInput>(input).map_or_else(
        |error| error.to_compile_error(),
        |input| expand::derive(&input),
    )
}
