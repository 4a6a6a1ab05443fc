//! Expansion snapshots: what the derive emits for a few representative models, formatted with
//! `prettyplease` and committed under `snapshots/`, so a reviewer can read the output and a
//! change to it fails here.
//!
//! After a deliberate change, regenerate them and read the diff:
//!
//! ```text
//! SOFT_DELETE_SNAPSHOTS=overwrite cargo test -p soft_delete_derive
//! ```

use std::path::PathBuf;

use quote::quote;

use crate::derive_soft_delete_inner;

const OVERWRITE: &str = "SOFT_DELETE_SNAPSHOTS";

/// Expands `input` and compares it with `snapshots/{name}.rs`.
fn check(name: &str, input: proc_macro2::TokenStream) {
    let output = derive_soft_delete_inner(input);
    let file: syn::File = syn::parse2(output.clone()).unwrap_or_else(|error| {
        panic!("the expansion of `{name}` is not a file ({error}): {output}")
    });
    let expanded = format!(
        "// The expansion of `snapshots::{name}` in soft_delete_derive/src/snapshots.rs.\n\
         // Regenerate with `{OVERWRITE}=overwrite cargo test -p soft_delete_derive`.\n\n{}",
        prettyplease::unparse(&file)
    );
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(format!("{name}.rs"));
    if std::env::var(OVERWRITE).is_ok_and(|value| value == "overwrite") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &expanded).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != expanded {
        let line = committed
            .lines()
            .zip(expanded.lines())
            .position(|(old, new)| old != new)
            .unwrap_or_else(|| committed.lines().count().min(expanded.lines().count()));
        panic!(
            "the expansion of `{name}` differs from {} from line {}:\n  committed: {:?}\n  now:       {:?}\n\
             if the change is meant, run `{OVERWRITE}=overwrite cargo test -p soft_delete_derive` \
             and read the diff",
            path.display(),
            line + 1,
            committed.lines().nth(line).unwrap_or("<end of file>"),
            expanded.lines().nth(line).unwrap_or("<end of file>"),
        );
    }
}

/// The smallest model: a timestamp tombstone found by its default name, no actor, no edges.
#[test]
fn plain() {
    check(
        "plain",
        quote! {
            #[diesel(table_name = repos)]
            pub struct Repo {
                pub id: i32,
                pub slug: String,
                pub deleted_at: Option<NaiveDateTime>,
            }
        },
    );
}

/// An actor column, a renamed tombstone column and a text key.
#[test]
fn actor() {
    check(
        "actor",
        quote! {
            #[diesel(table_name = accounts, primary_key(key))]
            #[soft_delete(timestamp = removed_at, deleted_by = deleted_by)]
            pub struct Account {
                pub key: String,
                #[diesel(column_name = removed)]
                pub removed_at: Option<chrono::DateTime<chrono::Utc>>,
                pub deleted_by: Option<i64>,
            }
        },
    );
}

/// Every kind of edge from one parent: soft, owned, hard, restrict and keep.
#[test]
fn edges() {
    check(
        "edges",
        quote! {
            #[diesel(table_name = repos, belongs_to(Owner))]
            #[soft_delete(parent = Org)]
            #[cascade(Issue, Owner(owned), Webhook(hard), Release(restrict))]
            #[cascade(Fork(keep, foreign_key = forks::upstream_id))]
            pub struct Repo {
                pub id: i32,
                pub owner_id: i32,
                pub deleted_at: Option<NaiveDateTime>,
            }
        },
    );
}

/// A self-referencing tree, with a kept self reference beside it.
#[test]
fn tree() {
    check(
        "tree",
        quote! {
            #[diesel(table_name = comments)]
            #[cascade(Self(foreign_key = comments::parent_id))]
            #[cascade(Self(keep, foreign_key = comments::quoted_id))]
            pub struct Comment {
                pub id: i64,
                pub parent_id: Option<i64>,
                pub quoted_id: Option<i64>,
                pub deleted_at: Option<NaiveDateTime>,
            }
        },
    );
}

/// A boolean tombstone declared as a flag, under a parent.
#[test]
fn flag() {
    check(
        "flag",
        quote! {
            #[diesel(table_name = issue_comments, belongs_to(Issue))]
            #[soft_delete(flag = is_deleted, parent = Issue)]
            pub struct IssueComment {
                pub id: i32,
                pub issue_id: i32,
                pub is_deleted: bool,
            }
        },
    );
}

/// A misspelt key: the error, and the fallback expansion that keeps the model usable.
#[test]
fn fallback() {
    check(
        "fallback",
        quote! {
            #[diesel(table_name = repos)]
            #[soft_delete(deleted_bye = deleted_by)]
            #[cascade(Issue)]
            pub struct Repo {
                pub id: i32,
                pub deleted_at: Option<NaiveDateTime>,
                pub deleted_by: Option<i32>,
            }
        },
    );
}
