//! Test program: the thread limit set to 5, and more goroutines than that
//! each locked to a thread of its own: Go's `thread exhaustion`, exit 2.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    gort::set_max_threads(5);
    for _ in 0..10 {
        gort::go(|| {
            gort::lock_os_thread();
            gort::block();
        });
        gort::sleep(core::time::Duration::from_millis(1));
    }
    gort::println!("not reached");
}
