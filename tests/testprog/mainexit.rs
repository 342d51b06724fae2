//! Test program: main returns while other goroutines sleep, block, yield
//! in a loop and spin without ever yielding. The process ends at once
//! with status 0, as Go's does.
//!
//! gort cannot preempt a goroutine that never yields, so the spinner is
//! started last: with GOMAXPROCS=1 it would otherwise keep main from
//! ever running again.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;
use gort::sync::WaitGroup;

gort::main!(main);

static SPINS: AtomicU64 = AtomicU64::new(0);
static STARTED: WaitGroup = WaitGroup::new();

fn main() {
    STARTED.add(3);
    gort::go(|| {
        STARTED.done();
        gort::sleep(Duration::from_secs(3600));
    });
    gort::go(|| {
        STARTED.done();
        gort::block();
    });
    gort::go(|| {
        STARTED.done();
        loop {
            gort::gosched();
        }
    });
    STARTED.wait();
    gort::go(|| loop {
        SPINS.fetch_add(1, Ordering::Relaxed); // never yields
    });
    gort::println!("main returns");
}
