//! Where the API keeps its rows, and what every connection to them runs first. A pool needs
//! every connection to reach the same data, which an in-memory SQLite database cannot give; an
//! example run against a shared PostgreSQL server should leave it as it found it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::{Connection, ConnectionError, ConnectionResult};

/// The API's database: a URL, the statements each new connection runs, and what to remove
/// when the example is done with it ([`Database::tear_down`]).
#[derive(Debug)]
pub struct Database {
    url: String,
    setup: String,
    scratch: Scratch,
}

/// What the example created for itself.
#[derive(Debug)]
enum Scratch {
    /// Nothing: the database is the caller's, and stays.
    Kept,
    /// A SQLite file in the temporary directory.
    File(PathBuf),
    /// A PostgreSQL schema, created before the migrations run.
    Schema(String),
}

/// A name no other database of this process, or of another process, has taken.
fn scratch_name() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("code_hosting_{}_{nanos}_{n}", std::process::id())
}

impl Database {
    /// The SQLite database at `path`; for `:memory:` (or nothing), a new file in the temporary
    /// directory, removed by [`tear_down`](Self::tear_down). Every connection runs in WAL mode
    /// (readers do not wait for the writer), waits up to 30 s for a lock held by another, and
    /// checks foreign keys.
    ///
    /// ```
    /// let database = soft_delete_examples::code_hosting::Database::sqlite(":memory:");
    /// assert!(database.url().ends_with(".db"));
    /// database.tear_down::<diesel::SqliteConnection>().unwrap();
    /// ```
    #[must_use]
    pub fn sqlite(path: &str) -> Self {
        let (url, scratch) = if path.is_empty() || path == ":memory:" {
            let file = std::env::temp_dir().join(format!("{}.db", scratch_name()));
            (file.display().to_string(), Scratch::File(file))
        } else {
            (path.to_owned(), Scratch::Kept)
        };
        Database {
            url,
            setup: "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000; \
                    PRAGMA foreign_keys = ON;"
                .to_owned(),
            scratch,
        }
    }

    /// A schema of its own on the PostgreSQL server at `url`, created by
    /// [`prepare`](Self::prepare) and dropped by [`tear_down`](Self::tear_down); every
    /// connection sets its `search_path` to it.
    ///
    /// ```
    /// let database = soft_delete_examples::code_hosting::Database::postgres("postgres://db/app");
    /// assert_eq!(database.url(), "postgres://db/app");
    /// ```
    #[must_use]
    pub fn postgres(url: &str) -> Self {
        let schema = scratch_name();
        Database {
            url: url.to_owned(),
            setup: format!("SET search_path TO \"{schema}\""),
            scratch: Scratch::Schema(schema),
        }
    }

    /// Where the connections go.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// What every new connection runs before it is used.
    #[must_use]
    pub fn setup(&self) -> &str {
        &self.setup
    }

    /// Creates what the database needs before its first migration (the PostgreSQL schema) and
    /// returns a blocking connection set up like every other.
    ///
    /// # Errors
    /// If the database is unreachable or refuses the setup.
    pub fn prepare<C: Connection>(&self) -> ConnectionResult<C> {
        if let Scratch::Schema(schema) = &self.scratch {
            C::establish(&self.url)?
                .batch_execute(&format!("CREATE SCHEMA \"{schema}\""))
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
        }
        self.connect()
    }

    /// A blocking connection, set up like the pool's: for migrations, and for a test or a
    /// walk-through to look at the rows themselves.
    ///
    /// # Errors
    /// If the database is unreachable or refuses the setup.
    pub fn connect<C: Connection>(&self) -> ConnectionResult<C> {
        let mut conn = C::establish(&self.url)?;
        conn.batch_execute(&self.setup)
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
        Ok(conn)
    }

    /// Removes what the example created: the temporary SQLite file (with its WAL files) or the
    /// PostgreSQL schema. A database the caller named is left as it is.
    ///
    /// # Errors
    /// If the schema cannot be dropped or the file removed.
    pub fn tear_down<C: Connection>(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        match &self.scratch {
            Scratch::Kept => {}
            Scratch::File(file) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut path = file.clone().into_os_string();
                    path.push(suffix);
                    match std::fs::remove_file(&path) {
                        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                            return Err(error.into());
                        }
                        _ => {}
                    }
                }
            }
            Scratch::Schema(schema) => {
                C::establish(&self.url)?.batch_execute(&format!(
                    "SET client_min_messages = warning; DROP SCHEMA \"{schema}\" CASCADE"
                ))?;
            }
        }
        Ok(())
    }
}
