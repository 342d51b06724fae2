//! Helpers for the tests that spawn gort programs and look at them from
//! outside: exact stdout, stderr and exit status.
#![allow(dead_code)] // each test file uses a different part

use std::ffi::OsStr;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The path of a built program, by name.
#[macro_export]
macro_rules! bin {
    ($name:literal) => {
        std::path::PathBuf::from(env!(concat!("CARGO_BIN_EXE_", $name)))
    };
}

/// A command for `prog` with an empty environment plus `env`, so the
/// tester's own GODEBUG or GOMAXPROCS cannot leak in.
pub fn cmd(prog: &PathBuf, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(prog);
    c.args(args).env_clear().envs(env.iter().copied()).stdin(Stdio::null());
    c
}

/// Runs it to the end and captures everything.
pub fn run(c: &mut Command) -> Output {
    c.output().unwrap_or_else(|e| panic!("spawn {c:?}: {e}"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exit code; panics (with stderr) if it died by a signal.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or_else(|| {
        panic!("killed by signal {:?}; stderr:\n{}", o.status.signal(), stderr(o))
    })
}

/// Asserts stdout, stderr and the exit code all at once, showing all three.
pub fn expect(o: &Output, out: &str, err: &str, status: i32) {
    assert_eq!(
        (stdout(o).as_str(), stderr(o).as_str(), o.status.code()),
        (out, err, Some(status)),
        "(stdout, stderr, exit code)"
    );
}

/// Runs an external tool (gdb, strace, readelf) and returns its stdout;
/// fails with a pointer to `make deps` if it is missing.
pub fn tool<S: AsRef<OsStr>>(name: &str, args: &[S]) -> String {
    let o = Command::new(name)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e} (make deps installs it)"));
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// Asserts a crash report: nothing on stdout, stderr starting with
/// `head` (the frames that follow are the traceback tests' business),
/// and the exit code.
pub fn expect_report(o: &Output, head: &str, status: i32) {
    assert!(
        stdout(o).is_empty() && stderr(o).starts_with(head) && o.status.code() == Some(status),
        "want stderr starting {head:?}, exit {status}; got stdout {:?}, stderr:\n{}\n{:?}",
        stdout(o),
        stderr(o),
        o.status
    );
}
