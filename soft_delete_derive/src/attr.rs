//! Reading the raw attributes: Diesel's (`table_name`, `primary_key`, `column_name`) and ours.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitStr, Path, Token};

use crate::errors::Errors;

/// Our attribute.
pub(crate) const SOFT_DELETE: &str = "soft_delete";
/// Diesel's attribute.
const DIESEL: &str = "diesel";

/// Our keys.
pub(crate) const TIMESTAMP: &str = "timestamp";
pub(crate) const FLAG: &str = "flag";
pub(crate) const DELETED_BY: &str = "deleted_by";
pub(crate) const PARENT: &str = "parent";
pub(crate) const CRATE: &str = "crate";
const KEYS: [&str; 5] = [TIMESTAMP, FLAG, DELETED_BY, PARENT, CRATE];

/// What `#[diesel(...)]` on the struct says that the derive needs.
#[derive(Default)]
pub(crate) struct DieselAttrs {
    /// `table_name = path`.
    pub(crate) table_name: Option<Path>,
    /// `primary_key(a, b)`, with the tokens to point errors at.
    pub(crate) primary_key: Option<(Vec<Ident>, TokenStream)>,
    /// The parents of `belongs_to(Parent, ...)`.
    pub(crate) belongs_to: Vec<Path>,
}

/// How the tombstone was declared.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum DeclaredKind {
    /// `#[soft_delete(field)]`: the kind follows the field's type.
    Inferred,
    /// `#[soft_delete(timestamp = field)]`.
    Timestamp,
    /// `#[soft_delete(flag = field)]`.
    Flag,
}

/// A tombstone named in `#[soft_delete(...)]`.
pub(crate) struct TombstoneAttr {
    pub(crate) kind: DeclaredKind,
    pub(crate) field: Ident,
    /// The whole `key = field` (or bare field), for errors.
    pub(crate) tokens: TokenStream,
}

/// What `#[soft_delete(...)]` on the struct says.
#[derive(Default)]
pub(crate) struct SoftDeleteAttrs {
    pub(crate) tombstone: Option<TombstoneAttr>,
    /// The actor field, and the `deleted_by = field` tokens for errors.
    pub(crate) deleted_by: Option<(Ident, TokenStream)>,
    /// `parent = Model`, once per parent.
    pub(crate) parents: Vec<Path>,
    pub(crate) krate: Option<Path>,
}

/// Reads the struct's `#[diesel(...)]` and `#[soft_delete(...)]` attributes. A key it does not
/// know is recorded and skipped, so the keys after it are still read.
pub(crate) fn struct_attrs(
    attrs: &[Attribute],
    errors: &mut Errors,
) -> (DieselAttrs, SoftDeleteAttrs) {
    let mut diesel = DieselAttrs::default();
    let mut ours = SoftDeleteAttrs::default();
    for attr in attrs {
        if attr.path().is_ident(DIESEL) {
            let result = attr.parse_nested_meta(|meta| diesel_key(&mut diesel, &meta, errors));
            errors.ok(result);
        } else if attr.path().is_ident(SOFT_DELETE) {
            if matches!(attr.meta, syn::Meta::Path(_)) {
                errors.at(
                    attr,
                    "`#[soft_delete]` needs arguments; write `#[soft_delete(deleted_at)]` to name \
                     the tombstone field, or drop the attribute to use the field `deleted_at`",
                );
                continue;
            }
            let result = attr.parse_nested_meta(|meta| soft_delete_key(&mut ours, &meta, errors));
            errors.ok(result);
        }
    }
    (diesel, ours)
}

/// The column a field maps to: `#[diesel(column_name = x)]`, or the field's own name.
pub(crate) fn field_column(attrs: &[Attribute], errors: &mut Errors) -> Option<Ident> {
    let mut column = None;
    for attr in attrs {
        if attr.path().is_ident(SOFT_DELETE) {
            errors.at(
                attr,
                "`#[soft_delete]` belongs on the struct, not on a field; \
                 write `#[soft_delete(timestamp = field)]` or `#[soft_delete(flag = field)]` above the struct",
            );
        } else if attr.path().is_ident(DIESEL) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("column_name") {
                    column = Some(ident_or_string(&meta)?);
                    Ok(())
                } else {
                    skip_value(&meta)
                }
            });
            errors.ok(result);
        }
    }
    column
}

fn diesel_key(
    diesel: &mut DieselAttrs,
    meta: &ParseNestedMeta<'_>,
    errors: &mut Errors,
) -> syn::Result<()> {
    if meta.path.is_ident("table_name") {
        let value = meta.value()?;
        if let Ok(literal) = value.parse::<LitStr>() {
            errors.at(
                &literal,
                format!(
                    "write the table as a path, not a string: `#[diesel(table_name = {})]`",
                    literal.value()
                ),
            );
            // Go on with the table it names, so that this is the only error.
            diesel.table_name = literal.parse().ok();
            return Ok(());
        }
        diesel.table_name = Some(value.parse()?);
    } else if meta.path.is_ident("primary_key") {
        let mut columns = Vec::new();
        let content;
        syn::parenthesized!(content in meta.input);
        let tokens: TokenStream = content.fork().parse()?;
        let list = content.parse_terminated(Ident::parse_any, Token![,])?;
        columns.extend(list);
        let mut spanned = meta.path.to_token_stream();
        spanned.extend(tokens);
        diesel.primary_key = Some((columns, spanned));
    } else if meta.path.is_ident("belongs_to") {
        let content;
        syn::parenthesized!(content in meta.input);
        diesel.belongs_to.push(content.parse()?);
        content.parse::<TokenStream>()?;
    } else {
        skip_value(meta)?;
    }
    Ok(())
}

fn soft_delete_key(
    ours: &mut SoftDeleteAttrs,
    meta: &ParseNestedMeta<'_>,
    errors: &mut Errors,
) -> syn::Result<()> {
    let path = &meta.path;
    let bare = meta.input.is_empty() || meta.input.peek(Token![,]);
    let key = match KEYS.iter().copied().find(|key| path.is_ident(key)) {
        Some(key) => key,
        None if bare => return bare_tombstone(ours, meta, errors),
        None => {
            let name = path.to_token_stream().to_string().replace(' ', "");
            let suggestion = closest(&name, &KEYS);
            errors.push(meta.error(format!(
                "unknown key `{name}` in `#[soft_delete(...)]`{}\n\
                 expected one of: a tombstone field (`#[soft_delete(deleted_at)]`), `timestamp = \
                 field`, `flag = field`, `deleted_by = field`, `parent = Model`, `crate = path`",
                did_you_mean(&name, &KEYS)
            )));
            // Read a close misspelling as the key it is close to, so that what it says is not
            // missing too (a parent, the tombstone) and this stays the only error.
            match suggestion {
                Some(key) if meta.input.peek(Token![=]) => key,
                _ => return skip_value(meta),
            }
        }
    };
    match key {
        CRATE => {
            if !meta.input.peek(Token![=]) {
                return Err(meta.error(
                    "expected `crate = path`, e.g. `#[soft_delete(crate = my_soft_delete)]`",
                ));
            }
            let value = meta.value()?;
            let krate = if value.peek(LitStr) {
                value.parse::<LitStr>()?.parse()?
            } else {
                value.parse()?
            };
            set_once(&mut ours.krate, krate, meta, CRATE, errors);
        }
        PARENT => {
            if !meta.input.peek(Token![=]) {
                return Err(
                    meta.error("expected `parent = Model`, e.g. `#[soft_delete(parent = Repo)]`")
                );
            }
            let parent: Path = meta.value()?.parse()?;
            if ours.parents.iter().any(|known| known == &parent) {
                errors.push(meta.error(format!(
                    "duplicate `parent = {}`; name each parent once",
                    parent.to_token_stream()
                )));
            } else {
                ours.parents.push(parent);
            }
        }
        DELETED_BY => {
            let field = field_value(meta, DELETED_BY)?;
            let tokens = quote::quote!(#path = #field);
            set_once(
                &mut ours.deleted_by,
                (field, tokens),
                meta,
                DELETED_BY,
                errors,
            );
        }
        _ => {
            let kind = if key == TIMESTAMP {
                DeclaredKind::Timestamp
            } else {
                DeclaredKind::Flag
            };
            let field = field_value(meta, key)?;
            let tokens = quote::quote!(#path = #field);
            let tombstone = TombstoneAttr {
                kind,
                field,
                tokens,
            };
            set_tombstone(ours, tombstone, meta, errors);
        }
    }
    Ok(())
}

/// `#[soft_delete(field)]`: the tombstone field, its kind following its type.
fn bare_tombstone(
    ours: &mut SoftDeleteAttrs,
    meta: &ParseNestedMeta<'_>,
    errors: &mut Errors,
) -> syn::Result<()> {
    let Some(field) = meta.path.get_ident().cloned() else {
        return Err(meta
            .error("expected the name of the tombstone field, e.g. `#[soft_delete(deleted_at)]`"));
    };
    let tokens = field.to_token_stream();
    let tombstone = TombstoneAttr {
        kind: DeclaredKind::Inferred,
        field,
        tokens,
    };
    set_tombstone(ours, tombstone, meta, errors);
    Ok(())
}

/// `key = field`, with a message that shows the right form.
fn field_value(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<Ident> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format!(
            "expected `{key} = field`, e.g. `#[soft_delete({key} = {})]`",
            example(key)
        )));
    }
    ident_or_string(meta)
}

fn example(key: &str) -> &'static str {
    match key {
        FLAG => "is_deleted",
        DELETED_BY => "deleted_by",
        _ => "deleted_at",
    }
}

/// `= ident` or `= "ident"`.
fn ident_or_string(meta: &ParseNestedMeta<'_>) -> syn::Result<Ident> {
    let value = meta.value()?;
    if !value.peek(LitStr) {
        return Ident::parse_any(value);
    }
    let literal = value.parse::<LitStr>()?;
    let name = literal.value();
    // A keyword such as `"type"` names a field Rust spells `r#type`.
    let parsed = syn::parse_str::<Ident>(&name)
        .or_else(|_| syn::parse_str::<Ident>(&format!("r#{name}")))
        .map_err(|_| syn::Error::new(literal.span(), format!("`{name}` is not a field name")))?;
    let mut ident = parsed;
    ident.set_span(literal.span());
    Ok(ident)
}

/// Keeps the first value of a key given twice, and records the second as an error.
fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    meta: &ParseNestedMeta<'_>,
    key: &str,
    errors: &mut Errors,
) {
    if slot.is_some() {
        errors.push(meta.error(format!("duplicate `{key}`; give it once")));
    } else {
        *slot = Some(value);
    }
}

fn set_tombstone(
    ours: &mut SoftDeleteAttrs,
    tombstone: TombstoneAttr,
    meta: &ParseNestedMeta<'_>,
    errors: &mut Errors,
) {
    if let Some(first) = &ours.tombstone {
        errors.push(meta.error(format!(
            "a model has one tombstone, and `{}` was already named; keep one of them",
            first.tokens
        )));
    } else {
        ours.tombstone = Some(tombstone);
    }
}

/// Consumes the value of a key the derive does not read (`= value` or `(...)`): every token up
/// to the next top-level comma, so types such as `Box<str>` pass through untouched.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
        return Ok(());
    }
    meta.input.step(|cursor| {
        let mut rest = *cursor;
        let mut depth = 0_usize;
        while let Some((tree, next)) = rest.token_tree() {
            if let proc_macro2::TokenTree::Punct(punct) = &tree {
                match punct.as_char() {
                    ',' if depth == 0 => break,
                    '<' => depth += 1,
                    '>' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            rest = next;
        }
        Ok(((), rest))
    })
}

/// "; did you mean `key`?" for the known key closest to a misspelt one, if one is close.
pub(crate) fn did_you_mean(name: &str, keys: &[&str]) -> String {
    closest(name, keys).map_or_else(String::new, |key| format!("; did you mean `{key}`?"))
}

/// The known key closest to a misspelt one, if any is close.
pub(crate) fn closest<'k>(name: &str, keys: &[&'k str]) -> Option<&'k str> {
    keys.iter()
        .map(|key| (distance(name, key), *key))
        .filter(|(distance, key)| *distance <= key.len() / 3 + 1)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, key)| key)
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(current)
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(closest("deleted_bye", &KEYS), Some(DELETED_BY));
        assert_eq!(closest("flg", &KEYS), Some(FLAG));
        assert_eq!(closest("table_name", &KEYS), None);
        assert_eq!(closest("parnet", &KEYS), Some(PARENT));
        assert_eq!(
            did_you_mean("hrad", &["soft", "hard", "keep"]),
            "; did you mean `hard`?"
        );
    }
}
