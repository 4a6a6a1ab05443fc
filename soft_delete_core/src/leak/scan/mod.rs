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
use std::sync::Arc;

use sqlparser::ast::Ident;

use crate::model::TombstoneKind;
use parse::analyse;

mod analyser;
mod cover;
mod parse;
#[cfg(test)]
mod tests;

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
