//! How a row is marked deleted: a nullable timestamp ([`Timestamp`]) or a boolean ([`Flag`]).

use core::marker::PhantomData;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl;
use diesel::expression::Expression;
use diesel::sql_types::{Bool, SingleValue};
use diesel::{Column, ExpressionMethods, Table};

/// How a row is marked as deleted.
///
/// Implemented by [`Timestamp`] and [`Flag`]; the derive picks one from the field's type
/// through [`TombstoneField`].
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Model, Tombstone, TombstoneKind};
///
/// assert_eq!(<Repo as Model>::Tombstone::KIND, TombstoneKind::Timestamp);
/// assert_eq!(<Repo as Model>::Tombstone::COLUMN, "deleted_at");
/// ```
pub trait Tombstone: 'static {
    /// The table the column belongs to.
    type Table: Table;
    /// The tombstone column.
    type Column: Column<Table = Self::Table> + Default;
    /// The predicate "this row is live".
    type IsActive: Expression<SqlType = Bool> + Clone;
    /// The predicate "this row is tombstoned".
    type IsDeleted: Expression<SqlType = Bool> + Clone;
    /// Timestamp or flag.
    const KIND: TombstoneKind;
    /// The column's name.
    const COLUMN: &'static str = <Self::Column as Column>::NAME;

    /// `deleted_at IS NULL`, or `is_deleted = false`.
    fn is_active() -> Self::IsActive;
    /// `deleted_at IS NOT NULL`, or `is_deleted = true`.
    fn is_deleted() -> Self::IsDeleted;
}

/// The kind of a [`Tombstone`], for code that walks models at run time.
///
/// ```
/// use soft_delete_core::TombstoneKind;
///
/// assert_eq!(TombstoneKind::Flag.to_string(), "boolean flag");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TombstoneKind {
    /// A nullable timestamp: `NULL` while live, the deletion time once tombstoned.
    Timestamp,
    /// A boolean: `false` while live, `true` once tombstoned.
    Flag,
}

impl core::fmt::Display for TombstoneKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            TombstoneKind::Timestamp => "nullable timestamp",
            TombstoneKind::Flag => "boolean flag",
        })
    }
}

/// A nullable timestamp tombstone in column `C`, read into Rust as `Option<T>`.
///
/// `T` is [`NaiveDateTime`] (UTC by convention) or [`DateTime<Utc>`].
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use chrono::NaiveDateTime;
/// use soft_delete_core::{Timestamp, Tombstone};
///
/// type RepoTombstone = Timestamp<repos::deleted_at, NaiveDateTime>;
/// let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&RepoTombstone::is_active()).to_string();
/// assert_eq!(sql, r#"(`repos`.`deleted_at` IS NULL) -- binds: []"#);
/// ```
pub struct Timestamp<C, T>(PhantomData<fn() -> (C, T)>);

/// A boolean tombstone in column `C`: `false` while live, `true` once tombstoned.
///
/// A flag cannot tell when a row was deleted; reports still carry the operation's time.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::{Flag, Tombstone};
///
/// let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(
///     &Flag::<issue_comments::is_deleted>::is_active(),
/// )
/// .to_string();
/// assert_eq!(sql, r#"(`issue_comments`.`is_deleted` = ?) -- binds: [false]"#);
/// ```
pub struct Flag<C>(PhantomData<fn() -> C>);

impl<C, T> Tombstone for Timestamp<C, T>
where
    C: Column + Default + Clone + 'static,
    C::SqlType: SingleValue,
    T: Stamp,
{
    type Table = C::Table;
    type Column = C;
    type IsActive = dsl::IsNull<C>;
    type IsDeleted = dsl::IsNotNull<C>;
    const KIND: TombstoneKind = TombstoneKind::Timestamp;

    fn is_active() -> Self::IsActive {
        C::default().is_null()
    }

    fn is_deleted() -> Self::IsDeleted {
        C::default().is_not_null()
    }
}

impl<C> Tombstone for Flag<C>
where
    C: Column<SqlType = Bool> + Default + Clone + 'static,
{
    type Table = C::Table;
    type Column = C;
    type IsActive = dsl::Eq<C, bool>;
    type IsDeleted = dsl::Eq<C, bool>;
    const KIND: TombstoneKind = TombstoneKind::Flag;

    fn is_active() -> Self::IsActive {
        C::default().eq(false)
    }

    fn is_deleted() -> Self::IsDeleted {
        C::default().eq(true)
    }
}

/// The tombstone a field of this Rust type makes in column `C`: `Option<T>` of a [`Stamp`]
/// makes a [`Timestamp`], `bool` a [`Flag`]. The derive names the field's type through this
/// trait, so a type alias or a full path (`type Stamp = Option<chrono::NaiveDateTime>`) is
/// recognised the same way the type itself is.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use chrono::NaiveDateTime;
/// use soft_delete_core::{Tombstone, TombstoneField, TombstoneKind};
///
/// type Deleted = Option<NaiveDateTime>;
/// type Made = <Deleted as TombstoneField<repos::deleted_at>>::Tombstone;
/// assert_eq!(Made::KIND, TombstoneKind::Timestamp);
/// assert_eq!(<bool as TombstoneField<issue_comments::is_deleted>>::Tombstone::KIND, TombstoneKind::Flag);
/// ```
#[cfg_attr(
    not(feature = "time"),
    diagnostic::on_unimplemented(
        message = "`{Self}` cannot be a tombstone",
        label = "not a tombstone type",
        note = "a tombstone is `Option<NaiveDateTime>` or `Option<DateTime<Utc>>` (a nullable timestamp, NULL while the row is live: a timestamp alone cannot say the row is live) or `bool` (a flag, false while the row is live)"
    )
)]
#[cfg_attr(
    feature = "time",
    diagnostic::on_unimplemented(
        message = "`{Self}` cannot be a tombstone",
        label = "not a tombstone type",
        note = "a tombstone is `Option<NaiveDateTime>`, `Option<DateTime<Utc>>`, `Option<time::PrimitiveDateTime>` or `Option<time::OffsetDateTime>` (a nullable timestamp, NULL while the row is live: a timestamp alone cannot say the row is live) or `bool` (a flag, false while the row is live)"
    )
)]
pub trait TombstoneField<C> {
    /// The tombstone. Not bounded here: the facts trait bounds it, so a column of the wrong SQL
    /// type is reported as that, not as a field type that cannot be a tombstone.
    type Tombstone;
}

// Not recommended: a wrong `Option<T>` is reported as the field's type, not as its `T`.
#[diagnostic::do_not_recommend]
impl<C, T: Stamp> TombstoneField<C> for Option<T> {
    type Tombstone = Timestamp<C, T>;
}

#[diagnostic::do_not_recommend]
impl<C> TombstoneField<C> for bool {
    type Tombstone = Flag<C>;
}

/// `#[soft_delete(timestamp = field)]`: the field's type must make a [`Timestamp`]. The derive
/// names the field's type through this trait instead of [`TombstoneField`] when the kind is
/// declared, so a `bool` there is refused at the field.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use chrono::NaiveDateTime;
/// use soft_delete_core::model::tombstone::TimestampField;
/// use soft_delete_core::{Tombstone, TombstoneKind};
///
/// type Made = <Option<NaiveDateTime> as TimestampField<repos::deleted_at>>::Tombstone;
/// assert_eq!(Made::KIND, TombstoneKind::Timestamp);
/// ```
#[cfg_attr(
    not(feature = "time"),
    diagnostic::on_unimplemented(
        message = "`#[soft_delete(timestamp = ...)]` names a field of type `{Self}`, which is not a nullable timestamp",
        label = "expected `Option<NaiveDateTime>` or `Option<DateTime<Utc>>`",
        note = "a timestamp tombstone is NULL while the row is live; for a `bool` tombstone write `#[soft_delete(flag = ...)]`"
    )
)]
#[cfg_attr(
    feature = "time",
    diagnostic::on_unimplemented(
        message = "`#[soft_delete(timestamp = ...)]` names a field of type `{Self}`, which is not a nullable timestamp",
        label = "expected `Option<NaiveDateTime>`, `Option<DateTime<Utc>>`, `Option<time::PrimitiveDateTime>` or `Option<time::OffsetDateTime>`",
        note = "a timestamp tombstone is NULL while the row is live; for a `bool` tombstone write `#[soft_delete(flag = ...)]`"
    )
)]
pub trait TimestampField<C> {
    /// The tombstone: a [`Timestamp`].
    type Tombstone;
}

#[diagnostic::do_not_recommend]
impl<C, T: Stamp> TimestampField<C> for Option<T> {
    type Tombstone = Timestamp<C, T>;
}

/// `#[soft_delete(flag = field)]`: the field's type must make a [`Flag`], that is be `bool`.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::model::tombstone::FlagField;
/// use soft_delete_core::{Tombstone, TombstoneKind};
///
/// type Made = <bool as FlagField<issue_comments::is_deleted>>::Tombstone;
/// assert_eq!(Made::KIND, TombstoneKind::Flag);
/// ```
#[diagnostic::on_unimplemented(
    message = "`#[soft_delete(flag = ...)]` names a field of type `{Self}`, which is not `bool`",
    label = "expected `bool`",
    note = "a flag is false while the row is live and true once it is tombstoned; a nullable flag cannot tell live from unknown, so make the column `NOT NULL DEFAULT FALSE` and the field `bool`; for a nullable timestamp write `#[soft_delete(timestamp = ...)]`"
)]
pub trait FlagField<C> {
    /// The tombstone: a [`Flag`].
    type Tombstone;
}

#[diagnostic::do_not_recommend]
impl<C> FlagField<C> for bool {
    type Tombstone = Flag<C>;
}

/// A Rust timestamp type a tombstone can hold.
///
/// Every stamp is a UTC instant. The types, and the Diesel SQL type a tombstone column of each
/// needs in the `table!` (the column itself: `TIMESTAMP`/`TIMESTAMPTZ` on PostgreSQL, any
/// timestamp text on SQLite, `DATETIME(6)`/`TIMESTAMP(6)` on MySQL):
///
/// | Rust type | PostgreSQL | SQLite | MySQL / MariaDB |
/// |---|---|---|---|
/// | `chrono::NaiveDateTime` (UTC by convention) | `Timestamp` | `Timestamp` | `Timestamp` or `Datetime` |
/// | `chrono::DateTime<Utc>` | `Timestamptz` | `TimestamptzSqlite` | none: Diesel maps no SQL type to it |
/// | `time::PrimitiveDateTime` (feature `time`, UTC by convention) | `Timestamp` | `Timestamp` | `Timestamp` or `Datetime` |
/// | `time::OffsetDateTime` (feature `time`, written at offset UTC) | `Timestamptz` | `TimestamptzSqlite` | `Timestamp` or `Datetime` (stored as UTC) |
///
/// ```
/// use chrono::{DateTime, NaiveDateTime, Utc};
/// use soft_delete_core::Stamp;
///
/// let now = chrono::Utc::now().naive_utc();
/// assert_eq!(NaiveDateTime::from_utc_stamp(now), now);
/// assert_eq!(DateTime::<Utc>::from_utc_stamp(now).naive_utc(), now);
/// assert_eq!(DateTime::<Utc>::from_utc_stamp(now).to_utc_stamp(), now);
/// ```
#[cfg_attr(
    not(feature = "time"),
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a timestamp a tombstone can hold",
        label = "not a tombstone timestamp",
        note = "a timestamp tombstone is `Option<NaiveDateTime>` or `Option<DateTime<Utc>>`; a boolean tombstone is `bool`"
    )
)]
#[cfg_attr(
    feature = "time",
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a timestamp a tombstone can hold",
        label = "not a tombstone timestamp",
        note = "a timestamp tombstone is `Option<NaiveDateTime>`, `Option<DateTime<Utc>>`, `Option<time::PrimitiveDateTime>` or `Option<time::OffsetDateTime>`; a boolean tombstone is `bool`"
    )
)]
pub trait Stamp: Clone + Send + Sync + 'static {
    /// The timestamp for a UTC instant.
    fn from_utc_stamp(stamp: NaiveDateTime) -> Self;
    /// The UTC instant of this timestamp.
    fn to_utc_stamp(&self) -> NaiveDateTime;
}

impl Stamp for NaiveDateTime {
    fn from_utc_stamp(stamp: NaiveDateTime) -> Self {
        stamp
    }

    fn to_utc_stamp(&self) -> NaiveDateTime {
        *self
    }
}

impl Stamp for DateTime<Utc> {
    fn from_utc_stamp(stamp: NaiveDateTime) -> Self {
        stamp.and_utc()
    }

    fn to_utc_stamp(&self) -> NaiveDateTime {
        self.naive_utc()
    }
}

/// A UTC instant as `time` counts it, clamped to `time`'s range (years -9999 to 9999), so a
/// far cutoff such as `NaiveDateTime::MAX` still compares as the farthest instant.
#[cfg(feature = "time")]
fn offset_at(stamp: NaiveDateTime) -> time::OffsetDateTime {
    let utc = stamp.and_utc();
    let nanos =
        i128::from(utc.timestamp()) * 1_000_000_000 + i128::from(utc.timestamp_subsec_nanos());
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or_else(|_| {
        if nanos < 0 {
            time::PrimitiveDateTime::MIN.assume_utc()
        } else {
            time::PrimitiveDateTime::MAX.assume_utc()
        }
    })
}

/// With the `time` feature: a `PrimitiveDateTime` tombstone holds the UTC wall-clock time, as a
/// `NaiveDateTime` one does.
///
/// ```
/// use soft_delete_core::Stamp;
/// use time::PrimitiveDateTime;
///
/// let now = soft_delete_core::ops::now_stamp();
/// let stamp = PrimitiveDateTime::from_utc_stamp(now);
/// assert_eq!(stamp.assume_utc().unix_timestamp(), now.and_utc().timestamp());
/// assert_eq!(stamp.nanosecond(), chrono::Timelike::nanosecond(&now));
/// assert_eq!(stamp.to_utc_stamp(), now);
/// ```
#[cfg(feature = "time")]
impl Stamp for time::PrimitiveDateTime {
    fn from_utc_stamp(stamp: NaiveDateTime) -> Self {
        let at = offset_at(stamp);
        time::PrimitiveDateTime::new(at.date(), at.time())
    }

    fn to_utc_stamp(&self) -> NaiveDateTime {
        self.assume_utc().to_utc_stamp()
    }
}

/// With the `time` feature: an `OffsetDateTime` tombstone is written at offset UTC, and read
/// back at whatever offset the database gives, as the same instant.
///
/// ```
/// use soft_delete_core::Stamp;
/// use time::{OffsetDateTime, UtcOffset};
///
/// let now = soft_delete_core::ops::now_stamp();
/// let stamp = OffsetDateTime::from_utc_stamp(now);
/// assert_eq!(stamp.offset(), UtcOffset::UTC);
/// assert_eq!(stamp.unix_timestamp_nanos(), i128::from(now.and_utc().timestamp_micros()) * 1_000);
/// let elsewhere = stamp.to_offset(UtcOffset::from_hms(2, 0, 0).unwrap());
/// assert_eq!(elsewhere.to_utc_stamp(), now);
/// ```
#[cfg(feature = "time")]
impl Stamp for time::OffsetDateTime {
    fn from_utc_stamp(stamp: NaiveDateTime) -> Self {
        offset_at(stamp)
    }

    fn to_utc_stamp(&self) -> NaiveDateTime {
        // Nanoseconds since the epoch: `time`'s range (years -9999 to 9999) fits in chrono's.
        let nanos = self.unix_timestamp_nanos();
        let seconds = i64::try_from(nanos.div_euclid(1_000_000_000)).unwrap_or_default();
        let subsecond = u32::try_from(nanos.rem_euclid(1_000_000_000)).unwrap_or_default();
        DateTime::from_timestamp(seconds, subsecond)
            .unwrap_or_default()
            .naive_utc()
    }
}
