//! The seed programs, run from outside: exact output and exit status.

mod common;
use common::*;

#[test]
fn hello() {
    let o = run(&mut cmd(&bin!("hello"), &[], &[]));
    expect(&o, "hello, world\n", "", 0);
}

#[test]
fn initorder_is_gos_order() {
    // Go's builtin println writes to stderr, and so does the program.
    let o = run(&mut cmd(&bin!("initorder"), &[], &[]));
    expect(&o, "", "sum.init\nmain.init.2\nmain.init.1\ntest.init\n6\n", 0);
}

#[test]
fn echoargs_prints_argc_and_each_argument() {
    let p = bin!("echoargs");
    let o = run(&mut cmd(&p, &["a", "two words", ""], &[]));
    expect(&o, &format!("4\n{}\na\ntwo words\n\n", p.display()), "", 0);
}

#[test]
fn echoargs_prints_the_variable_echo_env_names() {
    let p = bin!("echoargs");
    let o = run(&mut cmd(&p, &[], &[("ECHO_ENV", "GREETING"), ("GREETING", "hi=there")]));
    expect(&o, &format!("1\n{}\nhi=there\n", p.display()), "", 0);
    // Named but unset: an empty line.
    let o = run(&mut cmd(&p, &[], &[("ECHO_ENV", "NOPE")]));
    expect(&o, &format!("1\n{}\n\n", p.display()), "", 0);
}

#[test]
fn echoargs_exit_status() {
    let p = bin!("echoargs");
    for (n, want) in [("0", 0), ("3", 3), ("255", 255), ("256", 0), ("-1", 255)] {
        let o = run(&mut cmd(&p, &["--exit", n], &[]));
        assert_eq!(code(&o), want, "--exit {n}");
        assert_eq!(stdout(&o), format!("3\n{}\n--exit\n{n}\n", p.display()));
    }
    for bad in [&["--exit"][..], &["--exit", "x"], &["--exit", "1e3"]] {
        let o = run(&mut cmd(&p, bad, &[]));
        assert_eq!(code(&o), 2, "{bad:?}");
        assert_eq!(stderr(&o), "echoargs: --exit needs a number\n");
    }
}

#[test]
fn inittrace_prints_one_line_per_package_in_gos_format() {
    let o = run(&mut cmd(&bin!("initorder"), &[], &[("GODEBUG", "inittrace=1")]));
    assert_eq!(code(&o), 0);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 7, "{err}");
    assert_eq!(lines[0], "sum.init");
    check_inittrace_line(lines[1], "lib");
    assert_eq!(&lines[2..5], ["main.init.2", "main.init.1", "test.init"]);
    check_inittrace_line(lines[5], "main");
    assert_eq!(lines[6], "6");
}

/// `init PKG @T ms, D ms clock, B bytes, N allocs`, numbers as Go's fmtNSAsMS.
fn check_inittrace_line(line: &str, pkg: &str) {
    let rest = line.strip_prefix(&format!("init {pkg} @")).unwrap_or_else(|| panic!("{line:?}"));
    let (t, rest) = rest.split_once(" ms, ").unwrap_or_else(|| panic!("{line:?}"));
    let (d, rest) = rest.split_once(" ms clock, ").unwrap_or_else(|| panic!("{line:?}"));
    let (b, rest) = rest.split_once(" bytes, ").unwrap_or_else(|| panic!("{line:?}"));
    let n = rest.strip_suffix(" allocs").unwrap_or_else(|| panic!("{line:?}"));
    for ms in [t, d] {
        let ok = ms == "0"
            || ms.chars().all(|c| c.is_ascii_digit())
            || (ms.contains('.') && ms.replace('.', "").chars().all(|c| c.is_ascii_digit()) && ms.split('.').nth(1).unwrap().len() <= 3);
        assert!(ok, "not a fmtNSAsMS number: {ms:?} in {line:?}");
    }
    b.parse::<u64>().unwrap_or_else(|_| panic!("bytes in {line:?}"));
    n.parse::<u64>().unwrap_or_else(|_| panic!("allocs in {line:?}"));
}

#[test]
fn inittrace_counts_the_allocations_of_init() {
    let o = run(&mut cmd(&bin!("initalloc"), &[], &[("GODEBUG", "inittrace=1")]));
    assert_eq!(code(&o), 0);
    let err = stderr(&o);
    // Exactly one line: main has no init functions, and what main() itself
    // allocates is not init's.
    assert_eq!(err.lines().count(), 1, "{err}");
    check_inittrace_line(err.trim_end(), "heap");
    assert!(err.ends_with(" ms clock, 128 bytes, 2 allocs\n"), "{err}");
}

#[test]
fn an_import_cycle_is_fatal_before_any_init_runs() {
    let o = run(&mut cmd(&bin!("initcycle"), &[], &[]));
    // A fatal error lists the goroutines with their frames;
    // GOTRACEBACK=none leaves the message alone.
    expect_report(&o, "runtime: import cycle: a -> b -> c -> a\nfatal error: initialization cycle\n\ngoroutine 1 [running, locked to thread]:\n", 2);
    let o = run(&mut cmd(&bin!("initcycle"), &[], &[("GOTRACEBACK", "none")]));
    expect(&o, "", "runtime: import cycle: a -> b -> c -> a\nfatal error: initialization cycle\n", 2);
}

#[test]
fn boottrace_shows_every_step_in_order() {
    let o = run(&mut cmd(&bin!("hello"), &[], &[("GODEBUG", "boottrace=1")]));
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "hello, world\n");
    let err = stderr(&o);
    let steps = [
        "boot: _rt0_amd64_linux: entry sp=0x",
        "boot: rt0_go: g0 stack=[0x",
        "boot: args: argc=1 argv=0x",
        "boot: osinit: ncpu=",
        "boot: schedinit: maxmcount=10000",
        "boot: schedinit: stackinit:",
        "boot: schedinit: mallocinit:",
        "boot: schedinit: mcommoninit: m0.id=0",
        "boot: schedinit: goargs: 1 args; goenvs: 1 variables",
        "boot: schedinit: GODEBUG: inittrace=0 boottrace=1; GOTRACEBACK: level=1 all=false crash=false",
        "boot: schedinit: checkfds:",
        "boot: schedinit: GOMAXPROCS=",
        "boot: procresize: ",
        "boot: newproc: goroutine 1 stack=[0x",
        "boot: mstart: m0 tid=",
        "boot: schedule: execute goroutine 1 (inheritTime=true) -> gogo sp=0x",
        "boot: runtime_main: goroutine 1 on m0",
        "boot: runtime_main: main_main",
    ];
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), steps.len(), "{err}");
    for (line, step) in lines.iter().zip(steps) {
        assert!(line.starts_with(step), "expected {step:?}, got {line:?}");
    }
    // The values are real: g0 is where %fs:-8 points, and main's stack is
    // not the kernel's.
    let rt0 = lines[1];
    let field = |name: &str| rt0.split(&format!("{name}=")).nth(1).unwrap().split(' ').next().unwrap().to_string();
    assert_eq!(field("&g0"), field("%fs:-8"), "{rt0}");
}
