//! Test program: main and 10 goroutines sleep 200 ms. Prints the CPU
//! time the process used, from /proc/self/stat (in clock ticks of 10 ms).
#![no_std]
#![no_main]

use core::time::Duration;
use gort::sync::WaitGroup;
use rustix::fs::{Mode, OFlags};

gort::main!(main);

static WG: WaitGroup = WaitGroup::new();

/// utime + stime of the whole process, in clock ticks.
fn cpu_ticks() -> u64 {
    let fd = rustix::fs::open("/proc/self/stat", OFlags::RDONLY, Mode::empty()).expect("open stat");
    let mut buf = [0u8; 1024];
    let n = rustix::io::read(&fd, &mut buf).expect("read stat");
    let text = core::str::from_utf8(&buf[..n]).expect("utf8");
    // Fields after the command name (which ends with ')'): utime is the
    // 12th, stime the 13th.
    let rest = &text[text.rfind(')').expect("comm") + 2..];
    let f: alloc::vec::Vec<u64> = rest.split(' ').skip(11).take(2).map(|v| v.parse().unwrap()).collect();
    f[0] + f[1]
}

extern crate alloc;

fn main() {
    WG.add(10);
    for _ in 0..10 {
        gort::go(|| {
            gort::sleep(Duration::from_millis(200));
            WG.done();
        });
    }
    let start = gort::nanotime();
    gort::sleep(Duration::from_millis(200));
    WG.wait();
    let ms = (gort::nanotime() - start) / 1_000_000;
    gort::println!("slept_ms={} cpu_ticks={}", ms, cpu_ticks());
}
