//! initorder: Go's classic init-order example, package by package.
//!
//! Package lib (sum.rs) has an init and Sum. The main package imports lib; its
//! first file (this one) declares an init, then main, then another init;
//! its second file (test.rs) declares one more init and test(). Go runs
//! lib's init first, then main's in file and declaration order, then
//! main. Like Go's builtin println, everything goes to stderr:
//!
//! ```text
//! sum.init
//! main.init.2
//! main.init.1
//! test.init
//! 6
//! ```
#![no_std]
#![no_main]

mod sum;
mod test;

gort::init!(MAIN = "main", imports [&sum::LIB], inits [init_2, init_1, test::init]);
gort::main!(main, init = MAIN);

fn init_2() {
    gort::eprintln!("main.init.2");
}

fn main() {
    test::test();
}

fn init_1() {
    gort::eprintln!("main.init.1");
}
