//! Test program: selects naming the same channel in two cases, while
//! senders hit it just as each select parks. The select must be done
//! with its cases before the last channel lock is released. Prints
//! `received=N` (4 x 50000).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};
use gort::sync::WaitGroup;

gort::main!(main);

fn main() {
    const K: u64 = 50_000;
    const P: u64 = 4;
    let a = gort::chan::<u64>(0);
    let wg = Arc::new(WaitGroup::new());
    let got = Arc::new(AtomicU64::new(0));
    wg.add(2 * P as i32);
    for _ in 0..P {
        let (a, wg) = (a.clone(), wg.clone());
        gort::go(move || {
            for i in 0..K {
                a.send(i);
            }
            wg.done();
        });
    }
    for _ in 0..P {
        let (a, wg, got) = (a.clone(), wg.clone(), got.clone());
        gort::go(move || {
            for _ in 0..K {
                gort::select! {
                    recv(a) -> _v => {},
                    recv(a) -> _v => {},
                }
                got.fetch_add(1, Ordering::Relaxed);
            }
            wg.done();
        });
    }
    wg.wait();
    gort::println!("received={}", got.load(Ordering::Relaxed));
}
