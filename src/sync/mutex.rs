//! sync.Mutex: mutual exclusion that parks goroutines (Go's mutex.go).
//!
//! The state word holds three flags and a count of parked waiters:
//! locked, woken (a waiter is awake and about to try, so Unlock need not
//! wake another) and starving. In normal mode a woken waiter competes
//! with newcomers (who, already running, usually win): fast, but a waiter
//! can lose for a long time. A waiter that has waited over 1 ms switches
//! the mutex to starvation mode: Unlock then hands it straight to the
//! first waiter, newcomers queue at the back without spinning, and the
//! mode ends when the last waiter is served or one waited under 1 ms.
//! Before parking, a goroutine spins a few rounds if that may pay off
//! (other Ps are running and its own has nothing queued).

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};

use crate::runtime2::WaitReason;
use crate::sema::{semacquire1, semrelease1};

const LOCKED: i32 = 1;
const WOKEN: i32 = 2;
const STARVING: i32 = 4;
const WAITER_SHIFT: u32 = 3;
const WAITER: i32 = 1 << WAITER_SHIFT;
/// How long a waiter waits before the mutex turns fair.
const STARVATION_THRESHOLD_NS: i64 = 1_000_000;

/// A mutual-exclusion lock around a T (Go's sync.Mutex, with the data
/// inside, Rust style). `lock` parks the goroutine, not the thread.
#[derive(Debug, Default)]
pub struct Mutex<T> {
    state: AtomicI32,
    sema: AtomicU32,
    data: UnsafeCell<T>,
}

// SAFETY: the data is only reached through a guard, and only one guard
// exists at a time: the state word ensures it.
unsafe impl<T: Send> Sync for Mutex<T> {}
unsafe impl<T: Send> Send for Mutex<T> {}

/// Proof of holding a Mutex; unlocks on drop. Since the guard is the only
/// way to unlock, Go's `sync: unlock of unlocked mutex` cannot happen.
#[derive(Debug)]
pub struct MutexGuard<'a, T> {
    m: &'a Mutex<T>,
}

impl<T> Mutex<T> {
    pub const fn new(data: T) -> Mutex<T> {
        Mutex { state: AtomicI32::new(0), sema: AtomicU32::new(0), data: UnsafeCell::new(data) }
    }

    /// Locks, parking the goroutine while another holds the lock.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        if self.state.compare_exchange(0, LOCKED, Ordering::Acquire, Ordering::Relaxed).is_err() {
            self.lock_slow();
        }
        MutexGuard { m: self }
    }

    /// Locks if free, at once; None if held.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        let old = self.state.load(Ordering::Relaxed);
        if old & (LOCKED | STARVING) != 0 {
            return None;
        }
        self.state
            .compare_exchange(old, old | LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| MutexGuard { m: self })
    }

    #[cold]
    fn lock_slow(&self) {
        let mut wait_start = 0;
        let mut starving = false;
        let mut awoke = false;
        let mut iter = 0;
        let mut old = self.state.load(Ordering::Relaxed);
        loop {
            // Spin while it is held (in normal mode) and spinning may pay.
            if old & (LOCKED | STARVING) == LOCKED && crate::proc::can_spin(iter) {
                // Tell Unlock not to wake anyone: we are awake.
                if !awoke
                    && old & WOKEN == 0
                    && old >> WAITER_SHIFT != 0
                    && self.state.compare_exchange(old, old | WOKEN, Ordering::Relaxed, Ordering::Relaxed).is_ok()
                {
                    awoke = true;
                }
                crate::proc::procyield(30);
                iter += 1;
                old = self.state.load(Ordering::Relaxed);
                continue;
            }
            let mut new = old;
            if old & STARVING == 0 {
                new |= LOCKED; // a starving mutex is handed over, not taken
            }
            if old & (LOCKED | STARVING) != 0 {
                new += WAITER;
            }
            if starving && old & LOCKED != 0 {
                new |= STARVING;
            }
            if awoke {
                if new & WOKEN == 0 {
                    crate::panic::throw("sync: inconsistent mutex state");
                }
                new &= !WOKEN;
            }
            if self.state.compare_exchange(old, new, Ordering::Acquire, Ordering::Relaxed).is_err() {
                old = self.state.load(Ordering::Relaxed);
                continue;
            }
            if old & (LOCKED | STARVING) == 0 {
                return; // took it
            }
            // Wait; a waiter that waited before goes to the front.
            let lifo = wait_start != 0;
            if wait_start == 0 {
                wait_start = crate::time::nanotime();
            }
            semacquire1(&self.sema, lifo, WaitReason::SyncMutexLock);
            starving = starving || crate::time::nanotime() - wait_start > STARVATION_THRESHOLD_NS;
            old = self.state.load(Ordering::Relaxed);
            if old & STARVING != 0 {
                // Handed to us. Fix the state: we hold it, one waiter less.
                if old & (LOCKED | WOKEN) != 0 || old >> WAITER_SHIFT == 0 {
                    crate::panic::throw("sync: inconsistent mutex state");
                }
                let mut delta = LOCKED - WAITER;
                if !starving || old >> WAITER_SHIFT == 1 {
                    delta -= STARVING; // the last waiter, or no longer starving
                }
                self.state.fetch_add(delta, Ordering::Acquire);
                return;
            }
            awoke = true;
            iter = 0;
        }
    }

    fn unlock(&self) {
        let new = self.state.fetch_sub(LOCKED, Ordering::Release) - LOCKED;
        if new != 0 {
            self.unlock_slow(new);
        }
    }

    #[cold]
    fn unlock_slow(&self, new: i32) {
        if (new + LOCKED) & LOCKED == 0 {
            crate::panic::fatal("sync: unlock of unlocked mutex");
        }
        if new & STARVING != 0 {
            // Hand it to the first waiter, and let it run now.
            semrelease1(&self.sema, true);
            return;
        }
        let mut old = new;
        loop {
            // No waiters, or someone already locked, woke or will hand it on.
            if old >> WAITER_SHIFT == 0 || old & (LOCKED | WOKEN | STARVING) != 0 {
                return;
            }
            let new = (old - WAITER) | WOKEN;
            match self.state.compare_exchange(old, new, Ordering::Release, Ordering::Relaxed) {
                Ok(_) => {
                    semrelease1(&self.sema, false);
                    return;
                }
                Err(cur) => old = cur,
            }
        }
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.m.data.get() }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock and is borrowed mutably.
        unsafe { &mut *self.m.data.get() }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.m.unlock();
    }
}
