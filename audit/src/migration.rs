//! `soft-delete migration`: a [`Plan`] filled from the live schema of the tables asked for.

use soft_delete_core::dialect::catalog::Catalog;
use soft_delete_core::migration::{Plan, TablePlan, Tombstone};

/// One `--table TABLE[:COLUMN[:flag]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableArg {
    pub(crate) table: String,
    pub(crate) column: String,
    pub(crate) flag: bool,
}

/// Parses `TABLE[:COLUMN[:flag|timestamp]]`; the column is `deleted_at` by default.
pub(crate) fn table_arg(text: &str) -> Result<TableArg, String> {
    let mut parts = text.split(':');
    let table = parts.next().unwrap_or_default();
    let column = parts.next().unwrap_or("deleted_at");
    let flag = match parts.next() {
        None | Some("timestamp") => false,
        Some("flag") => true,
        Some(other) => return Err(format!("flag or timestamp, not `{other}`")),
    };
    if table.is_empty() || column.is_empty() || parts.next().is_some() {
        return Err("expected TABLE[:COLUMN[:flag]]".to_owned());
    }
    Ok(TableArg {
        table: table.to_owned(),
        column: column.to_owned(),
        flag,
    })
}

/// Parses `COLUMN:SQLTYPE` (`deleted_by:BIGINT`).
pub(crate) fn actor_arg(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((column, sql_type)) if !column.is_empty() && !sql_type.trim().is_empty() => {
            Ok((column.to_owned(), sql_type.trim().to_owned()))
        }
        _ => Err("expected COLUMN:SQLTYPE".to_owned()),
    }
}

/// The plan that makes `tables` soft-deletable in `catalog`: each table's tombstone, the actor
/// column if asked, each unique key (not the primary key) replaced by one over live rows, and
/// the flag ledger if a table is a flag and the database has no ledger yet.
pub(crate) fn plan(
    catalog: &Catalog,
    tables: &[TableArg],
    actor: Option<&(String, String)>,
    has_ledger: bool,
) -> Result<Plan, String> {
    let mut plan = Plan::new();
    for arg in tables {
        let table = catalog
            .table(&arg.table)
            .ok_or_else(|| format!("the schema has no table `{}`", arg.table))?;
        let mut new_columns = vec![arg.column.as_str()];
        new_columns.extend(actor.map(|(column, _)| column.as_str()));
        for column in new_columns {
            if table.column(column).is_some() {
                return Err(format!("`{}` already has a column `{column}`", table.name));
            }
        }
        let tombstone = if arg.flag {
            Tombstone::Flag(&arg.column)
        } else {
            Tombstone::Timestamp(&arg.column)
        };
        let mut change = TablePlan::new(&table.name, tombstone);
        if let Some((column, sql_type)) = actor {
            change = change.actor(column, sql_type);
        }
        for index in table.indexes.iter().filter(|i| i.unique && !i.primary) {
            if index.name.starts_with("sqlite_autoindex_") {
                return Err(format!(
                    "`{}` has a UNIQUE constraint declared in its CREATE TABLE ({}), which SQLite \
                     cannot drop: rebuild the table with a unique index instead, then run this \
                     again",
                    table.name,
                    index.columns.join(", ")
                ));
            }
            if index.predicate.is_some() {
                return Err(format!(
                    "unique index `{}` on `{}` is already partial: rewrite it by hand",
                    index.name, table.name
                ));
            }
            let columns: Vec<&str> = index.columns.iter().map(String::as_str).collect();
            if let Some(part) = columns.iter().find(|c| table.column(c).is_none()) {
                return Err(format!(
                    "unique index `{}` on `{}` has an expression key part `{part}`: rewrite it \
                     by hand",
                    index.name, table.name
                ));
            }
            change = change.unique_key(&index.name, &columns);
        }
        plan = plan.table(change);
    }
    let flags = tables.iter().any(|arg| arg.flag);
    Ok(plan.ledger(flags && !has_ledger))
}

/// The migration's default name: `soft_delete_` and the tables.
pub(crate) fn default_name(tables: &[TableArg]) -> String {
    let names: Vec<&str> = tables.iter().map(|arg| arg.table.as_str()).collect();
    let name: String = format!("soft_delete_{}", names.join("_"))
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    name.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use soft_delete_core::dialect::catalog::{ColumnInfo, Index, Table};

    use super::*;

    #[test]
    fn arguments() {
        assert_eq!(
            table_arg("tags:is_deleted:flag"),
            Ok(TableArg {
                table: "tags".into(),
                column: "is_deleted".into(),
                flag: true
            })
        );
        assert_eq!(table_arg("sites").unwrap().column, "deleted_at");
        assert!(!table_arg("sites:removed_at").unwrap().flag);
        assert!(table_arg("sites:x:bool").is_err());
        assert!(table_arg(":x").is_err());
        assert!(table_arg("a:b:flag:c").is_err());
        assert_eq!(
            actor_arg("deleted_by:VARCHAR(64)"),
            Ok(("deleted_by".into(), "VARCHAR(64)".into()))
        );
        assert!(actor_arg("deleted_by").is_err());
        assert_eq!(
            default_name(&[table_arg("a-b").unwrap(), table_arg("c").unwrap()]),
            "soft_delete_a_b_c"
        );
    }

    fn sites() -> Catalog {
        let mut sites = Table::new("Sites");
        sites.columns.push(ColumnInfo::new("slug", false, "TEXT"));
        sites.indexes.push(Index {
            name: "sites_slug".into(),
            columns: vec!["slug".into()],
            unique: true,
            primary: false,
            predicate: None,
        });
        Catalog {
            tables: vec![sites],
        }
    }

    #[test]
    fn unique_keys_come_from_the_catalog() {
        let arg = table_arg("sites:is_deleted:flag").unwrap();
        let plan = plan(&sites(), std::slice::from_ref(&arg), None, false).unwrap();
        let keys: Vec<(&str, Vec<&str>)> = plan.tables()[0].unique_keys().collect();
        assert_eq!(keys, [("sites_slug", vec!["slug"])]);
        assert_eq!(plan.tables()[0].name(), "Sites");
        assert!(plan.uses_ledger());
        assert!(
            !super::plan(&sites(), &[arg], None, true)
                .unwrap()
                .uses_ledger()
        );

        let error = super::plan(&sites(), &[table_arg("sites:slug").unwrap()], None, false);
        assert!(error.unwrap_err().contains("already has a column `slug`"));
        let error = super::plan(&sites(), &[table_arg("pages").unwrap()], None, false);
        assert!(error.unwrap_err().contains("no table `pages`"));
    }
}
