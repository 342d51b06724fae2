//! Test program: 100 goroutines race to call_once; the function runs
//! exactly once and every caller returns after it finished. Prints
//! `runs=1 saw=100`.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering};
use gort::sync::{Once, WaitGroup};

gort::main!(main);

static ONCE: Once = Once::new();
static RUNS: AtomicU32 = AtomicU32::new(0);
static SAW: AtomicU32 = AtomicU32::new(0);
static WG: WaitGroup = WaitGroup::new();

fn main() {
    WG.add(100);
    for _ in 0..100 {
        gort::go(|| {
            ONCE.call_once(|| {
                gort::sleep(core::time::Duration::from_millis(5)); // others arrive meanwhile
                RUNS.fetch_add(1, Ordering::Relaxed);
            });
            if RUNS.load(Ordering::Relaxed) == 1 {
                SAW.fetch_add(1, Ordering::Relaxed);
            }
            WG.done();
        });
    }
    WG.wait();
    gort::println!("runs={} saw={}", RUNS.load(Ordering::Relaxed), SAW.load(Ordering::Relaxed));
}
