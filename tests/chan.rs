//! Channels, seen from outside: exact output and exit status.

mod common;
use common::*;

#[test]
fn ping_pong_under_several_gomaxprocs() {
    for procs in ["1", "2", "8"] {
        let o = run(&mut cmd(&bin!("pingpong"), &["20000"], &[("GOMAXPROCS", procs)]));
        expect(&o, "rounds=20000 last=20000\n", "", 0);
    }
}

#[test]
fn producers_and_consumers_lose_nothing() {
    for procs in ["1", "2", "8"] {
        for cap in ["0", "1", "64"] {
            let o = run(&mut cmd(&bin!("prodcons"), &[cap], &[("GOMAXPROCS", procs)]));
            expect(&o, "sum=ok\n", "", 0);
        }
    }
}

#[test]
fn close_drains_then_reports_closed_and_wakes_receivers() {
    let o = run(&mut cmd(&bin!("chanclose"), &[], &[]));
    expect(
        &o,
        "len=3 cap=3\ndrained [1, 2, 3], then None None\n\
         parked receiver woke with None\nparked receiver woke with None\nparked receiver woke with None\n",
        "",
        0,
    );
}

#[test]
fn send_on_closed_channel_panics() {
    let o = run(&mut cmd(&bin!("chanclose"), &["send"], &[]));
    expect_report(&o, "panic: send on closed channel\n\ngoroutine 1 [running]:\n", 2);
}

#[test]
fn close_of_closed_channel_panics() {
    let o = run(&mut cmd(&bin!("chanclose"), &["close"], &[]));
    expect_report(&o, "panic: close of closed channel\n\ngoroutine 1 [running]:\n", 2);
}

#[test]
fn values_are_dropped_exactly_once() {
    let o = run(&mut cmd(&bin!("chandrop"), &[], &[]));
    expect(&o, "created=15 dropped=15\n", "", 0);
}

#[test]
fn deadlock_lists_chan_receive_and_chan_send() {
    let o = run(&mut cmd(&bin!("chandeadlock"), &[], &[]));
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\n"), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("goroutine ") && l.ends_with(" [chan send]:")).count(), 1, "{err}");
}

#[test]
fn a_blocked_receiver_is_no_deadlock_while_main_sleeps() {
    let o = run(&mut cmd(&bin!("chanwait"), &[], &[]));
    expect(&o, "main done\n", "", 0);
}

#[test]
fn select_picks_among_ready_cases_uniformly() {
    for procs in ["1", "2"] {
        let o = run(&mut cmd(&bin!("selectfair"), &[], &[("GOMAXPROCS", procs)]));
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let out = stdout(&o);
        let count = |k: &str| -> u32 { out.split(&format!("{k}=")).nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap() };
        let (a, b) = (count("a"), count("b"));
        assert_eq!(a + b, 10_000, "{out}");
        assert!((4000..=6000).contains(&a), "each 40-60%: {out}");
    }
}

#[test]
fn select_parks_on_all_cases_and_the_first_partner_wins() {
    for procs in ["1", "2"] {
        let o = run(&mut cmd(&bin!("selectwait"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "b Some(5)\nc got Some(8)\ndefault\nclosed a gives None\n", "", 0);
    }
}

#[test]
fn select_sending_on_a_closed_channel_panics() {
    let o = run(&mut cmd(&bin!("selectwait"), &["send"], &[]));
    expect_report(&o, "panic: send on closed channel\n\ngoroutine 1 [running]:\n", 2);
}

#[test]
fn a_select_nothing_can_satisfy_is_a_deadlock() {
    let o = run(&mut cmd(&bin!("selectwait"), &["deadlock"], &[]));
    expect_report(&o, "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [select]:\n", 2);
}

#[test]
fn producers_and_consumers_through_selects() {
    for procs in ["1", "2", "8"] {
        let o = run(&mut cmd(&bin!("selectstress"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "sum=ok\n", "", 0);
    }
}

#[test]
fn select_with_a_channel_twice_survives_partners_racing_its_park() {
    for procs in ["1", "2", "4"] {
        let o = run(&mut cmd(&bin!("selectdup"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "received=200000\n", "", 0);
    }
}

#[test]
fn a_ping_pong_pair_does_not_starve_its_p() {
    for procs in ["1", "2"] {
        let start = std::time::Instant::now();
        let o = run(&mut cmd(&bin!("chanstarve"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "main ran\n", "", 0);
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "{:?}", start.elapsed());
    }
}
