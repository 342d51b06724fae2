//! Test program: P producers send the numbers 1..=K each into one channel
//! (capacity from the first argument), C consumers sum what they receive
//! until it closes. Prints `sum=ok` if the total is P*K*(K+1)/2.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};
use gort::sync::WaitGroup;

gort::main!(main);

fn main() {
    let cap: usize = gort::args().get(1).and_then(|a| core::str::from_utf8(a).ok()?.parse().ok()).unwrap_or(0);
    const P: u64 = 8;
    const C: usize = 5;
    const K: u64 = 20_000;
    let c = gort::chan::<u64>(cap);
    let total = Arc::new(AtomicU64::new(0));
    let producers = Arc::new(WaitGroup::new());
    let consumers = Arc::new(WaitGroup::new());
    producers.add(P as i32);
    consumers.add(C as i32);
    for _ in 0..P {
        let (c, wg) = (c.clone(), producers.clone());
        gort::go(move || {
            for i in 1..=K {
                c.send(i);
            }
            wg.done();
        });
    }
    for _ in 0..C {
        let (c, wg, total) = (c.clone(), consumers.clone(), total.clone());
        gort::go(move || {
            let mut mine = 0;
            while let Some(v) = c.recv() {
                mine += v;
            }
            total.fetch_add(mine, Ordering::Relaxed);
            wg.done();
        });
    }
    producers.wait();
    c.close();
    consumers.wait();
    let ok = total.load(Ordering::Relaxed) == P * K * (K + 1) / 2;
    gort::println!("sum={}", if ok { "ok" } else { "WRONG" });
}
