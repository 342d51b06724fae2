//! Synchronisation that parks goroutines instead of threads (Go's sync).

mod mutex;
mod once;
mod rwmutex;
mod waitgroup;

pub use mutex::{Mutex, MutexGuard};
pub use once::Once;
pub use rwmutex::{ReadGuard, RwLock, WriteGuard};
pub use waitgroup::WaitGroup;
