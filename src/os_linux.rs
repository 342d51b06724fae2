//! What gort asks of Linux: the auxiliary vector (sysargs), the CPU
//! count (osinit), the standard descriptors (checkfds), threads
//! (newosproc, exit_thread_of) and their signal masks.

use core::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use linux_raw_sys::auxvec::{AT_HWCAP, AT_NULL, AT_PAGESZ, AT_RANDOM, AT_SECURE, AT_SYSINFO_EHDR};
use rustix::fd::{BorrowedFd, IntoRawFd};
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

use linux_raw_sys::general::{
    CLONE_FILES, CLONE_FS, CLONE_SETTLS, CLONE_SIGHAND, CLONE_SYSVSEM, CLONE_THREAD, CLONE_VM, SIG_SETMASK,
};

use crate::env::Argv;
use crate::panic::throw;
use crate::runtime2::{G, M};
use crate::sys_linux_amd64::rt_sigprocmask;

/// From the auxv: the page size (AT_PAGESZ).
pub static PHYS_PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);
/// From the auxv: 16 random bytes from the kernel (AT_RANDOM), the seed
/// of the runtime's random numbers.
pub static STARTUP_RANDOM: AtomicUsize = AtomicUsize::new(0);
/// From the auxv: the vDSO's ELF header (AT_SYSINFO_EHDR).
pub static VDSO_EHDR: AtomicUsize = AtomicUsize::new(0);
/// From the auxv: set-uid or similar (AT_SECURE). Crashes then print nothing.
pub static SECURE: AtomicUsize = AtomicUsize::new(0);
/// From the auxv: CPU feature bits (AT_HWCAP).
pub static HWCAP: AtomicUsize = AtomicUsize::new(0);

/// CPUs this process may run on, counted once by osinit (Go's ncpu).
pub static NCPU: AtomicI32 = AtomicI32::new(0);

/// The auxv: after envp's terminating null.
fn auxv(a: &Argv) -> *const [usize; 2] {
    // SAFETY: the kernel lays out argv, null, envp, null, auxv.
    unsafe {
        let mut p = a.argv.add(a.argc + 1);
        while !(*p).is_null() {
            p = p.add(1);
        }
        p.add(1).cast()
    }
}

/// Go's sysargs: read what the kernel told us in the auxiliary vector.
/// Runs in `args`, before anything else needs the page size.
pub fn sysargs(a: &Argv) -> usize {
    let mut p = auxv(a);
    let mut n = 0;
    loop {
        // SAFETY: the auxv is a live array of (tag, value) pairs ending
        // with AT_NULL.
        let [tag, val] = unsafe { *p };
        match tag as u32 {
            AT_NULL => break,
            AT_PAGESZ => PHYS_PAGE_SIZE.store(val, Ordering::Relaxed),
            AT_RANDOM => STARTUP_RANDOM.store(val, Ordering::Relaxed),
            AT_SYSINFO_EHDR => VDSO_EHDR.store(val, Ordering::Relaxed),
            AT_SECURE => SECURE.store(val, Ordering::Relaxed),
            AT_HWCAP => HWCAP.store(val, Ordering::Relaxed),
            _ => {}
        }
        n += 1;
        // SAFETY: not yet at AT_NULL, so the next pair exists.
        p = unsafe { p.add(1) };
    }
    // SAFETY: AT_SYSINFO_EHDR, if present, is the kernel's vDSO image.
    unsafe { crate::vdso_linux_amd64::vdsoauxv(VDSO_EHDR.load(Ordering::Relaxed)) };
    n
}

/// Go's osinit: learn the machine.
#[unsafe(no_mangle)]
pub extern "C" fn osinit() {
    NCPU.store(getproccount(), Ordering::Relaxed);
    crate::boottrace!("osinit: ncpu={} (sched_getaffinity)", NCPU.load(Ordering::Relaxed));
}

/// CPUs in this process's affinity mask; 1 if it cannot be read.
fn getproccount() -> i32 {
    match rustix::thread::sched_getaffinity(None) {
        Ok(set) => (set.count() as i32).max(1),
        Err(_) => 1,
    }
}

/// Go's checkfds: a program started with fd 0, 1 or 2 closed gets
/// /dev/null there, so its first open does not become its stdout.
pub fn checkfds() {
    for fd in 0..3 {
        // SAFETY: only asks the kernel about the number; nothing is closed.
        let bfd = unsafe { BorrowedFd::borrow_raw(fd) };
        match rustix::io::fcntl_getfd(bfd) {
            Ok(_) => continue,
            Err(Errno::BADF) => {}
            Err(e) => {
                crate::print::rtprintln!(
                    "runtime: unexpected error while checking standard file descriptor {fd}, errno={}",
                    e.raw_os_error()
                );
                throw("cannot open standard fds");
            }
        }
        match rustix::fs::open(c"/dev/null", OFlags::RDWR, Mode::empty()) {
            Ok(f) => {
                let got = f.into_raw_fd(); // kept open for good
                if got != fd {
                    crate::print::rtprintln!(
                        "runtime: opened unexpected file descriptor {got} when attempting to open {fd}"
                    );
                    throw("cannot open standard fds");
                }
            }
            Err(_) => {
                crate::print::rtprintln!(
                    "runtime: standard file descriptor {fd} closed, unable to open /dev/null, errno={}",
                    Errno::BADF.raw_os_error()
                );
                throw("cannot open standard fds");
            }
        }
    }
}

/// The signal mask the process started with (Go's initSigmask); every new
/// M installs it in minit.
static INIT_SIGMASK: AtomicU64 = AtomicU64::new(0);

/// Go's sigsave: remember the inherited signal mask. Runs in schedinit.
pub fn sigsave() {
    let mut old = 0;
    rt_sigprocmask(SIG_SETMASK, None, Some(&mut old));
    INIT_SIGMASK.store(old, Ordering::Relaxed);
}

/// Go's minitSignalMask: a new thread starts with everything blocked
/// (newosproc); give it the process's own mask, less the signals no
/// thread may block (signal_unix.rs).
pub fn minit_signal_mask() {
    crate::signal_unix::minit_signal_mask(INIT_SIGMASK.load(Ordering::Relaxed));
}

// The asm reaches only the fields pinned in asm/go_asm.inc.
#[allow(improper_ctypes)]
unsafe extern "C" {
    fn clone(flags: u64, stk: usize, mp: *mut M, gp: *mut G, f: extern "C" fn() -> !) -> i64;
    fn exit_thread(wait: *const AtomicU32) -> !;
}

/// The clone flags of every M: a thread sharing everything, with its own
/// TLS (Go's cloneFlags).
const CLONE_FLAGS: u64 = (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_SYSVSEM | CLONE_THREAD | CLONE_SETTLS) as u64;

/// Go's newosproc: start mp's thread, on its g0 stack, in mstart. All
/// signals stay blocked across clone, so the child takes none before it
/// has a g (minit restores the mask).
pub fn newosproc(mp: *mut M) {
    // SAFETY: mp was made by allocm: its g0 has a stack and nothing runs
    // on it yet.
    let (g0, stk) = unsafe { ((*mp).g0, (*(*mp).g0).stack.hi) };
    let all = !0u64;
    let mut old = 0;
    rt_sigprocmask(SIG_SETMASK, Some(&all), Some(&mut old));
    // SAFETY: clone starts a thread on a stack that is ours alone, with
    // %fs at mp.tls; it calls mstart, which never returns.
    let ret = unsafe { clone(CLONE_FLAGS, stk, mp, g0, crate::proc::mstart) };
    rt_sigprocmask(SIG_SETMASK, Some(&old), None);
    if ret < 0 {
        let have = crate::proc::sched.lock.lock().mcount() - 1;
        crate::print::rtprintln!("runtime: failed to create new OS thread (have {have} already; errno={})", -ret);
        if -ret == linux_raw_sys::errno::EAGAIN as i64 {
            crate::print::rtprintln!("runtime: may need to increase max user processes (ulimit -u)");
        }
        throw("newosproc");
    }
}

/// Go's minitSignalStack: signal handlers of this thread run on `stk`
/// (SA_ONSTACK), so a goroutine that overflows its own stack can still be
/// reported.
pub fn minit_sigaltstack(stk: crate::runtime2::Stack) {
    crate::sys_linux_amd64::sigaltstack(Some((stk.lo, stk.size())));
}

/// Ends the calling thread (not the process); its g0 stack may be freed
/// once mp.free_wait reads 0. Never returns.
pub fn exit_thread_of(mp: *mut M) -> ! {
    // Block every signal: a handler must not run on a stack about to go,
    // and the signal stack goes with the thread (Go's unminit).
    rt_sigprocmask(SIG_SETMASK, Some(&!0u64), None);
    crate::sys_linux_amd64::sigaltstack(None);
    // SAFETY: mp is this thread's M; exit_thread touches no stack after
    // its store.
    unsafe { exit_thread(&raw const (*mp).free_wait) }
}

/// Asks the kernel to wake this thread's timed sleeps on time: by default
/// it may add up to 50 us of slack to batch wake-ups, which is most of a
/// 1 ms sleep's overshoot. (Go leaves the default.)
pub fn minit_timerslack() {
    const PR_SET_TIMERSLACK: u32 = 29;
    // SAFETY: prctl(PR_SET_TIMERSLACK, 1 ns) only changes this thread's
    // timer slack; an error leaves the default, which is harmless.
    unsafe {
        core::arch::asm!("syscall", inlateout("rax") linux_raw_sys::general::__NR_prctl as isize => _,
             in("rdi") PR_SET_TIMERSLACK as usize, in("rsi") 1usize, in("rdx") 0usize,
             in("r10") 0usize, in("r8") 0usize, lateout("rcx") _, lateout("r11") _, options(nostack));
    }
}

/// Sleeps this thread for `us` microseconds (Go's usleep).
pub fn usleep(us: u64) {
    let ts = rustix::thread::Timespec { tv_sec: (us / 1_000_000) as i64, tv_nsec: ((us % 1_000_000) * 1000) as i64 };
    let _ = rustix::thread::nanosleep(&ts);
}
