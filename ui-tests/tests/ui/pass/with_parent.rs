#![deny(warnings)]

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    domains (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    dns_records (id) {
        id -> Integer,
        domain_id -> Integer,
    }
}

diesel::table! {
    #[sql_name = "Domain Notes"]
    domain_notes (id) {
        id -> Integer,
        owner_id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(domains, dns_records, domain_notes);

// A domain's DNS records live and die with it; its notes (a table whose SQL name differs
// from its Rust one) too, through a column `belongs_to` does not name.
#[derive(Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = domains)]
#[cascade(DnsRecord(with_parent), Note(with_parent, foreign_key = domain_notes::owner_id))]
struct Domain {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations)]
#[diesel(table_name = dns_records, belongs_to(Domain))]
struct DnsRecord {
    id: i32,
    domain_id: i32,
}

#[derive(Queryable, Identifiable)]
#[diesel(table_name = domain_notes)]
struct Note {
    id: i32,
    owner_id: i32,
}

fn main() {
    let graph = Domain::cascade_graph().to_mermaid();
    assert!(graph.contains("domains -->|\"with_parent (domain_id)\"| dns_records"), "{graph}");
    assert!(graph.contains("domains -->|\"with_parent (owner_id)\"| Domain_Notes"), "{graph}");
    assert!(graph.contains("Domain_Notes[\"Domain Notes\"]"), "{graph}");
    let _ = |record: DnsRecord, note: Note| (record.id, record.domain_id, note.id, note.owner_id);
}
