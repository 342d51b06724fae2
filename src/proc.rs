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
//! 9. `runtime_main` (goroutine 1): starts sysmon, `gcenable` (the
//!    scavenger), locked to m0 runs the init tasks (imports first),
//!    unlocks, calls `main_main`, and `exit_group(0)`.
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
use crate::lock_futex::{Mutex, MutexGuard};
use crate::runtime2::{AllP, Funcval, G, GQueue, Gobuf, Gstatus, M, P, Pstatus, Sched, SchedLocked, WaitReason, allp};
use crate::stack;
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

// The asm reaches only the fields pinned in asm/go_asm.inc.
#[allow(improper_ctypes)]
unsafe extern "C" {
    fn gogo(buf: *const Gobuf) -> !;
    fn mcall(f: extern "C" fn(gp: *mut G) -> !);
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
    crate::boottrace!("schedinit: stackinit: goroutine stacks of {} KiB, guard page below", stack::stack_size() >> 10);
    malloc::mallocinit();
    crate::boottrace!("schedinit: mallocinit: heap ready");
    mcommoninit(&raw mut m0, -1);
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
    crate::os_linux::sigsave();
    crate::boottrace!("schedinit: checkfds: fds 0, 1 and 2 are open");

    let ncpu = NCPU.load(Ordering::Relaxed);
    let procs = env::gomaxprocs_from_env(env::getenv("GOMAXPROCS"), ncpu);
    crate::boottrace!("schedinit: GOMAXPROCS={procs} (ncpu={ncpu})");
    let mut s = sched.lock.lock();
    if !procresize(&mut s, procs).is_null() {
        throw("unknown runnable goroutine during bootstrap");
    }
    crate::boottrace!(
        "procresize: {procs} Ps at {:p}; P0 to m0, {} idle",
        allp().ps.as_ptr(),
        sched.npidle.load(Ordering::Relaxed)
    );
}

/// Go's mcommoninit: give mp its id (a fresh one if `id` < 0) and its
/// random state, and put it on allm. Past the thread limit, a fatal error.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn mcommoninit(mp: *mut M, id: i64) {
    // Go's mpreinit: the signal stack, installed by minit on the thread.
    let gsignal = malg(GSIGNAL_STACK_SIZE);
    let mut s = sched.lock.lock();
    let id = if id >= 0 { id } else { mreserveid(&mut s) };
    // SAFETY: mp is not yet on allm, so no one else reaches it.
    unsafe {
        (*gsignal).m = mp;
        (*mp).gsignal = gsignal;
        (*mp).id = id;
        (*mp).fastrand = startup_seed() ^ (id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (*mp).alllink = s.allm;
    }
    s.allm = mp;
}

/// The stack signal handlers run on (Go's 32 KiB gsignal).
const GSIGNAL_STACK_SIZE: usize = 32 << 10;

/// Go's mReserveID: the next M id, checked against the thread limit.
/// Caller holds sched.lock.
fn mreserveid(s: &mut SchedLocked) -> i64 {
    let id = s.mnext;
    s.mnext += 1;
    checkmcount(s);
    id
}

/// Go's checkmcount: too many threads is the program's fault.
fn checkmcount(s: &SchedLocked) {
    if s.mcount() > s.maxmcount {
        crate::print::rtprintln!("runtime: program exceeds {}-thread limit", s.maxmcount);
        crate::panic::fatal("thread exhaustion");
    }
}

/// The most Ms the program may have (Go's debug.SetMaxThreads). Returns
/// the previous limit. Exceeding it is `fatal error: thread exhaustion`.
pub fn set_max_threads(n: i64) -> i64 {
    let mut s = sched.lock.lock();
    let old = s.maxmcount;
    s.maxmcount = n;
    checkmcount(&s);
    old
}

/// 64 bits from the kernel's AT_RANDOM bytes.
fn startup_seed() -> u64 {
    let p = crate::os_linux::STARTUP_RANDOM.load(Ordering::Relaxed) as *const u64;
    if p.is_null() {
        return nanotime() as u64;
    }
    // SAFETY: AT_RANDOM points at 16 bytes the kernel put on the stack.
    unsafe { p.read_unaligned() }
}

/// A cheap random number from the M's own state (Go's cheaprand, wyrand).
pub(crate) fn cheaprand() -> u32 {
    let mp = getm();
    // SAFETY: the M's random state is only touched by its own thread.
    unsafe {
        (*mp).fastrand = (*mp).fastrand.wrapping_add(0xa076_1d64_78bd_642f);
        let x = (*mp).fastrand;
        let t = u128::from(x) * u128::from(x ^ 0xe703_7ed1_a0b4_28db);
        ((t >> 64) as u64 ^ t as u64) as u32
    }
}

/// Go's procresize: make exactly `nprocs` Ps. Ps past the new count hand
/// their goroutines to the global queue and their timers to P0, and die.
/// The current M keeps its P if it survives, else takes P0. Every other
/// P goes idle if it has nothing to run; the rest are returned, linked
/// through p.link (each with an idle M in p.m, or none), for the caller
/// to start. Caller holds sched.lock; the world is stopped.
#[unsafe(no_mangle)]
#[inline(never)]
fn procresize(s: &mut SchedLocked, nprocs: i32) -> *mut P {
    if nprocs <= 0 {
        throw("procresize: invalid arg");
    }
    let n = nprocs as usize;
    let old = allp();
    // The same count keeps allp as it is (read_memstats stops the world
    // without changing GOMAXPROCS, and must not allocate doing so).
    if n != old.ps.len() {
        // Every P made so far, by id: the live ones, then the retired ones.
        // The first n stay or come back; the rest are spare.
        let mut ps: Vec<*mut P> = old.ps.iter().chain(old.spare.iter()).copied().collect();
        let spare = ps.split_off(n.min(ps.len()));
        for (i, pp) in ps.iter().enumerate().skip(old.ps.len()) {
            // SAFETY: a retired P is Dead, on no list, and empty (pdestroy
            // moved its work, timers, free Gs and cache out).
            unsafe {
                core::ptr::drop_in_place(*pp);
                pp.write(P::new(i as i32));
            }
        }
        for i in ps.len()..n {
            ps.push(Box::into_raw(Box::new(P::new(i as i32))));
        }
        crate::runtime2::ALLP.store(Box::into_raw(Box::new(AllP::new(ps, spare))), Ordering::Release);
    }
    GOMAXPROCS.store(nprocs, Ordering::Release);
    let ps = &allp().ps;

    let mp = getm();
    // SAFETY: the world is stopped: every P is this M's to arrange.
    unsafe {
        let cur = (*mp).p;
        if !cur.is_null() && ((*cur).id as usize) < n {
            (*cur).status.store(Pstatus::Running as u32, Ordering::Release);
        } else {
            if !cur.is_null() {
                (*cur).m = ptr::null_mut();
                (*mp).p = ptr::null_mut();
            }
            let p0 = ps[0];
            (*p0).m = ptr::null_mut();
            acquirep(p0);
        }
        // Only now, holding a P that survives, retire the others: retiring
        // allocates (timers move), and this M's P must not be one whose
        // cache has just been emptied.
        for &pp in old.ps.iter().skip(n) {
            pdestroy(s, pp, ps[0]);
        }
        let mut runnable: *mut P = ptr::null_mut();
        for &pp in ps.iter().rev() {
            if pp == (*mp).p {
                continue;
            }
            (*pp).status.store(Pstatus::Idle as u32, Ordering::Release);
            if (*pp).runq.is_empty() {
                pidleput(s, pp);
            } else {
                (*pp).m = mget(s);
                (*pp).link = runnable;
                runnable = pp;
            }
        }
        runnable
    }
}

/// Retires pp (GOMAXPROCS shrank): its work moves to the global queue
/// and its timers and free Gs to `heir`. Caller holds sched.lock.
fn pdestroy(s: &mut SchedLocked, pp: *mut P, heir: *mut P) {
    if pp == getp() {
        throw("pdestroy: retiring the current P");
    }
    // SAFETY: the world is stopped; pp is no one's.
    unsafe {
        while let Some((gp, _)) = (*pp).runq.get() {
            globrunqput(s, gp);
        }
        crate::time::move_timers(pp, heir);
        while let Some(gp) = gfget_local(pp) {
            s.gfree.push_back(gp);
        }
        s.gfree_when = nanotime();
        crate::mcache::freemcache(&mut (*pp).mcache);
        (*pp).m = ptr::null_mut();
        (*pp).status.store(Pstatus::Dead as u32, Ordering::Release);
    }
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

/// Go's releasep: the current M gives up its P and returns it.
fn releasep() -> *mut P {
    let mp = getm();
    // SAFETY: mp is this thread's M and pp the P it holds.
    unsafe {
        let pp = (*mp).p;
        if pp.is_null() || (*pp).m != mp {
            throw("releasep: invalid p state");
        }
        (*mp).p = ptr::null_mut();
        (*pp).m = ptr::null_mut();
        (*pp).status.store(Pstatus::Idle as u32, Ordering::Release);
        pp
    }
}

/// Go's pidleput: pp joins the idle list. It must have nothing to run.
/// Caller holds sched.lock.
fn pidleput(s: &mut SchedLocked, pp: *mut P) {
    // SAFETY: pp is held by no M; the idle list is under the lock.
    unsafe {
        if !(*pp).runq.is_empty() {
            throw("pidleput: P has non-empty run queue");
        }
        (*pp).status.store(Pstatus::Idle as u32, Ordering::Release);
        (*pp).link = s.pidle;
    }
    s.pidle = pp;
    sched.npidle.fetch_add(1, Ordering::AcqRel);
}

/// Go's pidleget: an idle P, or null. Caller holds sched.lock.
fn pidleget(s: &mut SchedLocked) -> *mut P {
    let pp = s.pidle;
    if !pp.is_null() {
        // SAFETY: pp is on the idle list, under the lock.
        s.pidle = unsafe { (*pp).link };
        sched.npidle.fetch_sub(1, Ordering::AcqRel);
    }
    pp
}

/// Go's mput: mp joins the idle list, and the last running M to do so
/// finds out whether the program is deadlocked. Caller holds sched.lock.
fn mput(s: &mut SchedLocked, mp: *mut M) {
    // SAFETY: mp is this thread's M; the idle list is under the lock.
    unsafe { (*mp).schedlink = s.midle };
    s.midle = mp;
    s.nmidle += 1;
    checkdead(s);
}

/// Go's mget: an idle M, or null. Caller holds sched.lock.
fn mget(s: &mut SchedLocked) -> *mut M {
    let mp = s.midle;
    if !mp.is_null() {
        // SAFETY: mp is on the idle list, under the lock.
        s.midle = unsafe { (*mp).schedlink };
        s.nmidle -= 1;
    }
    mp
}

/// Go's newproc: start a goroutine running `fv`, queued in the current
/// P's runnext. Called by rt0_go for runtime_main.
#[unsafe(no_mangle)]
pub extern "C" fn newproc(fv: *const Funcval) {
    let gp = getg();
    let pc = getcallerpc();
    let newg = newproc1(fv, gp, pc, 0);
    // SAFETY: newg is fully set up and owned by no queue yet.
    let (goid, stk, sp) = unsafe { ((*newg).goid, (*newg).stack, (*newg).sched.sp) };
    queue_new(newg);
    crate::boottrace!(
        "newproc: goroutine {goid} stack=[{:#x}, {:#x}] sp={sp:#x} entry={:p} -> P0.runnext",
        stk.lo,
        stk.hi,
        // SAFETY: fv is a live funcval.
        unsafe { (*fv).entry } as *const ()
    );
}

/// Queues a goroutine newproc1 made to run next on this P, and once the
/// program runs (not during the bootstrap) wakes an M to run it or what
/// it displaced.
fn queue_new(newg: *mut G) {
    runqput(getp(), newg, true);
    if sched.main_started.load(Ordering::Acquire) {
        wakep();
    }
}

/// Starts a goroutine running `f` (Go's `go f()`). It is queued to run
/// next on this P; this goroutine carries on.
#[inline(never)]
pub fn go<F: FnOnce() + Send + 'static>(f: F) {
    /// A funcval with the closure after it.
    #[repr(C)]
    struct Closure<F> {
        fv: Funcval,
        f: F,
    }
    /// The entry of a goroutine whose closure newproc1 copied to the top
    /// of its stack: move the closure out and run it.
    unsafe extern "C" fn on_stack<F: FnOnce()>(fv: *mut Funcval) {
        // SAFETY: fv is newproc1's copy of the Closure<F> `go` gave up.
        let c = unsafe { ptr::read(fv.cast::<Closure<F>>()) };
        (c.f)()
    }
    /// The entry of a goroutine whose closure is too big for that: free
    /// the box, then run the closure.
    unsafe extern "C" fn boxed<F: FnOnce()>(fv: *mut Funcval) {
        // SAFETY: fv is the Closure<F> box `go` leaked, used only here.
        let c = unsafe { Box::from_raw(fv.cast::<Closure<F>>()) };
        (c.f)()
    }
    // The closure travels on the new goroutine's own stack, as Go once
    // copied a goroutine's arguments there: no allocation. Only a closure
    // too big for a fraction of a stack goes on the heap.
    let size = size_of::<Closure<F>>();
    let callerpc = getcallerpc();
    let newg = if size <= MAX_STACK_CLOSURE && align_of::<Closure<F>>() <= 16 {
        let c = core::mem::ManuallyDrop::new(Closure { fv: Funcval { entry: on_stack::<F> }, f });
        newproc1(&raw const c.fv, getg(), callerpc, size)
    } else {
        let fv = Box::into_raw(Box::new(Closure { fv: Funcval { entry: boxed::<F> }, f }));
        newproc1(fv.cast(), getg(), callerpc, 0)
    };
    queue_new(newg);
    // A spawner that has filled its P's ring yields to what it queued.
    // Go spills half the ring to the global queue instead and spawns on
    // until it is preempted 10 ms later, thousands of goroutines, each
    // with its stack, none run; here the queued ones run (and die, and
    // their stacks are reused while still in cache) before more are made.
    // SAFETY: this M's P.
    if unsafe { (*getp()).runq.is_full() } {
        gosched();
    } else {
        preempt_point();
    }
}

/// A cooperative preemption point: if sysmon has asked the running
/// goroutine to yield (it has held its P for 10 ms), it yields now.
/// Called where a goroutine goes on without parking: `go`, and channel
/// operations that completed at once.
pub(crate) fn preempt_point() {
    // SAFETY: the running G is live.
    if unsafe { (*getg()).preempt.load(Ordering::Relaxed) } {
        gosched();
    }
}

/// Go's sync_runtime_canSpin: whether spinning on a held sync.Mutex may
/// pay: only a few rounds, on a multicore machine, while other Ps run
/// (the holder may be one of them) and ours has nothing else to do.
pub(crate) fn can_spin(iter: u32) -> bool {
    const ACTIVE_SPIN: u32 = 4;
    if iter >= ACTIVE_SPIN
        || crate::os_linux::NCPU.load(Ordering::Relaxed) <= 1
        || GOMAXPROCS.load(Ordering::Relaxed) as u32
            <= sched.npidle.load(Ordering::Relaxed) + sched.nmspinning.load(Ordering::Relaxed) + 1
    {
        return false;
    }
    // SAFETY: the running M's P.
    unsafe { (*getp()).runq.is_empty() }
}

/// Go's procyield: a short busy wait.
pub(crate) fn procyield(cycles: u32) {
    for _ in 0..cycles {
        core::hint::spin_loop();
    }
}

/// The P of the running M.
fn getp() -> *mut P {
    // SAFETY: the running M is live.
    unsafe { (*getm()).p }
}

/// Closures up to this size are copied to the new goroutine's stack.
const MAX_STACK_CLOSURE: usize = 1024;

/// Go's newproc1: a Runnable G that will call `fv` on its own stack and
/// return into goexit. `callergp` and `callerpc` are its creator. With
/// `argsize` > 0, `fv` heads an object of that many bytes (16-aligned or
/// less), which is copied to the top of the new stack and handed to the
/// entry from there; the caller must forget its original.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn newproc1(fv: *const Funcval, callergp: *mut G, callerpc: usize, argsize: usize) -> *mut G {
    if fv.is_null() {
        crate::panic::fatal("go of nil func value");
    }
    let pp = getp();
    let newg = match gfget(pp) {
        Some(gp) => gp,
        None => {
            let main = !sched.main_started.load(Ordering::Relaxed);
            let gp = malg(if main { stack::MAIN_STACK_SIZE } else { stack::stack_size() });
            casgstatus(gp, Gstatus::Idle, Gstatus::Dead);
            allgadd(gp);
            gp
        }
    };
    // SAFETY: newg is Dead and ours alone; its stack is mapped and unused.
    unsafe {
        // The first frame: the entry "returns" into goexit+1. Four words of
        // slack above it as Go leaves (and the closure, if copied); sp ends
        // 8 below a 16-byte boundary, as a called function expects.
        let mut top = ((*newg).stack.hi - 4 * 8) & !15;
        let mut fv = fv;
        if argsize > 0 {
            top = (top - argsize) & !15;
            ptr::copy_nonoverlapping(fv.cast::<u8>(), top as *mut u8, argsize);
            fv = top as *const Funcval;
        }
        let sp = top - 8;
        *(sp as *mut usize) = goexit as *const () as usize + 1;
        debug_assert!(sp % 16 == 8);
        let entry = (*fv).entry as usize;
        (*newg).sched = Gobuf { sp, pc: entry, g: newg, ctxt: fv as usize, bp: 0 };
        (*newg).parent_goid = (*callergp).goid;
        (*newg).gopc = callerpc;
        (*newg).startpc = entry;
        (*newg).waitreason = WaitReason::Zero;
        if (*pp).goidcache == (*pp).goidcacheend {
            (*pp).goidcache = sched.goidgen.fetch_add(GOID_CACHE_BATCH, Ordering::Relaxed) + 1;
            (*pp).goidcacheend = (*pp).goidcache + GOID_CACHE_BATCH;
        }
        (*newg).goid = (*pp).goidcache;
        (*pp).goidcache += 1;
        if !(*newg).system {
            sched.ngoroutine.fetch_add(1, Ordering::Relaxed);
        }
    }
    casgstatus(newg, Gstatus::Dead, Gstatus::Runnable);
    newg
}

/// Go's malg: a new G with a stack of `stacksize` bytes.
///
/// The G itself lives at the very top of its stack slot, above the
/// stack: a parked goroutine touches that page anyway, so the G costs no
/// memory of its own. A G and its stack are therefore one thing, never
/// parted (Gs are reused, not freed).
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn malg(stacksize: usize) -> *mut G {
    const { assert!(size_of::<G>() < 1024, "a G must fit in the top page of its stack") };
    let slot = stack::stackalloc(stacksize);
    let gp = ((slot.hi - size_of::<G>()) & !63) as *mut G;
    // SAFETY: the top of a fresh slot is ours; gp is aligned and in bounds.
    unsafe {
        gp.write(G::new());
        let stk = crate::runtime2::Stack { lo: slot.lo, hi: gp as usize & !15 };
        (*gp).stack = stk;
        (*gp).stackguard0 = stk.lo;
        (*gp).stackguard1 = usize::MAX; // only g0s run runtime code that checks it
    }
    gp
}

/// The whole stack slot of a G made by malg: its stack and the G above it.
fn stack_slot(gp: *mut G) -> crate::runtime2::Stack {
    // SAFETY: gp is a live G; it sits in the top page of its slot.
    let lo = unsafe { (*gp).stack.lo };
    crate::runtime2::Stack { lo, hi: (gp as usize).next_multiple_of(stack::PAGE_SIZE) }
}

/// Every goroutine that exists, dead ones kept for reuse included, for
/// checkdead and goroutine dumps (Go's allgs). A G leaves it only when
/// sysmon frees it with its stack (release_gfree).
static ALLGS: Mutex<AllGs> = Mutex::new(AllGs(Vec::new()));

struct AllGs(Vec<*mut G>);

// SAFETY: the pointers are to Gs that live forever; the list is only
// reached under its lock.
unsafe impl Send for AllGs {}

fn allgadd(gp: *mut G) {
    let mut all = ALLGS.lock();
    // SAFETY: gp is fresh; allgindex is under the allgs lock.
    unsafe { (*gp).allgindex = all.0.len() };
    all.0.push(gp);
}

/// Takes a dead G out of allgs, before its memory goes.
fn allgremove(gp: *mut G) {
    let mut all = ALLGS.lock();
    // SAFETY: gp and the G moved into its place are in allgs, whose
    // indices are under the lock.
    unsafe {
        let i = (*gp).allgindex;
        if all.0[i] != gp {
            throw("allgremove: g not in allgs");
        }
        all.0.swap_remove(i);
        if let Some(&moved) = all.0.get(i) {
            (*moved).allgindex = i;
        }
    }
}

/// Calls `f` on every goroutine in allgs (dead ones kept for reuse
/// included). Holds the list's lock (a leaf) throughout, so none of them
/// is freed meanwhile.
pub fn for_each_g(mut f: impl FnMut(*mut G)) {
    for &gp in ALLGS.lock().0.iter() {
        f(gp);
    }
}

/// for_each_g for a crash report: the allgs lock is only tried for a
/// while (the failing thread may hold it); without it, nothing is visited.
pub fn for_each_g_dying(mut f: impl FnMut(*mut G)) {
    for _ in 0..100 {
        if let Some(all) = ALLGS.try_lock() {
            for &gp in all.0.iter() {
                f(gp);
            }
            return;
        }
        crate::os_linux::usleep(100);
    }
}

/// Free Gs a P keeps before half go to the global list (Go's 64 and 32).
const GFREE_MAX: i32 = 64;
const GFREE_KEEP: i32 = 32;

/// Go's gfput: keep a dead G, stack and all, on pp's free list. A long
/// list spills half to the global list, where sysmon frees them, pages
/// back to the OS, if no one takes them soon (release_gfree).
fn gfput(pp: *mut P, gp: *mut G) {
    // SAFETY: pp is held by this M; gp is Dead and on no list.
    unsafe {
        if stack_slot(gp).size() != stack::stack_size() {
            // Made before the stack size changed: not worth keeping.
            gfree(gp);
            return;
        }
        (*gp).schedlink = (*pp).gfree;
        (*pp).gfree = gp;
        (*pp).gfreecnt += 1;
        if (*pp).gfreecnt >= GFREE_MAX {
            let mut s = sched.lock.lock();
            while (*pp).gfreecnt > GFREE_KEEP {
                s.gfree.push_back(gfget_local(pp).unwrap());
            }
            s.gfree_when = nanotime();
        }
    }
}

/// Go's gfget: a dead G with a stack, from pp's list or else the global
/// one (taking a batch), or None.
fn gfget(pp: *mut P) -> Option<*mut G> {
    // SAFETY: pp is held by this M, so its free list is ours.
    unsafe {
        if (*pp).gfree.is_null() {
            let mut s = sched.lock.lock();
            while (*pp).gfreecnt < GFREE_KEEP
                && let Some(g) = s.gfree.pop()
            {
                (*g).schedlink = (*pp).gfree;
                (*pp).gfree = g;
                (*pp).gfreecnt += 1;
            }
        }
        gfget_local(pp)
    }
}

/// How long spilled free Gs keep their stack pages before sysmon gives
/// them back: long enough that a program spawning in bursts reuses warm
/// stacks, short enough that an idle program shrinks soon.
pub(crate) const GFREE_RELEASE_NS: i64 = 100_000_000;

/// Frees the global free Gs, stacks and all, if the list has sat unused
/// for GFREE_RELEASE_NS. Called by sysmon; returns how many.
#[inline(never)]
pub(crate) fn release_gfree(now: i64) -> usize {
    let mut batch = GQueue::new();
    {
        let mut s = sched.lock.lock();
        if s.gfree.size == 0 || now - s.gfree_when < GFREE_RELEASE_NS {
            return 0;
        }
        core::mem::swap(&mut batch, &mut s.gfree);
    }
    let n = batch.size;
    while let Some(gp) = batch.pop() {
        gfree(gp);
    }
    n
}

/// Frees a dead G: out of allgs, and its slot (the stack and the G
/// itself) back to the stack pool, its pages to the OS.
fn gfree(gp: *mut G) {
    allgremove(gp);
    // SAFETY: gp is Dead and on no list: nothing runs on its stack or
    // refers to it any more.
    unsafe { stack::stackfree(stack_slot(gp)) };
}

/// Pops pp's free list.
fn gfget_local(pp: *mut P) -> Option<*mut G> {
    // SAFETY: pp's free list belongs to whoever may touch pp (its M, or
    // procresize with the world stopped).
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
///
/// Only waking a parked G can race (two wakers would be a bug elsewhere),
/// so that transition is a compare-and-swap, as in Go; every other one is
/// made by the M that owns the G (it runs it, or took it off a queue), and
/// a checked store does the same without a locked instruction (two fewer
/// on every gosched).
#[inline]
fn casgstatus(gp: *mut G, old: Gstatus, new: Gstatus) {
    // SAFETY: gp is a live G.
    let status = unsafe { &(*gp).atomicstatus };
    let r = if old == Gstatus::Waiting {
        status.compare_exchange(old as u32, new as u32, Ordering::AcqRel, Ordering::Acquire).map(|_| ())
    } else {
        let cur = status.load(Ordering::Relaxed);
        if cur == old as u32 {
            status.store(new as u32, Ordering::Release);
            Ok(())
        } else {
            Err(cur)
        }
    };
    if let Err(cur) = r {
        badgstatus(old, new, cur);
    }
}

#[cold]
fn badgstatus(old: Gstatus, new: Gstatus, cur: u32) -> ! {
    crate::print::rtprintln!("runtime: casgstatus: oldval={old:?} newval={new:?} (is {:?})", Gstatus::from_u32(cur));
    throw("casgstatus: bad incoming values")
}

/// Go's runqput: queue gp on pp (in runnext if `next`). A full ring
/// spills half to the global queue.
fn runqput(pp: *mut P, gp: *mut G, next: bool) {
    // SAFETY: pp is held by this M, the only producer of its ring.
    let runq = unsafe { &(*pp).runq };
    runq.put(gp, next, &mut |batch| {
        let mut s = sched.lock.lock();
        for &g in batch {
            globrunqput(&mut s, g);
        }
    });
}

/// Go's globrunqput: gp to the tail of the global queue. Caller holds
/// sched.lock.
fn globrunqput(s: &mut SchedLocked, gp: *mut G) {
    // SAFETY: gp is Runnable and on no other list.
    unsafe { s.runq.push_back(gp) };
    sched.runqsize.store(s.runq.size as u32, Ordering::Relaxed);
}

/// Go's globrunqget: one G from the global queue to run, and, when `max`
/// allows, a fair share more moved into pp's (empty) ring. Caller holds
/// sched.lock.
fn globrunqget(s: &mut SchedLocked, pp: *mut P, max: usize) -> Option<*mut G> {
    let size = s.runq.size;
    if size == 0 {
        return None;
    }
    let procs = GOMAXPROCS.load(Ordering::Relaxed).max(1) as usize;
    let mut n = size.min(size / procs + 1).min(crate::runq::RUNQ_SIZE / 2);
    if max > 0 {
        n = n.min(max);
    }
    let gp = s.runq.pop()?;
    for _ in 1..n {
        let g = s.runq.pop().unwrap();
        // SAFETY: pp is held by this M and its ring is empty, so the batch
        // fits without spilling back into the locked global queue.
        unsafe { (*pp).runq.put(g, false, &mut |_| throw("globrunqget: local queue full")) };
    }
    sched.runqsize.store(s.runq.size as u32, Ordering::Relaxed);
    Some(gp)
}

/// Go's newm: a new M (an OS thread) that runs `f` if given, then
/// schedules with `pp`. `id` is a reserved M id, or -1 for a fresh one.
#[inline(never)]
fn newm(f: Option<fn()>, pp: *mut P, id: i64) {
    let mp = allocm(f, id);
    // SAFETY: the new M is ours until its thread starts.
    unsafe { (*mp).nextp = pp };
    crate::os_linux::newosproc(mp);
}

/// The stack of a new M's g0 (Go gives 16 KiB; Rust's formatting wants
/// more headroom, and it is only reserved).
const G0_STACK_SIZE: usize = 64 << 10;

/// Go's allocm: an M with its own g0 stack, not yet running. Also frees
/// the g0 stacks of Ms whose threads have exited since.
#[inline(never)]
fn allocm(f: Option<fn()>, id: i64) -> *mut M {
    {
        let mut s = sched.lock.lock();
        let mut keep: *mut M = ptr::null_mut();
        let mut mp = s.freem;
        while !mp.is_null() {
            // SAFETY: Ms on freem are exited or exiting; free_wait says which.
            unsafe {
                let next = (*mp).schedlink;
                if (*mp).free_wait.load(Ordering::Acquire) == 0 {
                    stack::stackfree(stack_slot((*mp).g0));
                    stack::stackfree(stack_slot((*mp).gsignal));
                    drop(Box::from_raw(mp));
                } else {
                    (*mp).schedlink = keep;
                    keep = mp;
                }
                mp = next;
            }
        }
        s.freem = keep;
    }
    let mp = Box::into_raw(Box::new(M::new()));
    // SAFETY: mp is fresh and ours.
    unsafe {
        (*mp).mstartfn = f;
        (*mp).tls[1] = &raw mut (*mp).tls[1] as usize; // %fs:0 points to itself
        (*mp).free_wait.store(1, Ordering::Relaxed);
        let g0p = malg(G0_STACK_SIZE);
        (*g0p).m = mp;
        (*mp).g0 = g0p;
    }
    mcommoninit(mp, id);
    mp
}

/// Go's mstart: the start of every M, on its g0. Never returns.
#[unsafe(no_mangle)]
pub extern "C" fn mstart() -> ! {
    mstart0()
}

/// Go's mstart0. Every g0 already has its bounds: m0's from rt0_go,
/// the others' from allocm.
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
    let mp = getm();
    // g0.sched.sp: where every later mcall starts its function on g0.
    // This frame and its callers lie above it and stay intact; whatever
    // schedule and its callees leave below it is dead by then.
    // SAFETY: gp is this M's g0.
    unsafe {
        (*gp).sched.sp = getsp() & !15;
        (*gp).sched.g = gp;
    }
    minit();
    if mp == &raw mut m0 {
        mstartm0();
    }
    // SAFETY: mp is this thread's M.
    unsafe {
        if mp == &raw mut m0 {
            crate::boottrace!("mstart: m0 tid={} g0.sched.sp={:#x}", (*mp).procid, (*gp).sched.sp);
        }
        if let Some(f) = (*mp).mstartfn {
            f();
        }
        if mp != &raw mut m0 {
            acquirep((*mp).nextp);
            (*mp).nextp = ptr::null_mut();
        }
    }
    schedule()
}

/// Go's mstartm0: what m0 alone does before it schedules: install the
/// signal handlers (initsig). Every M already has its signal stack.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn mstartm0() {
    crate::signal_unix::initsig();
}

/// Go's minit: per-thread set-up, on the new thread itself.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn minit() {
    let mp = getm();
    // SAFETY: mp is this thread's M.
    unsafe { (*mp).procid = rustix::thread::gettid().as_raw_nonzero().get() as u64 };
    // SAFETY: mp's gsignal was made by mcommoninit and is used by nothing
    // else.
    crate::os_linux::minit_sigaltstack(unsafe { (*(*mp).gsignal).stack });
    crate::os_linux::minit_signal_mask();
    crate::os_linux::minit_timerslack();
}

/// mstartfn of an M started to look for work.
fn mspinning() {
    // SAFETY: this thread's M.
    unsafe { (*getm()).spinning = true };
}

/// Go's mexit: the locked goroutine of this M has exited, so the thread
/// goes too. m0 cannot exit (the process would become a zombie): it is
/// wedged instead. Runs on g0; never returns.
#[inline(never)]
fn mexit() -> ! {
    let mp = getm();
    handoffp(releasep());
    if mp == &raw mut m0 {
        let mut s = sched.lock.lock();
        s.nmfreed += 1;
        checkdead(&mut s);
        drop(s);
        // SAFETY: m0's park note is only woken by startm, and m0 is on no
        // idle list: this sleep is forever.
        unsafe { (*mp).park.sleep() };
        throw("locked m0 woke up");
    }
    let mut s = sched.lock.lock();
    // SAFETY: allm and freem are under the lock; mp is this thread's M.
    unsafe {
        let mut link: *mut *mut M = &mut s.allm;
        while *link != mp {
            if (*link).is_null() {
                throw("m not found in allm");
            }
            link = &mut (**link).alllink;
        }
        *link = (*mp).alllink;
        (*mp).schedlink = s.freem;
    }
    s.freem = mp;
    s.nmfreed += 1;
    checkdead(&mut s);
    drop(s);
    crate::os_linux::exit_thread_of(mp)
}

/// Go's schedule: find a runnable goroutine and run it. Runs on g0.
/// Never returns: it ends by switching to the chosen goroutine.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn schedule() -> ! {
    assert_on_g0("schedule: not on g0");
    let mp = getm();
    // SAFETY: mp is this thread's M.
    unsafe {
        if !(*mp).lockedg.is_null() {
            stoplockedm();
            execute((*mp).lockedg, false); // never returns
        }
    }
    loop {
        let (gp, inherit_time) = find_runnable();
        // SAFETY: as above; gp was just taken off a queue and is ours.
        unsafe {
            if (*mp).spinning {
                resetspinning();
            }
            let lockedm = (*gp).lockedm;
            if !lockedm.is_null() && lockedm != mp {
                // gp runs only on its own M: hand it our P and stop.
                startlockedm(gp);
                continue;
            }
        }
        execute(gp, inherit_time)
    }
}

/// Go's findRunnable: the next goroutine for this M, waiting as long as
/// it takes. In order: due timers; the global queue every 61st tick (so
/// the ring cannot starve it); runnext and the ring; the global queue;
/// stealing from other Ps (if not too many Ms already spin). With
/// nothing found, the M gives up its P, looks once more at every queue,
/// and sleeps: until the next timer, or until startm wakes it.
/// Runs on g0; returns holding a P.
#[unsafe(export_name = "findRunnable")]
#[inline(never)]
fn find_runnable() -> (*mut G, bool) {
    let mp = getm();
    loop {
        let pp = getp();
        if sched.gcwaiting.load(Ordering::Acquire) {
            gcstopm();
            continue;
        }
        check_timers(pp);
        // SAFETY: pp is held by this M.
        let tick = unsafe { (*pp).schedtick.load(Ordering::Relaxed) };
        if tick % GLOBAL_RUNQ_CHECK == 0
            && sched.runqsize.load(Ordering::Relaxed) > 0
            && let Some(gp) = globrunqget(&mut sched.lock.lock(), pp, 1)
        {
            return (gp, false);
        }
        // SAFETY: as above.
        if let Some(found) = unsafe { (*pp).runq.get() } {
            return found;
        }
        if sched.runqsize.load(Ordering::Relaxed) > 0
            && let Some(gp) = globrunqget(&mut sched.lock.lock(), pp, 0)
        {
            return (gp, false);
        }

        // Steal, unless half the busy Ps already have a spinning M.
        let procs = GOMAXPROCS.load(Ordering::Relaxed) as u32;
        let busy = procs.saturating_sub(sched.npidle.load(Ordering::Relaxed));
        // SAFETY: mp is this thread's M.
        if unsafe { (*mp).spinning } || 2 * sched.nmspinning.load(Ordering::Relaxed) < busy {
            become_spinning(mp);
            if let Some(found) = steal_work(pp) {
                return found;
            }
        }

        // Nothing: give up the P, unless something turned up meanwhile.
        let mut s = sched.lock.lock();
        if sched.gcwaiting.load(Ordering::Acquire) {
            continue;
        }
        if let Some(gp) = globrunqget(&mut s, pp, 0) {
            return (gp, false);
        }
        // SAFETY: as above.
        if unsafe { !(*mp).spinning } && sched.needspinning.load(Ordering::Relaxed) == 1 {
            drop(s);
            become_spinning(mp);
            continue;
        }
        let pp = releasep();
        pidleput(&mut s, pp);
        drop(s);

        // A spinning M must look once more at every queue after it stops
        // spinning: work queued meanwhile saw it spinning and woke no one.
        // SAFETY: as above.
        if unsafe { (*mp).spinning } {
            // SAFETY: as above.
            unsafe { (*mp).spinning = false };
            if sched.nmspinning.fetch_sub(1, Ordering::AcqRel) == 0 {
                throw("findrunnable: negative nmspinning");
            }
            // The global queue first: a G put there meanwhile (gosched, an
            // overflowing ring) saw us spinning and woke no one.
            {
                let mut s = sched.lock.lock();
                if s.runq.size != 0 {
                    let pp = pidleget(&mut s);
                    if !pp.is_null() {
                        acquirep(pp);
                        let gp = globrunqget(&mut s, pp, 0).unwrap();
                        drop(s);
                        become_spinning(mp);
                        return (gp, false);
                    }
                }
            }
            // SAFETY: Ps in allp stay valid; reading a ring is lock-free.
            let work = allp().ps.iter().any(|&p2| unsafe { !(*p2).runq.is_empty() });
            if work {
                let pp = pidleget(&mut sched.lock.lock());
                if !pp.is_null() {
                    acquirep(pp);
                    become_spinning(mp);
                    continue;
                }
            }
        }

        match earliest_timer() {
            Some(when) => timer_wait(mp, when),
            None => stopm(),
        }
    }
}

/// The M starts looking for work (Go's becomeSpinning).
fn become_spinning(mp: *mut M) {
    // SAFETY: mp is this thread's M.
    unsafe {
        if !(*mp).spinning {
            (*mp).spinning = true;
            sched.nmspinning.fetch_add(1, Ordering::AcqRel);
            sched.needspinning.store(0, Ordering::Relaxed);
        }
    }
}

/// Go's resetspinning: the spinning M found work. Since there may be more,
/// wake another M to look.
fn resetspinning() {
    let mp = getm();
    // SAFETY: mp is this thread's M.
    unsafe { (*mp).spinning = false };
    if sched.nmspinning.fetch_sub(1, Ordering::AcqRel) == 0 {
        throw("findrunnable: negative nmspinning");
    }
    wakep();
}

/// Passes over the other Ps, in a random order that visits each once.
const STEAL_TRIES: usize = 4;

/// Go's stealWork: take half of another P's queue. On the last pass,
/// run other Ps' due timers first and allow taking a runnext.
#[inline(never)]
fn steal_work(pp: *mut P) -> Option<(*mut G, bool)> {
    let all = allp();
    let n = all.ps.len() as u32;
    for i in 0..STEAL_TRIES {
        let last = i == STEAL_TRIES - 1;
        let r = cheaprand();
        let inc = all.coprimes[(r / n) as usize % all.coprimes.len()];
        let mut pos = r % n;
        for _ in 0..n {
            let p2 = all.ps[pos as usize];
            pos = (pos + inc) % n;
            if p2 == pp {
                continue;
            }
            if sched.gcwaiting.load(Ordering::Acquire) {
                return None; // findRunnable stops this P
            }
            if last {
                check_timers(p2);
                // SAFETY: pp is held by this M.
                if let Some(found) = unsafe { (*pp).runq.get() } {
                    return Some(found); // a timer readied a G onto our queue
                }
            }
            // SAFETY: p2 stays valid; its ring is lock-free. Idle Ps have
            // empty rings.
            unsafe {
                if (*p2).status.load(Ordering::Acquire) == Pstatus::Idle as u32 {
                    continue;
                }
                let running = || (*p2).status.load(Ordering::Acquire) == Pstatus::Running as u32;
                let backoff = || {
                    // A runnext G is usually about to run on its own P.
                    if running() {
                        crate::os_linux::usleep(3);
                    }
                };
                if let Some(gp) = (*pp).runq.steal(&(*p2).runq, last, &backoff) {
                    return Some((gp, false));
                }
            }
        }
    }
    None
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
        (*gp).preempt.store(false, Ordering::Relaxed);
        casgstatus(gp, Gstatus::Runnable, Gstatus::Running);
        if !inherit_time {
            // Only the P's owner writes schedtick: no locked add needed.
            let tick = &(*(*mp).p).schedtick;
            tick.store(tick.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
        }
        crate::boottrace!(
            "schedule: execute goroutine {} (inheritTime={inherit_time}) -> gogo sp={:#x}",
            (*gp).goid,
            (*gp).sched.sp
        );
        gogo(&(*gp).sched)
    }
}

/// Go's wakep: if no M is looking for work and a P is idle, start an M
/// (spinning) with that P. Called when work appears.
pub(crate) fn wakep() {
    // No idle P: no M could be started. (Skipping needspinning here loses
    // nothing: a G pushed to the global queue under sched.lock is seen by
    // any M releasing its P, which checks that queue under the same lock.)
    if sched.npidle.load(Ordering::Acquire) == 0 {
        return;
    }
    if sched.nmspinning.load(Ordering::Acquire) != 0
        || sched.nmspinning.compare_exchange(0, 1, Ordering::AcqRel, Ordering::Relaxed).is_err()
    {
        return;
    }
    let mut s = sched.lock.lock();
    let pp = pidleget(&mut s);
    if pp.is_null() {
        sched.needspinning.store(1, Ordering::Relaxed);
        drop(s);
        sched.nmspinning.fetch_sub(1, Ordering::AcqRel);
        return;
    }
    startm(s, pp, true);
}

/// Go's startm: run pp on an idle M, or a new one if none is idle. With
/// `spinning`, the M starts out looking for work (the caller has counted
/// it in nmspinning). Takes over the caller's hold on sched.lock.
#[inline(never)]
fn startm(mut s: MutexGuard<'_, SchedLocked>, pp: *mut P, spinning: bool) {
    crate::sysmon::wake_sysmon(&mut s); // a P is leaving the idle list
    let nmp = mget(&mut s);
    if nmp.is_null() {
        let id = mreserveid(&mut s);
        drop(s);
        let f: Option<fn()> = if spinning { Some(mspinning) } else { None };
        newm(f, pp, id);
        return;
    }
    drop(s);
    // SAFETY: nmp came off the idle list: it sleeps on its note and no
    // one else will touch it until woken.
    unsafe {
        if !(*nmp).nextp.is_null() {
            throw("startm: m has p");
        }
        (*nmp).spinning = spinning;
        (*nmp).nextp = pp;
        (*nmp).park.wakeup();
    }
}

/// Go's stopm: park this M on its note until startm gives it a P.
/// Runs on g0 without a P; returns holding one.
fn stopm() {
    let mp = getm();
    // SAFETY: mp is this thread's M.
    unsafe {
        if !(*mp).p.is_null() {
            throw("stopm holding p");
        }
        if (*mp).spinning {
            throw("stopm spinning");
        }
        mput(&mut sched.lock.lock(), mp);
        (*mp).blocked.store(true, Ordering::Relaxed);
        (*mp).park.sleep();
        (*mp).blocked.store(false, Ordering::Relaxed);
        (*mp).park.clear();
        acquirep((*mp).nextp);
        (*mp).nextp = ptr::null_mut();
    }
}

/// Go's handoffp: pp was held by an M that is leaving (its goroutine
/// blocked the thread, or exited locked). Start an M for it if there is
/// work; else put it on the idle list.
#[inline(never)]
fn handoffp(pp: *mut P) {
    // SAFETY: pp is held by no M now: ours to place.
    unsafe {
        if !(*pp).runq.is_empty() || sched.runqsize.load(Ordering::Relaxed) != 0 {
            startm(sched.lock.lock(), pp, false);
            return;
        }
        // No work, but if no M spins or idles, one should.
        if sched.nmspinning.load(Ordering::Relaxed) + sched.npidle.load(Ordering::Relaxed) == 0
            && sched.nmspinning.compare_exchange(0, 1, Ordering::AcqRel, Ordering::Relaxed).is_ok()
        {
            sched.needspinning.store(0, Ordering::Relaxed);
            startm(sched.lock.lock(), pp, true);
            return;
        }
        let mut s = sched.lock.lock();
        if sched.gcwaiting.load(Ordering::Acquire) {
            (*pp).status.store(Pstatus::Gcstop as u32, Ordering::Release);
            s.stopwait -= 1;
            if s.stopwait == 0 {
                sched.stopnote.wakeup();
            }
            return;
        }
        if s.runq.size != 0 {
            startm(s, pp, false);
            return;
        }
        let when = (*pp).timer0_when.load(Ordering::Acquire);
        pidleput(&mut s, pp);
        drop(s);
        if when != 0 {
            wake_timer_waiter(when);
        }
    }
}

/// Go's stoplockedm: this M's locked G cannot run; park the M (giving its
/// P away) until startlockedm hands it a P with that G runnable.
#[inline(never)]
fn stoplockedm() {
    let mp = getm();
    // SAFETY: mp is this thread's M.
    unsafe {
        if (*mp).lockedg.is_null() || (*(*mp).lockedg).lockedm != mp {
            throw("stoplockedm: inconsistent locking");
        }
        if !(*mp).p.is_null() {
            handoffp(releasep());
        }
        incidlelocked(1);
        (*mp).blocked.store(true, Ordering::Relaxed);
        (*mp).park.sleep();
        (*mp).blocked.store(false, Ordering::Relaxed);
        (*mp).park.clear();
        if Gstatus::from_u32((*(*mp).lockedg).atomicstatus.load(Ordering::Acquire)) != Gstatus::Runnable {
            throw("stoplockedm: not runnable");
        }
        acquirep((*mp).nextp);
        (*mp).nextp = ptr::null_mut();
    }
}

/// Go's startlockedm: gp is locked to another M; give that M our P and
/// wake it, and stop this M.
#[inline(never)]
fn startlockedm(gp: *mut G) {
    // SAFETY: gp is Runnable and ours; its lockedm sleeps in stoplockedm.
    unsafe {
        let mp = (*gp).lockedm;
        if mp == getm() {
            throw("startlockedm: locked to me");
        }
        if !(*mp).nextp.is_null() {
            throw("startlockedm: m has p");
        }
        incidlelocked(-1);
        (*mp).nextp = releasep();
        (*mp).park.wakeup();
    }
    stopm();
}

/// Go's incidlelocked: count Ms idling for their locked goroutine.
fn incidlelocked(v: i64) {
    let mut s = sched.lock.lock();
    s.nmidlelocked += v;
    if v > 0 {
        checkdead(&mut s);
    }
}

/// Go's gcstopm: a stop-the-world is under way; stop this M's P.
#[inline(never)]
fn gcstopm() {
    let mp = getm();
    // SAFETY: mp is this thread's M.
    unsafe {
        if (*mp).spinning {
            (*mp).spinning = false;
            if sched.nmspinning.fetch_sub(1, Ordering::AcqRel) == 0 {
                throw("gcstopm: negative nmspinning");
            }
        }
    }
    let pp = releasep();
    let mut s = sched.lock.lock();
    // SAFETY: pp is ours until it is counted stopped.
    unsafe { (*pp).status.store(Pstatus::Gcstop as u32, Ordering::Release) };
    s.stopwait -= 1;
    if s.stopwait == 0 {
        sched.stopnote.wakeup();
    }
    drop(s);
    stopm();
}

/// Go's stopTheWorld: stop every P. Each P stops at its next schedule:
/// gort has no preemption, so a goroutine that never blocks or yields
/// holds its P, and this waits for it. Runs on a goroutine holding a P
/// and WORLDSEMA.
#[inline(never)]
fn stop_the_world() {
    let pp = getp();
    let mut s = sched.lock.lock();
    sched.gcwaiting.store(true, Ordering::Release);
    s.stopwait = GOMAXPROCS.load(Ordering::Relaxed);
    // SAFETY: pp is ours; idle Ps are under the lock.
    unsafe { (*pp).status.store(Pstatus::Gcstop as u32, Ordering::Release) };
    s.stopwait -= 1;
    loop {
        let p2 = pidleget(&mut s);
        if p2.is_null() {
            break;
        }
        // SAFETY: an idle P is no one's.
        unsafe { (*p2).status.store(Pstatus::Gcstop as u32, Ordering::Release) };
        s.stopwait -= 1;
    }
    let wait = s.stopwait > 0;
    drop(s);
    if wait {
        sched.stopnote.sleep();
        sched.stopnote.clear();
    }
    for &p2 in &allp().ps {
        // SAFETY: reading a status.
        if unsafe { (*p2).status.load(Ordering::Acquire) } != Pstatus::Gcstop as u32 {
            throw("stopTheWorld: not stopped");
        }
    }
}

/// Go's startTheWorld: resize to `procs` Ps and set them running again.
#[inline(never)]
fn start_the_world(procs: i32) {
    let mut s = sched.lock.lock();
    let mut runnable = procresize(&mut s, procs);
    sched.gcwaiting.store(false, Ordering::Release);
    crate::sysmon::wake_sysmon(&mut s); // it slept through the stop
    drop(s);
    while !runnable.is_null() {
        // SAFETY: procresize handed these Ps to us, each with an M or none.
        unsafe {
            let pp = runnable;
            runnable = (*pp).link;
            let nmp = (*pp).m;
            (*pp).m = ptr::null_mut();
            if nmp.is_null() {
                startm(sched.lock.lock(), pp, false);
            } else {
                (*nmp).nextp = pp;
                (*nmp).park.wakeup();
            }
        }
    }
    wakep();
}

/// Sets the number of Ps to `n` and returns the previous number (Go's
/// runtime.GOMAXPROCS). `n` <= 0 only asks. Changing it stops the world:
/// it waits for every running goroutine to block or yield.
pub fn gomaxprocs(n: i32) -> i32 {
    let old = GOMAXPROCS.load(Ordering::Acquire);
    if n <= 0 || n == old {
        return old;
    }
    let mut prev = old;
    with_world_stopped(|procs| {
        prev = procs;
        n
    });
    prev
}

/// Stops the world, runs `f` with the current number of Ps, and restarts
/// the world with the number `f` returns. One stopper at a time (Go's
/// worldsema): a second stopper would hold its P while waiting for the
/// first's, and neither would stop. Call from a goroutine.
pub(crate) fn with_world_stopped(f: impl FnOnce(i32) -> i32) {
    crate::sema::semacquire(&WORLDSEMA, WaitReason::Semacquire);
    stop_the_world();
    let procs = f(GOMAXPROCS.load(Ordering::Acquire));
    start_the_world(procs);
    crate::sema::semrelease(&WORLDSEMA);
}

/// The right to stop the world: 1 when free.
static WORLDSEMA: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(1);

/// The number of goroutines that exist now, main included (Go's
/// runtime.NumGoroutine).
pub fn num_goroutine() -> i64 {
    sched.ngoroutine.load(Ordering::Relaxed)
}

/// Runs pp's due timers: their goroutines become runnable on this P.
#[inline]
fn check_timers(pp: *mut P) {
    // SAFETY: pp stays valid; timer0_when is atomic.
    let when = unsafe { (*pp).timer0_when.load(Ordering::Acquire) };
    if when != 0 {
        run_timers(pp, when);
    }
}

/// check_timers' slow half: pp has a timer; run those that are due.
#[cold]
#[inline(never)]
fn run_timers(pp: *mut P, when: i64) {
    let now = nanotime();
    if when > now {
        return;
    }
    let mut due = [ptr::null_mut(); 64];
    loop {
        let n = crate::time::take_due(pp, now, &mut due);
        for &gp in &due[..n] {
            goready(gp);
        }
        if n < due.len() {
            break;
        }
    }
}

/// The earliest timer of any P, if any.
pub(crate) fn earliest_timer() -> Option<i64> {
    allp()
        .ps
        .iter()
        // SAFETY: Ps stay valid; timer0_when is atomic.
        .map(|&p| unsafe { (*p).timer0_when.load(Ordering::Acquire) })
        .filter(|&w| w != 0)
        .min()
}

/// With no P and nothing to run, sleep until `when`, the next timer, as
/// the timer waiter (Go's blocking netpoll, without a netpoller), then
/// take an idle P to run it. Only one M waits so; another just stops.
/// Returns holding a P.
#[inline(never)]
fn timer_wait(mp: *mut M, when: i64) {
    let mut s = sched.lock.lock();
    if !s.timer_waiter.is_null() {
        if s.poll_until <= when {
            drop(s);
            return stopm();
        }
        // We wait for an earlier timer: the other waiter becomes ordinary.
        let other = s.timer_waiter;
        // SAFETY: the waiter is woken only here and in wake_timer_waiter,
        // both under the lock, and only once (it is unset first).
        unsafe { (*other).park.wakeup() };
    }
    s.timer_waiter = mp;
    s.poll_until = when;
    drop(s);
    // SAFETY: mp is this thread's M.
    unsafe {
        (*mp).blocked.store(true, Ordering::Relaxed);
        (*mp).park.sleep_until(when);
        (*mp).blocked.store(false, Ordering::Relaxed);
    }
    let mut s = sched.lock.lock();
    if s.timer_waiter == mp {
        s.timer_waiter = ptr::null_mut();
        s.poll_until = 0;
    }
    // Whoever unset the waiter woke the note under the lock we now hold,
    // so no wake-up can arrive after this clear.
    // SAFETY: as above.
    unsafe { (*mp).park.clear() };
    let pp = pidleget(&mut s);
    drop(s);
    if pp.is_null() {
        stopm(); // every P is busy: they run their own timers
    } else {
        acquirep(pp);
    }
}

/// A timer due at `when` was added: make sure some M will wake for it
/// (Go's wakeNetPoller). Wake the timer waiter if it sleeps longer;
/// with no waiter, start a spinning M, which becomes one.
fn wake_timer_waiter(when: i64) {
    let mut s = sched.lock.lock();
    if s.timer_waiter.is_null() {
        drop(s);
        wakep();
        return;
    }
    if when < s.poll_until {
        let mp = s.timer_waiter;
        s.timer_waiter = ptr::null_mut();
        s.poll_until = 0;
        // SAFETY: see timer_wait.
        unsafe { (*mp).park.wakeup() };
    }
}

/// Adds a timer waking gp at `when` on this P, and wakes whoever must
/// know. Runs on g0 (from park's callback) with a P.
pub fn addtimer_and_poke(gp: *mut G, when: i64) {
    crate::time::addtimer(getp(), gp, when);
    wake_timer_waiter(when);
}

/// Go's gopark: park the running goroutine. On g0, once the goroutine
/// is Waiting, `unlockf(gp, lock)` runs; if it returns false the
/// goroutine resumes at once, else it waits until someone calls goready.
/// Doing the unlock after the switch means a waker can never ready a
/// goroutine that is still running.
pub fn gopark(unlockf: Option<fn(*mut G, *mut u8) -> bool>, lock: *mut u8, reason: WaitReason) {
    let mp = getm();
    let gp = getg();
    // SAFETY: gp runs on mp; both are this thread's.
    unsafe {
        if gp == (*mp).g0 {
            throw("gopark on g0");
        }
        (*mp).waitunlockf = unlockf;
        (*mp).waitlock = lock;
        (*gp).waitreason = reason;
        mcall(park_m);
    }
}

/// gopark's second half, on g0.
extern "C" fn park_m(gp: *mut G) -> ! {
    let mp = getm();
    casgstatus(gp, Gstatus::Running, Gstatus::Waiting);
    dropg();
    // SAFETY: gp is parked; its flag is read once. pp is held by this M.
    unsafe {
        if (*gp).preempt.load(Ordering::Relaxed) {
            // The slice is used up: what gp readied must not inherit it,
            // or a pair handing off through runnext would starve the rest
            // of this P's queue.
            let pp = getp();
            if let Some(next) = (*pp).runq.take_runnext() {
                runqput(pp, next, false);
            }
        }
    }
    // SAFETY: mp is this thread's M.
    unsafe {
        if let Some(f) = (*mp).waitunlockf.take() {
            let ok = f(gp, (*mp).waitlock);
            (*mp).waitlock = ptr::null_mut();
            if !ok {
                casgstatus(gp, Gstatus::Waiting, Gstatus::Runnable);
                execute(gp, true);
            }
        }
    }
    schedule()
}

/// Go's goready: make the parked gp runnable, next on this P. Needs a P.
pub fn goready(gp: *mut G) {
    casgstatus(gp, Gstatus::Waiting, Gstatus::Runnable);
    runqput(getp(), gp, true);
    wakep();
}

/// Go's dropg: the M and its current G part.
fn dropg() {
    let mp = getm();
    // SAFETY: mp is this thread's M and curg its goroutine.
    unsafe {
        (*(*mp).curg).m = ptr::null_mut();
        (*mp).curg = ptr::null_mut();
    }
}

/// Yields the processor: the goroutine goes behind every goroutine
/// queued, and others run (Go's runtime.Gosched).
pub fn gosched() {
    // SAFETY: on a user goroutine, which mcall leaves for g0; it resumes
    // when scheduled again.
    unsafe { mcall(gosched_m) };
}

/// Yields the processor to the goroutine just readied (in runnext): this
/// one goes to the tail of its P's ring, not the global queue (Go's
/// goyield, for hand-offs).
pub(crate) fn goyield() {
    // SAFETY: on a user goroutine, which mcall leaves for g0.
    unsafe { mcall(goyield_m) };
}

extern "C" fn goyield_m(gp: *mut G) -> ! {
    casgstatus(gp, Gstatus::Running, Gstatus::Runnable);
    dropg();
    runqput(getp(), gp, false);
    schedule()
}

/// Go puts a yielding G at the tail of the global queue. A P runs its
/// runnext and its ring before it turns to the global queue, so while
/// that queue is empty the tail of this P's ring is the same place in
/// line, and reaching it takes no lock. (A racing globrunqput may slip
/// in ahead; Go's order there is a race too.)
extern "C" fn gosched_m(gp: *mut G) -> ! {
    casgstatus(gp, Gstatus::Running, Gstatus::Runnable);
    dropg();
    let pp = getp();
    // SAFETY: pp is this M's P; only its owner puts on its ring.
    let room = unsafe { !(*pp).runq.is_full() };
    if sched.runqsize.load(Ordering::Relaxed) == 0 && room {
        runqput(pp, gp, false);
    } else {
        globrunqput(&mut sched.lock.lock(), gp);
    }
    wakep();
    schedule()
}

/// Parks the calling goroutine forever (Go's `select {}`).
pub fn block() -> ! {
    gopark(None, ptr::null_mut(), WaitReason::SelectNoCases);
    throw("unreachable: a goroutine parked forever was woken")
}

/// Go's goexit1: the goroutine's entry returned. Called from the goexit
/// trampoline on the goroutine's own stack.
#[unsafe(no_mangle)]
pub extern "C" fn goexit1() -> ! {
    // SAFETY: on a user goroutine, which mcall leaves for g0 for good.
    unsafe { mcall(goexit0) };
    throw("goexit1: a dead goroutine resumed")
}

/// Go's goexit0: retire gp and schedule something else. A goroutine that
/// exits while locked to its thread takes the thread with it. Runs on g0.
#[unsafe(no_mangle)]
extern "C" fn goexit0(gp: *mut G) -> ! {
    let mp = getm();
    casgstatus(gp, Gstatus::Running, Gstatus::Dead);
    // SAFETY: gp is Dead and runs nowhere; mp is this thread's M.
    let locked = unsafe {
        if !(*gp).system {
            sched.ngoroutine.fetch_sub(1, Ordering::Relaxed);
        }
        let locked = !(*gp).lockedm.is_null();
        (*gp).m = ptr::null_mut();
        (*gp).lockedm = ptr::null_mut();
        (*gp).waitreason = WaitReason::Zero;
        (*mp).curg = ptr::null_mut();
        (*mp).lockedg = ptr::null_mut();
        if (*mp).locked_int != 0 {
            crate::print::rtprintln!("runtime: invalid m->lockedInt = {}", (*mp).locked_int);
            throw("internal lockOSThread error");
        }
        (*mp).locked_ext = 0;
        locked
    };
    gfput(getp(), gp);
    if locked {
        mexit();
    }
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

/// Wires the calling goroutine to its current thread: until as many
/// unlock_os_thread calls, it runs only there, and nothing else runs
/// there (Go's runtime.LockOSThread). Called in an init, it keeps main
/// on the main thread. A goroutine that exits locked ends its thread.
pub fn lock_os_thread() {
    let mp = getm();
    // SAFETY: the calling goroutine runs on mp.
    unsafe {
        (*mp).locked_ext = (*mp).locked_ext.checked_add(1).unwrap_or_else(|| panic!("LockOSThread nesting overflow"));
        (*mp).lockedg = getg();
        (*getg()).lockedm = mp;
    }
}

/// Undoes one lock_os_thread (Go's runtime.UnlockOSThread). Without a
/// matching lock, nothing happens.
pub fn unlock_os_thread() {
    let mp = getm();
    // SAFETY: as above.
    unsafe {
        if (*mp).locked_ext == 0 {
            return;
        }
        (*mp).locked_ext -= 1;
        if !(*mp).locked() {
            (*mp).lockedg = ptr::null_mut();
            (*getg()).lockedm = ptr::null_mut();
        }
    }
}

/// Go's checkdead: called when an M goes idle. If no M is running Go
/// code, nothing can ever wake the goroutines left: a deadlock, which is
/// a fatal error listing them. Timers pending are not a deadlock.
/// Caller holds sched.lock.
#[cold]
#[inline(never)]
pub(crate) fn checkdead(s: &mut SchedLocked) {
    let run = s.mcount() - s.nmidle - s.nmidlelocked - s.nmsys;
    if run > 0 {
        return;
    }
    if run < 0 {
        crate::print::rtprintln!(
            "runtime: checkdead: nmidle={} nmidlelocked={} mcount={} nmsys={}",
            s.nmidle,
            s.nmidlelocked,
            s.mcount(),
            s.nmsys
        );
        throw("checkdead: inconsistent counts");
    }
    let mut waiting = 0;
    for_each_g(|gp| {
        // SAFETY: for_each_g holds the allgs lock, so gp is not freed meanwhile.
        let (status, system, goid) = unsafe { ((*gp).atomicstatus.load(Ordering::Acquire), (*gp).system, (*gp).goid) };
        if system {
            return;
        }
        match Gstatus::from_u32(status) {
            Gstatus::Waiting => waiting += 1,
            Gstatus::Runnable | Gstatus::Running | Gstatus::Syscall => {
                crate::print::rtprintln!("runtime: checkdead: find g {goid} in status {status}");
                throw("checkdead: runnable g");
            }
            _ => {}
        }
    });
    if waiting == 0 {
        crate::panic::fatal("no goroutines (main called runtime.Goexit) - deadlock!");
    }
    if earliest_timer().is_some() {
        return; // a sleeping goroutine will wake
    }
    crate::panic::fatal("all goroutines are asleep - deadlock!");
}

/// Go's runtime.main: goroutine 1. Starts sysmon, runs the init tasks
/// and main, then ends the process.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn runtime_main(_fv: *mut Funcval) {
    let gp = getg();
    let mp = getm();
    sched.main_started.store(true, Ordering::Release);
    newm(Some(crate::sysmon::sysmon), ptr::null_mut(), -1);
    crate::mgcscavenge::gcenable();

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
    unlock_os_thread_internal(mp);

    crate::boottrace!("runtime_main: main_main");
    // SAFETY: gort::main! defines main_main in every program.
    unsafe { main_main() };
    // A goroutine is reporting a panic: let it finish and exit 2 (Go
    // parks main with wait reason "panicwait").
    while crate::signal_unix::panicking() {
        crate::os_linux::usleep(1000);
    }
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
fn unlock_os_thread_internal(mp: *mut M) {
    // SAFETY: as above. After init, goroutine 1 may run on another M,
    // so the G is reached through the M's record of it.
    unsafe {
        if (*mp).locked_int == 0 {
            throw("unlockOSThread: internal count underflow");
        }
        (*mp).locked_int -= 1;
        if !(*mp).locked() {
            (*(*mp).lockedg).lockedm = ptr::null_mut();
            (*mp).lockedg = ptr::null_mut();
        }
    }
}

/// Ends the process with `code` at once, as Go's os.Exit: other
/// goroutines simply stop.
pub fn exit(code: i32) -> ! {
    exit_group(code)
}
