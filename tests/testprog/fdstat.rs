//! Test program: writes what fds 0, 1 and 2 are, one line each
//! ("0 /dev/null"), to the file named by its first argument. Started with
//! those fds closed, it shows what checkfds put there.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use rustix::fs::{Mode, OFlags};

gort::main!(main);

fn main() {
    let null = rustix::fs::stat("/dev/null").expect("stat /dev/null");
    let mut report = String::new();
    for fd in 0..3 {
        // SAFETY: fstat only asks about the number.
        let bfd = unsafe { rustix::fd::BorrowedFd::borrow_raw(fd) };
        let what = match rustix::fs::fstat(bfd) {
            Ok(st) if st.st_rdev == null.st_rdev && st.st_ino == null.st_ino => "/dev/null",
            Ok(_) => "open",
            Err(_) => "closed",
        };
        report += &format!("{fd} {what}\n");
    }
    let path = gort::args().get(1).expect("usage: fdstat OUTFILE");
    let path = core::str::from_utf8(path).expect("OUTFILE is UTF-8");
    let out = rustix::fs::open(path, OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC, Mode::from_raw_mode(0o644))
        .expect("create OUTFILE");
    rustix::io::write(&out, report.as_bytes()).expect("write OUTFILE");
}
