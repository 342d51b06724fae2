//! Package initialisation: Go's init tasks and doInit.
//!
//! A program declares each of its packages as an `InitTask`: a name, the
//! packages it imports, and its init functions in declaration order
//! (`gort::init!`). runtime_main initialises the runtime's packages, then
//! the program's main package, depth first: a package's imports before
//! the package, each package exactly once, and its functions in order.
//! That is the order Go's linker bakes into its inittask list.
//!
//! Go rejects import cycles at compile time; here the tasks are plain
//! statics, so a cycle is caught when it is walked and is a fatal error.

use core::fmt::Write;
use core::sync::atomic::{AtomicU8, Ordering};

use crate::malloc::INITTRACE;
use crate::panic::fatal;
use crate::print::{FdWriter, STDERR};
use crate::time::nanotime;

const NOT_STARTED: u8 = 0;
const IN_PROGRESS: u8 = 1;
const DONE: u8 = 2;

/// One package's initialisation (Go's initTask).
pub struct InitTask {
    pub name: &'static str,
    pub imports: &'static [&'static InitTask],
    pub fns: &'static [fn()],
    state: AtomicU8,
}

impl InitTask {
    pub const fn new(name: &'static str, imports: &'static [&'static InitTask], fns: &'static [fn()]) -> InitTask {
        InitTask { name, imports, fns, state: AtomicU8::new(NOT_STARTED) }
    }
}

/// Declares a package's init task.
///
/// ```text
/// gort::init!(pub LIB = "lib", imports [], inits [init]);
/// gort::init!(MAIN = "main", imports [&lib::LIB], inits [init_2, init_1, test::init]);
/// ```
#[macro_export]
macro_rules! init {
    ($vis:vis $task:ident = $name:literal, imports [$($imp:expr),* $(,)?], inits [$($f:path),* $(,)?]) => {
        $vis static $task: $crate::InitTask = $crate::InitTask::new($name, &[$($imp),*], &[$($f),*]);
    };
}

/// The tracing state of one run of doInit: when it started.
pub struct Tracer {
    /// runtimeInitTime: nanotime when runtime_main began.
    pub start: i64,
    pub on: bool,
}

/// Go's doInit: initialise `t` and, first, everything it imports.
/// Runs on goroutine 1, locked to m0.
pub fn do_init(t: &'static InitTask, tr: &Tracer) {
    let mut path = Path { tasks: [""; MAX_DEPTH], len: 0 };
    do_init1(t, tr, &mut path);
}

/// Deepest import chain gort follows; deeper is reported as a cycle would be.
const MAX_DEPTH: usize = 64;

/// The chain of packages being initialised, for the cycle message.
struct Path {
    tasks: [&'static str; MAX_DEPTH],
    len: usize,
}

fn do_init1(t: &'static InitTask, tr: &Tracer, path: &mut Path) {
    match t.state.load(Ordering::Acquire) {
        DONE => return,
        IN_PROGRESS => import_cycle(t, path),
        _ => {}
    }
    if path.len == MAX_DEPTH {
        import_cycle(t, path);
    }
    t.state.store(IN_PROGRESS, Ordering::Release);
    path.tasks[path.len] = t.name;
    path.len += 1;
    for imp in t.imports {
        do_init1(imp, tr, path);
    }
    path.len -= 1;

    let (start, allocs, bytes) = if tr.on {
        (nanotime(), INITTRACE.allocs.load(Ordering::Relaxed), INITTRACE.bytes.load(Ordering::Relaxed))
    } else {
        (0, 0, 0)
    };
    for f in t.fns {
        f();
    }
    if tr.on && !t.fns.is_empty() {
        let end = nanotime();
        let mut w = FdWriter::report(STDERR);
        let mut b1 = [0; 24];
        let mut b2 = [0; 24];
        let _ = writeln!(
            w,
            "init {} @{} ms, {} ms clock, {} bytes, {} allocs",
            t.name,
            fmt_ns_as_ms(&mut b1, (start - tr.start) as u64),
            fmt_ns_as_ms(&mut b2, (end - start) as u64),
            INITTRACE.bytes.load(Ordering::Relaxed) - bytes,
            INITTRACE.allocs.load(Ordering::Relaxed) - allocs,
        );
    }
    t.state.store(DONE, Ordering::Release);
}

/// Reports an import cycle: the chain from where it closes, then fatal.
fn import_cycle(t: &InitTask, path: &Path) -> ! {
    let chain = &path.tasks[..path.len];
    let from = chain.iter().position(|&n| n == t.name).unwrap_or(0);
    let mut w = FdWriter::report(STDERR);
    let _ = write!(w, "runtime: import cycle: ");
    for name in &chain[from..] {
        let _ = write!(w, "{name} -> ");
    }
    let _ = writeln!(w, "{}", t.name);
    drop(w);
    fatal("initialization cycle");
}

/// Go's fmtNSAsMS: nanoseconds as milliseconds, whole from 10 ms up,
/// else with two significant digits and at most three decimals.
pub fn fmt_ns_as_ms(buf: &mut [u8; 24], ns: u64) -> &str {
    if ns >= 10_000_000 {
        return itoa_div(buf, ns / 1_000_000, 0);
    }
    let mut x = ns / 1000;
    if x == 0 {
        buf[0] = b'0';
        return "0";
    }
    let mut dec = 3;
    while x >= 100 {
        x /= 10;
        dec -= 1;
    }
    itoa_div(buf, x, dec)
}

/// Go's itoaDiv: `val` in decimal with a point `dec` digits from the right.
fn itoa_div(buf: &mut [u8; 24], mut val: u64, dec: usize) -> &str {
    let mut i = buf.len() - 1;
    let idec = i as isize - dec as isize;
    while val >= 10 || i as isize >= idec {
        buf[i] = (val % 10) as u8 + b'0';
        i -= 1;
        if i as isize == idec {
            buf[i] = b'.';
            i -= 1;
        }
        val /= 10;
    }
    buf[i] = val as u8 + b'0';
    core::str::from_utf8(&buf[i..]).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(ns: u64) -> String {
        fmt_ns_as_ms(&mut [0; 24], ns).to_string()
    }

    #[test]
    fn fmt_ns_as_ms_matches_go() {
        assert_eq!(ms(0), "0");
        assert_eq!(ms(999), "0");
        assert_eq!(ms(8_000), "0.008");
        assert_eq!(ms(12_000), "0.012");
        assert_eq!(ms(100_000), "0.10");
        assert_eq!(ms(1_234_567), "1.2");
        assert_eq!(ms(1_500_000), "1.5");
        assert_eq!(ms(2_800_000), "2.8");
        assert_eq!(ms(9_999_999), "9.9");
        assert_eq!(ms(10_000_000), "10");
        assert_eq!(ms(12_300_000), "12");
        assert_eq!(ms(1_234_000_000), "1234");
    }

    use std::sync::Mutex as StdMutex;
    static LOG: StdMutex<Vec<&'static str>> = StdMutex::new(Vec::new());
    fn a1() { LOG.lock().unwrap().push("a1"); }
    fn a2() { LOG.lock().unwrap().push("a2"); }
    fn b() { LOG.lock().unwrap().push("b"); }
    fn c() { LOG.lock().unwrap().push("c"); }
    fn m() { LOG.lock().unwrap().push("m"); }
    static A: InitTask = InitTask::new("a", &[], &[a1, a2]);
    static B: InitTask = InitTask::new("b", &[&A], &[b]);
    static C: InitTask = InitTask::new("c", &[&A, &B], &[c]);
    static MAIN: InitTask = InitTask::new("main", &[&B, &C, &A], &[m]);

    #[test]
    fn dependencies_first_each_once_in_order() {
        do_init(&MAIN, &Tracer { start: 0, on: false });
        assert_eq!(*LOG.lock().unwrap(), ["a1", "a2", "b", "c", "m"]);
        do_init(&MAIN, &Tracer { start: 0, on: false }); // already done: nothing runs
        assert_eq!(LOG.lock().unwrap().len(), 5);
    }
}
