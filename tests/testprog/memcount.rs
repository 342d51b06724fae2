//! Test program: the statistics count exactly. Allocates 1000 objects of
//! each of four kinds (tiny, small, one just under 32 KiB, large), reads
//! the statistics with all of them alive, frees them, reads again, and
//! prints the differences from the first reading as `kind mallocs frees
//! objects heap_alloc` lines.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::alloc::{Layout, alloc, dealloc};

gort::main!(main);

const N: usize = 1000;

fn main() {
    // Keep the pointers outside the heap so the counts are only the
    // objects under test.
    static mut PTRS: [*mut u8; N] = [core::ptr::null_mut(); N];
    for (name, size) in [("tiny", 8usize), ("small", 100), ("class67", 32 << 10), ("large", 40 << 10)] {
        let layout = Layout::from_size_align(size, 8).unwrap();
        let m0 = gort::read_memstats();
        for i in 0..N {
            // SAFETY: a valid layout; PTRS is only touched here, by one
            // goroutine.
            unsafe { PTRS[i] = alloc(layout) };
        }
        let m1 = gort::read_memstats();
        for i in 0..N {
            // SAFETY: each pointer was allocated above with this layout.
            unsafe { dealloc(PTRS[i], layout) };
        }
        let m2 = gort::read_memstats();
        gort::println!(
            "{name} alive: mallocs={} frees={} objects={} heap_alloc={}",
            m1.mallocs - m0.mallocs,
            m1.frees - m0.frees,
            m1.heap_objects as i64 - m0.heap_objects as i64,
            m1.heap_alloc as i64 - m0.heap_alloc as i64
        );
        gort::println!(
            "{name} freed: mallocs={} frees={} objects={} heap_alloc={}",
            m2.mallocs - m0.mallocs,
            m2.frees - m0.frees,
            m2.heap_objects as i64 - m0.heap_objects as i64,
            m2.heap_alloc as i64 - m0.heap_alloc as i64
        );
    }
}
