//! Emits a model's cascade: its edges and parents as types, the facts of its graph, and the
//! compile-time checks that tie parents and children together.

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::Path;
use syn::spanned::Spanned;

use crate::ast::{Edge, Model};
use crate::cascade_attr::EdgePolicy;
use crate::expand::respan;

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
        edges: edge_list(model, &edge_types),
        parents,
        graph: quote!(&[#(#graph),*]),
        items,
        summary,
    }
}

/// `type Cascade`'s tuple. rustc checks the whole tuple where it is written and reports a
/// problem with one edge's types there, so the tuple is written at the first soft edge to
/// another model, whose child is the likeliest to be refused; with one such edge, its error is
/// then the only one.
fn edge_list(model: &Model<'_>, edge_types: &[TokenStream]) -> TokenStream {
    let mut list = Group::new(Delimiter::Parenthesis, quote!(#(#edge_types,)*));
    let first_soft = model
        .edges
        .iter()
        .find(|edge| !edge.is_self && edge.attr.policy == EdgePolicy::Soft);
    if let Some(edge) = first_soft {
        list.set_span(Span::call_site().located_at(edge.attr.child.span()));
    }
    quote!(#list)
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
        (false, EdgePolicy::WithParent, _) => {
            format!("`{child}` rows are purged and hard deleted with it")
        }
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

/// A soft edge to another model: its type, its child as a model, and its linking column.
///
/// The child is named through `SoftChildOf` wherever it must be a model, and every token is at
/// the edge: a child that is not soft-deletable is then one error there, with the `hard` /
/// `restrict` / `keep` advice, and nothing named through it is checked again (rustc reports a
/// repeat of an error at the same place once).
fn soft_edge(
    edge: &Edge,
    this: &syn::Ident,
    private: &TokenStream,
) -> (TokenStream, TokenStream, TokenStream) {
    let attr = &edge.attr;
    let span = attr.child.span();
    let child = &attr.child;
    let explicit = attr.foreign_key.as_ref();
    let this_tokens = this.to_token_stream();
    let model = respan(
        &quote!(<#child as #private::SoftChildOf<#this>>::Model),
        span,
    );
    let (kind, column) = if attr.owned.is_some() {
        let column = foreign_key(explicit, &this_tokens, &model, private, span, true);
        (quote!(Owned), column)
    } else {
        let column = foreign_key(explicit, &model, &this_tokens, private, span, true);
        (quote!(Soft), column)
    };
    // A column the user named keeps its own span, where a wrong one is reported.
    let column = if explicit.is_some() {
        column
    } else {
        respan(&column, span)
    };
    let head = respan(&quote!(#private::#kind<#child,), span);
    let tail = respan(&quote!(>), span);
    (quote!(#head #column #tail), model, column)
}

/// The `CascadesTo` impls of the soft edges to other models, each with its edge type. The
/// fallback expansion emits them with a stand-in column (`fallback`), so that a child naming
/// this model as its parent still finds the edge and an edge that was itself wrong adds no
/// error.
pub(crate) fn cascades_to(model: &Model<'_>, private: &TokenStream, fallback: bool) -> TokenStream {
    let this = model.ident;
    model
        .edges
        .iter()
        .filter(|edge| !edge.is_self && edge.attr.policy == EdgePolicy::Soft)
        .map(|edge| {
            let attr = &edge.attr;
            let span = attr.child.span();
            let child = attr.child.to_token_stream();
            let ty = if fallback {
                quote_spanned!(span=> #private::Soft<#child, ()>)
            } else {
                soft_edge(edge, this, private).0
            };
            let head = respan(
                &quote! {
                    #[automatically_derived]
                    impl #private::CascadesTo<#child> for #this
                },
                span,
            );
            let body = respan(&quote!(type Edge =), span);
            let end = respan(&quote!(;), span);
            quote!(#head { #body #ty #end })
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
        (EdgePolicy::Soft, _) => {
            let (ty, model, column) = soft_edge(edge, this, private);
            let (graph, target) = if attr.owned.is_some() {
                (quote!(owned), model.clone())
            } else {
                (quote!(soft), this_tokens.clone())
            };
            let graph_of = respan(&quote!(#private::GraphRef::of::<#model>(), <), span);
            let name = respan(&quote!(as #private::Column>::NAME), span);
            let mut arguments = Group::new(Delimiter::Parenthesis, quote!(#graph_of #column #name));
            arguments.set_span(Span::call_site().located_at(span));
            let constructor = respan(&quote!(#private::GraphEdge::#graph), span);
            // A cycle of soft edges stops the build here, with a message that names the
            // models (a constant's panic is reported with its message, at the edge).
            let parent_check = respan(
                &quote! {
                    const _: () = #private::assert_parent::<#model, #this>();
                    const _: () = if let #private::Some(message) =
                        #private::cycle::<#this, #model>().text()
                    {
                        ::core::panic!("{}", message)
                    };
                },
                span,
            );
            let key_head = respan(&quote!(const _: () = #private::assert_foreign_key::<), span);
            let key_tail = respan(&quote!(, #target>();), span);
            EdgeParts {
                graph: quote!(#constructor #arguments),
                items: quote! {
                    #parent_check
                    #key_head #column #key_tail
                },
                ty,
            }
        }
        (EdgePolicy::Keep, _) => kept(edge, &child, &this_tokens, private),
        (EdgePolicy::Hard | EdgePolicy::WithParent, _) => {
            let fk = foreign_key(explicit, &child, &this_tokens, private, span, false);
            // The edge's type and its policy in the graph share the name.
            let kind = if attr.policy == EdgePolicy::Hard {
                format_ident!("Hard", span = span)
            } else {
                format_ident!("WithParent", span = span)
            };
            EdgeParts {
                ty: quote_spanned!(span=> #private::#kind<#child, #fk>),
                graph: quote_spanned!(span=> #private::GraphEdge::other(<<#fk as #private::Column>::Table as #private::TableName>::SQL_NAME, <#fk as #private::Column>::NAME, #private::Policy::#kind)),
                items: quote_spanned! {span=>
                    const _: () = #private::assert_foreign_key::<#fk, #this>();
                },
            }
        }
        (EdgePolicy::Restrict, _) => {
            let fk = foreign_key(explicit, &child, &this_tokens, private, span, false);
            let live = format_ident!("__SoftDeleteLive_{}_{}", this, index);
            EdgeParts {
                ty: quote_spanned!(span=> #private::Restrict<#child, #fk, #live>),
                graph: quote_spanned!(span=> #private::GraphEdge::other(<<#fk as #private::Column>::Table as #private::TableName>::SQL_NAME, <#fk as #private::Column>::NAME, #private::Policy::Restrict)),
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
        let graph = quote_spanned!(span=> #private::GraphEdge::other(<<#fk as #private::Column>::Table as #private::TableName>::SQL_NAME, <#fk as #private::Column>::NAME, #private::Policy::Keep));
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

/// What the expansions of the models around this one ask of it: `SoftChildOf` (it can be the
/// child of a soft edge), `HasParent` for each parent it names (and itself, for a tree),
/// `ChildOf` for each `belongs_to`. Emitted by the fallback
/// expansion too, so an error in this model is not repeated in theirs.
pub(crate) fn links(model: &Model<'_>, private: &TokenStream) -> TokenStream {
    let this = model.ident;
    let mut items = quote! {
        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl<__P> #private::SoftChildOf<__P> for #this {
            type Model = Self;
        }
    };
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
