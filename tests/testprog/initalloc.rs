//! Test program: package "heap" allocates in its init, main does not;
//! GODEBUG=inittrace=1 must count exactly heap's allocations, at their
//! size-class sizes, and nothing main does after init.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;

gort::init!(HEAP = "heap", imports [], inits [init]);
gort::init!(MAIN = "main", imports [&HEAP], inits []);
gort::main!(main, init = MAIN);

fn init() {
    // 100 bytes round up to the 112-byte class; a u64 is tiny, counted as
    // its 16-byte block.
    let v: Vec<u8> = Vec::with_capacity(100);
    let b = Box::new(7u64);
    core::hint::black_box((&v, &b));
}

fn main() {
    let v: Vec<u8> = Vec::with_capacity(4000);
    core::hint::black_box(&v);
}
