//! chan: the round trip of a value over two unbuffered channels.
//!
//! Two goroutines bat a counter back and forth N times (default
//! 1,000,000; the first argument overrides N), each receive parking until
//! its partner's send. ns_per_op is the wall time per round trip.
#![no_std]
#![no_main]
extern crate alloc;
gort::main!(main);

#[path = "args.rs"]
mod args;

fn main() {
    let n = args::arg_n("chan", 1_000_000);
    let (ping, pong) = (gort::chan::<i32>(0), gort::chan::<i32>(0));
    let (p, q) = (ping.clone(), pong.clone());
    gort::go(move || {
        while let Some(v) = p.recv() {
            q.send(v + 1);
        }
    });
    let t0 = gort::nanotime();
    let mut v = 0;
    for _ in 0..n {
        ping.send(v);
        v = pong.recv().unwrap_or(0);
    }
    let total = gort::nanotime() - t0;
    ping.close();
    if v != n {
        gort::eprintln!("chan: counter is {v}, want {n}");
        gort::exit(1);
    }
    gort::println!("bench=chan gomaxprocs={} n={n} ns_per_op={:.1}", gort::gomaxprocs(0), total as f64 / f64::from(n));
}
