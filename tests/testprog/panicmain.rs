//! Test program: main panics with a two-line message. Go's report: the
//! message (its second line indented), main's goroutine and its frames,
//! exit 2.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    panic!("boom\nsecond line");
}
