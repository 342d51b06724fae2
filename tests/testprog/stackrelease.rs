//! Test program: 4000 goroutines each dirty 32 KiB of their stacks, wait
//! for each other, and end. Their stacks stay mapped for reuse, but those
//! that reach the global free list give their pages back within a few
//! hundred ms. Prints the RSS (MiB, from /proc/self/statm) before, when
//! all have ended, and 500 ms later.
#![no_std]
#![no_main]

use core::time::Duration;
use gort::sync::WaitGroup;
use rustix::fs::{Mode, OFlags};

gort::main!(main);

static WG: WaitGroup = WaitGroup::new();
static GATE: WaitGroup = WaitGroup::new();

/// Resident pages, in MiB.
fn rss_mib() -> u64 {
    let fd = rustix::fs::open("/proc/self/statm", OFlags::RDONLY, Mode::empty()).expect("open statm");
    let mut buf = [0u8; 128];
    let n = rustix::io::read(&fd, &mut buf).expect("read statm");
    let pages: u64 = core::str::from_utf8(&buf[..n]).unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    pages * 4096 >> 20
}

#[inline(never)]
fn dirty() {
    let mut buf = [0u8; 32 << 10];
    for (i, b) in buf.iter_mut().enumerate() {
        *b = i as u8;
    }
    core::hint::black_box(&buf);
}

fn main() {
    let before = rss_mib();
    GATE.add(1);
    WG.add(4000);
    for _ in 0..4000 {
        gort::go(|| {
            dirty();
            GATE.wait(); // all 4000 stacks dirty at once
            WG.done();
        });
    }
    gort::sleep(Duration::from_millis(50));
    GATE.done();
    WG.wait();
    let after = rss_mib();
    gort::sleep(Duration::from_millis(500));
    gort::println!("before={before} after={after} later={}", rss_mib());
}
