//! Test program: a goroutine panics while main sleeps for a second. The
//! process reports the panic, with `created by`, and exits 2 at once.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    gort::go(|| panic!("boom in a goroutine"));
    gort::sleep(core::time::Duration::from_secs(1));
    gort::println!("main woke: too late");
}
