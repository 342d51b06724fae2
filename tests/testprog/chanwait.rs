//! Test program: a goroutine blocks forever receiving while main sleeps
//! 100 ms and returns. A pending timer is not a deadlock: exit 0.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    let c = gort::chan::<i32>(0);
    let r = c.clone();
    gort::go(move || {
        r.recv();
    });
    gort::sleep(core::time::Duration::from_millis(100));
    gort::println!("main done");
    drop(c);
}
