//! Memory statistics: `gort::read_memstats`, Go's runtime.ReadMemStats
//! (mstats.go), with the fields a program without a collector has.

use core::sync::atomic::Ordering;

use crate::mcache::{CacheStats, NOP_CACHE};
use crate::mheap::HEAP;
use crate::proc::with_world_stopped;
use crate::runtime2::allp;
use crate::stack::{STACK_INUSE, STACK_SYS};

/// A snapshot of the memory manager, in bytes unless named otherwise.
/// The field names are Go's (runtime.MemStats), in Rust's case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemStats {
    /// Bytes of live heap objects: small ones at their class size (a
    /// block of tiny objects counts 16 while any lives), large ones in
    /// whole 8 KiB pages.
    pub heap_alloc: u64,
    /// Address space reserved for the heap (64 MiB arenas).
    pub heap_sys: u64,
    /// Heap pages in no span in use: heap_sys - heap_inuse.
    pub heap_idle: u64,
    /// Pages in spans in use, including the free slots of small-object
    /// spans.
    pub heap_inuse: u64,
    /// Idle pages that cost no memory: given back to the OS by the
    /// scavenger, or never touched.
    pub heap_released: u64,
    /// Live objects: mallocs - frees.
    pub heap_objects: u64,
    /// Goroutine stacks handed out, and the stack arenas reserved.
    pub stack_inuse: u64,
    pub stack_sys: u64,
    /// Objects allocated and freed since start-up (tiny ones one by one).
    pub mallocs: u64,
    pub frees: u64,
    /// Spans in use (small-object spans and large objects).
    pub spans_inuse: u64,
    /// Bytes of span structures in use, and mapped for them.
    pub mspan_inuse: u64,
    pub mspan_sys: u64,
    /// The heap's page maps and other runtime structures.
    pub other_sys: u64,
    /// Everything above mapped from the OS: heap_sys + stack_sys +
    /// mspan_sys + other_sys.
    pub sys: u64,
}

/// Fills in the memory statistics (Go's runtime.ReadMemStats). Like Go's,
/// it stops the world for a moment so that the counters of every P are
/// read at one instant: heap_objects (mallocs - frees) is then the number
/// of live objects, give or take what an M without a P (sysmon) allocates
/// meanwhile.
pub fn read_memstats() -> MemStats {
    let mut m = MemStats::default();
    with_world_stopped(|procs| {
        let mut small = CacheStats::default();
        for &pp in &allp().ps {
            // SAFETY: the world is stopped: no M uses a P's cache.
            small.add(unsafe { &(*pp).mcache.stats });
        }
        small.add(&NOP_CACHE.lock().stats);
        let h = HEAP.lock().counters;
        m.mallocs = small.nmalloc + h.large_nmalloc;
        m.frees = small.nfree + h.large_nfree;
        m.heap_objects = m.mallocs - m.frees;
        m.heap_alloc = (small.alloc_bytes as u64).wrapping_add(h.large_alloc as u64);
        m.heap_sys = h.sys as u64;
        m.heap_inuse = h.inuse as u64;
        m.heap_idle = (h.sys - h.inuse) as u64;
        m.heap_released = h.released as u64;
        m.spans_inuse = h.nspans as u64;
        m.mspan_inuse = h.mspan_inuse as u64;
        m.mspan_sys = h.mspan_sys as u64;
        m.other_sys = h.pagemap_sys as u64;
        m.stack_inuse = STACK_INUSE.load(Ordering::Relaxed) as u64;
        m.stack_sys = STACK_SYS.load(Ordering::Relaxed) as u64;
        m.sys = m.heap_sys + m.stack_sys + m.mspan_sys + m.other_sys;
        procs
    });
    m
}
