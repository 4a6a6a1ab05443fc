//! The built `soft-delete-audit` binary, run on real databases: a SQLite file, and under the
//! `postgres` and `mysql` features a schema or database of the test's own on the servers at
//! `PG_DATABASE_URL` and `MYSQL_DATABASE_URL` (defaults as in the behaviour suite).

use std::process::Command;

/// Exit code, standard output and standard error of one run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn audit(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_soft-delete-audit"))
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
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
                .any(|line| line.starts_with(kind) && line.contains(&format!(" {table} "))),
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
}

#[test]
fn help_and_usage_errors() {
    let run = audit(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .starts_with("usage: soft-delete-audit <database-url>")
    );

    for args in [
        &[][..],
        &["a.db", "b.db"],
        &["a.db", "--verbose"],
        &["a.db", "--tombstone-column"],
    ] {
        let run = audit(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains("usage:"), "{args:?}: {}", run.stderr);
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

    use super::{HAZARDS, assert_reports_hazards, audit, unique};

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

    use super::{HAZARDS, assert_reports_hazards, audit, unique};

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

    use super::{HAZARDS, assert_reports_hazards, unique};

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

    #[test]
    fn a_database_with_hazards() {
        let name = unique("sda");
        let mut conn = MysqlConnection::establish(&server()).unwrap();
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let database = Database { name };
        conn.batch_execute(&format!("USE {}", database.name))
            .unwrap();
        for statement in HAZARDS {
            conn.batch_execute(&statement.replace("TIMESTAMP NULL", "DATETIME(6) NULL"))
                .unwrap();
        }
        let server = server();
        let base = server
            .rsplit_once('/')
            .map_or(server.as_str(), |(base, _)| base);
        assert_reports_hazards(&format!("{base}/{}", database.name));
    }
}
