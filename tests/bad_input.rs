//! Hostile start-up conditions, each with Go's behaviour: no crash, no
//! hang, no message where Go prints none.

mod common;
use common::*;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

#[test]
fn a_hundred_thousand_arguments() {
    let p = bin!("echoargs");
    let args: Vec<String> = (0..100_000).map(|i| format!("a{i}")).collect();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(&mut cmd(&p, &refs, &[]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut want = format!("100001\n{}\n", p.display());
    for a in &args {
        want += a;
        want.push('\n');
    }
    assert!(stdout(&o) == want, "stdout differs ({} vs {} bytes)", o.stdout.len(), want.len());
}

/// Linux caps one argument or variable at 128 KiB (MAX_ARG_STRLEN,
/// counting its NUL) and refuses longer ones with E2BIG before the
/// program exists. The longest it accepts works, and so does a full
/// mebibyte spread over several arguments.
#[test]
fn a_mebibyte_of_arguments() {
    let p = bin!("echoargs");
    let longest = "x".repeat(128 * 1024 - 1);
    let o = run(&mut cmd(&p, &[&longest], &[]));
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), format!("2\n{}\n{longest}\n", p.display()));

    let chunks: Vec<String> = (0..8).map(|i| char::from(b'a' + i).to_string().repeat(128 * 1024 - 1)).collect();
    let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
    let o = run(&mut cmd(&p, &refs, &[]));
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), format!("9\n{}\n{}\n", p.display(), chunks.join("\n")));

    let mib = "y".repeat(1 << 20);
    let err = cmd(&p, &[&mib], &[]).output().expect_err("the kernel refuses a 1 MiB argument");
    assert_eq!(err.raw_os_error(), Some(7), "E2BIG: {err}");
}

#[test]
fn fifty_thousand_environment_variables() {
    let p = bin!("echoargs");
    let vars: Vec<(String, String)> = (0..50_000).map(|i| (format!("V{i}"), format!("value{i}"))).collect();
    let mut c = cmd(&p, &[], &[("ECHO_ENV", "V49999")]);
    c.envs(vars.iter().map(|(k, v)| (k, v)));
    let o = run(&mut c);
    expect(&o, &format!("1\n{}\nvalue49999\n", p.display()), "", 0);
}

#[test]
fn an_empty_environment() {
    let p = bin!("echoargs");
    let o = run(&mut cmd(&p, &["x"], &[]));
    expect(&o, &format!("2\n{}\nx\n", p.display()), "", 0);
    let o = run(&mut cmd(&bin!("hello"), &[], &[]));
    expect(&o, "hello, world\n", "", 0);
}

#[test]
fn bytes_that_are_not_utf8_pass_through() {
    let p = bin!("echoargs");
    let arg = OsStr::from_bytes(b"\xff\xfe\x80 \xc3\x28");
    let val = OsStr::from_bytes(b"\xe2\x28\xa1=\xf0");
    let mut c = cmd(&p, &[], &[("ECHO_ENV", "BAD")]);
    c.arg(arg).env("BAD", val).env(OsStr::from_bytes(b"\xff\xff"), "junk");
    let o = run(&mut c);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut want = format!("2\n{}\n", p.display()).into_bytes();
    want.extend_from_slice(b"\xff\xfe\x80 \xc3\x28\n\xe2\x28\xa1=\xf0\n");
    assert_eq!(o.stdout, want);
    assert_eq!(stderr(&o), "");
}

/// The number of Ps, read from GODEBUG=boottrace=1's procresize line.
fn procs(gomaxprocs: Option<&str>) -> u32 {
    let mut env = vec![("GODEBUG", "boottrace=1")];
    if let Some(v) = gomaxprocs {
        env.push(("GOMAXPROCS", v));
    }
    let o = run(&mut cmd(&bin!("hello"), &[], &env));
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "hello, world\n");
    let err = stderr(&o);
    assert!(err.lines().all(|l| l.starts_with("boot: ")), "nothing but the trace:\n{err}");
    let line = err.lines().find(|l| l.starts_with("boot: procresize: ")).expect("procresize line");
    line["boot: procresize: ".len()..].split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn gomaxprocs_values_go_ignores_give_the_default_silently() {
    let ncpu = procs(None);
    assert!(ncpu >= 1);
    for bad in ["0", "-1", "abc", " 2", "2x", "99999999999", "", "0x4", "1_0"] {
        assert_eq!(procs(Some(bad)), ncpu, "GOMAXPROCS={bad:?}");
    }
}

#[test]
fn gomaxprocs_valid_values_give_exactly_that_many_ps() {
    for (v, n) in [("1", 1), ("3", 3), ("+4", 4), ("1024", 1024)] {
        assert_eq!(procs(Some(v)), n, "GOMAXPROCS={v}");
    }
}

#[test]
fn godebug_garbage_is_ignored_silently() {
    for junk in [",,,", "=", "inittrace", "inittrace=", "inittrace=yes", "x=1,y", "boottrace=1x", "\u{7f}=\u{1}", "inittrace=1=1"] {
        let o = run(&mut cmd(&bin!("hello"), &[], &[("GODEBUG", junk)]));
        expect(&o, "hello, world\n", "", 0);
    }
    let mut c = cmd(&bin!("hello"), &[], &[]);
    c.env("GODEBUG", OsStr::from_bytes(b"\xff\xfe=\x80,inittrace=\xff"));
    expect(&run(&mut c), "hello, world\n", "", 0);
}

#[test]
fn gotraceback_garbage_is_ignored_silently() {
    for junk in ["", "bogus", "-1", "99999999999", "system,crash"] {
        let o = run(&mut cmd(&bin!("hello"), &[], &[("GOTRACEBACK", junk)]));
        expect(&o, "hello, world\n", "", 0);
    }
}
