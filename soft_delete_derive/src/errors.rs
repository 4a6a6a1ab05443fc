//! Collects every error the derive finds, so the user sees them all in one build.

use std::fmt::Display;

use quote::ToTokens;

/// Errors found so far, each at the span of what the user wrote.
#[derive(Default)]
pub(crate) struct Errors {
    found: Option<syn::Error>,
}

impl Errors {
    /// Records an error at the tokens of `at`.
    pub(crate) fn at<T: ToTokens>(&mut self, at: T, message: impl Display) {
        self.push(syn::Error::new_spanned(at, message));
    }

    /// Records an error already built.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.found {
            Some(found) => found.combine(error),
            None => self.found = Some(error),
        }
    }

    /// Keeps the error of a failed step and drops its value.
    pub(crate) fn ok<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|error| self.push(error)).ok()
    }

    /// `Err` with every error recorded, or `Ok` if there were none.
    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        self.found.map_or(Ok(()), Err)
    }
}
