//! spawn: what it costs to start a goroutine and see it finish.
//!
//! Main adds N to a WaitGroup, then starts N goroutines (default
//! 1,000,000; the first argument overrides N). Each adds 1 to a shared
//! atomic and calls `done`; main waits. ns_per_op is the wall time from
//! the first `go` to the return of `wait`, divided by N. The atomic must
//! end at N, or the program says so on stderr and exits 1.
#![no_std]
#![no_main]
extern crate alloc;
gort::main!(main);

#[path = "args.rs"]
mod args;

use core::sync::atomic::{AtomicU64, Ordering};
use gort::sync::WaitGroup;

static SUM: AtomicU64 = AtomicU64::new(0);
static WG: WaitGroup = WaitGroup::new();

fn main() {
    let n = args::arg_n("spawn", 1_000_000);
    let t0 = gort::nanotime();
    WG.add(n);
    for _ in 0..n {
        gort::go(|| {
            SUM.fetch_add(1, Ordering::Relaxed);
            WG.done();
        });
    }
    WG.wait();
    let total = gort::nanotime() - t0;
    let sum = SUM.load(Ordering::Relaxed);
    if sum != n as u64 {
        gort::eprintln!("spawn: sum is {sum}, want {n}");
        gort::exit(1);
    }
    gort::println!(
        "bench=spawn gomaxprocs={} n={n} ns_per_op={:.1}",
        gort::gomaxprocs(0),
        total as f64 / f64::from(n)
    );
}
