//! Test program: 1000 goroutines sleep and yield for a while; the thread
//! count, read from /proc/self/status, stays near GOMAXPROCS plus sysmon.
//! Prints `gomaxprocs=P max_threads=T`.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;
use gort::sync::WaitGroup;
use rustix::fs::{Mode, OFlags};

gort::main!(main);

/// The Threads: line of /proc/self/status.
fn threads() -> u64 {
    let fd = rustix::fs::open("/proc/self/status", OFlags::RDONLY, Mode::empty()).expect("open status");
    let mut buf = [0u8; 4096];
    let n = rustix::io::read(&fd, &mut buf).expect("read status");
    let text = core::str::from_utf8(&buf[..n]).expect("utf8");
    text.lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("Threads line")
}

fn main() {
    let max = Arc::new(AtomicU64::new(0));
    let wg = Arc::new(WaitGroup::new());
    wg.add(1000);
    for i in 0..1000u64 {
        let (m, w) = (max.clone(), wg.clone());
        gort::go(move || {
            for j in 0..5 {
                if (i + j) % 2 == 0 { gort::sleep(Duration::from_micros(300)) } else { gort::gosched() }
            }
            if i % 50 == 0 {
                m.fetch_max(threads(), Ordering::Relaxed);
            }
            w.done();
        });
    }
    wg.wait();
    max.fetch_max(threads(), Ordering::Relaxed);
    gort::println!("gomaxprocs={} max_threads={}", gort::gomaxprocs(0), max.load(Ordering::Relaxed));
}
