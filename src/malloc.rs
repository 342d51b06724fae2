//! mallocinit and the heap behind `alloc` (Box, Vec, String).
//!
//! This is the boot-time allocator: simple and correct, not Go's design.
//! Small objects (up to 2 KiB) are rounded up to a power-of-two size
//! class; each class keeps a free list threaded through its free objects,
//! refilled by carving 256 KiB chunks mapped from the kernel. Large
//! objects get their own mapping and go back to the kernel when freed.
//! One lock guards it all. Go's size classes, per-P caches and scavenger
//! replace this in their own change.
//!
//! It also keeps Go's inittrace accounting: while the init tasks run,
//! every allocation made by the goroutine running them is counted, at
//! its rounded size, as Go counts.

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rustix::mm::{self, MapFlags, ProtFlags};

use crate::lock_futex::Mutex;
use crate::panic::throw;
use crate::stack::PAGE_SIZE;

/// The smallest class; also the alignment every small object gets.
const MIN_CLASS: usize = 16;
/// Classes 16, 32, ..., 2048.
const NCLASSES: usize = 8;
const MAX_SMALL: usize = MIN_CLASS << (NCLASSES - 1);
/// Bytes mapped at a time to carve small objects from.
const CHUNK: usize = 256 << 10;

/// A free small object: the link to the next one of its class.
struct FreeObj {
    next: *mut FreeObj,
}

struct HeapState {
    free: [*mut FreeObj; NCLASSES],
    /// The uncarved rest of the current chunk: [bump, bump_end).
    bump: usize,
    bump_end: usize,
}

// SAFETY: the raw pointers are addresses of heap memory, reached only
// under the lock.
unsafe impl Send for HeapState {}

static HEAP: Mutex<HeapState> = Mutex::new(HeapState { free: [ptr::null_mut(); NCLASSES], bump: 0, bump_end: 0 });

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

/// The size class index and rounded size of a small request.
fn size_class(size: usize, align: usize) -> Option<(usize, usize)> {
    let need = size.max(align).max(MIN_CLASS).next_power_of_two();
    if need > MAX_SMALL {
        return None;
    }
    Some(((need / MIN_CLASS).trailing_zeros() as usize, need))
}

/// Go's mallocinit: map the first chunk, so the heap is ready before goargs.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn mallocinit() {
    let mut h = HEAP.lock();
    refill(&mut h);
}

/// Maps a new chunk to carve small objects from.
fn refill(h: &mut HeapState) {
    let p = map(CHUNK);
    h.bump = p as usize;
    h.bump_end = p as usize + CHUNK;
}

/// Fresh zeroed pages from the kernel, or a fatal out-of-memory error.
fn map(len: usize) -> *mut c_void {
    // SAFETY: a new anonymous mapping at an address the kernel picks
    // aliases nothing.
    let r = unsafe { mm::mmap_anonymous(ptr::null_mut(), len, ProtFlags::READ | ProtFlags::WRITE, MapFlags::PRIVATE) };
    match r {
        Ok(p) => p,
        Err(_) => out_of_memory(),
    }
}

/// The kernel refused memory: Go's `fatal error: out of memory`.
pub fn out_of_memory() -> ! {
    throw("out of memory")
}

/// The heap every gort program allocates from; `gort::main!` installs it
/// as the #[global_allocator].
pub struct Heap;

// SAFETY: alloc returns memory of at least layout.size() bytes aligned to
// layout.align() that no one else uses until it is passed to dealloc with
// the same layout; see the two paths below.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (p, rounded) = match size_class(layout.size(), layout.align()) {
            Some((class, size)) => (alloc_small(class, size), size),
            None => alloc_large(layout),
        };
        account(rounded);
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        match size_class(layout.size(), layout.align()) {
            Some((class, _)) => {
                let mut h = HEAP.lock();
                let obj = p.cast::<FreeObj>();
                // SAFETY: p is a small object of this class that the
                // caller no longer uses; it is big enough for a link.
                unsafe { (*obj).next = h.free[class] };
                h.free[class] = obj;
            }
            None => {
                let len = large_len(layout);
                // SAFETY: p is exactly the mapping alloc_large made for
                // this layout, and the caller no longer uses it.
                if unsafe { mm::munmap(p.cast(), len) }.is_err() {
                    throw("free: munmap failed");
                }
            }
        }
    }
}

fn alloc_small(class: usize, size: usize) -> *mut u8 {
    let mut h = HEAP.lock();
    let obj = h.free[class];
    if !obj.is_null() {
        // SAFETY: objects on a free list are ours and hold a valid link.
        h.free[class] = unsafe { (*obj).next };
        return obj.cast();
    }
    // Carve from the chunk, aligned to the class size (a power of two).
    let mut start = h.bump.next_multiple_of(size);
    if start + size > h.bump_end {
        refill(&mut h);
        start = h.bump;
    }
    h.bump = start + size;
    start as *mut u8
}

/// Mapping length for a large object.
fn large_len(layout: Layout) -> usize {
    layout.size().next_multiple_of(PAGE_SIZE)
}

/// A large object: its own mapping, trimmed to the alignment it needs.
fn alloc_large(layout: Layout) -> (*mut u8, usize) {
    let len = large_len(layout);
    if layout.align() <= PAGE_SIZE {
        return (map(len).cast(), len);
    }
    // Over-map, then give back the head and tail that miss the alignment.
    let over = len + layout.align();
    let base = map(over) as usize;
    let start = base.next_multiple_of(layout.align());
    // SAFETY: both ranges lie inside the mapping just made and are unused.
    unsafe {
        if start > base {
            let _ = mm::munmap(base as *mut c_void, start - base);
        }
        let tail = base + over - (start + len);
        if tail > 0 {
            let _ = mm::munmap((start + len) as *mut c_void, tail);
        }
    }
    (start as *mut u8, len)
}

/// Counts an allocation for inittrace if it is the init goroutine's.
fn account(bytes: usize) {
    let t = &INITTRACE;
    if t.active.load(Ordering::Relaxed) && crate::proc::curgoid() == t.goid.load(Ordering::Relaxed) {
        t.allocs.fetch_add(1, Ordering::Relaxed);
        t.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_round_up_to_powers_of_two() {
        assert_eq!(size_class(1, 1), Some((0, 16)));
        assert_eq!(size_class(16, 8), Some((0, 16)));
        assert_eq!(size_class(17, 8), Some((1, 32)));
        assert_eq!(size_class(8, 64), Some((2, 64)));
        assert_eq!(size_class(2048, 8), Some((7, 2048)));
        assert_eq!(size_class(2049, 8), None);
        assert_eq!(size_class(8, 4096), None);
    }
}
