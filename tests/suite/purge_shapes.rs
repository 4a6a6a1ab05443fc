// Purge shapes the batch engine must get right: batches that split a cascade or a tree, rows
// held in one batch and not the next, `hard`, `keep` and `restrict` edges under several
// batches, cutoffs that only some rows meet, owned records whose keys collide with their
// owners', and two-column keys. Every test asserts the rows left in the database.

use chrono::{NaiveDate, NaiveDateTime};
use soft_delete_core::purge::Purge;
use soft_delete_core::testing::{assert_cascade_tombstoned, assert_tombstoned};
use soft_delete_core::{Hooks, Outcome, SoftDelete};

use super::join_tables::{
    JtPost, JtPostTag, JtTag, jt_post_tags, jt_posts, jt_tags, live_links, schema,
};

type Conn = super::Conn;

/// The ids of a table whose key is `id`, in order.
macro_rules! ids {
    ($conn:expr, $table:ident) => {
        $table::table
            .order($table::id)
            .select($table::id)
            .load::<i32>($conn)
            .unwrap()
    };
}

fn run_ddl(conn: &mut Conn, statements: &[String]) {
    for statement in statements {
        conn.batch_execute(statement)
            .unwrap_or_else(|error| panic!("{error}\n{statement}"));
    }
}

fn day(year: i32, month: u32, day: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, month, day)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

/// Asserts that a purge's `report` held back exactly `expected`: (key, what holds it).
#[track_caller]
fn assert_held(report: &soft_delete_core::Report, expected: &[(&str, &str)]) {
    let held: Vec<(&str, &str)> = report
        .held
        .iter()
        .map(|held| (held.key.as_str(), held.held_by.as_str()))
        .collect();
    assert_eq!(held, expected, "{report}");
}

fn ledger_entries(conn: &mut Conn) -> i64 {
    soft_delete_flag_stamps::table
        .count()
        .get_result(conn)
        .unwrap()
}

// ----- a cascade across batches -----------------------------------------------------------

/// Repos `1..=last`, each with its code-hosting tree, all tombstoned.
fn tombstoned_repos(conn: &mut Conn, last: i32) {
    for repo in 1..=last {
        code_hosting(conn, repo);
        op!(HubRepo::soft_delete(conn, repo)).unwrap();
    }
}

/// A live issue under repo `repo`, written past the crate.
fn live_issue_under(conn: &mut Conn, repo: i32, issue: i32) {
    diesel::insert_into(hub_issues::table)
        .values((
            hub_issues::id.eq(issue),
            hub_issues::repo_id.eq(repo),
            hub_issues::title.eq("late"),
        ))
        .execute(conn)
        .unwrap();
}

#[test]
fn a_live_child_under_the_second_batch_holds_only_its_parent() {
    let mut db = connect();
    let conn = &mut *db;
    tombstoned_repos(conn, 4);
    live_issue_under(conn, 4, 49);
    assert_eq!(ledger_entries(conn), 32);
    let mut batches = Vec::new();

    // Batches of two: [1, 2] commits whole; [3, 4] is refused, split, 3 goes and 4 is held.
    let report = op!(HubRepo::purge(
        conn,
        Purge::any_age()
            .batch_size(2)
            .on_progress(|progress| batches.push(progress.report.rows_in("hub_repos")))
    ))
    .unwrap();

    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(report.rows_in("hub_repos"), 3);
    assert_eq!(report.rows_in("hub_issues"), 9);
    assert_eq!(report.rows_in("hub_issue_comments"), 18);
    assert_eq!(report.rows_in("hub_proposals"), 3);
    assert_eq!(report.rows_in("hub_proposal_comments"), 6);
    assert_held(&report, &[("4", "hub_issues (live rows)")]);
    assert_eq!(batches, [2, 1], "the first batch committed whole");
    assert_eq!(ids!(conn, hub_repos), [4]);
    assert_eq!(ids!(conn, hub_issues), [41, 42, 43, 49]);
    assert_eq!(
        ids!(conn, hub_issue_comments),
        [411, 412, 421, 422, 431, 432]
    );
    assert_eq!(ids!(conn, hub_proposals), [41]);
    assert_eq!(ids!(conn, hub_proposal_comments), [411, 412]);
    assert_eq!(ledger_entries(conn), 8, "repo 4's flagged rows keep theirs");
    assert_tombstoned::<HubRepo, _>(conn, 4);
    assert_tombstoned::<HubIssue, _>(conn, 41);
    assert_tombstoned::<HubIssueComment, _>(conn, 411);
    let live: Vec<i32> = HubIssue::active()
        .select(hub_issues::id)
        .load(conn)
        .unwrap();
    assert_eq!(live, [49]);
}

#[test]
fn a_live_child_under_the_first_batch_does_not_stop_the_later_ones() {
    let mut db = connect();
    let conn = &mut *db;
    tombstoned_repos(conn, 5);
    code_hosting(conn, 6); // live
    live_issue_under(conn, 1, 19);
    let mut batches = Vec::new();

    // [1, 2] is split: 1 held, 2 goes; then [3, 4] and [5].
    let report = op!(HubRepo::purge(
        conn,
        Purge::any_age()
            .batch_size(2)
            .on_progress(|progress| batches.push(progress.report.rows_in("hub_repos")))
    ))
    .unwrap();

    assert_eq!(report.rows_in("hub_repos"), 4);
    assert_held(&report, &[("1", "hub_issues (live rows)")]);
    assert_eq!(batches, [1, 2, 1]);
    assert_eq!(ids!(conn, hub_repos), [1, 6]);
    assert_eq!(ids!(conn, hub_issues), [11, 12, 13, 19, 61, 62, 63]);
    assert_eq!(ids!(conn, hub_proposals), [11, 61]);
    assert_eq!(ids!(conn, hub_webhooks), [6]);
    assert_eq!(ledger_entries(conn), 8);
    assert_eq!(
        HubRepo::active()
            .select(hub_repos::id)
            .load::<i32>(conn)
            .unwrap(),
        [6]
    );
}

#[test]
fn a_before_hook_changes_nothing_of_what_a_split_batch_purges() {
    let mut db = connect();
    let conn = &mut *db;
    tombstoned_repos(conn, 4);
    live_issue_under(conn, 4, 49);
    // A `before` hook that changes nothing: the batch's cascade is then found by reading the
    // rows again instead of through the keys picked; the outcome must be the same.
    let hooks = Hooks::new().before(|_: &mut Conn, _| Ok(()));

    let report = HubRepo::purge(conn, Purge::any_age().batch_size(2).hooks(hooks)).unwrap();

    assert_eq!(report.rows_in("hub_repos"), 3);
    assert_held(&report, &[("4", "hub_issues (live rows)")]);
    assert_eq!(ids!(conn, hub_repos), [4]);
    assert_eq!(ids!(conn, hub_issues), [41, 42, 43, 49]);
    assert_eq!(ledger_entries(conn), 8);
}

// ----- cutoffs ----------------------------------------------------------------------------

#[test]
fn a_cutoff_takes_only_the_old_tombstones_across_batches() {
    let mut db = connect();
    let conn = &mut *db;
    tombstoned_repos(conn, 5);
    code_hosting(conn, 6); // live
    // Repos 1, 3 and 5 were deleted long ago; 2 and 4 just now.
    diesel::update(hub_repos::table.filter(hub_repos::id.eq_any([1, 3, 5])))
        .set(hub_repos::deleted_at.eq(Some(day(2020, 1, 1))))
        .execute(conn)
        .unwrap();
    let mut batches = Vec::new();

    let report = op!(HubRepo::purge(
        conn,
        Purge::older_than(day(2021, 1, 1))
            .batch_size(2)
            .on_progress(|progress| batches.push(progress.report.rows_in("hub_repos")))
    ))
    .unwrap();

    assert_eq!(report.rows_in("hub_repos"), 3);
    assert_eq!(report.rows_in("hub_issues"), 9);
    assert!(report.held.is_empty(), "{report}");
    assert_eq!(batches, [2, 1], "[1, 3] then [5]");
    assert_eq!(ids!(conn, hub_repos), [2, 4, 6]);
    assert_eq!(ids!(conn, hub_issues), [21, 22, 23, 41, 42, 43, 61, 62, 63]);
    assert_eq!(ids!(conn, hub_proposals), [21, 41, 61]);
    assert_eq!(ledger_entries(conn), 16, "repos 2 and 4 keep their entries");
    assert_cascade_tombstoned::<HubRepo, _>(conn, 2);
    assert_cascade_tombstoned::<HubRepo, _>(conn, 4);

    let again = op!(HubRepo::purge(conn, Purge::older_than(day(2021, 1, 1)))).unwrap();
    assert_eq!(again.outcome, Outcome::NothingMatched);
    assert_eq!(ids!(conn, hub_repos), [2, 4, 6]);
}

#[test]
fn a_cutoff_ages_flagged_rows_by_their_ledger_stamps_one_per_batch() {
    let mut db = connect();
    let conn = &mut *db;
    code_hosting(conn, 1);
    for comment in [111, 112, 121, 122] {
        op!(HubIssueComment::soft_delete(conn, comment)).unwrap();
    }
    // 111 and 122 were flagged long ago.
    diesel::update(
        soft_delete_flag_stamps::table
            .filter(soft_delete_flag_stamps::table_name.eq("hub_issue_comments"))
            .filter(soft_delete_flag_stamps::row_key.eq_any(["111", "122"])),
    )
    .set(soft_delete_flag_stamps::stamp.eq(day(2020, 1, 1)))
    .execute(conn)
    .unwrap();

    let report = op!(HubIssueComment::purge(
        conn,
        Purge::older_than(day(2021, 1, 1)).batch_size(1)
    ))
    .unwrap();

    assert_eq!(report.rows_in("hub_issue_comments"), 2);
    assert_eq!(
        ids!(conn, hub_issue_comments),
        [112, 121, 131, 132],
        "the old ones gone, the new ones and the live ones left"
    );
    assert_tombstoned::<HubIssueComment, _>(conn, 112);
    assert_tombstoned::<HubIssueComment, _>(conn, 121);
    let keys: Vec<String> = soft_delete_flag_stamps::table
        .order(soft_delete_flag_stamps::row_key)
        .select(soft_delete_flag_stamps::row_key)
        .load(conn)
        .unwrap();
    assert_eq!(keys, ["112", "121"]);
}

// ----- trees --------------------------------------------------------------------------------

#[test]
fn a_tree_whose_subtrees_straddle_batch_boundaries_is_purged_whole() {
    let mut db = connect();
    let conn = &mut *db;
    // Thread 1 -> 5 -> 9 -> 4 and thread 3 -> 2 -> 8; thread 6 -> 7 stays live. By key, the
    // first batch of two is [1, 2]: a root, and a reply whose parent comes later.
    conn.batch_execute(
        "INSERT INTO comments (id, parent_id, body) VALUES
             (1, NULL, 'a'), (5, 1, 'a1'), (9, 5, 'a2'), (4, 9, 'a3'),
             (3, NULL, 'b'), (2, 3, 'b1'), (8, 2, 'b2'),
             (6, NULL, 'c'), (7, 6, 'c1');
         INSERT INTO comment_reactions (id, comment_id, emoji) VALUES
             (10, 1, 'x'), (40, 4, 'x'), (30, 3, 'x'), (80, 8, 'x'), (70, 7, 'x');",
    )
    .unwrap();
    op!(Comment::soft_delete(conn, 1)).unwrap();
    op!(Comment::soft_delete(conn, 3)).unwrap();

    let report = op!(Comment::purge(conn, Purge::any_age().batch_size(2))).unwrap();

    assert!(report.held.is_empty(), "{report}");
    assert_eq!(report.rows_in("comments"), 7);
    assert_eq!(report.rows_in("comment_reactions"), 4);
    assert_eq!(ids!(conn, comments), [6, 7]);
    assert_eq!(ids!(conn, comment_reactions), [70]);
}

#[test]
fn a_live_reply_holds_exactly_the_path_above_it_across_batches() {
    let mut db = connect();
    let conn = &mut *db;
    // Thread 1 -> 3, 1 -> 4; thread 2 -> 5, 2 -> 7; thread 6 stays live.
    conn.batch_execute(
        "INSERT INTO comments (id, parent_id, body) VALUES
             (1, NULL, 'a'), (3, 1, 'a1'), (4, 1, 'a2'),
             (2, NULL, 'b'), (5, 2, 'b1'), (7, 2, 'b2'),
             (6, NULL, 'c');
         INSERT INTO comment_reactions (id, comment_id, emoji) VALUES
             (10, 1, 'x'), (30, 3, 'x'), (40, 4, 'x'), (50, 5, 'x'), (60, 6, 'x');",
    )
    .unwrap();
    op!(Comment::soft_delete(conn, 1)).unwrap();
    op!(Comment::soft_delete(conn, 2)).unwrap();
    // A live reply under 4, written past the crate.
    conn.batch_execute("INSERT INTO comments (id, parent_id, body) VALUES (8, 4, 'late')")
        .unwrap();

    // [1, 2]: 1 is held (8 hangs under it), 2 goes with 5 and 7. [3, 4]: 3 goes, 4 is held.
    let report = op!(Comment::purge(conn, Purge::any_age().batch_size(2))).unwrap();

    assert_held(
        &report,
        &[("1", "comments (live rows)"), ("4", "comments (live rows)")],
    );
    assert_eq!(report.rows_in("comments"), 4);
    assert_eq!(report.rows_in("comment_reactions"), 2);
    // Never a live row, nor a row a live row hangs off.
    assert_eq!(ids!(conn, comments), [1, 4, 6, 8]);
    assert_eq!(ids!(conn, comment_reactions), [10, 40, 60]);
    assert_tombstoned::<Comment, _>(conn, 1);
    assert_tombstoned::<Comment, _>(conn, 4);
    assert_eq!(live_comments(conn), [6, 8]);
}

#[test]
fn a_live_reply_deep_in_one_thread_holds_its_ancestors_in_one_batch() {
    let mut db = connect();
    let conn = &mut *db;
    // 1 -> 2 -> 3 -> 4, and 1 -> 5; one batch takes them all.
    conn.batch_execute(
        "INSERT INTO comments (id, parent_id, body) VALUES
             (1, NULL, 'a'), (2, 1, 'b'), (3, 2, 'c'), (4, 3, 'd'), (5, 1, 'e');",
    )
    .unwrap();
    op!(Comment::soft_delete(conn, 1)).unwrap();
    conn.batch_execute("INSERT INTO comments (id, parent_id, body) VALUES (9, 4, 'late')")
        .unwrap();

    let report = op!(Comment::purge(conn, Purge::any_age())).unwrap();

    // Every row on the path from the live reply up is held; 5, on no such path, goes.
    let mut held: Vec<&str> = report.held.iter().map(|held| held.key.as_str()).collect();
    held.sort_unstable();
    assert_eq!(held, ["1", "2", "3", "4"], "{report}");
    assert_eq!(report.rows_in("comments"), 1);
    assert_eq!(ids!(conn, comments), [1, 2, 3, 4, 9]);
    assert_eq!(live_comments(conn), [9]);
}

#[test]
fn a_quote_from_a_later_batch_holds_the_quoted_thread_until_the_next_run() {
    let mut db = connect();
    let conn = &mut *db;
    // Thread 1 -> 5 -> 9 -> 4 and thread 3 -> 2 -> 8; 3 quotes 9 (a kept link).
    conn.batch_execute(
        "INSERT INTO comments (id, parent_id, body) VALUES
             (1, NULL, 'a'), (5, 1, 'a1'), (9, 5, 'a2'), (4, 9, 'a3'),
             (3, NULL, 'b'), (2, 3, 'b1'), (8, 2, 'b2');
         UPDATE comments SET quoted_id = 9 WHERE id = 3;",
    )
    .unwrap();
    op!(Comment::soft_delete(conn, 1)).unwrap();
    op!(Comment::soft_delete(conn, 3)).unwrap();

    // [1, 2]: 1 takes 9 along, which 3 (not in the batch) still quotes: 1 is held, 2 goes with
    // 8. [3, 4]: both go (3's quote with it). [5, 9]: nothing quotes 9 any more.
    let report = op!(Comment::purge(conn, Purge::any_age().batch_size(2))).unwrap();

    assert_held(&report, &[("1", "comments.quoted_id")]);
    assert_eq!(ids!(conn, comments), [1]);
    assert_tombstoned::<Comment, _>(conn, 1);

    let again = op!(Comment::purge(conn, Purge::any_age().batch_size(2))).unwrap();
    assert!(again.held.is_empty(), "{again}");
    assert_eq!(again.rows_in("comments"), 1);
    assert!(ids!(conn, comments).is_empty());
}

// ----- kept self links ----------------------------------------------------------------------

#[test]
fn forks_and_upstreams_in_different_batches() {
    let mut db = connect();
    let conn = &mut *db;
    for repo in 1..=5 {
        code_hosting(conn, repo);
    }
    // 3 forks 1 (the fork comes after its upstream); 2 forks 5 (before it). 4 stays live.
    conn.batch_execute(
        "UPDATE hub_repos SET fork_parent_id = 1 WHERE id = 3;
         UPDATE hub_repos SET fork_parent_id = 5 WHERE id = 2;",
    )
    .unwrap();
    for repo in [1, 2, 3, 5] {
        op!(HubRepo::soft_delete(conn, repo)).unwrap();
    }

    let report = op!(HubRepo::purge(conn, Purge::any_age().batch_size(1))).unwrap();

    // [1]: 3 still points at it: held. [2], [3], [5]: each goes, 5 once 2 is gone.
    assert_held(&report, &[("1", "hub_repos.fork_parent_id")]);
    assert_eq!(report.rows_in("hub_repos"), 3);
    assert_eq!(ids!(conn, hub_repos), [1, 4]);
    assert_eq!(ids!(conn, hub_issues), [11, 12, 13, 41, 42, 43]);
    assert_cascade_tombstoned::<HubRepo, _>(conn, 1);

    let again = op!(HubRepo::purge(conn, Purge::any_age().batch_size(1))).unwrap();
    assert!(again.held.is_empty(), "{again}");
    assert_eq!(ids!(conn, hub_repos), [4]);
    assert_eq!(ids!(conn, hub_issues), [41, 42, 43]);
}

// ----- restrict, hard and keep edges ------------------------------------------------------

#[test]
fn a_restricting_edge_holds_one_station_of_a_later_batch() {
    let mut db = connect();
    let conn = &mut *db;
    conn.batch_execute(
        "INSERT INTO stations (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f');
         INSERT INTO routes (id, name) VALUES (1, 'old'), (2, 'live');
         INSERT INTO route_segments (id, route_id, station_id, sequence) VALUES (11, 1, 4, 1), (21, 2, 6, 1);",
    )
    .unwrap();
    // Route 1's segment at station 4 is tombstoned with it: the station's soft delete may go
    // ahead, but a tombstoned segment still references it.
    op!(Route::soft_delete(conn, 1)).unwrap();
    for station in 1..=5 {
        op!(Station::soft_delete(conn, station)).unwrap();
    }

    let report = op!(Station::purge(conn, Purge::any_age().batch_size(2))).unwrap();

    assert_held(&report, &[("4", "route_segments (restrict)")]);
    assert_eq!(report.rows_in("stations"), 4);
    assert_eq!(ids!(conn, stations), [4, 6]);
    assert_eq!(ids!(conn, route_segments), [11, 21]);
    assert_tombstoned::<Station, _>(conn, 4);

    // Once the route is purged, with its segment, the station goes too.
    let routes = op!(Route::purge(conn, Purge::any_age())).unwrap();
    assert_eq!(
        (routes.rows_in("routes"), routes.rows_in("route_segments")),
        (1, 1)
    );
    let again = op!(Station::purge(conn, Purge::any_age().batch_size(2))).unwrap();
    assert!(again.held.is_empty(), "{again}");
    assert_eq!(ids!(conn, stations), [6]);
    assert_eq!(ids!(conn, route_segments), [21]);
}

#[test]
fn hard_and_kept_edges_hold_their_own_route_and_no_other_across_batches() {
    let mut db = connect();
    let conn = &mut *db;
    run_ddl(
        conn,
        &[
            "CREATE TABLE ps_index_refs (id INTEGER PRIMARY KEY, entry_id INTEGER NOT NULL, \
           CONSTRAINT ps_index_refs_entry FOREIGN KEY (entry_id) REFERENCES station_index (id))"
                .to_owned(),
        ],
    );
    conn.batch_execute("INSERT INTO stations (id, name) VALUES (1, 'a')")
        .unwrap();
    for route in 1..=6 {
        let row = route * 10 + 1;
        conn.batch_execute(&format!(
            "INSERT INTO routes (id, name) VALUES ({route}, 'r');
             INSERT INTO schedules (id, route_id, departs) VALUES ({row}, {route}, '07:00');
             INSERT INTO notification_preferences (id, route_id, channel) VALUES ({row}, {route}, 'push');
             INSERT INTO station_index (id, route_id, station_id) VALUES ({row}, {route}, 1);"
        ))
        .unwrap();
    }
    for route in 1..=5 {
        op!(Route::soft_delete(conn, route)).unwrap();
    }
    assert_eq!(ids!(conn, station_index), [61], "`hard` took them already");
    // Written after the soft delete: index rows the purge's `hard` edge must take (routes 2, 3
    // and 5), one of them (32) kept by a row outside the graph; and a log entry (a `keep`
    // edge, with a foreign key) that holds route 4.
    conn.batch_execute(
        "INSERT INTO station_index (id, route_id, station_id) VALUES (22, 2, 1), (32, 3, 1), (52, 5, 1);
         INSERT INTO ps_index_refs (id, entry_id) VALUES (1, 32);
         INSERT INTO notification_log (id, route_id, message) VALUES (41, 4, 'late');",
    )
    .unwrap();

    // [1, 2] goes; [3, 4] is split, both held; [5] goes.
    let report = op!(Route::purge(conn, Purge::any_age().batch_size(2))).unwrap();

    assert_held(
        &report,
        &[
            ("3", "ps_index_refs.entry_id"),
            ("4", "notification_log.route_id"),
        ],
    );
    assert_eq!(report.rows_in("routes"), 3);
    assert_eq!(report.rows_in("station_index"), 2);
    assert_eq!(ids!(conn, routes), [3, 4, 6]);
    assert_eq!(ids!(conn, schedules), [31, 41, 61]);
    assert_eq!(ids!(conn, notification_preferences), [31, 41, 61]);
    assert_eq!(ids!(conn, station_index), [32, 61]);
    assert_eq!(ids!(conn, notification_log), [41]);
    assert_eq!(
        ledger_entries(conn),
        2,
        "the held routes' preferences keep theirs"
    );
    assert_cascade_tombstoned::<Route, _>(conn, 3);
    assert_cascade_tombstoned::<Route, _>(conn, 4);
}

// ----- owned records: the owner holds the key -------------------------------------------------

#[test]
fn owned_stores_whose_keys_collide_with_their_sites_keys_follow_their_own_purge() {
    let mut db = connect();
    let conn = &mut *db;
    // Site 1 owns store 2 and site 2 owns store 1: a site's key is another site's store's.
    conn.batch_execute(
        "INSERT INTO merchants (id, name) VALUES (1, 'Acme');
         INSERT INTO stores (id, subdomain) VALUES (1, 'one'), (2, 'two'), (3, 'three');
         INSERT INTO hosted_sites (id, merchant_id, store_id, name) VALUES (1, 1, 2, 's1'), (2, 1, 1, 's2'), (3, 1, 3, 's3');
         INSERT INTO store_pages (id, store_id, title) VALUES (10, 1, 'p'), (20, 2, 'p'), (21, 2, 'q'), (30, 3, 'p');",
    )
    .unwrap();
    op!(HostedSite::soft_delete(conn, 1)).unwrap();
    op!(HostedSite::soft_delete(conn, 3)).unwrap();

    // The stores first: their owners still hold their keys.
    let report = op!(Store::purge(conn, Purge::any_age().batch_size(1))).unwrap();
    assert_held(
        &report,
        &[
            ("2", "hosted_sites (owner rows holding its key)"),
            ("3", "hosted_sites (owner rows holding its key)"),
        ],
    );
    assert_eq!(ids!(conn, stores), [1, 2, 3]);

    // The sites, one per batch: each leaves its store, and never touches store 1 (site 1's key).
    let report = op!(HostedSite::purge(conn, Purge::any_age().batch_size(1))).unwrap();
    assert_eq!(report.rows_in("hosted_sites"), 2);
    assert_eq!(report.rows_in("stores"), 0);
    assert_eq!(ids!(conn, hosted_sites), [2]);
    assert_eq!(ids!(conn, stores), [1, 2, 3]);
    assert_eq!(ids!(conn, store_pages), [10, 20, 21, 30]);
    assert_eq!(
        Store::active()
            .select(stores::id)
            .load::<i32>(conn)
            .unwrap(),
        [1]
    );

    // Then the stores, with their pages; store 1 and its page stay.
    let report = op!(Store::purge(conn, Purge::any_age().batch_size(1))).unwrap();
    assert!(report.held.is_empty(), "{report}");
    assert_eq!(
        (report.rows_in("stores"), report.rows_in("store_pages")),
        (2, 3)
    );
    assert_eq!(ids!(conn, stores), [1]);
    assert_eq!(ids!(conn, store_pages), [10]);
}

// ----- a diamond: payments under a domain and an end user -----------------------------------

#[test]
fn a_note_authored_across_domains_goes_with_its_authors_domain_in_its_batch() {
    let mut db = connect();
    let conn = &mut *db;
    // Domains 1 and 3 tombstoned, 2 live. Note 21 in live domain 2 was written by user 11 of
    // domain 1, so domain 1's delete tombstoned it (and its reply 22); note 31 of domain 3
    // replies to note 12 of domain 1.
    conn.batch_execute(
        "INSERT INTO tenant_domains (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');
         INSERT INTO tenant_end_users (id, domain_id) VALUES (11, 1), (21, 2), (31, 3);
         INSERT INTO tenant_payments (id, domain_id, end_user_id) VALUES (11, 1, 11), (21, 2, 21), (22, 2, 11), (31, 3, NULL);
         INSERT INTO tenant_notes (id, domain_id, author_id, parent_id) VALUES
             (12, 1, 11, NULL), (21, 2, 11, NULL), (22, 2, 21, 21), (23, 2, 21, NULL), (31, 3, 31, 12);",
    )
    .unwrap();
    op!(TenantDomain::soft_delete(conn, 1)).unwrap();
    op!(TenantDomain::soft_delete(conn, 3)).unwrap();
    let live: Vec<i32> = TenantNote::active()
        .order(tenant_notes::id)
        .select(tenant_notes::id)
        .load(conn)
        .unwrap();
    assert_eq!(live, [23]);

    let report = op!(TenantDomain::purge(conn, Purge::any_age().batch_size(1))).unwrap();

    assert!(report.held.is_empty(), "{report}");
    assert_eq!(report.rows_in("tenant_domains"), 2);
    assert_eq!(ids!(conn, tenant_domains), [2]);
    assert_eq!(ids!(conn, tenant_end_users), [21]);
    assert_eq!(ids!(conn, tenant_payments), [21]);
    assert_eq!(ids!(conn, tenant_notes), [23]);
}

// ----- two-column keys --------------------------------------------------------------------------

/// Posts 1..=4 and tags 10, 20, 30 (the schema of `join_tables`, grown): post 2 without tag
/// 30 and post 3 without tag 20, every other post tagged with every tag.
fn tagged_posts(conn: &mut Conn) {
    schema(conn);
    conn.batch_execute(
        "INSERT INTO jt_posts (id) VALUES (3), (4);
         INSERT INTO jt_tags (id) VALUES (30);
         INSERT INTO jt_post_tags (post_id, tag_id) VALUES
             (1, 30), (3, 10), (3, 30), (4, 10), (4, 20), (4, 30);",
    )
    .unwrap();
}

fn links(conn: &mut Conn) -> Vec<(i32, i32)> {
    jt_post_tags::table
        .order((jt_post_tags::post_id, jt_post_tags::tag_id))
        .select((jt_post_tags::post_id, jt_post_tags::tag_id))
        .load(conn)
        .unwrap()
}

#[test]
fn pair_keyed_links_are_purged_under_their_posts_across_batches() {
    let mut db = connect();
    let conn = &mut *db;
    tagged_posts(conn);
    for post in 1..=3 {
        op!(JtPost::soft_delete(conn, post)).unwrap();
    }
    // A live link under post 2, written past the crate.
    conn.batch_execute("INSERT INTO jt_post_tags (post_id, tag_id) VALUES (2, 30)")
        .unwrap();

    let report = op!(JtPost::purge(conn, Purge::any_age().batch_size(1))).unwrap();

    assert_held(&report, &[("2", "jt_post_tags (live rows)")]);
    assert_eq!(report.rows_in("jt_posts"), 2);
    assert_eq!(report.rows_in("jt_post_tags"), 5);
    assert_eq!(ids!(conn, jt_posts), [2, 4]);
    assert_eq!(
        links(conn),
        [(2, 10), (2, 20), (2, 30), (4, 10), (4, 20), (4, 30)]
    );
    let posts: Vec<(i32, bool)> = jt_posts::table
        .order(jt_posts::id)
        .load::<JtPost>(conn)
        .unwrap()
        .into_iter()
        .map(|post| (post.id, post.deleted_at.is_some()))
        .collect();
    assert_eq!(posts, [(2, true), (4, false)]);
    assert_eq!(live_links(conn), [(2, 30), (4, 10), (4, 20), (4, 30)]);
    let tags: Vec<(i32, bool)> = jt_tags::table
        .order(jt_tags::id)
        .load::<JtTag>(conn)
        .unwrap()
        .into_iter()
        .map(|tag| (tag.id, tag.deleted_at.is_some()))
        .collect();
    assert_eq!(tags, [(10, false), (20, false), (30, false)]);
}

#[test]
fn pair_keyed_rows_meet_a_cutoff_one_pair_per_batch() {
    let mut db = connect();
    let conn = &mut *db;
    tagged_posts(conn);
    for key in [(1, 10), (1, 20), (1, 30), (3, 10), (4, 30)] {
        op!(JtPostTag::soft_delete(conn, key)).unwrap();
    }
    // (1, 10), (1, 30) and (4, 30) long ago; (1, 20) and (3, 10) just now.
    diesel::update(
        jt_post_tags::table.filter(
            jt_post_tags::post_id
                .eq(1)
                .and(jt_post_tags::tag_id.ne(20))
                .or(jt_post_tags::post_id.eq(4).and(jt_post_tags::tag_id.eq(30))),
        ),
    )
    .set(jt_post_tags::deleted_at.eq(Some(day(2020, 1, 1))))
    .execute(conn)
    .unwrap();

    let report = op!(JtPostTag::purge(
        conn,
        Purge::older_than(day(2021, 1, 1)).batch_size(1)
    ))
    .unwrap();

    assert_eq!(report.rows_in("jt_post_tags"), 3);
    assert_eq!(
        links(conn),
        [
            (1, 20),
            (2, 10),
            (2, 20),
            (3, 10),
            (3, 30),
            (4, 10),
            (4, 20)
        ]
    );
    assert_tombstoned::<JtPostTag, _>(conn, (1, 20));
    assert_tombstoned::<JtPostTag, _>(conn, (3, 10));
}
