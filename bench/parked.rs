//! parked: what a parked goroutine costs in time and in memory.
//!
//! Main starts N goroutines (default 100,000; the first argument
//! overrides N). Each calls `started.done()`, then parks on a shared
//! WaitGroup `gate` that main holds at 1, then `finished.done()`.
//! ns_per_op is the wall time from the first `go` until every goroutine
//! has started, divided by N. Main then sleeps 100 ms so all are settled,
//! and compares VmRSS from /proc/self/status with its value before the
//! first `go`: bytes_per_goroutine = (rss_after - rss_before) * 1024 / N.
//! Finally main opens the gate and waits for all of them to finish.
#![no_std]
#![no_main]
extern crate alloc;
gort::main!(main);

#[path = "args.rs"]
mod args;

use core::time::Duration;
use gort::sync::WaitGroup;

static GATE: WaitGroup = WaitGroup::new();
static STARTED: WaitGroup = WaitGroup::new();
static FINISHED: WaitGroup = WaitGroup::new();

/// The process's resident set in kB: the VmRSS line of /proc/self/status.
fn vm_rss_kb() -> i64 {
    let fail = |what: &str| -> ! {
        gort::eprintln!("parked: /proc/self/status: {what}");
        gort::exit(1)
    };
    let fd = rustix::fs::open(c"/proc/self/status", rustix::fs::OFlags::RDONLY, rustix::fs::Mode::empty())
        .unwrap_or_else(|_| fail("cannot open"));
    let mut buf = [0u8; 8192];
    let mut len = 0;
    while len < buf.len() {
        match rustix::io::read(&fd, &mut buf[len..]) {
            Ok(0) => break,
            Ok(k) => len += k,
            Err(_) => fail("cannot read"),
        }
    }
    let text = core::str::from_utf8(&buf[..len]).unwrap_or_else(|_| fail("not UTF-8"));
    let line = text.lines().find_map(|l| l.strip_prefix("VmRSS:")).unwrap_or_else(|| fail("no VmRSS line"));
    line.trim().trim_end_matches("kB").trim().parse().unwrap_or_else(|_| fail("bad VmRSS line"))
}

fn main() {
    let n = args::arg_n("parked", 100_000);
    GATE.add(1);
    STARTED.add(n);
    FINISHED.add(n);
    let rss_before = vm_rss_kb();
    let t0 = gort::nanotime();
    for _ in 0..n {
        gort::go(|| {
            STARTED.done();
            GATE.wait();
            FINISHED.done();
        });
    }
    STARTED.wait();
    let total = gort::nanotime() - t0;
    gort::sleep(Duration::from_millis(100));
    let rss_after = vm_rss_kb();
    GATE.done();
    FINISHED.wait();
    gort::println!(
        "bench=parked gomaxprocs={} n={n} ns_per_op={:.1} bytes_per_goroutine={}",
        gort::gomaxprocs(0),
        total as f64 / f64::from(n),
        (rss_after - rss_before) * 1024 / i64::from(n)
    );
}
