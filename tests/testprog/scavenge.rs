//! Test program: allocates 300 buffers of 1 MiB and touches them, frees
//! them all, then waits 1 s for the scavenger. Prints RSS (from
//! /proc/self/statm) and HeapReleased, in MiB, at each step:
//! `touched rss=R released=H`, `freed ...`, `waited ...`. With the
//! argument `churn` it allocates, touches and frees 32 MiB every 20 ms
//! while it waits, next to the idle pages.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec;
use alloc::vec::Vec;

gort::main!(main);

const MIB: usize = 1 << 20;

fn rss_mib() -> usize {
    let mut buf = [0u8; 128];
    let fd = rustix::fs::open("/proc/self/statm", rustix::fs::OFlags::RDONLY, rustix::fs::Mode::empty()).unwrap();
    let n = rustix::io::read(&fd, &mut buf).unwrap();
    let text = core::str::from_utf8(&buf[..n]).unwrap();
    let pages: usize = text.split(' ').nth(1).unwrap().parse().unwrap();
    pages * 4096 / MIB
}

fn report(step: &str) {
    let m = gort::read_memstats();
    gort::println!("{step} rss={} released={}", rss_mib(), m.heap_released as usize / MIB);
}

fn main() {
    let mut bufs: Vec<Vec<u8>> = Vec::new();
    for i in 0..300 {
        bufs.push(vec![i as u8 | 1; MIB]);
    }
    report("touched");
    drop(bufs);
    report("freed");
    let churn = gort::args().get(1).is_some_and(|a| a == b"churn");
    let t = gort::nanotime();
    while gort::nanotime() - t < 1_000_000_000 {
        if churn {
            let v = vec![1u8; 32 * MIB];
            core::hint::black_box(&v);
        }
        gort::sleep(core::time::Duration::from_millis(20));
    }
    report("waited");
}
