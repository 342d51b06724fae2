//! How a gort program dies, seen from outside: Go's texts on stderr, Go's
//! exit codes and signals. Shapes and prefixes only: never addresses,
//! offsets, or goroutine ids other than 1.

mod common;
use common::*;

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Lines of a report, for shape checks.
fn lines(err: &str) -> Vec<&str> {
    err.lines().collect()
}

/// A frame's location line: a tab, a path, `:line`, maybe ` +0x..`.
fn is_location(l: &str) -> bool {
    l.starts_with('\t') && l.contains(".rs:")
}

#[test]
fn panic_in_main() {
    let o = run(&mut cmd(&bin!("panicmain"), &[], &[]));
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("panic: boom\n\tsecond line\n\ngoroutine 1 [running]:\npanicmain::main(...)\n"), "{err}");
    let l = lines(&err);
    assert!(is_location(l[5]) && l[5].contains("tests/testprog/panicmain.rs:10 +0x"), "{err}");
    // The runtime's frames are hidden at the default level.
    assert!(!err.contains("gort::") && !err.contains("runtime_main") && !err.contains("goexit"), "{err}");
}

#[test]
fn panic_in_a_goroutine_exits_at_once_with_created_by() {
    let start = Instant::now();
    let o = run(&mut cmd(&bin!("panicgo"), &[], &[]));
    let took = start.elapsed();
    assert_eq!(code(&o), 2);
    assert!(took < Duration::from_millis(800), "waited for main: {took:?}");
    let err = stderr(&o);
    assert!(err.starts_with("panic: boom in a goroutine\n\ngoroutine "), "{err}");
    assert!(err.contains("\npanicgo::main::{{closure}}(...)\n\t"), "{err}");
    assert!(err.contains("\ncreated by panicgo::main in goroutine 1\n\t"), "{err}");
    assert!(err.contains("tests/testprog/panicgo.rs:9 +0x"), "{err}");
    assert_eq!(stdout(&o), "", "main never woke");
}

#[test]
fn panic_while_printing_a_panic_value_throws() {
    // Go's preprintpanics: a throw with the second panic's message, so
    // level 2 (gp= in the header) whatever GOTRACEBACK says.
    let o = run(&mut cmd(&bin!("panicnested"), &[], &[]));
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("fatal error: panic while printing panic value: second\n\ngoroutine 1 gp=0x"), "{err}");
    assert!(err.contains("\n<panicnested::Bad as core::fmt::Display>::fmt(...)\n"), "{err}");
    assert!(err.contains("\npanicnested::main(...)\n"), "{err}");
    assert!(!err.contains("panic: first"), "{err}");
}

#[test]
fn a_failure_inside_a_report_is_panic_during_panic() {
    // Formatting the message faults: the report fails, and says so with
    // the goroutine's frames by pc alone.
    let o = run(&mut cmd(&bin!("panicfault"), &[], &[]));
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("panic during panic\n\ngoroutine 1 [running]:\n?(...)\n\t?:0 pc=0x"), "{err}");
    let l = lines(&err);
    let by_pc = |f: &[&str]| f[0] == "?(...)" && f.get(1).is_none_or(|p| p.starts_with("\t?:0 pc=0x"));
    assert!(l[3..].chunks(2).all(by_pc), "{err}");
    assert!(l.len() > 5, "more than one frame: {err}");
}

#[test]
fn a_report_to_a_broken_stderr_still_exits_2() {
    // Go's runtime print drops EPIPE: only os.File writes die of SIGPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let st = cmd(&bin!("panicmain"), &[], &[]).stderr(writer).status().unwrap();
    assert_eq!(st.code(), Some(2), "{st:?}");
}

#[test]
fn a_stripped_program_still_shows_its_frames() {
    // No symbols: every frame is `?`, and counts as the program's.
    let stripped = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("panicgo.stripped");
    tool("strip", &[std::ffi::OsStr::new("-o"), stripped.as_os_str(), bin!("panicgo").as_os_str()]);
    let o = run(&mut cmd(&stripped, &[], &[]));
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("panic: boom in a goroutine\n\ngoroutine "), "{err}");
    assert!(err.contains(" [running]:\n?(...)\n\t?:0 pc=0x"), "{err}");
    assert!(err.contains("\ncreated by ? in goroutine 1\n\t?:0 pc=0x"), "{err}");
}

#[test]
fn nil_pointer_read() {
    let o = run(&mut cmd(&bin!("nilptr"), &[], &[]));
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    let l = lines(&err);
    assert_eq!(l[0], "panic: runtime error: invalid memory address or nil pointer dereference", "{err}");
    assert!(l[1].starts_with("[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x") && l[1].ends_with(']'), "{err}");
    assert_eq!(l[2..4], ["", "goroutine 1 [running]:"], "{err}");
    // The innermost frame of the program's own is the faulting line.
    let main = l.iter().position(|l| *l == "nilptr::main(...)").expect(&err);
    assert!(l[main + 1].contains("tests/testprog/nilptr.rs:11 +0x"), "{err}");
    assert_eq!(stdout(&o), "");
}

/// Go's stack overflow report: the limit, sp and bounds, `fatal error:
/// stack overflow`, the runtime stack, then the goroutine with every
/// frame (elided in the middle).
fn check_overflow(args: &[&str], limit: usize) {
    let o = run(&mut cmd(&bin!("overflow"), args, &[]));
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    let l = lines(&err);
    assert_eq!(l[0], format!("runtime: goroutine stack exceeds {limit}-byte limit"), "{err}");
    assert!(l[1].starts_with("runtime: sp=0x") && l[1].contains(" stack=[0x"), "{err}");
    assert_eq!(l[2..5], ["fatal error: stack overflow", "", "runtime stack:"], "{err}");
    let header = l.iter().find(|l| l.starts_with("goroutine ") && l.ends_with(" [running]:")).expect(&err);
    assert!(header.contains(" gp=0x") && header.contains(" m="), "{err}");
    assert!(err.contains("\noverflow::recurse(...)\n\t"), "{err}");
    assert!(l.iter().any(|l| l.starts_with("...") && l.ends_with(" frames elided...")), "{err}");
}

#[test]
fn unbounded_recursion_in_main() {
    check_overflow(&[], (1 << 20) - 192);
}

#[test]
fn unbounded_recursion_in_a_goroutine() {
    check_overflow(&["go"], (64 << 10) - 192);
}

/// Starts the sleeper and waits until it runs.
fn sleeper(ms: &str) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut child = cmd(&bin!("sleeper"), &[ms], &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sleeper");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    (child, out)
}

fn kill(child: &Child, sig: &str) {
    let st = std::process::Command::new("kill").args([&format!("-{sig}"), &child.id().to_string()]).status().unwrap();
    assert!(st.success());
}

#[test]
fn sigquit_dumps_every_goroutine_and_the_registers() {
    let (child, _out) = sleeper("10000");
    std::thread::sleep(Duration::from_millis(100));
    kill(&child, "QUIT");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = stderr(&o);
    let l = lines(&err);
    assert_eq!(l[0], "SIGQUIT: quit", "{err}");
    assert!(l[1].starts_with("PC=0x") && l[1].contains(" m=") && l[1].ends_with(" sigcode=0"), "{err}");
    let g1 = l.iter().find(|l| l.starts_with("goroutine 1 ")).expect(&err);
    assert!(g1.starts_with("goroutine 1 gp=0x") && g1.ends_with(" [sleep]:"), "{err}");
    assert!(err.contains("\nsleeper::main(...)\n\t"), "{err}");
    for r in ["rax    0x", "rbx    0x", "rsp    0x", "r8     0x", "r15    0x", "rip    0x", "rflags 0x", "cs     0x", "gs     0x"] {
        assert!(l.iter().any(|l| l.starts_with(r)), "{r}: {err}");
    }
}

#[test]
fn a_fault_signal_sent_by_a_user_dumps_like_sigquit() {
    // Not a panic (si_code SI_USER), but SIGSEGV's flags say throw.
    for (name, line) in [
        ("SEGV", "SIGSEGV: segmentation violation"),
        ("BUS", "SIGBUS: bus error"),
        ("FPE", "SIGFPE: floating-point exception"),
    ] {
        let (child, _out) = sleeper("10000");
        kill(&child, name);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(2), "SIG{name}: {o:?}");
        let err = stderr(&o);
        let l = lines(&err);
        assert_eq!(l[0], line, "{err}");
        assert!(l[1].starts_with("PC=0x") && l[1].contains(" m=") && l[1].contains(" sigcode=0"), "{err}");
        assert!(err.contains("\nsleeper::main(...)\n\t") && l.iter().any(|l| l.starts_with("rip    0x")), "{err}");
    }
}

#[test]
fn sigint_sigterm_sighup_kill_by_that_signal() {
    for (name, num) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        let (child, _out) = sleeper("10000");
        kill(&child, name);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.signal(), Some(num), "SIG{name}: {o:?}");
        assert_eq!(stderr(&o), "", "SIG{name} prints nothing");
    }
}

#[test]
fn sigusr1_and_friends_are_ignored() {
    let (mut child, mut out) = sleeper("500");
    for sig in ["USR1", "USR2", "URG", "WINCH", "CHLD", "PIPE"] {
        kill(&child, sig);
    }
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "done\n");
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn printing_into_a_closed_pipe_dies_by_sigpipe() {
    let mut child = cmd(&bin!("printforever"), &[], &[]).stdout(Stdio::piped()).spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "y\n");
    drop(out);
    let st = child.wait().unwrap();
    assert_eq!(st.signal(), Some(13), "{st:?}");
}

#[test]
fn gotraceback_levels_on_a_panic() {
    let p = bin!("panicmain");
    let head = "panic: boom\n\tsecond line\n";
    // none: the message alone.
    let o = run(&mut cmd(&p, &[], &[("GOTRACEBACK", "none")]));
    expect(&o, "", head, 2);
    // single (the default) and all: the goroutine, user frames only.
    for v in ["single", "all", "1"] {
        let o = run(&mut cmd(&p, &[], &[("GOTRACEBACK", v)]));
        assert_eq!(code(&o), 2);
        let err = stderr(&o);
        assert!(err.starts_with(&format!("{head}\ngoroutine 1 [running]:\npanicmain::main(...)\n")), "{v}: {err}");
        assert!(!err.contains("runtime_main") && !err.contains(" fp=0x"), "{v}: {err}");
    }
    // system: runtime frames, fp/sp/pc, gp= m= in the header.
    let o = run(&mut cmd(&p, &[], &[("GOTRACEBACK", "system")]));
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with(&format!("{head}\ngoroutine 1 gp=0x")), "{err}");
    assert!(err.contains(" m=0 mp=0x") && err.contains(" [running]:\n"), "{err}");
    assert!(err.contains("\nruntime_main(...)\n") && err.contains("\ngoexit(...)\n") && err.contains(" fp=0x"), "{err}");
    // crash: the same, then SIGABRT.
    let o = run(&mut cmd(&p, &[], &[("GOTRACEBACK", "crash")]));
    assert_eq!(o.status.signal(), Some(6), "{o:?}");
    assert!(stderr(&o).starts_with(&format!("{head}\ngoroutine 1 gp=0x")), "{}", stderr(&o));
}

#[test]
fn gotraceback_all_shows_the_other_goroutines_of_a_panic() {
    // panicgo's goroutine panics while main sleeps: `all` lists main too,
    // `single` does not. One P, so main is asleep before the goroutine
    // runs (with two, main may still be running on the other thread).
    let p = bin!("panicgo");
    let o = run(&mut cmd(&p, &[], &[("GOTRACEBACK", "all"), ("GOMAXPROCS", "1")]));
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("\n\ngoroutine 1 [sleep]:\n") && err.contains("\npanicgo::main(...)\n\t"), "{err}");
    let o = run(&mut cmd(&p, &[], &[("GOTRACEBACK", "single"), ("GOMAXPROCS", "1")]));
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(!err.contains("goroutine 1 [") && !err.contains("\npanicgo::main(...)\n"), "{err}");
}

#[test]
fn a_deadlock_lists_goroutines_with_their_frames() {
    let o = run(&mut cmd(&bin!("deadlock"), &[], &[]));
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [sync.WaitGroup.Wait]:\n"), "{err}");
    assert!(err.contains("\ndeadlock::main(...)\n\t"), "{err}");
    assert!(err.contains("[select (no cases)]:\n") && err.contains("\ncreated by deadlock::main in goroutine 1\n"), "{err}");
}
