//! sysmon: the runtime's watchdog (Go's sysmon, in proc.go).
//!
//! sysmon runs on its own M without a P, so it works even when every P
//! is busy, and checkdead does not count it. It wakes every 20 us while
//! the program is busy, doubling its sleep after 50 quiet rounds up to
//! 10 ms, and sleeps deeply (until the next timer, or a minute) when every
//! P is idle (the scavenger's next work and idle stacks shorten that).
//! Each round it gives back the stack pages of free goroutines that have
//! sat unused on the global list for 100 ms, runs the heap's scavenger
//! (mgcscavenge.rs), and does the retake: it notes each running P's
//! schedtick and how long it has stood still, and asks a goroutine that
//! has run 10 ms to yield. Go interrupts it with a signal; gort cannot
//! interrupt Rust code, so the goroutine yields at its next runtime call
//! (cooperative preemption, as Go before 1.14). With GODEBUG=schedtrace=N it prints Go's SCHED line every N ms.

use core::fmt::Write;
use core::sync::atomic::Ordering;

use crate::env::DEBUG;
use crate::mgcscavenge;
use crate::os_linux::usleep;
use crate::print::{FdWriter, STDERR};
use crate::proc::{GFREE_RELEASE_NS, GOMAXPROCS, checkdead, earliest_timer, release_gfree, sched, wakep};
use crate::runtime2::{G, Gstatus, M, Pstatus, SchedLocked, allp};
use crate::time::nanotime;

/// A goroutine running this long without a scheduling round is due for
/// preemption (Go's forcePreemptNS).
const FORCE_PREEMPT_NS: i64 = 10_000_000;
/// The longest deep sleep (Go's forcegcperiod / 2).
const DEEP_SLEEP_NS: i64 = 60_000_000_000;

/// The mstartfn of sysmon's M. Never returns.
pub fn sysmon() {
    {
        let mut s = sched.lock.lock();
        s.nmsys += 1;
        checkdead(&mut s);
    }
    let mut lasttrace = 0;
    let mut idle = 0u32;
    let mut delay_us = 0u64;
    loop {
        if idle == 0 {
            delay_us = 20;
        } else if idle > 50 {
            delay_us *= 2;
        }
        delay_us = delay_us.min(10_000);
        usleep(delay_us);

        let mut now = nanotime();
        let schedtrace = DEBUG.get().schedtrace;
        if schedtrace <= 0 && all_idle() {
            let s = sched.lock.lock();
            if all_idle() {
                let mut sleep = earliest_timer().map_or(DEEP_SLEEP_NS, |w| (w - now).clamp(0, DEEP_SLEEP_NS));
                if s.gfree.size != 0 {
                    sleep = sleep.min(GFREE_RELEASE_NS); // stacks to give back
                }
                sleep = sleep.min(mgcscavenge::next_work().saturating_sub(now)); // heap pages to give back
                if sleep > 0 {
                    sched.sysmonwait.store(true, Ordering::Release);
                    drop(s);
                    sched.sysmonnote.sleep_until(now + sleep);
                    let _s = sched.lock.lock();
                    sched.sysmonwait.store(false, Ordering::Release);
                    sched.sysmonnote.clear();
                    now = nanotime(); // it may have slept a minute
                }
                idle = 0;
                delay_us = 20;
            }
        }

        // A timer overdue while a P idles: no M is watching for it (Go's
        // sysmon does the same).
        if earliest_timer().is_some_and(|next| next < now) && sched.npidle.load(Ordering::Relaxed) > 0 {
            wakep();
        }

        release_gfree(now);
        mgcscavenge::scavenge(now);

        if retake(nanotime()) != 0 {
            idle = 0;
        } else {
            idle += 1;
        }

        if schedtrace > 0 && lasttrace + i64::from(schedtrace) * 1_000_000 <= now {
            lasttrace = now;
            schedtrace_print(DEBUG.get().scheddetail > 0);
        }
    }
}

/// Every P idle, or a stop-the-world pending: nothing for sysmon to watch.
fn all_idle() -> bool {
    sched.gcwaiting.load(Ordering::Acquire)
        || sched.npidle.load(Ordering::Acquire) as i32 == GOMAXPROCS.load(Ordering::Acquire)
}

/// Wakes sysmon from its deep sleep. Caller holds sched.lock.
pub fn wake_sysmon(_s: &mut SchedLocked) {
    if sched.sysmonwait.swap(false, Ordering::AcqRel) {
        sched.sysmonnote.wakeup();
    }
}

/// Go's retake: notes when each running P last scheduled, and asks the
/// goroutine of a P that has not for FORCE_PREEMPT_NS to yield (Go's
/// preemptone, without the signal: gort cannot interrupt Rust code, so
/// the goroutine yields at its next runtime call). Returns how many it
/// asked, each once, so a goroutine that never calls the runtime does not
/// keep sysmon polling every 20 us.
fn retake(now: i64) -> u32 {
    let mut n = 0;
    for &pp in &allp().ps {
        // SAFETY: Ps stay valid; sysmon_tick and sysmon_when are written
        // only by sysmon; the others are atomics.
        unsafe {
            if (*pp).status.load(Ordering::Acquire) != Pstatus::Running as u32 {
                continue;
            }
            let t = (*pp).schedtick.load(Ordering::Relaxed);
            if (*pp).sysmon_tick != t {
                (*pp).sysmon_tick = t;
                (*pp).sysmon_when = now;
            } else if (*pp).sysmon_when + FORCE_PREEMPT_NS <= now {
                // The P's M and its curg change under us: read them once,
                // racily, as Go does. A G's memory stays mapped even when
                // freed (stacks are pooled, not unmapped), so at worst a
                // recycled G gets one needless yield.
                let mp = core::ptr::read_volatile(&(*pp).m);
                if mp.is_null() {
                    continue;
                }
                let gp = core::ptr::read_volatile(&(*mp).curg);
                if !gp.is_null() && !(*gp).preempt.swap(true, Ordering::Relaxed) {
                    n += 1;
                }
            }
        }
    }
    n
}

/// When schedtrace began (the SCHED lines count from it).
static START: core::sync::atomic::AtomicI64 = core::sync::atomic::AtomicI64::new(0);

/// Go's schedtrace: one SCHED line, or with `detailed` the state of
/// every P, M and G, in Go's exact format.
#[cold]
#[inline(never)]
pub fn schedtrace_print(detailed: bool) {
    let now = nanotime();
    let _ = START.compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
    let start = START.load(Ordering::Relaxed);
    let s = sched.lock.lock();
    let mut w = FdWriter::report(STDERR);
    let ps = &allp().ps;
    let _ = write!(
        w,
        "SCHED {}ms: gomaxprocs={} idleprocs={} threads={} spinningthreads={} needspinning={} idlethreads={} runqueue={}",
        (now - start) / 1_000_000,
        GOMAXPROCS.load(Ordering::Relaxed),
        sched.npidle.load(Ordering::Relaxed),
        s.mcount(),
        sched.nmspinning.load(Ordering::Relaxed),
        sched.needspinning.load(Ordering::Relaxed),
        s.nmidle,
        s.runq.size
    );
    if detailed {
        let _ = writeln!(
            w,
            " gcwaiting={} nmidlelocked={} stopwait={} sysmonwait={}",
            sched.gcwaiting.load(Ordering::Relaxed),
            s.nmidlelocked,
            s.stopwait,
            sched.sysmonwait.load(Ordering::Relaxed)
        );
    }
    for (i, &pp) in ps.iter().enumerate() {
        // SAFETY: Ps stay valid; the fields printed are atomics or read
        // for diagnostics only, racing as Go's schedtrace does.
        unsafe {
            let ring = (*pp).runq.ring_len();
            if detailed {
                let _ = write!(
                    w,
                    "  P{i}: status={} schedtick={} syscalltick=0 m=",
                    (*pp).status.load(Ordering::Relaxed),
                    (*pp).schedtick.load(Ordering::Relaxed)
                );
                write_mid(&mut w, core::ptr::read_volatile(&(*pp).m));
                let _ = writeln!(
                    w,
                    " runqsize={ring} gfreecnt={} timerslen={}",
                    core::ptr::read_volatile(&(*pp).gfreecnt),
                    (*pp).timers.lock().len()
                );
            } else {
                let _ = write!(w, " {}{ring}{}", if i == 0 { "[ " } else { "" }, if i == ps.len() - 1 { " ]" } else { "" });
            }
        }
    }
    if !detailed {
        let _ = write!(w, " schedticks=[ ");
        for &pp in ps {
            // SAFETY: as above.
            let _ = write!(w, "{} ", unsafe { (*pp).schedtick.load(Ordering::Relaxed) });
        }
        let _ = writeln!(w, "]");
        return;
    }
    let mut mp = s.allm;
    while !mp.is_null() {
        // SAFETY: allm is under the lock we hold; the fields are read for
        // diagnostics, racing as Go's do.
        unsafe {
            let _ = write!(w, "  M{}: p=", (*mp).id);
            let pp = core::ptr::read_volatile(&(*mp).p);
            if pp.is_null() {
                let _ = write!(w, "nil");
            } else {
                let _ = write!(w, "{}", (*pp).id);
            }
            let _ = write!(w, " curg=");
            write_goid(&mut w, core::ptr::read_volatile(&(*mp).curg));
            let _ = write!(
                w,
                " mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning={} blocked={} lockedg=",
                core::ptr::read_volatile(&(*mp).spinning),
                (*mp).blocked.load(Ordering::Relaxed)
            );
            write_goid(&mut w, core::ptr::read_volatile(&(*mp).lockedg));
            let _ = writeln!(w);
            mp = (*mp).alllink;
        }
    }
    crate::proc::for_each_g(|gp| {
        // SAFETY: for_each_g holds the allgs lock, so gp is not freed
        // meanwhile; fields read for diagnostics.
        unsafe {
            let status = (*gp).atomicstatus.load(Ordering::Relaxed);
            let reason = if status == Gstatus::Waiting as u32 { (*gp).waitreason.as_str() } else { "" };
            let _ = write!(w, "  G{}: status={status}({reason}) m=", (*gp).goid);
            write_mid(&mut w, core::ptr::read_volatile(&(*gp).m));
            let _ = write!(w, " lockedm=");
            write_mid(&mut w, core::ptr::read_volatile(&(*gp).lockedm));
            let _ = writeln!(w);
        }
    });
}

fn write_mid(w: &mut FdWriter, mp: *mut M) {
    if mp.is_null() {
        let _ = write!(w, "nil");
    } else {
        // SAFETY: Ms are freed only after their thread exits and they left allm.
        let _ = write!(w, "{}", unsafe { (*mp).id });
    }
}

fn write_goid(w: &mut FdWriter, gp: *mut G) {
    if gp.is_null() {
        let _ = write!(w, "nil");
    } else {
        // SAFETY: a G's memory stays mapped even once freed (stacks are
        // pooled, never unmapped); the goid is read for diagnostics.
        let _ = write!(w, "{}", unsafe { (*gp).goid });
    }
}
