//! Test program: gomaxprocs(n) changed while goroutines run and yield.
//! Prints what gomaxprocs reports at each step and the checksum.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};
use gort::sync::WaitGroup;

gort::main!(main);

fn main() {
    let sum = Arc::new(AtomicU64::new(0));
    let wg = Arc::new(WaitGroup::new());
    let workers = 64u64;
    wg.add(workers as i32);
    for w in 0..workers {
        let (s, g) = (sum.clone(), wg.clone());
        gort::go(move || {
            for i in 0..2000 {
                s.fetch_add(w * 2000 + i, Ordering::Relaxed);
                gort::gosched();
            }
            g.done();
        });
    }
    let mut seen = alloc::vec::Vec::new();
    for n in [1, 4, 3, 8, 2] {
        let old = gort::gomaxprocs(n);
        seen.push((old, gort::gomaxprocs(0)));
        gort::gosched();
    }
    wg.wait();
    for (old, now) in seen {
        gort::println!("was {old} now {now}");
    }
    let n = workers * 2000;
    gort::println!("sum ok: {}", sum.load(Ordering::Relaxed) == n * (n - 1) / 2);
    gort::println!("query: {}", gort::gomaxprocs(-1));
}
