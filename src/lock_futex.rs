//! The runtime's own locks, on Linux futexes (Go's lock_futex.go).
//!
//! `Mutex<T>`: a three-state futex mutex (unlocked, locked, locked with
//! sleepers). Uncontended lock and unlock are one atomic each; a contended
//! lock spins briefly, then sleeps in the kernel.
//!
//! `Note`: a one-shot event an M sleeps on (`notesleep`) until another
//! wakes it (`notewakeup`), optionally with a deadline.
//!
//! Both are for runtime code running on Ms: they block the whole thread,
//! never just a goroutine. Goroutines park with gopark instead.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU32, Ordering};

use rustix::thread::futex;

use crate::panic::throw;

const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1;
const SLEEPING: u32 = 2;

/// Spins before sleeping, each a short pause.
const ACTIVE_SPIN: u32 = 4;
const ACTIVE_SPIN_CNT: u32 = 30;

/// A mutual-exclusion lock around a T, for runtime data.
pub struct Mutex<T> {
    key: AtomicU32,
    data: UnsafeCell<T>,
}

// SAFETY: the data is only reached through a guard, and only one guard
// exists at a time: that is what the key ensures.
unsafe impl<T: Send> Sync for Mutex<T> {}
unsafe impl<T: Send> Send for Mutex<T> {}

impl<T> Mutex<T> {
    pub const fn new(data: T) -> Mutex<T> {
        Mutex { key: AtomicU32::new(UNLOCKED), data: UnsafeCell::new(data) }
    }

    pub fn lock(&self) -> MutexGuard<'_, T> {
        if self.key.compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed).is_err() {
            self.lock_slow();
        }
        MutexGuard { lock: self }
    }

    /// The lock if it is free now (for crash reports, which must not wait
    /// for a lock the failing thread may hold).
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        self.key
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
            .then_some(MutexGuard { lock: self })
    }

    #[cold]
    fn lock_slow(&self) {
        // From here on the key is set to SLEEPING whenever we take it, since
        // we cannot know whether others still sleep.
        let mut wait = LOCKED;
        loop {
            for _ in 0..ACTIVE_SPIN {
                for _ in 0..ACTIVE_SPIN_CNT {
                    core::hint::spin_loop();
                }
                if self.key.load(Ordering::Relaxed) == UNLOCKED
                    && self.key.compare_exchange(UNLOCKED, wait, Ordering::Acquire, Ordering::Relaxed).is_ok()
                {
                    return;
                }
            }
            wait = SLEEPING;
            if self.key.swap(SLEEPING, Ordering::Acquire) == UNLOCKED {
                return;
            }
            // Sleep while the key is SLEEPING; EAGAIN (it changed) and EINTR
            // are both reasons to look again.
            let _ = futex::wait(&self.key, futex::Flags::PRIVATE, SLEEPING, None);
        }
    }

    /// The data, for a holder of the lock whose guard was forgotten (a
    /// select holding several channel locks at once).
    pub fn data_ptr(&self) -> *mut T {
        self.data.get()
    }

    /// Unlocks a lock whose guard was forgotten: for gopark callbacks,
    /// which release a lock on g0 after the goroutine holding it parked.
    ///
    /// # Safety
    /// The lock is held, and its guard was `mem::forget`-ed.
    pub unsafe fn force_unlock(&self) {
        self.unlock();
    }

    /// After the swap the lock may already belong to someone else, or be
    /// freed (a channel whose last user was just woken): nothing but the
    /// futex wake touches it, and a stray wake is harmless to any sleeper.
    fn unlock(&self) {
        match self.key.swap(UNLOCKED, Ordering::Release) {
            UNLOCKED => throw("unlock of unlocked lock"),
            SLEEPING => {
                let _ = futex::wake(&self.key, futex::Flags::PRIVATE, 1);
            }
            _ => {}
        }
    }
}

/// Proof of holding a Mutex; unlocks on drop.
pub struct MutexGuard<'a, T> {
    lock: &'a Mutex<T>,
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock, so no other reference exists.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as above, and the guard is borrowed mutably.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.unlock();
    }
}

/// A one-shot sleep/wake-up event for Ms (Go's note). The key is 0
/// (clear) or 1 (woken). A wake-up that comes before the sleep is not
/// lost: the sleeper finds the key set and does not sleep.
pub struct Note {
    key: AtomicU32,
}

impl Note {
    pub const fn new() -> Note {
        Note { key: AtomicU32::new(0) }
    }

    /// Makes the note ready to be slept on again. Only the sleeper clears,
    /// and only once it has seen the wake-up.
    pub fn clear(&self) {
        self.key.store(0, Ordering::Relaxed);
    }

    /// Wakes the sleeper, now or when it comes to sleep. At most once per
    /// clear: a second wake-up is a runtime bug.
    pub fn wakeup(&self) {
        if self.key.swap(1, Ordering::Release) != 0 {
            throw("notewakeup - double wakeup");
        }
        let _ = futex::wake(&self.key, futex::Flags::PRIVATE, 1);
    }

    /// Sleeps until `wakeup`. Runs on g0: it blocks the whole thread.
    pub fn sleep(&self) {
        while self.key.load(Ordering::Acquire) == 0 {
            let _ = futex::wait(&self.key, futex::Flags::PRIVATE, 0, None);
        }
    }

    /// Sleeps until `wakeup` or until nanotime reaches `deadline`.
    /// Returns whether it was woken.
    pub fn sleep_until(&self, deadline: i64) -> bool {
        loop {
            if self.key.load(Ordering::Acquire) != 0 {
                return true;
            }
            let left = deadline - crate::time::nanotime();
            if left <= 0 {
                return false;
            }
            let ts = futex::Timespec { tv_sec: left / 1_000_000_000, tv_nsec: left % 1_000_000_000 };
            let _ = futex::wait(&self.key, futex::Flags::PRIVATE, 0, Some(&ts));
        }
    }
}
