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
    Job {
        bench: "spawn",
        procs: &[1, 2],
        n: None,
        check_n: Some("1000"),
    },
    Job {
        bench: "yield",
        procs: &[1, 2],
        n: None,
        check_n: Some("1000"),
    },
    Job {
        bench: "chan",
        procs: &[1, 2],
        n: None,
        check_n: Some("1000"),
    },
    Job {
        bench: "parked",
        procs: &[2],
        n: Some("100000"),
        check_n: Some("1000"),
    },
    Job {
        bench: "parked",
        procs: &[2],
        n: Some("1000000"),
        check_n: None,
    },
    Job {
        bench: "sleep",
        procs: &[1, 2],
        n: None,
        check_n: Some("5"),
    },
    Job {
        bench: "parallel",
        procs: &[2],
        n: None,
        check_n: Some("2"),
    },
    Job {
        bench: "alloc",
        procs: &[2],
        n: None,
        check_n: Some("1000"),
    },
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
    /// The `bench=` name of the lines it is read from; the driver's own
    /// measurements use `startup`, `rss`, `size` and `syscalls`. Also the
    /// heading of its note in bench/notes.md.
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

const fn figure(bench: &'static str, metric: &'static str, what: &'static str) -> Figure {
    Figure {
        bench,
        metric,
        what,
        baseline: None,
        targets: &[],
        targets_only: None,
    }
}

impl Figure {
    const fn judged(self, targets: &'static [Target]) -> Figure {
        Figure { targets, ..self }
    }

    const fn against(self, baseline: &'static str) -> Figure {
        Figure {
            baseline: Some(baseline),
            ..self
        }
    }

    const fn judged_only_at(self, case: &'static str) -> Figure {
        Figure {
            targets_only: Some(case),
            ..self
        }
    }
}

pub const C_FLOOR: &str = "C exit-only";

/// The target of spawn, yield, chan and sleep.
const HALF_OF_GO: &[Target] = &[Target::GoRatioAtMost(0.5)];

/// The driver's own measurements come first, then the programs' lines, in
/// the order of the table.
pub const FIGURES: &[Figure] = &[
    figure("startup", "", "start-up of hello, exec to exit, ms")
        .against(C_FLOOR)
        .judged(&[Target::GoRatioAtMost(0.2), Target::BaseRatioAtMost(1.5)]),
    figure("rss", "", "hello peak RSS (VmHWM), KiB")
        .against(C_FLOOR)
        .judged(&[Target::AtMost(200.0)]),
    figure("size", "", "hello stripped, bytes")
        .against(C_FLOOR)
        .judged(&[Target::AtMost(65536.0)]),
    figure("syscalls", "", "hello system calls, execve to exit").against(C_FLOOR),
    figure(
        "spawn",
        "ns_per_op",
        "spawn: ns per goroutine spawned, run, exited",
    )
    .judged(HALF_OF_GO),
    figure("yield", "ns_per_op", "yield: ns per gosched").judged(HALF_OF_GO),
    figure("chan", "ns_per_op", "chan: ns per round trip, unbuffered").judged(HALF_OF_GO),
    figure("parked", "ns_per_op", "parked: ns per goroutine started"),
    figure(
        "parked",
        "bytes_per_goroutine",
        "parked: RSS bytes per parked goroutine",
    )
    .judged(&[Target::AtMost(4200.0)])
    .judged_only_at("n=1000000"),
    figure(
        "sleep",
        "median_oversleep_us",
        "sleep: median oversleep of 1 ms, us",
    )
    .judged(HALF_OF_GO),
    figure(
        "sleep",
        "p99_oversleep_us",
        "sleep: p99 oversleep of 1 ms, us",
    ),
    figure("parallel", "speedup", "parallel: speedup, 2 Ps over 1").judged(&[Target::AtLeast(1.9)]),
    figure("alloc", "ns_per_op", "alloc: ns per operation")
        .against("dlmalloc")
        .judged(&[Target::GoRatioAtMost(1.0), Target::BaseRatioAtMost(0.5)]),
];
