//! Test program: of two always-ready cases, select picks each about half
//! the time. Prints how many of 10000 selects took each.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    let (a, b) = (gort::chan::<u8>(1), gort::chan::<u8>(1));
    let (mut na, mut nb) = (0, 0);
    for _ in 0..10_000 {
        a.send(1);
        b.send(2);
        gort::select! {
            recv(a) -> _v => { na += 1; b.recv(); },
            recv(b) -> _v => { nb += 1; a.recv(); },
        }
    }
    gort::println!("a={na} b={nb}");
}
