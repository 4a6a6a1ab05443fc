// The leak detector's cost, included once per backend by `main.rs` next to `run.rs`: point reads
// of live comments by key, through a connection with the detector installed in logging mode,
// against the same reads with the detector switched off, alternating in rounds on one
// connection.

mod detector {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Instant;

    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use diesel::prelude::*;
    use soft_delete_core::SoftDelete;
    use soft_delete_core::leak::{Dialect, LeakDetector};

    use super::{Comment, Conn, Repo, bench_comments, close, open};
    use crate::args::Args;

    /// Point reads per contender and run.
    pub(crate) const READS: usize = 20_000;

    /// Reads per round; the contenders alternate round by round.
    const ROUND: usize = 500;

    /// Seconds per [`READS`] reads, per contender and run.
    #[derive(Debug, Default)]
    pub(crate) struct Detected {
        pub(crate) with_detector: Vec<f64>,
        pub(crate) without: Vec<f64>,
    }

    /// The detector, passed events only while `on` says so: both contenders go through it, so
    /// they differ only in whether the detector sees the statement.
    struct Switch {
        on: Arc<AtomicBool>,
        detector: LeakDetector,
    }

    impl Instrumentation for Switch {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if self.on.load(Ordering::Relaxed) {
                self.detector.on_connection_event(event);
            }
        }
    }

    pub(crate) fn run(args: &Args) -> Detected {
        let mut conn = open(args);
        let trees = i32::try_from(args.rows / 100)
            .expect("rows fit in i32")
            .max(1);
        super::small::populate(&mut conn, trees);
        let comments = trees * 100;
        let on = Arc::new(AtomicBool::new(false));
        // Set up as `LeakDetector::install` does, in the connection's dialect.
        let detector = LeakDetector::logging()
            .watch_graph(Repo::cascade_graph())
            .dialect(Dialect::of::<<Conn as Connection>::Backend>());
        conn.set_instrumentation(Switch {
            on: Arc::clone(&on),
            detector,
        });
        let mut detected = Detected::default();
        let mut key = 0;
        for _ in 0..args.repeat {
            let (mut with_detector, mut without) = (0.0, 0.0);
            for round in 0..READS / ROUND {
                // Which contender goes first alternates too.
                for detecting in [round % 2 == 0, round % 2 == 1] {
                    on.store(detecting, Ordering::Relaxed);
                    let started = Instant::now();
                    for _ in 0..ROUND {
                        key = key % comments + 1;
                        let comment: Comment = Comment::active()
                            .filter(bench_comments::id.eq(key))
                            .first(&mut conn)
                            .expect("a live comment");
                        assert_eq!(comment.id, key);
                    }
                    let seconds = started.elapsed().as_secs_f64();
                    if detecting {
                        with_detector += seconds;
                    } else {
                        without += seconds;
                    }
                }
            }
            detected.with_detector.push(with_detector);
            detected.without.push(without);
        }
        on.store(false, Ordering::Relaxed);
        close(args, &mut conn);
        detected
    }

    impl crate::report::DetectorRun for Detected {
        fn samples(&self) -> [&[f64]; 2] {
            [&self.with_detector, &self.without]
        }
    }
}
