//! The catalog of SQLite: its `pragma_*` table-valued functions.

use diesel::sql_types::{Integer, Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, QueryableByName};

use super::{
    CatalogBackend, ColumnInfo, FkAction, ForeignKey, Index, Table, keys_from_columns, load,
};
use crate::dialect::ledger;
use crate::exec::Executor;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
    #[diesel(sql_type = Integer)]
    hidden: i32,
}

#[derive(QueryableByName)]
struct Reference {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Integer)]
    fk_id: i32,
    #[diesel(sql_type = Text)]
    referenced_table: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    referenced_column: Option<String>,
    #[diesel(sql_type = Text)]
    on_delete: String,
}

#[derive(QueryableByName)]
struct IndexEntry {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    is_unique: i32,
    #[diesel(sql_type = Text)]
    origin: String,
    #[diesel(sql_type = Nullable<Text>)]
    definition: Option<String>,
}

#[derive(QueryableByName)]
struct IndexColumn {
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
}

// Table names reach the `pragma_*` functions as bound parameters or as column values, never
// as SQL text.
const TABLES: &str = "SELECT name FROM sqlite_master WHERE type = 'table' \
     AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ? ORDER BY name";
const COLUMNS: &str = "SELECT name, type AS data_type, \"notnull\" AS not_null, pk, hidden \
     FROM pragma_table_xinfo(?) ORDER BY cid";
// One row per column of each table's foreign keys, in order. `REFERENCES repos` without
// columns names the referenced table's primary key: a column references the key's column at
// its own position. SQLite finds a key's parent in the child's own schema, `main`.
const FOREIGN_KEYS: &str = "SELECT m.name AS table_name, f.\"id\" AS fk_id, \
     f.\"table\" AS referenced_table, f.\"from\" AS column_name, \
     COALESCE(f.\"to\", (SELECT p.name FROM pragma_table_info(f.\"table\", 'main') AS p \
         WHERE p.pk = f.seq + 1)) AS referenced_column, f.on_delete \
     FROM sqlite_master AS m, pragma_foreign_key_list(m.name, 'main') AS f \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> ? \
     ORDER BY m.name, f.\"id\", f.seq";
const INDEXES: &str = "SELECT l.name, l.\"unique\" AS is_unique, l.origin, m.sql AS definition \
     FROM pragma_index_list(?) AS l \
     LEFT JOIN sqlite_master AS m ON m.type = 'index' AND m.name = l.name ORDER BY l.name";
const INDEX_COLUMNS: &str = "SELECT name FROM pragma_index_info(?) ORDER BY seqno";

impl CatalogBackend for Sqlite {
    async fn read_tables<X>(x: &mut X) -> QueryResult<Vec<Table>>
    where
        X: Executor<Backend = Self>,
    {
        let names: Vec<Name> = load(x, TABLES, ledger::TABLE).await?;
        let mut foreign_keys = Self::read_foreign_keys(x).await?;
        let mut tables = Vec::with_capacity(names.len());
        for Name { name } in names {
            let (own, others) = foreign_keys.into_iter().partition(|fk| fk.table == name);
            foreign_keys = others;
            tables.push(read_table(x, name, own).await?);
        }
        Ok(tables)
    }

    async fn read_foreign_keys<X>(x: &mut X) -> QueryResult<Vec<ForeignKey>>
    where
        X: Executor<Backend = Self>,
    {
        let rows: Vec<Reference> = load(x, FOREIGN_KEYS, ledger::TABLE).await?;
        Ok(keys_from_columns(rows.into_iter().map(|row| {
            let column = ForeignKey {
                name: None,
                table: row.table_name,
                columns: vec![row.column_name],
                referenced_table: row.referenced_table,
                referenced_columns: vec![row.referenced_column.unwrap_or_default()],
                on_delete: FkAction::parse(&row.on_delete),
            };
            (row.fk_id, column)
        })))
    }
}

/// Table `name`'s columns and indexes, with its foreign keys read before.
async fn read_table<X>(x: &mut X, name: String, foreign_keys: Vec<ForeignKey>) -> QueryResult<Table>
where
    X: Executor<Backend = Sqlite>,
{
    let rows: Vec<Column> = load(x, COLUMNS, &name).await?;
    // `hidden`: 1 for a virtual table's hidden column, 2 and 3 for generated columns.
    let pk: Vec<(i32, String)> = rows
        .iter()
        .filter(|row| row.pk > 0)
        .map(|row| (row.pk, row.name.clone()))
        .collect();
    let columns = rows
        .into_iter()
        .filter(|row| row.hidden != 1)
        .map(|row| ColumnInfo {
            nullable: row.not_null == 0 && row.pk == 0,
            generated: row.hidden >= 2,
            generation: None,
            second_digits: None,
            name: row.name,
            data_type: row.data_type,
        })
        .collect();

    let mut indexes = Vec::new();
    for entry in load::<_, IndexEntry>(x, INDEXES, &name).await? {
        let columns = load::<_, IndexColumn>(x, INDEX_COLUMNS, &entry.name)
            .await?
            .into_iter()
            .map(|column| column.name.unwrap_or_else(|| "(expression)".to_owned()))
            .collect();
        indexes.push(Index {
            predicate: entry.definition.as_deref().and_then(partial_predicate),
            primary: entry.origin == "pk",
            unique: entry.is_unique != 0,
            columns,
            name: entry.name,
        });
    }
    if !pk.is_empty() && !indexes.iter().any(|index| index.primary) {
        // An `INTEGER PRIMARY KEY` is the rowid: a key with no index of its own.
        let mut pk = pk;
        pk.sort_by_key(|(position, _)| *position);
        indexes.push(Index {
            name: "PRIMARY KEY".to_owned(),
            columns: pk.into_iter().map(|(_, column)| column).collect(),
            unique: true,
            primary: true,
            predicate: None,
        });
    }

    Ok(Table {
        name,
        columns,
        foreign_keys,
        indexes,
    })
}

/// The `WHERE` of a `CREATE INDEX` statement: what follows the keyword after the
/// parenthesised column list.
fn partial_predicate(definition: &str) -> Option<String> {
    let open = definition.find('(')?;
    let mut depth = 0usize;
    let mut close = None;
    for (at, c) in definition[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + at);
                    break;
                }
            }
            _ => {}
        }
    }
    let rest = &definition[close? + 1..];
    let lower = rest.to_ascii_lowercase();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let at = lower.match_indices("where").map(|(at, _)| at).find(|&at| {
        !lower[..at].chars().next_back().is_some_and(is_word)
            && !lower[at + 5..].chars().next().is_some_and(is_word)
    })?;
    let predicate = rest[at + 5..].trim().trim_end_matches(';').trim();
    (!predicate.is_empty()).then(|| predicate.to_owned())
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, SqliteConnection};

    use crate::dialect::catalog::{ForeignKey, read, read_foreign_keys};

    /// A foreign key's columns, referenced table and referenced columns.
    type Key = (Vec<String>, String, Vec<String>);

    #[test]
    fn a_reference_without_columns_names_the_referenced_primary_key() {
        let conn = &mut SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute(
            "CREATE TABLE pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (b, a));
             CREATE TABLE repos (id INTEGER PRIMARY KEY);
             CREATE TABLE slugs (slug TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;
             CREATE TABLE uses (x INTEGER, y INTEGER, repo_id INTEGER REFERENCES repos,
                 slug TEXT REFERENCES slugs, ghost_id INTEGER REFERENCES ghosts,
                 FOREIGN KEY (x, y) REFERENCES pairs);
             CREATE TEMP TABLE ghosts (id INTEGER PRIMARY KEY);",
        )
        .unwrap();
        let keys_of_uses = |keys: Vec<ForeignKey>| {
            let mut keys: Vec<Key> = keys
                .into_iter()
                .filter(|fk| fk.table == "uses")
                .map(|fk| (fk.columns, fk.referenced_table, fk.referenced_columns))
                .collect();
            keys.sort();
            keys
        };
        let key = |columns: &[&str], parent: &str, referenced: &[&str]| -> Key {
            let owned = |names: &[&str]| names.iter().map(|&name| name.to_owned()).collect();
            (owned(columns), parent.to_owned(), owned(referenced))
        };
        let expected = vec![
            // `ghosts` is no table of `main`, the schema SQLite finds the key's parent in.
            key(&["ghost_id"], "ghosts", &[""]),
            key(&["repo_id"], "repos", &["id"]),
            key(&["slug"], "slugs", &["slug"]),
            key(&["x", "y"], "pairs", &["b", "a"]),
        ];

        assert_eq!(keys_of_uses(read_foreign_keys(conn).unwrap()), expected);
        let tables = read(conn).unwrap().tables;
        let with_tables = tables.into_iter().flat_map(|table| table.foreign_keys);
        assert_eq!(keys_of_uses(with_tables.collect()), expected);
    }

    #[test]
    fn the_predicate_of_a_partial_index() {
        assert_eq!(
            super::partial_predicate(
                "CREATE UNIQUE INDEX x ON t (lower(a), b)\n WHERE deleted_at IS NULL"
            )
            .as_deref(),
            Some("deleted_at IS NULL")
        );
        assert_eq!(super::partial_predicate("CREATE INDEX x ON t (a)"), None);
    }
}
