//! A migration source for `diesel_migrations` built from functions instead of `.sql` files:
//! the crate's migration helpers write each step's DDL for the backend it runs on.
//!
//! ```
//! use diesel::Connection;
//! use diesel_migrations::MigrationHarness;
//! use soft_delete_examples::migrations::{Schema, Step};
//!
//! let conn = &mut diesel::SqliteConnection::establish(":memory:").unwrap();
//! let schema = Schema::new(vec![Step::new("2026112300", "tags", |_| "CREATE TABLE tags (id INTEGER PRIMARY KEY)".into())]);
//! conn.run_pending_migrations(schema).unwrap();
//! ```

use std::fmt;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::connection::BoxableConnection;
use diesel::migration::{
    Migration, MigrationMetadata, MigrationName, MigrationSource, MigrationVersion,
};

/// Which backend a step writes DDL for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Runs `ddl` with the backend type of `dialect`: the crate's migration helpers are generic
/// over the backend, the steps choose it at run time.
#[macro_export]
macro_rules! for_dialect {
    ($dialect:expr, |$db:ident| $ddl:expr) => {
        match $dialect {
            $crate::migrations::Dialect::Sqlite => {
                type $db = ::diesel::sqlite::Sqlite;
                $ddl
            }
            #[cfg(feature = "postgres")]
            $crate::migrations::Dialect::Postgres => {
                type $db = ::diesel::pg::Pg;
                $ddl
            }
            #[cfg(not(feature = "postgres"))]
            $crate::migrations::Dialect::Postgres => {
                unreachable!("PostgreSQL needs the `postgres` feature")
            }
        }
    };
}

/// One migration: a version, a name, and the DDL for a dialect.
#[derive(Clone)]
pub struct Step {
    version: &'static str,
    name: String,
    up: fn(Dialect) -> String,
}

impl Step {
    /// A step named `version_name` whose DDL `up` writes for the dialect at hand.
    #[must_use]
    pub fn new(version: &'static str, name: &str, up: fn(Dialect) -> String) -> Self {
        Step {
            version,
            name: format!("{version}_{name}"),
            up,
        }
    }
}

/// The steps, in order, for backend `DB`.
pub struct Schema<DB> {
    steps: Vec<Step>,
    backend: PhantomData<fn() -> DB>,
}

impl<DB> Schema<DB> {
    /// A source of `steps`.
    #[must_use]
    pub fn new(steps: Vec<Step>) -> Self {
        Schema {
            steps,
            backend: PhantomData,
        }
    }
}

/// The dialect of backend `DB`.
pub trait HasDialect {
    /// Its dialect.
    const DIALECT: Dialect;
}

impl HasDialect for diesel::sqlite::Sqlite {
    const DIALECT: Dialect = Dialect::Sqlite;
}

#[cfg(feature = "postgres")]
impl HasDialect for diesel::pg::Pg {
    const DIALECT: Dialect = Dialect::Postgres;
}

struct Run<DB> {
    step: Step,
    name: Name,
    backend: PhantomData<fn() -> DB>,
}

struct Name(String, &'static str);

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl MigrationName for Name {
    fn version(&self) -> MigrationVersion<'_> {
        MigrationVersion::from(self.1)
    }
}

impl MigrationMetadata for Name {}

impl<DB: Backend + HasDialect> Migration<DB> for Run<DB> {
    fn run(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        conn.batch_execute(&(self.step.up)(DB::DIALECT))?;
        Ok(())
    }

    fn revert(&self, _conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        Err("the examples' migrations only go forward".into())
    }

    fn metadata(&self) -> &dyn MigrationMetadata {
        &self.name
    }

    fn name(&self) -> &dyn MigrationName {
        &self.name
    }
}

impl<DB: Backend + HasDialect + 'static> MigrationSource<DB> for Schema<DB> {
    fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<DB>>>> {
        Ok(self
            .steps
            .iter()
            .map(|step| {
                Box::new(Run::<DB> {
                    step: step.clone(),
                    name: Name(step.name.clone(), step.version),
                    backend: PhantomData,
                }) as Box<dyn Migration<DB>>
            })
            .collect())
    }
}
