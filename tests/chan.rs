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
    expect(&o, "", "panic: send on closed channel\n\ngoroutine 1 [running]:\n", 2);
}

#[test]
fn close_of_closed_channel_panics() {
    let o = run(&mut cmd(&bin!("chanclose"), &["close"], &[]));
    expect(&o, "", "panic: close of closed channel\n\ngoroutine 1 [running]:\n", 2);
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
