//! Writing to file descriptors: `print!`, `println!`, `eprint!`,
//! `eprintln!`, and the unbuffered `write_all` they end in.
//!
//! Each macro call formats into a buffer on the caller's stack and writes
//! it out with as few write(2) calls as it takes (one for a line of up to
//! 512 bytes), so lines from different threads do not interleave. Nothing
//! here allocates, so it is safe from the first instruction of rt0 to the
//! last words of a crash. A crash report writes through
//! `FdWriter::report`, which drops write errors as Go's runtime print
//! does: a report to a broken stderr still ends in exit 2, not SIGPIPE.

use core::fmt;

use rustix::fd::BorrowedFd;
use rustix::io::Errno;

pub const STDOUT: i32 = 1;
pub const STDERR: i32 = 2;

/// Writes all of `bytes` to `fd`, retrying partial writes and EINTR.
/// A broken pipe on fd 1 or 2 kills the process by SIGPIPE (Go's
/// os.sigpipe); on other fds it is the EPIPE returned.
pub fn write_all(fd: i32, mut bytes: &[u8]) -> Result<(), Errno> {
    let raw = fd;
    // SAFETY: a raw fd number is only passed to write(2); if it is not
    // open the kernel says EBADF, nothing is closed or dup'd.
    let fd = unsafe { BorrowedFd::borrow_raw(fd) };
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(Errno::INTR) => {}
            Err(Errno::PIPE) if raw == STDOUT || raw == STDERR => crate::signal_unix::sigpipe(),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes as much of `bytes` to `fd` as it takes, retrying partial
/// writes and EINTR, and gives up silently on any error (Go's runtime
/// write: EPIPE included, so no SIGPIPE).
fn write_dropping_errors(fd: i32, mut bytes: &[u8]) {
    // SAFETY: as in write_all.
    let fd = unsafe { BorrowedFd::borrow_raw(fd) };
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(0) => return,
            Ok(n) => bytes = &bytes[n..],
            Err(Errno::INTR) => {}
            Err(_) => return,
        }
    }
}

/// A formatting sink that buffers on the stack and flushes to an fd.
pub struct FdWriter {
    fd: i32,
    /// A crash report's writer: errors are dropped (no SIGPIPE).
    report: bool,
    len: usize,
    buf: [u8; 512],
}

impl FdWriter {
    pub const fn new(fd: i32) -> FdWriter {
        FdWriter { fd, report: false, len: 0, buf: [0; 512] }
    }

    /// A writer for a crash report: a broken pipe or a closed fd loses
    /// the words, never the exit status.
    pub const fn report(fd: i32) -> FdWriter {
        FdWriter { fd, report: true, len: 0, buf: [0; 512] }
    }

    pub fn flush(&mut self) {
        // Output errors are ignored, as Go's print does: a program whose
        // stdout is gone keeps going (or, outside a crash report, dies of
        // SIGPIPE).
        if self.report {
            write_dropping_errors(self.fd, &self.buf[..self.len]);
        } else {
            let _ = write_all(self.fd, &self.buf[..self.len]);
        }
        self.len = 0;
    }

    pub fn write_bytes(&mut self, mut b: &[u8]) {
        while !b.is_empty() {
            if self.len == self.buf.len() {
                self.flush();
            }
            let n = b.len().min(self.buf.len() - self.len);
            self.buf[self.len..self.len + n].copy_from_slice(&b[..n]);
            self.len += n;
            b = &b[n..];
        }
    }
}

impl fmt::Write for FdWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write_bytes(s.as_bytes());
        Ok(())
    }
}

impl Drop for FdWriter {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Formats `args` to `fd`. The machinery behind the print macros.
#[doc(hidden)]
#[inline(never)]
pub fn print_to(fd: i32, args: fmt::Arguments) {
    let mut w = FdWriter::new(fd);
    let _ = fmt::Write::write_fmt(&mut w, args);
}

/// Prints to standard output.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::print::print_to($crate::print::STDOUT, format_args!($($arg)*)) };
}

/// Prints a line to standard output.
#[macro_export]
macro_rules! println {
    () => { $crate::print::print_to($crate::print::STDOUT, format_args!("\n")) };
    ($($arg:tt)*) => { $crate::print::print_to($crate::print::STDOUT, format_args!("{}\n", format_args!($($arg)*))) };
}

/// Prints to standard error.
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => { $crate::print::print_to($crate::print::STDERR, format_args!($($arg)*)) };
}

/// Prints a line to standard error, like Go's builtin println.
#[macro_export]
macro_rules! eprintln {
    () => { $crate::print::print_to($crate::print::STDERR, format_args!("\n")) };
    ($($arg:tt)*) => { $crate::print::print_to($crate::print::STDERR, format_args!("{}\n", format_args!($($arg)*))) };
}

/// The runtime's own diagnostics (`runtime: ...` before a fatal error,
/// boottrace): a line to standard error through a report writer, so a
/// broken stderr never turns the runtime's exit into SIGPIPE (Go's runtime
/// print ignores write errors). The program's `eprintln!` dies of
/// SIGPIPE there instead, as Go's os.Stderr writes do.
macro_rules! rtprintln {
    ($($arg:tt)*) => {{
        let mut w = $crate::print::FdWriter::report($crate::print::STDERR);
        let _ = core::fmt::Write::write_fmt(&mut w, format_args!("{}\n", format_args!($($arg)*)));
    }};
}
pub(crate) use rtprintln;
