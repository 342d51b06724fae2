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
//! Stacks are carved from 64 MiB arenas, one mapping each. Guard pages are
//! installed with madvise(MADV_GUARD_INSTALL) where the kernel has it
//! (Linux 6.13+): that does not split the mapping, so a million guarded
//! stacks stay within vm.max_map_count. Older kernels get an
//! mprotect(PROT_NONE) page, which splits it: each stack then costs two
//! mappings, and running out is a fatal error that says so.
//!
//! Stacks are reused, not unmapped: a dead goroutine keeps its stack on
//! its P's free list (proc.rs), and stacks freed outright go to a pool
//! here, with their pages given back to the OS.

use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use alloc::vec::Vec;

use rustix::io::Errno;
use rustix::mm::{self, MapFlags, MprotectFlags, ProtFlags};

use crate::lock_futex::Mutex;
use crate::panic::throw;
use crate::runtime2::Stack;
use crate::sys_linux_amd64;

/// The usable size of a goroutine stack unless the program sets another:
/// reserved, committed as touched. Large enough for ordinary Rust code
/// (core's formatting needs a few KiB), small enough that a million
/// goroutines' page tables stay small.
pub const STACK_SIZE: usize = 64 << 10;
/// Goroutine 1's stack: main often does the heavy lifting, and there is
/// only one (as a C program's main thread gets more than its others).
pub const MAIN_STACK_SIZE: usize = 1 << 20;
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

/// Address space reserved at a time to carve stacks from.
const ARENA_SIZE: usize = 64 << 20;

/// Stacks not in use, and the uncarved rest of the current arena.
struct StackPool {
    /// Freed stacks (their pages already given back), any size.
    free: Vec<Stack>,
    next: usize,
    end: usize,
}

static POOL: Mutex<StackPool> = Mutex::new(StackPool { free: Vec::new(), next: 0, end: 0 });

/// Stacks carved so far (a counter for tests and schedtrace).
pub static STACKS_CARVED: AtomicUsize = AtomicUsize::new(0);
/// Bytes of stack arenas reserved, and of stacks handed out and not
/// freed (read_memstats' StackSys and StackInuse).
pub static STACK_SYS: AtomicUsize = AtomicUsize::new(0);
pub static STACK_INUSE: AtomicUsize = AtomicUsize::new(0);

/// A stack of `size` usable bytes with a guard page below it: a freed one
/// of that size if any, else carved from an arena (reserved with
/// MAP_NORESERVE, so untouched pages cost nothing). Throws if the kernel
/// refuses.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn stackalloc(size: usize) -> Stack {
    if size % PAGE_SIZE != 0 {
        throw("stackalloc: size is not a multiple of the page size");
    }
    let slot = size + GUARD_SIZE;
    let base = {
        let mut pool = POOL.lock();
        STACK_INUSE.fetch_add(size, Ordering::Relaxed);
        if let Some(i) = pool.free.iter().rposition(|s| s.size() == size) {
            return pool.free.swap_remove(i);
        }
        if pool.next + slot > pool.end {
            let len = ARENA_SIZE.max(slot);
            // SAFETY: a new anonymous mapping at an address the kernel
            // picks aliases nothing.
            let arena = unsafe {
                mm::mmap_anonymous(
                    core::ptr::null_mut(),
                    len,
                    ProtFlags::READ | ProtFlags::WRITE,
                    MapFlags::PRIVATE | MapFlags::NORESERVE | MapFlags::STACK,
                )
            };
            let Ok(arena) = arena else { crate::mheap::out_of_memory(len, STACK_INUSE.load(Ordering::Relaxed)) };
            STACK_SYS.fetch_add(len, Ordering::Relaxed);
            pool.next = arena as usize;
            pool.end = arena as usize + len;
        }
        let base = pool.next;
        pool.next += slot;
        base
    };
    install_guard(base as *mut c_void);
    STACKS_CARVED.fetch_add(1, Ordering::Relaxed);
    let lo = base + GUARD_SIZE;
    Stack { lo, hi: lo + size }
}

/// Makes the page at `guard` fault on any access.
fn install_guard(guard: *mut c_void) {
    if !NO_GUARD_INSTALL.load(Ordering::Relaxed) {
        // SAFETY: the guard page belongs to a stack slot no one uses yet.
        match unsafe { sys_linux_amd64::madvise_guard_install(guard, GUARD_SIZE) } {
            Ok(()) => return,
            Err(Errno::INVAL) => NO_GUARD_INSTALL.store(true, Ordering::Relaxed),
            Err(_) => throw("stackalloc: cannot install the guard page"),
        }
    }
    // Before Linux 6.13: a PROT_NONE page, which splits the mapping. Each
    // stack then costs two of the vm.max_map_count mappings.
    // SAFETY: as above.
    match unsafe { mm::mprotect(guard, GUARD_SIZE, MprotectFlags::empty()) } {
        Ok(()) => {}
        Err(Errno::NOMEM) => {
            crate::print::rtprintln!(
                "runtime: cannot map another goroutine stack guard page: the kernel's limit of memory mappings \
                 (vm.max_map_count) is reached; raise it, or use Linux 6.13+ (MADV_GUARD_INSTALL)"
            );
            throw("out of memory mappings (vm.max_map_count)");
        }
        Err(_) => throw("stackalloc: cannot install the guard page"),
    }
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

/// Returns a stack to the pool, its pages to the OS. The address space
/// stays reserved (unmapping part of an arena would split it).
///
/// # Safety
/// Nothing runs on `stk` or points into it any more.
pub unsafe fn stackfree(stk: Stack) {
    // SAFETY: the caller guarantees the stack is dead.
    unsafe { stackrelease(stk) };
    STACK_INUSE.fetch_sub(stk.size(), Ordering::Relaxed);
    POOL.lock().free.push(stk);
}

/// Gives a kept stack's pages back to the OS; the mapping (and its guard)
/// stays, and the next use gets zero pages again.
///
/// # Safety
/// Nothing runs on `stk` or points into it.
pub unsafe fn stackrelease(stk: Stack) {
    // Whole pages only: a G may share the page above its stack's top.
    let hi = stk.hi & !(PAGE_SIZE - 1);
    // SAFETY: the caller guarantees the stack is unused.
    let _ = unsafe { mm::madvise(stk.lo as *mut c_void, hi - stk.lo, mm::Advice::LinuxDontNeed) };
}
