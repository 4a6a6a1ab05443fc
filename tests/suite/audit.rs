// The schema audit on a live database: the catalog as each backend reports it, and the hazards
// found in tables made to carry them, without false alarms on the crate's own recommendations.

use diesel::connection::SimpleConnection;
use soft_delete_core::SoftDelete;
use soft_delete_core::audit::catalog::{self, FkAction};
use soft_delete_core::audit::{AuditReport, Hazard, Options, audit_graphs, audit_schema};
use soft_delete_core::migration::{Tombstone, unique_while_live};

type Conn = super::Conn;

fn is_mysql() -> bool {
    std::any::type_name::<Db>().ends_with("Mysql")
}

/// A nullable timestamp column as this backend writes it.
fn timestamp() -> &'static str {
    if is_mysql() {
        "DATETIME(6) NULL"
    } else {
        "TIMESTAMP NULL"
    }
}

/// A nullable timestamp that keeps whole seconds only, where the backend can say so: MySQL's
/// plain `DATETIME`, PostgreSQL's `timestamp(0)`. SQLite keeps the text it is given.
fn coarse_timestamp() -> &'static str {
    if is_mysql() {
        "DATETIME NULL"
    } else if std::any::type_name::<Db>().ends_with("Pg") {
        "TIMESTAMP(0) NULL"
    } else {
        "TIMESTAMP NULL"
    }
}

/// `coarse-tombstone` for `audit_coarse`, on the backends whose types fix the digits kept.
fn coarse(
    mut hazards: Vec<(&'static str, &'static str, &'static str)>,
) -> Vec<(&'static str, &'static str, &'static str)> {
    if !std::any::type_name::<Db>().ends_with("Sqlite") {
        hazards.push(("coarse-tombstone", "audit_coarse", "deleted_at"));
    }
    hazards
}

/// One statement at a time: MySQL takes no batches through Diesel's `batch_execute`.
fn run(conn: &mut Conn, statements: &[String]) {
    for statement in statements {
        conn.batch_execute(statement)
            .unwrap_or_else(|error| panic!("{error}\n{statement}"));
    }
}

/// `(kind, table, columns)` of every hazard in `tables`, sorted.
fn found(report: &AuditReport, tables: &[&str]) -> Vec<(String, String, String)> {
    let mut found: Vec<_> = report
        .hazards
        .iter()
        .filter(|hazard| tables.contains(&hazard.table()))
        .map(|hazard| {
            (
                hazard.kind().to_owned(),
                hazard.table().to_owned(),
                hazard.columns().join(","),
            )
        })
        .collect();
    found.sort();
    found
}

fn expected(hazards: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut expected: Vec<_> = hazards
        .iter()
        .map(|(kind, table, columns)| {
            (
                (*kind).to_owned(),
                (*table).to_owned(),
                (*columns).to_owned(),
            )
        })
        .collect();
    expected.sort();
    expected
}

/// Tables that each carry one hazard, beside a parent that does everything right.
fn hazardous_tables(conn: &mut Conn) {
    let ts = timestamp();
    run(
        conn,
        &[
            format!(
                "CREATE TABLE audit_parents (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL, \
                 deleted_at {ts})"
            ),
            "CREATE INDEX audit_parents_deleted_at ON audit_parents (deleted_at)".to_owned(),
            unique_while_live::<Db>(
                "audit_parents_live_name",
                "audit_parents",
                &["name"],
                Tombstone::Timestamp("deleted_at"),
            ),
            format!(
                "CREATE TABLE audit_cascading (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL, \
                 deleted_at {ts}, \
                 FOREIGN KEY (parent_id) REFERENCES audit_parents (id) ON DELETE CASCADE)"
            ),
            "CREATE INDEX audit_cascading_deleted_at ON audit_cascading (deleted_at)".to_owned(),
            "CREATE TABLE audit_orphans (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL, \
             FOREIGN KEY (parent_id) REFERENCES audit_parents (id))"
                .to_owned(),
            format!(
                "CREATE TABLE audit_slugs (id INTEGER PRIMARY KEY, slug VARCHAR(64) NOT NULL, \
                 deleted_at {ts})"
            ),
            "CREATE INDEX audit_slugs_deleted_at ON audit_slugs (deleted_at)".to_owned(),
            "CREATE UNIQUE INDEX audit_slugs_slug ON audit_slugs (slug)".to_owned(),
            format!("CREATE TABLE audit_unindexed (id INTEGER PRIMARY KEY, deleted_at {ts})"),
            format!(
                "CREATE TABLE audit_coarse (id INTEGER PRIMARY KEY, deleted_at {})",
                coarse_timestamp()
            ),
            "CREATE INDEX audit_coarse_deleted_at ON audit_coarse (deleted_at)".to_owned(),
        ],
    );
}

const AUDIT_TABLES: &[&str] = &[
    "audit_parents",
    "audit_cascading",
    "audit_orphans",
    "audit_slugs",
    "audit_unindexed",
    "audit_coarse",
];

#[test]
fn the_catalog_reads_columns_keys_and_indexes() {
    let mut db = connect();
    let conn = &mut *db;
    hazardous_tables(conn);

    let catalog = catalog::read(conn).unwrap();

    assert!(catalog.table(soft_delete_core::ledger::TABLE).is_none());
    let parents = catalog.table("AUDIT_PARENTS").unwrap();
    let deleted_at = parents.column("deleted_at").unwrap();
    assert!(deleted_at.nullable && !deleted_at.generated);
    let coarse = catalog
        .table("audit_coarse")
        .unwrap()
        .column("deleted_at")
        .unwrap();
    if std::any::type_name::<Db>().ends_with("Sqlite") {
        assert_eq!(
            (deleted_at.second_digits, coarse.second_digits),
            (None, None)
        );
    } else {
        assert_eq!(
            (deleted_at.second_digits, coarse.second_digits),
            (Some(6), Some(0))
        );
    }
    assert!(!parents.column("name").unwrap().nullable);
    assert!(parents.indexes.iter().any(|index| index.primary));

    let live = parents.index("audit_parents_live_name").unwrap();
    assert!(live.unique && !live.primary);
    if is_mysql() {
        // No partial indexes: a generated column computed from the tombstone carries the key.
        assert_eq!(live.columns, ["name", "audit_parents_live_name_live"]);
        let marker = parents.column("audit_parents_live_name_live").unwrap();
        assert!(
            marker.generated && marker.derives_from("deleted_at"),
            "{marker:?}"
        );
        assert_eq!(live.predicate, None);
    } else {
        assert_eq!(live.columns, ["name"]);
        let predicate = live.predicate.as_deref().unwrap();
        assert!(predicate.contains("deleted_at") && predicate.contains("IS NULL"));
    }

    let into_parents: Vec<_> = catalog.references_to("audit_parents").collect();
    assert_eq!(into_parents.len(), 2);
    let cascading = catalog.table("audit_cascading").unwrap().foreign_keys[0].clone();
    assert_eq!(cascading.columns, ["parent_id"]);
    assert_eq!(cascading.referenced_columns, ["id"]);
    assert_eq!(cascading.on_delete, FkAction::Cascade);
    let orphans = &catalog.table("audit_orphans").unwrap().foreign_keys[0];
    assert!(orphans.on_delete.blocks_delete());
    assert_eq!(
        orphans.name.is_some(),
        !std::any::type_name::<Db>().ends_with("Sqlite")
    );

    let slugs = catalog
        .table("audit_slugs")
        .unwrap()
        .index("audit_slugs_slug")
        .unwrap();
    assert!(slugs.unique && slugs.predicate.is_none());
    assert_eq!(slugs.columns, ["slug"]);
}

#[test]
fn the_catalog_reads_foreign_keys_alone_as_it_reads_them_with_the_tables() {
    let mut db = connect();
    let conn = &mut *db;
    hazardous_tables(conn);
    // A key of two columns: one key, its columns in order.
    run(
        conn,
        &[
            "CREATE TABLE audit_pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b))"
                .to_owned(),
            "CREATE TABLE audit_pair_uses (id INTEGER PRIMARY KEY, x INTEGER, y INTEGER, \
             FOREIGN KEY (x, y) REFERENCES audit_pairs (a, b) ON DELETE SET NULL)"
                .to_owned(),
        ],
    );

    let alone = catalog::read_foreign_keys(conn).unwrap();
    let with_tables: Vec<_> = catalog::read(conn)
        .unwrap()
        .tables
        .into_iter()
        .flat_map(|table| table.foreign_keys)
        .collect();

    let ours = |keys: &[soft_delete_core::audit::catalog::ForeignKey]| {
        let mut ours: Vec<_> = keys
            .iter()
            .filter(|key| key.table.starts_with("audit_"))
            .cloned()
            .collect();
        ours.sort_by_key(|key| (key.table.clone(), key.columns.clone()));
        ours
    };
    assert_eq!(ours(&alone), ours(&with_tables));
    let pair = ours(&alone)
        .into_iter()
        .find(|key| key.table == "audit_pair_uses")
        .unwrap();
    assert_eq!(
        (pair.columns, pair.referenced_columns, pair.on_delete),
        (
            vec!["x".to_owned(), "y".to_owned()],
            vec!["a".to_owned(), "b".to_owned()],
            FkAction::SetNull
        )
    );
    assert_eq!(ours(&alone).len(), 3);
}

#[test]
fn the_schema_audit_finds_each_hazard_by_its_tombstone_column() {
    let mut db = connect();
    let conn = &mut *db;
    hazardous_tables(conn);

    let report = audit_schema(&catalog::read(conn).unwrap(), &Options::default());

    assert_eq!(
        found(&report, AUDIT_TABLES),
        expected(&coarse(vec![
            ("cascading-foreign-key", "audit_cascading", "parent_id"),
            ("child-without-tombstone", "audit_orphans", "parent_id"),
            ("unique-counts-tombstones", "audit_slugs", "slug"),
            ("unindexed-tombstone", "audit_unindexed", "deleted_at"),
        ])),
        "{report}"
    );
    // The fixture's unique keys over live rows (partial indexes, or MySQL's generated columns)
    // are fine.
    assert!(
        !report
            .hazards
            .iter()
            .any(|hazard| hazard.kind() == "unique-counts-tombstones"
                && matches!(hazard.table(), "stores" | "route_segments")),
        "{report}"
    );
    let text = report.to_string();
    assert!(text.contains("audit_slugs_slug") && text.contains("unique_while_live"));
    #[cfg(feature = "serde")]
    assert!(
        serde_json::to_string(&report)
            .unwrap()
            .contains(r#""kind":"cascading-foreign-key","table":"audit_cascading""#)
    );

    // With the flag tombstone too, a flag child is no longer a child without a tombstone.
    let options = Options::default().tombstone_column("is_deleted");
    let report = audit_schema(&catalog::read(conn).unwrap(), &options);
    assert!(
        !report
            .hazards
            .iter()
            .any(|hazard| hazard.kind() == "child-without-tombstone"
                && hazard.table() == "hub_issue_comments"),
        "{report}"
    );
}

#[test]
fn the_graph_audit_finds_uncovered_children_and_drift() {
    let mut db = connect();
    let conn = &mut *db;
    let ts = timestamp();
    run(
        conn,
        &[
            "CREATE TABLE hub_stars (id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL, \
             FOREIGN KEY (repo_id) REFERENCES hub_repos (id))"
                .to_owned(),
            "CREATE TABLE hub_labels (id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL, \
             FOREIGN KEY (issue_id) REFERENCES hub_issues (id) ON DELETE CASCADE)"
                .to_owned(),
            format!("CREATE TABLE hub_archive (id INTEGER PRIMARY KEY, deleted_at {ts})"),
            "CREATE INDEX hub_repos_deleted_at ON hub_repos (deleted_at)".to_owned(),
            "CREATE UNIQUE INDEX hub_repos_slug ON hub_repos (slug(64))".to_owned(),
            "DROP TABLE hub_proposal_comments".to_owned(),
            "ALTER TABLE hub_issue_comments DROP COLUMN is_deleted".to_owned(),
        ]
        .map(|statement| {
            if is_mysql() {
                statement
            } else {
                statement.replace("slug(64)", "slug")
            }
        }),
    );

    let graphs = [
        HubRepo::cascade_graph(),
        HostedSite::cascade_graph(),
        Route::cascade_graph(),
        Station::cascade_graph(),
        Comment::cascade_graph(),
    ];
    let report = audit_graphs(&catalog::read(conn).unwrap(), &graphs);

    let hub = [
        "hub_repos",
        "hub_issues",
        "hub_issue_comments",
        "hub_proposals",
        "hub_proposal_comments",
        "hub_webhooks",
        "hub_stars",
        "hub_labels",
        "hub_archive",
    ];
    assert_eq!(
        found(&report, &hub),
        expected(&[
            ("unique-counts-tombstones", "hub_repos", "slug"),
            ("unindexed-tombstone", "hub_issues", "deleted_at"),
            ("unindexed-tombstone", "hub_proposals", "deleted_at"),
            ("missing-table", "hub_issue_comments", "is_deleted"),
            ("missing-table", "hub_proposal_comments", ""),
            ("uncovered-child", "hub_stars", "repo_id"),
            ("cascading-foreign-key", "hub_labels", "issue_id"),
            ("uncovered-child", "hub_labels", "issue_id"),
            ("unmodelled-table", "hub_archive", "deleted_at"),
        ]),
        "{report}"
    );

    // Seed 004's notification log outlives its route on purpose (`keep`), as seed 001's forks
    // outlive their upstream (`Self(keep)`, so no hazard for `hub_repos`.`fork_parent_id`
    // above); the station index is hard-deleted with its route but not with its station.
    assert_eq!(
        found(&report, &["notification_log", "station_index"]),
        expected(&[("uncovered-child", "station_index", "station_id")])
    );
    // Owned records, restrict and hard edges, trees and partial unique keys are all covered.
    let covered = [
        "stores",
        "store_pages",
        "hosted_sites",
        "merchants",
        "route_segments",
        "schedules",
        "notification_preferences",
        "comments",
        "comment_reactions",
    ];
    let alarms: Vec<_> = found(&report, &covered)
        .into_iter()
        .filter(|(kind, _, _)| kind != "unindexed-tombstone")
        .collect();
    assert!(alarms.is_empty(), "{report}");
    let unmodelled: Vec<_> = report
        .hazards
        .iter()
        .filter(|hazard| hazard.kind() == "unmodelled-table")
        .map(Hazard::table)
        .collect();
    assert!(unmodelled.contains(&"repos") && !unmodelled.contains(&"hub_repos"));
}
