//! Test program: N goroutines (first argument, default 100000) park on
//! one WaitGroup at once, then are all woken and finish. Prints
//! `parked=N woken=N`.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU64, Ordering};
use gort::sync::WaitGroup;

gort::main!(main);

static STARTED: WaitGroup = WaitGroup::new();
static GATE: WaitGroup = WaitGroup::new();
static FINISHED: WaitGroup = WaitGroup::new();
static WOKEN: AtomicU64 = AtomicU64::new(0);

fn main() {
    let n: i32 = gort::args().get(1).and_then(|a| core::str::from_utf8(a).ok()?.parse().ok()).unwrap_or(100_000);
    GATE.add(1);
    STARTED.add(n);
    FINISHED.add(n);
    for _ in 0..n {
        gort::go(|| {
            STARTED.done();
            GATE.wait();
            WOKEN.fetch_add(1, Ordering::Relaxed);
            FINISHED.done();
        });
    }
    STARTED.wait();
    let parked = gort::num_goroutine() - 1;
    GATE.done();
    FINISHED.wait();
    gort::println!("parked={parked} woken={}", WOKEN.load(Ordering::Relaxed));
}
