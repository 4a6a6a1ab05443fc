//! Database URLs: which backend a URL names, connecting, and reading the schema.

use soft_delete_core::dialect::catalog::{self, Catalog};
use soft_delete_core::migration::Dialect;

/// The backend a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

/// `postgres://` and `postgresql://` are PostgreSQL, `mysql://` MySQL or MariaDB, anything else
/// a SQLite file.
pub(crate) fn backend_of(url: &str) -> Backend {
    let scheme = url
        .split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("postgres" | "postgresql") => Backend::Postgres,
        Some("mysql") => Backend::Mysql,
        _ => Backend::Sqlite,
    }
}

/// What the command read from a database: its schema, the dialect to write SQL in, and whether
/// the flag ledger's table is there already (the catalog leaves it out).
pub(crate) struct Schema {
    pub(crate) catalog: Catalog,
    pub(crate) dialect: Dialect,
    pub(crate) has_ledger: bool,
}

/// Connects and reads the schema, or says why not.
pub(crate) fn read(url: &str) -> Result<Schema, String> {
    match backend_of(url) {
        Backend::Sqlite => sqlite(url),
        Backend::Postgres => postgres(url),
        Backend::Mysql => mysql(url),
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn read_with<C>(url: &str, shown: &str, dialect: Dialect) -> Result<Schema, String>
where
    C: diesel::connection::LoadConnection,
    C::Backend: soft_delete_core::SupportedBackend,
{
    let mut conn =
        C::establish(url).map_err(|error| format!("cannot connect to {shown}: {error}"))?;
    let catalog = catalog::read(&mut conn)
        .map_err(|error| format!("cannot read the schema of {shown}: {error}"))?;
    let has_ledger = conn
        .batch_execute(&format!(
            "SELECT 1 FROM {} WHERE 1 = 0",
            soft_delete_core::ledger::TABLE
        ))
        .is_ok();
    Ok(Schema {
        catalog,
        dialect,
        has_ledger,
    })
}

/// What a build without `feature` says to a URL that needs it.
#[cfg(not(all(feature = "sqlite", feature = "postgres", feature = "mysql")))]
fn not_built(what: &str, feature: &str) -> String {
    format!(
        "this soft-delete was built without {what} support: rebuild it with `--features \
         {feature}`\n(cargo install soft-delete-audit --features {feature}, or cargo run -p \
         soft-delete-audit --features {feature} -- ...)"
    )
}

#[cfg(feature = "sqlite")]
fn sqlite(url: &str) -> Result<Schema, String> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    // SQLite would create a missing file and find nothing wrong with it.
    if !path.starts_with("file:") && path != ":memory:" && !std::path::Path::new(path).is_file() {
        return Err(format!("no SQLite database file at `{path}`"));
    }
    read_with::<diesel::SqliteConnection>(path, path, Dialect::Sqlite)
}

#[cfg(not(feature = "sqlite"))]
fn sqlite(_: &str) -> Result<Schema, String> {
    Err(not_built("SQLite", "sqlite"))
}

#[cfg(feature = "postgres")]
fn postgres(url: &str) -> Result<Schema, String> {
    read_with::<diesel::PgConnection>(url, &redacted(url), Dialect::Postgres)
}

#[cfg(not(feature = "postgres"))]
fn postgres(_: &str) -> Result<Schema, String> {
    Err(not_built("PostgreSQL", "postgres"))
}

#[cfg(feature = "mysql")]
fn mysql(url: &str) -> Result<Schema, String> {
    read_with::<diesel::MysqlConnection>(url, &redacted(url), Dialect::Mysql)
}

#[cfg(not(feature = "mysql"))]
fn mysql(_: &str) -> Result<Schema, String> {
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
