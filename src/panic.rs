//! How a gort program dies, in Go's words (Go's panic.go).
//!
//! - `gopanic`: a Rust panic in any goroutine. Prints `panic: ` and the
//!   message, then the goroutine, and exits 2.
//! - `throw`: the runtime found a bug in itself. `fatal error: MSG`, exit 2.
//! - `fatal`: the program broke a runtime rule (deadlock, a cycle of
//!   package inits). Same words, exit 2.
//!
//! None of these allocate: the heap may be what is broken.

use core::fmt::{self, Write};
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicU32, Ordering};

use crate::print::{FdWriter, STDERR};
use crate::runtime2::{G, Gstatus, WaitReason};
use crate::sys_linux_amd64::exit_group;

/// How many times this process has started to die. A second failure
/// while the first is being reported says so; a third gives up.
static DYING: AtomicU32 = AtomicU32::new(0);

/// Go's startpanic_m: claim the right to print the report.
fn startpanic(w: &mut FdWriter) {
    if crate::os_linux::SECURE.load(Ordering::Relaxed) != 0 {
        exit_group(2); // set-uid: say nothing
    }
    match DYING.fetch_add(1, Ordering::AcqRel) {
        0 => {}
        1 => w.write_bytes(b"panic during panic\n"),
        2 => {
            w.write_bytes(b"stack trace unavailable\n");
            w.flush();
            exit_group(4);
        }
        _ => exit_group(5),
    }
}

/// A runtime bug: print `fatal error: MSG` and exit 2. Never returns.
#[cold]
pub fn throw(msg: &str) -> ! {
    let mut w = fatal_line(msg);
    w.flush();
    exit_group(2);
}

/// A fatal error the program caused (Go's fatal): `fatal error: MSG`,
/// then, unless GOTRACEBACK=none, every goroutine of the program (a fatal
/// error is reported from the scheduler, not from one goroutine); exit 2.
#[cold]
pub fn fatal(msg: &str) -> ! {
    let mut w = fatal_line(msg);
    if crate::env::TRACEBACK.get().level > 0 {
        crate::proc::for_each_g(|gp| {
            // SAFETY: for_each_g holds the allgs lock, so gp is not freed
            // meanwhile; the world is dying, reads are for the report only.
            let g = unsafe { &*gp };
            let status = Gstatus::from_u32(g.atomicstatus.load(Ordering::Acquire));
            if g.system || matches!(status, Gstatus::Dead | Gstatus::Idle) {
                return;
            }
            w.write_bytes(b"\n");
            goroutineheader(&mut w, g, status);
        });
    }
    w.flush();
    exit_group(2);
}

/// Starts a fatal report: `fatal error: MSG`.
fn fatal_line(msg: &str) -> FdWriter {
    let mut w = FdWriter::new(STDERR);
    startpanic(&mut w);
    w.write_bytes(b"fatal error: ");
    let _ = write!(Indented(&mut w), "{msg}");
    w.write_bytes(b"\n");
    w
}

/// Go's goroutineheader: `goroutine N [status]:`, the status being the
/// wait reason of a waiting goroutine, plus `, locked to thread`.
fn goroutineheader(w: &mut FdWriter, g: &G, status: Gstatus) {
    let what = match status {
        Gstatus::Waiting if g.waitreason != WaitReason::Zero => g.waitreason.as_str(),
        Gstatus::Waiting => "waiting",
        Gstatus::Runnable => "runnable",
        Gstatus::Running => "running",
        Gstatus::Syscall => "syscall",
        Gstatus::Idle => "idle",
        Gstatus::Dead => "dead",
    };
    let locked = if g.lockedm.is_null() { "" } else { ", locked to thread" };
    let _ = writeln!(w, "goroutine {} [{what}{locked}]:", g.goid);
}

/// A Rust panic: Go's unrecovered-panic report, then exit 2.
/// Called by the #[panic_handler] that `gort::main!` emits.
#[cold]
pub fn gopanic(info: &PanicInfo) -> ! {
    let mut w = FdWriter::new(STDERR);
    startpanic(&mut w);
    w.write_bytes(b"panic: ");
    let _ = write!(Indented(&mut w), "{}", info.message());
    w.write_bytes(b"\n");
    if crate::env::TRACEBACK.get().level > 0 {
        let gp = crate::proc::getg();
        // SAFETY: getg is the running g, alive while it runs.
        let goid = unsafe { (*gp).goid };
        let _ = write!(w, "\ngoroutine {goid} [running]:\n");
    }
    w.flush();
    exit_group(2);
}

/// Writes its input with a tab after every newline, so a multi-line
/// message stays inside its report (Go's printindented).
struct Indented<'a>(&'a mut FdWriter);

impl Write for Indented<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut lines = s.split('\n');
        if let Some(first) = lines.next() {
            self.0.write_bytes(first.as_bytes());
        }
        for line in lines {
            self.0.write_bytes(b"\n\t");
            self.0.write_bytes(line.as_bytes());
        }
        Ok(())
    }
}
