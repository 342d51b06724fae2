//! sync.WaitGroup: wait for a collection of goroutines to finish.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use crate::runtime2::WaitReason;
use crate::sema::{semacquire, semrelease};

/// Waits for a count of goroutines to finish (Go's sync.WaitGroup). The
/// main goroutine calls `add` with the count; each goroutine calls `done`
/// when it ends; `wait` parks until the count is zero.
#[derive(Debug, Default)]
pub struct WaitGroup {
    /// The counter in the high 32 bits, waiters in the low 32.
    state: AtomicU64,
    sema: AtomicU32,
}

impl WaitGroup {
    pub const fn new() -> WaitGroup {
        WaitGroup { state: AtomicU64::new(0), sema: AtomicU32::new(0) }
    }

    /// Adds `delta`, which may be negative, to the counter. At zero, every
    /// waiter is released. A negative counter panics.
    pub fn add(&self, delta: i32) {
        let state = self.state.fetch_add((i64::from(delta) << 32) as u64, Ordering::AcqRel).wrapping_add((i64::from(delta) << 32) as u64);
        let v = (state >> 32) as i32;
        let w = state as u32;
        if v < 0 {
            panic!("sync: negative WaitGroup counter");
        }
        if w != 0 && delta > 0 && v == delta {
            panic!("sync: WaitGroup misuse: Add called concurrently with Wait");
        }
        if v > 0 || w == 0 {
            return;
        }
        // The counter is 0 and there are waiters: no one else may change
        // the state now, so reset it and wake them all.
        if self.state.load(Ordering::Acquire) != state {
            panic!("sync: WaitGroup misuse: Add called concurrently with Wait");
        }
        self.state.store(0, Ordering::Release);
        for _ in 0..w {
            semrelease(&self.sema);
        }
    }

    /// Decrements the counter by one.
    pub fn done(&self) {
        self.add(-1);
    }

    /// Parks until the counter is zero.
    pub fn wait(&self) {
        loop {
            let state = self.state.load(Ordering::Acquire);
            if state >> 32 == 0 {
                return;
            }
            if self.state.compare_exchange(state, state + 1, Ordering::AcqRel, Ordering::Relaxed).is_ok() {
                semacquire(&self.sema, WaitReason::SyncWaitGroupWait);
                if self.state.load(Ordering::Acquire) != 0 {
                    panic!("sync: WaitGroup is reused before previous Wait has returned");
                }
                return;
            }
        }
    }
}
