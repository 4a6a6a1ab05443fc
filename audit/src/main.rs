//! `soft-delete-audit`: finds what, in a live database's schema, undoes soft delete.
//!
//! ```text
//! soft-delete-audit <database-url> [--tombstone-column NAME]... [--json]
//! ```
//!
//! It reads the schema the URL leads to and reports, for every table with a tombstone column
//! (`deleted_at` unless `--tombstone-column` names others; repeat it for several):
//!
//! | kind | what it means |
//! |---|---|
//! | `cascading-foreign-key` | an `ON DELETE CASCADE` into a soft-deletable table: a hard delete in disguise |
//! | `child-without-tombstone` | a table that references a soft-deletable one but has no tombstone: it stays visible under a tombstoned parent |
//! | `unique-counts-tombstones` | a unique key that still counts tombstoned rows: "slug already exists" after a delete |
//! | `coarse-tombstone` | a timestamp tombstone keeping fewer than 6 digits of a second (MySQL's plain `DATETIME`): operations in the same second share a stamp, so a restore can bring back what another hid |
//! | `unindexed-tombstone` | a tombstone column no index covers |
//!
//! each with what to write instead. This is `soft_delete_core::audit::audit_schema`; the
//! graph-aware audit, which also knows the models' cascade edges, runs from Rust
//! (`soft_delete_core::audit::audit`).
//!
//! The URL's scheme picks the backend: `postgres://` or `postgresql://` (PostgreSQL, the schema
//! is `current_schema()`: set it with `?options=-csearch_path%3Dmy_schema`), `mysql://` (MySQL
//! or MariaDB, the URL's database), anything else a SQLite file (a path, `sqlite://path`, or a
//! `file:` URI). SQLite is built in; PostgreSQL and MySQL need the client libraries and the
//! features of the same names:
//!
//! ```text
//! cargo run -p soft-delete-audit -- app.sqlite3
//! cargo run -p soft-delete-audit --features postgres -- 'postgres://user@host/db?options=-csearch_path%3Dapp' --json
//! ```
//!
//! Exit status: 0 when no hazard was found, 1 when some were, 2 when the arguments are wrong or
//! the database cannot be read (the message goes to standard error).

use std::process::ExitCode;

use soft_delete_core::audit::catalog::Catalog;
use soft_delete_core::audit::{Options, audit_schema};

const USAGE: &str = "\
usage: soft-delete-audit <database-url> [--tombstone-column NAME]... [--json]

Audits a live database schema for what undoes soft delete: ON DELETE CASCADE into
soft-deletable tables, children without a tombstone, unique keys that count tombstoned
rows, unindexed tombstone columns.

  <database-url>             postgres://... or postgresql://... (PostgreSQL; the schema is
                             current_schema(), e.g. ?options=-csearch_path%3Dapp), mysql://...
                             (MySQL/MariaDB), otherwise a SQLite file: a path, sqlite://path
                             or a file: URI
  --tombstone-column NAME    a column that marks a table soft-deletable; repeat for several
                             (default: deleted_at)
  --json                     print the report as JSON
  -h, --help                 print this help

Exit status: 0 no hazards, 1 hazards found, 2 usage or connection error.";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Audit {
        url: String,
        options: Options,
        json: bool,
    },
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut url = None;
    let mut columns = Vec::new();
    let mut json = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--json" => json = true,
            "--tombstone-column" => match args.next() {
                Some(name) if !name.is_empty() && !name.starts_with("--") => columns.push(name),
                _ => return Err("--tombstone-column needs a column name".to_owned()),
            },
            _ if arg.starts_with("--tombstone-column=") => {
                let name = &arg["--tombstone-column=".len()..];
                if name.is_empty() {
                    return Err("--tombstone-column needs a column name".to_owned());
                }
                columns.push(name.to_owned());
            }
            _ if arg.starts_with('-') && arg.len() > 1 => {
                return Err(format!("unknown option `{arg}`"));
            }
            _ if url.is_some() => return Err(format!("unexpected argument `{arg}`")),
            _ => url = Some(arg),
        }
    }
    let url = url.ok_or("missing <database-url>")?;
    let options = if columns.is_empty() {
        Options::default()
    } else {
        Options::with_tombstone_columns(columns)
    };
    Ok(Command::Audit { url, options, json })
}

fn main() -> ExitCode {
    let (url, options, json) = match parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Audit { url, options, json }) => (url, options, json),
        Err(message) => {
            eprintln!("soft-delete-audit: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let catalog = match read(&url) {
        Ok(catalog) => catalog,
        Err(message) => {
            eprintln!("soft-delete-audit: {message}");
            return ExitCode::from(2);
        }
    };
    let report = audit_schema(&catalog, &options);
    if json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("a report serializes")
        );
    } else {
        print!("{report}");
        println!(
            "{} table(s) read; tombstone column(s): {}",
            catalog.tables.len(),
            options.tombstone_columns.join(", ")
        );
    }
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The backend a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

fn backend_of(url: &str) -> Backend {
    let scheme = url
        .split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("postgres" | "postgresql") => Backend::Postgres,
        Some("mysql") => Backend::Mysql,
        _ => Backend::Sqlite,
    }
}

/// Connects and reads the schema, or says why not.
fn read(url: &str) -> Result<Catalog, String> {
    match backend_of(url) {
        Backend::Sqlite => sqlite(url),
        Backend::Postgres => postgres(url),
        Backend::Mysql => mysql(url),
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn read_with<C>(url: &str, shown: &str) -> Result<Catalog, String>
where
    C: diesel::connection::LoadConnection,
    C::Backend: soft_delete_core::SupportedBackend,
{
    let mut conn =
        C::establish(url).map_err(|error| format!("cannot connect to {shown}: {error}"))?;
    soft_delete_core::audit::catalog::read(&mut conn)
        .map_err(|error| format!("cannot read the schema of {shown}: {error}"))
}

/// What a build without `feature` says to a URL that needs it.
#[cfg(not(all(feature = "sqlite", feature = "postgres", feature = "mysql")))]
fn not_built(what: &str, feature: &str) -> String {
    format!(
        "this soft-delete-audit was built without {what} support: rebuild it with \
         `--features {feature}` (cargo install soft-delete-audit --features {feature}, or \
         cargo run -p soft-delete-audit --features {feature} -- ...)"
    )
}

#[cfg(feature = "sqlite")]
fn sqlite(url: &str) -> Result<Catalog, String> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    // SQLite would create a missing file and find nothing wrong with it.
    if !path.starts_with("file:") && path != ":memory:" && !std::path::Path::new(path).is_file() {
        return Err(format!("no SQLite database file at `{path}`"));
    }
    read_with::<diesel::SqliteConnection>(path, path)
}

#[cfg(not(feature = "sqlite"))]
fn sqlite(_: &str) -> Result<Catalog, String> {
    Err(not_built("SQLite", "sqlite"))
}

#[cfg(feature = "postgres")]
fn postgres(url: &str) -> Result<Catalog, String> {
    read_with::<diesel::PgConnection>(url, &redacted(url))
}

#[cfg(not(feature = "postgres"))]
fn postgres(_: &str) -> Result<Catalog, String> {
    Err(not_built("PostgreSQL", "postgres"))
}

#[cfg(feature = "mysql")]
fn mysql(url: &str) -> Result<Catalog, String> {
    read_with::<diesel::MysqlConnection>(url, &redacted(url))
}

#[cfg(not(feature = "mysql"))]
fn mysql(_: &str) -> Result<Catalog, String> {
    Err(not_built("MySQL", "mysql"))
}

/// `url` without its password, to print.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{path}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn arguments() {
        assert_eq!(parse(args("--help x")), Ok(Command::Help));
        assert_eq!(
            parse(args(
                "db.sqlite3 --tombstone-column is_deleted --tombstone-column=removed_at --json"
            )),
            Ok(Command::Audit {
                url: "db.sqlite3".to_owned(),
                options: Options::with_tombstone_columns(["is_deleted", "removed_at"]),
                json: true,
            })
        );
        assert!(parse(args("")).unwrap_err().contains("missing"));
        assert!(parse(args("a b")).unwrap_err().contains("unexpected"));
        assert!(parse(args("a --tombstone-column")).is_err());
        assert!(
            parse(args("a --verbose"))
                .unwrap_err()
                .contains("--verbose")
        );
    }

    #[test]
    fn schemes() {
        assert_eq!(backend_of("postgresql://h/db"), Backend::Postgres);
        assert_eq!(backend_of("POSTGRES://h/db"), Backend::Postgres);
        assert_eq!(backend_of("mysql://root@h/db"), Backend::Mysql);
        assert_eq!(backend_of("sqlite://app.db"), Backend::Sqlite);
        assert_eq!(backend_of("./app.db"), Backend::Sqlite);
    }

    #[cfg(any(feature = "postgres", feature = "mysql"))]
    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redacted("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redacted("mysql://root@h/db"), "mysql://root@h/db");
    }
}
