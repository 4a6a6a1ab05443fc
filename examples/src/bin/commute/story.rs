// The commute story, included by `main.rs` once per backend with `type Conn`.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use soft_delete_core::SoftDelete;

diesel::table! {
    routes (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    route_segments (id) {
        id -> Integer,
        route_id -> Integer,
        sequence -> Integer,
        station -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    schedules (id) {
        id -> Integer,
        route_id -> Integer,
        departs -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    station_index (id) {
        id -> Integer,
        route_id -> Integer,
        station -> Text,
    }
}

diesel::table! {
    notification_preferences (id) {
        id -> Integer,
        route_id -> Integer,
        channel -> Text,
        is_deleted -> Bool,
    }
}

diesel::table! {
    notification_log (id) {
        id -> Integer,
        route_id -> Integer,
        message -> Text,
    }
}

#[derive(Debug, Queryable, Identifiable, SoftDelete)]
#[diesel(table_name = routes)]
#[cascade(Segment, Schedule, StationIndexEntry(hard), NotificationPreference)]
pub struct Route {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = route_segments, belongs_to(Route))]
#[soft_delete(parent = Route)]
pub struct Segment {
    pub id: i32,
    pub route_id: i32,
    pub sequence: i32,
    pub station: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = schedules, belongs_to(Route))]
#[soft_delete(parent = Route)]
pub struct Schedule {
    pub id: i32,
    pub route_id: i32,
    pub departs: String,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A derived index: rebuilt, never restored, so the route's edge says `hard`.
#[derive(Debug, Queryable, Identifiable, Associations)]
#[diesel(table_name = station_index, belongs_to(Route))]
pub struct StationIndexEntry {
    pub id: i32,
    pub route_id: i32,
    pub station: String,
}

#[derive(Debug, Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = notification_preferences, belongs_to(Route))]
#[soft_delete(flag = is_deleted, parent = Route)]
pub struct NotificationPreference {
    pub id: i32,
    pub route_id: i32,
    pub channel: String,
    pub is_deleted: bool,
}

fn segments(conn: &mut Conn) -> QueryResult<String> {
    let live: Vec<(i32, String)> = Segment::active()
        .order(route_segments::sequence)
        .select((route_segments::sequence, route_segments::station))
        .load(conn)?;
    Ok(live
        .iter()
        .map(|(sequence, station)| format!("{sequence}:{station}"))
        .collect::<Vec<_>>()
        .join(" -> "))
}

pub(crate) fn run(url: &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let conn = &mut Conn::establish(url)?;
    // Everything the story writes is rolled back at the end.
    conn.begin_test_transaction()?;
    let applied = conn.run_pending_migrations(MIGRATIONS)?;
    println!(
        "migrations applied: {}",
        applied.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    );

    conn.batch_execute(
        "INSERT INTO routes (id, name) VALUES (1, 'Morning');
         INSERT INTO route_segments (id, route_id, sequence, station) VALUES
             (11, 1, 1, 'Central'), (12, 1, 2, 'Harbour'), (13, 1, 3, 'Airport');
         INSERT INTO schedules (id, route_id, departs) VALUES (11, 1, '07:10'), (12, 1, '07:40');
         INSERT INTO station_index (id, route_id, station) VALUES (11, 1, 'Central'), (12, 1, 'Airport');
         INSERT INTO notification_preferences (id, route_id, channel) VALUES (11, 1, 'push'), (12, 1, 'mail');
         INSERT INTO notification_log (id, route_id, message) VALUES (11, 1, 'route created');",
    )?;
    println!("route 1: {}", segments(conn)?);

    Segment::soft_delete(conn, 12)?;
    conn.batch_execute(
        "UPDATE route_segments SET sequence = 2 WHERE id = 13;
         INSERT INTO route_segments (id, route_id, sequence, station) VALUES (14, 1, 3, 'Docks');",
    )?;
    println!(
        "segment 12 deleted, the rest renumbered: {} (sequence 2 was still held by the tombstone)",
        segments(conn)?
    );

    let report = Route::soft_delete(conn, 1)?;
    println!("\ndelete route 1: {report}");
    let log: i64 = notification_log::table.count().get_result(conn)?;
    let index: i64 = station_index::table.count().get_result(conn)?;
    println!("the notification log keeps its {log} entry; the station index has {index} rows");

    let restored = Route::restore(conn, 1)?;
    println!("\nrestore route 1: {restored}");
    println!("route 1: {} (segment 12, deleted on its own, stays deleted)", segments(conn)?);
    let prefs: i64 = NotificationPreference::active().count().get_result(conn)?;
    println!("{prefs} notification preferences are live again");
    Ok(())
}
