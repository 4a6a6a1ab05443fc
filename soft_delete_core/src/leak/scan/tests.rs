//! The scanner's rules, statement by statement.

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
    clean("SELECT * FROM posts JOIN users ON users.id = posts.author_id WHERE deleted_at IS NULL");
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
    clean("SELECT * FROM (SELECT id, deleted_at AS gone FROM posts) AS sub WHERE sub.gone IS NULL");
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
        leaks("INSERT INTO posts (id) VALUES (1) ON DUPLICATE KEY UPDATE title = VALUES(title)"),
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
