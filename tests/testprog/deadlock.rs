//! Test program: main waits on a WaitGroup nobody will finish, and another
//! goroutine parks forever. Every goroutine is asleep: Go's deadlock
//! report, listing both with their wait reasons, exit 2.
#![no_std]
#![no_main]

use gort::sync::WaitGroup;

gort::main!(main);

static WG: WaitGroup = WaitGroup::new();

fn main() {
    WG.add(1);
    gort::go(|| gort::select! {});
    WG.wait();
}
