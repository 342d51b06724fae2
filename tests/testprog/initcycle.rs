//! Test program: package a imports b, b imports c, c imports a. Go would
//! refuse to compile this; gort finds the cycle when it walks the init
//! tasks and stops with a fatal error before any init runs.
#![no_std]
#![no_main]

gort::init!(A = "a", imports [&B], inits [init]);
gort::init!(B = "b", imports [&C], inits [init]);
gort::init!(C = "c", imports [&A], inits [init]);
gort::init!(MAIN = "main", imports [&A], inits []);
gort::main!(main, init = MAIN);

fn init() {
    gort::println!("an init ran");
}

fn main() {
    gort::println!("main ran");
}
