//! The raw system calls rustix does not offer (or offers only in its
//! private runtime module), typed. Each is one `syscall` instruction.

use core::arch::asm;

use linux_raw_sys::general::{__NR_arch_prctl, __NR_clock_gettime, __NR_exit_group};

/// ARCH_GET_FS, missing from linux-raw-sys on x86-64.
const ARCH_GET_FS: usize = 0x1003;

/// Ends the process with `code`, whatever its threads are doing.
pub fn exit_group(code: i32) -> ! {
    // SAFETY: exit_group takes one integer and does not return.
    unsafe {
        asm!("syscall", in("rax") __NR_exit_group, in("rdi") code as isize, options(noreturn, nostack));
    }
}

/// The %fs base of this thread, read back from the kernel.
pub fn arch_prctl_get_fs() -> usize {
    let mut fs: usize = 0;
    let ret: isize;
    // SAFETY: the kernel writes one word to &fs, which is live and ours.
    unsafe {
        asm!("syscall", inlateout("rax") __NR_arch_prctl as isize => ret,
             in("rdi") ARCH_GET_FS, in("rsi") &raw mut fs,
             lateout("rcx") _, lateout("r11") _, options(nostack));
    }
    if ret < 0 { 0 } else { fs }
}

/// clock_gettime(CLOCK_MONOTONIC) in nanoseconds.
pub fn clock_gettime_monotonic() -> i64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: the kernel writes a timespec to &ts, which is live and ours.
    unsafe {
        asm!("syscall", inlateout("rax") __NR_clock_gettime as isize => _,
             in("rdi") linux_raw_sys::general::CLOCK_MONOTONIC as usize, in("rsi") &raw mut ts,
             lateout("rcx") _, lateout("r11") _, options(nostack));
    }
    ts.sec * 1_000_000_000 + ts.nsec
}

/// MADV_GUARD_INSTALL (Linux 6.13): make pages fault on access without
/// splitting the mapping. Not yet in linux-raw-sys.
const MADV_GUARD_INSTALL: usize = 102;

/// madvise(addr, len, MADV_GUARD_INSTALL).
///
/// # Safety
/// Nothing may use the range afterwards: any access faults.
pub unsafe fn madvise_guard_install(addr: *mut core::ffi::c_void, len: usize) -> Result<(), rustix::io::Errno> {
    let ret: isize;
    // SAFETY: the caller gives up the range; the kernel checks the rest.
    unsafe {
        asm!("syscall", inlateout("rax") linux_raw_sys::general::__NR_madvise as isize => ret,
             in("rdi") addr, in("rsi") len, in("rdx") MADV_GUARD_INSTALL,
             lateout("rcx") _, lateout("r11") _, options(nostack));
    }
    if ret < 0 { Err(rustix::io::Errno::from_raw_os_error(-ret as i32)) } else { Ok(()) }
}

/// rt_sigprocmask(how, set, old, 8): the blocked-signal mask of this thread.
pub fn rt_sigprocmask(how: u32, set: Option<&u64>, old: Option<&mut u64>) {
    let set = set.map_or(core::ptr::null(), |s| s as *const u64);
    let old = old.map_or(core::ptr::null_mut(), |o| o as *mut u64);
    // SAFETY: the kernel reads 8 bytes at set and writes 8 at old, both
    // null or live and ours.
    unsafe {
        asm!("syscall", inlateout("rax") linux_raw_sys::general::__NR_rt_sigprocmask as isize => _,
             in("rdi") how as usize, in("rsi") set, in("rdx") old, in("r10") 8usize,
             lateout("rcx") _, lateout("r11") _, options(nostack));
    }
}

/// sigaltstack: this thread's signal stack becomes `Some((base, size))`,
/// or none.
pub fn sigaltstack(stack: Option<(usize, usize)>) {
    #[repr(C)]
    struct StackT {
        sp: usize,
        flags: i32,
        size: usize,
    }
    let ss = match stack {
        Some((sp, size)) => StackT { sp, flags: 0, size },
        None => StackT { sp: 0, flags: linux_raw_sys::general::SS_DISABLE as i32, size: 0 },
    };
    // SAFETY: the kernel reads one stack_t from &ss; a stack given here is
    // owned by this thread's M for as long as the thread lives.
    unsafe {
        asm!("syscall", inlateout("rax") linux_raw_sys::general::__NR_sigaltstack as isize => _,
             in("rdi") &raw const ss, in("rsi") 0usize,
             lateout("rcx") _, lateout("r11") _, options(nostack));
    }
}

/// The kernel's struct sigaction (not libc's): handler, flags, restorer,
/// and a 64-bit mask.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Sigactiont {
    pub handler: usize,
    pub flags: u64,
    pub restorer: usize,
    pub mask: u64,
}

/// rt_sigaction(sig, new, old, 8). Returns -errno on failure.
pub fn rt_sigaction(sig: u32, new: Option<&Sigactiont>, old: Option<&mut Sigactiont>) -> isize {
    let new = new.map_or(core::ptr::null(), |s| s as *const Sigactiont);
    let old = old.map_or(core::ptr::null_mut(), |o| o as *mut Sigactiont);
    let ret: isize;
    // SAFETY: the kernel reads one sigaction at new and writes one at
    // old, both null or live and ours.
    unsafe {
        asm!("syscall", inlateout("rax") linux_raw_sys::general::__NR_rt_sigaction as isize => ret,
             in("rdi") sig as usize, in("rsi") new, in("rdx") old, in("r10") 8usize,
             lateout("rcx") _, lateout("r11") _, options(nostack));
    }
    ret
}

/// Sends `sig` to this thread (Go's raise): tgkill(getpid(), gettid(), sig).
pub fn raise(sig: u32) {
    let pid = rustix::process::getpid().as_raw_nonzero().get() as usize;
    let tid = rustix::thread::gettid().as_raw_nonzero().get() as usize;
    // SAFETY: tgkill only sends a signal to this very thread.
    unsafe {
        asm!("syscall", inlateout("rax") linux_raw_sys::general::__NR_tgkill as isize => _,
             in("rdi") pid, in("rsi") tid, in("rdx") sig as usize,
             lateout("rcx") _, lateout("r11") _, options(nostack));
    }
}
