//! mallocinit and the heap behind `alloc` (Box, Vec, String): Go's
//! allocator (malloc.go), without the garbage collector, since Rust frees
//! explicitly.
//!
//! The pieces, each in its own file, from the top down:
//! - size classes (sizeclasses.rs): small requests, up to 32 KiB, round
//!   up to one of 67 sizes;
//! - mcache (mcache.rs): each P's free objects per class, used without a
//!   lock; tiny requests (under 16 bytes) share 16-byte blocks;
//! - mcentral (mcentral.rs): per class, the spans with free objects,
//!   trading objects with the caches in batches;
//! - mheap (mheap.rs): pages, in spans, carved from 64 MiB arenas; large
//!   objects (over 32 KiB) get spans of their own;
//! - the scavenger (mgcscavenge.rs): gives idle free pages back to the
//!   OS;
//! - statistics (mstats.rs): `gort::read_memstats`.
//!
//! An allocation pins its M: `m.mallocing` is set while the M uses its
//! P's cache, so a reentrant allocation (a signal handler's) is caught
//! as Go catches it ("malloc deadlock") instead of corrupting the cache.
//! Ms without a P use one shared cache under a lock.
//!
//! It also keeps Go's inittrace accounting: while the init tasks run,
//! every allocation made by the goroutine running them is counted, at
//! its class size (16 for a tiny one, Go's maxTinySize), as Go counts.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::mcache::{MCache, NOP_CACHE, TINY_BLOCK, TINY_SIZE};
use crate::mcentral::elemsize;
use crate::mheap::{HEAP, MAX_PAGES, SpanState, alloc_span_or_throw, span_of};
use crate::panic::throw;
use crate::proc::getm;
use crate::sizeclasses::{PAGE_SHIFT, PAGE_SIZE, npages_for, size_to_class};

/// Go's inittrace counters: allocations by goroutine `goid` while `active`.
pub struct InitTrace {
    pub active: AtomicBool,
    pub goid: AtomicU64,
    pub allocs: AtomicU64,
    pub bytes: AtomicU64,
}

pub static INITTRACE: InitTrace = InitTrace {
    active: AtomicBool::new(false),
    goid: AtomicU64::new(0),
    allocs: AtomicU64::new(0),
    bytes: AtomicU64::new(0),
};

/// Go's mallocinit: reserve the first arena, so the heap is ready before
/// goargs and a machine that cannot give 64 MiB of address space fails
/// here, with Go's message.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn mallocinit() {
    let (mut h, s, _) = alloc_span_or_throw(HEAP.lock(), 1, PAGE_SIZE, false);
    // SAFETY: the span was just made and is unused.
    unsafe { h.free_span(s, 0) };
}

/// How a request is served.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Packed into a 16-byte block.
    Tiny,
    /// An object of this span class.
    Small(usize),
    /// A span of its own.
    Large,
}

#[inline(always)]
fn kind(layout: Layout) -> Kind {
    if layout.size() < TINY_SIZE && layout.align() <= 8 {
        return Kind::Tiny;
    }
    match size_to_class(layout.size(), layout.align()) {
        0 => Kind::Large,
        c => Kind::Small(c),
    }
}

/// Runs `f` on the current P's cache, with the M pinned, or on the shared
/// cache of P-less Ms.
#[inline(always)]
fn with_mcache<R>(f: impl FnOnce(&mut MCache) -> R) -> R {
    let mp = getm();
    // SAFETY: mp is this thread's M; mallocing and p are its own, and the
    // P it holds is its alone until it lets go, which it cannot do while
    // allocating (no scheduling happens in here).
    unsafe {
        if (*mp).mallocing {
            (*mp).mallocing = false;
            throw("malloc deadlock");
        }
        (*mp).mallocing = true;
        let pp = (*mp).p;
        let mut nop = if pp.is_null() { Some(NOP_CACHE.lock()) } else { None };
        let c = match &mut nop {
            Some(guard) => &mut **guard,
            None => &mut (*pp).mcache,
        };
        let r = f(c);
        drop(nop);
        (*mp).mallocing = false;
        r
    }
}

/// The heap every gort program allocates from; `gort::main!` installs it
/// as the #[global_allocator].
pub struct Heap;

// SAFETY: alloc returns memory of at least layout.size() bytes aligned to
// layout.align() that no one else uses until it is passed to dealloc with
// the same layout: small objects are class-sized slots of spans, which
// start on a page, in classes whose size is a multiple of the alignment;
// tiny objects are carved aligned from blocks no other cache carves;
// large objects are spans of their own.
unsafe impl GlobalAlloc for Heap {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        mallocgc(layout, false)
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        mallocgc(layout, true)
    }

    #[inline]
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        match kind(layout) {
            // SAFETY: the caller frees a live object it allocated with
            // this layout, hence of this kind and class.
            Kind::Tiny => with_mcache(|c| unsafe { c.tiny_free(p) }),
            Kind::Small(spc) => with_mcache(|c| unsafe { c.free(spc, p) }),
            Kind::Large => free_large(p),
        }
    }

    #[inline]
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller keeps GlobalAlloc::realloc's contract.
        unsafe { realloc(p, layout, new_size) }
    }
}

/// GlobalAlloc::realloc, out of line (every Vec's growth path calls it):
/// the same slot if the new size rounds to the same class or pages, else
/// a new object and a copy.
///
/// # Safety
/// GlobalAlloc::realloc's contract.
#[inline(never)]
unsafe fn realloc(p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
    // SAFETY: the caller's layout is valid and new_size, rounded to the
    // alignment, does not overflow isize (GlobalAlloc's contract).
    let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
    let same = match (kind(layout), kind(new)) {
        (Kind::Small(a), Kind::Small(b)) => a == b,
        (Kind::Large, Kind::Large) => npages_for(layout.size()) == npages_for(new_size),
        _ => false,
    };
    if same {
        return p; // the slot already fits
    }
    // SAFETY: as GlobalAlloc::realloc's default. (Through alloc's entry
    // points, not inlined a second time.)
    unsafe {
        let q = alloc::alloc::alloc(new);
        if !q.is_null() {
            ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
            alloc::alloc::dealloc(p, layout);
        }
        q
    }
}

/// Go's mallocgc: an object for `layout`, zeroed if asked. Null (Rust's
/// "allocation failed", which panics with the size) only for a request
/// larger than the heap can ever be; running out of memory is fatal.
#[inline(always)]
fn mallocgc(layout: Layout, zero: bool) -> *mut u8 {
    let (p, size) = match kind(layout) {
        Kind::Tiny => (with_mcache(|c| c.tiny_alloc(layout.size(), layout.align())), TINY_BLOCK),
        Kind::Small(spc) => (with_mcache(|c| c.alloc(spc)), elemsize(spc)),
        Kind::Large => return alloc_large(layout, zero),
    };
    if zero {
        // SAFETY: p is a fresh object of at least layout.size() bytes.
        unsafe { ptr::write_bytes(p, 0, layout.size()) };
    }
    account(size);
    p
}

/// A large object: a span of its own, straight from the heap.
#[cold]
fn alloc_large(layout: Layout, zero: bool) -> *mut u8 {
    let align = layout.align().max(PAGE_SIZE);
    // The span may need up to align - 1 more pages to start aligned.
    let npages = match npages_for(layout.size()) {
        Some(n) if n + (align >> PAGE_SHIFT) - 1 <= MAX_PAGES => n,
        _ => return ptr::null_mut(),
    };
    let (mut h, s, dirty) = alloc_span_or_throw(HEAP.lock(), npages, align, false);
    h.counters.large_nmalloc += 1;
    h.counters.large_alloc += npages << PAGE_SHIFT;
    drop(h);
    // SAFETY: the span is ours; its pages are mapped heap memory.
    let p = unsafe { (*s).base } as *mut u8;
    if zero && dirty {
        // SAFETY: as above; untouched pages already read as zero.
        unsafe { ptr::write_bytes(p, 0, layout.size()) };
    }
    account(npages << PAGE_SHIFT);
    p
}

#[cold]
fn free_large(p: *mut u8) {
    let s = span_of(p as usize);
    let mut h = HEAP.lock();
    // SAFETY: a live large object is the base of an in-use span, whose
    // page map entry is s; the span is ours under the heap lock.
    unsafe {
        if s.is_null() || (*s).state != SpanState::InUse || (*s).spanclass != 0 || (*s).base != p as usize {
            drop(h);
            throw("free: not the start of a large object");
        }
        h.counters.large_nfree += 1;
        h.counters.large_alloc -= (*s).bytes();
        h.free_span(s, crate::time::nanotime());
    }
}

/// Counts an allocation for inittrace if it is the init goroutine's.
#[inline(always)]
fn account(bytes: usize) {
    let t = &INITTRACE;
    if t.active.load(Ordering::Relaxed) && crate::proc::curgoid() == t.goid.load(Ordering::Relaxed) {
        t.allocs.fetch_add(1, Ordering::Relaxed);
        t.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}
