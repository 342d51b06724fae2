//! Test program (Go's TestMutexFairness): one goroutine holds a mutex
//! almost all the time, releasing it only to take it again at once.
//! Another needs it 10 times. Starvation mode hands the mutex over once
//! a waiter has waited 1 ms, so the second gets its turns. Prints
//! `acquired 10 times`.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;
use gort::sync::{Mutex, WaitGroup};

gort::main!(main);

static MU: Mutex<()> = Mutex::new(());
static STOP: AtomicBool = AtomicBool::new(false);
static WG: WaitGroup = WaitGroup::new();

fn main() {
    gort::go(|| {
        while !STOP.load(Ordering::Relaxed) {
            let _g = MU.lock();
            gort::sleep(Duration::from_micros(100));
        }
    });
    WG.add(1);
    gort::go(|| {
        for _ in 0..10 {
            gort::sleep(Duration::from_micros(100));
            drop(MU.lock());
        }
        WG.done();
    });
    WG.wait();
    STOP.store(true, Ordering::Relaxed);
    gort::println!("acquired 10 times");
}
