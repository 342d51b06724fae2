//! alloc: the cost of an allocation and its free, on gort's heap and, in
//! the same binary, on dlmalloc behind a spin lock (a good single-lock
//! allocator, for scale).
//!
//! Four workloads, each N operations (default 1,000,000; the first
//! argument overrides N):
//! - `small-serial`: main allocates and at once frees objects of 16, 32,
//!   ..., 256 bytes in a fixed scattered order, writing one byte of each;
//! - `small-parallel`: the same split over 8 goroutines;
//! - `mixed-serial`: main keeps 64 objects alive; each operation frees a
//!   random one and allocates a random size in its place, from 8 bytes to
//!   32 KiB, log-uniform (as many 8-16 byte objects as 16-32 KiB ones);
//! - `mixed-parallel`: the same split over 8 goroutines, each with its
//!   own 64.
//!
//! ns_per_op is wall time / N: one allocation plus one free. Each
//! workload prints one line per allocator:
//! `bench=alloc gomaxprocs=P n=N ns_per_op=X workload=W allocator=A`.
#![no_std]
#![no_main]
extern crate alloc;
gort::main!(main);

#[path = "args.rs"]
mod args;

use core::alloc::Layout;
use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicBool, Ordering};

use gort::sync::WaitGroup;

/// Goroutines in the parallel workloads.
const WORKERS: i32 = 8;
/// Objects each mixed worker keeps alive.
const WINDOW: usize = 64;

/// An allocator under test.
trait Allocator: Sync {
    fn alloc(&self, layout: Layout) -> *mut u8;
    /// # Safety
    /// `p` came from `alloc(layout)` and is freed once.
    unsafe fn free(&self, p: *mut u8, layout: Layout);
}

/// gort's heap, as every Box and Vec uses it.
struct Gort;

impl Allocator for Gort {
    fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: layouts here have non-zero sizes.
        unsafe { alloc::alloc::alloc(layout) }
    }
    unsafe fn free(&self, p: *mut u8, layout: Layout) {
        // SAFETY: per the contract.
        unsafe { alloc::alloc::dealloc(p, layout) }
    }
}

/// dlmalloc behind a spin lock, its memory mapped with mmap.
struct SpinDlmalloc {
    locked: AtomicBool,
    heap: UnsafeCell<dlmalloc::Dlmalloc<Mmap>>,
}

// SAFETY: the heap is only reached with `locked` held.
unsafe impl Sync for SpinDlmalloc {}

impl SpinDlmalloc {
    fn with<R>(&self, f: impl FnOnce(&mut dlmalloc::Dlmalloc<Mmap>) -> R) -> R {
        while self.locked.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        // SAFETY: we hold the lock.
        let r = f(unsafe { &mut *self.heap.get() });
        self.locked.store(false, Ordering::Release);
        r
    }
}

impl Allocator for SpinDlmalloc {
    fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: a non-zero size and a power-of-two alignment.
        self.with(|h| unsafe { h.malloc(layout.size(), layout.align()) })
    }
    unsafe fn free(&self, p: *mut u8, layout: Layout) {
        // SAFETY: per the contract.
        self.with(|h| unsafe { h.free(p, layout.size(), layout.align()) })
    }
}

/// dlmalloc's system allocator: anonymous mappings.
struct Mmap;

// SAFETY: alloc returns fresh zeroed mappings and free unmaps only them.
unsafe impl dlmalloc::Allocator for Mmap {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        use rustix::mm::{MapFlags, ProtFlags, mmap_anonymous};
        // SAFETY: a new mapping aliases nothing.
        match unsafe { mmap_anonymous(ptr::null_mut(), size, ProtFlags::READ | ProtFlags::WRITE, MapFlags::PRIVATE) } {
            Ok(p) => (p.cast(), size, 0),
            Err(_) => (ptr::null_mut(), 0, 0),
        }
    }
    fn remap(&self, _: *mut u8, _: usize, _: usize, _: bool) -> *mut u8 {
        ptr::null_mut()
    }
    fn free_part(&self, _: *mut u8, _: usize, _: usize) -> bool {
        false
    }
    fn free(&self, p: *mut u8, size: usize) -> bool {
        // SAFETY: dlmalloc frees only regions alloc gave it.
        unsafe { rustix::mm::munmap(p.cast(), size) }.is_ok()
    }
    fn can_release_part(&self, _: u32) -> bool {
        false
    }
    fn allocates_zeros(&self) -> bool {
        true
    }
    fn page_size(&self) -> usize {
        4096
    }
}

static DLMALLOC: SpinDlmalloc =
    SpinDlmalloc { locked: AtomicBool::new(false), heap: UnsafeCell::new(dlmalloc::Dlmalloc::new_with_allocator(Mmap)) };

fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

/// `n` allocate-write-free pairs of 16..=256 bytes.
fn small(a: &dyn Allocator, n: i32) {
    for i in 0..n {
        let size = 16 + (i as usize * 7 % 16) * 16;
        let layout = Layout::from_size_align(size, 8).unwrap();
        let p = a.alloc(layout);
        // SAFETY: p has size bytes; freed once, with its layout.
        unsafe {
            p.write_volatile(1);
            a.free(p, layout);
        }
    }
}

/// `n` replacements in a window of WINDOW live objects.
fn mixed(a: &dyn Allocator, n: i32, seed: u64) {
    let mut rng = seed | 1;
    let mut live: [(*mut u8, Layout); WINDOW] = [(ptr::null_mut(), Layout::new::<u8>()); WINDOW];
    for _ in 0..n {
        let slot = &mut live[(xorshift(&mut rng) % WINDOW as u64) as usize];
        if !slot.0.is_null() {
            // SAFETY: allocated below with this layout, freed once.
            unsafe { a.free(slot.0, slot.1) };
        }
        let shift = xorshift(&mut rng) % 12; // 8 B << 0..=11: up to 32 KiB
        let size = (8 << shift) + (xorshift(&mut rng) % (8 << shift)) as usize;
        let layout = Layout::from_size_align(size.min(32 << 10), 8).unwrap();
        let p = a.alloc(layout);
        // SAFETY: p has at least one byte.
        unsafe { p.write_volatile(1) };
        *slot = (p, layout);
    }
    for (p, layout) in live {
        if !p.is_null() {
            // SAFETY: as above.
            unsafe { a.free(p, layout) };
        }
    }
}

static WG: WaitGroup = WaitGroup::new();

/// Runs `work` as one goroutine's n operations or split over WORKERS, and
/// prints the line.
fn measure(workload: &str, allocator: &str, a: &'static dyn Allocator, n: i32, work: fn(&dyn Allocator, i32, u64)) {
    let parallel = workload.ends_with("parallel");
    let t0 = gort::nanotime();
    if parallel {
        WG.add(WORKERS);
        for w in 0..WORKERS {
            gort::go(move || {
                work(a, n / WORKERS, w as u64 + 1);
                WG.done();
            });
        }
        WG.wait();
    } else {
        work(a, n, 1);
    }
    let total = gort::nanotime() - t0;
    gort::println!(
        "bench=alloc gomaxprocs={} n={n} ns_per_op={:.1} workload={workload} allocator={allocator}",
        gort::gomaxprocs(0),
        total as f64 / f64::from(n)
    );
}

fn main() {
    let n = args::arg_n("alloc", 1_000_000);
    let allocators: [(&str, &'static dyn Allocator); 2] = [("gort", &Gort), ("dlmalloc", &DLMALLOC)];
    let workloads: [(&str, fn(&dyn Allocator, i32, u64)); 4] = [
        ("small-serial", |a, n, _| small(a, n)),
        ("small-parallel", |a, n, _| small(a, n)),
        ("mixed-serial", mixed),
        ("mixed-parallel", mixed),
    ];
    for (workload, work) in workloads {
        for (name, a) in allocators {
            measure(workload, name, a, n, work);
        }
    }
}
