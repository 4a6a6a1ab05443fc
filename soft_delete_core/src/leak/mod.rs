//! The read-path leak detector: a Diesel [`Instrumentation`] that watches every statement a
//! connection runs and reports each read or write of a soft-deletable table that forgot the
//! table's tombstone predicate (seed 001 phase 4, seed 004: "a read path that forgets
//! `deleted_at IS NULL`").
//!
//! Build a [`LeakDetector`], tell it which tables to watch, keep its [`Leaks`] handle and
//! install it on a connection with
//! [`Connection::set_instrumentation`] (or [`LeakDetector::install`], which also tells it the dialect):
//!
//! ```
//! # soft_delete_core::__doc_fixture!();
//! use diesel::prelude::*;
//! use soft_delete_core::SoftDelete;
//! use soft_delete_core::leak::{LeakDetector, LeakKind};
//!
//! let mut conn = fixture();
//! let detector = LeakDetector::collecting().watch::<Repo>();
//! let leaks = detector.leaks();
//! conn.set_instrumentation(detector);
//!
//! // The crate's scopes name the tombstone: no leak.
//! let live: i64 = Repo::active().count().get_result(&mut conn)?;
//! let all: i64 = Repo::with_deleted().count().get_result(&mut conn)?;
//! assert_eq!((live, all), (2, 3));
//! leaks.assert_none();
//!
//! // A count that forgot it counts the tombstoned repo too, and is reported.
//! let counted: i64 = repos::table.count().get_result(&mut conn)?;
//! assert_eq!(counted, 3);
//! let found = leaks.take();
//! assert_eq!(found.len(), 1);
//! assert_eq!((found[0].table.as_str(), found[0].kind), ("repos", LeakKind::Read));
//! assert_eq!(&*found[0].statement, "SELECT COUNT(*) FROM `repos`");
//! # Ok::<(), diesel::result::Error>(())
//! ```
//!
//! A statement leaks when it references a watched table (in `FROM`, a `JOIN`, a subquery, as
//! the target of an `UPDATE` or `DELETE`) and no predicate of the same scope mentions that
//! table's tombstone column; [`scan`] describes the rules and their blind spots. The crate's
//! own scopes ([`active`](crate::scope::active), [`only_deleted`](crate::scope::only_deleted),
//! [`with_deleted`](crate::scope::with_deleted)) and operations always name the tombstone, so
//! they never trip it; `with_deleted()` is how a read says it means every row.
//!
//! Two modes:
//! - [`LeakDetector::collecting`], for tests: every leaking execution is recorded in the
//!   [`Leaks`] handle, for the test to [`assert_none`](Leaks::assert_none) or inspect.
//! - [`LeakDetector::logging`], for production: each leaking statement is logged once through
//!   the [`log`] crate, at `warn` level with the target `soft_delete::leak` (a `tracing`
//!   subscriber sees it through `tracing-log`); nothing is recorded.
//!
//! The detector sees statements as SQL text without their bound values, so values never reach
//! a log. Its verdict on each distinct statement text is cached, so a statement the
//! connection runs again costs rendering its SQL text and one hash lookup.

use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use diesel::Connection;
use diesel::connection::{Instrumentation, InstrumentationEvent};

use crate::model::graph::{CascadeGraph, Target};
use crate::model::{Model, Tombstone};

mod scan;

pub use scan::{
    Dialect, EVERY_ROW, Leak, LeakKind, MAX_LEAKS_PER_STATEMENT, Watched, scan, scan_in,
};

/// How many distinct statements a detector remembers its verdict on; past that, it forgets
/// them all and starts again (a logging detector then logs a leaking statement once more).
const CACHE_CAPACITY: usize = 1024;

/// The log target of a [logging](LeakDetector::logging) detector.
///
/// ```
/// assert_eq!(soft_delete_core::leak::LOG_TARGET, "soft_delete::leak");
/// ```
pub const LOG_TARGET: &str = "soft_delete::leak";

/// What a detector does with a leak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Collect,
    Log,
}

/// A Diesel [`Instrumentation`] that reports statements reading or writing a watched
/// soft-deletable table without its tombstone predicate. See the [module docs](self).
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
/// use soft_delete_core::leak::LeakDetector;
///
/// let mut conn = fixture();
/// let detector = LeakDetector::collecting().watch::<Repo>().watch::<IssueComment>();
/// let leaks = detector.leaks();
/// conn.set_instrumentation(detector);
///
/// let slugs: Vec<String> = repos::table.select(repos::slug).load(&mut conn)?;
/// assert_eq!(slugs.len(), 3); // the tombstoned repo came back
/// assert_eq!(leaks.len(), 1);
/// # Ok::<(), diesel::result::Error>(())
/// ```
pub struct LeakDetector {
    watched: Vec<Watched>,
    mode: Mode,
    dialect: Dialect,
    leaks: Leaks,
    /// Each statement text seen, with its leaks (which share one copy of the text).
    verdicts: HashMap<Arc<str>, Vec<Leak>>,
    /// The statement being checked, rendered; kept to reuse its allocation.
    buffer: String,
    /// The instrumentation every event is forwarded to.
    inner: Option<Box<dyn Instrumentation>>,
}

impl fmt::Debug for LeakDetector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeakDetector")
            .field("watched", &self.watched)
            .field("mode", &self.mode)
            .field("dialect", &self.dialect)
            .field("verdicts", &self.verdicts.len())
            .field("chained", &self.inner.is_some())
            .finish_non_exhaustive()
    }
}

impl LeakDetector {
    fn new(mode: Mode) -> Self {
        LeakDetector {
            watched: Vec::new(),
            mode,
            dialect: Dialect::Generic,
            leaks: Leaks::default(),
            verdicts: HashMap::new(),
            buffer: String::new(),
            inner: None,
        }
    }

    /// Reads statements in `dialect` (the default is [`Dialect::Generic`]; [`install`](Self::install)
    /// sets the connection's).
    ///
    /// ```
    /// use soft_delete_core::leak::{Dialect, LeakDetector};
    ///
    /// let detector = LeakDetector::collecting().dialect(Dialect::Postgres);
    /// assert_eq!(detector.dialect_in_use(), Dialect::Postgres);
    /// ```
    #[must_use]
    pub fn dialect(mut self, dialect: Dialect) -> Self {
        if self.dialect != dialect {
            self.dialect = dialect;
            self.verdicts.clear();
        }
        self
    }

    /// The dialect statements are read in.
    ///
    /// ```
    /// use soft_delete_core::leak::{Dialect, LeakDetector};
    ///
    /// assert_eq!(LeakDetector::logging().dialect_in_use(), Dialect::Generic);
    /// ```
    #[must_use]
    pub fn dialect_in_use(&self) -> Dialect {
        self.dialect
    }

    /// Installs the detector on `conn`, reading statements in the dialect of the connection's
    /// backend: the same as `conn.set_instrumentation(detector.dialect(Dialect::of::<C::Backend>()))`.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::prelude::*;
    /// use soft_delete_core::leak::LeakDetector;
    ///
    /// let mut conn = fixture();
    /// let detector = LeakDetector::collecting().watch::<Repo>();
    /// let leaks = detector.leaks();
    /// detector.install(&mut conn);
    /// repos::table.count().get_result::<i64>(&mut conn)?;
    /// assert_eq!(leaks.len(), 1);
    /// # Ok::<(), diesel::result::Error>(())
    /// ```
    pub fn install<C: Connection<Backend: 'static>>(self, conn: &mut C) {
        conn.set_instrumentation(self.dialect(Dialect::of::<C::Backend>()));
    }

    /// Forwards every event the connection reports to `inner` as well (a tracing or metrics
    /// instrumentation of your own), after checking it. [`for_another_connection`](Self::for_another_connection)
    /// does not copy it: chain one to each detector.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::connection::{Instrumentation, InstrumentationEvent};
    /// use diesel::prelude::*;
    /// use soft_delete_core::leak::LeakDetector;
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    ///
    /// struct Count(Arc<AtomicUsize>);
    /// impl Instrumentation for Count {
    ///     fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
    ///         if let InstrumentationEvent::StartQuery { .. } = event {
    ///             self.0.fetch_add(1, Ordering::Relaxed);
    ///         }
    ///     }
    /// }
    ///
    /// let mut conn = fixture();
    /// let started = Arc::new(AtomicUsize::new(0));
    /// let detector = LeakDetector::collecting().watch::<Repo>().chain(Count(started.clone()));
    /// let leaks = detector.leaks();
    /// detector.install(&mut conn);
    /// repos::table.count().get_result::<i64>(&mut conn)?;
    /// assert_eq!((leaks.len(), started.load(Ordering::Relaxed)), (1, 1));
    /// # Ok::<(), diesel::result::Error>(())
    /// ```
    #[must_use]
    pub fn chain(mut self, inner: impl Instrumentation) -> Self {
        self.inner = Some(Box::new(inner));
        self
    }

    /// A detector for tests: every execution of a leaking statement adds its leaks to the
    /// [`Leaks`] handle (without bound), for the test to assert on.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::prelude::*;
    /// use soft_delete_core::leak::LeakDetector;
    ///
    /// let mut conn = fixture();
    /// let detector = LeakDetector::collecting().watch::<Repo>();
    /// let leaks = detector.leaks();
    /// conn.set_instrumentation(detector);
    /// for _ in 0..2 {
    ///     repos::table.select(repos::id).load::<i32>(&mut conn)?;
    /// }
    /// assert_eq!(leaks.len(), 2);
    /// # Ok::<(), diesel::result::Error>(())
    /// ```
    #[must_use]
    pub fn collecting() -> Self {
        Self::new(Mode::Collect)
    }

    /// A detector for production: each distinct leaking statement is logged once, through
    /// [`log::warn!`] with the target [`LOG_TARGET`], naming the table and the statement
    /// (without bound values). It records nothing: its [`Leaks`] handle stays empty.
    ///
    /// A statement is logged again only after the detector's cache of verdicts, which holds
    /// 1024 distinct statements, has filled up and been cleared.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::prelude::*;
    /// use soft_delete_core::leak::LeakDetector;
    ///
    /// let mut conn = fixture();
    /// let detector = LeakDetector::logging().watch::<Repo>();
    /// let leaks = detector.leaks();
    /// conn.set_instrumentation(detector);
    /// repos::table.count().get_result::<i64>(&mut conn)?; // logged as a warning
    /// assert!(leaks.is_empty());
    /// # Ok::<(), diesel::result::Error>(())
    /// ```
    #[must_use]
    pub fn logging() -> Self {
        Self::new(Mode::Log)
    }

    /// Watches model `M`'s table, by its name and its tombstone column.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::leak::{LeakDetector, Watched};
    ///
    /// let detector = LeakDetector::collecting().watch::<IssueComment>();
    /// let watched = &detector.watched()[0];
    /// assert_eq!((watched.table.as_str(), watched.tombstone.as_str()), ("issue_comments", "is_deleted"));
    /// assert_eq!(watched, &Watched::new("issue_comments", "is_deleted")
    ///     .kind(soft_delete_core::model::TombstoneKind::Flag)
    ///     .key("id"));
    /// ```
    #[must_use]
    pub fn watch<M: Model>(self) -> Self {
        self.watch_described(
            Watched::new(M::TABLE, <M::Tombstone as Tombstone>::COLUMN)
                .kind(<M::Tombstone as Tombstone>::KIND)
                .key(<M::Key as crate::model::key::PrimaryKey>::NAMES[0]),
        )
    }

    /// Watches every soft-deletable model of a cascade graph: the graph's own model and every
    /// model its soft edges reach, recursively. Tables a `hard` or `restrict` edge names are
    /// not soft-deletable through the graph and are not watched.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::SoftDelete;
    /// use soft_delete_core::leak::LeakDetector;
    ///
    /// let detector = LeakDetector::collecting().watch_graph(Repo::cascade_graph());
    /// assert_eq!(detector.watched().len(), 1);
    /// assert_eq!(detector.watched()[0].table, "repos");
    /// ```
    #[must_use]
    pub fn watch_graph(mut self, graph: &'static CascadeGraph) -> Self {
        let mut seen = HashSet::new();
        let mut queue = vec![graph];
        while let Some(graph) = queue.pop() {
            if !seen.insert(graph.table) {
                continue;
            }
            self =
                self.watch_described(Watched::new(graph.table, graph.tombstone).kind(graph.kind));
            for edge in graph.edges {
                if let Target::Model(child) = edge.target {
                    queue.push(child.get());
                }
            }
        }
        self
    }

    /// Watches `table`, whose tombstone column is `tombstone`: for tables without a model
    /// here, or named with their schema (`"archive.posts"`).
    ///
    /// ```
    /// use soft_delete_core::leak::LeakDetector;
    ///
    /// let detector = LeakDetector::collecting().watch_table("posts", "deleted_at");
    /// assert_eq!(detector.watched()[0].tombstone, "deleted_at");
    /// ```
    #[must_use]
    pub fn watch_table(self, table: impl Into<String>, tombstone: impl Into<String>) -> Self {
        self.watch_described(Watched::new(table, tombstone))
    }

    /// Watches a table described in full (its tombstone's kind, its key).
    ///
    /// ```
    /// use soft_delete_core::leak::{LeakDetector, Watched};
    /// use soft_delete_core::model::TombstoneKind;
    ///
    /// let detector = LeakDetector::collecting()
    ///     .watch_described(Watched::new("notes", "is_deleted").kind(TombstoneKind::Flag));
    /// assert_eq!(detector.watched().len(), 1);
    /// ```
    #[must_use]
    pub fn watch_described(mut self, watched: Watched) -> Self {
        if !self
            .watched
            .iter()
            .any(|w| w.table == watched.table && w.tombstone == watched.tombstone)
        {
            self.watched.push(watched);
            self.verdicts.clear();
        }
        self
    }

    /// The tables this detector watches.
    ///
    /// ```
    /// use soft_delete_core::leak::LeakDetector;
    ///
    /// assert!(LeakDetector::collecting().watched().is_empty());
    /// ```
    #[must_use]
    pub fn watched(&self) -> &[Watched] {
        &self.watched
    }

    /// A handle on the leaks this detector records; keep it before installing the detector
    /// on a connection, which takes the detector.
    ///
    /// ```
    /// use soft_delete_core::leak::LeakDetector;
    ///
    /// let detector = LeakDetector::collecting();
    /// let leaks = detector.leaks();
    /// assert!(leaks.is_empty());
    /// ```
    #[must_use]
    pub fn leaks(&self) -> Leaks {
        self.leaks.clone()
    }

    /// A detector for one more connection (each connection of a pool needs its own, since the
    /// connection takes it): the same tables watched in the same way, recording into the same
    /// [`Leaks`] handle, with a verdict cache of its own.
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::prelude::*;
    /// use soft_delete_core::leak::LeakDetector;
    ///
    /// let detector = LeakDetector::collecting().watch::<Repo>();
    /// let leaks = detector.leaks();
    /// let (mut first, mut second) = (fixture(), fixture());
    /// first.set_instrumentation(detector.for_another_connection());
    /// second.set_instrumentation(detector);
    /// repos::table.count().get_result::<i64>(&mut first)?;
    /// repos::table.count().get_result::<i64>(&mut second)?;
    /// assert_eq!(leaks.len(), 2);
    /// # Ok::<(), diesel::result::Error>(())
    /// ```
    #[must_use]
    pub fn for_another_connection(&self) -> Self {
        LeakDetector {
            watched: self.watched.clone(),
            mode: self.mode,
            dialect: self.dialect,
            leaks: self.leaks.clone(),
            verdicts: HashMap::new(),
            buffer: String::new(),
            inner: None,
        }
    }

    /// Checks one statement, as the connection renders it (`SQL -- binds: [...]`).
    fn check(&mut self, query: &dyn fmt::Display) {
        self.buffer.clear();
        // Render the SQL text only: the writer stops where the bound values would begin.
        let _ = write!(SqlOnly(&mut self.buffer), "{query}");
        if let Some(at) = self.buffer.find(" -- binds") {
            self.buffer.truncate(at);
        }
        if self.buffer.trim().is_empty() {
            return;
        }
        if let Some(leaks) = self.verdicts.get(self.buffer.as_str()) {
            if self.mode == Mode::Collect && !leaks.is_empty() {
                self.leaks.lock().extend(leaks.iter().cloned());
            }
            return;
        }
        if self.verdicts.len() >= CACHE_CAPACITY {
            self.verdicts.clear();
        }
        let statement: Arc<str> = Arc::from(self.buffer.as_str());
        let leaks = scan::scan_shared(self.dialect, &statement, &self.watched);
        match self.mode {
            Mode::Log => {
                for leak in &leaks {
                    log::warn!(target: LOG_TARGET, "{leak}");
                }
            }
            Mode::Collect => {
                if !leaks.is_empty() {
                    self.leaks.lock().extend(leaks.iter().cloned());
                }
            }
        }
        self.verdicts.insert(statement, leaks);
    }
}

impl Instrumentation for LeakDetector {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if !self.watched.is_empty()
            && let InstrumentationEvent::StartQuery { query, .. } = &event
        {
            self.check(query);
        }
        if let Some(inner) = &mut self.inner {
            inner.on_connection_event(event);
        }
    }
}

/// A writer that keeps what is written until the ` -- binds` suffix of a rendered query, then
/// refuses the rest, so the bound values are never formatted.
struct SqlOnly<'b>(&'b mut String);

impl fmt::Write for SqlOnly<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if text.starts_with(" -- binds") {
            return Err(fmt::Error);
        }
        self.0.push_str(text);
        Ok(())
    }
}

/// The leaks a [`LeakDetector`] recorded: a cheap, cloneable handle, shared with the detector
/// once the detector is installed on a connection.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use diesel::prelude::*;
/// use soft_delete_core::leak::LeakDetector;
///
/// let mut conn = fixture();
/// let detector = LeakDetector::collecting().watch::<Repo>();
/// let leaks = detector.leaks();
/// conn.set_instrumentation(detector);
///
/// diesel::sql_query("UPDATE repos SET slug = 'x' WHERE id = 3").execute(&mut conn)?;
/// assert_eq!(leaks.len(), 1);
/// let taken = leaks.take();
/// assert_eq!(taken[0].to_string(), "update of `repos` without its tombstone predicate (`deleted_at`): UPDATE repos SET slug = 'x' WHERE id = 3");
/// assert!(leaks.is_empty());
/// # Ok::<(), diesel::result::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Leaks {
    inner: Arc<Mutex<Vec<Leak>>>,
}

impl Leaks {
    /// The list, recovered if a thread panicked while holding it (the list is only ever
    /// appended to or taken whole, so it is never left half-written).
    fn lock(&self) -> MutexGuard<'_, Vec<Leak>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes every leak recorded so far, leaving the handle empty.
    ///
    /// ```
    /// let leaks = soft_delete_core::leak::LeakDetector::collecting().leaks();
    /// assert!(leaks.take().is_empty());
    /// ```
    #[must_use]
    pub fn take(&self) -> Vec<Leak> {
        core::mem::take(&mut *self.lock())
    }

    /// Whether no leak is recorded.
    ///
    /// ```
    /// assert!(soft_delete_core::leak::LeakDetector::collecting().leaks().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// How many leaks are recorded.
    ///
    /// ```
    /// assert_eq!(soft_delete_core::leak::LeakDetector::collecting().leaks().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// A test assertion: no leak is recorded. Takes them, so the next assertion starts afresh.
    ///
    /// # Panics
    ///
    /// If any leak is recorded; the message lists every one, with its statement.
    ///
    /// ```should_panic
    /// # soft_delete_core::__doc_fixture!();
    /// use diesel::prelude::*;
    /// use soft_delete_core::leak::LeakDetector;
    ///
    /// let mut conn = fixture();
    /// let detector = LeakDetector::collecting().watch::<Repo>();
    /// let leaks = detector.leaks();
    /// conn.set_instrumentation(detector);
    /// repos::table.select(repos::id).load::<i32>(&mut conn).unwrap();
    /// leaks.assert_none(); // panics: "1 soft-delete leak: read of `repos` ..."
    /// ```
    #[track_caller]
    pub fn assert_none(&self) {
        let leaks = self.take();
        if leaks.is_empty() {
            return;
        }
        let mut message = format!(
            "{} soft-delete leak{}:",
            leaks.len(),
            if leaks.len() == 1 { "" } else { "s" }
        );
        for leak in &leaks {
            let _ = write!(message, "\n  - {leak}");
        }
        panic!("{message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_stops_before_the_binds() {
        struct Rendered;
        impl fmt::Display for Rendered {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let sql = String::from("SELECT 1 FROM posts");
                write!(f, "{sql} -- binds: {:?}", [1, 2])
            }
        }
        let mut detector = LeakDetector::collecting().watch_table("posts", "deleted_at");
        let leaks = detector.leaks();
        detector.check(&Rendered);
        assert_eq!(detector.buffer, "SELECT 1 FROM posts");
        let found = leaks.take();
        assert_eq!(found.len(), 1);
        assert_eq!(&*found[0].statement, "SELECT 1 FROM posts");
    }

    #[test]
    fn verdicts_are_cached_and_bounded() {
        let mut detector = LeakDetector::collecting().watch_table("posts", "deleted_at");
        let leaks = detector.leaks();
        detector.check(&"SELECT * FROM posts");
        detector.check(&"SELECT * FROM posts");
        assert_eq!(detector.verdicts.len(), 1);
        assert_eq!(leaks.take().len(), 2);
        for n in 0..CACHE_CAPACITY + 5 {
            detector.check(&format!("SELECT {n} FROM posts WHERE deleted_at IS NULL"));
        }
        assert!(detector.verdicts.len() <= CACHE_CAPACITY);
        assert!(leaks.is_empty());
    }

    /// A logger that keeps the warnings of the leak target, for the test below (the only test
    /// of this crate that installs a logger).
    struct Captured(Mutex<Vec<String>>);

    impl log::Log for Captured {
        fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
            metadata.target() == LOG_TARGET
        }

        fn log(&self, record: &log::Record<'_>) {
            if self.enabled(record.metadata()) {
                let line = format!("{} {}", record.level(), record.args());
                self.0
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(line);
            }
        }

        fn flush(&self) {}
    }

    static CAPTURED: Captured = Captured(Mutex::new(Vec::new()));

    #[test]
    fn logging_warns_once_per_statement_and_records_nothing() {
        log::set_logger(&CAPTURED).expect("no other test installs a logger");
        log::set_max_level(log::LevelFilter::Warn);
        let mut detector = LeakDetector::logging().watch_table("posts", "deleted_at");
        let leaks = detector.leaks();
        detector.check(&"DELETE FROM posts");
        detector.check(&"DELETE FROM posts");
        detector.check(&"SELECT id FROM posts WHERE deleted_at IS NULL");
        assert!(leaks.is_empty());
        assert_eq!(detector.verdicts.len(), 2);
        let lines = CAPTURED
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with("WARN delete of `posts`"), "{lines:?}");
        assert!(lines[0].contains("DELETE FROM posts"), "{lines:?}");
    }

    #[test]
    fn a_poisoned_handle_still_works() {
        let leaks = Leaks::default();
        let clone = leaks.clone();
        let _ = std::thread::spawn(move || {
            let _guard = clone.lock();
            panic!("poison the lock");
        })
        .join();
        assert!(leaks.is_empty());
        assert_eq!(leaks.len(), 0);
        leaks.assert_none();
    }

    #[test]
    #[should_panic(expected = "2 soft-delete leaks:\n  - read of `posts`")]
    fn assert_none_lists_every_leak() {
        let mut detector = LeakDetector::collecting().watch_table("posts", "deleted_at");
        let leaks = detector.leaks();
        detector.check(&"SELECT * FROM posts");
        detector.check(&"DELETE FROM posts");
        leaks.assert_none();
    }

    #[test]
    fn watch_graph_follows_soft_edges_once() {
        use crate::model::TombstoneKind;
        use crate::model::graph::{GraphEdge, GraphRef, Policy};

        static COMMENTS: CascadeGraph = CascadeGraph {
            model: "Comment",
            table: "comments",
            tombstone: "is_deleted",
            kind: TombstoneKind::Flag,
            actor: None,
            edges: &[GraphEdge::tree("parent_id")],
        };
        static POSTS: CascadeGraph = CascadeGraph {
            model: "Post",
            table: "posts",
            tombstone: "deleted_at",
            kind: TombstoneKind::Timestamp,
            actor: Some("deleted_by"),
            edges: &[
                GraphEdge::soft(GraphRef::new(|| &COMMENTS), "post_id"),
                GraphEdge::other("Webhook", "post_id", Policy::Hard),
            ],
        };
        let detector = LeakDetector::collecting()
            .watch_table("comments", "is_deleted")
            .watch_graph(&POSTS);
        assert_eq!(
            detector.watched(),
            [
                Watched::new("comments", "is_deleted"),
                Watched::new("posts", "deleted_at").kind(TombstoneKind::Timestamp),
            ]
        );
    }
}
