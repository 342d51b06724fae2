//! Test program: main waits to receive from a channel no one sends on,
//! and a goroutine waits to send on a channel no one receives from: Go's
//! deadlock report lists `[chan receive]` and `[chan send]`, exit 2.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    let (a, b) = (gort::chan::<i32>(0), gort::chan::<i32>(0));
    gort::go(move || b.send(1));
    a.recv();
}
