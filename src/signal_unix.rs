//! Signals, handled as Go handles them when the program asks for none
//! (Go's signal_unix.go and sigtab_linux_generic.go).
//!
//! `initsig` (from mstartm0, on m0 before it schedules) installs
//! `sigtramp` (asm) for every signal Go catches, with SA_SIGINFO,
//! SA_ONSTACK, SA_RESTART and the restorer `sigreturn__sigaction`, all
//! signals blocked while a handler runs. A handler runs on its M's 32 KiB
//! gsignal stack (installed by minit), so a goroutine that ran off its own
//! stack can still be reported. New Ms start with every signal blocked
//! and unblock them in minit, once that stack is there.
//!
//! `sighandler` does what the signal's flags in `SIGTABLE` say:
//!
//! - a fault (SIGSEGV, SIGBUS, SIGFPE) in a goroutine is a panic
//!   (`panic: runtime error: ...` and `[signal ...]`), or `fatal error:
//!   stack overflow` if it hit the guard page below the goroutine's stack;
//!   on g0 (runtime code) it is a throw;
//! - `_SIG_KILL` (SIGHUP, SIGINT, SIGTERM): die by that very signal;
//! - `_SIG_THROW` (SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGSYS, ...), and a
//!   fault signal a user sent (`kill -SEGV`): dump every goroutine and the
//!   registers, exit 2;
//! - everything else (SIGUSR1, SIGPIPE, SIGURG, SIGCHLD, ...): ignored.
//!
//! The handler keeps the interrupted g current (%fs:-8): gort has no
//! stack-bound checks that would need it to switch to gsignal as Go's
//! sigtrampgo does, and the interrupted g is what a report is about.

use core::sync::atomic::Ordering;

use linux_raw_sys::general::SIG_SETMASK;

use crate::panic::{PANICKING, Report, dopanic, startpanic_signal};
use crate::print::{FdWriter, STDERR};
use crate::proc::getg;
use crate::runtime2::G;
use crate::signal_amd64::{Siginfo, Sigctxt, Ucontext};
use crate::sys_linux_amd64::{Sigactiont, exit_group, raise, rt_sigaction, rt_sigprocmask};
use crate::traceback::Printer;

// Go's signal flags (runtime2.go).
/// os/signal may be told (gort has no os/signal: these are ignored unless
/// another flag says more).
const SIG_NOTIFY: u16 = 1;
/// Without a handler of the program's, the signal kills the process.
const SIG_KILL: u16 = 2;
/// Without one, it dumps the goroutines and exits 2.
const SIG_THROW: u16 = 4;
/// From the machine (a fault), a panic if in a goroutine.
const SIG_PANIC: u16 = 8;
/// Left at the default action: not caught.
const SIG_DEFAULT: u16 = 16;
/// Never blocked on a thread running Go code.
const SIG_UNBLOCK_FLAG: u16 = 128;
/// Go only adds SA_ONSTACK to a handler someone else installed: gort
/// leaves these alone (glibc's SIGCANCEL and SIGSETXID).
const SIG_SET_STACK: u16 = 64;

/// One signal's flags and Go's name for it.
struct SigTabT {
    flags: u16,
    name: &'static str,
}

const fn s(flags: u16, name: &'static str) -> SigTabT {
    SigTabT { flags, name }
}

/// Go's sigtable for Linux, signals 0 to 64.
static SIGTABLE: [SigTabT; 65] = {
    const N: u16 = SIG_NOTIFY;
    let mut t = [const { s(N, "") }; 65];
    t[0] = s(0, "SIGNONE: no trap");
    t[1] = s(N | SIG_KILL, "SIGHUP: terminal line hangup");
    t[2] = s(N | SIG_KILL, "SIGINT: interrupt");
    t[3] = s(N | SIG_THROW, "SIGQUIT: quit");
    t[4] = s(SIG_THROW | SIG_UNBLOCK_FLAG, "SIGILL: illegal instruction");
    t[5] = s(SIG_THROW | SIG_UNBLOCK_FLAG, "SIGTRAP: trace trap");
    t[6] = s(N | SIG_THROW, "SIGABRT: abort");
    t[7] = s(SIG_PANIC | SIG_UNBLOCK_FLAG, "SIGBUS: bus error");
    t[8] = s(SIG_PANIC | SIG_UNBLOCK_FLAG, "SIGFPE: floating-point exception");
    t[9] = s(0, "SIGKILL: kill");
    t[10] = s(N, "SIGUSR1: user-defined signal 1");
    t[11] = s(SIG_PANIC | SIG_UNBLOCK_FLAG, "SIGSEGV: segmentation violation");
    t[12] = s(N, "SIGUSR2: user-defined signal 2");
    t[13] = s(N, "SIGPIPE: write to broken pipe");
    t[14] = s(N, "SIGALRM: alarm clock");
    t[15] = s(N | SIG_KILL, "SIGTERM: termination");
    t[16] = s(SIG_THROW | SIG_UNBLOCK_FLAG, "SIGSTKFLT: stack fault");
    t[17] = s(N | SIG_UNBLOCK_FLAG, "SIGCHLD: child status has changed");
    t[18] = s(N | SIG_DEFAULT, "SIGCONT: continue");
    t[19] = s(0, "SIGSTOP: stop, unblockable");
    t[20] = s(N | SIG_DEFAULT, "SIGTSTP: keyboard stop");
    t[21] = s(N | SIG_DEFAULT, "SIGTTIN: background read from tty");
    t[22] = s(N | SIG_DEFAULT, "SIGTTOU: background write to tty");
    t[23] = s(N, "SIGURG: urgent condition on socket");
    t[24] = s(N, "SIGXCPU: cpu limit exceeded");
    t[25] = s(N, "SIGXFSZ: file size limit exceeded");
    t[26] = s(N, "SIGVTALRM: virtual alarm clock");
    t[27] = s(N | SIG_UNBLOCK_FLAG, "SIGPROF: profiling alarm clock");
    t[28] = s(N, "SIGWINCH: window size change");
    t[29] = s(N, "SIGIO: i/o now possible");
    t[30] = s(N, "SIGPWR: power failure restart");
    t[31] = s(SIG_THROW, "SIGSYS: bad system call");
    t[32] = s(SIG_SET_STACK | SIG_UNBLOCK_FLAG, "signal 32");
    t[33] = s(SIG_SET_STACK | SIG_UNBLOCK_FLAG, "signal 33");
    t
};

const SIGHUP: u32 = 1;
const SIGINT: u32 = 2;
const SIGABRT: u32 = 6;
const SIGBUS: u32 = 7;
const SIGFPE: u32 = 8;
const SIGSEGV: u32 = 11;
const SIGPIPE: u32 = 13;

const SIG_DFL: usize = 0;
const SIG_IGN: usize = 1;
const SA_SIGINFO: u64 = 0x4;
const SA_ONSTACK: u64 = 0x0800_0000;
const SA_RESTART: u64 = 0x1000_0000;
const SA_RESTORER: u64 = 0x0400_0000;

unsafe extern "C" {
    /// The handler the kernel calls (asm/sys_linux_amd64.s).
    fn sigtramp();
    /// The restorer every handler returns into (asm/sys_linux_amd64.s).
    fn sigreturn__sigaction();
}

/// Go's initsig: catch every signal the table says to. An inherited
/// SIG_IGN for SIGHUP or SIGINT is kept (a `nohup` or background job).
/// Runs once, on m0, from mstartm0.
pub fn initsig() {
    for (sig, t) in SIGTABLE.iter().enumerate().skip(1) {
        let sig = sig as u32;
        if t.flags == 0 || t.flags & (SIG_DEFAULT | SIG_SET_STACK) != 0 {
            continue;
        }
        if matches!(sig, SIGHUP | SIGINT) && getsig(sig) == SIG_IGN {
            continue;
        }
        setsig(sig, sigtramp as *const () as usize);
    }
}

/// The handler installed for sig now.
fn getsig(sig: u32) -> usize {
    let mut old = Sigactiont { handler: 0, flags: 0, restorer: 0, mask: 0 };
    rt_sigaction(sig, None, Some(&mut old));
    old.handler
}

/// Go's setsig: `handler` for sig (SIG_DFL, or sigtramp with gort's
/// flags and every signal blocked while it runs).
fn setsig(sig: u32, handler: usize) {
    let sa = Sigactiont {
        handler,
        flags: SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_RESTORER,
        restorer: sigreturn__sigaction as *const () as usize,
        mask: !0,
    };
    // As Go's sysSigaction: emulators (QEMU user mode, valgrind) keep
    // signals 32, 33 and 64 for themselves and refuse them; that is not
    // worth dying for.
    if rt_sigaction(sig, Some(&sa), None) < 0 && handler != SIG_DFL && !matches!(sig, 32 | 33 | 64) {
        crate::print::rtprintln!("runtime: sigaction({sig}) failed");
        crate::panic::throw("sigaction failed");
    }
}

/// Go's dieFromSignal: the default action of sig, now: reset it, unblock
/// it, send it to this thread. If the process somehow lives on, exit 2.
pub fn die_from_signal(sig: u32) -> ! {
    setsig(sig, SIG_DFL);
    let bit = 1u64 << (sig - 1);
    rt_sigprocmask(linux_raw_sys::general::SIG_UNBLOCK, Some(&bit), None);
    raise(sig);
    for _ in 0..3 {
        let _ = rustix::thread::sched_yield();
    }
    crate::os_linux::usleep(10_000);
    exit_group(2)
}

/// Go's crash: end by SIGABRT (GOTRACEBACK=crash), so a core dump can be
/// had.
pub fn crash() -> ! {
    die_from_signal(SIGABRT)
}

/// Go's sigpipe: a write to fd 1 or 2 found the pipe broken; die of
/// SIGPIPE, as a C program would (the handler ignored the signal itself).
pub fn sigpipe() -> ! {
    die_from_signal(SIGPIPE)
}

/// Go's sighandler: what to do with a signal. Called by sigtramp on the
/// M's gsignal stack with every signal blocked.
///
/// # Safety
/// Only the kernel calls it (through sigtramp), with a live siginfo and
/// ucontext.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sighandler(sig: u32, info: *mut Siginfo, ctx: *mut Ucontext) {
    // SAFETY: the kernel hands us both for the handler's duration.
    let c = unsafe { Sigctxt { info: &*info, regs: &(*ctx).mcontext } };
    let flags = SIGTABLE.get(sig as usize).map_or(SIG_NOTIFY, |t| t.flags);
    let gp = getg();
    if !c.sig_from_user() && flags & SIG_PANIC != 0 {
        if is_g0(gp) {
            sigthrow(sig, &c, gp); // a fault in runtime code
        }
        sigpanic(sig, &c, gp);
    }
    if flags & SIG_KILL != 0 {
        die_from_signal(sig);
    }
    // A fault signal sent by a user (kill -SEGV) is no panic, but dumps
    // like SIGQUIT, as Go's sighandler does.
    if flags & (SIG_THROW | SIG_PANIC) != 0 {
        sigthrow(sig, &c, gp);
    }
    // SIG_NOTIFY only: gort has no os/signal to tell. Ignored.
}

/// Whether gp is its M's g0.
fn is_g0(gp: *mut G) -> bool {
    // SAFETY: the interrupted g is live and has an M while it runs.
    unsafe { !(*gp).m.is_null() && (*(*gp).m).g0 == gp }
}

/// A `_SIG_THROW` signal, or a fault in the runtime: Go's dump. The
/// signal's name, `PC=0x.. m=N sigcode=N`, every goroutine at level 2
/// starting with the interrupted one, the registers; exit 2.
fn sigthrow(sig: u32, c: &Sigctxt, gp: *mut G) -> ! {
    let mut w = FdWriter::report(STDERR);
    startpanic_signal(&mut w, gp, c.sigpc(), c.sigbp());
    // Go's names: `signal N` for a real-time signal in its table, `Signal
    // N` past it.
    match SIGTABLE.get(sig as usize).map(|t| t.name) {
        Some("") => {
            let _ = core::fmt::Write::write_fmt(&mut w, format_args!("signal {sig}\n"));
        }
        Some(name) => {
            let _ = core::fmt::Write::write_fmt(&mut w, format_args!("{name}\n"));
        }
        None => {
            let _ = core::fmt::Write::write_fmt(&mut w, format_args!("Signal {sig}\n"));
        }
    }
    // SAFETY: the interrupted g's M is this thread's.
    let mid = unsafe { (*(*gp).m).id };
    let _ = core::fmt::Write::write_fmt(&mut w, format_args!("PC={:#x} m={mid} sigcode={}", c.sigpc(), c.sigcode()));
    if matches!(sig, SIGSEGV | SIGBUS) {
        let _ = core::fmt::Write::write_fmt(&mut w, format_args!(" addr={:#x}", c.fault()));
    }
    w.write_bytes(b"\n\n");
    w.flush(); // the message lines are out before any traceback can fail
    let p = Printer { level: 2 };
    p.goroutineheader(&mut w, gp);
    // SAFETY: gp is the interrupted g, live.
    let stk = unsafe { (*gp).stack };
    p.traceback(&mut w, (c.sigpc(), c.sigsp(), c.sigbp()), true, stk, if is_g0(gp) { core::ptr::null() } else { gp });
    w.flush();
    p.tracebackothers(&mut w, gp);
    w.write_bytes(b"\n");
    c.dumpregs(&mut w);
    w.flush();
    if crate::env::TRACEBACK.get().crash {
        crash();
    }
    exit_group(2)
}

/// A fault in a goroutine (Go's sigpanic, reported at once since gort
/// does not unwind): a stack overflow if the address is in the guard page
/// below its stack; a nil dereference or arithmetic error as a panic; any
/// other address a fatal `fault`.
fn sigpanic(sig: u32, c: &Sigctxt, gp: *mut G) -> ! {
    let mut w = FdWriter::report(STDERR);
    startpanic_signal(&mut w, gp, c.sigpc(), c.sigbp());
    // SAFETY: gp is the interrupted g, live.
    let stk = unsafe { (*gp).stack };
    let addr = c.fault();
    let report = Report {
        runtime: false,
        user: false,
        gp,
        first: (c.sigpc(), c.sigsp(), c.sigbp()),
        exact: true,
        stk,
        regs: None,
        runtime_stack: None,
    };
    let out = |w: &mut FdWriter, a: core::fmt::Arguments| {
        let _ = core::fmt::Write::write_fmt(w, a);
    };
    if sig == SIGSEGV && addr < stk.lo && addr >= stk.lo.saturating_sub(crate::stack::GUARD_SIZE) {
        out(&mut w, format_args!("runtime: goroutine stack exceeds {}-byte limit\n", stk.size()));
        out(&mut w, format_args!("runtime: sp={:#x} stack=[{:#x}, {:#x}]\n", c.sigsp(), stk.lo, stk.hi));
        w.write_bytes(b"fatal error: stack overflow\n");
        let here = crate::panic::caller_frame();
        // SAFETY: this M's gsignal, the stack we are on.
        let gsig = unsafe { (*(*(*gp).m).gsignal).stack };
        dopanic(&mut w, &Report { runtime: true, runtime_stack: Some((here, gsig)), ..report });
    }
    const SEGV_MAPERR: i32 = 1;
    const SEGV_ACCERR: i32 = 2;
    const BUS_ADRERR: i32 = 2;
    const FPE_INTDIV: i32 = 1;
    const FPE_INTOVF: i32 = 2;
    let code = c.sigcode();
    let msg = match sig {
        SIGBUS if code == BUS_ADRERR && addr < 0x1000 => Some("invalid memory address or nil pointer dereference"),
        SIGSEGV if matches!(code, 0 | SEGV_MAPERR | SEGV_ACCERR) && addr < 0x1000 => {
            Some("invalid memory address or nil pointer dereference")
        }
        SIGFPE if code == FPE_INTDIV => Some("integer divide by zero"),
        SIGFPE if code == FPE_INTOVF => Some("integer overflow"),
        SIGFPE => Some("floating point error"),
        _ => None,
    };
    let name = SIGTABLE[sig as usize].name;
    let signal_line = |w: &mut FdWriter| {
        let _ = core::fmt::Write::write_fmt(
            w,
            format_args!("[signal {name} code={:#x} addr={addr:#x} pc={:#x}]\n", code as u32, c.sigpc()),
        );
    };
    match msg {
        Some(msg) => {
            out(&mut w, format_args!("panic: runtime error: {msg}\n"));
            signal_line(&mut w);
            dopanic(&mut w, &report)
        }
        None => {
            out(&mut w, format_args!("unexpected fault address {addr:#x}\nfatal error: fault\n"));
            signal_line(&mut w);
            dopanic(&mut w, &Report { runtime: true, ..report })
        }
    }
}

/// Whether the process is reporting a failure (main waits for it).
pub fn panicking() -> bool {
    PANICKING.load(Ordering::Acquire) != 0
}

/// Go's minitSignalMask: this thread takes the process's mask less the
/// signals a thread running Go code must never block (faults).
pub fn minit_signal_mask(mask: u64) {
    let mut m = mask;
    for (sig, t) in SIGTABLE.iter().enumerate().skip(1) {
        if t.flags & SIG_UNBLOCK_FLAG != 0 {
            m &= !(1u64 << (sig - 1));
        }
    }
    rt_sigprocmask(SIG_SETMASK, Some(&m), None);
}
