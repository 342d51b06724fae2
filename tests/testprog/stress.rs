//! Test program: many goroutines park and wake in every way the runtime
//! has (WaitGroup barriers, sleep, gosched, spawning from goroutines) and
//! add to a checksum. Prints `sum=S goroutines=G` where S must equal
//! the formula below and G (live goroutines once all have ended) must be 1.
//! Arguments: workers rounds.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;
use gort::sync::WaitGroup;

gort::main!(main);

fn arg(i: usize, default: u64) -> u64 {
    gort::args().get(i).and_then(|a| core::str::from_utf8(a).ok()?.parse().ok()).unwrap_or(default)
}

fn main() {
    let workers = arg(1, 200);
    let rounds = arg(2, 20);
    let sum = Arc::new(AtomicU64::new(0));
    for r in 0..rounds {
        let round = Arc::new(WaitGroup::new());
        round.add(workers as i32);
        for w in 0..workers {
            let (sum, round) = (sum.clone(), round.clone());
            gort::go(move || {
                match w % 4 {
                    0 => gort::gosched(),
                    1 => gort::sleep(Duration::from_micros(50 + w % 200)),
                    2 => {
                        // A child goroutine does the work; we wait for it.
                        let child = Arc::new(WaitGroup::new());
                        child.add(1);
                        let (c, s) = (child.clone(), sum.clone());
                        gort::go(move || {
                            s.fetch_add(1_000_000, Ordering::Relaxed);
                            c.done();
                        });
                        child.wait();
                    }
                    _ => {}
                }
                sum.fetch_add(r * workers + w, Ordering::Relaxed);
                round.done();
            });
        }
        round.wait();
    }
    // Children of the `w % 4 == 2` workers each added 1_000_000.
    let n = workers * rounds;
    let want = n * (n - 1) / 2 + (0..workers).filter(|w| w % 4 == 2).count() as u64 * rounds * 1_000_000;
    let got = sum.load(Ordering::Relaxed);
    // A worker's done() comes just before it exits: give the last ones a
    // moment to finish dying.
    for _ in 0..1000 {
        if gort::num_goroutine() == 1 {
            break;
        }
        gort::sleep(Duration::from_millis(1));
    }
    gort::println!("sum={} goroutines={}", if got == want { "ok" } else { "WRONG" }, gort::num_goroutine());
    if got != want {
        gort::eprintln!("stress: checksum {got}, want {want}");
        gort::exit(1);
    }
}
