//! mcentral: the spans of one size class, shared by every P (Go's
//! mcentral.go).
//!
//! Go's mcentral hands whole spans to a P's cache and gets them back
//! when the garbage collector sweeps them. With explicit frees, an object
//! can be freed on any P at any time, so here the cache trades objects,
//! not spans, with its mcentral, in batches (tcmalloc's transfer between
//! thread cache and central free list). mcentral keeps, for its class,
//! the spans that have free objects (`partial`); it takes a fresh span
//! from the heap when none has, and returns a span to the heap the moment
//! its last object comes back. Spans with no free object are on no list:
//! their page map entries find them when an object is returned.
//!
//! Lock order: an mcentral's lock, then HEAP's. Nothing takes an
//! mcentral's lock while holding HEAP's.

use core::ptr;

use crate::lock_futex::Mutex;
use crate::mcache::{FreeList, Fresh, TINY_BLOCK, TINY_SPANCLASS, tiny_refs_bytes};
use crate::mheap::{HEAP, MSpan, SpanList, alloc_span_or_throw, span_of};
use crate::panic::throw;
use crate::sizeclasses::{CLASS_TO_NPAGES, CLASS_TO_SIZE, NUM_SIZE_CLASSES, PAGE_SIZE};
use crate::time::nanotime;

/// Size classes plus the tiny blocks' own class.
pub const NUM_SPAN_CLASSES: usize = NUM_SIZE_CLASSES + 1;

/// One class's central lists.
pub struct MCentral {
    partial: Mutex<SpanList>,
}

// SAFETY: the span list is reached only under its lock.
unsafe impl Send for SpanList {}

/// Go's mheap_.central, one per span class (class 0 unused).
pub static MCENTRAL: [MCentral; NUM_SPAN_CLASSES] =
    [const { MCentral { partial: Mutex::new(SpanList::new()) } }; NUM_SPAN_CLASSES];

/// Object size, pages per span, and the offset of the first object, of
/// a span class.
fn class_shape(spc: usize) -> (usize, usize, usize) {
    if spc == TINY_SPANCLASS {
        // One page of 16-byte blocks whose first bytes count each
        // block's live objects (mcache.rs).
        (TINY_BLOCK, 1, tiny_refs_bytes())
    } else {
        (CLASS_TO_SIZE[spc] as usize, CLASS_TO_NPAGES[spc] as usize, 0)
    }
}

/// The size of span class `spc`'s objects.
pub fn elemsize(spc: usize) -> usize {
    class_shape(spc).0
}

impl MCentral {
    /// Gives a cache up to `n` free objects of class `spc`, at least one,
    /// from the first span with any: objects freed before onto `list`,
    /// or, if the span has none, a run of never-used ones as `fresh`,
    /// which touches none of them (a page is committed when its first
    /// object is used, not when a batch is handed out). Takes a span from
    /// the heap if no span has a free object; throws if the heap cannot
    /// grow. `fresh` must be empty.
    pub fn refill(&self, spc: usize, list: &mut FreeList, fresh: &mut Fresh, n: usize) {
        let mut partial = self.partial.lock();
        if partial.is_empty() {
            let s = new_span(spc);
            // SAFETY: a new span, on no list.
            unsafe {
                partial.insert(s);
                (*s).in_partial = true;
            }
        }
        let s = partial.first;
        // SAFETY: spans on the partial list are in use by this class and
        // have a free object; their fields are under our lock.
        unsafe {
            if !(*s).freelist.is_null() {
                for _ in 0..n {
                    let obj = (*s).freelist;
                    if obj.is_null() {
                        break;
                    }
                    (*s).freelist = *obj.cast::<*mut u8>();
                    (*s).alloc_count += 1;
                    list.push(obj);
                }
            } else {
                let k = n.min((*s).nelems - (*s).freeindex);
                fresh.next = (*s).base + (*s).first + (*s).freeindex * (*s).elemsize;
                fresh.end = fresh.next + k * (*s).elemsize;
                (*s).freeindex += k;
                (*s).alloc_count += k;
            }
            if (*s).alloc_count == (*s).nelems {
                partial.remove(s);
                (*s).in_partial = false;
            }
        }
    }

    /// Returns every object on `list` (all of class `spc`) to its span;
    /// spans left with no object in use go back to the heap.
    pub fn release(&self, spc: usize, list: &mut FreeList) {
        let mut partial = self.partial.lock();
        while let Some(obj) = list.pop() {
            let s = span_of(obj as usize);
            // SAFETY: obj came from a span of this class, which stays in
            // use while it has objects out; its fields are under our lock.
            unsafe {
                if s.is_null() || (*s).spanclass != spc {
                    throw("mcentral: object freed to the wrong class");
                }
                *obj.cast::<*mut u8>() = (*s).freelist;
                (*s).freelist = obj;
                (*s).alloc_count -= 1;
                settle(&mut partial, s);
            }
        }
    }

    /// Takes back a cache's unused fresh run (a P retiring). If the run is
    /// still the last one carved from its span, the span just carves it
    /// again later, and none of it is touched; otherwise its objects come
    /// back one by one, like freed ones.
    pub fn release_fresh(&self, spc: usize, fresh: &mut Fresh) {
        if fresh.next == fresh.end {
            return;
        }
        let s = span_of(fresh.next);
        let mut partial = self.partial.lock();
        // SAFETY: the run's span is in use by this class while the run
        // is out; its fields are under our lock.
        unsafe {
            if (*s).base + (*s).first + (*s).freeindex * (*s).elemsize == fresh.end {
                let k = (fresh.end - fresh.next) / (*s).elemsize;
                (*s).freeindex -= k;
                (*s).alloc_count -= k;
                fresh.next = fresh.end;
                settle(&mut partial, s);
                return;
            }
        }
        drop(partial);
        let mut list = FreeList::new();
        while fresh.next < fresh.end {
            // SAFETY: a fresh object is free and the cache's to give.
            unsafe { list.push(fresh.next as *mut u8) };
            fresh.next += elemsize(spc);
        }
        self.release(spc, &mut list);
    }
}

/// Objects came back to `s`: with none left out it goes back to the heap,
/// else it has a free object and belongs on the partial list.
///
/// # Safety
/// `s` is an in-use span of this mcentral's class, and `partial` its
/// locked list.
unsafe fn settle(partial: &mut SpanList, s: *mut MSpan) {
    // SAFETY: per the contract.
    unsafe {
        if (*s).alloc_count == 0 {
            if (*s).in_partial {
                partial.remove(s);
                (*s).in_partial = false;
            }
            HEAP.lock().free_span(s, nanotime());
        } else if !(*s).in_partial {
            partial.insert(s);
            (*s).in_partial = true;
        }
    }
}

/// A fresh span of class `spc` from the heap, its objects all free.
fn new_span(spc: usize) -> *mut MSpan {
    let (size, npages, first) = class_shape(spc);
    let (_, s, dirty) = alloc_span_or_throw(HEAP.lock(), npages, PAGE_SIZE, true);
    // SAFETY: the span is new and ours; its pages are heap memory.
    unsafe {
        (*s).spanclass = spc;
        (*s).elemsize = size;
        (*s).first = first;
        (*s).nelems = (npages * PAGE_SIZE - first) / size;
        (*s).freeindex = 0;
        (*s).alloc_count = 0;
        (*s).freelist = ptr::null_mut();
        if first != 0 && dirty {
            ptr::write_bytes((*s).base as *mut u8, 0, first);
        }
    }
    s
}
