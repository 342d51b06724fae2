//! Test program: a panic whose message panics while it is printed. Both
//! are reported, the second indented under the first, exit 2.
#![no_std]
#![no_main]

gort::main!(main);

struct Bad;

impl core::fmt::Display for Bad {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("first")?;
        panic!("second");
    }
}

fn main() {
    panic!("{}", Bad);
}
