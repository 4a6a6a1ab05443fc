// The behaviour suite. Each file in `tests/` includes this inside a module that defines:
//   type Conn        the backend's connection type
//   type Db          the backend
//   type TimestampTz the SQL type of a `DateTime<Utc>` column on that backend
//   fn connect() -> TestDb<Conn>, a guard that derefs to a connection with the suite's schema
//     and nothing else, in a namespace of the test's own that it removes when the test ends
//     (tests say `let mut db = connect(); let conn = &mut *db;`)
//   const TRUE: &str, the literal `true` in this backend's SQL
//   const FAIL_ON_REPO_TOMBSTONE: &str, DDL for a trigger that fails when a hub_repos row is
//     tombstoned, so a cascade can fail part-way
//   macro with_utc_timestamps! { items }, which keeps its items where Diesel maps
//     `DateTime<Utc>` to TimestampTz and drops them where it maps nothing (MySQL)
// so every test body below runs on every backend with concrete types.

/// Turns SQLite's foreign-key enforcement off (the servers keep theirs): the checks a purge or
/// hard delete makes read the catalog, so they must hold where the database enforces nothing.
fn foreign_keys_unenforced(conn: &mut Conn) {
    use diesel::connection::SimpleConnection;
    if std::any::type_name::<Db>().ends_with("Sqlite") {
        conn.batch_execute("PRAGMA foreign_keys = OFF").unwrap();
    }
}

/// The table, what references it, and the rows counted, of an `Error::Referenced`; panics on
/// any other result.
#[track_caller]
fn referenced(error: &soft_delete_core::Error) -> (&str, &str, u64) {
    match error {
        soft_delete_core::Error::Referenced {
            table,
            referenced_by,
            rows,
            ..
        } => (table, referenced_by, *rows),
        other => panic!("expected Referenced, got {other:?}"),
    }
}

/// Records the SQL text of every statement `conn` sends from now on, until its instrumentation
/// is replaced.
fn record_statements(conn: &mut Conn) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use diesel::connection::{Connection as _, InstrumentationEvent};
    let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&sent);
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            log.lock().unwrap().push(query.to_string());
        }
    });
    sent
}

/// Whether this backend writes a parent's children joined to the parent (MySQL, MariaDB).
fn joins_in_writes() -> bool {
    <Db as soft_delete_core::SupportedBackend>::JOIN_IN_WRITES
}

/// Whether the backend is given a small set of keys as `= ANY(ARRAY(subquery))` (PostgreSQL).
fn keys_as_array() -> bool {
    <Db as soft_delete_core::SupportedBackend>::KEYS_AS_ARRAY
}

mod schema {
    use super::TimestampTz;

    include!("schema.rs");
}

mod cascade_schema {
    include!("cascade_schema.rs");
}

mod audit {
    use super::cascade_schema::*;
    use super::{Db, connect};

    include!("audit.rs");
}

mod cascade {
    use super::cascade_schema::*;
    use super::connect;
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    include!("cascade.rs");
}

mod lifecycle {
    use super::cascade::{code_hosting, commute, hosting, live_comments, thread};
    use super::cascade_schema::*;
    use super::connect;
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    include!("lifecycle.rs");
}

mod purge_shapes {
    use super::cascade::{code_hosting, live_comments};
    use super::cascade_schema::*;
    use super::connect;
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    include!("purge_shapes.rs");
}

mod restores {
    use super::cascade::{code_hosting, live_comments, thread};
    use super::cascade_schema::*;
    use super::connect;
    use diesel::prelude::*;

    include!("restores.rs");
}

mod join_tables {
    use super::{Db, connect};

    include!("join_tables.rs");
}

mod policies {
    use super::{Db, connect, foreign_keys_unenforced, referenced};

    include!("policies.rs");
}

mod long_keys {
    use super::{Db, connect};

    include!("long_keys.rs");
}

mod names {
    use super::{Db, connect, foreign_keys_unenforced, referenced};

    include!("names.rs");
}

mod migration {
    use super::connect;

    include!("migration.rs");
}

mod scopes {
    use super::schema::*;
    use super::{Db, connect};
    use diesel::prelude::*;

    include!("scopes.rs");
}

mod operations {
    use super::connect;
    use super::schema::*;
    use diesel::prelude::*;

    include!("operations.rs");
}

mod leak {
    use super::cascade_schema::*;
    use super::connect;
    use diesel::prelude::*;

    include!("leak.rs");
}

// The optional features, each with the backend's cascade fixture (tests named `<feature>_...`,
// so `cargo test ... -- feature_` runs them alone).
#[cfg(feature = "serde")]
mod feature_serde {
    use super::cascade::code_hosting;
    use super::cascade_schema::*;
    use super::connect;

    include!("feature_serde.rs");
}

#[cfg(feature = "time")]
mod feature_time {
    use super::{TimestampTz, connect};

    include!("feature_time.rs");
}

#[cfg(feature = "tracing")]
mod feature_tracing {
    use super::cascade::code_hosting;
    use super::cascade_schema::*;
    use super::connect;

    include!("feature_tracing.rs");
}

mod leak_corpus {
    use super::{Db, connect};

    include!("leak_corpus.rs");
}
