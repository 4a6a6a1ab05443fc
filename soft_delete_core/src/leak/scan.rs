//! The scanner: which table references of an SQL statement lack their tombstone predicate.
//!
//! This is not an SQL parser. It tokenizes the statement, nests it by parentheses, splits it
//! into scopes (each `SELECT` block, each subquery, each branch of a `UNION`) and in each scope
//! looks at two things only: the tables the scope reads or writes (after `FROM`, `JOIN`, in a
//! comma-separated `FROM` list, after `UPDATE`, `DELETE FROM`, `TRUNCATE`), and the columns its
//! predicates (`WHERE`, `ON`, `HAVING`) mention. A reference to a watched table is covered when
//! a predicate of its own scope mentions the table's tombstone column. See
//! [`scan`] for the rules and their blind spots.

use core::fmt;

/// A soft-deletable table the scanner watches: its name and its tombstone column.
///
/// Names compare case-insensitively. A `table` written `schema.table` matches references to
/// that table in that schema, and unqualified references to the table.
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
        }
    }

    /// `(schema, table)` of the watched name.
    fn parts(&self) -> (Option<&str>, &str) {
        match self.table.rsplit_once('.') {
            Some((schema, table)) => (Some(schema), table),
            None => (None, &self.table),
        }
    }
}

/// What a leaking statement does to the table it leaks.
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
    /// An `UPDATE` of the table without its tombstone predicate: deleted rows are written to.
    Update,
    /// A `DELETE` (or `TRUNCATE`) of the table without its tombstone predicate: rows go for
    /// real, tombstoned or not.
    Delete,
}

impl fmt::Display for LeakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LeakKind::Read => "read",
            LeakKind::Update => "update",
            LeakKind::Delete => "delete",
        })
    }
}

/// One reference to a watched table that no predicate of its scope filters by the table's
/// tombstone.
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
    /// The statement, as it was scanned (SQL text, without bound values).
    pub statement: String,
    /// What the statement does to the table.
    pub kind: LeakKind,
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of `{}` without its tombstone predicate (`{}`): {}",
            self.kind, self.table, self.tombstone, self.statement
        )
    }
}

pub use crate::sql::EVERY_ROW;

/// The references to watched tables in `sql` that lack their tombstone predicate, one [`Leak`]
/// per reference: statement by statement, each scope's own before those of the subqueries
/// inside it.
///
/// `sql` is one or more statements as a connection runs them (separated by `;`), with
/// identifiers bare, in `"double quotes"` (PostgreSQL, SQLite) or in `` `backticks` `` (MySQL
/// and SQLite as Diesel renders them), and with placeholders (`$1`, `?`) or literals for
/// values.
///
/// # Rules
///
/// - **Scopes.** Each `SELECT` block is a scope; a parenthesised subquery (a parenthesis that
///   starts with `SELECT` or `WITH`: `IN (SELECT ...)`, `EXISTS (...)`, a derived table, a
///   common table expression's body) is a scope of its own, and so is each branch of a
///   `UNION`, `INTERSECT` or `EXCEPT`. Other parentheses (`(a OR b)`, `IN (1, 2)`, function
///   calls, a parenthesised join) belong to the scope they sit in.
/// - **References.** A table after `FROM`, after any `JOIN`, in a comma-separated `FROM` list,
///   after a statement's `UPDATE`, `DELETE FROM` (and MySQL's `DELETE t FROM ...`, PostgreSQL's
///   `DELETE ... USING`) or `TRUNCATE`, optionally schema-qualified and optionally aliased
///   (`AS p`, or a bare `p` that is not a keyword). A name followed by parentheses is a
///   function (`generate_series(...)`), not a table; an unqualified name that a `WITH` clause
///   of the statement defines is the common table expression, not the table. The target of an
///   `INSERT` is no reference (its `SELECT`, if any, is scanned).
/// - **Coverage.** A reference is covered when a predicate of its own scope (`WHERE`, `ON`,
///   `HAVING`, including parentheses that are not subqueries) mentions the table's tombstone
///   column, qualified by the reference's alias (or by its table name when it has no alias), or
///   unqualified when no other reference of the scope is to a watched table with a tombstone
///   column of the same name. A mention in the select list, a `SET` list, `GROUP BY` or
///   `ORDER BY` does not cover. Names compare case-insensitively.
/// - **Kinds.** The first reference of an `UPDATE` is an [`LeakKind::Update`], the first of a
///   `DELETE` and every one of a `TRUNCATE` a [`LeakKind::Delete`]; every other reference is a
///   [`LeakKind::Read`].
///
/// # Blind spots
///
/// The scanner checks that the tombstone is *mentioned*, not what the predicate means:
/// `deleted_at IS NULL OR TRUE` covers, and so does `deleted_at IS NOT NULL` (on purpose:
/// that is the trash). A tombstone filtered only in another scope does not cover: a
/// correlated subquery that filters the outer table, or an outer `WHERE` over a derived table
/// (`SELECT * FROM (SELECT * FROM posts) p WHERE p.deleted_at IS NULL`) are reported. Views,
/// functions and triggers hide the tables they read. A statement that begins with the
/// comment [`EVERY_ROW`] reads every row on purpose and is never reported. Common table expression names are
/// collected for the whole statement, so a CTE named like a watched table hides that table
/// everywhere in the statement. String literals follow standard SQL (`''` escapes a quote);
/// MySQL's backslash escapes outside `E'...'` strings and its double-quoted strings are not
/// recognised. PostgreSQL's `TABLE name` shorthand is not a reference.
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
///
/// // Both sides filtered: clean.
/// assert!(scan(
///     "SELECT c.body FROM comments c JOIN posts p ON p.id = c.post_id AND p.deleted_at IS NULL \
///      WHERE c.deleted_at IS NULL",
///     &watched,
/// )
/// .is_empty());
/// ```
#[must_use]
pub fn scan(sql: &str, watched: &[Watched]) -> Vec<Leak> {
    let mut leaks = Vec::new();
    if watched.is_empty() || sql.trim_start().starts_with(EVERY_ROW) {
        return leaks;
    }
    let tokens = tokenize(sql);
    let tree = nest(&tokens);
    let mut ctes = Vec::new();
    collect_ctes(&tree, &mut ctes);
    let statement = sql.trim();
    let context = Context {
        watched,
        ctes: &ctes,
    };
    let mut found = Vec::new();
    for part in tree.split(|node| matches!(node, Node::Token(Token::Punct(';')))) {
        scan_sequence(part, &context, &mut found);
    }
    for (table, tombstone, kind) in found {
        leaks.push(Leak {
            table,
            tombstone,
            statement: statement.to_owned(),
            kind,
        });
    }
    leaks
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// One token of the statement. Comments and whitespace are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    /// A bare word: a keyword or an unquoted identifier.
    Word(&'a str),
    /// A quoted identifier, unescaped.
    Quoted(String),
    /// A string, a number or a placeholder: a value.
    Value,
    /// One punctuation character: `(`, `)`, `,`, `.`, `;`, `*`, ...
    Punct(char),
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Splits `sql` into tokens. Never fails: an unterminated string or identifier runs to the end.
fn tokenize(sql: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = sql.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '-' if chars.peek().is_some_and(|&(_, next)| next == '-') => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek().is_some_and(|&(_, next)| next == '*') => {
                chars.next();
                let mut previous = ' ';
                for (_, c) in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
            }
            '\'' => {
                // `E'...'` strings take backslash escapes; a preceding `E` word was already
                // pushed, so look at it.
                let backslash = matches!(tokens.last(), Some(Token::Word(w)) if w.eq_ignore_ascii_case("e"))
                    && sql[..start].ends_with(['e', 'E']);
                if backslash {
                    tokens.pop();
                }
                skip_string(&mut chars, backslash);
                tokens.push(Token::Value);
            }
            '"' | '`' => {
                let mut name = String::new();
                while let Some((_, next)) = chars.next() {
                    if next == c {
                        if chars.peek().is_some_and(|&(_, after)| after == c) {
                            chars.next();
                            name.push(c);
                            continue;
                        }
                        break;
                    }
                    name.push(next);
                }
                tokens.push(Token::Quoted(name));
            }
            '$' => {
                // `$1` is a placeholder; `$$...$$` and `$tag$...$tag$` are PostgreSQL strings.
                let rest = &sql[start + 1..];
                if rest.starts_with(|c: char| c.is_ascii_digit()) {
                    while chars.next_if(|&(_, c)| c.is_ascii_digit()).is_some() {}
                    tokens.push(Token::Value);
                } else if let Some(tag_len) = rest
                    .find('$')
                    .filter(|&len| rest[..len].chars().all(|c| c.is_alphanumeric() || c == '_'))
                {
                    let tag = &sql[start..start + tag_len + 2];
                    let body_start = start + tag.len();
                    let end = sql[body_start..]
                        .find(tag)
                        .map_or(sql.len(), |at| body_start + at + tag.len());
                    while chars.next_if(|&(at, _)| at < end).is_some() {}
                    tokens.push(Token::Value);
                } else {
                    tokens.push(Token::Punct('$'));
                }
            }
            '?' => tokens.push(Token::Value),
            c if c.is_ascii_digit() => {
                while chars
                    .next_if(|&(_, c)| c.is_ascii_alphanumeric() || c == '.' || c == '_')
                    .is_some()
                {}
                tokens.push(Token::Value);
            }
            c if is_word_start(c) => {
                let mut end = start + c.len_utf8();
                while let Some((at, c)) = chars.next_if(|&(_, c)| is_word_char(c)) {
                    end = at + c.len_utf8();
                }
                tokens.push(Token::Word(&sql[start..end]));
            }
            c => tokens.push(Token::Punct(c)),
        }
    }
    tokens
}

/// Skips a string whose opening quote was consumed, through its closing quote.
fn skip_string(chars: &mut core::iter::Peekable<core::str::CharIndices<'_>>, backslash: bool) {
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' if backslash => {
                chars.next();
            }
            // A doubled quote is a quote inside the string.
            '\'' if chars.next_if(|&(_, c)| c == '\'').is_none() => return,
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Nesting

/// A token, or a parenthesised group of nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node<'t, 'a> {
    Token(&'t Token<'a>),
    Group(Vec<Node<'t, 'a>>),
}

/// How deep parentheses nest before the scanner stops nesting them (and so stops telling the
/// subqueries inside apart), so that the recursive walk stays shallow whatever the input.
const MAX_DEPTH: usize = 128;

/// Nests tokens by parentheses. A stray `)` is dropped; an unclosed `(` closes at the end.
fn nest<'t, 'a>(tokens: &'t [Token<'a>]) -> Vec<Node<'t, 'a>> {
    let mut stack: Vec<Vec<Node<'t, 'a>>> = vec![Vec::new()];
    // Parentheses opened past `MAX_DEPTH`, not nested.
    let mut flat = 0_usize;
    for token in tokens {
        match token {
            Token::Punct('(') if stack.len() > MAX_DEPTH => flat += 1,
            Token::Punct(')') if flat > 0 => flat -= 1,
            Token::Punct('(') => stack.push(Vec::new()),
            Token::Punct(')') => {
                if stack.len() > 1 {
                    let group = stack.pop().unwrap_or_default();
                    if let Some(parent) = stack.last_mut() {
                        parent.push(Node::Group(group));
                    }
                }
            }
            token => {
                if let Some(current) = stack.last_mut() {
                    current.push(Node::Token(token));
                }
            }
        }
    }
    while stack.len() > 1 {
        let group = stack.pop().unwrap_or_default();
        if let Some(parent) = stack.last_mut() {
            parent.push(Node::Group(group));
        }
    }
    stack.pop().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Helpers over nodes

const KEYWORDS: &[&str] = &[
    "ALL",
    "AND",
    "ANY",
    "AS",
    "ASC",
    "BETWEEN",
    "BY",
    "CASE",
    "CROSS",
    "DELETE",
    "DESC",
    "DISTINCT",
    "DO",
    "ELSE",
    "END",
    "EXCEPT",
    "EXISTS",
    "FETCH",
    "FOR",
    "FORCE",
    "FROM",
    "FULL",
    "GROUP",
    "HAVING",
    "IGNORE",
    "IN",
    "INNER",
    "INSERT",
    "INTERSECT",
    "INTO",
    "IS",
    "JOIN",
    "LATERAL",
    "LEFT",
    "LIKE",
    "LIMIT",
    "LOCK",
    "MINUS",
    "NATURAL",
    "NOT",
    "NULL",
    "OFFSET",
    "ON",
    "ONLY",
    "OR",
    "ORDER",
    "OUTER",
    "PARTITION",
    "QUALIFY",
    "RETURNING",
    "RIGHT",
    "SELECT",
    "SET",
    "STRAIGHT_JOIN",
    "TABLE",
    "TABLESAMPLE",
    "THEN",
    "UNION",
    "UPDATE",
    "USE",
    "USING",
    "VALUES",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
];

fn is_keyword(word: &str) -> bool {
    KEYWORDS
        .iter()
        .any(|keyword| keyword.eq_ignore_ascii_case(word))
}

/// Whether `node` is the bare word `keyword` (any case).
fn is_word(node: Option<&Node<'_, '_>>, keyword: &str) -> bool {
    matches!(node, Some(Node::Token(Token::Word(word))) if word.eq_ignore_ascii_case(keyword))
}

fn is_punct(node: Option<&Node<'_, '_>>, punct: char) -> bool {
    matches!(node, Some(Node::Token(Token::Punct(c))) if *c == punct)
}

/// The identifier `node` holds, when it is one: a quoted name, or a bare word that is not a
/// keyword.
fn identifier<'n>(node: Option<&'n Node<'_, '_>>) -> Option<&'n str> {
    match node {
        Some(Node::Token(Token::Quoted(name))) => Some(name),
        Some(Node::Token(Token::Word(word))) if !is_keyword(word) => Some(word),
        _ => None,
    }
}

/// A name part: a quoted name or any bare word (after a `.`, keywords are names too).
fn name_part<'n>(node: Option<&'n Node<'_, '_>>) -> Option<&'n str> {
    match node {
        Some(Node::Token(Token::Quoted(name))) => Some(name),
        Some(Node::Token(Token::Word(word))) => Some(word),
        _ => None,
    }
}

/// Reads a dotted name starting at `at` (`a`, `a.b`, `a.b.c`); returns its parts and the index
/// after it. The first part must be an [`identifier`].
fn dotted<'n>(nodes: &'n [Node<'_, '_>], at: usize) -> Option<(Vec<&'n str>, usize)> {
    let first = identifier(nodes.get(at))?;
    let mut parts = vec![first];
    let mut next = at + 1;
    while is_punct(nodes.get(next), '.') {
        match name_part(nodes.get(next + 1)) {
            Some(part) => {
                parts.push(part);
                next += 2;
            }
            None => break,
        }
    }
    Some((parts, next))
}

/// Whether a group is a subquery: it starts with `SELECT` or `WITH`, or with a group that is
/// one (`((SELECT ...) UNION (SELECT ...))`).
fn is_subquery(group: &[Node<'_, '_>]) -> bool {
    match group.first() {
        Some(Node::Group(inner)) => is_subquery(inner),
        first => is_word(first, "SELECT") || is_word(first, "WITH"),
    }
}

/// A `WITH [RECURSIVE] name [(columns)] AS [NOT] [MATERIALIZED] (body), ...` list starting at
/// `at` (the `WITH`): each name with its body's index, and the index after the list. `None`
/// when the words at `at` are not such a list (`WITH TIME ZONE`, `WITH ROLLUP`).
fn cte_list<'n>(nodes: &'n [Node<'_, '_>], at: usize) -> Option<(Vec<(&'n str, usize)>, usize)> {
    if !is_word(nodes.get(at), "WITH") {
        return None;
    }
    let mut next = at + 1;
    if is_word(nodes.get(next), "RECURSIVE") {
        next += 1;
    }
    let mut ctes = Vec::new();
    loop {
        let name = identifier(nodes.get(next))?;
        next += 1;
        if matches!(nodes.get(next), Some(Node::Group(_))) {
            next += 1;
        }
        if !is_word(nodes.get(next), "AS") {
            return None;
        }
        next += 1;
        if is_word(nodes.get(next), "NOT") {
            next += 1;
        }
        if is_word(nodes.get(next), "MATERIALIZED") {
            next += 1;
        }
        match nodes.get(next) {
            Some(Node::Group(body)) if is_subquery(body) => ctes.push((name, next)),
            _ => return None,
        }
        next += 1;
        if is_punct(nodes.get(next), ',') {
            next += 1;
        } else {
            return Some((ctes, next));
        }
    }
}

/// Every common table expression name the statement defines, at any depth.
fn collect_ctes(nodes: &[Node<'_, '_>], out: &mut Vec<String>) {
    for (index, node) in nodes.iter().enumerate() {
        if let Node::Group(group) = node {
            collect_ctes(group, out);
        } else if let Some((ctes, _)) = cte_list(nodes, index) {
            out.extend(ctes.into_iter().map(|(name, _)| name.to_owned()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scopes

struct Context<'w> {
    watched: &'w [Watched],
    ctes: &'w [String],
}

impl Context<'_> {
    /// The watched table a reference names, if any.
    fn watched(&self, reference: &Reference) -> Option<&Watched> {
        if reference.schema.is_none() && self.ctes.iter().any(|cte| same(cte, &reference.table)) {
            return None;
        }
        self.watched.iter().find(|watched| {
            let (schema, table) = watched.parts();
            same(table, &reference.table)
                && match (schema, &reference.schema) {
                    (Some(expected), Some(actual)) => same(expected, actual),
                    _ => true,
                }
        })
    }
}

fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
}

/// A table reference of a scope.
#[derive(Debug)]
struct Reference {
    schema: Option<String>,
    table: String,
    alias: Option<String>,
    kind: LeakKind,
}

/// A column a predicate mentions: `qualifier.column` or `column`.
#[derive(Debug)]
struct Mention {
    qualifier: Option<String>,
    column: String,
}

#[derive(Debug, Default)]
struct Scope {
    references: Vec<Reference>,
    mentions: Vec<Mention>,
}

/// The clause a scope's walk is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clause {
    /// Before any clause keyword, or in a clause that neither references tables nor covers them
    /// (`GROUP BY`, `ORDER BY`, `LIMIT`, `VALUES`, a `DELETE`'s targets, ...).
    Other,
    /// The select list.
    Select,
    /// A `FROM` list, joins, an `UPDATE`'s or `DELETE`'s tables.
    From,
    /// `WHERE`, `ON`, `HAVING`.
    Predicate,
    /// An `UPDATE`'s `SET` list.
    Set,
    /// An `INSERT`'s target and column list.
    Insert,
}

/// Scans a sequence of nodes that may hold several scopes joined by set operators.
fn scan_sequence(nodes: &[Node<'_, '_>], context: &Context<'_>, found: &mut Vec<Found>) {
    let mut start = 0;
    for (index, node) in nodes.iter().enumerate() {
        if ["UNION", "INTERSECT", "EXCEPT", "MINUS"]
            .iter()
            .any(|operator| is_word(Some(node), operator))
        {
            scan_scope(&nodes[start..index], context, found);
            start = index + 1;
        }
    }
    scan_scope(&nodes[start..], context, found);
}

/// A leak found: table, tombstone, kind.
type Found = (String, String, LeakKind);

/// Walks one scope, scanning its subqueries as scopes of their own, then reports its
/// uncovered references.
fn scan_scope(nodes: &[Node<'_, '_>], context: &Context<'_>, found: &mut Vec<Found>) {
    let mut scope = Scope::default();
    let mut walk = Walk {
        context,
        scope: &mut scope,
        found,
        clause: Clause::Other,
        expect_table: false,
        pending: None,
        truncate: false,
    };
    let before = walk.found.len();
    walk.nodes(nodes, true);
    // The scope's own leaks go before those of the subqueries inside it.
    let children = found.split_off(before);
    report(&scope, context, found);
    found.extend(children);
}

/// Pushes the uncovered references of `scope`.
fn report(scope: &Scope, context: &Context<'_>, found: &mut Vec<Found>) {
    for (index, reference) in scope.references.iter().enumerate() {
        let Some(watched) = context.watched(reference) else {
            continue;
        };
        let column = &watched.tombstone;
        let name = reference.alias.as_ref().unwrap_or(&reference.table);
        let ambiguous = scope
            .references
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != index)
            .filter_map(|(_, other)| context.watched(other))
            .any(|other| same(&other.tombstone, column));
        let covered = scope.mentions.iter().any(|mention| {
            same(&mention.column, column)
                && match &mention.qualifier {
                    Some(qualifier) => same(qualifier, name),
                    None => !ambiguous,
                }
        });
        if !covered {
            found.push((watched.table.clone(), column.clone(), reference.kind));
        }
    }
}

/// The state of one scope's walk.
struct Walk<'c, 's, 'f> {
    context: &'c Context<'c>,
    scope: &'s mut Scope,
    found: &'f mut Vec<Found>,
    clause: Clause,
    /// A table reference may come next (after `FROM`, `JOIN`, `,` in a `FROM` list, ...).
    expect_table: bool,
    /// The kind of the next reference, when it is a statement's target.
    pending: Option<LeakKind>,
    /// In a `TRUNCATE`: every reference is deleted.
    truncate: bool,
}

impl Walk<'_, '_, '_> {
    /// Walks `nodes`; `statement` when they are the scope's own top level (where `UPDATE`,
    /// `DELETE`, `INSERT`, `WITH` start a statement), not a parenthesised part of it.
    fn nodes(&mut self, nodes: &[Node<'_, '_>], statement: bool) {
        let mut index = 0;
        while index < nodes.len() {
            index = self.node(nodes, index, statement);
        }
    }

    /// Handles the node at `index`; returns the index of the next one to handle.
    fn node(&mut self, nodes: &[Node<'_, '_>], index: usize, statement: bool) -> usize {
        // A statement's first word, or one right after a `WITH` list's last body.
        let leading = statement && (index == 0 || matches!(nodes[index - 1], Node::Group(_)));
        match &nodes[index] {
            Node::Group(group) => self.group(nodes, index, group),
            Node::Token(Token::Punct(',')) => {
                if self.clause == Clause::From {
                    self.expect_table = true;
                }
                index + 1
            }
            Node::Token(Token::Word(word)) if is_keyword(word) || is_clause_word(word) => {
                self.keyword(nodes, index, word, leading)
            }
            Node::Token(Token::Word(_) | Token::Quoted(_)) => {
                if self.expect_table {
                    self.table(nodes, index)
                } else {
                    self.name(nodes, index)
                }
            }
            Node::Token(_) => index + 1,
        }
    }

    /// A parenthesised group.
    fn group(&mut self, nodes: &[Node<'_, '_>], index: usize, group: &[Node<'_, '_>]) -> usize {
        // In a table position: a derived table or a parenthesised join, maybe aliased.
        let derived = self.clause == Clause::From && self.expect_table;
        if is_subquery(group) {
            scan_sequence(group, self.context, self.found);
        } else if derived {
            // A parenthesised join: its tables and `ON`s belong to this scope.
            self.nodes(group, false);
            self.clause = Clause::From;
        } else {
            let (clause, expect) = (self.clause, self.expect_table);
            self.expression(group);
            self.clause = clause;
            self.expect_table = expect;
        }
        if derived {
            self.expect_table = false;
            return skip_alias(nodes, index + 1);
        }
        index + 1
    }

    /// A group inside an expression (a function's arguments, `(a OR b)`, `IN (1, 2)`): its
    /// subqueries are scopes of their own; in a predicate, the columns it names are mentions.
    fn expression(&mut self, group: &[Node<'_, '_>]) {
        let mut index = 0;
        while index < group.len() {
            match &group[index] {
                Node::Group(inner) if is_subquery(inner) => {
                    scan_sequence(inner, self.context, self.found);
                    index += 1;
                }
                Node::Group(inner) => {
                    self.expression(inner);
                    index += 1;
                }
                Node::Token(Token::Word(_) | Token::Quoted(_)) => index = self.name(group, index),
                Node::Token(_) => index += 1,
            }
        }
    }

    /// A name outside a table position: in a predicate, a mentioned column.
    fn name(&mut self, nodes: &[Node<'_, '_>], index: usize) -> usize {
        let Some((mut parts, next)) = dotted(nodes, index) else {
            return index + 1;
        };
        if self.clause == Clause::Predicate {
            let column = parts.pop().unwrap_or_default().to_owned();
            let qualifier = parts.pop().map(str::to_owned);
            self.scope.mentions.push(Mention { qualifier, column });
        }
        next
    }

    /// A table reference at `index`: `[schema.]table [[AS] alias [(columns)]]`, or a function
    /// call in a table position.
    fn table(&mut self, nodes: &[Node<'_, '_>], index: usize) -> usize {
        self.expect_table = false;
        let Some((mut parts, next)) = dotted(nodes, index) else {
            return index + 1;
        };
        if let Some(Node::Group(arguments)) = nodes.get(next) {
            // `generate_series(1, 3) AS n`: a function, whose arguments may hold subqueries.
            let clause = self.clause;
            self.clause = Clause::Other;
            self.expression(arguments);
            self.clause = clause;
            return skip_alias(nodes, next + 1);
        }
        let table = parts.pop().unwrap_or_default().to_owned();
        let schema = parts.pop().map(str::to_owned);
        let (alias, after) = alias(nodes, next);
        let kind = if self.truncate {
            LeakKind::Delete
        } else {
            self.pending.take().unwrap_or(LeakKind::Read)
        };
        self.scope.references.push(Reference {
            schema,
            table,
            alias,
            kind,
        });
        after
    }

    /// A keyword at `index`.
    fn keyword(
        &mut self,
        nodes: &[Node<'_, '_>],
        index: usize,
        word: &str,
        leading: bool,
    ) -> usize {
        let upper = word.to_ascii_uppercase();
        let next = index + 1;
        match upper.as_str() {
            "SELECT" => self.enter(Clause::Select),
            "FROM" | "JOIN" | "STRAIGHT_JOIN" => {
                self.enter(Clause::From);
                self.expect_table = true;
            }
            "ONLY" | "LATERAL" | "TABLE" if self.expect_table => {}
            // `SELECT DISTINCT ON (...)` is a select list; `ON CONFLICT ... DO UPDATE SET` and
            // `ON DUPLICATE KEY UPDATE` are assignments.
            "ON" if is_word(
                index.checked_sub(1).and_then(|at| nodes.get(at)),
                "DISTINCT",
            ) => {}
            "ON" if is_word(nodes.get(next), "CONFLICT") => self.enter(Clause::Other),
            "ON" if is_word(nodes.get(next), "DUPLICATE") => self.enter(Clause::Set),
            "ON" | "WHERE" | "HAVING" => self.enter(Clause::Predicate),
            "USING" => {
                if let Some(Node::Group(_)) = nodes.get(next) {
                    // `JOIN t USING (id)`: a column list.
                    self.enter(Clause::From);
                    return next + 1;
                }
                // PostgreSQL's `DELETE FROM t USING other`.
                self.enter(Clause::From);
                self.expect_table = true;
            }
            "SET" => self.enter(Clause::Set),
            "UPDATE" if leading => {
                self.enter(Clause::From);
                self.expect_table = true;
                self.pending = Some(LeakKind::Update);
                return skip_words(nodes, next, &["LOW_PRIORITY", "IGNORE", "ONLY"]);
            }
            "DELETE" if leading => {
                // MySQL's `DELETE t FROM ...` names targets before `FROM`: they are aliases.
                self.enter(Clause::Other);
                self.pending = Some(LeakKind::Delete);
            }
            "TRUNCATE" if leading => {
                self.enter(Clause::From);
                self.expect_table = true;
                self.truncate = true;
            }
            "INSERT" | "REPLACE" if leading => self.enter(Clause::Insert),
            "WITH" => {
                if let Some((ctes, after)) = cte_list(nodes, index) {
                    for (_, body) in ctes {
                        if let Node::Group(body) = &nodes[body] {
                            scan_sequence(body, self.context, self.found);
                        }
                    }
                    return after;
                }
            }
            "GROUP" | "ORDER" | "LIMIT" | "OFFSET" | "FETCH" | "FOR" | "WINDOW" | "RETURNING"
            | "LOCK" | "INTO" | "VALUES" | "QUALIFY" | "PARTITION" | "USE" | "FORCE" => {
                if self.clause != Clause::Insert || upper == "VALUES" {
                    self.enter(Clause::Other);
                }
            }
            "INNER" | "LEFT" | "RIGHT" | "FULL" | "OUTER" | "CROSS" | "NATURAL" => {
                // A join's kind; `JOIN` follows. (In a predicate, `LEFT(...)` is a function.)
                if self.clause == Clause::From {
                    self.expect_table = false;
                } else if let Some(Node::Group(arguments)) = nodes.get(next) {
                    self.expression(arguments);
                    return next + 1;
                }
            }
            _ => {
                self.expect_table = false;
            }
        }
        next
    }

    fn enter(&mut self, clause: Clause) {
        self.clause = clause;
        self.expect_table = false;
    }
}

/// Words that start a statement or clause without being in [`KEYWORDS`] (they are valid
/// column names too, so they are not keywords for aliases).
fn is_clause_word(word: &str) -> bool {
    ["TRUNCATE", "REPLACE"]
        .iter()
        .any(|keyword| keyword.eq_ignore_ascii_case(word))
}

/// Skips any of `words` at `at`.
fn skip_words(nodes: &[Node<'_, '_>], mut at: usize, words: &[&str]) -> usize {
    while words.iter().any(|word| is_word(nodes.get(at), word)) {
        at += 1;
    }
    at
}

/// An optional alias at `at`: `AS name`, or a name that is not a keyword, then an optional
/// column list. Returns the alias and the index after it.
fn alias(nodes: &[Node<'_, '_>], at: usize) -> (Option<String>, usize) {
    let mut next = at;
    let explicit = is_word(nodes.get(next), "AS");
    if explicit {
        next += 1;
    }
    let name = if explicit {
        name_part(nodes.get(next))
    } else {
        identifier(nodes.get(next))
    };
    let Some(name) = name else {
        return (None, at);
    };
    next += 1;
    if matches!(nodes.get(next), Some(Node::Group(columns)) if !is_subquery(columns)) {
        next += 1;
    }
    (Some(name.to_owned()), next)
}

/// Skips an optional alias at `at`.
fn skip_alias(nodes: &[Node<'_, '_>], at: usize) -> usize {
    alias(nodes, at).1
}

#[cfg(test)]
mod tests {
    use super::{LeakKind, Watched, scan};

    fn watched() -> Vec<Watched> {
        vec![
            Watched::new("posts", "deleted_at"),
            Watched::new("comments", "deleted_at"),
            Watched::new("tags", "is_deleted"),
        ]
    }

    /// The leaks of `sql` as `(table, kind)`.
    fn leaks(sql: &str) -> Vec<(String, LeakKind)> {
        scan(sql, &watched())
            .into_iter()
            .map(|leak| {
                assert_eq!(leak.statement, sql.trim());
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
        clean(
            "SELECT author_id, COUNT(*) FROM posts GROUP BY author_id \
             HAVING MAX(deleted_at) IS NULL",
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
        assert_eq!(
            leaks(
                "SELECT * FROM posts JOIN comments ON comments.post_id = posts.id WHERE deleted_at IS NULL"
            ),
            [read("posts"), read("comments")]
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
        // A derived table: filtering outside does not cover inside (a known blind spot, on
        // the safe side).
        assert_eq!(
            leaks("SELECT * FROM (SELECT * FROM posts) AS sub WHERE sub.deleted_at IS NULL"),
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
                "UPDATE LOW_PRIORITY posts p JOIN comments c ON c.post_id = p.id SET p.n = 1 WHERE c.deleted_at IS NULL"
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
        clean(
            "INSERT INTO posts (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET title = excluded.title",
        );
        clean("INSERT INTO posts (id) VALUES (1) ON DUPLICATE KEY UPDATE title = VALUES(title)");
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
        assert_eq!(leaks("SELECT * FROM (posts"), [read("posts")]);
        // Deep nesting neither overflows the stack nor hides a shallow leak.
        let deep = format!(
            "SELECT * FROM posts WHERE id IN {}1{}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        assert_eq!(leaks(&deep), [read("posts")]);
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
