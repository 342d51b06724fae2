//! Test program: prints lines forever. Piped into a reader that goes
//! away, it dies of SIGPIPE.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    loop {
        gort::println!("y");
    }
}
