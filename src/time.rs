//! Clocks.

/// Monotonic time in nanoseconds, from an arbitrary start (Go's nanotime).
pub fn nanotime() -> i64 {
    crate::sys_linux_amd64::clock_gettime_monotonic()
}
