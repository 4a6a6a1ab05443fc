//! With the `tracing` feature, a span around every operation: what it is, on which model and
//! key, at which stamp, and once it ends, the rows it changed per table and how long it took.
//! Without the feature, [`Trace`] is empty and [`Trace::run`] only awaits the operation.
//!
//! The operations are `async fn`s that pause at every statement on an async connection, so the
//! span is never entered across an `.await`: the operation's future is
//! [`instrument`](tracing::Instrument::instrument)ed with it, which enters it at each poll, and
//! [`Run`] records the end once that future is ready.
//!
//! | field | when | value |
//! |---|---|---|
//! | `operation` | at the start | `soft_delete`, `restore`, `restore_with_ancestors`, `hard_delete`, `purge`, `lock_live` (also the span's name) |
//! | `model` | at the start | the model's table, as named in the Diesel schema |
//! | `key` | at the start, for an operation on one row | the key, as `Debug` writes it |
//! | `stamp` | at the start (restore with ancestors: at the end) | the operation's time, UTC |
//! | `outcome` | at the end | `changed`, `already_deleted`, `already_active`, `nothing_matched`; `error` on an error |
//! | `rows` | at the end | rows changed in all tables |
//! | `changes` | at the end | rows changed per table: `repos: 1 row, issues: 2 rows` |
//! | `duration_us` | at the end | microseconds from the start to the end, commit included |
//! | `error` | at the end, on an error | the error, as it displays |
//!
//! The span is at level `INFO`, under the target `soft_delete_core::ops::trace`; when the
//! operation ends, an event at the same level inside it repeats the end's fields, for
//! subscribers that print events rather than spans.

use core::fmt::Debug;
use core::future::Future;

use chrono::NaiveDateTime;

use crate::error::Result;
use crate::report::Report;

/// Which operation a span is about: the span's name and its `operation` field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    SoftDelete,
    Restore,
    RestoreShallow,
    RestoreWhere,
    RestoreWithAncestors,
    RestorePath,
    HardDelete,
    Purge,
    LockLive,
}

/// An operation's span, opened before the operation starts.
pub(crate) struct Trace {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    #[cfg(feature = "tracing")]
    start: std::time::Instant,
    #[cfg(feature = "tracing")]
    stamped: bool,
}

impl Trace {
    /// Opens the span of `op` on `table`'s row `key` (`None` for rows chosen otherwise), at
    /// `stamp` where the operation already has one.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn start(
        op: Op,
        table: &'static str,
        key: Option<&dyn Debug>,
        stamp: Option<NaiveDateTime>,
    ) -> Self {
        #[cfg(feature = "tracing")]
        {
            use tracing::field::{Empty, debug, display};
            macro_rules! span {
                ($name:literal) => {
                    tracing::info_span!(
                        $name,
                        operation = $name,
                        model = table,
                        key = Empty,
                        stamp = Empty,
                        outcome = Empty,
                        rows = Empty,
                        changes = Empty,
                        duration_us = Empty,
                        error = Empty,
                    )
                };
            }
            let span = match op {
                Op::SoftDelete => span!("soft_delete"),
                Op::Restore => span!("restore"),
                Op::RestoreShallow => span!("restore_shallow"),
                Op::RestoreWhere => span!("restore_where"),
                Op::RestoreWithAncestors => span!("restore_with_ancestors"),
                Op::RestorePath => span!("restore_path"),
                Op::HardDelete => span!("hard_delete"),
                Op::Purge => span!("purge"),
                Op::LockLive => span!("lock_live"),
            };
            if let Some(key) = key {
                span.record("key", debug(key));
            }
            if let Some(stamp) = stamp {
                span.record("stamp", display(stamp));
            }
            Trace {
                span,
                start: std::time::Instant::now(),
                stamped: stamp.is_some(),
            }
        }
        #[cfg(not(feature = "tracing"))]
        Trace {}
    }

    /// Runs `operation` inside the span, then records how it ended. Without the feature,
    /// `operation` itself.
    ///
    /// Not an `async fn`: its state would hold `operation` twice (as the argument and as the
    /// future awaited), and every operation's future would grow by its own size.
    #[cfg(feature = "tracing")]
    pub(crate) fn run<T, F>(self, operation: F) -> Run<F>
    where
        T: Traced,
        F: Future<Output = Result<T>>,
    {
        use tracing::Instrument as _;
        Run {
            operation: operation.instrument(self.span.clone()),
            trace: Some(self),
        }
    }

    /// Runs `operation` inside the span, then records how it ended. Without the feature,
    /// `operation` itself.
    #[cfg(not(feature = "tracing"))]
    #[allow(clippy::unused_self)]
    pub(crate) fn run<T, F>(self, operation: F) -> F
    where
        T: Traced,
        F: Future<Output = Result<T>>,
    {
        operation
    }

    /// Records the end's fields on the span, and says them in an event inside it.
    #[cfg(feature = "tracing")]
    fn end<T: Traced>(&self, result: &Result<T>) {
        use tracing::field::display;
        let span = &self.span;
        let duration_us = u64::try_from(self.start.elapsed().as_micros()).unwrap_or(u64::MAX);
        span.record("duration_us", duration_us);
        match result {
            Ok(done) => {
                let report = done.report();
                if let Some(report) = report {
                    let changes = Changes(report);
                    span.record("outcome", outcome(report));
                    span.record("rows", report.total_rows());
                    span.record("changes", display(&changes));
                    if !self.stamped {
                        span.record("stamp", display(report.stamp));
                    }
                    tracing::info!(
                        parent: span,
                        outcome = outcome(report),
                        rows = report.total_rows(),
                        changes = %changes,
                        duration_us,
                        "{} done",
                        report.operation,
                    );
                } else {
                    span.record("outcome", "done");
                    tracing::info!(parent: span, duration_us, "done");
                }
            }
            Err(error) => {
                span.record("outcome", "error");
                span.record("error", display(error));
                tracing::info!(parent: span, %error, duration_us, "failed");
            }
        }
    }
}

#[cfg(feature = "tracing")]
pin_project_lite::pin_project! {
    /// An operation, instrumented with its span, that records how it ended once it is ready.
    pub(crate) struct Run<F> {
        #[pin]
        operation: tracing::instrument::Instrumented<F>,
        trace: Option<Trace>,
    }
}

#[cfg(feature = "tracing")]
impl<T, F> Future for Run<F>
where
    T: Traced,
    F: Future<Output = Result<T>>,
{
    type Output = Result<T>;

    fn poll(
        self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Result<T>> {
        let this = self.project();
        let result = core::task::ready!(this.operation.poll(cx));
        if let Some(trace) = this.trace.take() {
            trace.end(&result);
        }
        core::task::Poll::Ready(result)
    }
}

/// What an operation returns, as its span records it.
pub(crate) trait Traced {
    /// The report, for the operations that make one.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    fn report(&self) -> Option<&Report>;
}

impl Traced for Report {
    fn report(&self) -> Option<&Report> {
        Some(self)
    }
}

impl Traced for () {
    fn report(&self) -> Option<&Report> {
        None
    }
}

/// The report's outcome, as the `outcome` field says it.
#[cfg(feature = "tracing")]
fn outcome(report: &Report) -> &'static str {
    use crate::report::Outcome;
    match report.outcome {
        Outcome::Changed => "changed",
        Outcome::AlreadyDeleted => "already_deleted",
        Outcome::AlreadyActive => "already_active",
        Outcome::NothingMatched => "nothing_matched",
    }
}

/// Rows changed per table: `repos: 1 row, issues: 2 rows`, or `none`.
#[cfg(feature = "tracing")]
struct Changes<'r>(&'r Report);

#[cfg(feature = "tracing")]
impl core::fmt::Display for Changes<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.0.changes.is_empty() {
            return f.write_str("none");
        }
        for (index, change) in self.0.changes.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{change}")?;
        }
        Ok(())
    }
}
