//! The memory example: watch the heap commit memory only when it is
//! touched.
//!
//! Prints the process's virtual size (VMS) and resident set (RSS), read
//! from /proc/self/statm, in MiB: at start; after allocating ten zeroed
//! 1 MiB buffers (RSS stays put: zeroed pages fresh from the kernel are
//! not touched until used); and after touching each buffer in turn (RSS
//! grows by about 1 MiB each time). Then the heap's statistics, from
//! `gort::read_memstats`.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec;
use alloc::vec::Vec;

use rustix::fs::{Mode, OFlags};

gort::main!(main);

const MIB: f64 = (1 << 20) as f64;

/// (VMS, RSS) in bytes, from /proc/self/statm (sizes in 4 KiB pages).
fn statm() -> (u64, u64) {
    let fd = rustix::fs::open("/proc/self/statm", OFlags::RDONLY, Mode::empty()).expect("open /proc/self/statm");
    let mut buf = [0u8; 128];
    let n = rustix::io::read(&fd, &mut buf).expect("read /proc/self/statm");
    let text = core::str::from_utf8(&buf[..n]).expect("statm is text");
    let mut fields = text.split(' ').map(|f| f.parse::<u64>().expect("statm holds numbers"));
    let (vms, rss) = (fields.next().unwrap(), fields.next().unwrap());
    (vms * 4096, rss * 4096)
}

fn show(step: &str) {
    let (vms, rss) = statm();
    gort::println!("{:<22} VMS {:7.1} MiB  RSS {:5.1} MiB", step, vms as f64 / MIB, rss as f64 / MIB);
}

fn main() {
    show("start");
    let mut bufs: Vec<Vec<u8>> = (0..10).map(|_| vec![0u8; 1 << 20]).collect();
    show("10 x 1 MiB allocated");
    for (i, b) in bufs.iter_mut().enumerate() {
        // One write per page commits the page.
        for page in b.chunks_mut(4096) {
            page[0] = 1;
        }
        show(&alloc::format!("buffer {} touched", i + 1));
    }

    let m = gort::read_memstats();
    gort::println!();
    gort::println!("HeapAlloc    {:>12}  bytes of live objects", m.heap_alloc);
    gort::println!("HeapInuse    {:>12}  bytes in spans in use", m.heap_inuse);
    gort::println!("HeapIdle     {:>12}  bytes in free spans", m.heap_idle);
    gort::println!("HeapReleased {:>12}  of which cost no memory", m.heap_released);
    gort::println!("HeapSys      {:>12}  heap address space reserved", m.heap_sys);
    gort::println!("HeapObjects  {:>12}  live objects (Mallocs - Frees)", m.heap_objects);
    gort::println!("Mallocs      {:>12}", m.mallocs);
    gort::println!("Frees        {:>12}", m.frees);
    gort::println!("Spans        {:>12}  in use", m.spans_inuse);
    gort::println!("StackInuse   {:>12}  bytes of goroutine stacks", m.stack_inuse);
    gort::println!("StackSys     {:>12}  stack address space reserved", m.stack_sys);
    gort::println!("Sys          {:>12}  all of it", m.sys);
    drop(bufs);
}
