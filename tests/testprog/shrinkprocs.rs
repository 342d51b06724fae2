//! Test program: eight times, GOMAXPROCS goes to 4 and a goroutine (most
//! likely running on another P than main's, since main holds P0 busy
//! meanwhile) sets it back to 1, retiring the P it runs on. Then the heap
//! counters must still balance: prints `objects=N` (live objects gained
//! over the eight rounds) and `frees<=mallocs=true`.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicBool, Ordering};

gort::main!(main);

static DONE: AtomicBool = AtomicBool::new(false);

fn main() {
    let m0 = gort::read_memstats();
    for _ in 0..8 {
        gort::gomaxprocs(4);
        DONE.store(false, Ordering::SeqCst);
        gort::go(|| {
            gort::gomaxprocs(1);
            DONE.store(true, Ordering::SeqCst);
        });
        // Keep P0 busy so another P takes the goroutine.
        let t = gort::nanotime();
        while gort::nanotime() - t < 20_000_000 {
            core::hint::spin_loop();
        }
        while !DONE.load(Ordering::SeqCst) {
            gort::gosched();
        }
    }
    let m1 = gort::read_memstats();
    gort::println!("objects={}", m1.heap_objects as i64 - m0.heap_objects as i64);
    gort::println!("frees<=mallocs={}", m1.frees <= m1.mallocs);
}
