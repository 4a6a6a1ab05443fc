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
