//! Emits the model's description (`impl SoftDelete`) and its thin, typed entry points.
//!
//! Every function emitted here is one call into `soft_delete_core`; the algorithms live there.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Path};

use crate::ast::{self, Model};
use crate::errors::Errors;
use crate::expand_cascade::{self, Cascade};
use crate::valid::{self, Shape, TombstoneShape};

/// parse → resolve → check → expand; on failure, every error found.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    syn::parse2::<DeriveInput>(input)
        .and_then(|input| try_expand(&input))
        .unwrap_or_else(|error| Errors::into_compile_errors(&error))
}

fn try_expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let fields = ast::fields(input, &mut errors);
    let model = fields
        .as_deref()
        .and_then(|fields| Model::from_syn(input, fields, &mut errors));
    let shape = model
        .as_ref()
        .and_then(|model| valid::check(model, &mut errors));
    errors.finish()?;
    match (model, shape) {
        (Some(model), Some(shape)) => Ok(expand(&model, &shape)),
        _ => unreachable!("a model that failed to resolve recorded an error"),
    }
}

fn expand(model: &Model<'_>, shape: &Shape<'_>) -> TokenStream {
    // The runtime is named once, so a wrong `crate = path` is reported once.
    let krate = &model.krate;
    let private = quote!(__soft_delete);
    let cascade = expand_cascade::cascade(model, &private);
    let description = describe(model, shape, &cascade, &private);
    let scopes = scopes(model, &private);
    let operations = operations(model, shape, &cascade, &private);
    let items = &cascade.items;
    let ident = model.ident;
    quote! {
        #[doc(hidden)]
        const _: () = {
            use #krate::__private as __soft_delete;

            #description
            #items

            #[automatically_derived]
            impl #ident {
                #scopes
                #operations
            }
        };
    }
}

/// `table::column`, spanned at the field so a column missing from `table!` is reported there.
fn column(table: &Path, field: &ast::Field<'_>) -> TokenStream {
    let column = &field.column;
    quote_spanned!(field.ident.span()=> #table::#column)
}

/// `impl SoftDelete`: the facts the core walks.
fn describe(
    model: &Model<'_>,
    shape: &Shape<'_>,
    cascade: &Cascade,
    private: &TokenStream,
) -> TokenStream {
    let Model {
        ident,
        table,
        table_name,
        ..
    } = model;
    let table_type = quote_spanned!(table.span()=> #table::table);
    let key = column(table, model.key.field);
    let key_ident = model.key.field.ident;
    let key_type = model.key.field.ty;
    let tombstone_column = column(table, model.tombstone.named.field);
    let tombstone = match shape.tombstone {
        TombstoneShape::Timestamp { inner } => {
            quote!(#private::Timestamp<#tombstone_column, #inner>)
        }
        TombstoneShape::Flag => quote!(#private::Flag<#tombstone_column>),
    };
    let actor = if let (Some(actor), Some(actor_type)) = (&model.actor, shape.actor) {
        let actor_column = column(table, actor.field);
        quote!(#private::ActorColumn<#actor_column, #actor_type>)
    } else {
        quote!(#private::NoActor)
    };
    let model_name = ident.to_string();
    let Cascade {
        edges,
        parents,
        graph,
        ..
    } = cascade;
    let field_checks = field_checks(model, private);
    quote! {
        #[automatically_derived]
        impl #private::Model for #ident {
            type Table = #table_type;
            type Key = #key;
            type Id = #key_type;
            type Tombstone = #tombstone;
            type Actor = #actor;
            type Cascade = #edges;
            type Parents = #parents;
            const MODEL: &'static str = #model_name;
            const TABLE: &'static str = #table_name;
            const CASCADE_EDGES: &'static [#private::GraphEdge] = #graph;

            fn key_of(row: &Self) -> &Self::Id {
                &row.#key_ident
            }
        }

        #field_checks

        // Evaluated here so that a cycle between models is reported where it is declared.
        const _: &#private::CascadeGraph = &<#ident as #private::Model>::CASCADE_GRAPH;
    }
}

/// Checks, at each field's type, that its Rust type fits its column's SQL type, so a mismatch
/// is reported where it is written rather than at the first call.
fn field_checks(model: &Model<'_>, private: &TokenStream) -> TokenStream {
    let mut fields = vec![model.key.field, model.tombstone.named.field];
    fields.extend(model.actor.as_ref().map(|actor| actor.field));
    let table = &model.table;
    fields
        .into_iter()
        .map(|field| {
            let ty = field.ty;
            let column = column(table, field);
            quote_spanned! {ty.span()=>
                const _: () = #private::assert_field::<#ty, #column>();
            }
        })
        .collect()
}

/// Human-readable tombstone predicates for the docs of the generated functions.
fn predicates(model: &Model<'_>) -> (String, String) {
    let table = &model.table_name;
    let column = &model.tombstone.named.field.column;
    if model.tombstone.declared == crate::attr::DeclaredKind::Flag
        || crate::types::is_bool(model.tombstone.named.field.ty)
    {
        (
            format!("`{table}.{column} = false`"),
            format!("`{table}.{column} = true`"),
        )
    } else {
        (
            format!("`{table}.{column} IS NULL`"),
            format!("`{table}.{column} IS NOT NULL`"),
        )
    }
}

fn scopes(model: &Model<'_>, private: &TokenStream) -> TokenStream {
    let (live, dead) = predicates(model);
    let name = model.ident.to_string();
    let active_doc = format!("Live `{name}` rows, {live}: the scope every read should start from.");
    let deleted_doc = format!("Tombstoned `{name}` rows, {dead}.");
    let is_active_doc = format!("The predicate {live}, to filter a join by `{name}` being live.");
    let is_deleted_doc = format!("The predicate {dead}.");
    quote! {
        #[doc = #active_doc]
        #[must_use]
        pub fn active() -> #private::Active<Self> {
            #private::active::<Self>()
        }

        #[doc = #deleted_doc]
        #[must_use]
        pub fn only_deleted() -> #private::OnlyDeleted<Self> {
            #private::only_deleted::<Self>()
        }

        #[doc = #is_active_doc]
        #[must_use]
        pub fn is_active() -> #private::IsActive<Self> {
            #private::is_active::<Self>()
        }

        #[doc = #is_deleted_doc]
        #[must_use]
        pub fn is_deleted() -> #private::IsDeleted<Self> {
            #private::is_deleted::<Self>()
        }
    }
}

/// Tokens every generated operation shares.
struct Shared {
    /// `path::to::soft_delete_core::__private`.
    private: TokenStream,
    /// The model's name, for docs.
    name: String,
    /// The `where` bounds that tie the connection to the model.
    bounds: TokenStream,
    /// `Result<Report, Error>`.
    result: TokenStream,
    /// `path::to::table::table`, for predicate bounds.
    table_type: TokenStream,
    /// What a soft delete of this model reaches, for the docs.
    reach: String,
}

fn operations(
    model: &Model<'_>,
    shape: &Shape<'_>,
    cascade: &Cascade,
    private: &TokenStream,
) -> TokenStream {
    let private = private.clone();
    let table = &model.table;
    let reach = if cascade.summary.is_empty() {
        " Touches no other table.".to_owned()
    } else {
        format!(
            " Cascades: {}; the whole graph is [`{}::cascade_graph`].",
            cascade.summary.join(", "),
            model.ident
        )
    };
    let shared = Shared {
        reach,
        name: model.ident.to_string(),
        bounds: quote! {
            __C: #private::LoadConnection,
            __C::Backend: #private::SupportedBackend,
            Self: #private::SoftDeleteOn<__C::Backend>,
        },
        result: quote!(#private::Result<#private::Report, #private::Error>),
        table_type: quote!(#table::table),
        private,
    };
    let mut tokens = plain_operations(model, &shared);
    if let (Some(actor), Some(actor_type)) = (&model.actor, shape.actor) {
        tokens.extend(actor_operations(
            model,
            &shared,
            &actor.field.column,
            actor_type,
        ));
    }
    tokens
}

/// The operations by key every model gets as inherent functions, documented with what its
/// cascade reaches. The others (`soft_delete_where`, `soft_delete_record`, `restore_record`,
/// `restore_with_ancestors`, `lock_live`, `cascade_graph`) are provided by the `SoftDelete`
/// trait itself: written once, they cost nothing per model to compile.
fn plain_operations(model: &Model<'_>, shared: &Shared) -> TokenStream {
    let Shared {
        private,
        name,
        bounds,
        result,
        reach,
        ..
    } = shared;
    let key_type = model.key.field.ty;
    let delete_doc = format!(
        "Soft deletes the `{name}` whose key is `id` in one transaction. A row already \
         tombstoned keeps its stamp (`Outcome::AlreadyDeleted`); an unknown key is \
         `Error::NotFound`.{reach}"
    );
    let cleared = if model.actor.is_some() {
        " and actor"
    } else {
        ""
    };
    let restore_doc = format!(
        "Restores the `{name}` whose key is `id`: clears its tombstone{cleared}. A live row is left \
         alone (`Outcome::AlreadyActive`); an unknown key is `Error::NotFound`."
    );
    quote! {
        #[doc = #delete_doc]
        pub fn soft_delete<__C>(conn: &mut __C, id: impl #private::Into<#key_type>) -> #result
        where #bounds
        {
            #private::soft_delete::<Self, __C>(conn, #private::Into::into(id), #private::None)
        }

        #[doc = #restore_doc]
        pub fn restore<__C>(conn: &mut __C, id: impl #private::Into<#key_type>) -> #result
        where #bounds
        {
            #private::restore::<Self, __C>(conn, #private::Into::into(id))
        }
    }
}

/// The `_by` operations of a model with an actor column.
fn actor_operations(
    model: &Model<'_>,
    shared: &Shared,
    column: &syn::Ident,
    actor_type: &syn::Type,
) -> TokenStream {
    let Shared {
        private,
        name,
        bounds,
        result,
        table_type,
        ..
    } = shared;
    let key_type = model.key.field.ty;
    let table_name = &model.table_name;
    let by_doc = format!(
        "Soft deletes the `{name}` whose key is `id`, recording `actor` in `{table_name}.{column}`; \
         see [`{name}::soft_delete`]."
    );
    let where_by_doc = format!(
        "Soft deletes every live `{name}` that `predicate` selects, recording `actor`; \
         see [`{name}::soft_delete_where`]."
    );
    let record_by_doc = format!("Soft deletes this `{name}`, recording `actor`.");
    let actor = quote!(#private::Some(#private::Into::into(actor)));
    quote! {
        #[doc = #by_doc]
        pub fn soft_delete_by<__C>(
            conn: &mut __C,
            id: impl #private::Into<#key_type>,
            actor: impl #private::Into<#actor_type>,
        ) -> #result
        where #bounds
        {
            #private::soft_delete::<Self, __C>(conn, #private::Into::into(id), #actor)
        }

        #[doc = #where_by_doc]
        pub fn soft_delete_where_by<__C, __P>(
            conn: &mut __C,
            predicate: __P,
            actor: impl #private::Into<#actor_type>,
        ) -> #result
        where
            #bounds
            __P: #private::Expression
                + #private::AppearsOnTable<#table_type>
                + #private::QueryFragment<__C::Backend>
                + #private::Send
                + #private::Sync,
            __P::SqlType: #private::BoolOrNullableBool,
        {
            #private::soft_delete_where::<Self, __C, __P>(conn, predicate, #actor)
        }

        #[doc = #record_by_doc]
        pub fn soft_delete_record_by<__C>(
            &self,
            conn: &mut __C,
            actor: impl #private::Into<#actor_type>,
        ) -> #result
        where #bounds
        {
            let id = <Self as #private::Model>::key_of(self).clone();
            #private::soft_delete::<Self, __C>(conn, id, #actor)
        }
    }
}
