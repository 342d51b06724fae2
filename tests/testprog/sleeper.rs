//! Test program: prints `ready`, sleeps for the milliseconds its argument
//! gives (default 10 s), prints `done`. The signal tests send it signals.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    let ms = gort::args()
        .get(1)
        .and_then(|a| core::str::from_utf8(a).ok()?.parse().ok())
        .unwrap_or(10_000);
    gort::println!("ready");
    gort::sleep(core::time::Duration::from_millis(ms));
    gort::println!("done");
}
