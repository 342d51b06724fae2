//! proc: the bootstrap and the scheduler (Go's proc.go).
//!
//! # The boot chain
//!
//! Every gort program starts the way every Go program on linux/amd64
//! does, with the same names, in the same order:
//!
//! 1. `_rt0_amd64_linux` (asm/rt0_linux_amd64.s): the ELF entry. Reads
//!    argc and argv off the kernel's stack and jumps to rt0_go.
//! 2. `rt0_go` (asm/asm_amd64.s): aligns the stack; gives g0 the 64 KiB of
//!    the kernel's stack below it; `settls` points %fs just past m0.tls[0]
//!    and a 0x123 probe checks that %fs:-8 lands there; links m0 and g0
//!    and makes g0 current. Then calls, in order:
//! 3. `args` (env.rs): saves argc/argv, walks the auxv (sysargs).
//! 4. `osinit` (os_linux.rs): ncpu from sched_getaffinity.
//! 5. `schedinit` (below): the thread limit, stackinit, mallocinit,
//!    mcommoninit(m0), goargs, goenvs, GODEBUG and GOTRACEBACK, checkfds,
//!    GOMAXPROCS, procresize: P0 to m0, the other Ps idle.
//! 6. `newproc(&mainPC)`: goroutine 1, on its own stack, starting at
//!    runtime_main, into P0's runnext. No thread is started.
//! 7. `mstart` -> `mstart0` -> `mstart1`: records g0.sched (where mcall
//!    will run g0 code from now on), minit, then `schedule`.
//! 8. `schedule` -> `execute` -> `gogo`: the first context switch. m0
//!    leaves the kernel's stack for goroutine 1's.
//! 9. `runtime_main` (goroutine 1): locked to m0, runs the init tasks
//!    (imports first), unlocks, calls `main_main`, and `exit_group(0)`.
//!
//! `GODEBUG=boottrace=1` prints each step with its real values.
//!
//! # Execution contexts
//!
//! Code runs either on a user goroutine (curg) or on an M's g0, the
//! goroutine that owns the thread's own stack and runs the scheduler.
//! `mcall(f)` saves the running goroutine and calls `f(gp)` on g0;
//! `gogo(&gp.sched)` resumes a goroutine. Functions that must run on g0
//! say so and check it.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::arch::asm;
use core::ptr;
use core::sync::atomic::{AtomicI32, AtomicI64, Ordering};

use crate::env::{self, DEBUG, TRACEBACK};
use crate::init::{self, InitTask, Tracer};
use crate::malloc::{self, INITTRACE};
use crate::os_linux::NCPU;
use crate::panic::throw;
use crate::runtime2::{Funcval, G, Gobuf, Gstatus, M, P, Pstatus, Sched};
use crate::stack::{self, STACK_SIZE};
use crate::sys_linux_amd64::exit_group;
use crate::time::nanotime;

// The bootstrap objects, in .bss: gdb can `print m0`, `print g0`,
// `print sched`. Go names them so; so do we.
#[allow(non_upper_case_globals)]
#[unsafe(no_mangle)]
/// The main thread. Its g0 stack is the kernel's stack.
pub static mut m0: M = M::new();

#[allow(non_upper_case_globals)]
#[unsafe(no_mangle)]
/// m0's scheduling goroutine.
pub static mut g0: G = G::new();

#[allow(non_upper_case_globals)]
#[unsafe(no_mangle)]
/// The scheduler's global state.
pub static sched: Sched = Sched::new();

#[allow(non_upper_case_globals)]
#[unsafe(no_mangle)]
/// The funcval rt0_go hands to newproc: goroutine 1 starts in runtime_main.
pub static mainPC: Funcval = Funcval { entry: runtime_main };

/// The number of Ps (Go's gomaxprocs).
pub static GOMAXPROCS: AtomicI32 = AtomicI32::new(0);
/// nanotime when runtime_main started (Go's runtimeInitTime).
static RUNTIME_INIT_TIME: AtomicI64 = AtomicI64::new(0);

/// Most Ms the program may have (Go's default for debug.SetMaxThreads).
const MAX_M_COUNT: i64 = 10000;
/// goids handed to a P at a time.
const GOID_CACHE_BATCH: u64 = 16;
/// Every this many schedule calls, a P looks at the global queue first.
const GLOBAL_RUNQ_CHECK: u32 = 61;

unsafe extern "C" {
    fn gogo(buf: *const Gobuf) -> !;
    fn mcall(f: extern "C" fn(gp: *mut G) -> !) -> !;
    fn goexit();
    /// The program's main, emitted by gort::main!.
    fn main_main();
}

unsafe extern "Rust" {
    /// The program's main package, emitted by gort::main!.
    fn main_inittask() -> Option<&'static InitTask>;
}

/// The current g: g0 while the scheduler runs, else the user goroutine.
#[inline(always)]
pub fn getg() -> *mut G {
    let gp: *mut G;
    // SAFETY: %fs:-8 is this thread's m.tls[0], set by rt0_go (m0) and
    // updated on every switch; reading it has no side effects.
    unsafe { asm!("mov {}, qword ptr fs:[-8]", out(reg) gp, options(nostack, preserves_flags, readonly)) };
    gp
}

/// The M running this code.
#[inline(always)]
pub fn getm() -> *mut M {
    // SAFETY: the current g is live and its m is set while it runs.
    unsafe { (*getg()).m }
}

/// The goid of the running goroutine (0 on g0).
pub fn curgoid() -> u64 {
    // SAFETY: the current g is live while it runs.
    unsafe { (*getg()).goid }
}

/// The stack pointer here.
#[inline(always)]
fn getsp() -> usize {
    let sp: usize;
    // SAFETY: reads a register.
    unsafe { asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
    sp
}

/// The return address of the function this is inlined into: a pc in its
/// caller (Go's getcallerpc). Needs the frame pointers gort is built with.
#[inline(always)]
fn getcallerpc() -> usize {
    let pc: usize;
    // SAFETY: with frame pointers, 8(%rbp) is this frame's return address.
    unsafe { asm!("mov {}, qword ptr [rbp + 8]", out(reg) pc, options(nostack, preserves_flags, readonly)) };
    pc
}

/// Throws unless running on the M's g0.
fn assert_on_g0(what: &'static str) {
    let gp = getg();
    // SAFETY: the current g and its M are live.
    if unsafe { (*(*gp).m).g0 } != gp {
        throw(what);
    }
}

/// Prints rt0's facts for GODEBUG=boottrace=1: called from `args`, the
/// first Rust code, with everything rt0_go set up.
pub fn boottrace_rt0(argc: i32, argv: *const *const core::ffi::c_char) {
    let gp = getg();
    // SAFETY: g0 is live; its bounds were set by rt0_go.
    let stk = unsafe { (*gp).stack };
    crate::boottrace!(
        "_rt0_amd64_linux: entry sp={:#x} argc={argc} argv={argv:p}",
        argv as usize - 8
    );
    crate::boottrace!(
        "rt0_go: g0 stack=[{:#x}, {:#x}] ({} KiB of the kernel's stack) fs={:#x} &m0={:p} &m0.tls[0]={:p} &g0={:p} %fs:-8={:p}",
        stk.lo,
        stk.hi,
        stk.size() >> 10,
        crate::sys_linux_amd64::arch_prctl_get_fs(),
        &raw const m0,
        // SAFETY: only the address is taken.
        unsafe { &raw const m0.tls },
        &raw const g0,
        gp,
    );
}

/// Go's schedinit: everything the scheduler needs before the first
/// goroutine exists. Runs on g0 of m0, single-threaded.
#[unsafe(no_mangle)]
pub extern "C" fn schedinit() {
    assert_on_g0("schedinit not on g0");
    sched.lock.lock().maxmcount = MAX_M_COUNT;
    crate::boottrace!("schedinit: maxmcount={MAX_M_COUNT}");

    stack::stackinit();
    crate::boottrace!("schedinit: stackinit: goroutine stacks of {} KiB, guard page below", STACK_SIZE >> 10);
    malloc::mallocinit();
    crate::boottrace!("schedinit: mallocinit: heap ready");
    mcommoninit(&raw mut m0);
    // SAFETY: m0 is initialised and only this thread touches it.
    crate::boottrace!("schedinit: mcommoninit: m0.id={}", unsafe { m0.id });

    env::goargs();
    env::goenvs();
    crate::boottrace!("schedinit: goargs: {} args; goenvs: {} variables", env::args().len(), env::environ().len());
    let godebug = env::getenv("GODEBUG").unwrap_or(b"");
    let secure = crate::os_linux::SECURE.load(Ordering::Relaxed) != 0;
    let traceback = if secure { b"none".as_slice() } else { env::getenv("GOTRACEBACK").unwrap_or(b"") };
    // SAFETY: single-threaded boot; no reference into DEBUG or TRACEBACK
    // is held.
    unsafe {
        DEBUG.set(env::parsedebugvars(godebug));
        TRACEBACK.set(env::parse_traceback(traceback));
    }
    let (d, t) = (DEBUG.get(), TRACEBACK.get());
    crate::boottrace!(
        "schedinit: GODEBUG: inittrace={} boottrace={}; GOTRACEBACK: level={} all={} crash={}",
        d.inittrace, d.boottrace, t.level, t.all, t.crash
    );
    crate::os_linux::checkfds();
    crate::boottrace!("schedinit: checkfds: fds 0, 1 and 2 are open");

    let ncpu = NCPU.load(Ordering::Relaxed);
    let procs = env::gomaxprocs_from_env(env::getenv("GOMAXPROCS"), ncpu);
    crate::boottrace!("schedinit: GOMAXPROCS={procs} (ncpu={ncpu})");
    if procresize(procs) {
        throw("unknown runnable goroutine during bootstrap");
    }
}

/// Go's mcommoninit: give mp its id and put it on allm. Throws past the
/// thread limit.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn mcommoninit(mp: *mut M) {
    let mut s = sched.lock.lock();
    // SAFETY: mp is not yet on allm, so no one else reaches it.
    unsafe {
        (*mp).id = s.mnext;
        s.mnext += 1;
        if s.mnext > s.maxmcount {
            crate::eprintln!("runtime: program exceeds {}-thread limit", s.maxmcount);
            crate::panic::fatal("thread exhaustion");
        }
        (*mp).alllink = s.allm;
    }
    s.allm = mp;
}

/// Go's procresize, at bootstrap: make `nprocs` Ps, give P0 to this M
/// and put the rest on the idle list. Returns whether any P had runnable
/// goroutines (none can, yet). Runs on g0 with the world stopped.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn procresize(nprocs: i32) -> bool {
    if nprocs <= 0 {
        throw("procresize: invalid arg");
    }
    let allp: Vec<*mut P> = (0..nprocs).map(|i| Box::into_raw(Box::new(P::new(i)))).collect();
    let allp = allp.leak();
    crate::runtime2::ALLP.store(allp.as_mut_ptr(), Ordering::Release);
    GOMAXPROCS.store(nprocs, Ordering::Release);

    acquirep(allp[0]);
    let mut s = sched.lock.lock();
    for &pp in allp[1..].iter().rev() {
        // SAFETY: pp is fresh and reached by no one else.
        unsafe {
            (*pp).status.store(Pstatus::Idle as u32, Ordering::Relaxed);
            (*pp).link = s.pidle;
        }
        s.pidle = pp;
        sched.npidle.fetch_add(1, Ordering::Relaxed);
    }
    drop(s);
    crate::boottrace!(
        "procresize: {nprocs} Ps at {:p}; P0 to m0, {} idle",
        allp.as_ptr(),
        sched.npidle.load(Ordering::Relaxed)
    );
    false
}

/// Go's acquirep: the current M takes pp, which must be free.
fn acquirep(pp: *mut P) {
    let mp = getm();
    // SAFETY: mp is this thread's M; pp is free (checked), so this M
    // becomes its only user.
    unsafe {
        if !(*mp).p.is_null() || !(*pp).m.is_null() {
            throw("acquirep: invalid p state");
        }
        (*mp).p = pp;
        (*pp).m = mp;
        (*pp).status.store(Pstatus::Running as u32, Ordering::Release);
    }
}

/// Go's newproc: start a goroutine running `fv`, queued in the current
/// P's runnext. Called by rt0_go for runtime_main.
#[unsafe(no_mangle)]
pub extern "C" fn newproc(fv: *const Funcval) {
    let gp = getg();
    let pc = getcallerpc();
    let newg = newproc1(fv, gp, pc);
    // SAFETY: newg is fully set up and owned by no queue yet.
    let (goid, stk, sp) = unsafe { ((*newg).goid, (*newg).stack, (*newg).sched.sp) };
    runqput(getp(), newg, true);
    crate::boottrace!(
        "newproc: goroutine {goid} stack=[{:#x}, {:#x}] sp={sp:#x} entry={:p} -> P0.runnext",
        stk.lo,
        stk.hi,
        // SAFETY: fv is a live funcval.
        unsafe { (*fv).entry } as *const ()
    );
}

/// The P of the running M.
fn getp() -> *mut P {
    // SAFETY: the running M is live.
    unsafe { (*getm()).p }
}

/// Go's newproc1: a Runnable G that will call `fv` on its own stack and
/// return into goexit. `callergp` and `callerpc` are its creator.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn newproc1(fv: *const Funcval, callergp: *mut G, callerpc: usize) -> *mut G {
    if fv.is_null() {
        crate::panic::fatal("go of nil func value");
    }
    let pp = getp();
    let newg = match gfget(pp) {
        Some(gp) => gp,
        None => {
            let gp = malg(STACK_SIZE);
            casgstatus(gp, Gstatus::Idle, Gstatus::Dead);
            gp
        }
    };
    // SAFETY: newg is Dead and ours alone; its stack is mapped and unused.
    unsafe {
        // The first frame: the entry "returns" into goexit+1. Four words of
        // slack above it as Go leaves; sp ends 8 below a 16-byte boundary,
        // as a called function expects.
        let mut sp = (*newg).stack.hi - 4 * 8;
        sp -= 8;
        *(sp as *mut usize) = goexit as *const () as usize + 1;
        debug_assert!(sp % 16 == 8);
        let entry = (*fv).entry as usize;
        (*newg).sched = Gobuf { sp, pc: entry, g: newg, ctxt: fv as usize, bp: 0 };
        (*newg).parent_goid = (*callergp).goid;
        (*newg).gopc = callerpc;
        (*newg).startpc = entry;
        if (*pp).goidcache == (*pp).goidcacheend {
            (*pp).goidcache = sched.goidgen.fetch_add(GOID_CACHE_BATCH, Ordering::Relaxed) + 1;
            (*pp).goidcacheend = (*pp).goidcache + GOID_CACHE_BATCH;
        }
        (*newg).goid = (*pp).goidcache;
        (*pp).goidcache += 1;
    }
    casgstatus(newg, Gstatus::Dead, Gstatus::Runnable);
    newg
}

/// Go's malg: a new G with a stack of `stacksize` bytes.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn malg(stacksize: usize) -> *mut G {
    let gp = Box::into_raw(Box::new(G::new()));
    let stk = stack::stackalloc(stacksize);
    // SAFETY: gp is fresh and ours.
    unsafe {
        (*gp).stack = stk;
        (*gp).stackguard0 = stk.lo;
        (*gp).stackguard1 = usize::MAX; // only g0s run runtime code that checks it
    }
    gp
}

/// Go's gfput: keep a dead G, stack and all, on pp's free list.
fn gfput(pp: *mut P, gp: *mut G) {
    // SAFETY: pp is held by this M; gp is Dead and on no list.
    unsafe {
        (*gp).schedlink = (*pp).gfree;
        (*pp).gfree = gp;
        (*pp).gfreecnt += 1;
    }
}

/// Go's gfget: a dead G from pp's free list, if any.
fn gfget(pp: *mut P) -> Option<*mut G> {
    // SAFETY: pp is held by this M, so its free list is ours.
    unsafe {
        let gp = (*pp).gfree;
        if gp.is_null() {
            return None;
        }
        (*pp).gfree = (*gp).schedlink;
        (*pp).gfreecnt -= 1;
        (*gp).schedlink = ptr::null_mut();
        Some(gp)
    }
}

/// Go's casgstatus: move gp from `old` to `new`, or throw if it is not in
/// `old`: a G in an unexpected state is a runtime bug.
fn casgstatus(gp: *mut G, old: Gstatus, new: Gstatus) {
    // SAFETY: gp is a live G.
    let status = unsafe { &(*gp).atomicstatus };
    if let Err(cur) = status.compare_exchange(old as u32, new as u32, Ordering::AcqRel, Ordering::Acquire) {
        crate::eprintln!("runtime: casgstatus: oldval={old:?} newval={new:?} (is {:?})", Gstatus::from_u32(cur));
        throw("casgstatus: bad incoming values");
    }
}

/// Go's runqput: queue gp on pp (in runnext if `next`). A full ring
/// spills half to the global queue.
fn runqput(pp: *mut P, gp: *mut G, next: bool) {
    // SAFETY: pp is held by this M, the only producer of its ring.
    let runq = unsafe { &(*pp).runq };
    runq.put(gp, next, &mut |batch| {
        let mut s = sched.lock.lock();
        for &g in batch {
            // SAFETY: the batch just left the ring; each G is on no list.
            unsafe { s.runq.push_back(g) };
        }
    });
}

/// Go's mstart: the start of every M, on its g0. Never returns.
#[unsafe(no_mangle)]
pub extern "C" fn mstart() -> ! {
    mstart0()
}

/// Go's mstart0. m0's g0 already has bounds (from rt0_go).
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn mstart0() -> ! {
    mstart1()
}

/// Go's mstart1: record where g0 code starts from now on, set up the
/// thread, and become the scheduler.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn mstart1() -> ! {
    assert_on_g0("bad runtime·mstart");
    let gp = getg();
    // g0.sched.sp: where every later mcall starts its function on g0.
    // This frame and its callers lie above it and stay intact; whatever
    // schedule and its callees leave below it is dead by then.
    // SAFETY: gp is this M's g0.
    unsafe {
        (*gp).sched.sp = getsp() & !15;
        (*gp).sched.g = gp;
    }
    minit();
    // SAFETY: reading the M's fields, which only this thread writes.
    unsafe {
        crate::boottrace!(
            "mstart: m{} tid={} g0.sched.sp={:#x}",
            (*getm()).id,
            (*getm()).procid,
            (*gp).sched.sp
        );
    }
    schedule()
}

/// Go's minit: per-thread set-up, on the new thread itself.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn minit() {
    let mp = getm();
    // SAFETY: mp is this thread's M.
    unsafe { (*mp).procid = rustix::thread::gettid().as_raw_nonzero().get() as u64 };
}

/// Go's schedule: find a runnable goroutine and run it. Runs on g0.
/// Never returns: it ends by switching to the chosen goroutine.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn schedule() -> ! {
    assert_on_g0("schedule: not on g0");
    let (gp, inherit_time) = find_runnable();
    execute(gp, inherit_time)
}

/// Go's findRunnable: the next goroutine for this P. Looks at the global
/// queue first every 61 ticks (so the ring cannot starve it), then
/// runnext and the ring, then the global queue.
#[unsafe(export_name = "findRunnable")]
#[inline(never)]
fn find_runnable() -> (*mut G, bool) {
    let pp = getp();
    // SAFETY: pp is held by this M.
    let tick = unsafe { (*pp).schedtick };
    if tick % GLOBAL_RUNQ_CHECK == 0
        && let Some(gp) = sched.lock.lock().runq.pop()
    {
        return (gp, false);
    }
    // SAFETY: as above.
    if let Some(found) = unsafe { (*pp).runq.get() } {
        return found;
    }
    if let Some(gp) = sched.lock.lock().runq.pop() {
        return (gp, false);
    }
    // Stealing from other Ps and parking this M come with more than one
    // goroutine; until then an empty scheduler has nothing to wait for.
    throw("findRunnable: no goroutine to run");
}

/// Go's execute: run gp on this M. Without `inherit_time` it starts a
/// new time slice (schedtick moves). Runs on g0; never returns.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn execute(gp: *mut G, inherit_time: bool) -> ! {
    let mp = getm();
    // SAFETY: gp was just taken off a run queue, so it is Runnable and
    // ours; mp and its P are this thread's.
    unsafe {
        (*mp).curg = gp;
        (*gp).m = mp;
        casgstatus(gp, Gstatus::Runnable, Gstatus::Running);
        if !inherit_time {
            (*(*mp).p).schedtick += 1;
        }
        crate::boottrace!(
            "schedule: execute goroutine {} (inheritTime={inherit_time}) -> gogo sp={:#x}",
            (*gp).goid,
            (*gp).sched.sp
        );
        gogo(&(*gp).sched)
    }
}

/// Go's goexit1: the goroutine's entry returned. Called from the goexit
/// trampoline on the goroutine's own stack.
#[unsafe(no_mangle)]
pub extern "C" fn goexit1() -> ! {
    // SAFETY: on a user goroutine, which mcall leaves for g0.
    unsafe { mcall(goexit0) }
}

/// Go's goexit0: retire gp and schedule something else. Runs on g0.
#[unsafe(no_mangle)]
extern "C" fn goexit0(gp: *mut G) -> ! {
    let mp = getm();
    casgstatus(gp, Gstatus::Running, Gstatus::Dead);
    // SAFETY: gp is Dead and no longer running on any stack; mp is ours.
    unsafe {
        (*gp).m = ptr::null_mut();
        (*gp).lockedm = ptr::null_mut();
        (*mp).curg = ptr::null_mut();
        (*mp).lockedg = ptr::null_mut();
    }
    gfput(getp(), gp);
    schedule()
}

/// mcall's complaint when called on g0.
#[unsafe(no_mangle)]
extern "C" fn badmcall() -> ! {
    throw("runtime: mcall called on m->g0 stack")
}

/// mcall's complaint when its function returns.
#[unsafe(no_mangle)]
extern "C" fn badmcall2() -> ! {
    throw("runtime: mcall function returned")
}

/// Go's runtime.main: goroutine 1. Runs the init tasks and main, then
/// ends the process.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn runtime_main(_fv: *mut Funcval) {
    let gp = getg();
    let mp = getm();
    sched.main_started.store(true, Ordering::Release);

    // Init runs on the main thread, as Go promises.
    lock_os_thread_internal(gp, mp);
    if mp != &raw mut m0 {
        throw("runtime.main not on m0");
    }
    let start = nanotime();
    if start == 0 {
        throw("nanotime returning zero");
    }
    RUNTIME_INIT_TIME.store(start, Ordering::Relaxed);
    crate::boottrace!(
        "runtime_main: goroutine {} on m{} sp={:#x}, locked to the main thread; init tasks next",
        curgoid(),
        // SAFETY: mp is this thread's M.
        unsafe { (*mp).id },
        getsp()
    );

    let tracer = Tracer { start, on: DEBUG.get().inittrace != 0 };
    if tracer.on {
        INITTRACE.goid.store(curgoid(), Ordering::Relaxed);
        INITTRACE.active.store(true, Ordering::Relaxed);
    }
    // SAFETY: gort::main! defines main_inittask in every program.
    if let Some(task) = unsafe { main_inittask() } {
        init::do_init(task, &tracer);
    }
    INITTRACE.active.store(false, Ordering::Relaxed);
    unlock_os_thread_internal(gp, mp);

    crate::boottrace!("runtime_main: main_main");
    // SAFETY: gort::main! defines main_main in every program.
    unsafe { main_main() };
    exit(0)
}

/// Wire gp to mp for the runtime's own purposes (Go's lockOSThread).
fn lock_os_thread_internal(gp: *mut G, mp: *mut M) {
    // SAFETY: gp runs on mp; both are this thread's.
    unsafe {
        (*mp).locked_int += 1;
        (*mp).lockedg = gp;
        (*gp).lockedm = mp;
    }
}

/// Undo lock_os_thread_internal; the G stays wired while the program
/// holds its own lock.
fn unlock_os_thread_internal(gp: *mut G, mp: *mut M) {
    // SAFETY: as above.
    unsafe {
        if (*mp).locked_int == 0 {
            throw("unlockOSThread: internal count underflow");
        }
        (*mp).locked_int -= 1;
        if (*mp).locked_int == 0 && (*mp).locked_ext == 0 {
            (*mp).lockedg = ptr::null_mut();
            (*gp).lockedm = ptr::null_mut();
        }
    }
}

/// Ends the process with `code` at once, as Go's os.Exit: other
/// goroutines simply stop.
pub fn exit(code: i32) -> ! {
    exit_group(code)
}
