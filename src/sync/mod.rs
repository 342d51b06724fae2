//! Synchronisation that parks goroutines instead of threads (Go's sync).

mod waitgroup;

pub use waitgroup::WaitGroup;
