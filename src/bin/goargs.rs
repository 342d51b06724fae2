//! goargs: a goroutine gets its arguments, 69 and 100, and prints their
//! sum while main sleeps for a second (Go's `go add(69, 100)`).
#![no_std]
#![no_main]

use core::time::Duration;

gort::main!(main);

fn add(a: i32, b: i32) {
    gort::println!("{}", a + b);
}

fn main() {
    let (a, b) = (69, 100);
    gort::go(move || add(a, b));
    gort::sleep(Duration::from_secs(1));
}
