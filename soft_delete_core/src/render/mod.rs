//! A model's facts as SQL on one backend. Nothing here decides what an operation does; it
//! says how each fact reads in SQL, so the engine above writes every statement from these.
//!
//! | module | what it renders |
//! |---|---|
//! | [`key`] | a primary key's columns, the conditions that pick rows by key, reading keys back |
//! | [`model`] | a model's table, key, tombstone conditions, `SET` lists |
//! | [`tombstone`] | a tombstone's values and comparisons; how a lookup says a row stands |
//! | [`actor`] | an actor column's values |
//! | [`rowset`] | sets of rows as `WHERE` conditions: roots, linked children, subtrees |
//! | `statements` | count, update, delete, lock over a set; rows that reference a set |
//! | `ledger` | the flag ledger's statements |

pub mod actor;
pub mod key;
pub(crate) mod ledger;
pub mod model;
pub mod rowset;
pub(crate) mod statements;
pub mod tombstone;

pub use actor::{ActorBinder, ActorOn, Assignment};
pub use model::ModelOn;
pub use rowset::{LinkColumns, ParentJoin, RowSet, State};
pub use tombstone::{Found, TombstoneOn};
