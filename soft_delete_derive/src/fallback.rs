//! The expansion after an error: the errors, and the model's facts and functions in a form
//! that type-checks wherever the model is used, so one mistake gives one error.
//!
//! Without it, a misspelt key would also fail every `Repo::active()` and `Repo::soft_delete(..)`
//! in the crate, and every model that cascades to this one. So the fallback keeps every fact
//! it could resolve (the table, the key, the tombstone), puts a stand-in of the core's where it
//! could not, leaves out the checks and the cascade, and gives the operations signatures that
//! accept any arguments. The crate does not compile anyway; the bodies never run.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Model;
use crate::expand::{self, tombstone_type};
use crate::expand_cascade;

pub(crate) fn expand(model: &Model<'_>, error: &syn::Error) -> TokenStream {
    let error = error.to_compile_error();
    // A generic model's impls would need its parameters, and it is refused anyway; its users
    // see the one error and a missing impl.
    if model.generic {
        return error;
    }
    let private = quote!(__soft_delete);
    let Model {
        ident,
        table,
        table_name,
        ..
    } = model;
    let table_type = quote!(#table::table);
    let unresolved = quote!(#private::Unresolved<#table_type>);
    let (key_column, key_type, key_of) = match &model.key {
        Some(key) => expand::key_parts(model, key, &private),
        None => (unresolved.clone(), quote!(()), quote!(())),
    };
    // A tombstone that is also the key was reported; the key keeps the field.
    let tombstone = model.tombstone.as_ref().filter(|tombstone| {
        model
            .key
            .as_ref()
            .is_none_or(|key| key.field.ident != tombstone.named.field.ident)
    });
    let tombstone = tombstone.map_or(unresolved, |tombstone| {
        tombstone_type(model, tombstone, &private)
    });
    let model_name = ident.to_string();
    let scopes = expand::scopes(model, &private);
    let operations = operations(&private);
    let links = expand_cascade::links(model, &private);
    let cascades_to = expand_cascade::cascades_to(model, &private, true);
    let items = quote! {
        #[automatically_derived]
        impl #private::Model for #ident {
            type Table = #table_type;
            type Key = #key_column;
            type Id = #key_type;
            type Tombstone = #tombstone;
            type Actor = #private::NoActor;
            type Cascade = ();
            type Parents = ();
            const MODEL: &'static str = #model_name;
            const TABLE: &'static str = #table_name;
            const CASCADE_EDGES: &'static [#private::GraphEdge] = &[];

            fn key_of(row: &Self) -> Self::Id {
                #key_of
            }
        }

        #links
        #cascades_to

        #[automatically_derived]
        impl #ident {
            #scopes
            #operations
        }
    };
    let wrapped = expand::wrap(model, &items);
    quote! {
        #error
        #wrapped
    }
}

/// The operations, accepting any arguments (the actor ones too: the error may be in the actor's
/// attribute), so that no call of them adds an error.
fn operations(private: &TokenStream) -> TokenStream {
    let result = quote!(#private::Result<#private::Report, #private::Error>);
    let body = quote!(::core::unreachable!(
        "a model whose derive failed does not compile"
    ));
    quote! {
        #[doc(hidden)]
        pub fn soft_delete<__C, __I>(_conn: &mut __C, _id: __I) -> #result {
            #body
        }

        #[doc(hidden)]
        pub fn restore<__C, __I>(_conn: &mut __C, _id: __I) -> #result {
            #body
        }

        #[doc(hidden)]
        pub fn soft_delete_by<__C, __I, __A>(_conn: &mut __C, _id: __I, _actor: __A) -> #result {
            #body
        }

        #[doc(hidden)]
        pub fn soft_delete_where_by<__C, __P, __A>(
            _conn: &mut __C,
            _predicate: __P,
            _actor: __A,
        ) -> #result {
            #body
        }

        #[doc(hidden)]
        pub fn soft_delete_record_by<__C, __A>(&self, _conn: &mut __C, _actor: __A) -> #result {
            #body
        }
    }
}
