//! What gort asks of Linux at start-up: the auxiliary vector (sysargs),
//! the CPU count (osinit), and the standard descriptors (checkfds).

use core::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

use linux_raw_sys::auxvec::{AT_HWCAP, AT_NULL, AT_PAGESZ, AT_RANDOM, AT_SECURE, AT_SYSINFO_EHDR};
use rustix::fd::{BorrowedFd, IntoRawFd};
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

use crate::env::Argv;
use crate::panic::throw;

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
                crate::eprintln!(
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
                    crate::eprintln!(
                        "runtime: opened unexpected file descriptor {got} when attempting to open {fd}"
                    );
                    throw("cannot open standard fds");
                }
            }
            Err(_) => {
                crate::eprintln!(
                    "runtime: standard file descriptor {fd} closed, unable to open /dev/null, errno={}",
                    Errno::BADF.raw_os_error()
                );
                throw("cannot open standard fds");
            }
        }
    }
}
