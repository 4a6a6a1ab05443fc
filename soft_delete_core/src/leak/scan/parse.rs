//! Reading a statement: the parser in the connection's dialect, and the rewrites of the few
//! forms it cannot read.

use std::collections::HashMap;

use sqlparser::ast::Statement;

use super::{Dialect, LeakKind, RECURSION_LIMIT, Watched};
use sqlparser::dialect::{GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use super::analyser::Analyser;

/// One finding, before it is given the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    pub(super) watched: usize,
    pub(super) kind: LeakKind,
    pub(super) detail: &'static str,
}

/// Parses and judges; an `Err` is the parser's message.
pub(super) fn analyse(
    dialect: Dialect,
    sql: &str,
    watched: &[Watched],
) -> Result<Vec<Found>, String> {
    let parsed = match dialect {
        // Generic SQL: whichever of the parsers reads it first.
        Dialect::Generic => parse(&GenericDialect {}, sql)
            .or_else(|error| parse(&MySqlDialect {}, sql).map_err(|_| error))
            .or_else(|error| parse(&PostgreSqlDialect {}, sql).map_err(|_| error))
            .or_else(|error| parse(&SQLiteDialect {}, sql).map_err(|_| error)),
        Dialect::Postgres => parse(&PostgreSqlDialect {}, sql),
        Dialect::Mysql => parse(&MySqlDialect {}, sql),
        Dialect::Sqlite => parse(&SQLiteDialect {}, sql),
    };
    let statements = parsed.map_err(|error| {
        let mut message = error.clone();
        if message.len() > 200 {
            let mut end = 200;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
            message.push_str("...");
        }
        message
    })?;
    let names = watched
        .iter()
        .map(|w| {
            let (schema, table) = w.parts();
            (
                schema.map(|s| dialect.fold_stored(s)),
                dialect.fold_stored(table),
                dialect.fold_stored(&w.tombstone),
                dialect.fold_stored(w.key.as_deref().unwrap_or("id")),
            )
        })
        .collect();
    let mut analyser = Analyser {
        dialect,
        watched,
        names,
        ctes: Vec::new(),
        cte_index: HashMap::new(),
        found: Vec::new(),
    };
    for statement in &statements {
        analyser.statement(statement);
    }
    Ok(analyser.found)
}

pub(super) fn parse(
    dialect: &dyn sqlparser::dialect::Dialect,
    sql: &str,
) -> Result<Vec<Statement>, String> {
    // MySQL's old spelling of `FOR SHARE`, which the parser does not know.
    let trimmed = sql.trim_end().trim_end_matches(';').trim_end();
    let tail = trimmed.len().saturating_sub("LOCK IN SHARE MODE".len());
    let sql = match trimmed.get(tail..) {
        Some(end) if end.eq_ignore_ascii_case("LOCK IN SHARE MODE") => {
            std::borrow::Cow::Owned(format!("{} FOR SHARE", &trimmed[..tail]))
        }
        _ => std::borrow::Cow::Borrowed(sql),
    };
    // PostgreSQL's `TABLE name`, which the parser reads only in some dialects.
    let sql = match sql.trim_start().get(..6) {
        Some(head) if head.eq_ignore_ascii_case("TABLE ") => {
            std::borrow::Cow::Owned(format!("SELECT * FROM {}", &sql.trim_start()[6..]))
        }
        _ => sql,
    };
    // `CAST(x AS CHAR CHARACTER SET utf8mb4)` (the crate's own MySQL statements): the
    // character set says nothing about tombstones, and the parser does not know it.
    let sql = without_character_sets(sql);
    Parser::new(dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .try_with_sql(&sql)
        .and_then(|mut parser| parser.parse_statements())
        .map_err(|error| error.to_string())
}

/// `sql` without ` CHARACTER SET name` after a `CHAR` type.
pub(super) fn without_character_sets(sql: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    const NEEDLE: &str = " character set ";
    if !sql.to_ascii_lowercase().contains(NEEDLE) {
        return sql;
    }
    let lower = sql.to_ascii_lowercase();
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    while let Some(found) = lower[at..].find(NEEDLE) {
        let start = at + found;
        let name_start = start + NEEDLE.len();
        let name_end = lower[name_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(lower.len(), |n| name_start + n);
        out.push_str(&sql[at..start]);
        at = name_end;
    }
    out.push_str(&sql[at..]);
    std::borrow::Cow::Owned(out)
}
