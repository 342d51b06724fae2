//! Test program: 8 producer goroutines allocate buffers of random sizes
//! from 1 byte to 1 MiB and random alignments, fill each with a pattern
//! of its own, and either check and free it themselves or send it to one
//! of 4 consumer goroutines that check and free it, very likely on
//! another P. Any buffer whose bytes changed while it lived, any
//! misaligned buffer, or a count that does not balance prints a line
//! starting `BAD`; otherwise the program prints `ok buffers=N`.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::alloc::{Layout, alloc, dealloc};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};
use gort::sync::WaitGroup;

gort::main!(main);

const PRODUCERS: u64 = 8;
const CONSUMERS: usize = 4;
const PER_PRODUCER: u64 = 4000;
/// Buffers each producer keeps alive at once.
const WINDOW: usize = 48;

/// A buffer from the global allocator, filled from `seed`.
struct Buf {
    p: *mut u8,
    layout: Layout,
    seed: u64,
}

// SAFETY: a Buf owns its memory outright.
unsafe impl Send for Buf {}

fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

/// The byte at offset i of a buffer filled from seed.
fn pattern(seed: u64, i: usize) -> u8 {
    (seed.wrapping_mul(31).wrapping_add(i as u64 * 7) >> 3) as u8
}

impl Buf {
    fn new(rng: &mut u64) -> Buf {
        // Log-uniform sizes: as many tiny as huge.
        let shift = xorshift(rng) % 21;
        let size = 1 + (xorshift(rng) % (1u64 << shift)) as usize;
        let align = 1usize << (xorshift(rng) % 13).min(if xorshift(rng) % 8 == 0 { 12 } else { 3 });
        let layout = Layout::from_size_align(size, align).unwrap();
        let seed = xorshift(rng);
        // SAFETY: the layout has a non-zero size.
        let p = unsafe { alloc(layout) };
        if p.is_null() {
            gort::println!("BAD: allocation of {size} bytes failed");
        }
        if p as usize % align != 0 {
            gort::println!("BAD: {p:p} is not aligned to {align}");
        }
        for i in 0..size {
            // SAFETY: p has size bytes.
            unsafe { *p.add(i) = pattern(seed, i) };
        }
        Buf { p, layout, seed }
    }

    fn check_and_free(self) {
        for i in 0..self.layout.size() {
            // SAFETY: p has size bytes.
            let b = unsafe { *self.p.add(i) };
            if b != pattern(self.seed, i) {
                gort::println!("BAD: byte {i} of a {}-byte buffer changed", self.layout.size());
                break;
            }
        }
        // SAFETY: allocated with this layout and freed once.
        unsafe { dealloc(self.p, self.layout) };
    }
}

fn main() {
    let before = gort::read_memstats();
    let c = gort::chan::<Buf>(16);
    let freed = Arc::new(AtomicU64::new(0));
    let producers = Arc::new(WaitGroup::new());
    let consumers = Arc::new(WaitGroup::new());
    producers.add(PRODUCERS as i32);
    consumers.add(CONSUMERS as i32);
    for w in 0..PRODUCERS {
        let (c, wg, freed) = (c.clone(), producers.clone(), freed.clone());
        gort::go(move || {
            let mut rng = 0x9e37_79b9_7f4a_7c15 ^ (w + 1);
            let mut live: Vec<Buf> = Vec::with_capacity(WINDOW);
            for _ in 0..PER_PRODUCER {
                if live.len() == WINDOW {
                    let b = live.swap_remove((xorshift(&mut rng) % WINDOW as u64) as usize);
                    if xorshift(&mut rng) % 2 == 0 {
                        c.send(b);
                    } else {
                        b.check_and_free();
                        freed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                live.push(Buf::new(&mut rng));
            }
            for b in live {
                b.check_and_free();
                freed.fetch_add(1, Ordering::Relaxed);
            }
            wg.done();
        });
    }
    for _ in 0..CONSUMERS {
        let (c, wg, freed) = (c.clone(), consumers.clone(), freed.clone());
        gort::go(move || {
            while let Some(b) = c.recv() {
                b.check_and_free();
                freed.fetch_add(1, Ordering::Relaxed);
            }
            wg.done();
        });
    }
    producers.wait();
    c.close();
    consumers.wait();
    let n = freed.load(Ordering::Relaxed);
    if n != PRODUCERS * PER_PRODUCER {
        gort::println!("BAD: freed {n} buffers");
    }
    let after = gort::read_memstats();
    if after.mallocs - before.mallocs < n || after.frees - before.frees < n {
        gort::println!("BAD: counters did not see the buffers: {before:?} {after:?}");
    }
    // Every buffer is freed: what is left over is the runtime's own (new
    // Ms, the channel, the counters), a few dozen objects at most.
    if after.heap_objects > before.heap_objects + 64 {
        gort::println!("BAD: {} objects more than before: {before:?} {after:?}", after.heap_objects - before.heap_objects);
    }
    gort::println!("ok buffers={n}");
}
