//! Test program: two goroutines pass a counter back and forth forever;
//! main waits for a WaitGroup one of them marks early on. The pair hands
//! off through runnext, sharing one time slice: once sysmon says it is
//! spent, the next park gives the rest of the P's queue (main) a turn.
//! Prints `main ran`.
#![no_std]
#![no_main]

use gort::sync::WaitGroup;

gort::main!(main);

static WG: WaitGroup = WaitGroup::new();

fn main() {
    let (a, b) = (gort::chan::<u32>(0), gort::chan::<u32>(0));
    WG.add(1);
    let (a1, b1) = (a.clone(), b.clone());
    gort::go(move || loop {
        let v = a1.recv().unwrap();
        b1.send(v + 1);
    });
    gort::go(move || {
        let mut i = 0;
        loop {
            a.send(i);
            if i == 1000 {
                WG.done();
            }
            i = b.recv().unwrap();
        }
    });
    WG.wait();
    gort::println!("main ran");
}
