//! sleep: how late a 1 ms sleep wakes up.
//!
//! Main calls `sleep(1 ms)` N times in a row (default 1000; the first
//! argument overrides N) and times each call with `nanotime`. ns_per_op
//! is the mean actual duration; the oversleep of a call is its duration
//! minus 1 ms, given in microseconds as mean, median and 99th percentile
//! (nearest rank).
#![no_std]
#![no_main]
extern crate alloc;
gort::main!(main);

#[path = "args.rs"]
mod args;

use alloc::vec::Vec;
use core::time::Duration;

fn main() {
    let n = args::arg_n("sleep", 1000) as usize;
    let mut took = Vec::with_capacity(n);
    for _ in 0..n {
        let t0 = gort::nanotime();
        gort::sleep(Duration::from_millis(1));
        took.push(gort::nanotime() - t0);
    }
    took.sort_unstable();
    let mean = took.iter().sum::<i64>() as f64 / n as f64;
    let median = if n % 2 == 1 { took[n / 2] as f64 } else { (took[n / 2 - 1] + took[n / 2]) as f64 / 2.0 };
    let p99 = took[(n * 99).div_ceil(100) - 1] as f64;
    let over_us = |ns: f64| (ns - 1e6) / 1e3;
    gort::println!(
        "bench=sleep gomaxprocs={} n={n} ns_per_op={mean:.1} mean_oversleep_us={:.1} median_oversleep_us={:.1} p99_oversleep_us={:.1}",
        gort::gomaxprocs(0),
        over_us(mean),
        over_us(median),
        over_us(p99)
    );
}
