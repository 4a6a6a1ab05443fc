//! Reading `#[cascade(Child, Other(hard), Store(owned), Log(keep), Setting(with_parent), ...)]`.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Meta, Path, Token};

use crate::attr::{closest, did_you_mean};
use crate::errors::Errors;

/// Our cascade attribute.
pub(crate) const CASCADE: &str = "cascade";

const SOFT: &str = "soft";
const HARD: &str = "hard";
const RESTRICT: &str = "restrict";
const KEEP: &str = "keep";
const WITH_PARENT: &str = "with_parent";
const OWNED: &str = "owned";
const FOREIGN_KEY: &str = "foreign_key";
const OPTIONS: [&str; 7] = [SOFT, HARD, RESTRICT, KEEP, WITH_PARENT, OWNED, FOREIGN_KEY];

/// What an edge does to the child rows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum EdgePolicy {
    Soft,
    Hard,
    Restrict,
    /// The child rows outlive the parent on purpose: nothing happens to them.
    Keep,
    /// The child rows live and die with the parent: untouched by soft delete and restore,
    /// deleted for real by the parent's purge and hard delete.
    WithParent,
}

/// One edge as written.
pub(crate) struct EdgeAttr {
    /// The child model.
    pub(crate) child: Path,
    pub(crate) policy: EdgePolicy,
    /// The policy keyword, for errors; `None` when defaulted to soft.
    pub(crate) policy_tokens: Option<TokenStream>,
    /// The key sits on the parent and holds the child's key.
    pub(crate) owned: Option<TokenStream>,
    /// `foreign_key = table::column`.
    pub(crate) foreign_key: Option<Path>,
    /// The whole item, for errors.
    pub(crate) tokens: TokenStream,
}

/// Every edge of every `#[cascade(...)]` on the struct. A wrong option is recorded and the
/// edge kept with what was understood, so the edges after it are still read.
pub(crate) fn cascade_attrs(attrs: &[Attribute], errors: &mut Errors) -> Vec<EdgeAttr> {
    let mut edges = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident(CASCADE)) {
        if matches!(attr.meta, Meta::Path(_)) {
            errors.at(
                attr,
                "`#[cascade]` needs the child models: `#[cascade(Issue, Proposal)]`",
            );
            continue;
        }
        let parsed = attr.parse_args_with(|input: ParseStream<'_>| {
            let mut list = Vec::new();
            while !input.is_empty() {
                list.push(EdgeAttr::parse(input, errors)?);
                if input.is_empty() {
                    break;
                }
                input.parse::<Token![,]>()?;
            }
            Ok(list)
        });
        match parsed {
            Ok(list) if list.is_empty() => errors.at(
                attr,
                "`#[cascade()]` names no child; write `#[cascade(Issue)]` or remove it",
            ),
            Ok(list) => edges.extend(list),
            Err(error) => errors.push(error),
        }
    }
    edges
}

impl EdgeAttr {
    fn parse(input: ParseStream<'_>, errors: &mut Errors) -> syn::Result<Self> {
        let child = input.call(Path::parse_mod_style).map_err(|error| {
            syn::Error::new(
                error.span(),
                "expected a child model, e.g. `#[cascade(Issue)]` or `#[cascade(CartItem(hard))]`",
            )
        })?;
        let mut edge = EdgeAttr {
            tokens: child.to_token_stream(),
            child,
            policy: EdgePolicy::Soft,
            policy_tokens: None,
            owned: None,
            foreign_key: None,
        };
        if input.peek(syn::token::Paren) {
            let content;
            let parens = syn::parenthesized!(content in input);
            let options = Punctuated::<Meta, Token![,]>::parse_terminated(&content)?;
            for option in &options {
                if let Err(error) = edge.option(option) {
                    errors.push(error);
                }
            }
            let mut tokens = edge.child.to_token_stream();
            parens.surround(&mut tokens, |inner| options.to_tokens(inner));
            edge.tokens = tokens;
        }
        Ok(edge)
    }

    fn option(&mut self, option: &Meta) -> syn::Result<()> {
        let name = option.path().to_token_stream().to_string();
        match (option, name.as_str()) {
            (Meta::Path(_), SOFT | HARD | RESTRICT | KEEP | WITH_PARENT) => {
                if let Some(first) = &self.policy_tokens {
                    return Err(syn::Error::new_spanned(
                        option,
                        format!(
                            "an edge has one policy, and `{first}` was already given; keep one of `soft`, `hard`, `restrict`, `keep`, `with_parent`"
                        ),
                    ));
                }
                self.policy = match name.as_str() {
                    SOFT => EdgePolicy::Soft,
                    HARD => EdgePolicy::Hard,
                    RESTRICT => EdgePolicy::Restrict,
                    WITH_PARENT => EdgePolicy::WithParent,
                    _ => EdgePolicy::Keep,
                };
                self.policy_tokens = Some(option.to_token_stream());
            }
            (Meta::Path(_), OWNED) => {
                if self.owned.is_some() {
                    return Err(syn::Error::new_spanned(
                        option,
                        "duplicate `owned`; give it once",
                    ));
                }
                self.owned = Some(option.to_token_stream());
            }
            (Meta::NameValue(pair), FOREIGN_KEY) => {
                if self.foreign_key.is_some() {
                    return Err(syn::Error::new_spanned(
                        option,
                        "duplicate `foreign_key`; give it once",
                    ));
                }
                let syn::Expr::Path(path) = &pair.value else {
                    return Err(syn::Error::new_spanned(
                        &pair.value,
                        "expected a column path: `foreign_key = issues::repo_id`",
                    ));
                };
                self.foreign_key = Some(path.path.clone());
            }
            (_, FOREIGN_KEY) => {
                return Err(syn::Error::new_spanned(
                    option,
                    "expected `foreign_key = table::column`, e.g. `foreign_key = issues::repo_id`",
                ));
            }
            (_, SOFT | HARD | RESTRICT | KEEP | OWNED) => {
                return Err(syn::Error::new_spanned(
                    option,
                    format!(
                        "`{name}` takes no value; write `{}({name})`",
                        self.child.to_token_stream()
                    ),
                ));
            }
            _ => {
                // Read a close misspelling of a keyword as that keyword, so that the edge is
                // what was meant and this stays the only error.
                if let (Meta::Path(path), Some(keyword @ (SOFT | HARD | RESTRICT | KEEP | OWNED))) =
                    (option, closest(&name, &OPTIONS))
                {
                    let meant = Meta::Path(syn::Ident::new(keyword, path.span()).into());
                    let _ = self.option(&meant);
                }
                return Err(syn::Error::new_spanned(
                    option.path(),
                    format!(
                        "unknown cascade option `{name}`{}\n\
                         expected one of: `soft` (the default: tombstone the children), `hard` \
                         (delete them), `restrict` (refuse while they exist), `keep` (they outlive \
                         the parent on purpose), `owned` (the parent holds the child's key), \
                         `foreign_key = table::column`",
                        did_you_mean(&name, &OPTIONS)
                    ),
                ));
            }
        }
        Ok(())
    }
}
