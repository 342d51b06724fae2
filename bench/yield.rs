//! yield: the cost of one trip through the scheduler.
//!
//! Two goroutines each call `gosched` N times (default 1,000,000; the
//! first argument overrides N), so they hand the P back and forth; main
//! waits for both on a WaitGroup. ns_per_op is the wall time from the
//! first `go` to the return of `wait`, divided by 2N: the time per yield.
#![no_std]
#![no_main]
extern crate alloc;
gort::main!(main);

#[path = "args.rs"]
mod args;

use gort::sync::WaitGroup;

static WG: WaitGroup = WaitGroup::new();

fn main() {
    let n = args::arg_n("yield", 1_000_000);
    let t0 = gort::nanotime();
    WG.add(2);
    for _ in 0..2 {
        gort::go(move || {
            for _ in 0..n {
                gort::gosched();
            }
            WG.done();
        });
    }
    WG.wait();
    let total = gort::nanotime() - t0;
    gort::println!(
        "bench=yield gomaxprocs={} n={n} ns_per_op={:.1}",
        gort::gomaxprocs(0),
        total as f64 / (2.0 * f64::from(n))
    );
}
