//! Test program: keeps allocating and touching 1 MiB buffers, never
//! freeing them. Under `ulimit -v` the heap cannot grow past the limit:
//! the program must die with Go's `fatal error: out of memory` (exit 2).
//! With the argument `huge`, it asks for one buffer larger than the heap
//! can ever be, and with `bigalign` for 8 KiB aligned to 1 TiB: Rust
//! reports either as a panic.
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
    if gort::args().get(1).is_some_and(|a| a == b"bigalign") {
        // Small, but aligned past anything the heap can ever hold.
        let layout = core::alloc::Layout::from_size_align(8192, 1 << 40).unwrap();
        // SAFETY: a non-zero size.
        let p = core::hint::black_box(unsafe { alloc::alloc::alloc(layout) });
        if p.is_null() {
            alloc::alloc::handle_alloc_error(layout);
        }
        return;
    }
    let mut keep: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut v = Vec::with_capacity(1 << 20);
        v.resize(1 << 20, 1u8);
        keep.push(v);
    }
}
