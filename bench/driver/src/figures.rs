//! What `make bench` runs and what it judges: the one place to add a
//! benchmark program, a figure or a target.

/// A benchmark program: `bench_NAME` on gort, `NAME` from bench/go, run with
/// `GOMAXPROCS` set to each of `procs`. A program whose binary is missing on
/// either side is skipped with a message, so a new one joins by being listed
/// here and built.
pub struct Job {
    pub bench: &'static str,
    pub procs: &'static [u32],
    /// The N argument; None runs the program's default.
    pub n: Option<&'static str>,
    /// A small N for `bench-driver check` (None: not checked from this entry).
    pub check_n: Option<&'static str>,
}

pub const JOBS: &[Job] = &[
    Job { bench: "spawn", procs: &[1, 2], n: None, check_n: Some("1000") },
    Job { bench: "yield", procs: &[1, 2], n: None, check_n: Some("1000") },
    Job { bench: "chan", procs: &[1, 2], n: None, check_n: Some("1000") },
    Job { bench: "parked", procs: &[2], n: Some("100000"), check_n: Some("1000") },
    Job { bench: "parked", procs: &[2], n: Some("1000000"), check_n: None },
    Job { bench: "sleep", procs: &[1, 2], n: None, check_n: Some("5") },
    Job { bench: "parallel", procs: &[2], n: None, check_n: Some("2") },
    Job { bench: "alloc", procs: &[2], n: None, check_n: Some("1000") },
];

/// A goal for gort's median, alone or against the Go or baseline median of
/// the same run.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// gort / Go at most this.
    GoRatioAtMost(f64),
    /// gort / baseline at most this.
    BaseRatioAtMost(f64),
    /// gort at most this.
    AtMost(f64),
    /// gort at least this.
    AtLeast(f64),
}

/// One line of the table per case (GOMAXPROCS, N, workload) of a figure.
pub struct Figure {
    /// The heading of its note in bench/notes.md.
    pub id: &'static str,
    /// The `bench=` name of the lines it is read from; the driver's own
    /// measurements use `startup`, `rss`, `size` and `syscalls`.
    pub bench: &'static str,
    /// The field of the line holding the value.
    pub metric: &'static str,
    pub what: &'static str,
    /// What the third column holds: the C exit-only program, or for alloc
    /// the lines with `allocator=dlmalloc`.
    pub baseline: Option<&'static str>,
    pub targets: &'static [Target],
    /// The targets hold only for cases containing this (e.g. `n=1000000`).
    pub targets_only: Option<&'static str>,
}

const fn figure(id: &'static str, bench: &'static str, metric: &'static str, what: &'static str) -> Figure {
    Figure { id, bench, metric, what, baseline: None, targets: &[], targets_only: None }
}

pub const C_FLOOR: &str = "C exit-only";

/// The driver's own measurements come first, then the programs' lines, in
/// the order of the table.
pub const FIGURES: &[Figure] = &[
    Figure {
        baseline: Some(C_FLOOR),
        targets: &[Target::GoRatioAtMost(0.2), Target::BaseRatioAtMost(1.5)],
        ..figure("startup", "startup", "", "start-up of hello, exec to exit, ms")
    },
    Figure {
        baseline: Some(C_FLOOR),
        targets: &[Target::AtMost(200.0)],
        ..figure("rss", "rss", "", "hello peak RSS (VmHWM), KiB")
    },
    Figure {
        baseline: Some(C_FLOOR),
        targets: &[Target::AtMost(65536.0)],
        ..figure("size", "size", "", "hello stripped, bytes")
    },
    Figure { baseline: Some(C_FLOOR), ..figure("syscalls", "syscalls", "", "hello system calls, execve to exit") },
    Figure {
        targets: &[Target::GoRatioAtMost(0.5)],
        ..figure("spawn", "spawn", "ns_per_op", "spawn: ns per goroutine spawned, run, exited")
    },
    Figure { targets: &[Target::GoRatioAtMost(0.5)], ..figure("yield", "yield", "ns_per_op", "yield: ns per gosched") },
    Figure {
        targets: &[Target::GoRatioAtMost(0.5)],
        ..figure("chan", "chan", "ns_per_op", "chan: ns per round trip, unbuffered")
    },
    figure("parked", "parked", "ns_per_op", "parked: ns per goroutine started"),
    Figure {
        targets: &[Target::AtMost(4200.0)],
        targets_only: Some("n=1000000"),
        ..figure("parked", "parked", "bytes_per_goroutine", "parked: RSS bytes per parked goroutine")
    },
    Figure {
        targets: &[Target::GoRatioAtMost(0.5)],
        ..figure("sleep", "sleep", "median_oversleep_us", "sleep: median oversleep of 1 ms, us")
    },
    figure("sleep", "sleep", "p99_oversleep_us", "sleep: p99 oversleep of 1 ms, us"),
    Figure {
        targets: &[Target::AtLeast(1.9)],
        ..figure("parallel", "parallel", "speedup", "parallel: speedup, 2 Ps over 1")
    },
    Figure {
        baseline: Some("dlmalloc"),
        targets: &[Target::GoRatioAtMost(1.0), Target::BaseRatioAtMost(0.5)],
        ..figure("alloc", "alloc", "ns_per_op", "alloc: ns per operation")
    },
];
