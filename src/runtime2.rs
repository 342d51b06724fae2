//! The data model: G, M, P, the global `sched`, and the rules each field
//! lives by. Transitions between states are in proc.rs.
//!
//! Like Go's runtime2.go, this file holds types and their invariants, not
//! behaviour. The objects are linked by raw pointers (`*mut G`, `*mut M`,
//! `*mut P`), exactly as Go links them, because their lifetimes are
//! governed by the scheduler, not by scopes. Every field says what guards it.

use core::mem::offset_of;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicI64, AtomicPtr, AtomicU32, AtomicU64};

use alloc::vec::Vec;

use crate::go_asm;
use crate::lock_futex::{Mutex, Note};
use crate::mcache::MCache;
use crate::time::TimerHeap;
use crate::runq::Runq;

/// A goroutine's stack: the addresses [lo, hi). It grows down from hi.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Stack {
    pub lo: usize,
    pub hi: usize,
}

impl Stack {
    pub const fn size(&self) -> usize {
        self.hi - self.lo
    }
}

/// Where a goroutine resumes: the registers gogo loads.
///
/// Only sp, pc and bp are machine state: everything else a suspended
/// goroutine needs (its callee-saved registers) is on its own stack, pushed
/// there by mcall. A fresh goroutine has none; its pc is its entry.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Gobuf {
    pub sp: usize,
    pub pc: usize,
    pub g: *mut G,
    /// For a goroutine that has never run: its `Funcval`, passed to the
    /// entry in %rdi.
    pub ctxt: usize,
    pub bp: usize,
}

impl Gobuf {
    pub const fn zero() -> Gobuf {
        Gobuf { sp: 0, pc: 0, g: ptr::null_mut(), ctxt: 0, bp: 0 }
    }
}

/// A closure the runtime can start a goroutine on, as Go's funcval: the
/// entry is called with a pointer to the Funcval itself, so a larger
/// struct that starts with a Funcval can carry captured data after it.
#[repr(C)]
pub struct Funcval {
    pub entry: unsafe extern "C" fn(fv: *mut Funcval),
}

/// A goroutine's status, Go's `_G*` constants. Every change goes through
/// `casgstatus`, which checks the transition.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gstatus {
    /// Just allocated, not yet initialised.
    Idle = 0,
    /// On a run queue. Not executing user code; its stack is not owned.
    Runnable = 1,
    /// Executing user code on an M that holds a P. Owns its stack; not on
    /// a run queue. `g.m` and `m.curg` point at each other.
    Running = 2,
    /// In a system call. (gort does not hand Ps off around system calls
    /// yet, so nothing sets it; checkdead and dumps know the state.)
    Syscall = 3,
    /// Blocked in the runtime (parked). Not on a run queue; someone must
    /// `goready` it. Its stack is owned by whoever holds the wait.
    Waiting = 4,
    /// Unused: exited, or on a free list, or being initialised. Its stack
    /// may be kept for reuse.
    Dead = 6,
}

impl Gstatus {
    pub fn from_u32(v: u32) -> Gstatus {
        match v {
            0 => Gstatus::Idle,
            1 => Gstatus::Runnable,
            2 => Gstatus::Running,
            3 => Gstatus::Syscall,
            4 => Gstatus::Waiting,
            6 => Gstatus::Dead,
            _ => crate::panic::throw("bad g status"),
        }
    }
}

/// A goroutine.
#[repr(C)]
pub struct G {
    // Read by the assembly; offsets pinned in asm/go_asm.inc.
    /// The stack [lo, hi). Set once by malg. For g0 of m0, the 64 KiB of
    /// the kernel's stack below rt0_go's frame.
    pub stack: Stack,
    /// The lowest sp the goroutine may use (stack.lo + guard). gort has no
    /// compiler-inserted stack checks; this is what the guard page under
    /// the stack enforces, kept for diagnostics.
    pub stackguard0: usize,
    pub stackguard1: usize,
    /// The M running this G while it runs; null otherwise. Owned by that M.
    pub m: *mut M,
    /// Where to resume: valid while the G is not Running.
    pub sched: Gobuf,

    // Identity, set by newproc1 before the G is published.
    pub goid: u64,
    /// The goid of the goroutine that created this one (0: g0).
    pub parent_goid: u64,
    /// The pc of the `go` statement that created it, for "created by".
    pub gopc: usize,
    /// The entry it was started on.
    pub startpc: usize,

    /// Gstatus, changed only by casgstatus.
    pub atomicstatus: AtomicU32,
    /// Link for run queues and free lists. Owned by whoever holds the list.
    pub schedlink: *mut G,
    /// The M this G is locked to (LockOSThread), or null.
    pub lockedm: *mut M,
    /// Why the G is Waiting; meaningful only then.
    pub waitreason: WaitReason,
    /// When a sleeping G should wake (nanotime); set before it parks.
    pub sleep_until: i64,
    /// A runtime goroutine (sysmon's helpers, the scavenger): left out of
    /// num_goroutine and deadlock reports.
    pub system: bool,
    /// Index in allgs. Under the allgs lock.
    pub allgindex: usize,
    /// sysmon asks the G to yield: it has run FORCE_PREEMPT_NS without a
    /// scheduling round. Checked at runtime calls (Go's gp.preempt).
    pub preempt: AtomicBool,
}

impl G {
    pub const fn new() -> G {
        G {
            stack: Stack { lo: 0, hi: 0 },
            stackguard0: 0,
            stackguard1: 0,
            m: ptr::null_mut(),
            sched: Gobuf::zero(),
            goid: 0,
            parent_goid: 0,
            gopc: 0,
            startpc: 0,
            atomicstatus: AtomicU32::new(Gstatus::Idle as u32),
            schedlink: ptr::null_mut(),
            lockedm: ptr::null_mut(),
            waitreason: WaitReason::Zero,
            sleep_until: 0,
            system: false,
            allgindex: 0,
            preempt: AtomicBool::new(false),
        }
    }
}

/// Why a goroutine is waiting: the words Go prints in its header,
/// `goroutine 7 [chan receive]:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitReason {
    Zero,
    Sleep,
    SelectNoCases,
    Select,
    ChanReceive,
    ChanSend,
    Semacquire,
    SyncWaitGroupWait,
    SyncMutexLock,
    SyncRWMutexRLock,
    SyncRWMutexLock,
}

impl WaitReason {
    pub fn as_str(self) -> &'static str {
        match self {
            WaitReason::Zero => "",
            WaitReason::Sleep => "sleep",
            WaitReason::SelectNoCases => "select (no cases)",
            WaitReason::Select => "select",
            WaitReason::ChanReceive => "chan receive",
            WaitReason::ChanSend => "chan send",
            WaitReason::Semacquire => "semacquire",
            WaitReason::SyncWaitGroupWait => "sync.WaitGroup.Wait",
            WaitReason::SyncMutexLock => "sync.Mutex.Lock",
            WaitReason::SyncRWMutexRLock => "sync.RWMutex.RLock",
            WaitReason::SyncRWMutexLock => "sync.RWMutex.Lock",
        }
    }
}

/// An OS thread.
#[repr(C)]
pub struct M {
    // Read by the assembly; offsets pinned in asm/go_asm.inc.
    /// The goroutine that runs the scheduler on this thread's own stack.
    pub g0: *mut G,
    /// Thread-local storage. %fs points at &tls[1], so %fs:-8 is tls[0],
    /// which always holds the current g (g0 or curg). tls[1] holds the
    /// thread pointer itself, as the x86-64 ABI asks.
    pub tls: [usize; 6],

    // Owned by this M.
    /// The goroutine whose stack signal handlers run on (sigaltstack),
    /// 32 KiB, set by mcommoninit.
    pub gsignal: *mut G,
    /// The user goroutine running on this M, or null while on g0.
    pub curg: *mut G,
    /// The P this M holds, or null.
    pub p: *mut P,
    /// The P handed to this M by whoever woke it (startm), or null.
    pub nextp: *mut P,
    /// Its id: m0 is 0. Set by mcommoninit under sched.lock.
    pub id: i64,
    /// The kernel's thread id.
    pub procid: u64,
    /// Out of work and looking for some (counted in sched.nmspinning).
    pub spinning: bool,
    /// Asleep on its park note (idle, timer-waiting or locked-idle); for
    /// schedtrace.
    pub blocked: AtomicBool,
    /// Run on this M before it schedules (sysmon, mspinning), or None.
    pub mstartfn: Option<fn()>,
    /// Counts of LockOSThread: by the program (nestable) and by the runtime.
    pub locked_ext: u32,
    pub locked_int: u32,
    /// The G locked to this M, or null.
    pub lockedg: *mut G,
    /// gopark's callback and its argument, run on g0 once the G is parked.
    pub waitunlockf: Option<fn(gp: *mut G, arg: *mut u8) -> bool>,
    pub waitlock: *mut u8,
    /// The per-M random state (Go's cheaprand), for steal order.
    pub fastrand: u64,
    /// Where this M sleeps when idle; startm and startlockedm wake it.
    pub park: Note,
    /// Set to 0 by exit_thread once this thread's g0 stack is no longer
    /// in use, so it may be unmapped.
    pub free_wait: AtomicU32,
    /// Set while this M allocates from its P's cache (malloc.rs), so
    /// the P's cache has one user and reentry is caught.
    pub mallocing: bool,
    /// Failures this M has started to report (Go's m.dying); panic.rs.
    pub dying: u32,
    /// Formatting a panic's message: a panic now is a nested one.
    pub printing_panic: bool,

    // Under sched.lock.
    /// Next in the list of all Ms.
    pub alllink: *mut M,
    /// Next on sched.midle or sched.freem.
    pub schedlink: *mut M,
}

impl M {
    pub const fn new() -> M {
        M {
            g0: ptr::null_mut(),
            tls: [0; 6],
            gsignal: ptr::null_mut(),
            curg: ptr::null_mut(),
            p: ptr::null_mut(),
            nextp: ptr::null_mut(),
            id: -1,
            procid: 0,
            spinning: false,
            blocked: AtomicBool::new(false),
            mstartfn: None,
            locked_ext: 0,
            locked_int: 0,
            lockedg: ptr::null_mut(),
            waitunlockf: None,
            waitlock: ptr::null_mut(),
            fastrand: 0,
            park: Note::new(),
            free_wait: AtomicU32::new(0),
            mallocing: false,
            dying: 0,
            printing_panic: false,
            alllink: ptr::null_mut(),
            schedlink: ptr::null_mut(),
        }
    }

    /// Whether a goroutine is wired to this M (LockOSThread).
    pub fn locked(&self) -> bool {
        self.locked_ext != 0 || self.locked_int != 0
    }
}

/// A P's status, Go's `_P*` constants.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pstatus {
    /// On the idle list, held by no M.
    Idle = 0,
    /// Held by an M that is running user code or the scheduler.
    Running = 1,
    /// Being set up or stopped (stop-the-world).
    Gcstop = 3,
    /// No longer used: GOMAXPROCS shrank below it.
    Dead = 4,
}

/// A processor: the right to run Go code. There are exactly GOMAXPROCS.
#[repr(C)]
pub struct P {
    /// Index in allp. Fixed.
    pub id: i32,
    /// Pstatus. Changed by the M that holds it, or under sched.lock.
    pub status: AtomicU32,
    /// Next on sched.pidle. Under sched.lock.
    pub link: *mut P,
    /// The M holding this P, or null. Changed with acquirep/releasep.
    pub m: *mut M,

    // Owned by the M holding this P.
    /// Incremented on every scheduler call that does not inherit a time
    /// slice. Written by the owner; sysmon and schedtrace read it.
    pub schedtick: AtomicU32,
    /// The goid batch [goidcache, goidcacheend) this P hands out.
    pub goidcache: u64,
    pub goidcacheend: u64,

    /// Dead Gs with their stacks, ready for reuse (Go's gFree), linked
    /// through g.schedlink.
    pub gfree: *mut G,
    pub gfreecnt: i32,

    /// Runnable goroutines: runnext and the lock-free ring. The owner puts;
    /// anyone may take.
    pub runq: Runq<G>,

    /// Sleeping goroutines, earliest first. Any M may run a P's due
    /// timers, so they have their own lock (a leaf: nothing is locked
    /// while holding it).
    pub timers: Mutex<TimerHeap>,
    /// The earliest `when` in `timers`, 0 if none: read without the lock.
    pub timer0_when: AtomicI64,

    /// sysmon's view: schedtick and when it last changed (Go's sysmontick).
    pub sysmon_tick: u32,
    pub sysmon_when: i64,

    /// Small objects for the M holding this P (mcache.rs).
    pub mcache: MCache,
}

impl P {
    pub fn new(id: i32) -> P {
        P {
            id,
            status: AtomicU32::new(Pstatus::Gcstop as u32),
            link: ptr::null_mut(),
            m: ptr::null_mut(),
            schedtick: AtomicU32::new(0),
            goidcache: 0,
            goidcacheend: 0,
            gfree: ptr::null_mut(),
            gfreecnt: 0,
            runq: Runq::new(),
            timers: Mutex::new(TimerHeap::new()),
            timer0_when: AtomicI64::new(0),
            sysmon_tick: 0,
            sysmon_when: 0,
            mcache: MCache::new(),
        }
    }
}

/// The scheduler's global state: Go's `schedt`.
pub struct Sched {
    /// The last goid handed out in a batch. Main gets 1.
    pub goidgen: AtomicU64,
    /// Set once runtime_main runs: from then on, newproc may wake Ms.
    pub main_started: AtomicBool,
    /// Idle Ps; read without the lock, changed under it.
    pub npidle: AtomicU32,
    /// Ms looking for work (spinning); changed by CAS or under the lock.
    pub nmspinning: AtomicU32,
    /// Work was found while no P was free for another spinning M: the
    /// next M to release its P should look again first.
    pub needspinning: AtomicU32,
    /// Length of the global run queue, for lock-free peeks.
    pub runqsize: AtomicU32,
    /// Goroutines of the program (not the runtime's own), live now.
    pub ngoroutine: AtomicI64,
    /// A stop-the-world is under way: Ps stop at their next schedule.
    pub gcwaiting: AtomicBool,
    /// sysmon is in its deep sleep on sysmonnote.
    pub sysmonwait: AtomicBool,
    /// sysmon's deep-sleep wake-up.
    pub sysmonnote: Note,
    /// The world-stopper waits here for the last P.
    pub stopnote: Note,
    /// The fields below.
    pub lock: Mutex<SchedLocked>,
}

/// The part of `sched` guarded by sched.lock.
pub struct SchedLocked {
    /// The next M id; every M ever made has a smaller one.
    pub mnext: i64,
    /// Most Ms allowed (Go's 10000-thread limit).
    pub maxmcount: i64,
    /// Ms that have exited (a locked goroutine ended on them).
    pub nmfreed: i64,
    /// Ms running without a P for the runtime (sysmon); not counted by checkdead.
    pub nmsys: i64,
    /// Idle Ms, linked through m.schedlink, and how many.
    pub midle: *mut M,
    pub nmidle: i64,
    /// Idle Ms whose locked goroutine is not runnable.
    pub nmidlelocked: i64,
    /// Idle Ps, linked through p.link.
    pub pidle: *mut P,
    /// All Ms, linked through m.alllink (Go's allm).
    pub allm: *mut M,
    /// Exited Ms whose g0 stacks wait to be unmapped, through m.schedlink.
    pub freem: *mut M,
    /// The global run queue, for what overflows a P's ring and for gosched.
    pub runq: GQueue,
    /// Dead Gs from Ps whose free lists grew too long, their stack pages
    /// still in memory (warm), and when one last arrived. sysmon frees
    /// them, stack and all, once the list has sat unused a while.
    pub gfree: GQueue,
    pub gfree_when: i64,
    /// The M sleeping until the next timer with no P, if any, and when it
    /// will wake (Go's netpoll waiter and pollUntil, without a netpoller).
    pub timer_waiter: *mut M,
    pub poll_until: i64,
    /// Ps still to stop for a stop-the-world.
    pub stopwait: i32,
}

impl Sched {
    pub const fn new() -> Sched {
        Sched {
            goidgen: AtomicU64::new(0),
            main_started: AtomicBool::new(false),
            npidle: AtomicU32::new(0),
            nmspinning: AtomicU32::new(0),
            needspinning: AtomicU32::new(0),
            runqsize: AtomicU32::new(0),
            ngoroutine: AtomicI64::new(0),
            gcwaiting: AtomicBool::new(false),
            sysmonwait: AtomicBool::new(false),
            sysmonnote: Note::new(),
            stopnote: Note::new(),
            lock: Mutex::new(SchedLocked {
                mnext: 0,
                maxmcount: 0,
                nmfreed: 0,
                nmsys: 0,
                midle: ptr::null_mut(),
                nmidle: 0,
                nmidlelocked: 0,
                pidle: ptr::null_mut(),
                allm: ptr::null_mut(),
                freem: ptr::null_mut(),
                runq: GQueue::new(),
                gfree: GQueue::new(),
                gfree_when: 0,
                timer_waiter: ptr::null_mut(),
                poll_until: 0,
                stopwait: 0,
            }),
        }
    }
}

impl SchedLocked {
    /// Ms that exist now (Go's mcount).
    pub fn mcount(&self) -> i64 {
        self.mnext - self.nmfreed
    }
}

// SAFETY: the pointers are to runtime objects that live for the whole
// program; they are only followed under sched.lock.
unsafe impl Send for SchedLocked {}

/// A FIFO of Gs linked through g.schedlink (Go's gQueue). Whoever holds
/// the queue owns the links.
pub struct GQueue {
    pub head: *mut G,
    pub tail: *mut G,
    pub size: usize,
}

impl GQueue {
    pub const fn new() -> GQueue {
        GQueue { head: ptr::null_mut(), tail: ptr::null_mut(), size: 0 }
    }

    /// Appends gp.
    ///
    /// # Safety
    /// gp is a live G on no other list.
    pub unsafe fn push_back(&mut self, gp: *mut G) {
        // SAFETY: gp and the tail are live Gs this queue owns.
        unsafe {
            (*gp).schedlink = ptr::null_mut();
            if self.tail.is_null() {
                self.head = gp;
            } else {
                (*self.tail).schedlink = gp;
            }
        }
        self.tail = gp;
        self.size += 1;
    }

    /// Removes and returns the first G, if any.
    pub fn pop(&mut self) -> Option<*mut G> {
        let gp = self.head;
        if gp.is_null() {
            return None;
        }
        // SAFETY: gp is on this queue, so it is live and its link is ours.
        self.head = unsafe { (*gp).schedlink };
        if self.head.is_null() {
            self.tail = ptr::null_mut();
        }
        self.size -= 1;
        Some(gp)
    }
}

/// Every P, indexed by id (Go's allp), and the steal order for that many.
pub struct AllP {
    pub ps: Vec<*mut P>,
    /// The numbers below len(ps) that are coprime to it: strides that
    /// visit every P once (Go's randomOrder).
    pub coprimes: Vec<u32>,
    /// Ps that GOMAXPROCS retired (Dead), by id from len(ps) up: reused
    /// when it grows again, as Go reuses allp's backing array.
    pub spare: Vec<*mut P>,
}

// SAFETY: the P pointers are shared like the Ps themselves; every field
// of a P says what guards it.
unsafe impl Sync for AllP {}
unsafe impl Send for AllP {}

impl AllP {
    pub fn new(ps: Vec<*mut P>, spare: Vec<*mut P>) -> AllP {
        let n = ps.len() as u32;
        let coprimes = (1..=n).filter(|&i| gcd(i, n) == 1).collect();
        AllP { ps, coprimes, spare }
    }
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The current AllP. procresize publishes a new one while the world is
/// stopped; readers without a P (sysmon, an M going idle) may hold an
/// older one, which stays valid: lists and Ps are never freed, and a P
/// past GOMAXPROCS is just Dead.
pub static ALLP: AtomicPtr<AllP> = AtomicPtr::new(ptr::null_mut());

static NO_PS: AllP = AllP { ps: Vec::new(), coprimes: Vec::new(), spare: Vec::new() };

pub fn allp() -> &'static AllP {
    let v = ALLP.load(core::sync::atomic::Ordering::Acquire);
    if v.is_null() {
        return &NO_PS;
    }
    // SAFETY: published lists are leaked and never changed after.
    unsafe { &*v }
}

// The assembly's view of these structs must match Rust's.
const _: () = {
    assert!(offset_of!(G, stack.lo) == go_asm::G_STACK_LO);
    assert!(offset_of!(G, stack.hi) == go_asm::G_STACK_HI);
    assert!(offset_of!(G, stackguard0) == go_asm::G_STACKGUARD0);
    assert!(offset_of!(G, stackguard1) == go_asm::G_STACKGUARD1);
    assert!(offset_of!(G, m) == go_asm::G_M);
    assert!(offset_of!(G, sched) == go_asm::G_SCHED);
    assert!(offset_of!(Gobuf, sp) == go_asm::GOBUF_SP);
    assert!(offset_of!(Gobuf, pc) == go_asm::GOBUF_PC);
    assert!(offset_of!(Gobuf, g) == go_asm::GOBUF_G);
    assert!(offset_of!(Gobuf, ctxt) == go_asm::GOBUF_CTXT);
    assert!(offset_of!(Gobuf, bp) == go_asm::GOBUF_BP);
    assert!(offset_of!(M, g0) == go_asm::M_G0);
    assert!(offset_of!(M, tls) == go_asm::M_TLS);
};
