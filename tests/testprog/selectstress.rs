//! Test program: producers send 1..=K, each value through whichever of
//! two unbuffered channels a select picks; consumers select over both.
//! Once the producers are done both channels close and the consumers
//! stop. Prints `sum=ok` if nothing was lost or doubled.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};
use gort::sync::WaitGroup;

gort::main!(main);

fn main() {
    const P: u64 = 6;
    const C: usize = 4;
    const K: u64 = 5_000;
    let (a, b) = (gort::chan::<u64>(0), gort::chan::<u64>(0));
    let total = Arc::new(AtomicU64::new(0));
    let (producers, consumers) = (Arc::new(WaitGroup::new()), Arc::new(WaitGroup::new()));
    producers.add(P as i32);
    consumers.add(C as i32);
    for _ in 0..P {
        let (a, b, wg) = (a.clone(), b.clone(), producers.clone());
        gort::go(move || {
            for v in 1..=K {
                gort::select! {
                    send(a, v) => {},
                    send(b, v) => {},
                }
            }
            wg.done();
        });
    }
    for _ in 0..C {
        let (a, b, wg, total) = (a.clone(), b.clone(), consumers.clone(), total.clone());
        gort::go(move || {
            loop {
                let v = gort::select! {
                    recv(a) -> v => { v },
                    recv(b) -> v => { v },
                };
                match v {
                    Some(v) => total.fetch_add(v, Ordering::Relaxed),
                    None => break,
                };
            }
            wg.done();
        });
    }
    producers.wait();
    a.close();
    b.close();
    consumers.wait();
    let ok = total.load(Ordering::Relaxed) == P * K * (K + 1) / 2;
    gort::println!("sum={}", if ok { "ok" } else { "WRONG" });
}
