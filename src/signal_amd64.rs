//! What a signal handler is handed on linux/amd64: the siginfo and the
//! interrupted registers (Go's signal_amd64.go, signal_linux_amd64.go and
//! defs_linux_amd64.go). linux-raw-sys has no ucontext for x86-64, so the
//! layouts are written here and their offsets asserted.

use core::mem::offset_of;

use crate::print::FdWriter;

/// The head of the kernel's siginfo_t: what every signal has, and the
/// fault address that SIGSEGV, SIGBUS and SIGFPE add.
#[repr(C)]
pub struct Siginfo {
    pub signo: i32,
    pub errno: i32,
    pub code: i32,
    _pad: i32,
    /// si_addr for faults; si_pid and si_uid for signals sent by a process.
    pub addr: usize,
}

/// The general registers the kernel saved (struct sigcontext's first 18
/// words, in the kernel's order).
#[repr(C)]
pub struct Gregs {
    pub r8: u64,
    pub r9: u64,
    pub r10: u64,
    pub r11: u64,
    pub r12: u64,
    pub r13: u64,
    pub r14: u64,
    pub r15: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rbp: u64,
    pub rbx: u64,
    pub rdx: u64,
    pub rax: u64,
    pub rcx: u64,
    pub rsp: u64,
    pub rip: u64,
    pub rflags: u64,
    pub cs: u16,
    pub gs: u16,
    pub fs: u16,
    _pad0: u16,
}

/// The kernel's ucontext, up to the registers.
#[repr(C)]
pub struct Ucontext {
    pub flags: u64,
    pub link: usize,
    /// stack_t: sp, flags, size.
    pub stack: [usize; 3],
    pub mcontext: Gregs,
}

const _: () = {
    assert!(offset_of!(Siginfo, addr) == 16);
    assert!(offset_of!(Ucontext, mcontext) == 40);
    assert!(offset_of!(Ucontext, mcontext.rsp) == 160);
    assert!(offset_of!(Ucontext, mcontext.rip) == 168);
    assert!(offset_of!(Ucontext, mcontext.cs) == 184);
};

/// si_code of a signal sent by kill(2) and of one sent by tkill/tgkill.
const SI_USER: i32 = 0;
const SI_TKILL: i32 = -6;

/// A signal's context (Go's sigctxt): the siginfo and the interrupted
/// registers. Valid for the duration of the handler.
pub struct Sigctxt<'a> {
    pub info: &'a Siginfo,
    pub regs: &'a Gregs,
}

impl Sigctxt<'_> {
    pub fn sigpc(&self) -> usize {
        self.regs.rip as usize
    }
    pub fn sigsp(&self) -> usize {
        self.regs.rsp as usize
    }
    pub fn sigbp(&self) -> usize {
        self.regs.rbp as usize
    }
    pub fn sigcode(&self) -> i32 {
        self.info.code
    }
    /// The faulting address of SIGSEGV, SIGBUS, SIGFPE.
    pub fn fault(&self) -> usize {
        self.info.addr
    }

    /// Sent by a process (kill, tgkill) rather than by the machine.
    pub fn sig_from_user(&self) -> bool {
        matches!(self.info.code, SI_USER | SI_TKILL)
    }

    /// Go's dumpregs: one register a line, `rax    0x0`.
    pub fn dumpregs(&self, w: &mut FdWriter) {
        let r = self.regs;
        let regs: [(&str, u64); 21] = [
            ("rax", r.rax),
            ("rbx", r.rbx),
            ("rcx", r.rcx),
            ("rdx", r.rdx),
            ("rdi", r.rdi),
            ("rsi", r.rsi),
            ("rbp", r.rbp),
            ("rsp", r.rsp),
            ("r8", r.r8),
            ("r9", r.r9),
            ("r10", r.r10),
            ("r11", r.r11),
            ("r12", r.r12),
            ("r13", r.r13),
            ("r14", r.r14),
            ("r15", r.r15),
            ("rip", r.rip),
            ("rflags", r.rflags),
            ("cs", r.cs as u64),
            ("fs", r.fs as u64),
            ("gs", r.gs as u64),
        ];
        for (name, v) in regs {
            let _ = core::fmt::Write::write_fmt(w, format_args!("{name:<7}{v:#x}\n"));
        }
    }
}
