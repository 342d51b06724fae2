//! Test program: main reads through a null pointer. Go's nil dereference
//! panic with its `[signal SIGSEGV ...]` line, exit 2.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    let p = core::hint::black_box(core::ptr::null::<u64>());
    // SAFETY: none: the fault is the point.
    let v = unsafe { core::ptr::read_volatile(p) };
    gort::println!("read {v}");
}
