//! The system calls of a whole run, seen by strace: gort's start-up is its
//! own, with nothing of a libc or a dynamic loader in it.

mod common;
use common::*;

/// strace's log of a run of `prog args`, one call per line, plus the exit.
fn trace(prog: &std::path::Path, args: &[&str], env: &[&str]) -> Vec<String> {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let log = std::env::temp_dir().join(format!("gort-strace-{}-{n}.txt", std::process::id()));
    let mut a: Vec<String> = vec!["-o".into(), log.display().to_string(), "env".into(), "-i".into()];
    a.extend(env.iter().map(|s| s.to_string()));
    a.push(prog.display().to_string());
    a.extend(args.iter().map(|s| s.to_string()));
    let out = tool("strace", &a);
    let text = std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("strace log: {e}\n{out}"));
    let _ = std::fs::remove_file(&log);
    // The log starts with env's own life; ours begins at the execve of prog.
    let lines: Vec<String> = text.lines().map(String::from).collect();
    let start = lines
        .iter()
        .rposition(|l| l.starts_with("execve(") && l.contains(&*prog.display().to_string()))
        .unwrap_or_else(|| panic!("no execve of the program:\n{text}"));
    lines[start..].to_vec()
}

#[test]
fn first_call_sets_fs_and_last_is_exit_group_0() {
    let calls = trace(&bin!("hello"), &[], &[]);
    assert!(calls[0].ends_with("= 0"), "execve succeeded: {}", calls[0]);
    assert!(calls[1].starts_with("arch_prctl(ARCH_SET_FS, 0x"), "first call after execve:\n{}", calls.join("\n"));
    let n = calls.len();
    assert_eq!(calls[n - 2], "exit_group(0)                           = ?", "{}", calls.join("\n"));
    assert_eq!(calls[n - 1], "+++ exited with 0 +++");
}

#[test]
fn nothing_of_a_libc_start_up() {
    let calls = trace(&bin!("hello"), &[], &[]);
    let all = calls.join("\n");
    for libc in ["brk(", "ld.so", "libc.so", "access(", "openat(AT_FDCWD, \"/etc", "set_tid_address(", "set_robust_list(", "rseq(", "prlimit64("] {
        assert!(!all.contains(libc), "{libc} in\n{all}");
    }
    // One thread besides main's: sysmon's M, cloned as Go clones its Ms,
    // with every signal blocked around it.
    let clones: Vec<&String> = calls.iter().filter(|l| l.starts_with("clone(")).collect();
    assert_eq!(clones.len(), 1, "{all}");
    assert!(
        clones[0].contains("flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS"),
        "{all}"
    );
    let i = calls.iter().position(|l| l.starts_with("clone(")).unwrap();
    assert!(calls[i - 1].starts_with("rt_sigprocmask(SIG_SETMASK, ~[]"), "signals blocked across clone:\n{all}");
    assert!(calls[i + 1].starts_with("rt_sigprocmask(SIG_SETMASK, []"), "and restored:\n{all}");
    // m0 gets its signal stack in minit, before it schedules.
    assert!(all.contains("sigaltstack({ss_sp=0x"), "{all}");
    // m0 catches signals as Go does (mstartm0's initsig): one
    // rt_sigaction each, on the signal stack, with the restorer.
    assert!(
        calls.iter().any(|l| l.starts_with("rt_sigaction(SIGSEGV, {sa_handler=0x")
            && l.contains("sa_mask=~[], sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_SIGINFO, sa_restorer=0x")),
        "{all}"
    );
    // A small start-up besides: every call is accounted for in the README.
    let others = calls.iter().filter(|l| !l.starts_with("rt_sigaction(")).count();
    assert!(others <= 25, "{others} calls besides rt_sigaction:\n{all}");
}

#[test]
fn closed_standard_fds_are_reopened_on_dev_null() {
    // sh closes 0, 1 and 2, then execs the program under strace's eye.
    let out = std::env::temp_dir().join(format!("gort-fds-{}.txt", std::process::id()));
    let log = std::env::temp_dir().join(format!("gort-fds-strace-{}.txt", std::process::id()));
    let script = "exec strace -o \"$2\" -e trace=fcntl,open,openat \"$0\" \"$1\" <&- >&- 2>&-";
    let status = std::process::Command::new("sh")
        .args(["-c", script])
        .arg(bin!("fdstat"))
        .arg(&out)
        .arg(&log)
        .status()
        .expect("sh");
    // strace itself holds no std fds then; what the program saw is in $out.
    assert!(status.success(), "{status}");
    let report = std::fs::read_to_string(&out).expect("fdstat's report");
    assert_eq!(report, "0 /dev/null\n1 /dev/null\n2 /dev/null\n");
    let calls = std::fs::read_to_string(&log).expect("strace log");
    for fd in 0..3 {
        assert!(calls.lines().any(|l| l.starts_with(&format!("fcntl({fd}, F_GETFD)")) && l.contains("= -1 EBADF")), "{calls}");
        assert!(
            calls.lines().any(|l| l.contains("\"/dev/null\", O_RDWR") && l.ends_with(&format!(" = {fd}"))),
            "{calls}"
        );
    }
    let _ = (std::fs::remove_file(&out), std::fs::remove_file(&log));
}

#[test]
fn the_clock_is_read_through_the_vdso() {
    // goargs sleeps a second: timers read the clock many times, and never
    // with a system call.
    let calls = trace(&bin!("goargs"), &[], &[]);
    let all = calls.join("\n");
    assert!(!all.contains("clock_gettime"), "{all}");
    assert!(all.contains("futex("), "the idle M sleeps on a futex until the timer:\n{all}");
}
