//! What the example applications share: a `diesel_migrations` source whose steps are written
//! with `soft_delete_core::migration`, so each backend gets its own DDL, and the code-hosting
//! HTTP API (its binary serves it, its end-to-end test drives it).

pub mod code_hosting;
pub mod migrations;
