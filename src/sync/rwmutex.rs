//! sync.RWMutex: many readers or one writer (Go's rwmutex.go).
//!
//! readerCount counts readers in, and is pushed negative by
//! MAX_READERS while a writer waits or holds the lock, so new readers
//! park on readerSem. readerWait counts the readers the writer still
//! waits for; the last of them wakes it on writerSem.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};

use super::Mutex;
use crate::runtime2::WaitReason;
use crate::sema::{semacquire, semrelease};

const MAX_READERS: i32 = 1 << 30;

/// A reader-writer lock around a T (Go's sync.RWMutex). A waiting writer
/// keeps new readers out, so writers are not starved.
#[derive(Debug, Default)]
pub struct RwLock<T> {
    w: Mutex<()>,
    writer_sem: AtomicU32,
    reader_sem: AtomicU32,
    reader_count: AtomicI32,
    reader_wait: AtomicI32,
    data: UnsafeCell<T>,
}

// SAFETY: shared access goes through read guards (T: Sync), exclusive
// access through the one write guard the protocol allows.
unsafe impl<T: Send + Sync> Sync for RwLock<T> {}
unsafe impl<T: Send> Send for RwLock<T> {}

/// Shared access; unlocks on drop.
#[derive(Debug)]
pub struct ReadGuard<'a, T> {
    l: &'a RwLock<T>,
}

/// Exclusive access; unlocks on drop.
#[derive(Debug)]
pub struct WriteGuard<'a, T> {
    l: &'a RwLock<T>,
    _w: super::MutexGuard<'a, ()>,
}

impl<T> RwLock<T> {
    pub const fn new(data: T) -> RwLock<T> {
        RwLock {
            w: Mutex::new(()),
            writer_sem: AtomicU32::new(0),
            reader_sem: AtomicU32::new(0),
            reader_count: AtomicI32::new(0),
            reader_wait: AtomicI32::new(0),
            data: UnsafeCell::new(data),
        }
    }

    /// Locks for reading (Go's RLock), parking while a writer holds or
    /// waits for the lock.
    pub fn read(&self) -> ReadGuard<'_, T> {
        if self.reader_count.fetch_add(1, Ordering::Acquire) + 1 < 0 {
            semacquire(&self.reader_sem, WaitReason::SyncRWMutexRLock);
        }
        ReadGuard { l: self }
    }

    /// Locks for writing (Go's Lock): first against other writers, then
    /// waits for the readers already in to leave.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let w = self.w.lock();
        let r = self.reader_count.fetch_sub(MAX_READERS, Ordering::Acquire);
        if r != 0 && self.reader_wait.fetch_add(r, Ordering::Acquire) + r != 0 {
            semacquire(&self.writer_sem, WaitReason::SyncRWMutexLock);
        }
        WriteGuard { l: self, _w: w }
    }

    fn read_unlock(&self) {
        let r = self.reader_count.fetch_sub(1, Ordering::Release) - 1;
        if r < 0 {
            if r + 1 == 0 || r + 1 == -MAX_READERS {
                crate::panic::fatal("sync: RUnlock of unlocked RWMutex");
            }
            // A writer waits: the last reader out wakes it.
            // AcqRel: the last reader out carries every earlier reader's
            // accesses to the writer it wakes.
            if self.reader_wait.fetch_sub(1, Ordering::AcqRel) - 1 == 0 {
                semrelease(&self.writer_sem);
            }
        }
    }

    fn write_unlock(&self) {
        let r = self.reader_count.fetch_add(MAX_READERS, Ordering::Release) + MAX_READERS;
        if r >= MAX_READERS {
            crate::panic::fatal("sync: Unlock of unlocked RWMutex");
        }
        for _ in 0..r {
            semrelease(&self.reader_sem);
        }
        // The writers' mutex is released when the guard's _w drops.
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: readers share; no writer holds the lock.
        unsafe { &*self.l.data.get() }
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {
        self.l.read_unlock();
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the writer is alone.
        unsafe { &*self.l.data.get() }
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the writer is alone and the guard is borrowed mutably.
        unsafe { &mut *self.l.data.get() }
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    fn drop(&mut self) {
        self.l.write_unlock();
    }
}
