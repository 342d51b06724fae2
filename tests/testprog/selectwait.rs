//! Test program: select parks on several channels at once and the first
//! partner wins; its other entries are gone afterwards; default runs when
//! nothing is ready; a closed channel is ready. With `send`, a select
//! sending on a closed channel panics; with `deadlock`, a select nothing
//! can satisfy is reported as `[select]`.
#![no_std]
#![no_main]

use core::time::Duration;

gort::main!(main);

fn main() {
    let (a, b, c) = (gort::chan::<i32>(0), gort::chan::<i32>(0), gort::chan::<i32>(0));
    match gort::args().get(1).map(|a| &a[..]) {
        Some(b"send") => {
            c.close();
            gort::select! {
                send(c, 1) => { gort::println!("not reached"); },
                recv(a) -> _v => { gort::println!("not reached"); },
            }
        }
        Some(b"deadlock") => {
            gort::select! {
                recv(a) -> _v => {},
                send(b, 1) => {},
            }
        }
        _ => {}
    }

    let feed = b.clone();
    gort::go(move || {
        gort::sleep(Duration::from_millis(20));
        feed.send(5);
    });
    gort::select! {
        recv(a) -> v => { gort::println!("a {v:?}"); },
        recv(b) -> v => { gort::println!("b {v:?}"); },
        send(c, 7) => { gort::println!("sent 7 on c"); },
    }

    // The select's entry on c is gone: a new receiver gets 8, not 7.
    let rc = c.clone();
    gort::go(move || {
        gort::println!("c got {:?}", rc.recv());
    });
    c.send(8);
    gort::sleep(Duration::from_millis(10));

    gort::select! {
        recv(a) -> _v => { gort::println!("not ready"); },
        default => { gort::println!("default"); },
    }

    a.close();
    gort::select! {
        recv(a) -> v => { gort::println!("closed a gives {v:?}"); },
        recv(b) -> _v => { gort::println!("b is not ready"); },
    }
}
