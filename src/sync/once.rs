//! sync.Once: run something exactly once (Go's once.go).

use core::sync::atomic::{AtomicU32, Ordering};

use super::Mutex;

/// Runs a function exactly once, however many goroutines ask (Go's
/// sync.Once). Those that ask while it runs wait for it to finish.
#[derive(Debug, Default)]
pub struct Once {
    done: AtomicU32,
    m: Mutex<()>,
}

impl Once {
    pub const fn new() -> Once {
        Once { done: AtomicU32::new(0), m: Mutex::new(()) }
    }

    /// Calls f if no call_once of this Once has; returns once f has run.
    pub fn call_once(&self, f: impl FnOnce()) {
        if self.done.load(Ordering::Acquire) == 0 {
            self.call_slow(f);
        }
    }

    #[cold]
    fn call_slow(&self, f: impl FnOnce()) {
        let _g = self.m.lock();
        if self.done.load(Ordering::Relaxed) == 0 {
            f();
            self.done.store(1, Ordering::Release);
        }
    }
}
