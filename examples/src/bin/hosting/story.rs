// The hosting story, included by `main.rs` once per backend with `type Conn`.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use soft_delete_core::{Error, SoftDelete};

diesel::table! {
    merchants (id) {
        id -> Integer,
        name -> Text,
    }
}

diesel::table! {
    stores (id) {
        id -> Integer,
        subdomain -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    hosted_sites (id) {
        id -> Integer,
        merchant_id -> Integer,
        store_id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    store_pages (id) {
        id -> Integer,
        store_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(hosted_sites -> stores (store_id));
diesel::allow_tables_to_appear_in_same_query!(merchants, stores, hosted_sites, store_pages);

/// Shared by many sites; no cascade reaches it.
#[derive(Debug, Queryable, Identifiable)]
#[diesel(table_name = merchants)]
pub struct Merchant {
    pub id: i32,
    pub name: String,
}

/// Owns its store: deleting the site tombstones the store it points at.
#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = hosted_sites, belongs_to(Merchant), belongs_to(Store))]
#[cascade(Store(owned))]
pub struct HostedSite {
    pub id: i32,
    pub merchant_id: i32,
    pub store_id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = stores)]
#[soft_delete(parent = HostedSite)]
#[cascade(StorePage)]
pub struct Store {
    pub id: i32,
    pub subdomain: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = store_pages, belongs_to(Store))]
#[soft_delete(parent = Store)]
pub struct StorePage {
    pub id: i32,
    pub store_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
}

pub(crate) fn run(url: &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let conn = &mut Conn::establish(url)?;
    // Everything the story writes is rolled back at the end, so a shared database is left as
    // it was found.
    conn.begin_test_transaction()?;
    let applied = conn.run_pending_migrations(MIGRATIONS)?;
    println!("migrations applied: {}", applied.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "));

    conn.batch_execute(
        "INSERT INTO merchants (id, name) VALUES (1, 'Acme');
         INSERT INTO stores (id, subdomain) VALUES (10, 'shop');
         INSERT INTO hosted_sites (id, merchant_id, store_id, name) VALUES (100, 1, 10, 'Acme shop');
         INSERT INTO store_pages (id, store_id, title) VALUES (1000, 10, 'Home'), (1001, 10, 'About');",
    )?;
    println!("merchant Acme runs site 100 on store 10 (subdomain `shop`, 2 pages)\n");
    println!("the cascade graph of a hosted site:\n{}", HostedSite::cascade_graph().to_mermaid());

    let report = HostedSite::soft_delete(conn, 100)?;
    println!("delete site 100: {report}");
    let live_stores: i64 = Store::active().count().get_result(conn)?;
    let live_pages: i64 = StorePage::active().count().get_result(conn)?;
    let merchant: Merchant = merchants::table.find(1).first(conn)?;
    println!("live stores: {live_stores}, live pages: {live_pages}; merchant {} is untouched", merchant.name);

    conn.batch_execute(
        "INSERT INTO stores (id, subdomain) VALUES (20, 'shop');
         INSERT INTO hosted_sites (id, merchant_id, store_id, name) VALUES (200, 1, 20, 'Acme shop, again');",
    )?;
    println!("\na new site 200 takes the subdomain `shop` again: the tombstoned store no longer holds it");

    match HostedSite::restore(conn, 100) {
        Err(Error::UniqueConflict { table, constraint, .. }) => {
            println!("restore site 100: refused, `{table}` would hold `shop` twice ({constraint})");
        }
        other => return Err(format!("expected a unique conflict, got {other:?}").into()),
    }
    let site: HostedSite = hosted_sites::table.find(100).first(conn)?;
    println!("site 100 is still deleted (at {:?}); nothing changed", site.deleted_at);

    // Seed 000's bug: a site deleted for real left its store live, holding the subdomain,
    // with nothing owning it.
    let report = HostedSite::hard_delete(conn, 200)?;
    println!("
erase site 200 for real: {report}");
    let store: Store = stores::table.find(20).first(conn)?;
    if store.deleted_at.is_none() {
        return Err("the hard delete left store 20 live with nothing owning it".into());
    }
    println!(
        "store 20 is tombstoned (at {:?}), so `{}` is free again; its own purge removes it",
        store.deleted_at, store.subdomain
    );
    Ok(())
}
