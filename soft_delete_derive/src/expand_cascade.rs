//! Emits a model's cascade: its edges and parents as types, the facts of its graph, and the
//! compile-time checks that tie parents and children together.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::Path;
use syn::spanned::Spanned;

use crate::ast::{Edge, Model};
use crate::cascade_attr::EdgePolicy;

/// What the cascade adds to the expansion.
pub(crate) struct Cascade {
    /// `type Cascade = (...)`.
    pub(crate) edges: TokenStream,
    /// `type Parents = (...)`.
    pub(crate) parents: TokenStream,
    /// `const CASCADE_EDGES: &[GraphEdge] = &[...]`.
    pub(crate) graph: TokenStream,
    /// Impls, checks and helper types, emitted beside the model's impls.
    pub(crate) items: TokenStream,
    /// One line per edge for the docs: "soft: `Issue`".
    pub(crate) summary: Vec<String>,
}

/// One edge's contribution.
struct EdgeParts {
    ty: TokenStream,
    graph: TokenStream,
    items: TokenStream,
}

pub(crate) fn cascade(model: &Model<'_>, private: &TokenStream) -> Cascade {
    let mut edge_types = Vec::new();
    let mut graph = Vec::new();
    let mut items = TokenStream::new();
    let mut summary = Vec::new();
    for (index, edge) in model.edges.iter().enumerate() {
        let parts = edge_parts(model, edge, index, private);
        edge_types.push(parts.ty);
        graph.push(parts.graph);
        items.extend(parts.items);
        summary.push(describe(edge));
    }
    let (parents, parent_items) = parents(model, private);
    items.extend(parent_items);
    items.extend(links(model, private));
    items.extend(cascades_to(model, private, false));
    Cascade {
        edges: quote!((#(#edge_types,)*)),
        parents,
        graph: quote!(&[#(#graph),*]),
        items,
        summary,
    }
}

fn describe(edge: &Edge) -> String {
    let child = edge.attr.child.to_token_stream().to_string();
    match (edge.is_self, edge.attr.policy, edge.attr.owned.is_some()) {
        (_, EdgePolicy::Keep, _) => format!("`{child}` rows that reference it are kept"),
        (true, _, _) => "soft through its own subtree".to_owned(),
        (false, EdgePolicy::Soft, true) => format!("soft to the owned `{child}`"),
        (false, EdgePolicy::Soft, false) => format!("soft to `{child}`"),
        (false, EdgePolicy::Hard, _) => format!("hard delete of `{child}`"),
        (false, EdgePolicy::Restrict, _) => format!("refused while `{child}` rows exist"),
    }
}

/// The column the user named, or the child's foreign key to the parent: through
/// `ChildOf` (which the child's own derive implements, with a message that
/// says what to write) for soft children, through Diesel's `BelongsTo` for the others.
fn foreign_key(
    explicit: Option<&Path>,
    child: &TokenStream,
    parent: &TokenStream,
    private: &TokenStream,
    span: Span,
    soft: bool,
) -> TokenStream {
    let implicit = || {
        if soft {
            quote_spanned!(span=> <#child as #private::ChildOf<#parent>>::ForeignKey)
        } else {
            quote_spanned!(span=> <#child as #private::BelongsTo<#parent>>::ForeignKeyColumn)
        }
    };
    explicit.map_or_else(implicit, ToTokens::to_token_stream)
}

/// The `CascadesTo` impls of the soft edges to other models, each with its edge type. The
/// fallback expansion emits them with a stand-in column (`fallback`), so that a child naming
/// this model as its parent still finds the edge and an edge that was itself wrong adds no
/// error.
pub(crate) fn cascades_to(model: &Model<'_>, private: &TokenStream, fallback: bool) -> TokenStream {
    let this = model.ident;
    let this_tokens = this.to_token_stream();
    model
        .edges
        .iter()
        .filter(|edge| !edge.is_self && edge.attr.policy == EdgePolicy::Soft)
        .map(|edge| {
            let attr = &edge.attr;
            let span = attr.child.span();
            let child = attr.child.to_token_stream();
            let explicit = attr.foreign_key.as_ref();
            let ty = if fallback {
                quote_spanned!(span=> #private::Soft<#child, ()>)
            } else if attr.owned.is_some() {
                let column = foreign_key(explicit, &this_tokens, &child, private, span, true);
                quote_spanned!(span=> #private::Owned<#child, #column>)
            } else {
                let fk = foreign_key(explicit, &child, &this_tokens, private, span, true);
                quote_spanned!(span=> #private::Soft<#child, #fk>)
            };
            quote_spanned! {span=>
                #[automatically_derived]
                impl #private::CascadesTo<#child> for #this {
                    type Edge = #ty;
                }
            }
        })
        .collect()
}

fn edge_parts(model: &Model<'_>, edge: &Edge, index: usize, private: &TokenStream) -> EdgeParts {
    let this = model.ident;
    let attr = &edge.attr;
    let span = attr.child.span();
    let child = if edge.is_self {
        quote_spanned!(span=> #this)
    } else {
        attr.child.to_token_stream()
    };
    let this_tokens = this.to_token_stream();
    let explicit = attr.foreign_key.as_ref();
    if edge.is_self && attr.policy != EdgePolicy::Keep {
        let fk = foreign_key(explicit, &this_tokens, &this_tokens, private, span, true);
        return EdgeParts {
            ty: quote_spanned!(span=> #private::Tree<#fk>),
            graph: quote_spanned!(span=> #private::GraphEdge::tree(<#fk as #private::Column>::NAME)),
            items: quote_spanned! {span=>
                #[automatically_derived]
                impl #private::CascadesTo<#this> for #this {
                    type Edge = #private::Tree<#fk>;
                }
                const _: () = #private::assert_foreign_key::<#fk, #this>();
            },
        };
    }
    match (attr.policy, attr.owned.is_some()) {
        (EdgePolicy::Soft, owned) => {
            let (ty, graph, key_check) = if owned {
                let column = foreign_key(explicit, &this_tokens, &child, private, span, true);
                (
                    quote_spanned!(span=> #private::Owned<#child, #column>),
                    quote_spanned!(span=> #private::GraphEdge::owned(&<#child as #private::Model>::CASCADE_GRAPH, <#column as #private::Column>::NAME)),
                    quote_spanned!(span=> #private::assert_foreign_key::<#column, #child>()),
                )
            } else {
                let fk = foreign_key(explicit, &child, &this_tokens, private, span, true);
                (
                    quote_spanned!(span=> #private::Soft<#child, #fk>),
                    quote_spanned!(span=> #private::GraphEdge::soft(&<#child as #private::Model>::CASCADE_GRAPH, <#fk as #private::Column>::NAME)),
                    quote_spanned!(span=> #private::assert_foreign_key::<#fk, #this>()),
                )
            };
            EdgeParts {
                graph,
                items: quote_spanned! {span=>
                    const _: () = #private::assert_soft::<#child>();
                    const _: () = #private::assert_parent::<#child, #this>();
                    const _: () = #key_check;
                },
                ty,
            }
        }
        (EdgePolicy::Keep, _) => kept(edge, &child, &this_tokens, private),
        (EdgePolicy::Hard, _) => {
            let fk = foreign_key(explicit, &child, &this_tokens, private, span, false);
            let name = child_name(&attr.child);
            EdgeParts {
                ty: quote_spanned!(span=> #private::Hard<#child, #fk>),
                graph: quote_spanned!(span=> #private::GraphEdge::other(#name, <#fk as #private::Column>::NAME, #private::Policy::Hard)),
                items: quote_spanned! {span=>
                    const _: () = #private::assert_foreign_key::<#fk, #this>();
                },
            }
        }
        (EdgePolicy::Restrict, _) => {
            let fk = foreign_key(explicit, &child, &this_tokens, private, span, false);
            let name = child_name(&attr.child);
            let live = format_ident!("__SoftDeleteLive_{}_{}", this, index);
            EdgeParts {
                ty: quote_spanned!(span=> #private::Restrict<#child, #fk, #live>),
                graph: quote_spanned!(span=> #private::GraphEdge::other(#name, <#fk as #private::Column>::NAME, #private::Policy::Restrict)),
                items: quote_spanned! {span=>
                    #[doc(hidden)]
                    #[allow(non_camel_case_types)]
                    pub struct #live;
                    #[automatically_derived]
                    impl #private::LiveFilterOf for #live {
                        fn live_filter() -> #private::Option<#private::LiveFilter> {
                            #[allow(unused_imports)]
                            use #private::{ProbeOther as _, ProbeSoft as _};
                            (&#private::Probe::<#child>::new()).live_filter()
                        }
                    }
                    const _: () = #private::assert_foreign_key::<#fk, #this>();
                },
            }
        }
    }
}

/// A kept edge: the child, soft-deletable or not, is only named; nothing happens to its rows.
fn kept(edge: &Edge, child: &TokenStream, this: &TokenStream, private: &TokenStream) -> EdgeParts {
    let attr = &edge.attr;
    let span = attr.child.span();
    let explicit = attr.foreign_key.as_ref();
    let (fk, graph) = if edge.is_self {
        let fk = foreign_key(explicit, this, this, private, span, true);
        let graph =
            quote_spanned!(span=> #private::GraphEdge::kept_self(<#fk as #private::Column>::NAME));
        (fk, graph)
    } else {
        let fk = foreign_key(explicit, child, this, private, span, false);
        let name = child_name(&attr.child);
        let graph = quote_spanned!(span=> #private::GraphEdge::other(#name, <#fk as #private::Column>::NAME, #private::Policy::Keep));
        (fk, graph)
    };
    EdgeParts {
        ty: quote_spanned!(span=> #private::Keep<#fk>),
        graph,
        items: quote_spanned! {span=>
            const _: () = #private::assert_foreign_key::<#fk, #this>();
        },
    }
}

fn child_name(child: &Path) -> String {
    child
        .segments
        .last()
        .map_or_else(String::new, |segment| segment.ident.to_string())
}

/// Whether the model has a self edge that cascades (a tree); kept self references do not.
fn has_tree(model: &Model<'_>) -> bool {
    model
        .edges
        .iter()
        .any(|edge| edge.is_self && edge.attr.policy != EdgePolicy::Keep)
}

/// `type Parents` and the checks that each parent cascades here.
fn parents(model: &Model<'_>, private: &TokenStream) -> (TokenStream, TokenStream) {
    let this = model.ident;
    let mut links = Vec::new();
    let mut items = TokenStream::new();
    for parent in &model.parents {
        let span = parent.span();
        links.push(quote_spanned!(span=> #private::ParentLink<#parent>));
        items.extend(quote_spanned! {span=>
            const _: () = #private::assert_cascades::<#parent, #this>();
        });
    }
    // A tree's rows hang off their own parent rows.
    if has_tree(model) {
        links.push(quote!(#private::TreeParent<#this>));
    }
    (quote!((#(#links,)*)), items)
}

/// What the expansions of the models around this one ask of it: `HasParent` for each parent it
/// names (and itself, for a tree), `ChildOf` for each `belongs_to`. Emitted by the fallback
/// expansion too, so an error in this model is not repeated in theirs.
pub(crate) fn links(model: &Model<'_>, private: &TokenStream) -> TokenStream {
    let this = model.ident;
    let mut items = TokenStream::new();
    for parent in &model.parents {
        items.extend(quote_spanned! {parent.span()=>
            #[automatically_derived]
            impl #private::HasParent<#parent> for #this {}
        });
    }
    if has_tree(model) {
        items.extend(quote! {
            #[automatically_derived]
            impl #private::HasParent<#this> for #this {}
        });
    }
    for parent in &model.belongs_to {
        items.extend(quote! {
            #[automatically_derived]
            impl #private::ChildOf<#parent> for #this {
                type ForeignKey = <#this as #private::BelongsTo<#parent>>::ForeignKeyColumn;
            }
        });
    }
    items
}
