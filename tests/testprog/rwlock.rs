//! Test program: writers keep two fields equal while readers check they
//! are, with yields inside both kinds of critical section. Prints
//! `torn=0 value=400 reads=800`.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering};
use gort::sync::{RwLock, WaitGroup};

gort::main!(main);

static PAIR: RwLock<(u64, u64)> = RwLock::new((0, 0));
static TORN: AtomicU32 = AtomicU32::new(0);
static READS: AtomicU32 = AtomicU32::new(0);
static WG: WaitGroup = WaitGroup::new();

fn main() {
    WG.add(4 + 8);
    for _ in 0..4 {
        gort::go(|| {
            for _ in 0..100 {
                let mut p = PAIR.write();
                p.0 += 1;
                gort::gosched();
                p.1 += 1;
            }
            WG.done();
        });
    }
    for _ in 0..8 {
        gort::go(|| {
            for _ in 0..100 {
                let p = PAIR.read();
                let a = p.0;
                gort::gosched();
                if p.1 != a {
                    TORN.fetch_add(1, Ordering::Relaxed);
                }
                READS.fetch_add(1, Ordering::Relaxed);
            }
            WG.done();
        });
    }
    WG.wait();
    let p = PAIR.read();
    gort::println!("torn={} value={} reads={}", TORN.load(Ordering::Relaxed), p.0, READS.load(Ordering::Relaxed));
}
