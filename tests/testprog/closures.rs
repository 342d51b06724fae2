//! Test program: what `go` closures capture arrives intact and is dropped
//! exactly once, whether the closure travels on the new goroutine's
//! stack (small) or on the heap (over 1 KiB). Prints one line per check.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicUsize, Ordering};
use gort::sync::WaitGroup;

gort::main!(main);

static DROPS: AtomicUsize = AtomicUsize::new(0);
static WG: WaitGroup = WaitGroup::new();

struct Tracked(u64);

impl Drop for Tracked {
    fn drop(&mut self) {
        DROPS.fetch_add(1, Ordering::Relaxed);
    }
}

fn main() {
    let sum = Arc::new(AtomicUsize::new(0));
    let n: usize = 1000;
    WG.add(2 * n as i32);
    for i in 0..n {
        // Small: a Tracked, a Vec and an Arc, on the new stack.
        let (t, v, s) = (Tracked(i as u64), alloc::vec![i; 3], sum.clone());
        gort::go(move || {
            s.fetch_add(t.0 as usize + v.iter().sum::<usize>(), Ordering::Relaxed);
            WG.done();
        });
        // Big: 4 KiB of bytes, through the heap.
        let (big, t, s) = ([(i % 251) as u8; 4096], Tracked(0), sum.clone());
        gort::go(move || {
            let _keep = t;
            s.fetch_add(big.iter().map(|&b| b as usize).sum::<usize>(), Ordering::Relaxed);
            WG.done();
        });
    }
    WG.wait();
    let want: usize = (0..n).map(|i| 4 * i + 4096 * (i % 251)).sum();
    gort::println!("captures arrived: {}", sum.load(Ordering::Relaxed) == want);
    // Every goroutine has called done; let the last ones finish dropping.
    for _ in 0..1000 {
        if Arc::strong_count(&sum) == 1 {
            break;
        }
        gort::sleep(core::time::Duration::from_millis(1));
    }
    gort::println!("dropped once each: {} {}", DROPS.load(Ordering::Relaxed) == 2 * n, Arc::strong_count(&sum) == 1);
}
