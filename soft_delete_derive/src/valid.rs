//! Checks the kinds and types of the fields the model names.

use quote::ToTokens;
use syn::Type;

use crate::ast::Model;
use crate::attr::DeclaredKind;
use crate::cascade_attr::EdgePolicy;
use crate::errors::Errors;
use crate::types::{is_bool, option_inner, stamp_type};

/// The tombstone, once its type is known.
pub(crate) enum TombstoneShape<'a> {
    /// `Option<T>` with `T` a timestamp.
    Timestamp { inner: &'a Type },
    /// `bool`.
    Flag,
}

/// What the checks learnt: the types the expansion names.
pub(crate) struct Shape<'a> {
    pub(crate) tombstone: TombstoneShape<'a>,
    /// `T` of the actor's `Option<T>`.
    pub(crate) actor: Option<&'a Type>,
}

const TIMESTAMP_TYPES: &str = "`Option<NaiveDateTime>` or `Option<DateTime<Utc>>`";

/// Checks the model; every problem is recorded, and `None` returned if there was any.
pub(crate) fn check<'a>(model: &Model<'a>, errors: &mut Errors) -> Option<Shape<'a>> {
    let tombstone = check_tombstone(model, errors);
    let actor = check_actor(model, errors);
    check_distinct(model, errors);
    check_edges(model, errors);
    check_parents(model, errors);
    Some(Shape {
        tombstone: tombstone?,
        actor: actor.ok()?,
    })
}

fn check_tombstone<'a>(model: &Model<'a>, errors: &mut Errors) -> Option<TombstoneShape<'a>> {
    let field = model.tombstone.named.field;
    let name = field.ident;
    let ty = field.ty;
    let timestamp = option_inner(ty).filter(|inner| stamp_type(inner).is_some());
    let shape = match (model.tombstone.declared, timestamp) {
        (DeclaredKind::Timestamp | DeclaredKind::Inferred, Some(inner)) => {
            TombstoneShape::Timestamp { inner }
        }
        (DeclaredKind::Flag | DeclaredKind::Inferred, None) if is_bool(ty) => TombstoneShape::Flag,
        (DeclaredKind::Timestamp, None) => {
            let hint = if is_bool(ty) {
                format!("; for a boolean tombstone write `#[soft_delete(flag = {name})]`")
            } else {
                String::new()
            };
            errors.at(
                ty,
                format!(
                    "a timestamp tombstone must be {TIMESTAMP_TYPES}, found `{}`{hint}",
                    text(ty)
                ),
            );
            return None;
        }
        (DeclaredKind::Flag, _) => {
            let hint = if timestamp.is_some() {
                format!("; for a timestamp tombstone write `#[soft_delete(timestamp = {name})]`")
            } else if option_inner(ty).is_some_and(is_bool) {
                "; a nullable flag cannot tell live from unknown, make the column `NOT NULL DEFAULT FALSE`".to_owned()
            } else {
                String::new()
            };
            errors.at(
                ty,
                format!(
                    "a flag tombstone must be `bool`, found `{}`{hint}",
                    text(ty)
                ),
            );
            return None;
        }
        (DeclaredKind::Inferred, None) => {
            let hint = if option_inner(ty).is_none() && stamp_type(ty).is_some() {
                format!(
                    "; a live row has no deletion time, so make it `Option<{}>`",
                    text(ty)
                )
            } else {
                String::new()
            };
            errors.at(
                ty,
                format!(
                    "the tombstone `{name}` must be {TIMESTAMP_TYPES} (a nullable timestamp) or `bool` \
                     (a flag), found `{}`{hint}",
                    text(ty)
                ),
            );
            return None;
        }
    };
    Some(shape)
}

/// `Ok(None)` without an actor, `Ok(Some(T))` with a valid one, `Err` after an error.
fn check_actor<'a>(model: &Model<'a>, errors: &mut Errors) -> Result<Option<&'a Type>, ()> {
    let Some(actor) = &model.actor else {
        return Ok(None);
    };
    let ty = actor.field.ty;
    if let Some(inner) = option_inner(ty) {
        return Ok(Some(inner));
    }
    errors.at(
        ty,
        format!(
            "the actor column `{}` must be an `Option<_>`: it is NULL while the row is live; \
             write `Option<{}>`",
            actor.field.ident,
            text(ty)
        ),
    );
    Err(())
}

fn check_distinct(model: &Model<'_>, errors: &mut Errors) {
    let key = model.key.field.ident;
    let tombstone = &model.tombstone.named;
    if tombstone.field.ident == key {
        errors.at(
            &tombstone.origin,
            format!("`{key}` is the primary key and cannot also be the tombstone"),
        );
    }
    if let Some(actor) = &model.actor {
        if actor.field.ident == key {
            errors.at(
                &actor.origin,
                format!("`{key}` is the primary key and cannot also be the actor column"),
            );
        } else if actor.field.ident == tombstone.field.ident {
            errors.at(
                &actor.origin,
                format!(
                    "`{}` is the tombstone and cannot also be the actor column; the actor needs a \
                     column of its own, e.g. `deleted_by: Option<i32>`",
                    actor.field.ident
                ),
            );
        }
    }
}

fn text(ty: &Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" :: ", "::")
        .replace(":: ", "::")
}

fn check_edges(model: &Model<'_>, errors: &mut Errors) {
    let mut seen: Vec<String> = Vec::new();
    for edge in &model.edges {
        let attr = &edge.attr;
        let child = attr.child.to_token_stream().to_string();
        // A kept reference does nothing to the rows, so it may sit beside the edge that does,
        // through another column (`posts.author_id` soft, `posts.deleted_by` kept).
        let key = if attr.policy == EdgePolicy::Keep {
            let column = attr.foreign_key.as_ref().map(ToTokens::to_token_stream);
            format!("{child} keep {}", column.unwrap_or_default())
        } else {
            child.clone()
        };
        if seen.contains(&key) {
            errors.at(
                &attr.tokens,
                format!(
                    "`{child}` is already a cascade edge of `{}`; give each child once",
                    model.ident
                ),
            );
        }
        seen.push(key);
        if edge.is_self {
            if let Some(policy) = attr
                .policy_tokens
                .as_ref()
                .filter(|_| matches!(attr.policy, EdgePolicy::Hard | EdgePolicy::Restrict))
            {
                errors.at(
                    policy,
                    "a self edge tombstones the whole subtree and restores it, or with `keep` leaves \
                     the rows that point at a deleted row alone; it cannot be `hard` or `restrict`",
                );
            }
            if let Some(owned) = &attr.owned {
                errors.at(
                    owned,
                    "a self edge follows the child's own column to its parent; drop `owned`",
                );
            }
        } else if let (Some(owned), EdgePolicy::Hard | EdgePolicy::Restrict | EdgePolicy::Keep) =
            (&attr.owned, attr.policy)
        {
            errors.at(
                owned,
                format!(
                    "an owned record is soft deleted and restored with its owner; drop `owned` to \
                     {} rows of `{child}` that reference `{}`",
                    match attr.policy {
                        EdgePolicy::Hard => "delete",
                        EdgePolicy::Restrict => "refuse while there are",
                        _ => "keep",
                    },
                    model.ident
                ),
            );
        }
    }
}

fn check_parents(model: &Model<'_>, errors: &mut Errors) {
    for parent in &model.parents {
        if parent.is_ident("Self") || parent.is_ident(model.ident) {
            errors.at(
                parent,
                format!(
                    "`{}` is its own parent only through a self edge: write \
                     `#[cascade(Self(foreign_key = table::parent_id))]` instead",
                    model.ident
                ),
            );
        }
    }
}
