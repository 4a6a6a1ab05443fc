//! Checks what the derive can judge from the attributes alone: distinct roles for the fields,
//! edges that make sense, no model its own parent.
//!
//! The fields' types are not judged here: a proc macro sees tokens, not types, so a type alias
//! would fool it. The expansion names each field's type through a trait of the core instead
//! (`TombstoneField`, `ActorField`), and the compiler reports a wrong type at the field.

use quote::ToTokens;

use crate::ast::Model;
use crate::attr::DeclaredKind;
use crate::cascade_attr::EdgePolicy;
use crate::errors::Errors;

/// Checks the model; every problem is recorded.
pub(crate) fn check(model: &Model<'_>, errors: &mut Errors) {
    check_distinct(model, errors);
    check_edges(model, errors);
    check_parents(model, errors);
    check_pair_key(model, errors);
}

/// A two-column key (a soft join table): a child of its parents, never a cascade's parent, with
/// a timestamp tombstone (the flag ledger records one key column).
fn check_pair_key(model: &Model<'_>, errors: &mut Errors) {
    let (Some(key), Some(second)) = (&model.key, model.key_second) else {
        return;
    };
    let name = model.ident;
    for edge in &model.edges {
        errors.at(
            &edge.attr.tokens,
            format!(
                "`{name}` has a two-column key, so no cascade starts from it: a child would \
                 reference both columns. A join table is a cascade's child: name it in each \
                 parent's `#[cascade(...)]` and `#[soft_delete(parent = ...)]` here"
            ),
        );
    }
    if let Some(tombstone) = model
        .tombstone
        .as_ref()
        .filter(|tombstone| tombstone.declared == DeclaredKind::Flag)
    {
        errors.at(
            &tombstone.named.origin,
            format!(
                "`{name}` has a two-column key (`{}`, `{}`), which needs a timestamp tombstone \
                 (`deleted_at: Option<NaiveDateTime>`): a flag's stamps are recorded by one key \
                 column",
                key.field.column, second.column
            ),
        );
    }
}

fn check_distinct(model: &Model<'_>, errors: &mut Errors) {
    let key = model.key.as_ref().map(|key| key.field.ident);
    let tombstone = model.tombstone.as_ref().map(|tombstone| &tombstone.named);
    if let (Some(key), Some(tombstone)) = (key, tombstone)
        && tombstone.field.ident == key
    {
        errors.at(
            &tombstone.origin,
            format!("`{key}` is the primary key and cannot also be the tombstone"),
        );
    }
    if let Some(actor) = &model.actor {
        if Some(actor.field.ident) == key {
            errors.at(
                &actor.origin,
                format!(
                    "`{}` is the primary key and cannot also be the actor column",
                    actor.field.ident
                ),
            );
        } else if tombstone.is_some_and(|tombstone| actor.field.ident == tombstone.field.ident) {
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
            if let Some(policy) = attr.policy_tokens.as_ref().filter(|_| {
                matches!(
                    attr.policy,
                    EdgePolicy::Hard | EdgePolicy::Restrict | EdgePolicy::WithParent
                )
            }) {
                errors.at(
                    policy,
                    "a self edge tombstones the whole subtree and restores it, or with `keep` leaves \
                     the rows that point at a deleted row alone; it cannot be `hard`, `restrict` or \
                     `with_parent`",
                );
            }
            if let Some(owned) = &attr.owned {
                errors.at(
                    owned,
                    "a self edge follows the child's own column to its parent; drop `owned`",
                );
            }
        } else if let (
            Some(owned),
            EdgePolicy::Hard | EdgePolicy::Restrict | EdgePolicy::Keep | EdgePolicy::WithParent,
        ) = (&attr.owned, attr.policy)
        {
            errors.at(
                owned,
                format!(
                    "an owned record is soft deleted and restored with its owner; drop `owned` to \
                     {} rows of `{child}` that reference `{}`",
                    match attr.policy {
                        EdgePolicy::Hard => "delete",
                        EdgePolicy::Restrict => "refuse while there are",
                        EdgePolicy::WithParent => "purge with it the",
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
