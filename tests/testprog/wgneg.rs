//! Test program: Done on a WaitGroup at zero panics, as Go's does.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    let wg = gort::sync::WaitGroup::new();
    wg.add(1);
    wg.done();
    wg.done();
}
