//! Test program: 64 goroutines each add to a counter 2000 times under a
//! sync::Mutex, yielding while they hold it. Prints `count=128000`.
#![no_std]
#![no_main]

use gort::sync::{Mutex, WaitGroup};

gort::main!(main);

static COUNT: Mutex<u64> = Mutex::new(0);
static WG: WaitGroup = WaitGroup::new();

fn main() {
    WG.add(64);
    for _ in 0..64 {
        gort::go(|| {
            for i in 0..2000 {
                let mut c = COUNT.lock();
                let v = *c;
                if i % 16 == 0 {
                    gort::gosched(); // others pile up on the lock meanwhile
                }
                *c = v + 1;
            }
            WG.done();
        });
    }
    WG.wait();
    gort::println!("count={}", *COUNT.lock());
}
