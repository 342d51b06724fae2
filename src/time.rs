//! Clocks, timers and sleep (Go's time.go, much reduced).
//!
//! Each P keeps a heap of sleeping goroutines ordered by wake-up time.
//! The scheduler runs a P's due timers whenever it looks for work on
//! that P, and thieves run other Ps' due timers before stealing. An M
//! with nothing to run and no P sleeps on a futex until the earliest
//! timer of any P (see proc.rs, the timer waiter), so a program whose
//! goroutines all sleep uses no CPU.

use alloc::collections::BinaryHeap;
use core::cmp::{Ordering as CmpOrdering, Reverse};
use core::sync::atomic::Ordering;
use core::time::Duration;

use crate::runtime2::{G, P, WaitReason};

/// Monotonic time in nanoseconds, from an arbitrary start (Go's nanotime).
/// Through the vDSO when it has clock_gettime: no system call.
pub fn nanotime() -> i64 {
    if let Some(f) = crate::vdso_linux_amd64::clock_gettime() {
        let mut ts = [0i64; 2];
        // SAFETY: the vDSO's clock_gettime writes one timespec to ts.
        if unsafe { f(linux_raw_sys::general::CLOCK_MONOTONIC as i32, &mut ts) } == 0 {
            return ts[0] * 1_000_000_000 + ts[1];
        }
    }
    crate::sys_linux_amd64::clock_gettime_monotonic()
}

/// A sleeping goroutine and when it wakes.
#[derive(Clone, Copy)]
struct Timer {
    when: i64,
    /// Breaks ties in insertion order.
    seq: u64,
    gp: *mut G,
}

impl PartialEq for Timer {
    fn eq(&self, o: &Self) -> bool {
        (self.when, self.seq) == (o.when, o.seq)
    }
}
impl Eq for Timer {}
impl PartialOrd for Timer {
    fn partial_cmp(&self, o: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(o))
    }
}
impl Ord for Timer {
    fn cmp(&self, o: &Self) -> CmpOrdering {
        (self.when, self.seq).cmp(&(o.when, o.seq))
    }
}

/// A P's timers, earliest first.
pub struct TimerHeap {
    heap: BinaryHeap<Reverse<Timer>>,
    seq: u64,
}

// SAFETY: the G pointers are only followed by the M that pops them.
unsafe impl Send for TimerHeap {}

impl TimerHeap {
    pub const fn new() -> TimerHeap {
        TimerHeap { heap: BinaryHeap::new(), seq: 0 }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    fn earliest(&self) -> i64 {
        self.heap.peek().map_or(0, |t| t.0.when)
    }
}

/// Adds a timer waking gp at `when` to pp's heap.
pub fn addtimer(pp: *mut P, gp: *mut G, when: i64) {
    // SAFETY: pp is a live P; its heap is under its own lock.
    let pp = unsafe { &*pp };
    let mut h = pp.timers.lock();
    h.seq += 1;
    let seq = h.seq;
    h.heap.push(Reverse(Timer { when, seq, gp }));
    pp.timer0_when.store(h.earliest(), Ordering::Release);
}

/// Takes pp's timers due by `now`, earliest first, into `out` (up to
/// its capacity) and returns how many. The caller readies them after the
/// lock is gone (goready takes sched.lock, which must not nest inside a
/// timer lock).
pub fn take_due(pp: *mut P, now: i64, out: &mut [*mut G]) -> usize {
    // SAFETY: pp is a live P.
    let pp = unsafe { &*pp };
    let w = pp.timer0_when.load(Ordering::Acquire);
    if w == 0 || w > now {
        return 0;
    }
    let mut h = pp.timers.lock();
    let mut n = 0;
    while n < out.len() {
        match h.heap.peek() {
            Some(t) if t.0.when <= now => {
                out[n] = h.heap.pop().unwrap().0.gp;
                n += 1;
            }
            _ => break,
        }
    }
    pp.timer0_when.store(h.earliest(), Ordering::Release);
    n
}

/// Moves every timer of `from` onto `to` (a P going away).
pub fn move_timers(from: *mut P, to: *mut P) {
    // SAFETY: both are live Ps; the world is stopped.
    let from = unsafe { &*from };
    let mut h = from.timers.lock();
    let all: alloc::vec::Vec<_> = h.heap.drain().collect();
    from.timer0_when.store(0, Ordering::Release);
    drop(h);
    for Reverse(t) in all {
        addtimer(to, t.gp, t.when);
    }
}

/// Pauses the calling goroutine for at least `d` (Go's time.Sleep). The
/// thread is not blocked: other goroutines run meanwhile. A zero
/// duration returns at once.
pub fn sleep(d: Duration) {
    if d.is_zero() {
        return;
    }
    let ns = i64::try_from(d.as_nanos()).unwrap_or(i64::MAX / 2);
    let gp = crate::proc::getg();
    // SAFETY: gp is the running goroutine; only it writes sleep_until.
    unsafe { (*gp).sleep_until = nanotime().saturating_add(ns) };
    // The timer is added by park's callback, on g0, once gp is Waiting:
    // a timer added earlier could fire on another M before gp had parked.
    crate::proc::gopark(Some(arm_sleep_timer), core::ptr::null_mut(), WaitReason::Sleep);
}

/// gopark's callback for sleep: runs on g0 after gp is parked.
fn arm_sleep_timer(gp: *mut G, _: *mut u8) -> bool {
    // SAFETY: gp is parked and its sleep_until was set before it parked.
    let when = unsafe { (*gp).sleep_until };
    crate::proc::addtimer_and_poke(gp, when);
    true
}
