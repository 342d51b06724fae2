//! How a gort program dies, in Go's words (Go's panic.go).
//!
//! - `gopanic`: a Rust panic in any goroutine. `panic: ` and the message,
//!   then the goroutine's traceback as GOTRACEBACK asks; exit 2.
//! - `throw`: the runtime found a bug in itself. `fatal error: MSG`, then
//!   everything: runtime frames, every goroutine, whatever GOTRACEBACK
//!   says; exit 2.
//! - `fatal`: the program broke a runtime rule (deadlock, a cycle of
//!   package inits, unlock of an unlocked mutex). `fatal error: MSG`, then
//!   every goroutine at GOTRACEBACK's level; exit 2.
//! - Signals (signal_unix.rs) end in the same report.
//!
//! One M prints at a time (`PANIC_LOCK`); an M that fails while another
//! reports waits for the process to end. A failure while this M reports
//! is counted in `m.dying`, as Go's startpanic_m counts: a panic while the
//! panic value is being formatted is Go's preprintpanics throw, `fatal
//! error: panic while printing panic value: second`; a failure anywhere
//! else says `panic during panic` and lists the failing goroutine's frames
//! by pc alone (the symbol and DWARF readers may be what failed); a third
//! gives up with exit 4, a fourth 5. The report is flushed after its
//! message lines and after each goroutine, so a failure further on loses
//! only the section it happened in.
//! GOTRACEBACK=crash ends every report with SIGABRT instead of exit 2.
//!
//! None of this allocates: the heap may be what is broken.

use core::fmt::{self, Write};
use core::panic::PanicInfo;
use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

use crate::print::{FdWriter, STDERR};
use crate::proc::{getg, getm};
use crate::runtime2::{G, M, Stack};
use crate::signal_amd64::Sigctxt;
use crate::sys_linux_amd64::exit_group;
use crate::traceback::Printer;

/// Ms reporting a failure (Go's panicking): main returning meanwhile
/// waits for the report (runtime_main).
pub static PANICKING: AtomicU32 = AtomicU32::new(0);

/// The M printing a report (Go's paniclk), or null.
static PANIC_LOCK: AtomicPtr<M> = AtomicPtr::new(ptr::null_mut());

/// Go's startpanic_m: claim the right to report, and count this M's
/// failures. Returns m.dying: 1 for a first failure, 2 for one raised
/// while reporting (the caller decides how to show it). Exits on a third.
fn startpanic(w: &mut FdWriter) -> u32 {
    if crate::os_linux::SECURE.load(Ordering::Relaxed) != 0 {
        exit_group(2); // set-uid: say nothing
    }
    let mp = getm();
    // SAFETY: m.dying is this M's own.
    let dying = unsafe {
        (*mp).dying += 1;
        (*mp).dying
    };
    match dying {
        1 => {
            PANICKING.fetch_add(1, Ordering::AcqRel);
            // Another M reporting will end the process: wait for it.
            while PANIC_LOCK.compare_exchange(ptr::null_mut(), mp, Ordering::Acquire, Ordering::Relaxed).is_err() {
                crate::os_linux::usleep(1000);
            }
        }
        2 => {}
        3 => {
            w.write_bytes(b"stack trace unavailable\n");
            w.flush();
            exit_group(4);
        }
        _ => exit_group(5),
    }
    dying
}

/// This M is failing again inside its own report (Go's startpanic_m at
/// dying 1): `panic during panic`, then gp's frames from (pc, bp) in stk
/// by pc alone, touching neither the symbols nor DWARF; exit 2.
fn panic_during_panic(w: &mut FdWriter, gp: *mut G, first: (usize, usize), stk: Stack) -> ! {
    w.write_bytes(b"panic during panic\n");
    if is_system_g(gp) {
        w.write_bytes(b"\nruntime stack:\n");
    } else {
        // SAFETY: gp is the failing g, live; its id is fixed.
        let _ = writeln!(w, "\ngoroutine {} [running]:", unsafe { (*gp).goid });
    }
    w.flush();
    crate::traceback::traceback_raw(w, first, stk);
    w.flush();
    exit_group(2)
}

/// Of gp's stack and its M's g0 and gsignal stacks, the one holding
/// `addr` (gp's if none does).
fn stack_of(gp: *mut G, addr: usize) -> Stack {
    // SAFETY: gp is running on this M; its m, g0 and gsignal are live and
    // their bounds fixed.
    unsafe {
        let mp = (*gp).m;
        if !mp.is_null() {
            for g in [(*mp).g0, (*mp).gsignal] {
                if !g.is_null() && (*g).stack.lo <= addr && addr < (*g).stack.hi {
                    return (*g).stack;
                }
            }
        }
        (*gp).stack
    }
}

/// What the report shows, besides the message.
pub struct Report<'a> {
    /// A runtime throw: level 2 and all goroutines, whatever GOTRACEBACK
    /// says (Go's throwTypeRuntime).
    pub runtime: bool,
    /// A user-level fatal error: all goroutines at GOTRACEBACK's level
    /// (Go's throwTypeUser).
    pub user: bool,
    /// The goroutine that failed and where: its first frame (pc, sp, bp),
    /// whether pc is exact (a trap) rather than a return address.
    pub gp: *mut G,
    pub first: (usize, usize, usize),
    pub exact: bool,
    /// The stack those frames are on.
    pub stk: Stack,
    /// The signal that interrupted it: registers at the end (SIGQUIT & co).
    pub regs: Option<&'a Sigctxt<'a>>,
    /// The runtime's own frames (pc, sp, bp) on a system stack, printed
    /// as `runtime stack:` before the goroutine (a stack overflow found
    /// by the signal handler).
    pub runtime_stack: Option<((usize, usize, usize), Stack)>,
}

/// Go's dopanic_m, then the end: the goroutine sections GOTRACEBACK asks
/// for, then exit 2 (or SIGABRT under GOTRACEBACK=crash). Never returns.
pub fn dopanic(w: &mut FdWriter, r: &Report) -> ! {
    let t = crate::env::TRACEBACK.get();
    let (level, mut all) = if r.runtime { (2, true) } else { (t.level, t.all || r.user) };
    let p = Printer { level };
    // The message lines are out before any traceback can fail.
    w.flush();
    if level > 0 {
        if let Some((first, stk)) = r.runtime_stack {
            w.write_bytes(b"\nruntime stack:\n");
            p.traceback(w, first, false, stk, ptr::null());
            w.flush();
        }
        if is_system_g(r.gp) {
            // On g0: its frames are the runtime's, not a goroutine's.
            all = true;
            if level >= 2 {
                w.write_bytes(b"\nruntime stack:\n");
                p.traceback(w, r.first, r.exact, r.stk, ptr::null());
            }
        } else {
            w.write_bytes(b"\n");
            p.goroutineheader(w, r.gp);
            p.traceback(w, r.first, r.exact, r.stk, r.gp);
        }
        w.flush();
        if all {
            p.tracebackothers(w, r.gp);
        }
        if let Some(c) = r.regs {
            w.write_bytes(b"\n");
            c.dumpregs(w);
        }
    }
    w.flush();
    if t.crash {
        crate::signal_unix::crash();
    }
    exit_group(2)
}

/// Whether gp is an M's g0 (runtime code on the M's own stack).
fn is_system_g(gp: *mut G) -> bool {
    // SAFETY: gp is running on this M; its m is live.
    unsafe { (*gp).m.is_null() || (*(*gp).m).g0 == gp }
}

/// The frame of the caller of the function this is inlined into:
/// (pc, sp, bp) for a traceback that starts there.
#[inline(always)]
pub fn caller_frame() -> (usize, usize, usize) {
    let bp: usize;
    // SAFETY: reads a register.
    unsafe { core::arch::asm!("mov {}, rbp", out(reg) bp, options(nomem, nostack, preserves_flags)) };
    // SAFETY: with frame pointers, 0(%rbp) and 8(%rbp) are this frame's
    // saved %rbp and return address.
    unsafe { (*((bp + 8) as *const usize), bp + 16, *(bp as *const usize)) }
}

/// A runtime bug: `fatal error: MSG`, then everything. Never returns.
#[cold]
#[inline(never)]
pub fn throw(msg: &str) -> ! {
    let first = caller_frame();
    let mut w = fatal_line(msg);
    let gp = getg();
    dopanic(&mut w, &Report { runtime: true, exact: false, first, ..here(gp) })
}

/// A fatal error the program caused (Go's fatal): `fatal error: MSG`,
/// then every goroutine of the program at GOTRACEBACK's level (a fatal
/// error is often reported from the scheduler, not from one goroutine).
#[cold]
#[inline(never)]
pub fn fatal(msg: &str) -> ! {
    let first = caller_frame();
    let mut w = fatal_line(msg);
    let gp = getg();
    dopanic(&mut w, &Report { user: true, exact: false, first, ..here(gp) })
}

/// A report about the running goroutine, to be completed.
fn here<'a>(gp: *mut G) -> Report<'a> {
    Report {
        runtime: false,
        user: false,
        gp,
        first: (0, 0, 0),
        exact: false,
        // SAFETY: gp is the running g; its bounds are fixed.
        stk: unsafe { (*gp).stack },
        regs: None,
        runtime_stack: None,
    }
}

/// Starts a fatal report: `fatal error: MSG`.
pub fn fatal_line(msg: &str) -> FdWriter {
    let mut w = FdWriter::report(STDERR);
    if startpanic(&mut w) > 1 {
        let (pc, _, bp) = caller_frame();
        let gp = getg();
        panic_during_panic(&mut w, gp, (pc, bp), stack_of(gp, bp));
    }
    w.write_bytes(b"fatal error: ");
    let _ = write!(Indented(&mut w), "{msg}");
    w.write_bytes(b"\n");
    w
}

/// A Rust panic: Go's unrecovered-panic report, then exit 2.
/// Called by the #[panic_handler] that `gort::main!` emits.
#[cold]
#[inline(never)]
pub fn gopanic(info: &PanicInfo) -> ! {
    let first = caller_frame();
    let mut w = FdWriter::report(STDERR);
    let mp = getm();
    let gp = getg();
    if startpanic(&mut w) > 1 {
        // SAFETY: this M's own flag.
        if unsafe { (*mp).printing_panic } {
            // Formatting the panic value panicked: Go's preprintpanics
            // throws with the second panic's message.
            w.write_bytes(b"fatal error: panic while printing panic value: ");
            let _ = write!(Indented(&mut w), "{}", info.message());
            w.write_bytes(b"\n");
            dopanic(&mut w, &Report { runtime: true, first, ..here(gp) })
        }
        panic_during_panic(&mut w, gp, (first.0, first.2), stack_of(gp, first.2));
    }
    // SAFETY: as above.
    unsafe { (*mp).printing_panic = true };
    // Go's preprintpanics: the value is formatted once before anything is
    // printed, so a panic while formatting it leaves no half line.
    let _ = write!(Discard, "{}", info.message());
    w.write_bytes(b"panic: ");
    let _ = write!(Indented(&mut w), "{}", info.message());
    // SAFETY: as above.
    unsafe { (*mp).printing_panic = false };
    w.write_bytes(b"\n");
    if is_system_g(gp) {
        w.write_bytes(b"fatal error: panic on system stack\n");
        dopanic(&mut w, &Report { runtime: true, first, ..here(gp) })
    }
    dopanic(&mut w, &Report { first, ..here(gp) })
}

/// A sink for formatting that only runs the formatting.
struct Discard;

impl Write for Discard {
    fn write_str(&mut self, _: &str) -> fmt::Result {
        Ok(())
    }
}

/// Writes its input with a tab after every newline, so a multi-line
/// message stays inside its report (Go's printindented). Each piece goes
/// out at once: formatting a message may still fail, and what a later
/// report says must come after what was already said.
pub struct Indented<'a>(pub &'a mut FdWriter);

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
        self.0.flush();
        Ok(())
    }
}

/// Starts a report for a signal that interrupted gp at (pc, bp): claims
/// the right to print, like every failure. If this M is already failing,
/// says `panic during panic` and exits.
pub fn startpanic_signal(w: &mut FdWriter, gp: *mut G, pc: usize, bp: usize) {
    if startpanic(w) > 1 {
        panic_during_panic(w, gp, (pc, bp), stack_of(gp, bp));
    }
}
