//! Test program: lock_os_thread. An init locks goroutine 1, so main runs
//! on the main thread (tid == pid). A goroutine that locks itself keeps
//! its tid across sleeps and yields while others come and go, and its
//! thread ends with it. Prints one line per check.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;
use gort::sync::WaitGroup;

gort::init!(MAIN = "main", imports [], inits [init]);
gort::main!(main, init = MAIN);

fn tid() -> i32 {
    rustix::thread::gettid().as_raw_nonzero().get()
}

fn init() {
    gort::lock_os_thread();
}

fn main() {
    let pid = rustix::process::getpid().as_raw_nonzero().get();
    gort::println!("main on main thread: {}", tid() == pid);

    let wg = Arc::new(WaitGroup::new());
    let same = Arc::new(AtomicBool::new(true));
    wg.add(1);
    let (w, s) = (wg.clone(), same.clone());
    gort::go(move || {
        gort::lock_os_thread();
        let mine = tid();
        for i in 0..50 {
            if i % 2 == 0 { gort::gosched() } else { gort::sleep(Duration::from_micros(100)) }
            if tid() != mine {
                s.store(false, Ordering::Relaxed);
            }
        }
        w.done();
    });
    // Other goroutines keep the Ps busy meanwhile.
    let busy = Arc::new(WaitGroup::new());
    busy.add(20);
    for _ in 0..20 {
        let b = busy.clone();
        gort::go(move || {
            for _ in 0..50 {
                gort::gosched();
            }
            b.done();
        });
    }
    wg.wait();
    busy.wait();
    gort::println!("locked goroutine kept its thread: {}", same.load(Ordering::Relaxed));
    for _ in 0..10 {
        gort::sleep(Duration::from_micros(200));
    }
    gort::println!("main still on main thread: {}", tid() == pid);
}
