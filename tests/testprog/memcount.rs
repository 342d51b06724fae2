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
        show(name, "alive", &m0, &m1);
        show(name, "freed", &m0, &m2);
    }
}

/// One line: how the counters moved from `a` to `b`.
fn show(name: &str, when: &str, a: &gort::MemStats, b: &gort::MemStats) {
    gort::println!(
        "{name} {when}: mallocs={} frees={} objects={} heap_alloc={}",
        b.mallocs - a.mallocs,
        b.frees - a.frees,
        b.heap_objects as i64 - a.heap_objects as i64,
        b.heap_alloc as i64 - a.heap_alloc as i64
    );
}
