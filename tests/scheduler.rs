//! Goroutines on the G-M-P scheduler, seen from outside: each program
//! tests one behaviour; the checks are exact output and exit status.

mod common;
use common::*;
use std::time::{Duration, Instant};

#[test]
fn goargs_prints_169_and_exits_after_main_sleeps() {
    let start = Instant::now();
    let o = run(&mut cmd(&bin!("goargs"), &[], &[]));
    expect(&o, "169\n", "", 0);
    assert!(start.elapsed() >= Duration::from_secs(1), "main sleeps a second");
}

#[test]
fn a_goroutine_that_ran_10ms_yields_at_its_next_go() {
    let start = Instant::now();
    let o = run(&mut cmd(&bin!("preempt"), &[], &[("GOMAXPROCS", "1")]));
    expect(&o, "main ran\n", "", 0);
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
}

#[test]
fn a_spawner_that_fills_its_ring_lets_the_queued_goroutines_run() {
    // 100,000 goroutines spawned back to back on one P: without the yield
    // at a full ring they would all be queued (about 6 GiB of stacks
    // reserved); with it at most a ring's worth exist at once.
    let o = run(&mut cmd(&bin!("spawnbound"), &[], &[("GOMAXPROCS", "1")]));
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let mib: u64 = out.trim().strip_prefix("sum=100000 stacks_mib=").and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{out}"));
    assert!(mib <= 48, "{mib} MiB of stacks in use: {out}");
}

#[test]
fn go_closures_arrive_intact_and_drop_once() {
    for procs in ["1", "2"] {
        let o = run(&mut cmd(&bin!("closures"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "captures arrived: true\ndropped once each: true true\n", "", 0);
    }
}

#[test]
fn deadlock_is_fatal_and_lists_the_blocked_goroutines() {
    let o = run(&mut cmd(&bin!("deadlock"), &[], &[]));
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(err.starts_with("fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [sync.WaitGroup.Wait]:\n"), "{err}");
    // The other goroutine's id is not fixed; its header is.
    let other = err.lines().filter(|l| l.starts_with("goroutine ") && l.ends_with(" [select (no cases)]:")).count();
    assert_eq!(other, 1, "{err}");
    // GOTRACEBACK=none: the message alone.
    let o = run(&mut cmd(&bin!("deadlock"), &[], &[("GOTRACEBACK", "none")]));
    expect(&o, "", "fatal error: all goroutines are asleep - deadlock!\n", 2);
}

#[test]
fn main_returning_ends_the_process_whatever_others_do() {
    for procs in ["1", "2", "4"] {
        let start = Instant::now();
        let o = run(&mut cmd(&bin!("mainexit"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "main returns\n", "", 0);
        assert!(start.elapsed() < Duration::from_secs(5), "GOMAXPROCS={procs}: took {:?}", start.elapsed());
    }
}

#[test]
fn stress_checksum_under_many_gomaxprocs() {
    for procs in ["1", "2", "8", "64"] {
        let o = run(&mut cmd(&bin!("stress"), &["300", "20"], &[("GOMAXPROCS", procs)]));
        expect(&o, "sum=ok goroutines=1\n", "", 0);
    }
}

#[test]
fn a_hundred_thousand_goroutines_parked_then_all_woken() {
    let o = run(&mut cmd(&bin!("parkwake"), &["100000"], &[]));
    expect(&o, "parked=100000 woken=100000\n", "", 0);
}

#[test]
#[ignore = "slow: make test-slow"]
fn a_million_goroutines_parked_at_once() {
    let o = run(&mut cmd(&bin!("parkwake"), &["1000000"], &[]));
    expect(&o, "parked=1000000 woken=1000000\n", "", 0);
}

#[test]
#[ignore = "slow: make test-slow"]
fn a_million_goroutines_spawned_and_completed() {
    let o = run(&mut cmd(&bin!("stress"), &["50000", "20"], &[]));
    expect(&o, "sum=ok goroutines=1\n", "", 0);
}

#[test]
fn lock_os_thread_keeps_a_goroutine_on_its_thread() {
    for procs in ["1", "2", "4"] {
        let o = run(&mut cmd(&bin!("lockthread"), &[], &[("GOMAXPROCS", procs)]));
        expect(
            &o,
            "main on main thread: true\nlocked goroutine kept its thread: true\nmain still on main thread: true\n",
            "",
            0,
        );
    }
}

#[test]
fn gomaxprocs_changes_under_load() {
    let o = run(&mut cmd(&bin!("maxprocs"), &[], &[("GOMAXPROCS", "2")]));
    expect(
        &o,
        "was 2 now 1\nwas 1 now 4\nwas 4 now 3\nwas 3 now 8\nwas 8 now 2\nsum ok: true\nquery: 2\n",
        "",
        0,
    );
}

#[test]
fn concurrent_gomaxprocs_calls_take_turns() {
    for procs in ["2", "4"] {
        for _ in 0..5 {
            let o = run(&mut cmd(&bin!("concmax"), &[], &[("GOMAXPROCS", procs)]));
            expect(&o, "done gomaxprocs=3\n", "", 0);
        }
    }
}

#[test]
fn thread_count_stays_near_gomaxprocs() {
    for procs in [1, 2, 8] {
        let o = run(&mut cmd(&bin!("threads"), &[], &[("GOMAXPROCS", &procs.to_string())]));
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let out = stdout(&o);
        let max: u32 = out.trim().rsplit('=').next().unwrap().parse().unwrap();
        assert!(out.starts_with(&format!("gomaxprocs={procs} ")), "{out}");
        // One M per P, sysmon, the timer waiter, and one in passing.
        assert!(max <= procs + 3, "GOMAXPROCS={procs}: {max} threads");
    }
}

#[test]
fn sleeping_uses_no_cpu() {
    let o = run(&mut cmd(&bin!("sleepcpu"), &[], &[]));
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let field = |k: &str| -> u64 { out.split(&format!("{k}=")).nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap() };
    assert!(field("slept_ms") >= 200, "{out}");
    // Clock ticks are 10 ms: under 20 ms of CPU for 200 ms of sleeping.
    assert!(field("cpu_ticks") < 2, "{out}");
}

#[test]
fn exceeding_the_thread_limit_is_fatal() {
    let o = run(&mut cmd(&bin!("threadlimit"), &[], &[]));
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(err.starts_with("runtime: program exceeds 5-thread limit\nfatal error: thread exhaustion\n"), "{err}");
}

#[test]
fn schedtrace_prints_gos_sched_lines() {
    let o = run(&mut cmd(&bin!("goargs"), &[], &[("GODEBUG", "schedtrace=100")]));
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "169\n");
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.len() >= 5, "a line every 100 ms for a second:\n{err}");
    for l in &lines {
        assert!(l.starts_with("SCHED ") && l.contains("ms: gomaxprocs="), "{l}");
        for key in ["idleprocs=", "threads=", "spinningthreads=", "needspinning=", "idlethreads=", "runqueue="] {
            assert!(l.contains(&format!(" {key}")), "{key} in {l}");
        }
        assert!(l.contains(" [ ") && l.contains(" ] schedticks=[ ") && l.ends_with(" ]"), "{l}");
    }
    assert!(lines[0].starts_with("SCHED 0ms: "), "{err}");
}

#[test]
fn scheddetail_prints_every_p_m_and_g() {
    let o = run(&mut cmd(&bin!("goargs"), &[], &[("GODEBUG", "schedtrace=300,scheddetail=1"), ("GOMAXPROCS", "2")]));
    assert_eq!(code(&o), 0);
    let err = stderr(&o);
    assert!(err.contains(" gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait="), "{err}");
    assert!(err.contains("\n  P0: status="), "{err}");
    assert!(err.contains("\n  P1: status="), "{err}");
    assert!(err.contains("\n  M0: p="), "{err}");
    assert!(err.contains(" mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning="), "{err}");
    assert!(err.contains("\n  G1: status=4(sleep) m=nil lockedm=nil\n"), "main sleeps:\n{err}");
}

#[test]
fn idle_free_stacks_give_their_pages_back() {
    for procs in ["1", "2"] {
        let o = run(&mut cmd(&bin!("stackrelease"), &[], &[("GOMAXPROCS", procs)]));
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let out = stdout(&o);
        let field = |k: &str| -> u64 { out.split(&format!("{k}=")).nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap() };
        // 4000 stacks with 32 KiB dirty each: over 100 MiB while they live.
        assert!(field("after") > 100, "{out}");
        // Each P keeps up to 64 warm; sysmon frees the rest.
        assert!(field("later") < 16, "{out}");
    }
}
