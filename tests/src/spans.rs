//! A subscriber that keeps what `tracing` tells it: every span with its fields, and every event
//! with its fields and its parent span, for the suite's tests of the `tracing` feature. Written
//! by hand so the suite needs no subscriber crate.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
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

/// A subscriber that keeps everything: install it with [`catch`].
#[derive(Clone, Default)]
struct Catcher {
    caught: Arc<Mutex<Caught>>,
    /// The entered spans, innermost last, by id (a span's id is its index in `spans`, plus
    /// one).
    current: Arc<Mutex<Vec<u64>>>,
}

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

fn index(id: &Id) -> usize {
    usize::try_from(id.into_u64() - 1).expect("a span index")
}

impl Catcher {
    fn lock(&self) -> std::sync::MutexGuard<'_, Caught> {
        self.caught.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn current(&self) -> Option<usize> {
        let stack = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        stack
            .last()
            .map(|id| usize::try_from(id - 1).expect("a span index"))
    }
}

impl Subscriber for Catcher {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
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
            attributes.parent().map(index).or_else(|| self.current())
        };
        let mut caught = self.lock();
        caught.spans.push(span);
        Id::from_u64(u64::try_from(caught.spans.len()).expect("a span id"))
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut caught = self.lock();
        values.record(&mut Fields(&mut caught.spans[index(span)].fields));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut caught = SpanEvent::default();
        event.record(&mut Fields(&mut caught.fields));
        caught.parent = if event.is_root() {
            None
        } else {
            event.parent().map(index).or_else(|| self.current())
        };
        self.lock().events.push(caught);
    }

    fn enter(&self, span: &Id) {
        let mut stack = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        stack.push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut stack = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(at) = stack.iter().rposition(|id| *id == span.into_u64()) {
            stack.remove(at);
        }
    }
}

/// Runs `body` with a subscriber that keeps every span and event on this thread; its result
/// and what was caught.
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
    let catcher = Catcher::default();
    let result = tracing::subscriber::with_default(catcher.clone(), body);
    let caught = catcher.lock().clone();
    (result, caught)
}
