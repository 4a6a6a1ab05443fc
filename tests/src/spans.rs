//! A subscriber that keeps what `tracing` tells it: every span with its fields, and every event
//! with its fields and its parent span, for the suite's tests of the `tracing` feature. Written
//! by hand so the suite needs no subscriber crate.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex, Once, PoisonError};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// A span as it ended up: its name and every field recorded on it, as `Debug` writes them
/// (strings without quotes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Span {
    /// The span's name.
    pub name: String,
    /// Its fields, by name; a field declared empty and never recorded is absent.
    pub fields: BTreeMap<String, String>,
    /// The span it was opened in, by its index in [`Caught::spans`].
    pub parent: Option<usize>,
}

/// An event: its fields (the message under `message`) and the span it happened in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanEvent {
    /// Its fields, by name.
    pub fields: BTreeMap<String, String>,
    /// The span it belongs to, by its index in [`Caught::spans`].
    pub parent: Option<usize>,
}

/// What a [`Catcher`] caught, in order.
#[derive(Debug, Clone, Default)]
pub struct Caught {
    /// Every span, in the order they were opened.
    pub spans: Vec<Span>,
    /// Every event, in the order they happened.
    pub events: Vec<SpanEvent>,
}

impl Caught {
    /// The spans named `name`.
    #[must_use]
    pub fn named(&self, name: &str) -> Vec<&Span> {
        self.spans.iter().filter(|span| span.name == name).collect()
    }
}

/// What one [`catch`] keeps: the spans and events of its thread.
#[derive(Clone, Default)]
struct Catcher {
    caught: Arc<Mutex<Caught>>,
    /// The entered spans, innermost last, by index in `spans`.
    current: Arc<Mutex<Vec<usize>>>,
}

thread_local! {
    /// The catcher of the [`catch`] running on this thread, if one is.
    static CATCHER: RefCell<Option<Catcher>> = const { RefCell::new(None) };
}

/// The id of a span no catcher keeps (opened on a thread outside [`catch`]).
const UNCAUGHT: u64 = u64::MAX;

/// Fields, as `Debug` writes them (strings as they are).
struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

/// A span's index in its catcher's `spans`, from its id.
fn index(id: &Id) -> Option<usize> {
    usize::try_from(id.into_u64().checked_sub(1)?).ok()
}

impl Catcher {
    fn lock(&self) -> std::sync::MutexGuard<'_, Caught> {
        self.caught.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stack(&self) -> std::sync::MutexGuard<'_, Vec<usize>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut span = Span {
            name: attributes.metadata().name().to_owned(),
            ..Span::default()
        };
        attributes.record(&mut Fields(&mut span.fields));
        span.parent = if attributes.is_root() {
            None
        } else {
            attributes
                .parent()
                .and_then(index)
                .or_else(|| self.stack().last().copied())
        };
        let mut caught = self.lock();
        caught.spans.push(span);
        Id::from_u64(u64::try_from(caught.spans.len()).expect("a span id"))
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut caught = self.lock();
        if let Some(span) = index(span).and_then(|at| caught.spans.get_mut(at)) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn event(&self, event: &Event<'_>) {
        let mut caught = SpanEvent::default();
        event.record(&mut Fields(&mut caught.fields));
        caught.parent = if event.is_root() {
            None
        } else {
            event
                .parent()
                .and_then(index)
                .or_else(|| self.stack().last().copied())
        };
        self.lock().events.push(caught);
    }
}

/// The process's subscriber, installed once by the first [`catch`]: it hands what happens on a
/// thread to that thread's catcher, and drops the rest. One global subscriber that never goes
/// away, rather than one scoped subscriber per test: `tracing` caches which callsites are
/// enabled, and recomputes that cache when a scoped subscriber is dropped, so with tests on
/// several threads another test's ending could switch this one's events off.
struct Router;

fn with_catcher<T>(body: impl FnOnce(&Catcher) -> T) -> Option<T> {
    CATCHER.with(|catcher| catcher.borrow().as_ref().map(body))
}

impl Subscriber for Router {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::always()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::TRACE)
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        with_catcher(|catcher| catcher.new_span(attributes)).unwrap_or(Id::from_u64(UNCAUGHT))
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        with_catcher(|catcher| catcher.record(span, values));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        with_catcher(|catcher| catcher.event(event));
    }

    fn enter(&self, span: &Id) {
        if let Some(at) = index(span) {
            with_catcher(|catcher| catcher.stack().push(at));
        }
    }

    fn exit(&self, span: &Id) {
        if let Some(at) = index(span) {
            with_catcher(|catcher| {
                let mut stack = catcher.stack();
                if let Some(found) = stack.iter().rposition(|entered| *entered == at) {
                    stack.remove(found);
                }
            });
        }
    }
}

/// Takes this thread's catcher away when [`catch`] ends, panicking or not.
struct Uninstall;

impl Drop for Uninstall {
    fn drop(&mut self) {
        CATCHER.with(|catcher| catcher.borrow_mut().take());
    }
}

/// Runs `body` keeping every span and event that happens on this thread; its result and what
/// was caught.
///
/// # Panics
/// If another global `tracing` subscriber was installed first.
///
/// ```
/// let ((), caught) = soft_delete_tests::spans::catch(|| {
///     let span = tracing::info_span!("work", size = 3);
///     span.in_scope(|| tracing::info!(done = true, "finished"));
/// });
/// assert_eq!(caught.spans[0].name, "work");
/// assert_eq!(caught.spans[0].fields["size"], "3");
/// assert_eq!(caught.events[0].parent, Some(0));
/// assert_eq!(caught.events[0].fields["message"], "finished");
/// ```
pub fn catch<T>(body: impl FnOnce() -> T) -> (T, Caught) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(Router).expect("no other global subscriber");
    });
    let catcher = Catcher::default();
    CATCHER.with(|current| *current.borrow_mut() = Some(catcher.clone()));
    let uninstall = Uninstall;
    let result = body();
    drop(uninstall);
    let caught = catcher.lock().clone();
    (result, caught)
}
