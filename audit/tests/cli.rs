//! The built `soft-delete` binary, run on real databases: a SQLite file, and under the
//! `postgres` and `mysql` features a schema or database of the test's own on the servers at
//! `PG_DATABASE_URL` and `MYSQL_DATABASE_URL` (defaults as in the behaviour suite).

use std::process::Command;

use diesel::connection::LoadConnection;
use soft_delete_core::SupportedBackend;
use soft_delete_core::dialect::catalog;

/// Exit code, standard output and standard error of one run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_soft-delete"))
        .args(args)
        .output()
        .expect("the binary runs");
    let run = Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    // JSON is one line, for machines.
    let stdout = if args.contains(&"--json") {
        ""
    } else {
        &run.stdout
    };
    for line in stdout.lines().chain(run.stderr.lines()) {
        assert!(
            line.chars().count() <= 100,
            "{args:?}: a line of {} columns:\n{line}",
            line.chars().count()
        );
    }
    run
}

/// `soft-delete audit ARGS`.
fn audit(args: &[&str]) -> Run {
    run(&[&["audit"], args].concat())
}

/// A name no other run uses.
fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{seconds}_{}_{n}", std::process::id())
}

/// One statement per entry, so MySQL takes them too.
const HAZARDS: &[&str] = &[
    "CREATE TABLE sites (id INTEGER PRIMARY KEY, slug VARCHAR(64) NOT NULL, deleted_at TIMESTAMP NULL)",
    "CREATE INDEX sites_deleted_at ON sites (deleted_at)",
    "CREATE UNIQUE INDEX sites_slug ON sites (slug)",
    "CREATE TABLE pages (id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL, deleted_at TIMESTAMP NULL, \
     FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE CASCADE)",
    "CREATE TABLE visits (id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL, \
     FOREIGN KEY (site_id) REFERENCES sites (id))",
];

/// The hazards of [`HAZARDS`], as `kind` and `table`.
const EXPECTED: &[(&str, &str)] = &[
    ("cascading-foreign-key", "pages"),
    ("unindexed-tombstone", "pages"),
    ("unique-counts-tombstones", "sites"),
    ("child-without-tombstone", "visits"),
];

fn assert_reports_hazards(url: &str) {
    let run = audit(&[url]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for (kind, table) in EXPECTED {
        assert!(
            run.stdout
                .lines()
                .any(|line| line == format!("{kind} {table}")),
            "{kind} on {table} missing:\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("ON DELETE RESTRICT"), "{}", run.stdout);
    assert!(run.stdout.contains("unique_while_live"), "{}", run.stdout);

    let run = audit(&[url, "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(json["clean"], false);
    let found: Vec<(&str, &str)> = json["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hazard| {
            (
                hazard["kind"].as_str().unwrap(),
                hazard["table"].as_str().unwrap(),
            )
        })
        .collect();
    let mut expected = EXPECTED.to_vec();
    expected.sort_by_key(|(_, table)| *table);
    assert_eq!(found, expected);
    assert!(run.stdout.contains(r#""columns":["site_id"]"#));
    assert!(run.stdout.contains(r#""constraint":"sites_slug""#));

    assert_graphs(url);
}

/// `soft-delete graph` on the schema of [`HAZARDS`], in both notations.
fn assert_graphs(url: &str) {
    for args in [&[url][..], &[url, "--format", "mermaid"]] {
        let run = run(&[&["graph"], args].concat());
        assert_eq!((run.code, run.stderr.as_str()), (0, ""));
        assert!(run.stdout.starts_with("flowchart TD\n"), "{}", run.stdout);
        for node in [
            r#"t_sites["sites (soft: deleted_at)"]"#,
            r#"t_pages["pages (soft: deleted_at)"]"#,
            r#"t_visits("visits (plain)")"#,
            r#"t_sites -->|"site_id (ON DELETE CASCADE)"| t_pages"#,
        ] {
            assert!(run.stdout.contains(node), "{node} missing:\n{}", run.stdout);
        }
        assert!(run.stdout.contains(r#"t_sites -->|"site_id (ON DELETE "#));
    }

    let run = run(&["graph", url, "--format", "dot"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert!(run.stdout.starts_with("digraph soft_delete {\n"));
    for table in ["sites", "pages", "visits"] {
        assert!(
            run.stdout
                .contains(&format!("    \"{table}\" [label=\"{table} (")),
            "{table} missing:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .contains(r#""sites" -> "pages" [label="site_id (ON DELETE CASCADE)"];"#),
        "{}",
        run.stdout
    );
    assert!(run.stdout.trim_end().ends_with('}'));
}

/// The version every migration of the tests has.
const VERSION: &str = "2026-01-02-030405";

/// Runs `soft-delete migration` on `url` for `table` into a directory of its own, checks a second
/// run refuses to overwrite it, and returns `up.sql` and `down.sql`.
fn write_migration(url: &str, table: &str) -> (String, String) {
    let dir = std::env::temp_dir().join(unique("sd_migrations"));
    let shown = dir.to_str().unwrap();
    let args = [
        "migration",
        url,
        "--table",
        table,
        "--actor",
        "deleted_by:INTEGER",
        "--dir",
        shown,
        "--version",
        VERSION,
        "--name",
        "soft_delete_handles",
    ];
    let written = run(&args);
    assert_eq!(
        (written.code, written.stderr.as_str()),
        (0, ""),
        "{}",
        written.stdout
    );
    let migration = dir.join(format!("{VERSION}_soft_delete_handles"));
    assert!(written.stdout.contains("soft_delete_handles"));
    let up = std::fs::read_to_string(migration.join("up.sql")).unwrap();
    let down = std::fs::read_to_string(migration.join("down.sql")).unwrap();
    let again = run(&args);
    assert_eq!(again.code, 2, "an existing migration is not overwritten");
    let _ = std::fs::remove_dir_all(&dir);
    for line in up.lines().chain(down.lines()) {
        assert!(line.chars().count() <= 100, "{line}");
    }
    (up, down)
}

/// `soft-delete migration` on `url`, whose schema has a table `handles (id, name)` with a unique
/// key `handles_name` on `name` (and the row `1, 'ada'` once it starts): writes the migration, applies `up.sql` on
/// `conn`, checks the tombstone, its index and the key over live rows with real rows, applies
/// `down.sql` and checks the original schema is back.
fn assert_migration_round_trip<C>(url: &str, conn: &mut C, flag: bool)
where
    C: LoadConnection,
    C::Backend: SupportedBackend,
{
    let (table, tombstone, dead) = if flag {
        ("handles:is_deleted:flag", "is_deleted", "TRUE")
    } else {
        ("handles", "deleted_at", "CURRENT_TIMESTAMP")
    };
    conn.batch_execute("DELETE FROM handles").unwrap();
    conn.batch_execute("INSERT INTO handles (id, name) VALUES (1, 'ada')")
        .unwrap();
    let (up, down) = write_migration(url, table);
    assert_eq!(up.contains("soft_delete_flag_stamps"), flag, "{up}");

    conn.batch_execute(&up)
        .unwrap_or_else(|error| panic!("{error}:\n{up}"));
    let after = catalog::read(conn).unwrap();
    let handles = after.table("handles").unwrap();
    assert!(handles.column(tombstone).is_some());
    assert!(handles.column("deleted_by").is_some());
    assert!(
        handles
            .index(&format!("handles_{tombstone}_idx"))
            .is_some_and(|index| index.columns == [tombstone] && !index.unique),
        "{handles:?}"
    );
    let mut audited = vec![url];
    if flag {
        audited.extend(["--tombstone-column", tombstone]);
    }
    let clean = audit(&audited);
    assert_eq!(
        clean.code, 0,
        "the migrated schema is clean:\n{}",
        clean.stdout
    );

    let insert = |conn: &mut C, id: i32| {
        conn.batch_execute(&format!(
            "INSERT INTO handles (id, name) VALUES ({id}, 'ada')"
        ))
    };
    conn.batch_execute(&format!(
        "UPDATE handles SET {tombstone} = {dead}, deleted_by = 7 WHERE id = 1"
    ))
    .unwrap();
    insert(conn, 2).expect("a tombstoned row gives its key up");
    assert!(insert(conn, 3).is_err(), "two live rows: refused");
    assert!(
        conn.batch_execute(&format!(
            "UPDATE handles SET {tombstone} = NULL WHERE id = 1"
        ))
        .is_err()
            || flag,
        "reviving onto a live key: refused"
    );

    // The original key would refuse the two rows: the tombstoned one goes first.
    conn.batch_execute("DELETE FROM handles WHERE id = 1")
        .unwrap();
    conn.batch_execute(&down)
        .unwrap_or_else(|error| panic!("{error}:\n{down}"));
    let before = catalog::read(conn).unwrap();
    let handles = before.table("handles").unwrap();
    let columns: Vec<&str> = handles.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "name"]);
    let index = handles
        .index("handles_name")
        .expect("the original key is back");
    assert!(index.unique && index.predicate.is_none() && index.columns == ["name"]);
    assert_eq!(
        handles
            .indexes
            .iter()
            .filter(|index| !index.primary)
            .count(),
        1,
        "{handles:?}"
    );
    assert!(insert(conn, 4).is_err(), "the key counts every row again");
    assert!(
        conn.batch_execute("SELECT * FROM soft_delete_flag_stamps")
            .is_err(),
        "the ledger is gone"
    );
}

#[test]
fn help_and_version() {
    let run_ = run(&["--help"]);
    assert_eq!(run_.code, 0);
    assert!(
        run_.stdout.contains("Usage: soft-delete <COMMAND>"),
        "{}",
        run_.stdout
    );
    for command in ["audit", "graph", "migration", "Exit status: 0"] {
        assert!(run_.stdout.contains(command), "{command}:\n{}", run_.stdout);
    }
    for args in [&["--version"][..], &["-V"]] {
        let version = run(args);
        assert_eq!(version.code, 0);
        assert_eq!(
            version.stdout,
            format!("soft-delete {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
    for command in ["audit", "graph", "migration"] {
        for help in ["--help", "-h"] {
            let shown = run(&[command, help]);
            assert_eq!(shown.code, 0, "{command} {help}");
            assert!(
                shown
                    .stdout
                    .contains(&format!("Usage: soft-delete {command}")),
                "{}",
                shown.stdout
            );
            assert!(shown.stdout.contains("Exit status: 0"), "{}", shown.stdout);
        }
        let version = run(&[command, "--version"]);
        assert_eq!(
            (version.code, version.stdout.as_str()),
            (0, "soft-delete 0.1.0\n")
        );
    }
    let shown = run(&["help", "migration"]);
    assert_eq!(shown.code, 0);
    assert!(shown.stdout.contains("--table <TABLE[:COLUMN[:flag]]>"));
}

#[test]
fn usage_errors() {
    for args in [
        &[][..],
        &["a.db"],
        &["audit"],
        &["audit", "a.db", "b.db"],
        &["audit", "a.db", "--verbose"],
        &["audit", "a.db", "--tombstone-column"],
        &["audit", "a.db", "--tombstone-column="],
        &["graph", "a.db", "--format", "png"],
        &["migration", "a.db"],
        &["migration", "--table", "t"],
        &["migration", "a.db", "--table", "t:c:bool"],
        &["migration", "a.db", "--table", "t", "--actor", "deleted_by"],
    ] {
        let run = run(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr.starts_with("error: ") || run.stderr.contains("Usage:"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
}

#[cfg(not(feature = "mysql"))]
#[test]
fn a_backend_not_built_in_says_which_feature_to_add() {
    let run = audit(&["mysql://root@127.0.0.1:3306/test"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--features mysql"), "{}", run.stderr);
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, SqliteConnection};

    use super::{HAZARDS, assert_migration_round_trip, assert_reports_hazards, audit, run, unique};

    /// A SQLite file, removed when dropped.
    struct File(std::path::PathBuf);

    impl File {
        fn with(statements: &[&str]) -> File {
            let path = std::env::temp_dir().join(format!("{}.sqlite3", unique("sda")));
            let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
            for statement in statements {
                conn.batch_execute(statement).unwrap();
            }
            File(path)
        }

        fn path(&self) -> &str {
            self.0.to_str().unwrap()
        }
    }

    impl Drop for File {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn a_file_with_hazards() {
        let file = File::with(HAZARDS);
        assert_reports_hazards(file.path());
        assert_reports_hazards(&format!("sqlite://{}", file.path()));
    }

    #[test]
    fn a_clean_file() {
        let file = File::with(&[
            "CREATE TABLE sites (id INTEGER PRIMARY KEY, slug TEXT NOT NULL, deleted_at TIMESTAMP)",
            "CREATE UNIQUE INDEX sites_live_slug ON sites (slug) WHERE deleted_at IS NULL",
            "CREATE TABLE pages (id INTEGER PRIMARY KEY, deleted_at TIMESTAMP, \
             site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE RESTRICT)",
            "CREATE INDEX pages_deleted_at ON pages (deleted_at)",
        ]);
        let run = audit(&[file.path()]);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{}", run.stdout);
        assert!(run.stdout.starts_with("no hazards found"), "{}", run.stdout);

        let run = audit(&[file.path(), "--json"]);
        assert_eq!(run.code, 0);
        assert_eq!(run.stdout.trim(), r#"{"clean":true,"hazards":[]}"#);
    }

    #[test]
    fn tombstone_columns_by_name() {
        let file = File::with(&[
            "CREATE TABLE tags (id INTEGER PRIMARY KEY, is_deleted BOOLEAN NOT NULL)",
        ]);
        assert_eq!(audit(&[file.path()]).code, 0);

        let run = audit(&[file.path(), "--tombstone-column", "IS_DELETED"]);
        assert_eq!(run.code, 1);
        assert!(
            run.stdout.contains("`tags`.`is_deleted` is in no index"),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains("tombstone column(s): IS_DELETED"));
    }

    #[test]
    fn a_migration_up_and_down() {
        let file = File::with(&[
            "CREATE TABLE handles (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL)",
            "CREATE UNIQUE INDEX handles_name ON handles (name)",
            "INSERT INTO handles (id, name) VALUES (1, 'ada')",
        ]);
        let mut conn = SqliteConnection::establish(file.path()).unwrap();
        assert_migration_round_trip(file.path(), &mut conn, false);
        assert_migration_round_trip(file.path(), &mut conn, true);
    }

    #[test]
    fn a_migration_printed() {
        let file = File::with(&[
            "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
            "CREATE UNIQUE INDEX tags_name ON tags (name)",
            "CREATE TABLE sites (id INTEGER PRIMARY KEY)",
        ]);
        let printed = run(&[
            "migration",
            file.path(),
            "--table",
            "tags:removed_at",
            "--table=sites:is_deleted:flag",
        ]);
        assert_eq!((printed.code, printed.stderr.as_str()), (0, ""));
        let at = printed
            .stdout
            .find("\n-- 20")
            .expect("a header before down.sql");
        let (up, down) = printed.stdout.split_at(at);
        assert!(up.starts_with("-- "), "{up}");
        assert!(up.contains("_soft_delete_tags_sites/up.sql"), "{up}");
        assert!(down.contains("_soft_delete_tags_sites/down.sql"), "{down}");
        assert!(up.contains(
            "CREATE UNIQUE INDEX `tags_name` ON `tags` (`name`) WHERE `removed_at` IS NULL;"
        ));
        assert!(
            up.contains("ALTER TABLE `sites` ADD COLUMN `is_deleted` BOOLEAN NOT NULL DEFAULT 0;")
        );
        assert!(down.contains("DROP TABLE IF EXISTS `soft_delete_flag_stamps`;"));
        // Nothing was changed.
        assert_eq!(audit(&[file.path()]).code, 0);
    }

    #[test]
    fn what_a_migration_cannot_change_is_refused() {
        let file = File::with(&[
            "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
            "CREATE TABLE sites (id INTEGER PRIMARY KEY, deleted_at TIMESTAMP)",
        ]);
        for (table, message) in [
            ("tags", "UNIQUE constraint declared in its CREATE TABLE"),
            ("sites", "already has a column `deleted_at`"),
            ("pages", "no table `pages`"),
        ] {
            let refused = run(&["migration", file.path(), "--table", table]);
            assert_eq!(refused.code, 2, "{table}");
            assert!(refused.stderr.contains(message), "{}", refused.stderr);
            assert!(refused.stdout.is_empty());
        }
    }

    #[test]
    fn a_missing_file_is_an_error_not_an_empty_database() {
        let path = std::env::temp_dir().join(format!("{}.sqlite3", unique("missing")));
        let run = audit(&[path.to_str().unwrap()]);
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.contains("no SQLite database file"),
            "{}",
            run.stderr
        );
        assert!(!path.exists());
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, PgConnection};

    use super::{HAZARDS, assert_migration_round_trip, assert_reports_hazards, audit, unique};

    fn server() -> String {
        std::env::var("PG_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
    }

    /// A schema of the test's own, dropped when dropped.
    struct Schema {
        name: String,
    }

    impl Schema {
        fn with(statements: &[&str]) -> Schema {
            let name = unique("sda");
            let mut conn = PgConnection::establish(&server()).unwrap();
            conn.batch_execute(&format!("CREATE SCHEMA {name}; SET search_path TO {name}"))
                .unwrap();
            let schema = Schema { name };
            for statement in statements {
                conn.batch_execute(statement).unwrap();
            }
            schema
        }

        /// The server's URL with the schema as `search_path`.
        fn url(&self) -> String {
            let server = server();
            let glue = if server.contains('?') { '&' } else { '?' };
            format!("{server}{glue}options=-csearch_path%3D{}", self.name)
        }
    }

    impl Drop for Schema {
        fn drop(&mut self) {
            let dropped = PgConnection::establish(&server())
                .map_err(|error| error.to_string())
                .and_then(|mut conn| {
                    conn.batch_execute(&format!(
                        "SET client_min_messages TO WARNING; DROP SCHEMA {} CASCADE",
                        self.name
                    ))
                    .map_err(|error| error.to_string())
                });
            if let Err(error) = dropped {
                eprintln!("could not drop schema {}: {error}", self.name);
            }
        }
    }

    #[test]
    fn a_schema_with_hazards() {
        let schema = Schema::with(HAZARDS);
        assert_reports_hazards(&schema.url());
    }

    #[test]
    fn a_migration_up_and_down() {
        // A unique constraint (its index only DROP CONSTRAINT removes), then a plain unique index.
        for (key, flag) in [
            (
                "ALTER TABLE handles ADD CONSTRAINT handles_name UNIQUE (name)",
                true,
            ),
            ("CREATE UNIQUE INDEX handles_name ON handles (name)", false),
        ] {
            let schema = Schema::with(&[
                "CREATE TABLE handles (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL)",
                key,
                "INSERT INTO handles (id, name) VALUES (1, 'ada')",
            ]);
            let mut conn = PgConnection::establish(&schema.url()).unwrap();
            assert_migration_round_trip(&schema.url(), &mut conn, flag);
        }
    }

    #[test]
    fn an_unreachable_server_is_an_error() {
        let run = audit(&["postgres://nobody:secret@127.0.0.1:1/none"]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("cannot connect to"), "{}", run.stderr);
        assert!(!run.stderr.contains("secret"), "{}", run.stderr);
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, MysqlConnection};

    use super::{HAZARDS, assert_migration_round_trip, assert_reports_hazards, unique};

    fn server() -> String {
        std::env::var("MYSQL_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| "mysql://root@127.0.0.1:3306/test".to_owned())
    }

    /// A database of the test's own, dropped when dropped.
    struct Database {
        name: String,
    }

    impl Drop for Database {
        fn drop(&mut self) {
            if let Ok(mut conn) = MysqlConnection::establish(&server()) {
                let _ = conn.batch_execute(&format!("DROP DATABASE {}", self.name));
            }
        }
    }

    impl Database {
        /// A new database, with `statements` run in it, and a connection to it.
        fn with(statements: &[&str]) -> (Database, MysqlConnection) {
            let name = unique("sda");
            let mut conn = MysqlConnection::establish(&server()).unwrap();
            conn.batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            let database = Database { name };
            conn.batch_execute(&format!("USE {}", database.name))
                .unwrap();
            for statement in statements {
                conn.batch_execute(statement).unwrap();
            }
            (database, conn)
        }

        /// The server's URL with this database.
        fn url(&self) -> String {
            let server = server();
            let base = server
                .rsplit_once('/')
                .map_or(server.as_str(), |(base, _)| base);
            format!("{base}/{}", self.name)
        }
    }

    #[test]
    fn a_database_with_hazards() {
        let statements: Vec<String> = HAZARDS
            .iter()
            .map(|statement| statement.replace("TIMESTAMP NULL", "DATETIME(6) NULL"))
            .collect();
        let statements: Vec<&str> = statements.iter().map(String::as_str).collect();
        let (database, _conn) = Database::with(&statements);
        assert_reports_hazards(&database.url());
    }

    #[test]
    fn a_migration_up_and_down() {
        for flag in [false, true] {
            let (database, mut conn) = Database::with(&[
                "CREATE TABLE handles (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL, \
                 UNIQUE KEY handles_name (name))",
                "INSERT INTO handles (id, name) VALUES (1, 'ada')",
            ]);
            assert_migration_round_trip(&database.url(), &mut conn, flag);
        }
    }
}
