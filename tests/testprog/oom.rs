//! Test program: keeps allocating and touching 1 MiB buffers, never
//! freeing them. Under `ulimit -v` the heap cannot grow past the limit:
//! the program must die with Go's `fatal error: out of memory` (exit 2).
//! With the argument `huge`, it asks for one buffer larger than the heap
//! can ever be, which Rust reports as a panic.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

gort::main!(main);

fn main() {
    if gort::args().get(1).is_some_and(|a| a == b"huge") {
        let v: Vec<u8> = Vec::with_capacity(1 << 50);
        core::hint::black_box(&v);
        return;
    }
    let mut keep: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut v = Vec::with_capacity(1 << 20);
        v.resize(1 << 20, 1u8);
        keep.push(v);
    }
}
