//! sync's primitives, seen from outside: exact output and exit status.

mod common;
use common::*;
use std::time::{Duration, Instant};

#[test]
fn mutex_excludes_under_several_gomaxprocs() {
    for procs in ["1", "2", "8"] {
        let o = run(&mut cmd(&bin!("syncmutex"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "count=128000\n", "", 0);
    }
}

#[test]
fn a_starving_waiter_gets_the_mutex() {
    // At GOMAXPROCS=1 the holder would take the mutex back every time
    // without starvation mode (checked: it then runs past 10 s).
    for procs in ["1", "2"] {
        let start = Instant::now();
        let o = run(&mut cmd(&bin!("mutexfair"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "acquired 10 times\n", "", 0);
        assert!(start.elapsed() < Duration::from_secs(5), "GOMAXPROCS={procs}: {:?}", start.elapsed());
    }
}

#[test]
fn once_runs_once_and_everyone_waits_for_it() {
    for procs in ["1", "2"] {
        let o = run(&mut cmd(&bin!("synconce"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "runs=1 saw=100\n", "", 0);
    }
}

#[test]
fn rwlock_readers_never_see_a_torn_write() {
    for procs in ["1", "2", "8"] {
        let o = run(&mut cmd(&bin!("rwlock"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "torn=0 value=400 reads=800\n", "", 0);
    }
}

#[test]
fn negative_waitgroup_counter_panics() {
    let o = run(&mut cmd(&bin!("wgneg"), &[], &[]));
    expect_report(&o, "panic: sync: negative WaitGroup counter\n\ngoroutine 1 [running]:\n", 2);
}
