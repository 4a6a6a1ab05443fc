//! The leak scanner's bounds: a seeded property test (no panic on any input, time per byte
//! bounded) and the scaling measurements of BENCHMARKS.md (`--ignored`, in release mode).
#![cfg(feature = "leak")]
#![allow(
    clippy::format_collect,
    clippy::cast_precision_loss,
    reason = "a measurement harness: statements built for size, memory printed in MiB"
)]

use std::time::{Duration, Instant};

use peak_alloc::PeakAlloc;
use soft_delete_core::leak::{Dialect, LeakKind, MAX_LEAKS_PER_STATEMENT, Watched, scan_in};

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

fn watched() -> Vec<Watched> {
    vec![
        Watched::new("posts", "deleted_at"),
        Watched::new("comments", "deleted_at"),
    ]
}

/// A small xorshift generator: the same statements on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.next() % items.len() as u64).unwrap_or(0)]
    }
}

const PIECES: &[&str] = &[
    "SELECT",
    "*",
    "id",
    "FROM",
    "posts",
    "comments",
    "p",
    "c",
    "WHERE",
    "deleted_at",
    "IS",
    "NULL",
    "NOT",
    "AND",
    "OR",
    "TRUE",
    "(",
    ")",
    ",",
    ".",
    "JOIN",
    "LEFT",
    "RIGHT",
    "ON",
    "=",
    "IN",
    "EXISTS",
    "WITH",
    "AS",
    "UNION",
    "ALL",
    "UPDATE",
    "SET",
    "DELETE",
    "INSERT",
    "INTO",
    "VALUES",
    "MERGE",
    "USING",
    "WHEN",
    "MATCHED",
    "THEN",
    "TABLE",
    "EXPLAIN",
    "ANALYZE",
    "'str'",
    "'it''s'",
    "\"posts\"",
    "`posts`",
    "/*",
    "*/",
    "--",
    "\n",
    "#",
    "/*!",
    "$1",
    "?",
    "1",
    ";",
    "COUNT(*)",
    "FILTER",
    "r(a, deleted_at)",
    "\\",
    "é",
];

/// Random statements from SQL pieces, in every dialect: the scanner never panics, and takes
/// no more than a bound per byte.
#[test]
fn random_statements_never_panic_and_stay_fast() {
    let mut rng = Rng(0x5eed_1eaf_2026);
    let watched = watched();
    let mut worst = Duration::ZERO;
    for n in 0..600 {
        let len = 1 + usize::try_from(rng.next() % 60).unwrap_or(0);
        let mut sql = String::new();
        for _ in 0..len {
            sql.push_str(rng.pick(PIECES));
            sql.push(' ');
        }
        let dialect = [
            Dialect::Generic,
            Dialect::Postgres,
            Dialect::Mysql,
            Dialect::Sqlite,
        ][n % 4];
        let started = Instant::now();
        let leaks = scan_in(dialect, &sql, &watched);
        let per_byte = started.elapsed() / u32::try_from(sql.len()).unwrap_or(1);
        worst = worst.max(per_byte);
        assert!(leaks.len() <= MAX_LEAKS_PER_STATEMENT);
    }
    // Generous (debug build, a shared machine): a thread start and a parse of a few hundred
    // bytes take well under this per byte.
    assert!(
        worst < Duration::from_millis(2),
        "worst time per byte: {worst:?}"
    );
}

/// A statement that leaks many times keeps one copy of its text and at most the cap of leaks.
#[test]
fn many_leaks_share_one_statement_and_are_capped() {
    let branches = vec!["SELECT id FROM posts"; 500].join(" UNION ALL ");
    let leaks = scan_in(Dialect::Postgres, &branches, &watched());
    assert!(!leaks.is_empty() && leaks.len() <= MAX_LEAKS_PER_STATEMENT);
    assert!(
        leaks
            .windows(2)
            .all(|w| std::sync::Arc::ptr_eq(&w[0].statement, &w[1].statement))
    );
    let joins: String = (0..200)
        .map(|n| format!(" JOIN comments c{n} ON c{n}.id = p.id"))
        .collect();
    let leaks = scan_in(
        Dialect::Postgres,
        &format!("SELECT 1 FROM posts p{joins}"),
        &watched(),
    );
    assert!(leaks.len() <= MAX_LEAKS_PER_STATEMENT);
}

/// Nesting past the parser's limit is unread, not a stack overflow.
#[test]
fn deep_nesting_is_unread() {
    let sql = format!(
        "SELECT id FROM posts WHERE id IN {}{}",
        "(SELECT id FROM posts WHERE id IN ".repeat(16_000),
        "(1)".to_owned() + &")".repeat(16_000)
    );
    let leaks = scan_in(Dialect::Postgres, &sql, &watched());
    assert_eq!(leaks[0].kind, LeakKind::Unread);
}

fn shape(kind: &str, n: usize) -> String {
    match kind {
        "joins" => format!(
            "SELECT p0.id FROM posts p0{} WHERE p0.deleted_at IS NULL",
            (1..n)
                .map(|k| format!(
                    " JOIN comments c{k} ON c{k}.post_id = p0.id AND c{k}.deleted_at IS NULL"
                ))
                .collect::<String>()
        ),
        "union" => vec!["SELECT id FROM posts"; n].join(" UNION ALL "),
        "from" => format!(
            "SELECT 1 FROM {} WHERE 1 = 1",
            (0..n)
                .map(|k| format!("posts p{k}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "nested_in" => format!(
            "SELECT id FROM posts WHERE deleted_at IS NULL AND id IN {}(1){}",
            "(SELECT id FROM posts WHERE deleted_at IS NULL AND id IN ".repeat(n),
            ")".repeat(n)
        ),
        _ => format!(
            "WITH {} SELECT 1 FROM {}",
            (0..n)
                .map(|k| format!("t{k} AS (SELECT id FROM posts WHERE deleted_at IS NULL)"))
                .collect::<Vec<_>>()
                .join(", "),
            (0..n)
                .map(|k| format!("t{k}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The scaling table of BENCHMARKS.md: `cargo test --release -p soft_delete_core --features
/// leak --test leak_bounds -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement: run by hand in release mode"]
fn scaling() {
    let watched = watched();
    println!("| shape | n | bytes | time (ms) | peak memory (MiB) | leaks |");
    println!("|---|---:|---:|---:|---:|---:|");
    for kind in ["joins", "union", "from", "nested_in", "ctes"] {
        for n in [1_000, 4_000, 16_000, 64_000] {
            let sql = shape(kind, n);
            PEAK.reset_peak_usage();
            let base = PEAK.current_usage();
            let started = Instant::now();
            let leaks = scan_in(Dialect::Postgres, &sql, &watched);
            let elapsed = started.elapsed();
            let peak = (PEAK.peak_usage().saturating_sub(base)) as f64 / f64::from(1 << 20);
            println!(
                "| {kind} | {n} | {} | {:.1} | {peak:.1} | {} |",
                sql.len(),
                elapsed.as_secs_f64() * 1000.0,
                leaks.len()
            );
        }
    }
}
