//! Test program: unbounded recursion, in main or (with the argument `go`)
//! in a goroutine. Go's `fatal error: stack overflow`, exit 2.
#![no_std]
#![no_main]

gort::main!(main);

#[inline(never)]
#[allow(unconditional_recursion)] // running out of stack is the point
fn recurse(n: u64) -> u64 {
    let mut pad = [n; 4];
    core::hint::black_box(&mut pad);
    recurse(core::hint::black_box(n + 1)) + pad[0]
}

fn main() {
    if gort::args().get(1).map(|a| &a[..]) == Some(&b"go"[..]) {
        gort::go(|| {
            recurse(0);
        });
        gort::sleep(core::time::Duration::from_secs(1));
    } else {
        recurse(0);
    }
}
