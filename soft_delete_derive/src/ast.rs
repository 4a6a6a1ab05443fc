//! The model as the derive understands it: fields resolved, Diesel's defaults applied.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident};
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Ident, Path, Type};

use crate::attr::{self, DeclaredKind, TombstoneAttr};
use crate::cascade_attr::{self, EdgeAttr};
use crate::errors::Errors;

/// A field and the column it maps to.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) column: Ident,
    pub(crate) ty: &'a Type,
}

/// A field the user named (or a default picked), with what to point errors at.
pub(crate) struct Named<'a> {
    pub(crate) field: &'a Field<'a>,
    /// Where the name came from: the attribute, or the struct's name for a default.
    pub(crate) origin: TokenStream,
}

/// The tombstone field and how it was declared.
pub(crate) struct TombstoneField<'a> {
    pub(crate) named: Named<'a>,
    pub(crate) declared: DeclaredKind,
}

/// Everything the derive needs to know about the struct.
pub(crate) struct Model<'a> {
    pub(crate) ident: &'a Ident,
    /// The path of the `table!` module: `repos`, or `crate::schema::repos`.
    pub(crate) table: Path,
    /// Its last segment, the table's name in the schema.
    pub(crate) table_name: String,
    /// `None` when no field is the key; an error says why. The first field of a two-column key.
    pub(crate) key: Option<Named<'a>>,
    /// The second field of a two-column key (`#[diesel(primary_key(post_id, tag_id))]`).
    pub(crate) key_second: Option<&'a Field<'a>>,
    /// `None` when no field is the tombstone; an error says why.
    pub(crate) tombstone: Option<TombstoneField<'a>>,
    pub(crate) actor: Option<Named<'a>>,
    /// `#[cascade(...)]` edges, in the order written.
    pub(crate) edges: Vec<Edge>,
    /// `#[soft_delete(parent = P)]` parents.
    pub(crate) parents: Vec<Path>,
    /// `#[diesel(belongs_to(P))]` parents.
    pub(crate) belongs_to: Vec<Path>,
    pub(crate) krate: Path,
    /// Whether the struct has type or lifetime parameters (refused).
    pub(crate) generic: bool,
}

/// A cascade edge, with whether it points back at the model itself.
pub(crate) struct Edge {
    pub(crate) attr: EdgeAttr,
    /// A self-referencing edge (`#[cascade(Self)]` or the struct's own name).
    pub(crate) is_self: bool,
}

/// The default tombstone field.
const DEFAULT_TOMBSTONE: &str = "deleted_at";
/// Diesel's default primary key.
const DEFAULT_KEY: &str = "id";

/// The struct's named fields; `None`, with an error saying what to write instead, for any
/// other shape of item.
pub(crate) fn fields<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Option<Vec<Field<'a>>> {
    let named = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => named,
            Fields::Unnamed(unnamed) => {
                errors.at(
                    unnamed,
                    format!(
                        "SoftDelete needs named fields to find the key and tombstone columns; \
                         write `struct {} {{ id: i32, deleted_at: Option<NaiveDateTime>, .. }}`",
                        input.ident
                    ),
                );
                return None;
            }
            Fields::Unit => {
                errors.at(
                    &input.ident,
                    format!(
                        "SoftDelete cannot be derived for a unit struct: a model needs at least a key \
                         and a tombstone; write `struct {} {{ id: i32, deleted_at: Option<NaiveDateTime> }}`",
                        input.ident
                    ),
                );
                return None;
            }
        },
        Data::Enum(data) => {
            errors.at(
                data.enum_token,
                "SoftDelete can only be derived for a struct with named fields that maps a Diesel \
                 table, not for an enum",
            );
            return None;
        }
        Data::Union(data) => {
            errors.at(
                data.union_token,
                "SoftDelete can only be derived for a struct with named fields that maps a Diesel \
                 table, not for a union",
            );
            return None;
        }
    };
    let fields = named
        .named
        .iter()
        .filter_map(|field| {
            let ident = field.ident.as_ref()?;
            let column = attr::field_column(&field.attrs, errors).unwrap_or_else(|| ident.clone());
            Some(Field {
                ident,
                column,
                ty: &field.ty,
            })
        })
        .collect();
    Some(fields)
}

impl<'a> Model<'a> {
    /// Resolves the attributes against the fields, applying Diesel's and our defaults; what
    /// cannot be resolved is `None`, with an error recorded. Without fields (the item is not a
    /// struct with named fields, which was reported), the key and tombstone are `None` and no
    /// more is said about them.
    pub(crate) fn from_syn(
        input: &'a DeriveInput,
        fields: Option<&'a [Field<'a>]>,
        errors: &mut Errors,
    ) -> Self {
        let generic = !input.generics.params.is_empty();
        if generic {
            errors.at(
                &input.generics,
                "SoftDelete does not support generic models; derive it on a struct without type or \
                 lifetime parameters (the one you load rows into)",
            );
        }
        let (diesel, ours) = attr::struct_attrs(&input.attrs, errors);
        let ident = &input.ident;

        let table = diesel.table_name.unwrap_or_else(|| {
            let inferred = format_ident!(
                "{}",
                infer_table_name(&ident.to_string()),
                span = ident.span()
            );
            Path::from(inferred)
        });
        let table_name = table
            .segments
            .last()
            .map_or_else(String::new, |segment| segment.ident.unraw().to_string());

        let (key, key_second, tombstone, actor) = match fields {
            Some(fields) => {
                let (key, second) = resolve_key(diesel.primary_key, ident, fields, errors);
                (
                    key,
                    second,
                    resolve_tombstone(ours.tombstone, ident, fields, errors),
                    ours.deleted_by.and_then(|(name, origin)| {
                        find(fields, &name, origin, errors, "the actor column")
                    }),
                )
            }
            None => (None, None, None, None),
        };
        let krate = ours
            .krate
            .unwrap_or_else(|| syn::parse_quote!(::soft_delete_core));
        let edges = cascade_attr::cascade_attrs(&input.attrs, errors)
            .into_iter()
            .map(|attr| Edge {
                is_self: attr.child.is_ident("Self") || attr.child.is_ident(ident),
                attr,
            })
            .collect();

        Model {
            ident,
            table,
            table_name,
            key,
            key_second,
            tombstone,
            actor,
            edges,
            parents: ours.parents,
            belongs_to: diesel.belongs_to,
            krate,
            generic,
        }
    }
}

/// The key field: the one whose column `primary_key(...)` names (Diesel names columns there),
/// by default the column `id`; and the second, for a two-column key.
fn resolve_key<'a>(
    primary_key: Option<(Vec<Ident>, TokenStream)>,
    ident: &Ident,
    fields: &'a [Field<'a>],
    errors: &mut Errors,
) -> (Option<Named<'a>>, Option<&'a Field<'a>>) {
    let by_column = |name: &Ident| {
        fields
            .iter()
            .find(|field| field.column.unraw() == name.unraw())
    };
    match primary_key {
        None => {
            let found = by_column(&Ident::new(DEFAULT_KEY, ident.span()));
            if found.is_none() {
                errors.at(
                    ident,
                    format!(
                        "`{ident}` has no column `id`, Diesel's default primary key; add `id: i32` \
                         or name the key column with `#[diesel(primary_key(your_key))]`"
                    ),
                );
            }
            let named = found.map(|field| Named {
                field,
                origin: ident.to_token_stream(),
            });
            (named, None)
        }
        Some((columns, tokens)) => {
            let mut resolve = |name: &Ident| {
                let found = by_column(name);
                if found.is_none() {
                    let known: Vec<String> = fields
                        .iter()
                        .map(|field| format!("`{}`", field.column))
                        .collect();
                    errors.at(
                        &tokens,
                        format!(
                            "no field maps the primary key column `{name}`; the columns are: {}",
                            known.join(", ")
                        ),
                    );
                }
                found
            };
            match columns.as_slice() {
                [single] => {
                    let named = resolve(single).map(|field| Named {
                        field,
                        origin: tokens.clone(),
                    });
                    (named, None)
                }
                [first, second] => {
                    let (first, second) = (resolve(first), resolve(second));
                    let named = first.map(|field| Named {
                        field,
                        origin: tokens.clone(),
                    });
                    (named, second)
                }
                [] => {
                    errors.at(
                        tokens,
                        "`primary_key()` is empty; name the key column: `primary_key(id)`",
                    );
                    (None, None)
                }
                _ => {
                    errors.at(
                        tokens,
                        "SoftDelete supports keys of one or two columns (a join table's \
                         `primary_key(post_id, tag_id)`); add a single-column key (e.g. `id`) and \
                         keep these columns unique with an index",
                    );
                    (None, None)
                }
            }
        }
    }
}

fn resolve_tombstone<'a>(
    declared: Option<TombstoneAttr>,
    ident: &Ident,
    fields: &'a [Field<'a>],
    errors: &mut Errors,
) -> Option<TombstoneField<'a>> {
    if let Some(TombstoneAttr {
        kind,
        field,
        tokens,
    }) = declared
    {
        let named = find(fields, &field, tokens, errors, "the tombstone")?;
        return Some(TombstoneField {
            named,
            declared: kind,
        });
    }
    let Some(field) = fields.iter().find(|field| field.ident == DEFAULT_TOMBSTONE) else {
        errors.at(
            ident,
            format!(
                "`{ident}` has no tombstone: add a field `deleted_at: Option<NaiveDateTime>`, or name \
                 yours with `#[soft_delete(timestamp = removed_at)]` (nullable timestamp) or \
                 `#[soft_delete(flag = is_deleted)]` (bool)"
            ),
        );
        return None;
    };
    Some(TombstoneField {
        named: Named {
            field,
            origin: ident.to_token_stream(),
        },
        declared: DeclaredKind::Inferred,
    })
}

/// The field called `name`, or an error at `origin` listing the fields there are.
fn find<'a>(
    fields: &'a [Field<'a>],
    name: &Ident,
    origin: TokenStream,
    errors: &mut Errors,
    role: &str,
) -> Option<Named<'a>> {
    if let Some(field) = fields.iter().find(|field| field.ident == name) {
        return Some(Named { field, origin });
    }
    let known: Vec<String> = fields
        .iter()
        .map(|field| format!("`{}`", field.ident))
        .collect();
    errors.at(
        origin,
        format!(
            "no field `{name}` for {role}; name one of the struct's fields: {}",
            known.join(", ")
        ),
    );
    None
}

/// Diesel's inferred table name: the struct's name in `snake_case` with an `s`.
fn infer_table_name(name: &str) -> String {
    let mut table = String::with_capacity(name.len() + 4);
    for (index, ch) in name.chars().enumerate() {
        if ch.is_uppercase() {
            if index > 0 {
                table.push('_');
            }
            table.extend(ch.to_lowercase());
        } else {
            table.push(ch);
        }
    }
    table.push('s');
    table
}

#[cfg(test)]
mod tests {
    use super::infer_table_name;

    #[test]
    fn infers_like_diesel() {
        assert_eq!(infer_table_name("Repo"), "repos");
        assert_eq!(infer_table_name("IssueComment"), "issue_comments");
    }
}
