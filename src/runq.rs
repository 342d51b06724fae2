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
//! A P with nothing to run steals half of another P's ring into its own
//! (Go's runqsteal). The victim's runnext is taken only on request (the
//! last of several passes) and after a short pause if the victim is
//! running, because a runnext G is usually about to be run by its own P:
//! taking it would only bounce it between threads.
//!
//! The queue holds raw `*mut T` and never dereferences them, so the logic
//! is tested on the host with any T.

use core::ptr;
use core::sync::atomic::Ordering;

// Under loom (host tests only) the atomics are loom's, which explores
// every interleaving of the model, and the ring is small enough for that
// to finish.
#[cfg(loom)]
use loom::sync::atomic::{AtomicPtr, AtomicU32};
#[cfg(not(loom))]
use core::sync::atomic::{AtomicPtr, AtomicU32};

/// Slots in the ring. A power of two, so indices wrap with a mask.
#[cfg(not(loom))]
pub const RUNQ_SIZE: usize = 256;
#[cfg(loom)]
pub const RUNQ_SIZE: usize = 4;

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
            ring: core::array::from_fn(|_| AtomicPtr::new(ptr::null_mut())),
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
    #[cold]
    #[inline(never)]
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

    /// Takes runnext alone, if set. Owner only.
    pub fn take_runnext(&self) -> Option<*mut T> {
        let next = self.runnext.swap(ptr::null_mut(), Ordering::AcqRel);
        (!next.is_null()).then_some(next)
    }

    /// Goroutines in the ring, runnext not included. A snapshot.
    pub fn ring_len(&self) -> u32 {
        let h = self.head.load(Ordering::Acquire);
        self.tail.load(Ordering::Acquire).wrapping_sub(h)
    }

    /// Whether the ring is full: the next put would spill half of it to
    /// the overflow. A snapshot; meaningful to the owner.
    pub fn is_full(&self) -> bool {
        self.ring_len() as usize >= RUNQ_SIZE
    }

    /// Whether nothing is queued, runnext included (Go's runqempty). The
    /// head, tail and runnext are read until they agree, so a G moving
    /// from runnext to the ring is never missed.
    pub fn is_empty(&self) -> bool {
        loop {
            let head = self.head.load(Ordering::Acquire);
            let tail = self.tail.load(Ordering::Acquire);
            let next = self.runnext.load(Ordering::Acquire);
            if tail == self.tail.load(Ordering::Acquire) {
                return head == tail && next.is_null();
            }
        }
    }

    /// Steals about half of `victim`'s goroutines into this queue and
    /// returns one of them to run (Go's runqsteal). Only this queue's
    /// owner may call it. With `steal_runnext`, the victim's runnext is
    /// taken when its ring is empty, after `backoff` (which should pause
    /// briefly when the victim is running).
    pub fn steal(&self, victim: &Runq<T>, steal_runnext: bool, backoff: &dyn Fn()) -> Option<*mut T> {
        let t = self.tail.load(Ordering::Relaxed);
        let n = self.grab(victim, t, steal_runnext, backoff);
        if n == 0 {
            return None;
        }
        let n = n - 1;
        let gp = self.ring[t.wrapping_add(n) as usize % RUNQ_SIZE].load(Ordering::Relaxed);
        if n == 0 {
            return Some(gp);
        }
        let h = self.head.load(Ordering::Acquire);
        if t.wrapping_sub(h).wrapping_add(n) >= RUNQ_SIZE as u32 {
            panic!("runqsteal: runq overflow");
        }
        self.tail.store(t.wrapping_add(n), Ordering::Release); // publish the rest
        Some(gp)
    }

    /// Copies half of victim's ring into this ring from slot `batch_head`
    /// on, without publishing it; returns how many (Go's runqgrab).
    fn grab(&self, victim: &Runq<T>, batch_head: u32, steal_runnext: bool, backoff: &dyn Fn()) -> u32 {
        loop {
            let h = victim.head.load(Ordering::Acquire);
            let t = victim.tail.load(Ordering::Acquire);
            let mut n = t.wrapping_sub(h);
            n -= n / 2;
            if n == 0 {
                if steal_runnext {
                    let next = victim.runnext.load(Ordering::Acquire);
                    if !next.is_null() {
                        backoff();
                        if victim
                            .runnext
                            .compare_exchange(next, ptr::null_mut(), Ordering::AcqRel, Ordering::Relaxed)
                            .is_err()
                        {
                            continue;
                        }
                        self.ring[batch_head as usize % RUNQ_SIZE].store(next, Ordering::Relaxed);
                        return 1;
                    }
                }
                return 0;
            }
            if n > RUNQ_SIZE as u32 / 2 {
                continue; // read h and t at different times: try again
            }
            for i in 0..n {
                let g = victim.ring[h.wrapping_add(i) as usize % RUNQ_SIZE].load(Ordering::Relaxed);
                self.ring[batch_head.wrapping_add(i) as usize % RUNQ_SIZE].store(g, Ordering::Relaxed);
            }
            if victim
                .head
                .compare_exchange(h, h.wrapping_add(n), Ordering::Release, Ordering::Relaxed)
                .is_ok()
            {
                return n;
            }
        }
    }
}


#[cfg(all(test, not(loom)))]
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

    #[test]
    fn steal_takes_half_rounded_up_and_returns_one() {
        let victim = Runq::new();
        let thief = Runq::new();
        for i in 0..5 {
            victim.put(item(i), false, &mut no_overflow);
        }
        // 5 queued: the thief takes 3 (0, 1, 2), runs the last of them.
        assert_eq!(thief.steal(&victim, false, &|| {}), Some(item(2)));
        assert_eq!(thief.get(), Some((item(0), false)));
        assert_eq!(thief.get(), Some((item(1), false)));
        assert_eq!(thief.get(), None);
        assert_eq!(victim.ring_len(), 2);
        assert_eq!(victim.get(), Some((item(3), false)));
    }

    #[test]
    fn runnext_is_stolen_only_when_asked_and_after_backoff() {
        let victim = Runq::new();
        let thief = Runq::new();
        victim.put(item(9), true, &mut no_overflow);
        assert!(!victim.is_empty());
        assert_eq!(thief.steal(&victim, false, &|| panic!("no backoff")), None);
        let backed_off = std::cell::Cell::new(false);
        assert_eq!(thief.steal(&victim, true, &|| backed_off.set(true)), Some(item(9)));
        assert!(backed_off.get());
        assert!(victim.is_empty());
    }

    #[test]
    fn concurrent_stealers_lose_and_duplicate_nothing() {
        use std::sync::Arc;
        use std::sync::atomic::AtomicBool;
        const N: usize = 200_000;
        let owner = Arc::new(Runq::<u64>::new());
        let done = Arc::new(AtomicBool::new(false));
        let thieves: Vec<_> = (0..3)
            .map(|_| {
                let (owner, done) = (owner.clone(), done.clone());
                std::thread::spawn(move || {
                    let mine = Runq::<u64>::new();
                    let mut got = Vec::new();
                    while !done.load(Ordering::Acquire) || !owner.is_empty() {
                        if let Some(g) = mine.steal(&owner, true, &|| {}) {
                            got.push(g as usize);
                            while let Some((g, _)) = mine.get() {
                                got.push(g as usize);
                            }
                        }
                    }
                    got
                })
            })
            .collect();
        let mut spilled = Vec::new();
        let mut mine = Vec::new();
        for i in 0..N {
            owner.put(item(i), i % 7 == 0, &mut |b: &[*mut u64]| spilled.extend(b.iter().map(|&g| g as usize)));
            if i % 3 == 0
                && let Some((g, _)) = owner.get()
            {
                mine.push(g as usize);
            }
        }
        done.store(true, Ordering::Release);
        while let Some((g, _)) = owner.get() {
            mine.push(g as usize);
        }
        let mut all: Vec<usize> = thieves.into_iter().flat_map(|t| t.join().unwrap()).collect();
        all.extend(mine);
        all.extend(spilled);
        all.sort_unstable();
        let want: Vec<usize> = (0..N).map(|i| item(i) as usize).collect();
        assert_eq!(all.len(), N, "lost or duplicated goroutines");
        assert_eq!(all, want);
    }
}

/// Model checks: every interleaving of an owner and thieves on a ring of
/// 4 loses no goroutine and runs none twice. Run with
/// `RUSTFLAGS="--cfg loom" cargo test --release --lib runq`.
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;
    use loom::thread;

    fn item(i: usize) -> *mut u64 {
        (0x1000 + i * 8) as *mut u64
    }

    fn sorted(mut v: Vec<usize>) -> Vec<usize> {
        v.sort_unstable();
        v
    }

    /// The owner puts 5 (one more than the ring holds, so one overflow
    /// batch) and takes some back while a thief steals.
    #[test]
    fn owner_and_thief() {
        loom::model(|| {
            let q = Arc::new(Runq::<u64>::new());
            let thief = {
                let q = q.clone();
                thread::spawn(move || {
                    let mine = Runq::<u64>::new();
                    let mut got = Vec::new();
                    if let Some(g) = mine.steal(&q, true, &|| {}) {
                        got.push(g as usize);
                        while let Some((g, _)) = mine.get() {
                            got.push(g as usize);
                        }
                    }
                    got
                })
            };
            let mut got = Vec::new();
            for i in 0..5 {
                q.put(item(i), i == 2, &mut |b: &[*mut u64]| got.extend(b.iter().map(|&g| g as usize)));
            }
            if let Some((g, _)) = q.get() {
                got.push(g as usize);
            }
            got.extend(thief.join().unwrap());
            while let Some((g, _)) = q.get() {
                got.push(g as usize);
            }
            assert_eq!(sorted(got), (0..5).map(|i| item(i) as usize).collect::<Vec<_>>());
        });
    }

    /// Two thieves race for the same victim's ring and runnext.
    #[test]
    fn two_thieves() {
        loom::model(|| {
            let q = Arc::new(Runq::<u64>::new());
            q.put(item(0), false, &mut |_| unreachable!());
            q.put(item(1), false, &mut |_| unreachable!());
            q.put(item(2), true, &mut |_| unreachable!());
            let thieves: Vec<_> = (0..2)
                .map(|_| {
                    let q = q.clone();
                    thread::spawn(move || {
                        let mine = Runq::<u64>::new();
                        let mut got = Vec::new();
                        while let Some(g) = mine.steal(&q, true, &|| {}) {
                            got.push(g as usize);
                            while let Some((g, _)) = mine.get() {
                                got.push(g as usize);
                            }
                        }
                        got
                    })
                })
                .collect();
            let mut got: Vec<usize> = thieves.into_iter().flat_map(|t| t.join().unwrap()).collect();
            while let Some((g, _)) = q.get() {
                got.push(g as usize);
            }
            assert_eq!(sorted(got), (0..3).map(|i| item(i) as usize).collect::<Vec<_>>());
        });
    }
}
