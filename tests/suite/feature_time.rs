// The `time` feature: tombstones of `time::OffsetDateTime` (a board: `Timestamptz` on
// PostgreSQL, `TimestamptzSqlite` on SQLite, `Timestamp` over a `TIMESTAMP(6)` on MySQL) and
// `time::PrimitiveDateTime` (its cards: `Timestamp`), soft deleted and restored together. One
// operation writes one UTC stamp into both kinds of column, and its restore finds it in both.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_core::{Outcome, SoftDelete};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

type Conn = super::Conn;

diesel::table! {
    use diesel::sql_types::*;
    use super::TimestampTz;

    time_boards (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<TimestampTz>,
    }
}

diesel::table! {
    time_cards (id) {
        id -> Integer,
        board_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(time_cards -> time_boards (board_id));
diesel::allow_tables_to_appear_in_same_query!(time_boards, time_cards);

/// An `OffsetDateTime` tombstone, cascading to its cards.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = time_boards)]
#[cascade(TimeCard)]
pub struct TimeBoard {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<OffsetDateTime>,
}

/// A `PrimitiveDateTime` tombstone (UTC by convention).
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = time_cards, belongs_to(TimeBoard, foreign_key = board_id))]
#[soft_delete(parent = TimeBoard)]
pub struct TimeCard {
    pub id: i32,
    pub board_id: i32,
    pub title: String,
    pub deleted_at: Option<PrimitiveDateTime>,
}

/// The two tables, with the column types each backend gives these Rust types, and two boards
/// of two cards each.
fn time_tables(conn: &mut Conn) {
    let backend = std::any::type_name::<super::Db>();
    let (offset, primitive) = if backend.ends_with("Mysql") {
        ("TIMESTAMP(6) NULL", "DATETIME(6) NULL")
    } else if backend.ends_with("Pg") {
        ("TIMESTAMPTZ NULL", "TIMESTAMP NULL")
    } else {
        ("TIMESTAMPTZ", "TIMESTAMP")
    };
    conn.batch_execute(&format!(
        "CREATE TABLE time_boards (id INTEGER PRIMARY KEY, name TEXT NOT NULL, deleted_at {offset});
         CREATE TABLE time_cards (id INTEGER PRIMARY KEY, board_id INTEGER NOT NULL,
             title TEXT NOT NULL, deleted_at {primitive},
             FOREIGN KEY (board_id) REFERENCES time_boards (id));
         INSERT INTO time_boards (id, name) VALUES (1, 'roadmap'), (2, 'bugs');
         INSERT INTO time_cards (id, board_id, title) VALUES
             (1, 1, 'ship'), (2, 1, 'plan'), (3, 2, 'crash'), (4, 2, 'typo');"
    ))
    .unwrap();
}

fn board_stamps(conn: &mut Conn) -> Vec<(i32, Option<OffsetDateTime>)> {
    time_boards::table
        .select((time_boards::id, time_boards::deleted_at))
        .order(time_boards::id)
        .load(conn)
        .unwrap()
}

fn card_stamps(conn: &mut Conn) -> Vec<(i32, Option<PrimitiveDateTime>)> {
    time_cards::table
        .select((time_cards::id, time_cards::deleted_at))
        .order(time_cards::id)
        .load(conn)
        .unwrap()
}

/// The report's stamp (a UTC `NaiveDateTime`) as `time` writes it.
fn utc(stamp: chrono::NaiveDateTime) -> OffsetDateTime {
    let utc = stamp.and_utc();
    let nanos =
        i128::from(utc.timestamp()) * 1_000_000_000 + i128::from(utc.timestamp_subsec_nanos());
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap()
}

#[test]
fn time_tombstones_take_one_utc_stamp_and_restore_by_it() {
    let mut db = connect();
    let conn = &mut *db;
    time_tables(conn);

    let report = op!(TimeBoard::soft_delete(conn, 1)).unwrap();

    assert_eq!(report.outcome, Outcome::Changed);
    assert_eq!(
        (report.rows_in("time_boards"), report.rows_in("time_cards")),
        (1, 2)
    );
    let at = utc(report.stamp);
    // The offset column reads back the instant, at offset UTC wherever the database keeps one.
    let boards = board_stamps(conn);
    assert_eq!(boards, [(1, Some(at)), (2, None)]);
    assert_eq!(boards[0].1.unwrap().offset(), UtcOffset::UTC);
    // The primitive column holds the UTC wall-clock time.
    let wall = PrimitiveDateTime::new(at.date(), at.time());
    assert_eq!(
        card_stamps(conn),
        [(1, Some(wall)), (2, Some(wall)), (3, None), (4, None)]
    );
    let live: Vec<i32> = TimeCard::active()
        .select(time_cards::id)
        .order(time_cards::id)
        .load(conn)
        .unwrap();
    assert_eq!(live, [3, 4]);

    // A second delete leaves the stamp alone and reports it, read back through `OffsetDateTime`.
    let again = op!(TimeBoard::soft_delete(conn, 1)).unwrap();
    assert_eq!(
        (again.outcome, again.stamp),
        (Outcome::AlreadyDeleted, report.stamp)
    );

    // A card deleted on its own keeps its own stamp through the board's restore.
    let own = op!(TimeCard::soft_delete(conn, 3)).unwrap();
    op!(TimeBoard::soft_delete(conn, 2)).unwrap();
    let restored = op!(TimeBoard::restore(conn, 2)).unwrap();
    assert_eq!(
        (
            restored.rows_in("time_boards"),
            restored.rows_in("time_cards")
        ),
        (1, 1)
    );
    let own_wall = PrimitiveDateTime::new(utc(own.stamp).date(), utc(own.stamp).time());
    assert_eq!(
        card_stamps(conn),
        [
            (1, Some(wall)),
            (2, Some(wall)),
            (3, Some(own_wall)),
            (4, None)
        ]
    );

    // The restore finds the board's stamp in both columns.
    let restored = op!(TimeBoard::restore(conn, 1)).unwrap();
    assert_eq!(
        (
            restored.rows_in("time_boards"),
            restored.rows_in("time_cards")
        ),
        (1, 2)
    );
    assert_eq!(board_stamps(conn), [(1, None), (2, None)]);
    assert_eq!(
        card_stamps(conn),
        [(1, None), (2, None), (3, Some(own_wall)), (4, None)]
    );
}

#[test]
fn time_tombstones_purge_by_a_cutoff_and_hard_delete() {
    let mut db = connect();
    let conn = &mut *db;
    time_tables(conn);
    op!(TimeBoard::soft_delete(conn, 2)).unwrap();

    let report = op!(TimeBoard::hard_delete(conn, 1)).unwrap();
    assert_eq!(
        (report.rows_in("time_boards"), report.rows_in("time_cards")),
        (1, 2)
    );
    let purged = op!(TimeBoard::purge(
        conn,
        soft_delete_core::purge::Purge::older_than(soft_delete_core::ops::now_stamp())
    ))
    .unwrap();
    assert_eq!(
        (purged.rows_in("time_boards"), purged.rows_in("time_cards")),
        (1, 2)
    );
    assert!(board_stamps(conn).is_empty());
    assert!(card_stamps(conn).is_empty());
}
