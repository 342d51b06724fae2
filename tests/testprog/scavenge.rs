//! Test program: allocates 300 buffers of 1 MiB and touches them, frees
//! them all, then waits for the scavenger. Prints RSS (from
//! /proc/self/statm) and HeapReleased, in MiB, at each step:
//! `touched rss=R released=H`, `freed ...`, `waited ...`.
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
    gort::sleep(core::time::Duration::from_secs(1));
    report("waited");
}
