//! Emits the model's description (`impl Model`) and its thin, typed entry points.
//!
//! Every function emitted here is one call into `soft_delete_core`; the algorithms live there.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Path};

use crate::ast::{self, Model, Named, TombstoneField};
use crate::attr::DeclaredKind;
use crate::errors::Errors;
use crate::expand_cascade::{self, Cascade};
use crate::fallback;
use crate::valid;

/// parse → resolve → check → expand. After an error, the errors and a fallback expansion that
/// keeps the model usable, so the error is the only one the build shows.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let fields = ast::fields(input, &mut errors);
    let model = Model::from_syn(input, fields.as_deref(), &mut errors);
    valid::check(&model, &mut errors);
    match (errors.finish(), &model.key, &model.tombstone) {
        (Ok(()), Some(key), Some(tombstone)) => expand(&model, key, tombstone),
        (Err(error), _, _) => fallback::expand(&model, &error),
        (Ok(()), _, _) => fallback::expand(
            &model,
            &syn::Error::new_spanned(model.ident, "SoftDelete: the model did not resolve"),
        ),
    }
}

fn expand(model: &Model<'_>, key: &Named<'_>, tombstone: &TombstoneField<'_>) -> TokenStream {
    let private = quote!(__soft_delete);
    let cascade = expand_cascade::cascade(model, &private);
    let description = describe(model, key, tombstone, &cascade, &private);
    let scopes = scopes(model, &private);
    let operations = operations(model, key, &cascade, &private);
    let items = &cascade.items;
    let ident = model.ident;
    wrap(
        model,
        &quote! {
            #description
            #items

            #[automatically_derived]
            impl #ident {
                #scopes
                #operations
            }
        },
    )
}

/// The expansion's items inside `const _: () = { ... };`, with the runtime in scope.
pub(crate) fn wrap(model: &Model<'_>, items: &TokenStream) -> TokenStream {
    // The runtime is named once, so a wrong `crate = path` is reported once.
    let krate = &model.krate;
    quote! {
        #[doc(hidden)]
        const _: () = {
            use #krate::__private as __soft_delete;

            #items
        };
    }
}

/// `tokens`, every one of them located at `span` in the user's code, where rustc reports an
/// error in them, and still the derive's output, which lints leave alone.
pub(crate) fn respan(tokens: &TokenStream, span: Span) -> TokenStream {
    let span = Span::call_site().located_at(span);
    tokens
        .clone()
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner = Group::new(group.delimiter(), respan(&group.stream(), span));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// The actor's Rust type, named through `ActorField` at the field's type (see [`respan`]).
fn actor_value(actor: &Named<'_>, private: &TokenStream) -> TokenStream {
    let ty = actor.field.ty;
    respan(&quote!(<#ty as #private::ActorField>::Value), ty.span())
}

/// `table::column`, spanned at the field so a column missing from `table!` is reported there.
pub(crate) fn column(table: &Path, field: &ast::Field<'_>) -> TokenStream {
    let column = &field.column;
    quote_spanned!(field.ident.span()=> #table::#column)
}

/// The tombstone, named through the trait for its declared kind, at the field's type, so that
/// an alias or a full path works and a wrong type is reported at the field.
pub(crate) fn tombstone_type(
    model: &Model<'_>,
    tombstone: &TombstoneField<'_>,
    private: &TokenStream,
) -> TokenStream {
    let field = tombstone.named.field;
    let ty = field.ty;
    let column = column(&model.table, field);
    let by = match tombstone.declared {
        DeclaredKind::Inferred => quote!(TombstoneField),
        DeclaredKind::Timestamp => quote!(TimestampField),
        DeclaredKind::Flag => quote!(FlagField),
    };
    // Every token at the field's type (see `respan`) but the column's, which stays at the field
    // name, where a column missing from `table!` is reported.
    let span = ty.span();
    let head = respan(&quote!(<#ty as #private::#by<), span);
    let tail = respan(&quote!(>>::Tombstone), span);
    quote!(#head #column #tail)
}

/// The key's column (or [`Pair`] of columns), its Rust type, and how a row's key is read:
/// `repos::id`, `i32`, `row.id.clone()`; or `Pair<post_tags::post_id, post_tags::tag_id>`,
/// `(i32, i32)`, `(row.post_id.clone(), row.tag_id.clone())`.
pub(crate) fn key_parts(
    model: &Model<'_>,
    key: &Named<'_>,
    private: &TokenStream,
) -> (TokenStream, TokenStream, TokenStream) {
    let first = column(&model.table, key.field);
    let (ident, ty) = (key.field.ident, key.field.ty);
    match model.key_second {
        None => (first, quote!(#ty), quote!(row.#ident.clone())),
        Some(second) => {
            let second_column = column(&model.table, second);
            let (second_ident, second_ty) = (second.ident, second.ty);
            (
                quote!(#private::Pair<#first, #second_column>),
                quote!((#ty, #second_ty)),
                quote!((row.#ident.clone(), row.#second_ident.clone())),
            )
        }
    }
}

/// `impl Model`: the facts the core walks.
fn describe(
    model: &Model<'_>,
    key: &Named<'_>,
    tombstone: &TombstoneField<'_>,
    cascade: &Cascade,
    private: &TokenStream,
) -> TokenStream {
    let Model { ident, table, .. } = model;
    let table_type = quote_spanned!(table.span()=> #table::table);
    let (key_column, key_type, key_of) = key_parts(model, key, private);
    let pair_check = model.key_second.map(|_| {
        quote! {
            const _: () = #private::assert_pair_key_timestamp::<#ident>();
        }
    });
    let tombstone_type = tombstone_type(model, tombstone, private);
    // Whole items at the field's type, so a wrong type is reported there, and once.
    let span = tombstone.named.field.ty.span();
    let (head, tail) = (
        respan(&quote!(type Tombstone =), span),
        respan(&quote!(;), span),
    );
    let tombstone_item = quote!(#head #tombstone_type #tail);
    let actor_item = if let Some(actor) = &model.actor {
        let column = column(table, actor.field);
        let value = actor_value(actor, private);
        // The column keeps the field name's span, where a column missing from `table!` is
        // reported.
        let span = actor.field.ty.span();
        let head = respan(&quote!(type Actor = #private::ActorColumn<), span);
        let tail = respan(&quote!(, #value>;), span);
        quote!(#head #column #tail)
    } else {
        quote!(type Actor = #private::NoActor;)
    };
    let model_name = ident.to_string();
    let Cascade {
        edges,
        parents,
        graph,
        ..
    } = cascade;
    let mut fields = vec![(key.field, None)];
    fields.extend(model.key_second.map(|second| (second, None)));
    fields.push((
        tombstone.named.field,
        Some(field_of(&tombstone_type, tombstone, private)),
    ));
    if let Some(actor) = &model.actor {
        let value = actor_value(actor, private);
        let field = respan(&quote!(#private::Option<#value>), actor.field.ty.span());
        fields.push((actor.field, Some(field)));
    }
    let field_checks = field_checks(model, &fields, private);
    quote! {
        #[automatically_derived]
        impl #private::Model for #ident {
            type Table = #table_type;
            type Key = #key_column;
            type Id = #key_type;
            #tombstone_item
            #actor_item
            type Cascade = #edges;
            type Parents = #parents;
            const MODEL: &'static str = #model_name;
            const TABLE: &'static str = <#table_type as #private::TableName>::SQL_NAME;
            const CASCADE_EDGES: &'static [#private::GraphEdge] = #graph;

            fn key_of(row: &Self) -> Self::Id {
                #key_of
            }
        }

        #pair_check
        #field_checks
    }
}

/// The tombstone field's type as its fact names it, `<Tombstone as FieldOf>::Field`.
fn field_of(
    fact: &TokenStream,
    tombstone: &TombstoneField<'_>,
    private: &TokenStream,
) -> TokenStream {
    let span = tombstone.named.field.ty.span();
    let head = respan(&quote!(<), span);
    let tail = respan(&quote!(as #private::FieldOf>::Field), span);
    quote!(#head #fact #tail)
}

/// Checks, at each field's type, that its Rust type fits its column's SQL type, so a mismatch
/// is reported where it is written rather than at the first call. The tombstone and the actor
/// are checked as their facts name them (`FieldOf`, `Option<Value>`): a type that cannot be a
/// tombstone or an actor has been reported at the field already, and is not reported again.
fn field_checks(
    model: &Model<'_>,
    fields: &[(&ast::Field<'_>, Option<TokenStream>)],
    private: &TokenStream,
) -> TokenStream {
    let table = &model.table;
    fields
        .iter()
        .map(|(field, fact)| {
            let ty = field.ty;
            let column = column(table, field);
            let checked = fact.clone().unwrap_or_else(|| quote!(#ty));
            quote_spanned! {ty.span()=>
                const _: () = #private::assert_field::<#checked, #column>();
            }
        })
        .collect()
}

/// The tombstone column as `table.column`, for the docs of the generated functions. The docs
/// say "set" and "unset" rather than a predicate: the kind follows the field's type, which the
/// derive does not see.
fn tombstone_doc(model: &Model<'_>) -> String {
    model.tombstone.as_ref().map_or_else(
        || "tombstone".to_owned(),
        |tombstone| {
            format!(
                "tombstone `{}.{}`",
                model.table_name, tombstone.named.field.column
            )
        },
    )
}

/// The scopes, the same in a fallback expansion: they name only the `Model` facts.
pub(crate) fn scopes(model: &Model<'_>, private: &TokenStream) -> TokenStream {
    let tombstone = tombstone_doc(model);
    let name = model.ident.to_string();
    let active_doc = format!(
        " Live `{name}` rows, those whose {tombstone} is unset: the scope every read should start \
         from."
    );
    let deleted_doc = format!(" Tombstoned `{name}` rows, those whose {tombstone} is set.");
    let is_active_doc = format!(
        " The predicate \"this `{name}` row is live\" (its {tombstone} unset), to filter a join."
    );
    let is_deleted_doc =
        format!(" The predicate \"this `{name}` row is tombstoned\" (its {tombstone} set).");
    // The scopes' types are the tombstone's: spanned at its field, a wrong type there is one
    // error (rustc drops a repeat of the same error at the same place), not one per scope.
    let span = model
        .tombstone
        .as_ref()
        .map_or_else(Span::call_site, |tombstone| tombstone.named.field.ty.span());
    let scope = |name: &str| {
        let name = syn::Ident::new(name, span);
        respan(&quote!(#private::#name<Self>), span)
    };
    let (active, only_deleted, is_active, is_deleted) = (
        scope("Active"),
        scope("OnlyDeleted"),
        scope("IsActive"),
        scope("IsDeleted"),
    );
    quote! {
        #[doc = #active_doc]
        #[must_use]
        pub fn active() -> #active {
            #private::active::<Self>()
        }

        #[doc = #deleted_doc]
        #[must_use]
        pub fn only_deleted() -> #only_deleted {
            #private::only_deleted::<Self>()
        }

        #[doc = #is_active_doc]
        #[must_use]
        pub fn is_active() -> #is_active {
            #private::is_active::<Self>()
        }

        #[doc = #is_deleted_doc]
        #[must_use]
        pub fn is_deleted() -> #is_deleted {
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
    /// The actor field's type, where the bodies are spanned.
    actor_span: Option<Span>,
}

impl Shared {
    /// A body, spanned at the actor field's type when there is one: every body names the
    /// actor's type, so a wrong one is then one error at the field rather than one more here.
    fn body(&self, tokens: &TokenStream) -> TokenStream {
        self.actor_span
            .map_or_else(|| tokens.clone(), |span| respan(tokens, span))
    }
}

fn operations(
    model: &Model<'_>,
    key: &Named<'_>,
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
        actor_span: model.actor.as_ref().map(|actor| actor.field.ty.span()),
        private,
    };
    let (_, key_type, _) = key_parts(model, key, &shared.private);
    let mut tokens = plain_operations(model, &key_type, &shared);
    if let Some(actor) = &model.actor {
        tokens.extend(actor_operations(model, &key_type, &shared, actor));
    }
    tokens
}

/// The operations by key every model gets as inherent functions, documented with what its
/// cascade reaches. The others (`soft_delete_where`, `soft_delete_record`, `restore_record`,
/// `restore_with_ancestors`, `lock_live`, `cascade_graph`) are provided by the `SoftDelete`
/// trait itself: written once, they cost nothing per model to compile.
fn plain_operations(model: &Model<'_>, key_type: &TokenStream, shared: &Shared) -> TokenStream {
    let Shared {
        private,
        name,
        bounds,
        result,
        reach,
        ..
    } = shared;
    let delete_doc = format!(
        " Soft deletes the `{name}` whose key is `id` in one transaction. A row already \
         tombstoned keeps its stamp (`Outcome::AlreadyDeleted`); an unknown key is \
         `Error::NotFound`.{reach}"
    );
    let cleared = if model.actor.is_some() {
        " and actor"
    } else {
        ""
    };
    let restore_doc = format!(
        " Restores the `{name}` whose key is `id`: clears its tombstone{cleared}. A live row is left \
         alone (`Outcome::AlreadyActive`); an unknown key is `Error::NotFound`."
    );
    let plain_delete = shared.body(&quote! {
        #private::soft_delete::<Self, __C>(conn, #private::Into::into(id), #private::None)
    });
    let plain_restore = shared.body(&quote! {
        #private::restore::<Self, __C>(conn, #private::Into::into(id))
    });
    quote! {
        #[doc = #delete_doc]
        pub fn soft_delete<__C>(conn: &mut __C, id: impl #private::Into<#key_type>) -> #result
        where #bounds
        {
            #plain_delete
        }

        #[doc = #restore_doc]
        pub fn restore<__C>(conn: &mut __C, id: impl #private::Into<#key_type>) -> #result
        where #bounds
        {
            #plain_restore
        }
    }
}

/// The `_by` operations of a model with an actor column.
fn actor_operations(
    model: &Model<'_>,
    key_type: &TokenStream,
    shared: &Shared,
    actor: &Named<'_>,
) -> TokenStream {
    let Shared {
        private,
        name,
        bounds,
        result,
        table_type,
        ..
    } = shared;
    let table_name = &model.table_name;
    let column = &actor.field.column;
    let by_doc = format!(
        " Soft deletes the `{name}` whose key is `id`, recording `actor` in `{table_name}.{column}`; \
         see [`{name}::soft_delete`]."
    );
    let where_by_doc = format!(
        " Soft deletes every live `{name}` that `predicate` selects, recording `actor`; \
         see [`{name}::soft_delete_where`]."
    );
    let record_by_doc = format!(" Soft deletes this `{name}`, recording `actor`.");
    let actor_type = actor_value(actor, private);
    let actor = quote!(#private::Some(#private::Into::into(actor)));
    let by_delete = quote! {
        #private::soft_delete::<Self, __C>(conn, #private::Into::into(id), #actor)
    };
    let where_by_delete = quote! {
        #private::soft_delete_where::<Self, __C, __P>(conn, predicate, #actor)
    };
    let record_by_delete = quote! {
        #private::soft_delete::<Self, __C>(conn, id, #actor)
    };
    // Every part of these names the actor's type: at the actor field, a wrong type there is
    // one error, not one more per function.
    let functions = quote! {
        #[doc = #by_doc]
        pub fn soft_delete_by<__C>(
            conn: &mut __C,
            id: impl #private::Into<#key_type>,
            actor: impl #private::Into<#actor_type>,
        ) -> #result
        where #bounds
        {
            #by_delete
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
            #where_by_delete
        }

        #[doc = #record_by_doc]
        pub fn soft_delete_record_by<__C>(
            &self,
            conn: &mut __C,
            actor: impl #private::Into<#actor_type>,
        ) -> #result
        where #bounds
        {
            let id = <Self as #private::Model>::key_of(self);
            #record_by_delete
        }
    };
    shared.body(&functions)
}
