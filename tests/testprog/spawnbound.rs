//! Test program: main spawns 100,000 short goroutines without waiting in
//! between, then waits for all of them and prints how many MiB of stacks
//! are in use (`stacks_mib=N`). A spawner that fills its P's ring yields
//! to what it queued, so stacks are reused, not piled up.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU64, Ordering};
use gort::sync::WaitGroup;

gort::main!(main);

static SUM: AtomicU64 = AtomicU64::new(0);
static WG: WaitGroup = WaitGroup::new();

fn main() {
    const N: u64 = 100_000;
    WG.add(N as i32);
    for _ in 0..N {
        gort::go(|| {
            SUM.fetch_add(1, Ordering::Relaxed);
            WG.done();
        });
    }
    WG.wait();
    let m = gort::read_memstats();
    gort::println!("sum={} stacks_mib={}", SUM.load(Ordering::Relaxed), m.stack_inuse >> 20);
}
