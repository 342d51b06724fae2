//! Test program: two goroutines bat a counter back and forth over two
//! unbuffered channels, N round trips (first argument, default 100000).
//! Prints `rounds=N last=V`.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    let n: u64 = gort::args().get(1).and_then(|a| core::str::from_utf8(a).ok()?.parse().ok()).unwrap_or(100_000);
    let (ping, pong) = (gort::chan::<u64>(0), gort::chan::<u64>(0));
    let (p, q) = (ping.clone(), pong.clone());
    gort::go(move || {
        while let Some(v) = p.recv() {
            q.send(v + 1);
        }
        q.close();
    });
    let mut v = 0;
    for _ in 0..n {
        ping.send(v);
        v = pong.recv().expect("pong open");
    }
    ping.close();
    assert!(pong.recv().is_none(), "pong closes after ping");
    gort::println!("rounds={n} last={v}");
}
