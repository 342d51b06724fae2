//! Test program: with one P, a goroutine spawns goroutines in a loop that
//! never blocks. sysmon asks it to yield after 10 ms, and it does at its
//! next `go`, so main's sleep ends and main gets to print and exit.
#![no_std]
#![no_main]

use core::time::Duration;

gort::main!(main);

fn main() {
    gort::go(|| loop {
        gort::go(|| {});
    });
    gort::sleep(Duration::from_millis(50));
    gort::println!("main ran");
}
