//! What the example applications share: a `diesel_migrations` source whose steps are written
//! with `soft_delete_core::migration`, so each backend gets its own DDL.

pub mod migrations;
