//! `migration::Plan`: the SQL it renders on each backend, a plan filled from a compiled cascade
//! graph, and that graph's migration applied to a real SQLite database and rolled back.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_core::migration::{Plan, TablePlan, Tombstone};

/// The models: a repo's issues (timestamps) and their comments (a flag), and webhooks.
mod models {
    use chrono::NaiveDateTime;
    use diesel::prelude::*;
    use soft_delete_core::SoftDelete;

    diesel::table! { repos (id) { id -> Integer, slug -> Text, deleted_at -> Nullable<Timestamp>, deleted_by -> Nullable<Integer>, } }
    diesel::table! { issues (id) { id -> Integer, repo_id -> Integer, deleted_at -> Nullable<Timestamp>, } }
    diesel::table! { comments (id) { id -> Integer, issue_id -> Integer, is_deleted -> Bool, } }
    diesel::table! { webhooks (id) { id -> Integer, repo_id -> Integer, } }
    diesel::allow_tables_to_appear_in_same_query!(repos, issues, comments, webhooks);

    #[derive(Queryable, Identifiable, SoftDelete)]
    #[diesel(table_name = repos)]
    #[soft_delete(deleted_by = deleted_by)]
    #[cascade(Issue, Webhook(hard))]
    pub struct Repo {
        pub id: i32,
        pub slug: String,
        pub deleted_at: Option<NaiveDateTime>,
        pub deleted_by: Option<i32>,
    }

    #[derive(Queryable, Identifiable, Associations, SoftDelete)]
    #[diesel(table_name = issues, belongs_to(Repo))]
    #[soft_delete(parent = Repo)]
    #[cascade(Comment)]
    pub struct Issue {
        pub id: i32,
        pub repo_id: i32,
        pub deleted_at: Option<NaiveDateTime>,
    }

    #[derive(Queryable, Identifiable, Associations, SoftDelete)]
    #[diesel(table_name = comments, belongs_to(Issue))]
    #[soft_delete(flag = is_deleted, parent = Issue)]
    pub struct Comment {
        pub id: i32,
        pub issue_id: i32,
        pub is_deleted: bool,
    }

    #[derive(Queryable, Identifiable, Associations)]
    #[diesel(table_name = webhooks, belongs_to(Repo))]
    pub struct Webhook {
        pub id: i32,
        pub repo_id: i32,
    }
}

use models::{Comment, Issue, Repo, comments};

fn sites() -> Plan {
    Plan::new().table(
        TablePlan::new("sites", Tombstone::Timestamp("deleted_at"))
            .actor("deleted_by", "INTEGER")
            .unique_key("sites_slug", &["slug"]),
    )
}

#[test]
fn renders_up_and_down_on_sqlite() {
    let plan = sites();
    assert_eq!(
        plan.up::<diesel::sqlite::Sqlite>(),
        "-- Makes `sites` soft-deletable (soft_delete_core::migration::Plan).\n\
         \n\
         ALTER TABLE `sites` ADD COLUMN `deleted_at` TIMESTAMP NULL;\n\
         CREATE INDEX `sites_deleted_at_idx` ON `sites` (`deleted_at`);\n\
         ALTER TABLE `sites` ADD COLUMN `deleted_by` INTEGER NULL;\n\
         DROP INDEX `sites_slug`;\n\
         CREATE UNIQUE INDEX `sites_slug` ON `sites` (`slug`) WHERE `deleted_at` IS NULL;\n"
    );
    assert_eq!(
        plan.down::<diesel::sqlite::Sqlite>(),
        "-- Undoes making `sites` soft-deletable (soft_delete_core::migration::Plan).\n\
         \n\
         DROP INDEX `sites_slug`;\n\
         CREATE UNIQUE INDEX `sites_slug` ON `sites` (`slug`);\n\
         ALTER TABLE `sites` DROP COLUMN `deleted_by`;\n\
         DROP INDEX `sites_deleted_at_idx`;\n\
         ALTER TABLE `sites` DROP COLUMN `deleted_at`;\n"
    );
}

#[cfg(feature = "postgres")]
#[test]
fn renders_up_and_down_on_postgres() {
    let plan = sites();
    let up = plan.up::<diesel::pg::Pg>();
    assert!(
        up.contains(
            "ALTER TABLE \"sites\" DROP CONSTRAINT IF EXISTS \"sites_slug\";\n\
             DROP INDEX IF EXISTS \"sites_slug\";\n\
             CREATE UNIQUE INDEX \"sites_slug\" ON \"sites\" (\"slug\") WHERE \"deleted_at\" IS NULL;"
        ),
        "{up}"
    );
    let down = plan.down::<diesel::pg::Pg>();
    assert!(
        down.contains("DROP INDEX \"sites_deleted_at_idx\";"),
        "{down}"
    );
}

#[cfg(feature = "mysql")]
#[test]
fn renders_up_and_down_on_mysql() {
    let plan = sites();
    let up = plan.up::<diesel::mysql::Mysql>();
    assert!(
        up.contains("ADD COLUMN `deleted_at` DATETIME(6) NULL;"),
        "{up}"
    );
    assert!(
        up.contains(
            "DROP INDEX `sites_slug` ON `sites`;\n\
             ALTER TABLE `sites`\n    ADD COLUMN `sites_slug_live` TINYINT AS (CASE WHEN `deleted_at` IS NULL THEN 1 END) STORED,\n    \
             ADD UNIQUE INDEX `sites_slug` (`slug`, `sites_slug_live`);"
        ),
        "{up}"
    );
    let down = plan.down::<diesel::mysql::Mysql>();
    assert!(
        down.starts_with(
            "-- Undoes making `sites` soft-deletable (soft_delete_core::migration::Plan).\n\n\
             ALTER TABLE `sites` DROP INDEX `sites_slug`, DROP COLUMN `sites_slug_live`;\n\
             CREATE UNIQUE INDEX `sites_slug` ON `sites` (`slug`);"
        ),
        "{down}"
    );
    assert!(
        down.contains("DROP INDEX `sites_deleted_at_idx` ON `sites`;"),
        "{down}"
    );
}

#[test]
fn the_ledger_is_created_first_and_dropped_last() {
    let plan = sites().ledger(true);
    let up = plan.up::<diesel::sqlite::Sqlite>();
    let down = plan.down::<diesel::sqlite::Sqlite>();
    assert!(
        up.find("CREATE TABLE IF NOT EXISTS `soft_delete_flag_stamps`") < up.find("ALTER TABLE")
    );
    assert!(
        down.trim_end()
            .ends_with("DROP TABLE IF EXISTS `soft_delete_flag_stamps`;")
    );
}

#[test]
fn for_graph_takes_every_model_of_the_graph() {
    let plan = Plan::for_graph::<Repo>();
    let tables: Vec<(&str, Tombstone<'_>, Option<(&str, &str)>)> = plan
        .tables()
        .iter()
        .map(|table| (table.name(), table.tombstone(), table.actor_column()))
        .collect();
    assert_eq!(
        tables,
        [
            (
                "repos",
                Tombstone::Timestamp("deleted_at"),
                Some(("deleted_by", "BIGINT"))
            ),
            ("issues", Tombstone::Timestamp("deleted_at"), None),
            ("comments", Tombstone::Flag("is_deleted"), None),
        ]
    );
    assert!(plan.uses_ledger(), "comments is a flag model in a cascade");

    // A flag model that takes part in a cascade, as the root: it needs the ledger too.
    assert!(Plan::for_graph::<Comment>().uses_ledger());
    // The timestamp models alone do not.
    let plan = Plan::for_graph::<Issue>();
    assert_eq!(plan.tables().len(), 2);
    assert!(
        Plan::new().table(TablePlan::new("issues", Tombstone::Timestamp("deleted_at"))) != plan
    );
}

#[test]
fn a_graphs_migration_runs_on_sqlite_and_rolls_back() {
    let plan = Plan::for_graph::<Repo>().actor_type("INTEGER").unique_key(
        "repos",
        "repos_slug",
        &["slug"],
    );
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    // The schema before soft delete.
    conn.batch_execute(
        "CREATE TABLE repos (id INTEGER PRIMARY KEY, slug TEXT NOT NULL);
         CREATE UNIQUE INDEX repos_slug ON repos (slug);
         CREATE TABLE issues (id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL REFERENCES repos (id));
         CREATE TABLE comments (id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues (id));
         CREATE TABLE webhooks (id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL);
         INSERT INTO repos (id, slug) VALUES (1, 'api');
         INSERT INTO issues (id, repo_id) VALUES (10, 1);
         INSERT INTO comments (id, issue_id) VALUES (100, 10), (101, 10);",
    )
    .unwrap();
    conn.batch_execute(&plan.up::<diesel::sqlite::Sqlite>())
        .unwrap();

    // The models work on the migrated schema: a cascade with the flag ledger, and the slug is
    // free again once its repo is tombstoned.
    Repo::soft_delete_by(conn, 1, 7).unwrap();
    let hidden: i64 = comments::table
        .filter(comments::is_deleted)
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(hidden, 2);
    conn.batch_execute("INSERT INTO repos (id, slug) VALUES (2, 'api')")
        .unwrap();
    assert!(
        conn.batch_execute("INSERT INTO repos (id, slug) VALUES (3, 'api')")
            .is_err()
    );
    conn.batch_execute("DELETE FROM repos WHERE id = 2")
        .unwrap();
    Repo::restore(conn, 1).unwrap();

    conn.batch_execute(&plan.down::<diesel::sqlite::Sqlite>())
        .unwrap();
    for gone in [
        "SELECT deleted_at FROM repos",
        "SELECT deleted_by FROM repos",
        "SELECT deleted_at FROM issues",
        "SELECT is_deleted FROM comments",
        "SELECT * FROM soft_delete_flag_stamps",
    ] {
        assert!(conn.batch_execute(gone).is_err(), "{gone} still works");
    }
    assert!(
        conn.batch_execute("INSERT INTO repos (id, slug) VALUES (2, 'api')")
            .is_err(),
        "the original unique key counts every row again"
    );
}
