//! Test program: what close does. With no argument: buffered values are
//! drained in order after close, then receives get None at once, and
//! goroutines parked receiving are woken with None. With `send` or
//! `close`: a send on, or a second close of, a closed channel panics.
#![no_std]
#![no_main]

use gort::sync::WaitGroup;

gort::main!(main);

static WG: WaitGroup = WaitGroup::new();

fn main() {
    match gort::args().get(1).map(|a| &a[..]) {
        Some(b"send") => {
            let c = gort::chan::<i32>(1);
            c.close();
            c.send(1);
        }
        Some(b"close") => {
            let c = gort::chan::<i32>(0);
            c.close();
            c.close();
        }
        _ => {}
    }
    let c = gort::chan::<i32>(3);
    for v in [1, 2, 3] {
        c.send(v);
    }
    gort::println!("len={} cap={}", c.len(), c.cap());
    c.close();
    let mut got = [0; 3];
    for slot in &mut got {
        *slot = c.recv().expect("buffered value");
    }
    gort::println!("drained {:?}, then {:?} {:?}", got, c.recv(), c.recv());

    let u = gort::chan::<i32>(0);
    WG.add(3);
    for _ in 0..3 {
        let u = u.clone();
        gort::go(move || {
            let r = u.recv();
            gort::println!("parked receiver woke with {r:?}");
            WG.done();
        });
    }
    gort::sleep(core::time::Duration::from_millis(20)); // let them park
    u.close();
    WG.wait();
}
