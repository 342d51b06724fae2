//! Test program: formatting a panic's message faults (a nil read), so the
//! report itself fails: Go's `panic during panic`, then the goroutine's
//! frames by pc alone, exit 2.
#![no_std]
#![no_main]

gort::main!(main);

struct Fault;

impl core::fmt::Display for Fault {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        let p = core::hint::black_box(core::ptr::null::<u8>());
        // SAFETY: none: the fault is the point.
        let b = unsafe { core::ptr::read_volatile(p) };
        write!(f, "first {b}")
    }
}

fn main() {
    panic!("{}", Fault);
}
