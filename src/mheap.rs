//! mheap: the page heap under the allocator (Go's mheap.go, the
//! pre-1.14 shape with free lists instead of a radix tree of bitmaps).
//!
//! Address space is reserved in 64 MiB arenas, placed one after another
//! from ARENA_BASE (Go's arena hints start at the same 0xc000000000; a
//! slot something else already occupies is skipped), so a span may cross
//! arenas, and a page map indexed by arena covers the whole heap. Each
//! arena is one anonymous MAP_NORESERVE mapping: its pages cost nothing
//! until touched, so handing out a span is what commits its pages.
//!
//! The heap's unit is the 8 KiB page. A span is a run of pages that is
//! either free (on a free list here) or in use: by one size class (its
//! objects handed out by mcentral) or by one large object.
//!
//! Free spans are kept coalesced with free neighbours of the same kind:
//! *released* spans (their pages given back to the OS, or never touched,
//! so they read as zero) and *unreleased* ones (dirty pages the program
//! used). Released and unreleased neighbours do not merge, so every
//! page's state is known and the counters are exact; nor do dirty
//! neighbours freed more than SCAVENGE_AGE_NS apart, so a buffer freed
//! over and over next to long-idle pages does not keep them young for the
//! scavenger.
//!
//! The page map (Go's heapArena.spans) finds the span of an address: one
//! entry per page, per arena, looked up without a lock. Invariant: the
//! first and last page of every span point at it, and so does every page
//! of a small-object span (frees look up any object in it). Other
//! entries may be stale; nothing reads them.
//!
//! Everything here is under HEAP's lock, except page map reads.

use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};

use rustix::io::Errno;
use rustix::mm::{self, MapFlags, ProtFlags};

use crate::lock_futex::{Mutex, MutexGuard};
use crate::mgcscavenge::SCAVENGE_AGE_NS;
use crate::panic::throw;
use crate::sizeclasses::{PAGE_SHIFT, PAGE_SIZE};

/// Bytes per arena (Go's heapArenaBytes on linux/amd64).
pub const ARENA_SIZE: usize = 64 << 20;
const PAGES_PER_ARENA: usize = ARENA_SIZE / PAGE_SIZE;
/// Where the first arena goes; later ones follow it.
pub const ARENA_BASE: usize = 0x00c0_0000_0000;
/// Arenas the heap may grow to: 256 GiB. Past that, out of memory.
pub const MAX_ARENAS: usize = 4096;
/// The largest span the heap can ever hand out.
pub const MAX_PAGES: usize = MAX_ARENAS * PAGES_PER_ARENA;

/// Free lists: one per length below this many pages, then one more.
const NUM_FREE_LISTS: usize = 128;

/// What a span holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SpanState {
    /// On a free list.
    Free,
    /// Taken off its free list by the scavenger while it gives the pages
    /// back; neither allocated nor merged meanwhile.
    Scavenging,
    /// Objects of one size class (`spanclass` != 0), or one large object.
    InUse,
    /// On the span allocator's free list.
    Dead,
}

/// A run of pages (Go's mspan). Its extent and state are under HEAP's
/// lock; while it holds a size class, its object fields and links are
/// under that class's mcentral lock.
pub struct MSpan {
    /// Links in the list the span is on: a free list here, or its
    /// mcentral's partial list.
    pub next: *mut MSpan,
    pub prev: *mut MSpan,
    /// First byte and length in pages.
    pub base: usize,
    pub npages: usize,
    pub state: SpanState,

    // Free spans, under HEAP's lock.
    /// The pages read as zero: given back to the OS, or never touched.
    pub released: bool,
    /// When the span was freed (nanotime), for the scavenger.
    pub freed_at: i64,

    // Small-object spans, under their mcentral's lock.
    /// The size class, 0 for a large object.
    pub spanclass: usize,
    /// Object size, offset of the first object, and object count.
    pub elemsize: usize,
    pub first: usize,
    pub nelems: usize,
    /// Objects never handed out yet: those from `freeindex` on.
    pub freeindex: usize,
    /// Objects handed out and not returned.
    pub alloc_count: usize,
    /// Objects returned, linked through their first word.
    pub freelist: *mut u8,
    /// On its mcentral's partial list (it has a free object).
    pub in_partial: bool,
}

impl MSpan {
    pub fn end(&self) -> usize {
        self.base + (self.npages << PAGE_SHIFT)
    }

    pub fn bytes(&self) -> usize {
        self.npages << PAGE_SHIFT
    }
}

/// A doubly-linked list of spans (Go's mSpanList).
pub struct SpanList {
    pub first: *mut MSpan,
    pub last: *mut MSpan,
}

impl SpanList {
    pub const fn new() -> SpanList {
        SpanList { first: ptr::null_mut(), last: ptr::null_mut() }
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_null()
    }

    /// # Safety
    /// `s` is a live span on no list, and this list's lock is held.
    pub unsafe fn insert(&mut self, s: *mut MSpan) {
        // SAFETY: per the contract, s and the list's spans are ours.
        unsafe {
            (*s).prev = ptr::null_mut();
            (*s).next = self.first;
            if self.first.is_null() {
                self.last = s;
            } else {
                (*self.first).prev = s;
            }
        }
        self.first = s;
    }

    /// # Safety
    /// As `insert`.
    pub unsafe fn insert_back(&mut self, s: *mut MSpan) {
        // SAFETY: as insert.
        unsafe {
            (*s).next = ptr::null_mut();
            (*s).prev = self.last;
            if self.last.is_null() {
                self.first = s;
            } else {
                (*self.last).next = s;
            }
        }
        self.last = s;
    }

    /// # Safety
    /// `s` is on this list, and its lock is held.
    pub unsafe fn remove(&mut self, s: *mut MSpan) {
        // SAFETY: per the contract.
        unsafe {
            if (*s).prev.is_null() {
                self.first = (*s).next;
            } else {
                (*(*s).prev).next = (*s).next;
            }
            if (*s).next.is_null() {
                self.last = (*s).prev;
            } else {
                (*(*s).next).prev = (*s).prev;
            }
            (*s).next = ptr::null_mut();
            (*s).prev = ptr::null_mut();
        }
    }
}

/// One arena's page map: the span of each page.
struct HeapArena {
    spans: [AtomicPtr<MSpan>; PAGES_PER_ARENA],
}

/// The page maps of the arenas reserved so far, by arena index.
static ARENAS: [AtomicPtr<HeapArena>; MAX_ARENAS] = [const { AtomicPtr::new(ptr::null_mut()) }; MAX_ARENAS];

/// The span holding `addr`, or null if `addr` is outside the heap. Takes
/// no lock; see the page-map invariant at the top.
#[inline]
pub fn span_of(addr: usize) -> *mut MSpan {
    let off = addr.wrapping_sub(ARENA_BASE);
    let ai = off / ARENA_SIZE;
    if ai >= MAX_ARENAS {
        return ptr::null_mut();
    }
    let ha = ARENAS[ai].load(Ordering::Acquire);
    if ha.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: page maps are never freed.
    unsafe { (*ha).spans[(off % ARENA_SIZE) >> PAGE_SHIFT].load(Ordering::Acquire) }
}

/// Points the page at `addr` at `s`. Its arena exists.
fn set_span(addr: usize, s: *mut MSpan) {
    let off = addr - ARENA_BASE;
    let ha = ARENAS[off / ARENA_SIZE].load(Ordering::Relaxed);
    // SAFETY: the arena of a heap page has its page map.
    unsafe { (*ha).spans[(off % ARENA_SIZE) >> PAGE_SHIFT].store(s, Ordering::Release) };
}

/// The heap's counters, in bytes unless named otherwise.
#[derive(Clone, Copy, Default, Debug)]
pub struct HeapCounters {
    /// Address space reserved for arenas.
    pub sys: usize,
    /// Pages in spans in use.
    pub inuse: usize,
    /// Free pages that read as zero (released, or never touched).
    pub released: usize,
    /// Spans in use, and the bytes of span structures (live / mapped).
    pub nspans: usize,
    pub mspan_inuse: usize,
    pub mspan_sys: usize,
    /// Page maps of the arenas.
    pub pagemap_sys: usize,
    /// Large objects: allocated, freed, bytes live.
    pub large_nmalloc: u64,
    pub large_nfree: u64,
    pub large_alloc: usize,
}

pub struct HeapLocked {
    free: [SpanList; NUM_FREE_LISTS],
    /// Arenas reserved so far end before this index.
    next_arena: usize,
    /// Dead span structures, and the unused rest of the last chunk mapped
    /// for them (Go's fixalloc).
    spanfree: *mut MSpan,
    spanchunk: usize,
    spanchunk_end: usize,
    pub counters: HeapCounters,
}

// SAFETY: the raw pointers are spans, reached only under the lock.
unsafe impl Send for HeapLocked {}

/// The heap (Go's mheap_).
pub static HEAP: Mutex<HeapLocked> = Mutex::new(HeapLocked {
    free: [const { SpanList::new() }; NUM_FREE_LISTS],
    next_arena: 0,
    spanfree: ptr::null_mut(),
    spanchunk: 0,
    spanchunk_end: 0,
    counters: HeapCounters {
        sys: 0,
        inuse: 0,
        released: 0,
        nspans: 0,
        mspan_inuse: 0,
        mspan_sys: 0,
        pagemap_sys: 0,
        large_nmalloc: 0,
        large_nfree: 0,
        large_alloc: 0,
    },
});

/// Fresh zeroed memory for the runtime's own structures, or None if the
/// kernel refuses.
fn sys_alloc(len: usize) -> Option<usize> {
    // SAFETY: a new anonymous mapping at an address the kernel picks
    // aliases nothing.
    unsafe { mm::mmap_anonymous(ptr::null_mut(), len, ProtFlags::READ | ProtFlags::WRITE, MapFlags::PRIVATE) }
        .ok()
        .map(|p| p as usize)
}

/// Bytes mapped at a time for span structures.
const SPAN_CHUNK: usize = 64 << 10;

/// The first chunk of span structures and the first arena's page map
/// live in .bss (zero pages, committed when touched), so a program that
/// stays within one arena maps nothing for them: one mmap fewer each at
/// start-up.
#[repr(C, align(4096))]
struct BootChunk([u8; SPAN_CHUNK]);

static mut BOOT_SPANS: BootChunk = BootChunk([0; SPAN_CHUNK]);
static mut BOOT_PAGEMAP: HeapArena = HeapArena { spans: [const { AtomicPtr::new(ptr::null_mut()) }; PAGES_PER_ARENA] };

fn free_list_index(npages: usize) -> usize {
    npages.min(NUM_FREE_LISTS - 1)
}

impl HeapLocked {
    /// A new span structure for [base, base + npages pages).
    fn new_span(&mut self, base: usize, npages: usize, state: SpanState) -> *mut MSpan {
        let s = if !self.spanfree.is_null() {
            let s = self.spanfree;
            // SAFETY: dead spans are linked through next.
            self.spanfree = unsafe { (*s).next };
            s
        } else {
            let size = size_of::<MSpan>();
            if self.spanchunk + size > self.spanchunk_end {
                let chunk = if self.counters.mspan_sys == 0 {
                    (&raw mut BOOT_SPANS) as usize
                } else {
                    let Some(chunk) = sys_alloc(SPAN_CHUNK) else { out_of_memory(SPAN_CHUNK, self.counters.inuse) };
                    chunk
                };
                self.counters.mspan_sys += SPAN_CHUNK;
                self.spanchunk = chunk;
                self.spanchunk_end = chunk + SPAN_CHUNK;
            }
            let s = self.spanchunk as *mut MSpan;
            self.spanchunk += size;
            s
        };
        self.counters.mspan_inuse += size_of::<MSpan>();
        // SAFETY: s is an unused, suitably aligned slot (the chunk is
        // page-aligned and MSpan's size a multiple of its alignment).
        unsafe {
            s.write(MSpan {
                next: ptr::null_mut(),
                prev: ptr::null_mut(),
                base,
                npages,
                state,
                released: false,
                freed_at: 0,
                spanclass: 0,
                elemsize: 0,
                first: 0,
                nelems: 0,
                freeindex: 0,
                alloc_count: 0,
                freelist: ptr::null_mut(),
                in_partial: false,
            })
        };
        s
    }

    /// # Safety
    /// `s` is on no list and nothing refers to it any more.
    unsafe fn dispose_span(&mut self, s: *mut MSpan) {
        // SAFETY: per the contract.
        unsafe {
            (*s).state = SpanState::Dead;
            (*s).next = self.spanfree;
        }
        self.spanfree = s;
        self.counters.mspan_inuse -= size_of::<MSpan>();
    }

    /// Puts a free span on its list and maps its ends. Released spans go
    /// to the back, so allocation prefers pages that are already backed.
    ///
    /// # Safety
    /// `s` is a live span of free pages, on no list.
    unsafe fn insert_free(&mut self, s: *mut MSpan) {
        // SAFETY: per the contract; the lists are ours under the lock.
        unsafe {
            (*s).state = SpanState::Free;
            set_span((*s).base, s);
            set_span((*s).end() - PAGE_SIZE, s);
            let list = &mut self.free[free_list_index((*s).npages)];
            if (*s).released { list.insert_back(s) } else { list.insert(s) }
        }
    }

    /// Takes a free span off its list.
    ///
    /// # Safety
    /// `s` is a span in state Free (hence on the list for its length).
    unsafe fn remove_free(&mut self, s: *mut MSpan) {
        // SAFETY: per the contract.
        unsafe { self.free[free_list_index((*s).npages)].remove(s) };
    }

    /// Merges the free span `s` with free neighbours of the same kind
    /// (see the top: released with released; dirty with dirty freed
    /// within SCAVENGE_AGE_NS of it), then lists it.
    ///
    /// # Safety
    /// `s` is a live span of free pages, on no list.
    unsafe fn coalesce_and_insert(&mut self, s: *mut MSpan) {
        let mergeable = |a: *mut MSpan, b: *mut MSpan| {
            // SAFETY: both are live spans, ours under the lock.
            unsafe {
                (*a).state == SpanState::Free
                    && (*a).released == (*b).released
                    && ((*a).released || ((*a).freed_at - (*b).freed_at).abs() <= SCAVENGE_AGE_NS)
            }
        };
        // SAFETY: s is ours; a neighbour found in the page map with state
        // Free is a live span on a free list, also ours under the lock.
        unsafe {
            let before = span_of((*s).base.wrapping_sub(1));
            if !before.is_null() && mergeable(before, s) {
                self.remove_free(before);
                (*s).base = (*before).base;
                (*s).npages += (*before).npages;
                (*s).freed_at = (*s).freed_at.max((*before).freed_at);
                self.dispose_span(before);
            }
            let after = span_of((*s).end());
            if !after.is_null() && mergeable(after, s) {
                self.remove_free(after);
                (*s).npages += (*after).npages;
                (*s).freed_at = (*s).freed_at.max((*after).freed_at);
                self.dispose_span(after);
            }
            self.insert_free(s);
        }
    }

    /// A free span with room for `npages` pages starting on a multiple of
    /// `align` bytes, and that start; None if there is none. Dirty spans
    /// first (their pages are already backed), then released ones.
    fn find(&self, npages: usize, align: usize) -> Option<(*mut MSpan, usize)> {
        self.find_kind(npages, align, false).or_else(|| self.find_kind(npages, align, true))
    }

    /// `find` among spans released or not: first fit on the exact-length
    /// lists, best fit on the last one.
    fn find_kind(&self, npages: usize, align: usize, released: bool) -> Option<(*mut MSpan, usize)> {
        let fits = |s: *mut MSpan| {
            // SAFETY: spans on free lists are live.
            let (base, end, kind) = unsafe { ((*s).base, (*s).end(), (*s).released) };
            let start = base.next_multiple_of(align);
            (kind == released && start + (npages << PAGE_SHIFT) <= end).then_some(start)
        };
        for list in &self.free[free_list_index(npages)..NUM_FREE_LISTS - 1] {
            let mut s = list.first;
            while !s.is_null() {
                if let Some(start) = fits(s) {
                    return Some((s, start));
                }
                // SAFETY: as above.
                s = unsafe { (*s).next };
            }
        }
        let mut best: Option<(*mut MSpan, usize)> = None;
        let mut s = self.free[NUM_FREE_LISTS - 1].first;
        while !s.is_null() {
            if let Some(start) = fits(s) {
                // SAFETY: as above.
                let better = best.is_none_or(|(b, _)| unsafe { (*s).npages < (*b).npages });
                if better {
                    best = Some((s, start));
                }
            }
            // SAFETY: as above.
            s = unsafe { (*s).next };
        }
        best
    }

    /// Reserves arenas for at least `npages` more pages and lists them as
    /// one free, released span. False if the address range is used up or
    /// the kernel refuses.
    fn grow(&mut self, npages: usize) -> bool {
        let narenas = npages.div_ceil(PAGES_PER_ARENA).max(1);
        // Skip arena slots something else already occupies.
        let base = loop {
            if self.next_arena + narenas > MAX_ARENAS {
                return false;
            }
            let want = ARENA_BASE + self.next_arena * ARENA_SIZE;
            // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing
            // mapping; it fails instead.
            let r = unsafe {
                mm::mmap_anonymous(
                    want as *mut c_void,
                    narenas * ARENA_SIZE,
                    ProtFlags::READ | ProtFlags::WRITE,
                    MapFlags::PRIVATE | MapFlags::NORESERVE | MapFlags::FIXED_NOREPLACE,
                )
            };
            match r {
                Ok(p) if p as usize == want => break want,
                // A kernel before 4.17 took the flag as a hint and put
                // the mapping elsewhere.
                Ok(p) => {
                    // SAFETY: the mapping just made, unused.
                    let _ = unsafe { mm::munmap(p, narenas * ARENA_SIZE) };
                    self.next_arena += 1;
                }
                Err(Errno::EXIST) => self.next_arena += 1,
                Err(_) => return false,
            }
        };
        for slot in &ARENAS[self.next_arena..self.next_arena + narenas] {
            let map = if self.counters.pagemap_sys == 0 {
                (&raw mut BOOT_PAGEMAP) as usize
            } else {
                let Some(map) = sys_alloc(size_of::<HeapArena>()) else { return false };
                map
            };
            self.counters.pagemap_sys += size_of::<HeapArena>();
            slot.store(map as *mut HeapArena, Ordering::Release);
        }
        self.next_arena += narenas;
        let bytes = narenas * ARENA_SIZE;
        self.counters.sys += bytes;
        self.counters.released += bytes;
        let s = self.new_span(base, bytes >> PAGE_SHIFT, SpanState::Free);
        // SAFETY: s is new, ours, and its pages are free.
        unsafe {
            (*s).released = true;
            self.coalesce_and_insert(s);
        }
        true
    }

    /// Go's mheap.alloc: a span of `npages` pages starting on a multiple
    /// of `align` bytes (a power of two, at least a page), or None when
    /// out of memory. Returns the span and whether its pages may be dirty.
    /// A small-object span (`small`) maps every page.
    pub fn alloc_span(&mut self, npages: usize, align: usize, small: bool) -> Option<(*mut MSpan, bool)> {
        let (s, start) = match self.find(npages, align) {
            Some(found) => found,
            None => {
                let extra = (align >> PAGE_SHIFT) - 1;
                if !self.grow(npages + extra) {
                    return None;
                }
                self.find(npages, align).expect("a grown heap has room")
            }
        };
        // SAFETY: s was free and is ours; the trimmed pieces are new.
        unsafe {
            self.remove_free(s);
            let end = start + (npages << PAGE_SHIFT);
            if start > (*s).base {
                let head = self.new_span((*s).base, (start - (*s).base) >> PAGE_SHIFT, SpanState::Free);
                (*head).released = (*s).released;
                (*head).freed_at = (*s).freed_at;
                self.insert_free(head);
            }
            if end < (*s).end() {
                let tail = self.new_span(end, ((*s).end() - end) >> PAGE_SHIFT, SpanState::Free);
                (*tail).released = (*s).released;
                (*tail).freed_at = (*s).freed_at;
                self.insert_free(tail);
            }
            (*s).base = start;
            (*s).npages = npages;
            (*s).state = SpanState::InUse;
            let dirty = !(*s).released;
            if (*s).released {
                self.counters.released -= (*s).bytes();
            }
            self.counters.inuse += (*s).bytes();
            self.counters.nspans += 1;
            if small {
                for page in 0..npages {
                    set_span(start + (page << PAGE_SHIFT), s);
                }
            } else {
                set_span(start, s);
                set_span(end - PAGE_SIZE, s);
            }
            Some((s, dirty))
        }
    }

    /// Go's mheap.freeSpan: `s` (in use, on no list) becomes free pages.
    ///
    /// # Safety
    /// Nothing uses the span's memory any more.
    pub unsafe fn free_span(&mut self, s: *mut MSpan, now: i64) {
        // SAFETY: per the contract.
        unsafe {
            if (*s).state != SpanState::InUse {
                throw("mheap: freeing a span not in use");
            }
            self.counters.inuse -= (*s).bytes();
            self.counters.nspans -= 1;
            (*s).state = SpanState::Free;
            (*s).released = false;
            (*s).freed_at = now;
            (*s).spanclass = 0;
            self.coalesce_and_insert(s);
        }
        crate::mgcscavenge::note_free(now);
    }

    /// An unreleased free span freed before `before`, taken off its list
    /// for the scavenger (largest lists first), or null.
    pub fn take_scavengeable(&mut self, before: i64) -> *mut MSpan {
        for i in (1..NUM_FREE_LISTS).rev() {
            let mut s = self.free[i].first;
            // SAFETY: spans on free lists are live and ours.
            unsafe {
                while !s.is_null() && !(*s).released {
                    if (*s).freed_at <= before {
                        self.remove_free(s);
                        (*s).state = SpanState::Scavenging;
                        return s;
                    }
                    s = (*s).next;
                }
            }
        }
        ptr::null_mut()
    }

    /// Lists a span the scavenger took: released if its pages were given
    /// back, else dirty as before (madvise failed).
    ///
    /// # Safety
    /// `s` came from take_scavengeable, and `released` says truly whether
    /// its pages now read as zero.
    pub unsafe fn return_scavenged(&mut self, s: *mut MSpan, released: bool) {
        // SAFETY: per the contract, s is ours, free and on no list.
        unsafe {
            (*s).released = released;
            if released {
                self.counters.released += (*s).bytes();
            }
            self.coalesce_and_insert(s);
        }
    }

    /// Free pages that the program has dirtied.
    pub fn idle_unreleased(&self) -> usize {
        self.counters.sys - self.counters.inuse - self.counters.released
    }
}

/// `h.alloc_span`, or Go's out-of-memory death when the heap cannot grow
/// (after letting go of the lock). Returns the guard with the span, for
/// callers with more to do under the lock.
pub fn alloc_span_or_throw(
    mut h: MutexGuard<'_, HeapLocked>,
    npages: usize,
    align: usize,
    small: bool,
) -> (MutexGuard<'_, HeapLocked>, *mut MSpan, bool) {
    match h.alloc_span(npages, align, small) {
        Some((s, dirty)) => (h, s, dirty),
        None => {
            let inuse = h.counters.inuse;
            drop(h);
            out_of_memory(npages << PAGE_SHIFT, inuse)
        }
    }
}

/// The heap cannot grow: Go's report, then its fatal error.
#[cold]
pub fn out_of_memory(request: usize, inuse: usize) -> ! {
    crate::print::rtprintln!("runtime: out of memory: cannot allocate {}-byte block ({} in use)", request, inuse);
    throw("out of memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    // The heap is a static shared by the tests of this module, so one test
    // walks it through its life.
    #[test]
    fn spans_split_coalesce_and_release() {
        let mut h = HEAP.lock();
        let (a, dirty) = h.alloc_span(1, PAGE_SIZE, true).unwrap();
        assert!(!dirty, "fresh arena pages read as zero");
        // SAFETY: spans handed out are ours in this test.
        unsafe {
            assert_eq!((*a).base, ARENA_BASE.max((*a).base));
            assert_eq!((*a).base % PAGE_SIZE, 0);
            assert_eq!(span_of((*a).base + 100), a);
            let (b, _) = h.alloc_span(3, PAGE_SIZE, false).unwrap();
            assert_eq!((*b).base, (*a).end(), "first fit carves the front");
            assert_eq!(span_of((*b).base), b);
            assert_eq!(span_of((*b).end() - 1), b);
            let (c, _) = h.alloc_span(2, 4 * PAGE_SIZE, false).unwrap();
            assert_eq!((*c).base % (4 * PAGE_SIZE), 0);
            let sys = h.counters.sys;
            assert_eq!(h.counters.inuse, 6 * PAGE_SIZE);
            assert_eq!(h.counters.released + h.counters.inuse, sys);

            // Freed dirty spans merge with each other, not with released
            // neighbours.
            let b_base = (*b).base;
            h.free_span(a, 1);
            h.free_span(b, 2);
            let merged = span_of(b_base);
            assert_eq!((*merged).npages, 4);
            assert!(!(*merged).released);
            assert_eq!(h.idle_unreleased(), 4 * PAGE_SIZE);

            // The scavenger takes spans freed long enough ago only.
            assert!(h.take_scavengeable(1).is_null());
            let s = h.take_scavengeable(2);
            assert_eq!(s, merged);
            h.return_scavenged(s, true);
            assert_eq!(h.idle_unreleased(), 0);
            h.free_span(c, 3);
            assert_eq!(h.counters.inuse, 0);
            assert_eq!(h.counters.released + h.idle_unreleased(), sys);

            // A dirty span is reused before released pages.
            let (d, dirty) = h.alloc_span(1, PAGE_SIZE, false).unwrap();
            assert!(dirty);
            h.free_span(d, 4);
            assert!(h.alloc_span(MAX_PAGES + 1, PAGE_SIZE, false).is_none());
        }
    }

    #[test]
    fn outside_the_heap_is_no_span() {
        assert!(span_of(0x1000).is_null());
        assert!(span_of(usize::MAX).is_null());
        assert!(span_of(ARENA_BASE + MAX_ARENAS * ARENA_SIZE).is_null());
    }
}
