//! Peak resident memory of this process, from Linux's `/proc/self/status`.

/// Resets the peak so the next reading covers only what follows (Linux 4.0+).
pub(crate) fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The peak resident set size since the last reset, in KiB.
pub(crate) fn peak_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// The resident set size now, in KiB.
pub(crate) fn resident_kib() -> Option<u64> {
    status_kib("VmRSS:")
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resident memory around one measured operation, KiB.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peak {
    /// Resident when the operation started (the peak was reset then).
    pub(crate) start: u64,
    /// The highest resident size while it ran.
    pub(crate) peak: u64,
}

impl Peak {
    /// What the operation added on top of what the process already held.
    pub(crate) fn growth(self) -> u64 {
        self.peak.saturating_sub(self.start)
    }
}

impl std::fmt::Display for Peak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (start {}, growth {})",
            self.peak,
            self.start,
            self.growth()
        )
    }
}
