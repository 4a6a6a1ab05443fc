//! Fixtures for the behaviour suite: the schema's DDL per backend and connections to run it on.
//!
//! The test bodies live in `suite/` and are included once per backend by the files in `tests/`,
//! so the same bodies run on every backend with that backend's concrete connection type.

#[cfg(feature = "async")]
pub mod asynchronous;
pub mod fixture;
#[cfg(feature = "tracing")]
pub mod spans;
