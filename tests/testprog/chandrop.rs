//! Test program: every value sent is dropped exactly once: by whoever
//! receives it, or by the channel when its last handle goes with values
//! still buffered. Prints `created=N dropped=N`.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicUsize, Ordering};
use gort::sync::WaitGroup;

gort::main!(main);

static CREATED: AtomicUsize = AtomicUsize::new(0);
static DROPPED: AtomicUsize = AtomicUsize::new(0);
static WG: WaitGroup = WaitGroup::new();

struct Token;

impl Token {
    fn new() -> Token {
        CREATED.fetch_add(1, Ordering::Relaxed);
        Token
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

fn main() {
    // Through an unbuffered channel, from parked senders.
    let c = gort::chan::<Token>(0);
    WG.add(10);
    for _ in 0..10 {
        let c = c.clone();
        gort::go(move || {
            c.send(Token::new());
            WG.done();
        });
    }
    for _ in 0..10 {
        drop(c.recv());
    }
    WG.wait();
    // Left in a buffered channel when the last handle goes.
    let b = gort::chan::<Token>(8);
    for _ in 0..5 {
        b.send(Token::new());
    }
    drop(b.recv());
    drop(b);
    gort::println!("created={} dropped={}", CREATED.load(Ordering::Relaxed), DROPPED.load(Ordering::Relaxed));
}
