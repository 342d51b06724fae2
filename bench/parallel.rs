//! parallel: do two Ps run CPU-bound goroutines twice as fast as one?
//!
//! W work items (default 8; the first argument overrides W) each run a
//! 64-bit xorshift 50,000,000 steps from their own seed; the results are
//! XORed into a checksum, so the work cannot be optimised away. Main sets
//! GOMAXPROCS to 1 (with no other goroutine alive, so the world is
//! quiescent), starts W goroutines and waits on a WaitGroup; then again at
//! GOMAXPROCS 2. ns_per_op is the time per item at 2 Ps; speedup is the
//! time at 1 P over the time at 2 Ps. The workers never yield: gort does
//! not preempt, and does not need to, since each one ends.
#![no_std]
#![no_main]
extern crate alloc;
gort::main!(main);

#[path = "args.rs"]
mod args;

use core::hint::black_box;
use core::sync::atomic::{AtomicU64, Ordering};
use gort::sync::WaitGroup;

const STEPS: u64 = 50_000_000;

static WG: WaitGroup = WaitGroup::new();
static CHECKSUM: AtomicU64 = AtomicU64::new(0);

/// The work item: `steps` rounds of xorshift64 from `seed`.
fn xorshift(seed: u64, steps: u64) -> u64 {
    let mut x = seed;
    for _ in 0..black_box(steps) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// Runs the W items at `procs` Ps; returns the wall time and checksum.
fn run(w: i32, procs: i32) -> (i64, u64) {
    gort::gomaxprocs(procs);
    CHECKSUM.store(0, Ordering::Relaxed);
    let t0 = gort::nanotime();
    WG.add(w);
    for i in 0..w {
        gort::go(move || {
            CHECKSUM.fetch_xor(black_box(xorshift(i as u64 + 1, STEPS)), Ordering::Relaxed);
            WG.done();
        });
    }
    WG.wait();
    (gort::nanotime() - t0, CHECKSUM.load(Ordering::Relaxed))
}

fn main() {
    let w = args::arg_n("parallel", 8);
    let (t1, sum1) = run(w, 1);
    let (t2, sum2) = run(w, 2);
    if sum1 != sum2 {
        gort::eprintln!("parallel: checksum {sum1:#x} at 1 P but {sum2:#x} at 2 Ps");
        gort::exit(1);
    }
    gort::println!(
        "bench=parallel gomaxprocs={} n={w} ns_per_op={:.1} speedup={:.2}",
        gort::gomaxprocs(0),
        t2 as f64 / f64::from(w),
        t1 as f64 / t2 as f64
    );
}
