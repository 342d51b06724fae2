//! A P's local run queue: Go's runq ring plus runnext.
//!
//! The ring holds up to 256 runnable goroutines. Only the P's owner puts
//! (a plain store of the slot, then a release store of `tail`); anyone may
//! take, by advancing `head` with a compare-and-swap. `runnext` is a single
//! slot ahead of the ring for the goroutine that should run next: the one
//! just readied by the running one (a channel partner, a new goroutine).
//! It inherits the current time slice, which keeps a ping-pong pair on one
//! P without starving the ring.
//!
//! When the ring is full, `put` moves half of it, plus the new goroutine,
//! out in one batch, which the caller links onto the global queue under
//! its lock (Go's runqputslow).
//!
//! The queue holds raw `*mut T` and never dereferences them, so the logic
//! is tested on the host with any T.

use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

/// Slots in the ring. A power of two, so indices wrap with a mask.
pub const RUNQ_SIZE: usize = 256;

#[repr(C)]
pub struct Runq<T> {
    /// Next slot to take. Advanced by CAS, by the owner or a thief.
    head: AtomicU32,
    /// Next slot to fill. Written only by the owner.
    tail: AtomicU32,
    ring: [AtomicPtr<T>; RUNQ_SIZE],
    /// Runs before the ring. Owner puts; anyone may take with a CAS.
    runnext: AtomicPtr<T>,
}

impl<T> Default for Runq<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Runq<T> {
    pub fn new() -> Runq<T> {
        Runq {
            head: AtomicU32::new(0),
            tail: AtomicU32::new(0),
            ring: [const { AtomicPtr::new(ptr::null_mut()) }; RUNQ_SIZE],
            runnext: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Puts `t` on the queue. Owner only.
    ///
    /// With `next`, `t` goes into runnext and whatever was there moves to
    /// the tail of the ring. If the ring is full, half of it plus the
    /// goroutine being queued are passed to `overflow`, oldest first, for
    /// the global queue.
    pub fn put(&self, mut t: *mut T, next: bool, overflow: &mut dyn FnMut(&[*mut T])) {
        if next {
            let old = self.runnext.swap(t, Ordering::AcqRel);
            if old.is_null() {
                return;
            }
            t = old; // kick the old runnext to the tail
        }
        loop {
            let h = self.head.load(Ordering::Acquire); // synchronise with consumers
            let tail = self.tail.load(Ordering::Relaxed);
            if tail.wrapping_sub(h) < RUNQ_SIZE as u32 {
                self.ring[tail as usize % RUNQ_SIZE].store(t, Ordering::Relaxed);
                self.tail.store(tail.wrapping_add(1), Ordering::Release); // publish the slot
                return;
            }
            if self.put_slow(t, h, tail, overflow) {
                return;
            }
            // A consumer took some meanwhile: there is room again.
        }
    }

    /// Moves half the (full) ring and `t` to `overflow`. Fails if a
    /// consumer moved head first.
    fn put_slow(&self, t: *mut T, h: u32, tail: u32, overflow: &mut dyn FnMut(&[*mut T])) -> bool {
        const HALF: usize = RUNQ_SIZE / 2;
        let n = tail.wrapping_sub(h) as usize / 2;
        debug_assert_eq!(n, HALF, "runqputslow: queue is not full");
        let mut batch = [ptr::null_mut(); HALF + 1];
        for (i, slot) in batch[..n].iter_mut().enumerate() {
            *slot = self.ring[(h as usize + i) % RUNQ_SIZE].load(Ordering::Relaxed);
        }
        if self
            .head
            .compare_exchange(h, h.wrapping_add(n as u32), Ordering::Release, Ordering::Relaxed)
            .is_err()
        {
            return false;
        }
        batch[n] = t;
        overflow(&batch[..=n]);
        true
    }

    /// Takes the next goroutine: runnext first, then the head of the ring.
    /// The flag says whether it inherits the current time slice (true for
    /// runnext). Any thread may call this; only the owner should.
    pub fn get(&self) -> Option<(*mut T, bool)> {
        let next = self.runnext.load(Ordering::Acquire);
        if !next.is_null()
            && self
                .runnext
                .compare_exchange(next, ptr::null_mut(), Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            return Some((next, true));
        }
        loop {
            let h = self.head.load(Ordering::Acquire);
            let t = self.tail.load(Ordering::Acquire);
            if t == h {
                return None;
            }
            let gp = self.ring[h as usize % RUNQ_SIZE].load(Ordering::Relaxed);
            if self
                .head
                .compare_exchange(h, h.wrapping_add(1), Ordering::Release, Ordering::Relaxed)
                .is_ok()
            {
                return Some((gp, false));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(i: usize) -> *mut u64 {
        // Distinct non-null fake pointers; the queue never dereferences them.
        (0x1000 + i * 8) as *mut u64
    }

    fn no_overflow(_: &[*mut u64]) {
        panic!("unexpected overflow");
    }

    #[test]
    fn fifo_order() {
        let q = Runq::new();
        for i in 0..10 {
            q.put(item(i), false, &mut no_overflow);
        }
        for i in 0..10 {
            assert_eq!(q.get(), Some((item(i), false)));
        }
        assert_eq!(q.get(), None);
    }

    #[test]
    fn runnext_first_and_kicks_old_to_tail() {
        let q = Runq::new();
        q.put(item(1), false, &mut no_overflow);
        q.put(item(2), true, &mut no_overflow);
        q.put(item(3), true, &mut no_overflow); // 2 moves to the tail
        assert_eq!(q.get(), Some((item(3), true)));
        assert_eq!(q.get(), Some((item(1), false)));
        assert_eq!(q.get(), Some((item(2), false)));
        assert_eq!(q.get(), None);
    }

    #[test]
    fn overflow_moves_half_plus_one() {
        let q = Runq::new();
        for i in 0..RUNQ_SIZE {
            q.put(item(i), false, &mut no_overflow);
        }
        let mut moved = Vec::new();
        q.put(item(RUNQ_SIZE), false, &mut |b: &[*mut u64]| moved.extend_from_slice(b));
        // The oldest half, then the newcomer.
        let want: Vec<_> = (0..RUNQ_SIZE / 2).map(item).chain([item(RUNQ_SIZE)]).collect();
        assert_eq!(moved, want);
        for i in RUNQ_SIZE / 2..RUNQ_SIZE {
            assert_eq!(q.get(), Some((item(i), false)));
        }
        assert_eq!(q.get(), None);
    }

    #[test]
    fn indices_wrap() {
        let q = Runq::new();
        q.head.store(u32::MAX - 3, Ordering::Relaxed);
        q.tail.store(u32::MAX - 3, Ordering::Relaxed);
        for i in 0..8 {
            q.put(item(i), false, &mut no_overflow);
        }
        for i in 0..8 {
            assert_eq!(q.get(), Some((item(i), false)));
        }
    }
}
