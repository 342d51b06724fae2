//! The scavenger: gives free heap pages back to the OS (Go's
//! mgcscavenge.go).
//!
//! Go's background scavenger is a goroutine that sysmon wakes; it
//! releases free pages beyond what the next GC cycle is expected to need
//! plus 10%. gort has no GC cycle to pace by, so sysmon scavenges itself,
//! after `gcenable` turns it on (runtime_main calls it, as Go does), with
//! this policy:
//!
//! - a free span is released only once it has stayed free for
//!   SCAVENGE_AGE_NS, so memory freed and soon reused (a buffer in a
//!   loop) is never released and faulted back in over and over;
//! - free pages the program has dirtied are kept up to a slack of
//!   max(RETAIN_MIN, 10% of the heap in use) (Go's retainExtraPercent),
//!   so a program that allocates at a steady rate keeps a little room;
//! - released pages are dropped with madvise(MADV_DONTNEED): the kernel
//!   frees them at once (RSS falls) and the next touch maps zero pages,
//!   so a reused released span needs no zeroing.
//!
//! The madvise runs without the heap lock: the span is taken off its free
//! list meanwhile (state Scavenging), so nobody allocates or merges it.

use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use rustix::mm;

use crate::mheap::HEAP;

/// A free span is released once free for this long.
pub const SCAVENGE_AGE_NS: i64 = 100_000_000;
/// Dirty free pages always kept.
const RETAIN_MIN: usize = 4 << 20;
/// Heap in use (in tenths) kept as dirty free pages on top.
const RETAIN_EXTRA_TENTHS: usize = 1;

/// Set by gcenable.
static ENABLED: AtomicBool = AtomicBool::new(false);
/// The earliest the scavenger may find work (a span becomes old
/// enough), or i64::MAX if it has none: sysmon's deep sleep respects it.
/// Written under HEAP's lock.
static NEXT_WORK: AtomicI64 = AtomicI64::new(i64::MAX);

/// Go's gcenable: starts the background work of the memory manager,
/// which without a collector is the scavenger.
pub fn gcenable() {
    ENABLED.store(true, Ordering::Release);
}

/// The dirty free bytes to keep for a heap with `inuse` bytes in use.
fn retain(inuse: usize) -> usize {
    RETAIN_MIN.max(inuse / 10 * RETAIN_EXTRA_TENTHS)
}

/// Called by sysmon each round: releases free spans freed before
/// now - SCAVENGE_AGE_NS until the dirty free pages are within the
/// slack. Returns the bytes released.
pub fn scavenge(now: i64) -> usize {
    if !ENABLED.load(Ordering::Acquire) || now < NEXT_WORK.load(Ordering::Relaxed) {
        return 0;
    }
    let mut released = 0;
    loop {
        let mut h = HEAP.lock();
        if h.idle_unreleased() <= retain(h.counters.inuse) {
            NEXT_WORK.store(i64::MAX, Ordering::Relaxed);
            return released;
        }
        let s = h.take_scavengeable(now - SCAVENGE_AGE_NS);
        if s.is_null() {
            // Over the slack, but the rest is too young: look again when
            // today's frees are old enough.
            NEXT_WORK.store(now + SCAVENGE_AGE_NS / 4, Ordering::Relaxed);
            return released;
        }
        drop(h);
        // SAFETY: the span is free and off every list (Scavenging): no one
        // uses its pages or will until return_scavenged.
        unsafe {
            let ok = mm::madvise((*s).base as *mut c_void, (*s).bytes(), mm::Advice::LinuxDontNeed).is_ok();
            if ok {
                released += (*s).bytes();
            }
            let mut h = HEAP.lock();
            h.return_scavenged(s, ok);
            if !ok {
                // The kernel said no: try again later, not at once.
                NEXT_WORK.store(now + SCAVENGE_AGE_NS, Ordering::Relaxed);
                return released;
            }
        }
    }
}

/// A span was freed at `now`: the scavenger may have work once it is old
/// enough. Caller holds HEAP's lock.
pub fn note_free(now: i64) {
    let at = now + SCAVENGE_AGE_NS;
    if at < NEXT_WORK.load(Ordering::Relaxed) {
        NEXT_WORK.store(at, Ordering::Relaxed);
    }
}

/// When sysmon should next look, for its deep sleep: i64::MAX if the
/// scavenger has nothing coming.
pub fn next_work() -> i64 {
    if ENABLED.load(Ordering::Acquire) { NEXT_WORK.load(Ordering::Relaxed) } else { i64::MAX }
}
