//! mcache: each P's own free objects (Go's mcache.go).
//!
//! A P allocates and frees small objects through its mcache without a
//! lock: only the M holding the P touches it, and the M stays pinned
//! while it does (`m.mallocing`, see malloc.rs). Per span class the cache
//! keeps a list of freed objects and a run of fresh (never used) ones,
//! refilled from the class's mcentral in a batch when both are empty, and
//! trims the list back by a batch when it holds twice that. Fresh objects
//! are handed out in address order without being touched before, so a
//! page is committed only when an object on it is first used.
//! A free goes to the freeing P's cache, whichever P allocated the
//! object; the batch brings it home to its span.
//!
//! Tiny objects (under 16 bytes, aligned to at most 8) share 16-byte
//! blocks, as in Go: the cache carves them one after another from its
//! current block. Go's collector frees a block once nothing points into
//! it; gort counts instead. Each block has a byte in the first 512 bytes
//! of its span holding its live objects plus one while it is some
//! cache's current block; whoever drops the count to zero frees the
//! block.

use core::ptr;
use core::sync::atomic::{AtomicU8, Ordering};

use crate::lock_futex::Mutex;
use crate::mcentral::{MCENTRAL, NUM_SPAN_CLASSES, elemsize};
use crate::sizeclasses::{CLASS_TO_BATCH, PAGE_SIZE};

/// Requests below this size, aligned to at most 8, are tiny.
pub const TINY_SIZE: usize = 16;
/// The block tiny objects are packed into.
pub const TINY_BLOCK: usize = 16;
/// The span class of tiny blocks (after the size classes).
pub const TINY_SPANCLASS: usize = NUM_SPAN_CLASSES - 1;

/// Bytes at the start of a tiny span holding its blocks' counts: one per
/// 16-byte block of the page, including themselves.
pub const fn tiny_refs_bytes() -> usize {
    PAGE_SIZE / TINY_BLOCK
}

/// The count of the tiny block at `block`.
///
/// # Safety
/// `block` is a tiny block that is live (has a count) or that the caller
/// just took from its span class, so its span stays in use meanwhile.
unsafe fn tiny_refs<'a>(block: usize) -> &'a AtomicU8 {
    let base = block & !(PAGE_SIZE - 1);
    // SAFETY: tiny spans are one page, page-aligned, and their first
    // bytes are the blocks' counts; per the contract the span is in use.
    unsafe { &*((base + (block - base) / TINY_BLOCK) as *const AtomicU8) }
}

/// A chain of free objects linked through their first word (Go's
/// gclinkptr lists).
pub struct FreeList {
    head: *mut u8,
    pub n: usize,
}

impl FreeList {
    pub const fn new() -> FreeList {
        FreeList { head: ptr::null_mut(), n: 0 }
    }

    /// # Safety
    /// `obj` is a free object of at least 8 bytes, aligned to 8, that no
    /// one else uses.
    #[inline]
    pub unsafe fn push(&mut self, obj: *mut u8) {
        // SAFETY: per the contract.
        unsafe { *obj.cast::<*mut u8>() = self.head };
        self.head = obj;
        self.n += 1;
    }

    #[inline]
    pub fn pop(&mut self) -> Option<*mut u8> {
        let obj = self.head;
        if obj.is_null() {
            return None;
        }
        // SAFETY: objects on the list are free and hold the link.
        self.head = unsafe { *obj.cast::<*mut u8>() };
        self.n -= 1;
        Some(obj)
    }

    /// Moves `n` objects from the front of this list to a new one.
    fn split(&mut self, n: usize) -> FreeList {
        let mut out = FreeList::new();
        for _ in 0..n {
            let Some(obj) = self.pop() else { break };
            // SAFETY: obj is free and was on our list.
            unsafe { out.push(obj) };
        }
        out
    }
}

/// A run of never-used objects of one class, handed out in order without
/// touching the rest: [next, end).
pub struct Fresh {
    pub next: usize,
    pub end: usize,
}

impl Fresh {
    pub const fn new() -> Fresh {
        Fresh { next: 0, end: 0 }
    }
}

/// Allocation counts, kept per cache and summed by read_memstats.
#[derive(Clone, Copy, Default)]
pub struct CacheStats {
    /// Objects allocated and freed (tiny objects one by one).
    pub nmalloc: u64,
    pub nfree: u64,
    /// Bytes of small objects handed out minus those returned, counted
    /// at class size (a tiny block counts 16 while it lives). Negative on
    /// a P that mostly frees what others allocated.
    pub alloc_bytes: i64,
}

impl CacheStats {
    pub fn add(&mut self, o: &CacheStats) {
        self.nmalloc += o.nmalloc;
        self.nfree += o.nfree;
        self.alloc_bytes += o.alloc_bytes;
    }
}

/// A P's cache. Used only by the M holding the P, with `m.mallocing`
/// set (or, for NOP_CACHE, under its lock); read by read_memstats with
/// the world stopped.
pub struct MCache {
    /// Per span class: freed objects, taken first, then fresh ones.
    lists: [FreeList; NUM_SPAN_CLASSES],
    fresh: [Fresh; NUM_SPAN_CLASSES],
    /// The current tiny block (0 if none) and the first free byte in it.
    tiny: usize,
    tinyoffset: usize,
    pub stats: CacheStats,
}

// SAFETY: the pointers are free heap objects that belong to the cache;
// a P's cache is used by one M at a time (the one holding the P, pinned),
// NOP_CACHE under its lock.
unsafe impl Send for MCache {}

impl MCache {
    pub const fn new() -> MCache {
        MCache {
            lists: [const { FreeList::new() }; NUM_SPAN_CLASSES],
            fresh: [const { Fresh::new() }; NUM_SPAN_CLASSES],
            tiny: 0, tinyoffset: 0, stats: CacheStats { nmalloc: 0, nfree: 0, alloc_bytes: 0 } }
    }

    /// An object of span class `spc` (Go's nextFreeFast, then refill).
    #[inline]
    pub fn alloc(&mut self, spc: usize) -> *mut u8 {
        let obj = self.take(spc);
        self.stats.nmalloc += 1;
        self.stats.alloc_bytes += elemsize(spc) as i64;
        obj
    }

    /// A free object of class `spc`: a freed one, else a fresh one, else
    /// a batch from the mcentral.
    #[inline]
    fn take(&mut self, spc: usize) -> *mut u8 {
        match self.lists[spc].pop() {
            Some(obj) => obj,
            None => self.take_fresh(spc),
        }
    }

    #[inline(never)]
    fn take_fresh(&mut self, spc: usize) -> *mut u8 {
        let fresh = &mut self.fresh[spc];
        if fresh.next == fresh.end {
            MCENTRAL[spc].refill(spc, &mut self.lists[spc], fresh, batch(spc));
            if let Some(obj) = self.lists[spc].pop() {
                return obj;
            }
        }
        let obj = fresh.next;
        fresh.next += elemsize(spc);
        obj as *mut u8
    }

    /// Takes back an object of span class `spc`.
    ///
    /// # Safety
    /// `obj` was allocated with this class and is no longer used.
    #[inline]
    pub unsafe fn free(&mut self, spc: usize, obj: *mut u8) {
        // SAFETY: per the contract, obj is a free object of this class.
        unsafe { self.lists[spc].push(obj) };
        self.stats.nfree += 1;
        self.stats.alloc_bytes -= elemsize(spc) as i64;
        if self.lists[spc].n > 2 * batch(spc) {
            self.trim(spc);
        }
    }

    #[cold]
    fn trim(&mut self, spc: usize) {
        let mut out = self.lists[spc].split(batch(spc));
        MCENTRAL[spc].release(spc, &mut out);
    }

    /// Go's tiny allocator: `size` bytes (below TINY_SIZE) aligned to
    /// `align` (at most 8), packed into the current block when they fit.
    #[inline]
    pub fn tiny_alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        // align is a power of two (Layout's rule): round up with a mask.
        let off = (self.tinyoffset + align - 1) & !(align - 1);
        self.stats.nmalloc += 1;
        if self.tiny != 0 && off + size <= TINY_BLOCK {
            // The cache's own count keeps the block alive meanwhile.
            // SAFETY: the current block is live: the cache's count holds it.
            unsafe { tiny_refs(self.tiny) }.fetch_add(1, Ordering::Relaxed);
            self.tinyoffset = off + size;
            return (self.tiny + off) as *mut u8;
        }
        self.new_tiny_block(size)
    }

    #[cold]
    fn new_tiny_block(&mut self, size: usize) -> *mut u8 {
        let block = self.take(TINY_SPANCLASS) as usize;
        self.stats.alloc_bytes += TINY_BLOCK as i64;
        // The cache's count and the new object's.
        // SAFETY: the block was just taken from its span class.
        unsafe { tiny_refs(block) }.store(2, Ordering::Relaxed);
        self.drop_tiny();
        self.tiny = block;
        self.tinyoffset = size;
        block as *mut u8
    }

    /// Gives up the current tiny block.
    fn drop_tiny(&mut self) {
        let old = core::mem::replace(&mut self.tiny, 0);
        // SAFETY: the current block is live until its count drops.
        if old != 0 && unsafe { tiny_refs(old) }.fetch_sub(1, Ordering::AcqRel) == 1 {
            // SAFETY: the count reached zero: no object in it lives.
            unsafe { self.free_tiny_block(old) };
        }
    }

    /// # Safety
    /// No object in the block lives, and no cache holds it.
    unsafe fn free_tiny_block(&mut self, block: usize) {
        // SAFETY: per the contract.
        unsafe { self.lists[TINY_SPANCLASS].push(block as *mut u8) };
        self.stats.alloc_bytes -= TINY_BLOCK as i64;
        if self.lists[TINY_SPANCLASS].n > 2 * batch(TINY_SPANCLASS) {
            self.trim(TINY_SPANCLASS);
        }
    }

    /// Frees a tiny object.
    ///
    /// # Safety
    /// `p` is a live tiny object, no longer used.
    #[inline]
    pub unsafe fn tiny_free(&mut self, p: *mut u8) {
        self.stats.nfree += 1;
        let block = p as usize & !(TINY_BLOCK - 1);
        // SAFETY: p is live, so its block is.
        if unsafe { tiny_refs(block) }.fetch_sub(1, Ordering::AcqRel) == 1 {
            // SAFETY: that was its last object and no cache holds it
            // (a holding cache's count would remain).
            unsafe { self.free_tiny_block(block) };
        }
    }

    /// Every free object back to the mcentrals, and the tiny block
    /// given up.
    fn flush(&mut self) {
        self.drop_tiny();
        for (spc, central) in MCENTRAL.iter().enumerate().skip(1) {
            central.release_fresh(spc, &mut self.fresh[spc]);
            if self.lists[spc].n > 0 {
                central.release(spc, &mut self.lists[spc]);
            }
        }
    }
}

/// Go's freemcache for a P that GOMAXPROCS retires: its free objects go
/// back to the mcentrals, its counts to NOP_CACHE's.
pub fn freemcache(c: &mut MCache) {
    let mut nop = NOP_CACHE.lock();
    c.flush();
    nop.stats.add(&c.stats);
    c.stats = CacheStats::default();
}

/// Objects moved between a cache and its mcentral at once.
fn batch(spc: usize) -> usize {
    if spc == TINY_SPANCLASS { 32 } else { CLASS_TO_BATCH[spc] as usize }
}

/// The cache of Ms without a P (sysmon, or before the Ps exist), under a
/// lock; it also keeps the counts of the caches of retired Ps.
pub static NOP_CACHE: Mutex<MCache> = Mutex::new(MCache::new());
