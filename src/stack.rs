//! Goroutine stacks: stackinit, stackalloc, stackfree.
//!
//! Go grows a goroutine's stack by copying it, which needs the compiler's
//! help (a bounds check in every prologue, pointer maps to fix up moved
//! frames). Rust frames cannot be moved, so gort instead reserves each
//! stack at its full size up front, as virtual memory only
//! (MAP_NORESERVE): the kernel commits a page the first time it is
//! touched, so a goroutine that uses 3 KiB of stack costs one page.
//! Below each stack lies a guard page. Rust's stack probes touch every
//! page of a large frame in turn, so running off the end always faults on
//! the guard instead of scribbling on a neighbour.
//!
//! Guard pages are installed with madvise(MADV_GUARD_INSTALL) where the
//! kernel has it (Linux 6.13+): that does not split the mapping, so a
//! million guarded stacks stay within vm.max_map_count. Older kernels get
//! an mprotect(PROT_NONE) page, which costs a mapping each.

use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rustix::io::Errno;
use rustix::mm::{self, MapFlags, MprotectFlags, ProtFlags};

use crate::panic::throw;
use crate::runtime2::Stack;
use crate::sys_linux_amd64;

/// The usable size of a goroutine stack unless the program sets another:
/// reserved, committed as touched.
pub const STACK_SIZE: usize = 256 << 10;
/// The smallest stack set_stack_size allows.
pub const STACK_MIN: usize = 16 << 10;

/// The size of stacks for goroutines made from now on.
static STACK_SIZE_NOW: AtomicUsize = AtomicUsize::new(STACK_SIZE);
/// The inaccessible page below every stack.
pub const GUARD_SIZE: usize = 4096;
/// Pages gort assumes; stackinit checks the kernel agrees.
pub const PAGE_SIZE: usize = 4096;

/// Set once madvise(MADV_GUARD_INSTALL) has failed with EINVAL: this
/// kernel predates it, so guards are mprotect'd pages.
static NO_GUARD_INSTALL: AtomicBool = AtomicBool::new(false);

/// Go's stackinit: check the assumptions stacks are cut to. Runs in
/// schedinit.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn stackinit() {
    let pagesz = crate::os_linux::PHYS_PAGE_SIZE.load(Ordering::Relaxed);
    if pagesz != 0 && pagesz != PAGE_SIZE {
        throw("stackinit: page size is not 4096");
    }
}

/// Maps a fresh stack of `size` usable bytes with a guard page below it.
/// Runs on g0. Throws if the kernel refuses.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn stackalloc(size: usize) -> Stack {
    if size % PAGE_SIZE != 0 {
        throw("stackalloc: size is not a multiple of the page size");
    }
    let total = size + GUARD_SIZE;
    // SAFETY: a new anonymous mapping at an address the kernel picks
    // aliases nothing.
    let base = unsafe {
        mm::mmap_anonymous(
            core::ptr::null_mut(),
            total,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::NORESERVE | MapFlags::STACK,
        )
    };
    let Ok(base) = base else { crate::malloc::out_of_memory() };
    if !NO_GUARD_INSTALL.load(Ordering::Relaxed) {
        match sys_linux_amd64::madvise_guard_install(base, GUARD_SIZE) {
            Ok(()) => {}
            Err(Errno::INVAL) => NO_GUARD_INSTALL.store(true, Ordering::Relaxed),
            Err(_) => throw("stackalloc: cannot install the guard page"),
        }
    }
    if NO_GUARD_INSTALL.load(Ordering::Relaxed) {
        // SAFETY: the first page of our own fresh mapping.
        if unsafe { mm::mprotect(base, GUARD_SIZE, MprotectFlags::empty()) }.is_err() {
            throw("stackalloc: cannot install the guard page");
        }
    }
    let lo = base as usize + GUARD_SIZE;
    Stack { lo, hi: lo + size }
}

/// The stack size new goroutines get.
pub fn stack_size() -> usize {
    STACK_SIZE_NOW.load(Ordering::Relaxed)
}

/// Sets the stack size of goroutines created from now on, rounded up to
/// whole pages and at least 16 KiB; returns the previous size. Running
/// goroutines keep theirs. Stacks are reserved, not committed: a large
/// size costs address space, not memory.
pub fn set_stack_size(bytes: usize) -> usize {
    let size = bytes.max(STACK_MIN).next_multiple_of(PAGE_SIZE);
    STACK_SIZE_NOW.swap(size, Ordering::Relaxed)
}

/// Unmaps a stack stackalloc made, guard page included.
///
/// # Safety
/// Nothing runs on `stk` or points into it any more.
pub unsafe fn stackfree(stk: Stack) {
    let base = (stk.lo - GUARD_SIZE) as *mut c_void;
    // SAFETY: the caller guarantees the stack is dead; it is exactly the
    // mapping stackalloc made.
    if unsafe { mm::munmap(base, stk.size() + GUARD_SIZE) }.is_err() {
        throw("stackfree: munmap failed");
    }
}

/// Gives a kept stack's pages back to the OS; the mapping (and its guard)
/// stays, and the next use gets zero pages again.
///
/// # Safety
/// Nothing runs on `stk` or points into it.
pub unsafe fn stackrelease(stk: Stack) {
    // SAFETY: the caller guarantees the stack is unused.
    let _ = unsafe { mm::madvise(stk.lo as *mut c_void, stk.size(), mm::Advice::LinuxDontNeed) };
}
