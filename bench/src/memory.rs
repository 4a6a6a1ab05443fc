//! Memory of one measured operation: the process's resident set, from Linux's
//! `/proc/self/status`, and the program's own heap, counted by the global allocator.
//!
//! The resident set holds everything in the process, SQLite's page caches included (SQLite runs
//! inside it; the servers do not). The heap count holds only what Rust code allocated: the
//! crate, Diesel and the benchmark, never a database engine's memory.

/// Counts every allocation of Rust code, so a probe can read what the program itself held.
#[global_allocator]
static HEAP: peak_alloc::PeakAlloc = peak_alloc::PeakAlloc;

/// Resets both peaks so the next readings cover only what follows (the resident one needs
/// Linux 4.0+).
fn reset_peaks() -> bool {
    HEAP.reset_peak_usage();
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn heap_kib(bytes: usize) -> u64 {
    u64::try_from(bytes.div_ceil(1024)).unwrap_or(u64::MAX)
}

/// Memory around one measured operation, KiB: when it started (the peaks were reset then) and
/// the highest while it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Memory {
    /// The resident set at the start.
    pub(crate) rss_start: u64,
    /// The highest resident set while it ran.
    pub(crate) rss_peak: u64,
    /// The program's heap at the start.
    pub(crate) heap_start: u64,
    /// The program's highest heap while it ran.
    pub(crate) heap_peak: u64,
}

impl Memory {
    /// Runs `operation` and reads the memory around it; `None` where Linux's counters are
    /// missing.
    pub(crate) fn around<T>(operation: impl FnOnce() -> T) -> (T, Option<Memory>) {
        if !reset_peaks() {
            return (operation(), None);
        }
        let start = status_kib("VmRSS:");
        let heap_start = heap_kib(HEAP.current_usage());
        let value = operation();
        let heap_peak = heap_kib(HEAP.peak_usage());
        let peak = status_kib("VmHWM:");
        let reading = start.zip(peak).map(|(rss_start, rss_peak)| Memory {
            rss_start,
            rss_peak,
            heap_start,
            heap_peak,
        });
        (value, reading)
    }

    /// What the operation added to the resident set.
    pub(crate) fn growth(self) -> u64 {
        self.rss_peak.saturating_sub(self.rss_start)
    }

    /// What the operation added to the program's heap.
    pub(crate) fn heap_growth(self) -> u64 {
        self.heap_peak.saturating_sub(self.heap_start)
    }

    /// The line a probe prints for the benchmark that started it.
    pub(crate) fn probe_line(reading: Option<Memory>) -> String {
        match reading {
            Some(Memory {
                rss_start,
                rss_peak,
                heap_start,
                heap_peak,
            }) => format!(
                "probe rss_start_kib={rss_start} rss_peak_kib={rss_peak} heap_start_kib={heap_start} heap_peak_kib={heap_peak}"
            ),
            None => "probe unavailable".to_owned(),
        }
    }

    fn parse_probe_line(line: &str) -> Option<Memory> {
        let field = |name: &str| -> Option<u64> {
            line.split_whitespace()
                .find_map(|word| word.strip_prefix(name)?.strip_prefix('='))?
                .parse()
                .ok()
        };
        Some(Memory {
            rss_start: field("rss_start_kib")?,
            rss_peak: field("rss_peak_kib")?,
            heap_start: field("heap_start_kib")?,
            heap_peak: field("heap_peak_kib")?,
        })
    }
}

impl std::fmt::Display for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (start {}, growth {}), heap {} (start {}, growth {})",
            self.rss_peak,
            self.rss_start,
            self.growth(),
            self.heap_peak,
            self.heap_start,
            self.heap_growth()
        )
    }
}

/// Runs one delete and restore of `contender` in a new process of this program, on this
/// run's tables, and reads back its memory. A new process has built nothing: what it holds is
/// the program, the connection and the operation, at any row count.
pub(crate) fn in_fresh_process(
    args: &crate::args::Args,
    contender: crate::args::Contender,
) -> Option<Memory> {
    let program = std::env::current_exe().expect("the benchmark knows its own path");
    let mut probe = std::process::Command::new(program);
    probe
        .args(["--backend", &args.backend, "--rows", &args.rows.to_string()])
        .args(["--probe", contender.name()])
        .args(["--namespace", &crate::connect::namespace(args)]);
    if let Some(kib) = args.sqlite_cache_kib {
        probe.args(["--sqlite-cache-kib", &kib.to_string()]);
    }
    let output = probe.output().expect("start the memory probe");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the {} memory probe failed: {stdout}{}",
        contender.name(),
        String::from_utf8_lossy(&output.stderr)
    );
    let line = stdout.lines().find(|line| line.starts_with("probe "))?;
    Memory::parse_probe_line(line)
}

#[cfg(test)]
mod tests {
    use super::Memory;

    #[test]
    fn a_probe_line_reads_back_as_it_was_written() {
        let reading = Memory {
            rss_start: 10_740,
            rss_peak: 11_172,
            heap_start: 21,
            heap_peak: 64,
        };
        let line = Memory::probe_line(Some(reading));
        assert_eq!(Memory::parse_probe_line(&line), Some(reading));
        assert_eq!(Memory::parse_probe_line("probe unavailable"), None);
    }
}
