//! Semaphores that park goroutines (Go's sema.go): the sleeping half of
//! the sync package.
//!
//! A semaphore is any u32 counter. semacquire takes a unit if there is
//! one, else parks the goroutine on a wait list; semrelease adds a unit
//! and readies one waiter, which takes it (or, if another goroutine got
//! there first, waits again). Waiters for all semaphores share 251 lists,
//! chosen by address, each with its own lock; a waiter's list entry lives
//! on its own stack, which stays put while it is parked.

use core::ptr;
use core::sync::atomic::{AtomicU32, Ordering};

use crate::lock_futex::Mutex;
use crate::proc::{getg, gopark, goready};
use crate::runtime2::{G, WaitReason};

/// A parked goroutine waiting on the semaphore at `addr` (Go's sudog).
struct Waiter {
    gp: *mut G,
    addr: usize,
    next: *mut Waiter,
    /// Set by a hand-off release: the unit is already ours.
    ticket: bool,
}

/// One wait list.
struct Root {
    /// Waiters on this list, read without the lock to skip it when empty.
    nwait: AtomicU32,
    /// FIFO of waiters: (head, tail).
    queue: Mutex<(*mut Waiter, *mut Waiter)>,
}

// SAFETY: the waiter pointers are followed only under the list's lock.
unsafe impl Sync for Root {}

const SEMTABSZ: usize = 251;

static SEMTABLE: [Root; SEMTABSZ] =
    [const { Root { nwait: AtomicU32::new(0), queue: Mutex::new((ptr::null_mut(), ptr::null_mut())) } }; SEMTABSZ];

fn semroot(addr: &AtomicU32) -> &'static Root {
    &SEMTABLE[(addr as *const AtomicU32 as usize >> 3) % SEMTABSZ]
}

/// Takes a unit if there is one.
fn cansemacquire(addr: &AtomicU32) -> bool {
    let mut v = addr.load(Ordering::SeqCst);
    while v > 0 {
        match addr.compare_exchange_weak(v, v - 1, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => return true,
            Err(cur) => v = cur,
        }
    }
    false
}

/// Go's semacquire: wait until the counter is positive and decrement it.
/// Parks the goroutine meanwhile, with `reason` as its wait reason.
pub fn semacquire(addr: &AtomicU32, reason: WaitReason) {
    semacquire1(addr, false, reason);
}

/// semacquire, queueing at the front if `lifo` (a waiter that has
/// waited before goes first: Go's sync.Mutex uses it).
pub fn semacquire1(addr: &AtomicU32, lifo: bool, reason: WaitReason) {
    if cansemacquire(addr) {
        return;
    }
    let root = semroot(addr);
    loop {
        let mut q = root.queue.lock();
        // SeqCst here and in semrelease: each side writes one word and then
        // reads the other's, so they must not both see the old values.
        root.nwait.fetch_add(1, Ordering::SeqCst);
        if cansemacquire(addr) {
            root.nwait.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        let mut w = Waiter { gp: getg(), addr: addr as *const _ as usize, next: ptr::null_mut(), ticket: false };
        let wp: *mut Waiter = &mut w;
        // SAFETY: under the lock; w stays on this stack until dequeued.
        unsafe {
            if lifo {
                w.next = q.0;
                q.0 = wp;
                if q.1.is_null() {
                    q.1 = wp;
                }
            } else {
                if q.1.is_null() {
                    q.0 = wp;
                } else {
                    (*q.1).next = wp;
                }
                q.1 = wp;
            }
        }
        // The list's lock is released on g0 once we are parked, so a
        // releaser can never ready us before we sleep.
        core::mem::forget(q);
        gopark(Some(unlock_root), root as *const Root as *mut u8, reason);
        if w.ticket || cansemacquire(addr) {
            return;
        }
    }
}

/// gopark's callback: release the wait list's lock.
fn unlock_root(_gp: *mut G, root: *mut u8) -> bool {
    // SAFETY: semacquire locked this root and forgot its guard.
    unsafe { (*root.cast::<Root>()).queue.force_unlock() };
    true
}

/// Go's semrelease: increment the counter and wake one waiter, if any.
pub fn semrelease(addr: &AtomicU32) {
    semrelease1(addr, false);
}

/// semrelease; with `handoff`, the unit goes straight to the woken
/// waiter, which then runs in our place (we yield): Go's starving
/// sync.Mutex passes itself on this way.
pub fn semrelease1(addr: &AtomicU32, handoff: bool) {
    addr.fetch_add(1, Ordering::SeqCst);
    let root = semroot(addr);
    if root.nwait.load(Ordering::SeqCst) == 0 {
        return;
    }
    let mut q = root.queue.lock();
    if root.nwait.load(Ordering::SeqCst) == 0 {
        return;
    }
    let key = addr as *const _ as usize;
    let mut prev: *mut Waiter = ptr::null_mut();
    let mut w = q.0;
    // SAFETY: the waiters on the list are parked and their entries live
    // on their stacks; we hold the list's lock.
    let (gp, handed) = unsafe {
        while !w.is_null() && (*w).addr != key {
            prev = w;
            w = (*w).next;
        }
        if w.is_null() {
            return;
        }
        let next = (*w).next;
        if prev.is_null() {
            q.0 = next;
        } else {
            (*prev).next = next;
        }
        if q.1 == w {
            q.1 = prev;
        }
        let handed = handoff && cansemacquire(addr);
        if handed {
            (*w).ticket = true;
        }
        ((*w).gp, handed) // read before the waiter can run and reuse its stack
    };
    root.nwait.fetch_sub(1, Ordering::SeqCst);
    drop(q);
    goready(gp);
    if handed {
        // The waiter owns the unit now: let it run at once (Go's goyield).
        crate::proc::goyield();
    }
}
