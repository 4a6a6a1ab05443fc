//! The scanner: which references of an SQL statement to a watched table let tombstoned rows
//! through.
//!
//! The statement is parsed by [`sqlparser`] in the connection's [`Dialect`]; the scanner then
//! walks the syntax tree scope by scope (each `SELECT`, each subquery, each common table
//! expression, each branch of a set operation) and judges, for each reference to a watched table,
//! whether a predicate that filters that reference's rows restricts its tombstone. See [`scan`]
//! for the rules and the blind spots.
#![allow(
    clippy::too_many_lines,
    reason = "`statement` and `cover` are one match each: a table of statement kinds and of predicate forms reads best whole"
)]
#![allow(
    clippy::option_option,
    reason = "a CTE lookup answers three ways: no CTE, the CTE being defined (recursive), the CTE with what it leaves unfiltered"
)]
#![allow(
    clippy::unused_self,
    clippy::wrong_self_convention,
    clippy::collapsible_match,
    clippy::match_same_arms,
    clippy::manual_let_else,
    reason = "the analyser's methods share one shape; arms kept apart where they mean different SQL"
)]

use core::fmt;
use core::ops::ControlFlow;
use std::collections::HashMap;
use std::sync::Arc;

use sqlparser::ast::{
    BinaryOperator, Expr, FromTable, GroupByExpr, Ident, JoinConstraint, JoinOperator, MergeAction,
    MergeClauseKind, ObjectName, ObjectNamePart, OnConflictAction, OnInsert, Query, Select,
    SelectItem, SelectItemQualifiedWildcardKind, SetExpr, Statement, TableFactor, TableObject,
    TableWithJoins, UnaryOperator, UpdateTableFromKind, Value, Visit, Visitor,
};
use sqlparser::dialect::{GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use crate::model::TombstoneKind;

/// How deep the parser may nest (subqueries, parentheses, unary operators) before it gives up;
/// a statement nested deeper is reported [unread](LeakKind::Unread).
const RECURSION_LIMIT: usize = 50;

/// How many leaks one statement records at most; past that, the rest are dropped (the statement
/// is reported all the same).
pub const MAX_LEAKS_PER_STATEMENT: usize = 64;

/// The SQL dialect a statement is read in: how it is tokenized (comments, quotes, escapes) and
/// how identifiers compare.
///
/// | dialect | identifiers | comments and strings |
/// |---|---|---|
/// | `Postgres` | unquoted folded to lower case, `"quoted"` exact | nested `/* /* */ */` |
/// | `Mysql` | case-insensitive, `` `quoted` `` | `#`, `-- ` (with a space), `/*! executed */`, backslash escapes |
/// | `Sqlite` | case-insensitive | standard |
/// | `Generic` | case-insensitive | standard, `"` and `` ` `` both quote identifiers |
///
/// A [`LeakDetector`](crate::leak::LeakDetector) installed with
/// [`install`](crate::leak::LeakDetector::install) takes its dialect from the connection's
/// backend; one installed with `set_instrumentation` reads `Generic` SQL unless told with
/// [`dialect`](crate::leak::LeakDetector::dialect).
///
/// ```
/// use soft_delete_core::leak::{Dialect, Watched, scan_in};
///
/// let watched = [Watched::new("posts", "deleted_at")];
/// // In MySQL, `#` starts a comment: the filter is not there.
/// let sql = "SELECT * FROM posts # WHERE deleted_at IS NULL";
/// assert_eq!(scan_in(Dialect::Mysql, sql, &watched).len(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Dialect {
    /// Any SQL, compared case-insensitively.
    #[default]
    Generic,
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
}

impl Dialect {
    /// The dialect of Diesel backend `B` (`Generic` for a backend this crate does not know).
    ///
    /// ```
    /// use soft_delete_core::leak::Dialect;
    ///
    /// assert_eq!(Dialect::of::<diesel::sqlite::Sqlite>(), Dialect::Sqlite);
    /// ```
    #[must_use]
    pub fn of<B: 'static>() -> Self {
        let id = core::any::TypeId::of::<B>();
        #[cfg(feature = "postgres")]
        if id == core::any::TypeId::of::<diesel::pg::Pg>() {
            return Dialect::Postgres;
        }
        #[cfg(feature = "mysql")]
        if id == core::any::TypeId::of::<diesel::mysql::Mysql>() {
            return Dialect::Mysql;
        }
        #[cfg(feature = "sqlite")]
        if id == core::any::TypeId::of::<diesel::sqlite::Sqlite>() {
            return Dialect::Sqlite;
        }
        let _ = id;
        Dialect::Generic
    }

    /// A name as the database compares it.
    fn fold(self, ident: &Ident) -> String {
        match self {
            Dialect::Postgres if ident.quote_style.is_some() => ident.value.clone(),
            _ => ident.value.to_lowercase(),
        }
    }

    /// A watched name (as stored: Diesel quotes every identifier) as the database compares it.
    fn fold_stored(self, name: &str) -> String {
        match self {
            Dialect::Postgres => name.to_owned(),
            _ => name.to_lowercase(),
        }
    }

    /// A column name as the database compares it (MySQL's columns are case-insensitive even
    /// where its tables are not).
    fn fold_column(self, ident: &Ident) -> String {
        self.fold(ident)
    }
}

/// A soft-deletable table the scanner watches: its name, its tombstone column and, when known,
/// the tombstone's kind and the table's key column.
///
/// The name is the table's name in the database (what Diesel's `#[sql_name]` says), compared
/// the way the [`Dialect`] compares identifiers. A `table` written `schema.table` matches
/// references to that table in that schema, and unqualified references to the table.
///
/// ```
/// use soft_delete_core::leak::Watched;
///
/// let posts = Watched::new("posts", "deleted_at");
/// assert_eq!((posts.table.as_str(), posts.tombstone.as_str()), ("posts", "deleted_at"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Watched {
    /// The table's name, as the SQL names it (unquoted), optionally `schema.table`.
    pub table: String,
    /// The tombstone column's name (unquoted).
    pub tombstone: String,
    kind: Option<TombstoneKind>,
    key: Option<String>,
}

impl Watched {
    /// Watches `table`, whose tombstone column is `tombstone`.
    ///
    /// ```
    /// use soft_delete_core::leak::{Watched, scan};
    ///
    /// let watched = [Watched::new("posts", "deleted_at")];
    /// assert_eq!(scan("SELECT id FROM posts", &watched).len(), 1);
    /// ```
    #[must_use]
    pub fn new(table: impl Into<String>, tombstone: impl Into<String>) -> Self {
        Watched {
            table: table.into(),
            tombstone: tombstone.into(),
            kind: None,
            key: None,
        }
    }

    /// The tombstone's kind: with it, `is_deleted IS NOT NULL` on a flag reads as the
    /// always-true test it is. Unknown, a tombstone is judged as a timestamp where the two
    /// differ.
    ///
    /// ```
    /// use soft_delete_core::leak::{Watched, scan};
    /// use soft_delete_core::model::TombstoneKind;
    ///
    /// let flag = [Watched::new("notes", "is_deleted").kind(TombstoneKind::Flag)];
    /// assert_eq!(scan("SELECT * FROM notes WHERE is_deleted IS NOT NULL", &flag).len(), 1);
    /// assert!(scan("SELECT * FROM notes WHERE NOT is_deleted", &flag).is_empty());
    /// ```
    #[must_use]
    pub fn kind(mut self, kind: TombstoneKind) -> Self {
        self.kind = Some(kind);
        self
    }

    /// The table's key column (`id` when not said): `key IN (SELECT key FROM table WHERE
    /// <live>)` filters the table to its live rows.
    ///
    /// ```
    /// use soft_delete_core::leak::{Watched, scan};
    ///
    /// let posts = [Watched::new("posts", "deleted_at").key("post_id")];
    /// let sql = "SELECT * FROM posts WHERE post_id IN \
    ///            (SELECT post_id FROM posts WHERE deleted_at IS NULL)";
    /// assert!(scan(sql, &posts).is_empty());
    /// ```
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// `(schema, table)` of the watched name.
    fn parts(&self) -> (Option<&str>, &str) {
        match self.table.rsplit_once('.') {
            Some((schema, table)) => (Some(schema), table),
            None => (None, &self.table),
        }
    }
}

/// What a reported statement does to the table it leaks, or why the detector cannot tell.
///
/// ```
/// use soft_delete_core::leak::LeakKind;
///
/// assert_eq!(LeakKind::Update.to_string(), "update");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeakKind {
    /// The statement reads the table (a `SELECT`, a subquery, the source of an
    /// `INSERT ... SELECT`) without its tombstone predicate: deleted rows come back.
    Read,
    /// An `UPDATE` (or `MERGE`, or upsert) of the table without its tombstone predicate:
    /// deleted rows are written to.
    Update,
    /// A `DELETE` (or `TRUNCATE`) of the table without its tombstone predicate: rows go for
    /// real, tombstoned or not.
    Delete,
    /// The statement filters the table by its tombstone in a way the detector cannot judge
    /// (a tombstone compared with another column, passed to a function, renamed by a column
    /// alias list...); [`Leak::detail`] says how.
    Unsure,
    /// The statement mentions the table but the parser could not read it (a syntax the
    /// dialect's parser does not know, or nesting deeper than its limit); [`Leak::detail`] has
    /// the parser's message.
    Unread,
}

impl fmt::Display for LeakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LeakKind::Read => "read",
            LeakKind::Update => "update",
            LeakKind::Delete => "delete",
            LeakKind::Unsure => "unsure",
            LeakKind::Unread => "unread",
        })
    }
}

/// One reference to a watched table that no predicate filters by the table's tombstone (or,
/// for [`LeakKind::Unsure`] and [`LeakKind::Unread`], that the detector could not judge). The
/// leaks of one statement share one copy of its text.
///
/// ```
/// use soft_delete_core::leak::{LeakKind, Watched, scan};
///
/// let leaks = scan("DELETE FROM posts WHERE id = 7", &[Watched::new("posts", "deleted_at")]);
/// assert_eq!(leaks[0].table, "posts");
/// assert_eq!(leaks[0].kind, LeakKind::Delete);
/// assert_eq!(
///     leaks[0].to_string(),
///     "delete of `posts` without its tombstone predicate (`deleted_at`): DELETE FROM posts WHERE id = 7"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Leak {
    /// The watched table, as it was given to the scanner.
    pub table: String,
    /// The tombstone column the statement does not filter by.
    pub tombstone: String,
    /// The statement, as it was scanned (SQL text, without bound values), shared by every
    /// leak of the statement.
    pub statement: Arc<str>,
    /// What the statement does to the table.
    pub kind: LeakKind,
    /// Why the detector is unsure, or what the parser said; empty for the other kinds.
    pub detail: String,
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            LeakKind::Unsure => write!(
                f,
                "unsure whether `{}` is filtered by its tombstone (`{}`): {}: {}",
                self.table, self.tombstone, self.detail, self.statement
            ),
            LeakKind::Unread => write!(
                f,
                "unread statement mentioning `{}` (the parser could not read it: {}): {}",
                self.table, self.detail, self.statement
            ),
            _ => write!(
                f,
                "{} of `{}` without its tombstone predicate (`{}`): {}",
                self.kind, self.table, self.tombstone, self.statement
            ),
        }
    }
}

pub use crate::sql::EVERY_ROW;

/// [`scan_in`] the [`Generic`](Dialect::Generic) dialect.
///
/// ```
/// use soft_delete_core::leak::{LeakKind, Watched, scan};
///
/// let watched = [Watched::new("posts", "deleted_at"), Watched::new("comments", "deleted_at")];
///
/// // Only the comments are filtered: the join leaks the posts.
/// let leaks = scan(
///     r#"SELECT "c"."body" FROM "comments" AS "c"
///        INNER JOIN "posts" ON "posts"."id" = "c"."post_id"
///        WHERE "c"."deleted_at" IS NULL"#,
///     &watched,
/// );
/// assert_eq!(leaks.len(), 1);
/// assert_eq!((leaks[0].table.as_str(), leaks[0].kind), ("posts", LeakKind::Read));
/// ```
#[must_use]
pub fn scan(sql: &str, watched: &[Watched]) -> Vec<Leak> {
    scan_in(Dialect::Generic, sql, watched)
}

/// The references to watched tables in `sql` that let tombstoned rows through, read in
/// `dialect`: at most one [`Leak`] per table and kind, at most [`MAX_LEAKS_PER_STATEMENT`].
///
/// `sql` is one or more statements as a connection runs them (separated by `;`), with
/// placeholders (`$1`, `?`) or literals for values.
///
/// # Rules
///
/// - **What is read.** A table in `FROM` or a `JOIN`, `TABLE name`, SQLite's `x IN name`, the
///   target of an `UPDATE`, `DELETE`, `TRUNCATE` or `MERGE` and the source of a `MERGE`, in
///   every statement, subquery, common table expression (data-modifying ones included: `WITH
///   t AS (UPDATE ... RETURNING ...)`), `INSERT ... SELECT`, `CREATE TABLE ... AS SELECT` and
///   `EXPLAIN ANALYZE` (plain `EXPLAIN` runs nothing). An unqualified name that a `WITH` clause
///   in scope defines is the common table expression, not the table, in that scope only; a
///   `SELECT` CTE that nothing reads is not run, so it is not judged.
/// - **Which predicates filter a reference.** The `WHERE` and `HAVING` of its own `SELECT`
///   (or `UPDATE`, `DELETE`); the `ON` of an inner join it takes part in; the `ON` of an outer
///   join only on its null-supplying side (a `LEFT JOIN`'s `ON` filters the right side, never
///   the preserved left one; a `FULL JOIN`'s filters neither). A derived table or a CTE that
///   passes the tombstone column through (`*`, `t.*`, or the column, renamed or not) is
///   filtered by the outer query's predicates on that column.
/// - **What a predicate means.** `t IS NULL`, `t = false`, `NOT t` keep live rows; `t IS NOT
///   NULL`, `t = true`, a timestamp compared with a value, and `t IS NULL OR t IS NOT NULL`
///   ([`with_deleted`](crate::scope::with_deleted)) read tombstoned rows on purpose and are no
///   leak. `AND` keeps the strongest conjunct; `OR` the weakest disjunct, so `t IS NULL OR
///   TRUE` filters nothing. `key IN (SELECT key FROM table WHERE <live>)` keeps live rows. A
///   `SELECT` without `GROUP BY` whose every output is an aggregate with a live `FILTER
///   (WHERE ...)` reads live rows only.
/// - **Unsure.** A tombstone used otherwise (compared with a column, inside a function, an
///   `IN` list of a flag) or a table renamed column by column (`AS r(a, b, ...)`) is reported
///   [`LeakKind::Unsure`]; so is an upsert (`ON CONFLICT DO UPDATE`, `ON DUPLICATE KEY
///   UPDATE`) into a watched table, which may update a tombstoned row.
/// - **Unread.** A statement that mentions a watched table's name but does not parse (or nests
///   deeper than 50 levels) is reported [`LeakKind::Unread`], once per statement text.
/// - **Kinds.** The target of an `UPDATE` (and an updating `MERGE`) is an
///   [`LeakKind::Update`], of a `DELETE` or `TRUNCATE` a [`LeakKind::Delete`]; every other
///   reference a [`LeakKind::Read`].
///
/// # Blind spots
///
/// Views, functions, triggers and rules hide the tables they read. A tombstone filtered
/// through another scope is not seen: a correlated subquery that filters the outer table
/// (`WHERE EXISTS (SELECT 1 FROM x WHERE p.deleted_at IS NULL)`), a join with a derived table
/// that keeps the live keys, a set operation's branches seen from an outer query. A predicate
/// on a flag compared with a placeholder (`is_deleted = $1`) is taken as deliberate (Diesel
/// binds `false` and `true` alike). The body of a versioned MySQL comment (`/*!80000 ... */`)
/// is read as executed, whatever the server's version. A statement whose text does not contain
/// a watched table's name (as written, case-insensitively) is not parsed: PostgreSQL's
/// `U&"..."` escapes hide a name. A statement that begins with the comment [`EVERY_ROW`]
/// reads every row on purpose and is never reported. Statements other than queries, `INSERT`,
/// `UPDATE`, `DELETE`, `MERGE`, `TRUNCATE`, `EXPLAIN ANALYZE` and `CREATE TABLE ... AS` are not
/// checked.
///
/// ```
/// use soft_delete_core::leak::{Dialect, LeakKind, Watched, scan_in};
///
/// let watched = [Watched::new("posts", "deleted_at")];
/// // The `ON` of a left join does not filter its left side.
/// let sql = "SELECT p.id FROM posts p LEFT JOIN tags t ON t.post_id = p.id AND p.deleted_at IS NULL";
/// let leaks = scan_in(Dialect::Postgres, sql, &watched);
/// assert_eq!((leaks.len(), leaks[0].kind), (1, LeakKind::Read));
/// // Filtered in `WHERE`: clean.
/// let sql = "SELECT p.id FROM posts p LEFT JOIN tags t ON t.post_id = p.id WHERE p.deleted_at IS NULL";
/// assert!(scan_in(Dialect::Postgres, sql, &watched).is_empty());
/// ```
#[must_use]
pub fn scan_in(dialect: Dialect, sql: &str, watched: &[Watched]) -> Vec<Leak> {
    scan_shared(dialect, &Arc::from(sql), watched)
}

/// [`scan_in`] with the statement already shared.
pub(super) fn scan_shared(dialect: Dialect, sql: &Arc<str>, watched: &[Watched]) -> Vec<Leak> {
    if watched.is_empty() || sql.trim_start().starts_with(EVERY_ROW) {
        return Vec::new();
    }
    // Cheap first: a statement that never spells a watched name cannot read the table.
    let lower = sql.to_lowercase();
    let Some(first) = watched
        .iter()
        .find(|w| lower.contains(&w.parts().1.to_lowercase()))
    else {
        return Vec::new();
    };
    // The parser's recursion is bounded by its limit; the trees it builds without recursion
    // (a chain of `AND`s, of `UNION`s) are as deep as the statement is long, and walking or
    // dropping them recurses. So the work runs on a thread whose stack grows with the
    // statement (reserved, not touched, until used).
    let stack = (8 << 20) + sql.len().saturating_mul(512);
    let outcome = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("soft_delete leak scan".into())
            .stack_size(stack.min(4 << 30))
            .spawn_scoped(scope, || analyse(dialect, sql, watched))
            .map_err(|error| error.to_string())
            .and_then(|handle| handle.join().map_err(|_| "the scanner panicked".to_owned()))
    });
    let found = match outcome {
        Ok(Ok(found)) => found,
        Ok(Err(detail)) | Err(detail) => {
            return vec![Leak {
                table: first.table.clone(),
                tombstone: first.tombstone.clone(),
                statement: Arc::clone(sql),
                kind: LeakKind::Unread,
                detail,
            }];
        }
    };
    found
        .into_iter()
        .map(|found| Leak {
            table: watched[found.watched].table.clone(),
            tombstone: watched[found.watched].tombstone.clone(),
            statement: Arc::clone(sql),
            kind: found.kind,
            detail: found.detail.to_owned(),
        })
        .collect()
}

/// One finding, before it is given the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    watched: usize,
    kind: LeakKind,
    detail: &'static str,
}

/// Parses and judges; an `Err` is the parser's message.
fn analyse(dialect: Dialect, sql: &str, watched: &[Watched]) -> Result<Vec<Found>, String> {
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

fn parse(dialect: &dyn sqlparser::dialect::Dialect, sql: &str) -> Result<Vec<Statement>, String> {
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
fn without_character_sets(sql: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
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

/// How well the predicates seen so far restrict one reference's tombstone, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cover {
    /// Nothing restricts it: tombstoned rows pass.
    Open,
    /// Restricted in a way the scanner cannot judge.
    Unsure(&'static str),
    /// Tombstoned rows are read on purpose (the trash, `with_deleted`, a stamp).
    Deliberate,
    /// Only live rows pass.
    Live,
}

impl Cover {
    fn rank(self) -> u8 {
        match self {
            Cover::Open => 0,
            Cover::Unsure(_) => 1,
            Cover::Deliberate => 2,
            Cover::Live => 3,
        }
    }

    fn best(self, other: Cover) -> Cover {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    fn worst(self, other: Cover) -> Cover {
        if other.rank() < self.rank() {
            other
        } else {
            self
        }
    }

    fn done(self) -> bool {
        self.rank() >= 2
    }
}

/// A reference to a watched table still to be judged, as seen from the scope that holds it.
#[derive(Debug, Clone)]
struct Pending {
    watched: usize,
    kind: LeakKind,
    cover: Cover,
    /// The name of the column through which the tombstone is visible here, if any.
    column: Option<String>,
}

/// One item of a scope's `FROM`: a table, a derived table or a CTE.
#[derive(Debug)]
struct Rel {
    /// The alias, or the table's (or CTE's) own name: what qualifies its columns.
    qualifier: Option<String>,
    /// The names of a column alias list (`AS r(a, b)`): its tombstone is unknown by name.
    renamed: Option<Vec<String>>,
    pendings: Vec<Pending>,
}

/// A column mentioned in an expression: `(qualifier, column)`, folded.
type ColumnRef = (Option<String>, String);

struct Analyser<'w> {
    dialect: Dialect,
    watched: &'w [Watched],
    /// Each watched table's `(schema, table, tombstone, key)`, folded.
    names: Vec<(Option<String>, String, String, String)>,
    /// The CTE names in scope, innermost last, with what each one's body leaves unfiltered.
    ctes: Vec<(String, Option<Vec<Pending>>)>,
    /// Where each CTE name sits in `ctes`, innermost last.
    cte_index: HashMap<String, Vec<usize>>,
    found: Vec<Found>,
}

impl Analyser<'_> {
    fn push_cte(&mut self, name: String, pendings: Option<Vec<Pending>>) {
        self.cte_index
            .entry(name.clone())
            .or_default()
            .push(self.ctes.len());
        self.ctes.push((name, pendings));
    }

    fn truncate_ctes(&mut self, len: usize) {
        while self.ctes.len() > len {
            if let Some((name, _)) = self.ctes.pop()
                && let Some(at) = self.cte_index.get_mut(&name)
            {
                at.pop();
                if at.is_empty() {
                    self.cte_index.remove(&name);
                }
            }
        }
    }

    fn report(&mut self, pending: &Pending) {
        let (kind, detail) = match pending.cover {
            Cover::Open => (pending.kind, ""),
            Cover::Unsure(why) => (LeakKind::Unsure, why),
            Cover::Deliberate | Cover::Live => return,
        };
        let found = Found {
            watched: pending.watched,
            kind,
            detail,
        };
        if self.found.len() < MAX_LEAKS_PER_STATEMENT && !self.found.contains(&found) {
            self.found.push(found);
        }
    }

    fn report_all(&mut self, pendings: &[Pending]) {
        for pending in pendings {
            self.report(pending);
        }
    }

    // ---- statements ----

    fn statement(&mut self, statement: &Statement) {
        match statement {
            Statement::Query(query) => {
                let pendings = self.query(query);
                self.report_all(&pendings);
            }
            Statement::Insert(insert) => {
                if let Some(source) = &insert.source {
                    let pendings = self.query(source);
                    self.report_all(&pendings);
                }
                self.subqueries(&insert.assignments, &[]);
                if let TableObject::TableName(name) = &insert.table
                    && let Some(index) = self.table(name)
                {
                    let upsert = match &insert.on {
                        Some(OnInsert::DuplicateKeyUpdate(assignments)) => {
                            self.subqueries(assignments, &[]);
                            true
                        }
                        Some(OnInsert::OnConflict(conflict)) => match &conflict.action {
                            OnConflictAction::DoUpdate(update) => {
                                self.subqueries(&update.assignments, &[]);
                                let mut rel = Rel {
                                    qualifier: Some(self.names[index].1.clone()),
                                    renamed: None,
                                    pendings: vec![self.base(index, LeakKind::Update)],
                                };
                                if let Some(selection) = &update.selection {
                                    self.subqueries(selection, &[]);
                                    let mut rels = [rel];
                                    self.filter(selection, &mut rels, 0..1);
                                    rel = rels.into_iter().next().unwrap_or_else(|| {
                                        unreachable!("one relation in, one out")
                                    });
                                }
                                !rel.pendings[0].cover.done()
                            }
                            OnConflictAction::DoNothing => false,
                        },
                        _ => false,
                    };
                    if upsert {
                        self.report(&Pending {
                            watched: index,
                            kind: LeakKind::Update,
                            cover: Cover::Unsure("an upsert may update a tombstoned row"),
                            column: None,
                        });
                    }
                }
            }
            Statement::Update(update) => {
                let mut rels = Vec::new();
                let mut filters = Vec::new();
                self.from_item(
                    &update.table,
                    &mut rels,
                    &mut filters,
                    Some(LeakKind::Update),
                );
                if let Some(
                    UpdateTableFromKind::BeforeSet(from) | UpdateTableFromKind::AfterSet(from),
                ) = &update.from
                {
                    for item in from {
                        self.from_item(item, &mut rels, &mut filters, None);
                    }
                }
                self.subqueries(&update.assignments, &rels);
                self.finish_filters(filters, &mut rels);
                if let Some(selection) = &update.selection {
                    self.subqueries(selection, &rels);
                    let all = 0..rels.len();
                    self.filter(selection, &mut rels, all);
                }
                for rel in &rels {
                    self.report_all(&rel.pendings);
                }
            }
            Statement::Delete(delete) => {
                let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) =
                    &delete.from;
                let mut rels = Vec::new();
                let mut filters = Vec::new();
                let targets: Vec<String> = delete
                    .tables
                    .iter()
                    .filter_map(|name| last(name).map(|i| self.dialect.fold(i)))
                    .collect();
                for (n, item) in from.iter().enumerate() {
                    let kind = (targets.is_empty() && n == 0).then_some(LeakKind::Delete);
                    self.from_item(item, &mut rels, &mut filters, kind);
                }
                for item in delete.using.iter().flatten() {
                    self.from_item(item, &mut rels, &mut filters, None);
                }
                for rel in &mut rels {
                    if rel.qualifier.as_ref().is_some_and(|q| targets.contains(q)) {
                        for pending in &mut rel.pendings {
                            pending.kind = LeakKind::Delete;
                        }
                    }
                }
                self.finish_filters(filters, &mut rels);
                if let Some(selection) = &delete.selection {
                    self.subqueries(selection, &rels);
                    let all = 0..rels.len();
                    self.filter(selection, &mut rels, all);
                }
                for rel in &rels {
                    self.report_all(&rel.pendings);
                }
            }
            Statement::Truncate(truncate) => {
                for target in &truncate.table_names {
                    if let Some(index) = self.table(&target.name) {
                        let pending = self.base(index, LeakKind::Delete);
                        self.report(&pending);
                    }
                }
            }
            Statement::Merge(merge) => self.merge(merge),
            Statement::Explain {
                analyze,
                statement,
                options,
                ..
            } => {
                let analyse = *analyze
                    || options.iter().flatten().any(|option| {
                        option.name.value.eq_ignore_ascii_case("analyze")
                            && !matches!(
                                &option.arg,
                                Some(Expr::Value(v)) if matches!(v.value, Value::Boolean(false))
                            )
                            && !option
                                .arg
                                .as_ref()
                                .is_some_and(|a| a.to_string().eq_ignore_ascii_case("off"))
                    });
                if analyse {
                    self.statement(statement);
                }
            }
            Statement::CreateTable(create) => {
                if let Some(query) = &create.query {
                    let pendings = self.query(query);
                    self.report_all(&pendings);
                }
            }
            _ => {}
        }
    }

    fn merge(&mut self, merge: &sqlparser::ast::Merge) {
        let mut rels = Vec::new();
        let mut filters = Vec::new();
        let target_kind = if merge
            .clauses
            .iter()
            .any(|c| matches!(c.action, MergeAction::Delete { .. }))
        {
            LeakKind::Delete
        } else {
            LeakKind::Update
        };
        self.factor(&merge.table, &mut rels, &mut filters, Some(target_kind));
        let target_end = rels.len();
        self.factor(&merge.source, &mut rels, &mut filters, None);
        self.finish_filters(filters, &mut rels);
        self.subqueries(&*merge.on, &rels);
        for clause in &merge.clauses {
            self.subqueries(clause, &rels);
        }
        let writes_matched = merge.clauses.iter().any(|c| {
            matches!(c.clause_kind, MergeClauseKind::Matched)
                && !matches!(c.action, MergeAction::DoNothing { .. })
        });
        let inserts_unmatched = merge.clauses.iter().any(|c| {
            !matches!(c.clause_kind, MergeClauseKind::Matched)
                && !matches!(c.action, MergeAction::DoNothing { .. })
        });
        // The target: matched rows are written unless `ON` or every matched clause's own
        // condition keeps them live.
        if writes_matched {
            let mut target: Vec<Rel> = rels.drain(..target_end).collect();
            let mut by_on = clone_rels(&target);
            let end = by_on.len();
            self.filter(&merge.on, &mut by_on, 0..end);
            let mut by_clauses: Option<Vec<Rel>> = None;
            for clause in merge
                .clauses
                .iter()
                .filter(|c| matches!(c.clause_kind, MergeClauseKind::Matched))
            {
                let mut rels = clone_rels(&target);
                if let Some(predicate) = &clause.predicate {
                    self.filter(predicate, &mut rels, 0..end);
                }
                by_clauses = Some(match by_clauses {
                    None => rels,
                    Some(mut acc) => {
                        for (a, b) in acc.iter_mut().zip(rels) {
                            for (p, q) in a.pendings.iter_mut().zip(b.pendings) {
                                p.cover = p.cover.worst(q.cover);
                            }
                        }
                        acc
                    }
                });
            }
            for (n, rel) in target.iter_mut().enumerate() {
                for (m, pending) in rel.pendings.iter_mut().enumerate() {
                    let on = by_on[n].pendings[m].cover;
                    let clauses = by_clauses
                        .as_ref()
                        .map_or(Cover::Open, |c| c[n].pendings[m].cover);
                    pending.cover = pending.cover.best(on).best(clauses);
                }
                self.report_all(&rel.pendings);
            }
        }
        // The source: rows `ON` leaves unmatched are inserted, whatever their tombstone.
        let source: Vec<Rel> = if writes_matched {
            rels
        } else {
            rels.split_off(target_end)
        };
        let mut source = source;
        if !inserts_unmatched {
            let end = source.len();
            self.filter(&merge.on, &mut source, 0..end);
        }
        for rel in &source {
            self.report_all(&rel.pendings);
        }
    }

    // ---- queries ----

    /// Judges `query`; returns what it leaves unfiltered, with the output column through which
    /// each one's tombstone is visible.
    fn query(&mut self, query: &Query) -> Vec<Pending> {
        let outer = self.ctes.len();
        let mut defined = Vec::new();
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                let name = self.dialect.fold(&cte.alias.name);
                if with.recursive {
                    self.push_cte(name.clone(), None);
                }
                let writes = matches!(
                    *cte.query.body,
                    SetExpr::Insert(_)
                        | SetExpr::Update(_)
                        | SetExpr::Delete(_)
                        | SetExpr::Merge(_)
                );
                let mut pendings = self.query(&cte.query);
                if with.recursive {
                    let len = self.ctes.len() - 1;
                    self.truncate_ctes(len);
                }
                if let Some(columns) = renamed(&cte.alias, self.dialect) {
                    for pending in &mut pendings {
                        pending.column = None;
                        let _ = &columns;
                    }
                }
                if writes {
                    // Run whether read or not: judged now.
                    self.report_all(&pendings);
                    pendings.clear();
                }
                defined.push(self.ctes.len());
                self.push_cte(name, Some(pendings));
            }
        }
        let pendings = self.set_expr(&query.body);
        if let Some(order_by) = &query.order_by {
            self.subqueries(order_by, &[]);
        }
        if let Some(limit) = &query.limit_clause {
            self.subqueries(limit, &[]);
        }
        self.truncate_ctes(outer);
        pendings
    }

    fn set_expr(&mut self, body: &SetExpr) -> Vec<Pending> {
        match body {
            SetExpr::Select(select) => self.select(select),
            SetExpr::Query(query) => self.query(query),
            SetExpr::SetOperation { left, right, .. } => {
                // A chain of set operations is left-deep: walk its spine in a loop.
                let mut branches = vec![&**right];
                let mut node = &**left;
                while let SetExpr::SetOperation { left, right, .. } = node {
                    branches.push(right);
                    node = left;
                }
                branches.push(node);
                let mut pendings = Vec::new();
                for branch in branches.into_iter().rev() {
                    for mut pending in self.set_expr(branch) {
                        // Which output column carries it is positional: not followed.
                        pending.column = None;
                        if !pending.cover.done() {
                            self.report(&pending);
                        }
                        let _ = &mut pendings;
                    }
                }
                pendings
            }
            SetExpr::Values(values) => {
                self.subqueries(values, &[]);
                Vec::new()
            }
            SetExpr::Insert(statement)
            | SetExpr::Update(statement)
            | SetExpr::Delete(statement)
            | SetExpr::Merge(statement) => {
                self.statement(statement);
                Vec::new()
            }
            SetExpr::Table(table) => {
                let Some(name) = &table.table_name else {
                    return Vec::new();
                };
                let object = ObjectName(
                    table
                        .schema_name
                        .iter()
                        .chain(Some(name))
                        .map(|ident| ObjectNamePart::Identifier(ident.clone()))
                        .collect(),
                );
                match self.cte(&object) {
                    Some(Some(pendings)) => pendings,
                    Some(None) => Vec::new(),
                    None => self
                        .table(&object)
                        .map(|index| vec![self.base(index, LeakKind::Read)])
                        .unwrap_or_default(),
                }
            }
        }
    }

    fn select(&mut self, select: &Select) -> Vec<Pending> {
        let mut rels = Vec::new();
        let mut filters = Vec::new();
        for item in &select.from {
            self.from_item(item, &mut rels, &mut filters, None);
        }
        self.finish_filters(filters, &mut rels);
        self.subqueries(&select.projection, &rels);
        if let Some(selection) = &select.selection {
            self.subqueries(selection, &rels);
            let all = 0..rels.len();
            self.filter(selection, &mut rels, all);
        }
        self.subqueries(&select.group_by, &rels);
        if let Some(having) = &select.having {
            self.subqueries(having, &rels);
            let all = 0..rels.len();
            self.filter(having, &mut rels, all);
        }
        if let Some(qualify) = &select.qualify {
            self.subqueries(qualify, &rels);
        }
        self.aggregate_filters(select, &mut rels);
        // What is left unfiltered: passed to the caller with the output column that carries
        // its tombstone, if the projection passes it through.
        let mut out = Vec::new();
        for (n, rel) in rels.iter().enumerate() {
            for pending in &rel.pendings {
                if pending.cover.done() {
                    continue;
                }
                let mut pending = pending.clone();
                pending.column = self.exposed(select, &rels, n, &pending);
                out.push(pending);
            }
        }
        out
    }

    /// The name under which `select` outputs the tombstone of `pending` (in `rels[n]`).
    fn exposed(
        &self,
        select: &Select,
        rels: &[Rel],
        n: usize,
        pending: &Pending,
    ) -> Option<String> {
        let column = pending.column.as_ref()?;
        for item in &select.projection {
            match item {
                SelectItem::Wildcard(_) => return Some(column.clone()),
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(name),
                    _,
                ) => {
                    if last(name).map(|i| self.dialect.fold(i)) == rels[n].qualifier {
                        return Some(column.clone());
                    }
                }
                SelectItem::UnnamedExpr(expr) => {
                    if self.names_tombstone(expr, rels, n, column) {
                        return Some(column.clone());
                    }
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    if self.names_tombstone(expr, rels, n, column) {
                        return Some(self.dialect.fold_column(alias));
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn names_tombstone(&self, expr: &Expr, rels: &[Rel], n: usize, column: &str) -> bool {
        column_ref(expr, self.dialect).is_some_and(|r| self.refers(&r, rels, n, column))
    }

    /// Whether column `r` is `column` of `rels[n]`.
    fn refers(&self, r: &ColumnRef, rels: &[Rel], n: usize, column: &str) -> bool {
        if r.1 != column {
            return false;
        }
        match &r.0 {
            Some(qualifier) => rels[n].qualifier.as_ref() == Some(qualifier),
            None => {
                // Unqualified: the scope's relations that have such a column; a database
                // refuses an ambiguous name, so each candidate is this one.
                rels[n]
                    .pendings
                    .iter()
                    .any(|p| p.column.as_deref() == Some(column))
            }
        }
    }

    /// A `SELECT` without `GROUP BY` whose every output is a constant or an aggregate with a
    /// `FILTER (WHERE ...)`: its reads are as filtered as the weakest filter.
    fn aggregate_filters(&self, select: &Select, rels: &mut [Rel]) {
        let grouped = match &select.group_by {
            GroupByExpr::All(_) => true,
            GroupByExpr::Expressions(exprs, _) => !exprs.is_empty(),
        };
        if grouped || select.having.is_some() || select.projection.is_empty() {
            return;
        }
        let mut filters = Vec::new();
        for item in &select.projection {
            let expr = match item {
                SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => expr,
                _ => return,
            };
            match expr {
                Expr::Value(_) => {}
                Expr::Function(function) if function.over.is_none() => match &function.filter {
                    Some(filter) => filters.push(&**filter),
                    None => return,
                },
                _ => return,
            }
        }
        if filters.is_empty() {
            return;
        }
        for n in 0..rels.len() {
            for m in 0..rels[n].pendings.len() {
                if rels[n].pendings[m].cover.done() {
                    continue;
                }
                let cover = filters
                    .iter()
                    .map(|f| self.cover(f, rels, n, m))
                    .reduce(Cover::worst)
                    .unwrap_or(Cover::Open);
                let pending = &mut rels[n].pendings[m];
                pending.cover = pending.cover.best(cover);
            }
        }
    }

    // ---- FROM ----

    /// The base reference to watched table `index`.
    fn base(&self, index: usize, kind: LeakKind) -> Pending {
        Pending {
            watched: index,
            kind,
            cover: Cover::Open,
            column: Some(self.names[index].2.clone()),
        }
    }

    /// Adds the relations of one `FROM` item; records the join predicates with the relations
    /// each filters, in `filters`, to apply once every relation is known.
    fn from_item(
        &mut self,
        item: &TableWithJoins,
        rels: &mut Vec<Rel>,
        filters: &mut Vec<(Expr, core::ops::Range<usize>, core::ops::Range<usize>)>,
        kind: Option<LeakKind>,
    ) {
        let start = rels.len();
        self.factor(&item.relation, rels, filters, kind);
        for join in &item.joins {
            let left = start..rels.len();
            self.factor(&join.relation, rels, filters, None);
            let right = left.end..rels.len();
            let (constraint, filtered) = match &join.join_operator {
                JoinOperator::Join(c)
                | JoinOperator::Inner(c)
                | JoinOperator::CrossJoin(c)
                | JoinOperator::StraightJoin(c)
                | JoinOperator::Semi(c)
                | JoinOperator::LeftSemi(c) => (c, start..right.end),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (c, right.clone()),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (c, left.clone()),
                JoinOperator::FullOuter(c) => (c, right.end..right.end),
                _ => continue,
            };
            if let JoinConstraint::On(on) = constraint {
                filters.push((on.clone(), start..right.end, filtered));
            }
        }
    }

    fn finish_filters(
        &mut self,
        filters: Vec<(Expr, core::ops::Range<usize>, core::ops::Range<usize>)>,
        rels: &mut [Rel],
    ) {
        let index = qualifier_index(rels);
        for (on, visible, filtered) in filters {
            self.subqueries(&on, &[]);
            // Only the relations the join can see: `filtered` lies within `visible`.
            let _ = visible;
            self.filter_indexed(&on, rels, filtered, &index);
        }
    }

    fn factor(
        &mut self,
        factor: &TableFactor,
        rels: &mut Vec<Rel>,
        filters: &mut Vec<(Expr, core::ops::Range<usize>, core::ops::Range<usize>)>,
        kind: Option<LeakKind>,
    ) {
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                if let Some(args) = args {
                    self.subqueries(&args.args, rels);
                }
                let own = last(name).map(|i| self.dialect.fold(i));
                let qualifier = alias.as_ref().map(|a| self.dialect.fold(&a.name)).or(own);
                let renamed = alias.as_ref().and_then(|a| renamed(a, self.dialect));
                let pendings = if args.is_some() {
                    Vec::new()
                } else if let Some(cte) = self.cte(name) {
                    cte.unwrap_or_default()
                } else if let Some(index) = self.table(name) {
                    let mut base = self.base(index, kind.unwrap_or(LeakKind::Read));
                    if renamed.is_some() {
                        // Renamed column by column: which name is the tombstone is unknown.
                        base.column = None;
                    }
                    vec![base]
                } else {
                    Vec::new()
                };
                rels.push(Rel {
                    qualifier,
                    renamed,
                    pendings,
                });
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let pendings = self.query(subquery);
                rels.push(Rel {
                    qualifier: alias.as_ref().map(|a| self.dialect.fold(&a.name)),
                    renamed: alias.as_ref().and_then(|a| renamed(a, self.dialect)),
                    pendings,
                });
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let start = rels.len();
                self.from_item(table_with_joins, rels, filters, kind);
                if let Some(alias) = alias {
                    let qualifier = self.dialect.fold(&alias.name);
                    for rel in &mut rels[start..] {
                        rel.qualifier = Some(qualifier.clone());
                    }
                }
            }
            other => {
                // Table functions, UNNEST, PIVOT...: their arguments may hold subqueries.
                self.subqueries(other, rels);
                rels.push(Rel {
                    qualifier: None,
                    renamed: None,
                    pendings: Vec::new(),
                });
            }
        }
    }

    /// The CTE in scope that an unqualified `name` means: `Some(pendings)` (`None` inside its
    /// own recursive body).
    fn cte(&self, name: &ObjectName) -> Option<Option<Vec<Pending>>> {
        if name.0.len() != 1 {
            return None;
        }
        let folded = self.dialect.fold(last(name)?);
        let &at = self.cte_index.get(&folded)?.last()?;
        Some(self.ctes[at].1.clone())
    }

    /// The watched table `name` means, if any.
    fn table(&self, name: &ObjectName) -> Option<usize> {
        let idents: Vec<&Ident> = name
            .0
            .iter()
            .filter_map(|part| match part {
                ObjectNamePart::Identifier(ident) => Some(ident),
                ObjectNamePart::Function(_) => None,
            })
            .collect();
        let (&table, rest) = idents.split_last()?;
        let table = self.dialect.fold(table);
        let schema = rest.last().map(|s| self.dialect.fold(s));
        self.names.iter().position(|(w_schema, w_table, _, _)| {
            *w_table == table
                && match (w_schema, &schema) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        })
    }

    // ---- predicates ----

    /// Applies predicate `expr` to the relations `filtered` of `rels`: only to those its
    /// columns name (looked up by qualifier and column, so a join's `ON` costs what it
    /// mentions, not what precedes it), or to every one when it is a constant.
    fn filter(&self, expr: &Expr, rels: &mut [Rel], filtered: core::ops::Range<usize>) {
        let index = qualifier_index(rels);
        self.filter_indexed(expr, rels, filtered, &index);
    }

    fn filter_indexed(
        &self,
        expr: &Expr,
        rels: &mut [Rel],
        filtered: core::ops::Range<usize>,
        index: &HashMap<String, Vec<usize>>,
    ) {
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        if is_literal(expr) {
            for n in filtered.clone() {
                candidates.extend((0..rels[n].pendings.len()).map(|m| (n, m)));
            }
        } else {
            let mentioned = columns(expr, self.dialect);
            if mentioned.is_empty() {
                return;
            }
            let mut qualifiers: Vec<&str> = Vec::new();
            let mut unqualified: std::collections::HashSet<&str> = std::collections::HashSet::new();
            for (qualifier, column) in &mentioned {
                match qualifier {
                    Some(q) => qualifiers.push(q.as_str()),
                    None => {
                        unqualified.insert(column.as_str());
                    }
                }
            }
            // Qualified names through the scope's index: a join's `ON` costs what it names.
            for q in qualifiers {
                for &n in index.get(q).map_or(&[][..], Vec::as_slice) {
                    if filtered.contains(&n) && !candidates.iter().any(|&(c, _)| c == n) {
                        candidates.extend((0..rels[n].pendings.len()).map(|m| (n, m)));
                    }
                }
            }
            // Unqualified names: every relation of the range that may have the column.
            if !unqualified.is_empty() {
                for n in filtered.clone() {
                    let rel = &rels[n];
                    let by_column = rel.renamed.is_some()
                        || rel.pendings.iter().any(|p| {
                            p.column.as_deref().is_some_and(|c| unqualified.contains(c))
                                || unqualified.contains(self.names[p.watched].3.as_str())
                        });
                    if by_column && !candidates.iter().any(|&(c, _)| c == n) {
                        candidates.extend((0..rel.pendings.len()).map(|m| (n, m)));
                    }
                }
            }
        }
        let covers: Vec<(usize, usize, Cover)> = candidates
            .into_iter()
            .filter(|&(n, m)| rels[n].pendings[m].cover.rank() < 3)
            .map(|(n, m)| (n, m, self.cover(expr, rels, n, m)))
            .collect();
        for (n, m, cover) in covers {
            let pending = &mut rels[n].pendings[m];
            pending.cover = pending.cover.best(cover);
        }
    }

    /// Whether column `r` may touch `rels[n].pendings[m]`: its tombstone, or any column of a
    /// renamed relation.
    fn touches(&self, r: &ColumnRef, rels: &[Rel], n: usize, m: usize) -> bool {
        if let Some(column) = &rels[n].pendings[m].column
            && self.refers(r, rels, n, column)
        {
            return true;
        }
        self.renamed_mention(r, &rels[n])
    }

    fn renamed_mention(&self, r: &ColumnRef, rel: &Rel) -> bool {
        let Some(columns) = &rel.renamed else {
            return false;
        };
        match &r.0 {
            Some(qualifier) => rel.qualifier.as_ref() == Some(qualifier),
            None => columns.contains(&r.1),
        }
    }

    /// How `expr`, a filter, restricts the tombstone of `rels[n].pendings[m]`.
    fn cover(&self, expr: &Expr, rels: &[Rel], n: usize, m: usize) -> Cover {
        let pending = &rels[n].pendings[m];
        let is_tombstone = |e: &Expr| {
            column_ref(e, self.dialect).is_some_and(|r| {
                pending
                    .column
                    .as_ref()
                    .is_some_and(|c| self.refers(&r, rels, n, c))
            })
        };
        let mentions = |e: &Expr| {
            columns(e, self.dialect)
                .iter()
                .any(|r| self.touches(r, rels, n, m))
        };
        let flag = self.watched[pending.watched].kind == Some(TombstoneKind::Flag);
        match expr {
            Expr::Nested(inner) => self.cover(inner, rels, n, m),
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And,
                right,
            } => {
                // Left-deep chains: walk the spine in a loop.
                let mut cover = self.cover(right, rels, n, m);
                let mut node = &**left;
                while let Expr::BinaryOp {
                    left,
                    op: BinaryOperator::And,
                    right,
                } = node
                {
                    cover = cover.best(self.cover(right, rels, n, m));
                    node = left;
                }
                cover.best(self.cover(node, rels, n, m))
            }
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Or,
                right,
            } => {
                let mut covers = vec![self.cover(right, rels, n, m)];
                let mut node = &**left;
                while let Expr::BinaryOp {
                    left,
                    op: BinaryOperator::Or,
                    right,
                } = node
                {
                    covers.push(self.cover(right, rels, n, m));
                    node = left;
                }
                covers.push(self.cover(node, rels, n, m));
                if covers.iter().all(|c| *c == Cover::Live) {
                    Cover::Live
                } else {
                    covers
                        .into_iter()
                        .reduce(Cover::worst)
                        .unwrap_or(Cover::Open)
                }
            }
            Expr::Value(value) => match value.value {
                Value::Boolean(false) | Value::Null => Cover::Live,
                Value::Number(ref n, _) if n.parse::<f64>() == Ok(0.0) => Cover::Live,
                _ => Cover::Open,
            },
            Expr::IsNull(inner) if is_tombstone(inner) => Cover::Live,
            Expr::IsNotNull(inner) if is_tombstone(inner) => {
                if flag {
                    Cover::Open
                } else {
                    Cover::Deliberate
                }
            }
            Expr::IsFalse(inner) | Expr::IsNotTrue(inner) if is_tombstone(inner) => Cover::Live,
            Expr::IsTrue(inner) | Expr::IsNotFalse(inner) if is_tombstone(inner) => {
                Cover::Deliberate
            }
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr: inner,
            } => {
                if is_tombstone(inner) {
                    return Cover::Live;
                }
                match strip(inner) {
                    Expr::IsNull(e) if is_tombstone(e) => {
                        if flag {
                            Cover::Open
                        } else {
                            Cover::Deliberate
                        }
                    }
                    Expr::IsNotNull(e) if is_tombstone(e) => Cover::Live,
                    e if mentions(e) => Cover::Unsure("the tombstone is tested under a NOT"),
                    _ => Cover::Open,
                }
            }
            Expr::BinaryOp { left, op, right } if is_tombstone(left) || is_tombstone(right) => {
                let other = if is_tombstone(left) { right } else { left };
                let truth = literal_truth(other);
                if mentions(other) || !columns(other, self.dialect).is_empty() {
                    return Cover::Unsure("the tombstone is compared with a column");
                }
                match (op, truth, flag) {
                    (BinaryOperator::Eq, Some(false), _)
                    | (BinaryOperator::NotEq, Some(true), _) => Cover::Live,
                    (BinaryOperator::Eq | BinaryOperator::NotEq, _, true) => Cover::Deliberate,
                    // A timestamp compared with any value: NULL never compares true, so only
                    // tombstoned rows pass (a stamp, a cut-off).
                    (
                        BinaryOperator::Eq
                        | BinaryOperator::NotEq
                        | BinaryOperator::Lt
                        | BinaryOperator::LtEq
                        | BinaryOperator::Gt
                        | BinaryOperator::GtEq,
                        _,
                        false,
                    ) => Cover::Deliberate,
                    _ => Cover::Unsure(
                        "the tombstone is compared in a way the detector cannot judge",
                    ),
                }
            }
            Expr::In {
                expr: inner,
                target: sqlparser::ast::InTarget::Subquery(subquery),
                negated: false,
                ..
            } => {
                if self.live_keys(inner, subquery, rels, n, m) {
                    Cover::Live
                } else if mentions(expr) {
                    Cover::Unsure("the tombstone is tested against a subquery")
                } else {
                    Cover::Open
                }
            }
            Expr::Between { expr: inner, .. } | Expr::In { expr: inner, .. }
                if is_tombstone(inner) && !flag =>
            {
                Cover::Deliberate
            }
            e if mentions(e) && rels[n].renamed.is_some() => {
                Cover::Unsure("the table's columns are renamed by an alias list")
            }
            e if mentions(e) => Cover::Unsure("the tombstone is used in an expression"),
            _ => Cover::Open,
        }
    }

    /// `key IN (SELECT key FROM table WHERE <live>)`, the key of the same watched table.
    fn live_keys(&self, key: &Expr, subquery: &Query, rels: &[Rel], n: usize, m: usize) -> bool {
        let pending = &rels[n].pendings[m];
        let key_name = &self.names[pending.watched].3;
        let Some(r) = column_ref(key, self.dialect) else {
            return false;
        };
        // The key must be the base table's own (not through a derived table).
        if pending.column.as_deref() != Some(self.names[pending.watched].2.as_str())
            || r.1 != *key_name
            || !(r.0.is_none() || r.0 == rels[n].qualifier)
            || rels[n].renamed.is_some()
        {
            return false;
        }
        if subquery.with.is_some() {
            return false;
        }
        let SetExpr::Select(select) = &*subquery.body else {
            return false;
        };
        let [item] = select.from.as_slice() else {
            return false;
        };
        let [SelectItem::UnnamedExpr(projected)] = select.projection.as_slice() else {
            return false;
        };
        if !item.joins.is_empty()
            || column_ref(projected, self.dialect).is_none_or(|p| p.1 != *key_name)
        {
            return false;
        }
        let TableFactor::Table {
            name,
            alias,
            args: None,
            ..
        } = &item.relation
        else {
            return false;
        };
        if self.cte(name).is_some() || self.table(name) != Some(pending.watched) {
            return false;
        }
        let Some(selection) = &select.selection else {
            return false;
        };
        let inner = [Rel {
            qualifier: alias
                .as_ref()
                .map(|a| self.dialect.fold(&a.name))
                .or_else(|| last(name).map(|i| self.dialect.fold(i))),
            renamed: alias.as_ref().and_then(|a| renamed(a, self.dialect)),
            pendings: vec![self.base(pending.watched, LeakKind::Read)],
        }];
        self.cover(selection, &inner, 0, 0) == Cover::Live
    }

    // ---- subqueries in expressions ----

    /// Judges every subquery in `node` (outside derived tables, which `factor` judges).
    fn subqueries<V: Visit + ?Sized>(&mut self, node: &V, _scope: &[Rel]) {
        let mut finder = Subqueries {
            analyser: self,
            depth: 0,
            derived: 0,
        };
        let _ = node.visit(&mut finder);
    }
}

struct Subqueries<'a, 'w> {
    analyser: &'a mut Analyser<'w>,
    /// How many queries deep the visit is.
    depth: usize,
    /// Derived tables entered at depth 0, whose query `factor` judges.
    derived: usize,
}

impl Visitor for Subqueries<'_, '_> {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if self.depth == 0 && matches!(factor, TableFactor::Derived { .. }) {
            self.derived += 1;
        }
        ControlFlow::Continue(())
    }

    fn post_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if self.depth == 0 && matches!(factor, TableFactor::Derived { .. }) {
            self.derived -= 1;
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if self.depth == 0 && self.derived == 0 {
            let pendings = self.analyser.query(query);
            self.analyser.report_all(&pendings);
        }
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        // SQLite's `x IN table`: a read of the whole table.
        if self.depth == 0
            && let Expr::In {
                target: sqlparser::ast::InTarget::Table { name, args: None },
                ..
            } = expr
            && self.analyser.cte(name).is_none()
            && let Some(index) = self.analyser.table(name)
        {
            let pending = self.analyser.base(index, LeakKind::Read);
            self.analyser.report(&pending);
        }
        ControlFlow::Continue(())
    }
}

/// Each qualifier of a scope, with the relations it names.
fn qualifier_index(rels: &[Rel]) -> HashMap<String, Vec<usize>> {
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, rel) in rels.iter().enumerate() {
        if let Some(q) = &rel.qualifier {
            index.entry(q.clone()).or_default().push(n);
        }
    }
    index
}

fn clone_rels(rels: &[Rel]) -> Vec<Rel> {
    rels.iter()
        .map(|rel| Rel {
            qualifier: rel.qualifier.clone(),
            renamed: rel.renamed.clone(),
            pendings: rel.pendings.clone(),
        })
        .collect()
}

fn last(name: &ObjectName) -> Option<&Ident> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(ident),
        ObjectNamePart::Function(_) => None,
    }
}

/// The column alias list of an alias, folded.
fn renamed(alias: &sqlparser::ast::TableAlias, dialect: Dialect) -> Option<Vec<String>> {
    (!alias.columns.is_empty()).then(|| {
        alias
            .columns
            .iter()
            .map(|c| dialect.fold_column(&c.name))
            .collect()
    })
}

fn strip(mut expr: &Expr) -> &Expr {
    while let Expr::Nested(inner) = expr {
        expr = inner;
    }
    expr
}

fn is_literal(expr: &Expr) -> bool {
    matches!(strip(expr), Expr::Value(_))
}

/// `true`, `false`, `1`, `0` as a truth value.
fn literal_truth(expr: &Expr) -> Option<bool> {
    match &strip(expr) {
        Expr::Value(value) => match &value.value {
            Value::Boolean(b) => Some(*b),
            Value::Number(n, _) => n.parse::<f64>().ok().map(|n| n != 0.0),
            _ => None,
        },
        _ => None,
    }
}

/// `expr` as a column reference.
fn column_ref(expr: &Expr, dialect: Dialect) -> Option<ColumnRef> {
    match strip(expr) {
        Expr::Identifier(ident) => Some((None, dialect.fold_column(ident))),
        Expr::CompoundIdentifier(parts) => {
            let (column, rest) = parts.split_last()?;
            Some((
                rest.last().map(|q| dialect.fold(q)),
                dialect.fold_column(column),
            ))
        }
        _ => None,
    }
}

/// Every column `expr` mentions outside its subqueries.
fn columns(expr: &Expr, dialect: Dialect) -> Vec<ColumnRef> {
    struct Columns {
        dialect: Dialect,
        depth: usize,
        found: Vec<ColumnRef>,
    }
    impl Visitor for Columns {
        type Break = ();
        fn pre_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.depth += 1;
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.depth -= 1;
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            if self.depth == 0
                && let Some(r) = column_ref(expr, self.dialect)
                && matches!(expr, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
            {
                self.found.push(r);
            }
            ControlFlow::Continue(())
        }
    }
    let mut visitor = Columns {
        dialect,
        depth: 0,
        found: Vec::new(),
    };
    let _ = expr.visit(&mut visitor);
    visitor.found
}
#[cfg(test)]
mod tests {
    use super::{Dialect, LeakKind, Watched, scan, scan_in};

    fn watched() -> Vec<Watched> {
        vec![
            Watched::new("posts", "deleted_at"),
            Watched::new("comments", "deleted_at"),
            Watched::new("tags", "is_deleted"),
        ]
    }

    /// The leaks of `sql` as `(table, kind)`, read in the first dialect whose parser reads it
    /// (generic SQL, else PostgreSQL's, MySQL's, SQLite's).
    fn leaks(sql: &str) -> Vec<(String, LeakKind)> {
        let mut found = scan(sql, &watched());
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            if !found.iter().any(|leak| leak.kind == LeakKind::Unread) {
                break;
            }
            found = scan_in(dialect, sql, &watched());
        }
        found
            .into_iter()
            .map(|leak| {
                assert_eq!(&*leak.statement, sql.trim());
                (leak.table, leak.kind)
            })
            .collect()
    }

    fn read(table: &str) -> (String, LeakKind) {
        (table.to_owned(), LeakKind::Read)
    }

    fn clean(sql: &str) {
        assert_eq!(leaks(sql), [], "{sql}");
    }

    #[test]
    fn a_bare_read_leaks_and_a_filtered_one_does_not() {
        assert_eq!(leaks("SELECT * FROM posts"), [read("posts")]);
        assert_eq!(leaks("select id from POSTS where id = 1"), [read("posts")]);
        clean("SELECT * FROM posts WHERE deleted_at IS NULL");
        clean("SELECT * FROM posts WHERE posts.deleted_at IS NOT NULL");
        clean("SELECT * FROM users");
        clean("SELECT 1");
        clean("");
        assert_eq!(scan("SELECT * FROM posts", &[]), []);
    }

    #[test]
    fn the_three_quoting_styles() {
        clean(r#"SELECT "posts"."id" FROM "posts" WHERE ("posts"."deleted_at" IS NULL)"#);
        clean("SELECT `posts`.`id` FROM `posts` WHERE (`posts`.`deleted_at` IS NULL)");
        clean("SELECT posts.id FROM posts WHERE (posts.deleted_at IS NULL)");
        assert_eq!(
            leaks(r#"SELECT "posts"."id" FROM "posts""#),
            [read("posts")]
        );
        assert_eq!(leaks("SELECT `posts`.`id` FROM `posts`"), [read("posts")]);
        // Quoted names may hold anything, doubled quotes included.
        assert_eq!(
            leaks(r#"SELECT "a""b" FROM "posts" WHERE "we""ird" = 1"#),
            [read("posts")]
        );
        assert_eq!(leaks("SELECT `a``b` FROM `posts`"), [read("posts")]);
    }

    #[test]
    fn counts() {
        assert_eq!(leaks(r#"SELECT COUNT(*) FROM "posts""#), [read("posts")]);
        assert_eq!(
            leaks(r#"SELECT COUNT(DISTINCT "posts"."deleted_at") FROM "posts""#),
            [read("posts")]
        );
        clean(r#"SELECT COUNT(*) FROM "posts" WHERE ("posts"."deleted_at" IS NULL)"#);
        assert_eq!(
            leaks("SELECT author_id, COUNT(*) FROM posts GROUP BY author_id HAVING COUNT(*) > 1"),
            [read("posts")]
        );
        // A tombstone inside an aggregate: the detector cannot judge it.
        assert_eq!(
            leaks(
                "SELECT author_id, COUNT(*) FROM posts GROUP BY author_id \
                 HAVING MAX(deleted_at) IS NULL"
            ),
            [("posts".to_owned(), LeakKind::Unsure)]
        );
        // Every output an aggregate filtered to live rows: nothing leaks.
        clean("SELECT COUNT(*) FILTER (WHERE deleted_at IS NULL) FROM posts");
        assert_eq!(
            leaks("SELECT COUNT(*) FILTER (WHERE deleted_at IS NULL), COUNT(*) FROM posts"),
            [read("posts")]
        );
    }

    #[test]
    fn joins_filtering_one_side_leak_the_other() {
        // Diesel's rendering: the join in parentheses, the filter in WHERE.
        assert_eq!(
            leaks(
                r#"SELECT "comments"."id" FROM ("comments" INNER JOIN "posts" ON ("comments"."post_id" = "posts"."id")) WHERE ("comments"."deleted_at" IS NULL)"#
            ),
            [read("posts")]
        );
        assert_eq!(
            leaks(
                "SELECT c.id FROM comments c LEFT OUTER JOIN posts p ON p.id = c.post_id \
                 AND p.deleted_at IS NULL"
            ),
            [read("comments")]
        );
        assert_eq!(
            leaks("SELECT * FROM comments c JOIN posts p ON p.id = c.post_id"),
            [read("comments"), read("posts")]
        );
        clean(
            "SELECT c.id FROM comments c LEFT JOIN posts p ON p.id = c.post_id \
             AND p.deleted_at IS NULL WHERE c.deleted_at IS NULL",
        );
        clean(
            r#"SELECT "comments"."id" FROM ("comments" INNER JOIN "posts" ON ("comments"."post_id" = "posts"."id")) WHERE (("comments"."deleted_at" IS NULL) AND ("posts"."deleted_at" IS NULL))"#,
        );
        // Nested parenthesised joins, as Diesel writes a join of a join.
        assert_eq!(
            leaks(
                "SELECT COUNT(*) FROM (tags INNER JOIN (comments INNER JOIN posts ON \
                 (comments.post_id = posts.id)) ON (tags.comment_id = comments.id)) \
                 WHERE ((tags.is_deleted = ?) AND (comments.deleted_at IS NULL))"
            ),
            [read("posts")]
        );
        // Comma joins, CROSS and NATURAL joins.
        assert_eq!(
            leaks("SELECT * FROM posts p, comments c WHERE c.deleted_at IS NULL"),
            [read("posts")]
        );
        assert_eq!(
            leaks("SELECT * FROM users CROSS JOIN posts NATURAL JOIN comments"),
            [read("posts"), read("comments")]
        );
        clean("SELECT * FROM posts JOIN users USING (id) WHERE posts.deleted_at IS NULL");
    }

    #[test]
    fn a_tombstone_must_be_qualified_by_the_references_own_name() {
        // Aliased: the alias qualifies, not the table name.
        assert_eq!(
            leaks("SELECT * FROM posts AS p WHERE posts.deleted_at IS NULL"),
            [read("posts")]
        );
        clean("SELECT * FROM posts AS p WHERE p.deleted_at IS NULL");
        clean("SELECT * FROM posts p WHERE P.DELETED_AT IS NULL");
        // Another table's tombstone does not cover.
        assert_eq!(
            leaks(
                "SELECT * FROM posts JOIN comments ON comments.post_id = posts.id WHERE comments.deleted_at IS NULL"
            ),
            [read("posts")]
        );
        // Unqualified covers when no other watched reference has a column of that name.
        clean(
            "SELECT * FROM posts JOIN users ON users.id = posts.author_id WHERE deleted_at IS NULL",
        );
        clean(
            "SELECT * FROM posts JOIN tags ON tags.post_id = posts.id WHERE deleted_at IS NULL AND is_deleted = false",
        );
        // Ambiguous (every database refuses it): taken as filtering each candidate.
        clean(
            "SELECT * FROM posts JOIN comments ON comments.post_id = posts.id WHERE deleted_at IS NULL",
        );
        // A self join needs each side filtered.
        assert_eq!(
            leaks(
                "SELECT * FROM posts a JOIN posts b ON a.parent_id = b.id WHERE a.deleted_at IS NULL"
            ),
            [read("posts")]
        );
    }

    #[test]
    fn a_mention_outside_a_predicate_does_not_cover() {
        // The select list, as `posts::table.select(Post::as_select())` renders it.
        assert_eq!(
            leaks(r#"SELECT "posts"."id", "posts"."deleted_at" FROM "posts""#),
            [read("posts")]
        );
        assert_eq!(
            leaks("SELECT * FROM posts ORDER BY deleted_at"),
            [read("posts")]
        );
        assert_eq!(
            leaks("SELECT * FROM posts GROUP BY deleted_at"),
            [read("posts")]
        );
        // The SET list of an update.
        assert_eq!(
            leaks("UPDATE posts SET deleted_at = NULL WHERE id = 1"),
            [("posts".to_owned(), LeakKind::Update)]
        );
        // A comment or a string is no mention.
        assert_eq!(
            leaks("SELECT * FROM posts WHERE id = 1 -- AND deleted_at IS NULL"),
            [read("posts")]
        );
        assert_eq!(
            leaks("SELECT * FROM posts WHERE /* deleted_at IS NULL */ id = 1"),
            [read("posts")]
        );
        assert_eq!(
            leaks("SELECT * FROM posts WHERE title = 'deleted_at IS NULL'"),
            [read("posts")]
        );
    }

    #[test]
    fn strings_holding_keywords_are_values() {
        clean("SELECT * FROM users WHERE bio = 'I read FROM posts JOIN comments'");
        clean("SELECT * FROM users WHERE bio = 'it''s FROM posts'");
        clean("SELECT * FROM users WHERE bio = E'it\\'s FROM posts'");
        clean("SELECT $$ FROM posts $$ FROM users");
        clean("SELECT $body$ FROM posts; $ $body$ FROM users");
        clean("SELECT * FROM users WHERE id = $1 AND name = ?");
        assert_eq!(
            leaks("SELECT 'FROM users' FROM posts WHERE x = 'WHERE deleted_at IS NULL'"),
            [read("posts")]
        );
    }

    #[test]
    fn subqueries_are_scopes_of_their_own() {
        assert_eq!(
            leaks(
                r#"SELECT "comments"."id" FROM "comments" WHERE (("comments"."deleted_at" IS NULL) AND ("comments"."post_id" IN (SELECT "posts"."id" FROM "posts")))"#
            ),
            [read("posts")]
        );
        // A tombstone in the outer scope does not cover the subquery's table, nor the other
        // way round.
        assert_eq!(
            leaks(
                "SELECT * FROM comments WHERE post_id IN (SELECT id FROM posts) \
                 AND deleted_at IS NULL"
            ),
            [read("posts")]
        );
        assert_eq!(
            leaks(
                "SELECT * FROM comments WHERE post_id IN (SELECT id FROM posts WHERE deleted_at IS NULL)"
            ),
            [read("comments")]
        );
        assert_eq!(
            leaks(
                "SELECT * FROM posts p WHERE p.deleted_at IS NULL AND EXISTS \
                 (SELECT 1 FROM comments c WHERE c.post_id = p.id)"
            ),
            [read("comments")]
        );
        assert_eq!(
            leaks(
                "SELECT * FROM posts p WHERE p.deleted_at IS NULL AND NOT EXISTS \
                 (SELECT 1 FROM comments c WHERE c.post_id = p.id AND c.deleted_at IS NULL)"
            ),
            []
        );
        // In the select list.
        assert_eq!(
            leaks(
                "SELECT p.id, (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id) AS n \
                 FROM posts p WHERE p.deleted_at IS NULL"
            ),
            [read("comments")]
        );
        // A derived table that passes the tombstone through is filtered by the outer query.
        clean("SELECT * FROM (SELECT * FROM posts) AS sub WHERE sub.deleted_at IS NULL");
        clean(
            "SELECT * FROM (SELECT id, deleted_at AS gone FROM posts) AS sub WHERE sub.gone IS NULL",
        );
        assert_eq!(
            leaks("SELECT * FROM (SELECT id FROM posts) AS sub WHERE sub.id > 0"),
            [read("posts")]
        );
        clean("SELECT * FROM (SELECT * FROM posts WHERE deleted_at IS NULL) sub");
        // PostgreSQL's `= ANY (SELECT ...)`, a scalar subquery in a comparison.
        assert_eq!(
            leaks(
                "SELECT * FROM comments WHERE deleted_at IS NULL AND post_id = ANY (SELECT id FROM posts)"
            ),
            [read("posts")]
        );
        assert_eq!(
            leaks(
                "SELECT * FROM comments WHERE deleted_at IS NULL AND (post_id = (SELECT MAX(id) FROM posts) OR id = 1)"
            ),
            [read("posts")]
        );
    }

    #[test]
    fn set_operations_split_scopes() {
        assert_eq!(
            leaks("SELECT id FROM posts WHERE deleted_at IS NULL UNION ALL SELECT id FROM posts"),
            [read("posts")]
        );
        assert_eq!(
            leaks("SELECT id FROM posts UNION SELECT id FROM comments WHERE deleted_at IS NULL"),
            [read("posts")]
        );
        assert_eq!(
            leaks(
                "(SELECT id FROM posts) INTERSECT (SELECT id FROM comments) EXCEPT SELECT id FROM tags"
            ),
            [read("posts"), read("comments"), read("tags")]
        );
    }

    #[test]
    fn common_table_expressions() {
        // The body is a scope; the CTE's name is no table.
        assert_eq!(
            leaks("WITH recent AS (SELECT * FROM posts) SELECT * FROM recent"),
            [read("posts")]
        );
        clean("WITH recent AS (SELECT * FROM posts WHERE deleted_at IS NULL) SELECT * FROM recent");
        // A CTE named like a watched table hides it.
        clean(
            "WITH posts AS (SELECT * FROM archive) SELECT * FROM posts JOIN users ON users.id = posts.author_id",
        );
        // Several, with column lists and MATERIALIZED.
        assert_eq!(
            leaks(
                "WITH a (x) AS MATERIALIZED (SELECT id FROM posts WHERE deleted_at IS NULL), \
                 b AS NOT MATERIALIZED (SELECT id FROM comments) \
                 SELECT * FROM a JOIN b ON a.x = b.id"
            ),
            [read("comments")]
        );
        // Recursive: each branch of the UNION is a scope.
        let tree = "WITH RECURSIVE tree (id) AS (SELECT id FROM comments WHERE parent_id = 1 \
                    AND deleted_at IS NULL UNION SELECT c.id FROM comments c INNER JOIN tree \
                    ON c.parent_id = tree.id) SELECT id FROM tree";
        assert_eq!(leaks(tree), [read("comments")]);
        clean(
            "WITH RECURSIVE tree (id) AS (SELECT id FROM comments WHERE parent_id = 1 \
             AND deleted_at IS NULL UNION SELECT c.id FROM comments c INNER JOIN tree \
             ON c.parent_id = tree.id WHERE c.deleted_at IS NULL) SELECT id FROM tree",
        );
        // `WITH` that is no CTE list.
        assert_eq!(
            leaks("SELECT CAST(x AS TIMESTAMP WITH TIME ZONE) FROM posts"),
            [read("posts")]
        );
    }

    #[test]
    fn aliases_and_schemas() {
        clean(r#"SELECT * FROM "public"."posts" AS "p" WHERE "p"."deleted_at" IS NULL"#);
        clean("SELECT * FROM `app`.`posts` WHERE `app`.`posts`.`deleted_at` IS NULL");
        clean("SELECT * FROM app.posts WHERE posts.deleted_at IS NULL");
        assert_eq!(leaks("SELECT * FROM public.posts"), [read("posts")]);
        assert_eq!(leaks("SELECT * FROM ONLY posts"), [read("posts")]);
        // A watched name with a schema matches that schema, and unqualified references.
        let archive = [Watched::new("archive.posts", "deleted_at")];
        assert_eq!(scan("SELECT * FROM archive.posts", &archive).len(), 1);
        assert_eq!(scan("SELECT * FROM posts", &archive).len(), 1);
        assert_eq!(scan("SELECT * FROM public.posts", &archive).len(), 0);
        // A function in a table position is no table.
        clean("SELECT * FROM generate_series(1, 3) AS posts");
        assert_eq!(
            leaks("SELECT * FROM unnest((SELECT ARRAY_AGG(id) FROM posts)) AS ids"),
            [read("posts")]
        );
    }

    #[test]
    fn updates_and_deletes() {
        let update = || ("posts".to_owned(), LeakKind::Update);
        let delete = || ("posts".to_owned(), LeakKind::Delete);
        assert_eq!(leaks("UPDATE posts SET title = 'x'"), [update()]);
        assert_eq!(leaks("UPDATE posts SET title = ? WHERE id = ?"), [update()]);
        clean("UPDATE posts SET title = ? WHERE id = ? AND deleted_at IS NULL");
        assert_eq!(leaks("DELETE FROM posts"), [delete()]);
        assert_eq!(
            leaks(r#"DELETE FROM "posts" WHERE "posts"."id" = $1"#),
            [delete()]
        );
        clean(r#"DELETE FROM "posts" WHERE "posts"."deleted_at" < $1"#);
        assert_eq!(leaks("TRUNCATE TABLE posts, users"), [delete()]);
        // The subquery of an update is a read.
        assert_eq!(
            leaks(
                "UPDATE comments SET deleted_at = ? WHERE deleted_at IS NULL AND post_id IN \
                 (SELECT id FROM posts WHERE author_id = ?)"
            ),
            [read("posts")]
        );
        // PostgreSQL's `UPDATE ... FROM` and `DELETE ... USING`; MySQL's multi-table forms.
        assert_eq!(
            leaks(
                "UPDATE posts SET n = c.n FROM comments c WHERE posts.deleted_at IS NULL AND c.post_id = posts.id"
            ),
            [read("comments")]
        );
        assert_eq!(
            leaks("DELETE FROM users USING posts WHERE posts.author_id = users.id"),
            [read("posts")]
        );
        assert_eq!(
            leaks("DELETE p FROM posts p JOIN users u ON u.id = p.author_id WHERE u.banned"),
            [delete()]
        );
        assert_eq!(
            leaks(
                "UPDATE posts p JOIN comments c ON c.post_id = p.id SET p.n = 1 WHERE c.deleted_at IS NULL"
            ),
            [update()]
        );
        // With a CTE first.
        assert_eq!(
            leaks(
                "WITH old AS (SELECT id FROM users) UPDATE posts SET x = 1 WHERE author_id IN (SELECT id FROM old)"
            ),
            [("posts".to_owned(), LeakKind::Update)]
        );
    }

    #[test]
    fn inserts_scan_only_their_select() {
        clean("INSERT INTO posts (id, title) VALUES (?, ?)");
        clean(
            r#"INSERT INTO "posts" ("id", "title") VALUES ($1, $2), ($3, $4) RETURNING "posts"."id""#,
        );
        // An upsert may update a tombstoned row: unsure, unless its condition keeps live rows.
        let unsure = [("posts".to_owned(), LeakKind::Unsure)];
        assert_eq!(
            leaks(
                "INSERT INTO posts (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET title = excluded.title"
            ),
            unsure
        );
        clean(
            "INSERT INTO posts (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET title = excluded.title \
             WHERE posts.deleted_at IS NULL",
        );
        clean("INSERT INTO posts (id) VALUES (1) ON CONFLICT (id) DO NOTHING");
        assert_eq!(
            leaks(
                "INSERT INTO posts (id) VALUES (1) ON DUPLICATE KEY UPDATE title = VALUES(title)"
            ),
            unsure
        );
        assert_eq!(
            leaks("INSERT INTO archive (id) SELECT id FROM posts"),
            [read("posts")]
        );
        clean("INSERT INTO archive (id) SELECT id FROM posts WHERE deleted_at IS NOT NULL");
        // Assignments after `ON DUPLICATE KEY UPDATE` cover nothing.
        assert_eq!(
            leaks(
                "INSERT INTO archive (id) SELECT id FROM posts ON DUPLICATE KEY UPDATE \
                 deleted_at = NULL"
            ),
            [read("posts")]
        );
    }

    #[test]
    fn locking_clauses_and_other_statements() {
        clean(
            r#"SELECT "posts"."deleted_at" FROM "posts" WHERE "posts"."id" = $1 AND (("posts"."deleted_at" IS NULL) OR ("posts"."deleted_at" IS NOT NULL)) FOR UPDATE"#,
        );
        clean("SELECT id FROM posts WHERE deleted_at IS NULL FOR UPDATE OF posts NOWAIT");
        clean("SELECT id FROM posts WHERE deleted_at IS NULL LOCK IN SHARE MODE");
        clean("SELECT id FROM posts WHERE deleted_at IS NULL FOR SHARE");
        for statement in [
            "BEGIN",
            "SAVEPOINT diesel_savepoint_1",
            "RELEASE SAVEPOINT diesel_savepoint_1",
            "COMMIT",
            "CREATE TABLE posts (id INTEGER PRIMARY KEY, deleted_at TIMESTAMP)",
            "CREATE INDEX posts_live ON posts (slug) WHERE deleted_at IS NULL",
            "CREATE TRIGGER t BEFORE UPDATE OF deleted_at ON posts FOR EACH ROW \
             WHEN (NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION f()",
            "ALTER TABLE posts ADD COLUMN deleted_by INTEGER",
            "DROP TABLE posts",
            "SET search_path TO sdt_1",
        ] {
            clean(statement);
        }
        // DISTINCT ON is a select list, not a predicate.
        assert_eq!(
            leaks("SELECT DISTINCT ON (deleted_at) id FROM posts"),
            [read("posts")]
        );
    }

    #[test]
    fn several_statements_are_scanned_each() {
        assert_eq!(
            leaks(
                "SELECT * FROM posts WHERE deleted_at IS NULL; SELECT * FROM comments; DELETE FROM tags"
            ),
            [read("comments"), ("tags".to_owned(), LeakKind::Delete)]
        );
    }

    #[test]
    fn malformed_sql_never_panics() {
        for sql in [
            "SELECT * FROM (posts",
            "SELECT * FROM posts)) WHERE",
            "SELECT * FROM 'unterminated",
            "SELECT * FROM \"unterminated",
            "SELECT $tag$ unterminated",
            "FROM",
            "JOIN ON WHERE ,,, ((( )))",
            "WITH",
            "WITH x AS",
            "SELECT * FROM posts AS",
            "UPDATE",
            "DELETE FROM",
            "SELECT /* unterminated",
            "SELECT * FROM `a`.`",
            "SELECT é FROM ünïcode WHERE ß = 'ü'",
        ] {
            let _ = scan(sql, &watched());
        }
        assert_eq!(
            scan("SELECT * FROM (posts", &watched())[0].kind,
            LeakKind::Unread
        );
        // Deep nesting neither overflows the stack nor goes unreported: past the parser's
        // limit, the statement is unread.
        let deep = format!(
            "SELECT * FROM posts WHERE id IN {}1{}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        assert_eq!(scan(&deep, &watched())[0].kind, LeakKind::Unread);
        let deep = format!("{}SELECT 1{}", "(".repeat(50_000), ")".repeat(50_000));
        assert_eq!(leaks(&deep), []);
    }

    /// The statements the crate's own operations run, as they render on PostgreSQL (MySQL and
    /// SQLite differ only in quotes and placeholders).
    #[test]
    fn the_crates_own_statement_shapes_are_clean() {
        let watched = [
            Watched::new("hub_repos", "deleted_at"),
            Watched::new("hub_issues", "deleted_at"),
            Watched::new("hub_issue_comments", "is_deleted"),
            Watched::new("comments", "deleted_at"),
        ];
        for sql in CRATE_STATEMENTS {
            assert_eq!(scan(sql, &watched), [], "{sql}");
            let backticks = sql.replace('"', "`");
            assert_eq!(scan(&backticks, &watched), [], "{backticks}");
        }
    }

    const CRATE_STATEMENTS: &[&str] = &[
        // scope::active, only_deleted, with_deleted
        r#"SELECT "hub_repos"."id" FROM "hub_repos" WHERE ("hub_repos"."deleted_at" IS NULL)"#,
        r#"SELECT "hub_repos"."id" FROM "hub_repos" WHERE ("hub_repos"."deleted_at" IS NOT NULL)"#,
        r#"SELECT COUNT(*) FROM "hub_repos" WHERE (("hub_repos"."deleted_at" IS NULL) OR ("hub_repos"."deleted_at" IS NOT NULL))"#,
        r#"SELECT COUNT(*) FROM "hub_issue_comments" WHERE (("hub_issue_comments"."is_deleted" = $1) OR ("hub_issue_comments"."is_deleted" = $2))"#,
        // ops::lock: the rows to tombstone, locked
        r#"SELECT COUNT(*) FROM (SELECT 1 AS "soft_delete_row" FROM "hub_repos" WHERE (("hub_repos"."id" = $1)) AND ("hub_repos"."deleted_at" IS NULL) FOR UPDATE) "soft_delete_locked""#,
        // A cascade edge: the live children of the rows tombstoned above
        r#"UPDATE "hub_issues" SET "deleted_at" = $1, "deleted_by" = $2 WHERE ("hub_issues"."deleted_at" IS NULL) AND "hub_issues"."repo_id" IN (SELECT "hub_repos"."id" FROM "hub_repos" WHERE (("hub_repos"."id" = $3)) AND ("hub_repos"."deleted_at" IS NULL))"#,
        // The flag ledger
        r#"INSERT INTO "soft_delete_flag_stamps" ("table_name", "row_key", "stamp") SELECT $1, CAST("hub_issue_comments"."id" AS TEXT), $2 FROM "hub_issue_comments" WHERE ("hub_issue_comments"."is_deleted" = $3) AND "hub_issue_comments"."issue_id" IN (SELECT "hub_issues"."id" FROM "hub_issues" WHERE ("hub_issues"."deleted_at" IS NULL) AND "hub_issues"."repo_id" IN (SELECT "hub_repos"."id" FROM "hub_repos" WHERE (("hub_repos"."id" = $4)) AND ("hub_repos"."deleted_at" IS NULL)))"#,
        r#"SELECT MAX("stamp") FROM "soft_delete_flag_stamps" WHERE "table_name" = $1 AND "row_key" IN (SELECT CAST("hub_issue_comments"."id" AS TEXT) FROM "hub_issue_comments" WHERE "hub_issue_comments"."id" = $2 AND (("hub_issue_comments"."is_deleted" = $3) OR ("hub_issue_comments"."is_deleted" = $4)))"#,
        // ModelOn::find and the parent checks
        r#"SELECT "hub_issues"."deleted_at" FROM "hub_issues" WHERE "hub_issues"."id" = $1 AND (("hub_issues"."deleted_at" IS NULL) OR ("hub_issues"."deleted_at" IS NOT NULL)) FOR UPDATE"#,
        r#"SELECT "hub_repos"."id" FROM "hub_repos" WHERE ("hub_repos"."deleted_at" IS NOT NULL) AND "hub_repos"."id" IN (SELECT "hub_issues"."repo_id" FROM "hub_issues" WHERE "hub_issues"."id" = $1 AND (("hub_issues"."deleted_at" IS NULL) OR ("hub_issues"."deleted_at" IS NOT NULL))) FOR SHARE"#,
        // A restricting edge to a soft child
        r#"SELECT COUNT(*) FROM "hub_issues" WHERE "hub_issues"."repo_id" IN (SELECT "hub_repos"."id" FROM "hub_repos" WHERE (("hub_repos"."id" = $1)) AND ("hub_repos"."deleted_at" IS NULL)) AND "hub_issues"."deleted_at" IS NULL"#,
        // A tree: the live subtree, by a recursive query
        r#"UPDATE "comments" SET "deleted_at" = $1 WHERE ("comments"."deleted_at" IS NULL) AND "comments"."id" IN (SELECT "soft_delete_key" FROM (WITH RECURSIVE "soft_delete_tree" ("soft_delete_key") AS (SELECT "comments"."id" FROM "comments" WHERE ("comments"."deleted_at" IS NULL) AND "comments"."parent_id" IN (SELECT "comments"."id" FROM "comments" WHERE (("comments"."id" = $2)) AND ("comments"."deleted_at" IS NULL)) UNION SELECT "comments"."id" FROM "comments" INNER JOIN "soft_delete_tree" ON "comments"."parent_id" = "soft_delete_tree"."soft_delete_key" WHERE ("comments"."deleted_at" IS NULL)) SELECT "soft_delete_key" FROM "soft_delete_tree") "soft_delete_subtree") AND NOT ((("comments"."id" = $3)) AND ("comments"."deleted_at" IS NULL))"#,
        // Restore by stamp
        r#"UPDATE "hub_issues" SET "deleted_at" = $1, "deleted_by" = $2 WHERE "hub_issues"."deleted_at" = $3 AND "hub_issues"."repo_id" IN (SELECT "hub_repos"."id" FROM "hub_repos" WHERE (("hub_repos"."id" = $4)) AND ("hub_repos"."deleted_at" IS NOT NULL))"#,
    ];
}
