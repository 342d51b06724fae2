//! Test program: two goroutines change GOMAXPROCS over and over at the
//! same time while others yield. Stops of the world must take turns.
//! Prints `done gomaxprocs=N`.
#![no_std]
#![no_main]

use gort::sync::WaitGroup;

gort::main!(main);

static WG: WaitGroup = WaitGroup::new();

fn main() {
    WG.add(2 + 16);
    for k in 0..2 {
        gort::go(move || {
            for i in 0..200 {
                gort::gomaxprocs(1 + (i + k) % 4);
                gort::gosched();
            }
            WG.done();
        });
    }
    for _ in 0..16 {
        gort::go(|| {
            for _ in 0..500 {
                gort::gosched();
            }
            WG.done();
        });
    }
    WG.wait();
    gort::gomaxprocs(3);
    gort::println!("done gomaxprocs={}", gort::gomaxprocs(0));
}
