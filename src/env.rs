//! The process's inputs: arguments, environment, and the variables the
//! runtime reads with Go's rules (GOMAXPROCS, GODEBUG, GOTRACEBACK).
//!
//! The kernel's argv and envp stay where the kernel put them, on m0's
//! stack, for the life of the process: `goargs` and `goenvs` only index
//! them. Arguments and values are bytes, as given; nothing here assumes
//! UTF-8. The parsers are pure functions, tested on the host.

use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ffi::c_char;

/// A value written once during the single-threaded boot, before anything
/// reads it, and only read after.
pub struct BootCell<T>(UnsafeCell<T>);

// SAFETY: written only by boot code before a second thread exists (see
// `set`); shared reads after that are fine.
unsafe impl<T: Sync> Sync for BootCell<T> {}

impl<T> BootCell<T> {
    pub const fn new(v: T) -> BootCell<T> {
        BootCell(UnsafeCell::new(v))
    }

    /// # Safety
    /// Only during boot, on m0, before any other thread runs and while no
    /// reference returned by `get` is alive.
    pub unsafe fn set(&self, v: T) {
        // SAFETY: the caller guarantees exclusive access.
        unsafe { *self.0.get() = v }
    }

    pub fn get(&self) -> &T {
        // SAFETY: after boot nothing writes; during boot, `set`'s contract
        // keeps writes away from live borrows.
        unsafe { &*self.0.get() }
    }
}

/// What the kernel passed to execve, saved by `args`.
#[derive(Clone, Copy)]
pub struct Argv {
    pub argc: usize,
    pub argv: *const *const c_char,
}

// SAFETY: the pointers refer to the kernel-provided, never-freed block on
// m0's stack; they are only read.
unsafe impl Sync for Argv {}

pub static ARGV: BootCell<Argv> = BootCell::new(Argv { argc: 0, argv: core::ptr::null() });
static ARGS: BootCell<Vec<&'static [u8]>> = BootCell::new(Vec::new());
static ENVS: BootCell<Vec<&'static [u8]>> = BootCell::new(Vec::new());

/// Go's args (the symbol is `args`): save argc and argv and read the
/// auxv. The first Rust code the process runs, called by rt0_go on g0.
#[unsafe(export_name = "args")]
pub extern "C" fn rt0_args(argc: i32, argv: *const *const c_char) {
    // SAFETY: boot, on m0, before anything reads ARGV or DEBUG.
    unsafe {
        ARGV.set(Argv { argc: argc as usize, argv });
        // boottrace must be known before Go's own parse in schedinit.
        DEBUG.set(parsedebugvars(getenv_early(b"GODEBUG").unwrap_or(b"")));
    }
    let nauxv = crate::os_linux::sysargs(ARGV.get());
    if DEBUG.get().boottrace != 0 {
        crate::proc::boottrace_rt0(argc, argv);
        crate::boottrace!(
            "args: argc={argc} argv={argv:p} envp={:p} auxv entries={nauxv} pagesz={} random={:#x} vdso={:#x} secure={}",
            envp(),
            crate::os_linux::PHYS_PAGE_SIZE.load(core::sync::atomic::Ordering::Relaxed),
            crate::os_linux::STARTUP_RANDOM.load(core::sync::atomic::Ordering::Relaxed),
            crate::os_linux::VDSO_EHDR.load(core::sync::atomic::Ordering::Relaxed),
            crate::os_linux::SECURE.load(core::sync::atomic::Ordering::Relaxed),
        );
    }
}

/// The C string at `p`, without its NUL.
///
/// # Safety
/// `p` points to a NUL-terminated string that lives forever.
unsafe fn cstr_bytes(p: *const c_char) -> &'static [u8] {
    // SAFETY: the caller guarantees a live, NUL-terminated string.
    unsafe { core::ffi::CStr::from_ptr(p).to_bytes() }
}

/// The envp array: just past argv's terminating null.
pub fn envp() -> *const *const c_char {
    let a = ARGV.get();
    // SAFETY: the kernel lays out argv[0..argc], a null, then envp.
    unsafe { a.argv.add(a.argc + 1) }
}

/// Go's goargs: index the arguments. Runs in schedinit, after mallocinit.
pub fn goargs() {
    let a = *ARGV.get();
    let args = (0..a.argc)
        // SAFETY: argv[0..argc] are live NUL-terminated strings.
        .map(|i| unsafe { cstr_bytes(*a.argv.add(i)) })
        .collect();
    // SAFETY: schedinit runs single-threaded and no one has read ARGS yet.
    unsafe { ARGS.set(args) }
}

/// Go's goenvs: index the environment. Runs in schedinit.
pub fn goenvs() {
    // Sized once: growing by doubling would touch a span of every size
    // class on the way (a page each).
    let mut envs = Vec::with_capacity(envp_entries().count());
    envs.extend(envp_entries());
    // SAFETY: as in goargs.
    unsafe { ENVS.set(envs) }
}

/// The kernel's environment strings, in order, straight from envp.
fn envp_entries() -> impl Iterator<Item = &'static [u8]> {
    let mut p = envp();
    core::iter::from_fn(move || {
        // SAFETY: envp is a null-terminated array of live strings, and p
        // never moves past its null.
        unsafe {
            if (*p).is_null() {
                return None;
            }
            let e = cstr_bytes(*p);
            p = p.add(1);
            Some(e)
        }
    })
}

/// The program's arguments, argv[0] first, as bytes (Go's os.Args).
pub fn args() -> &'static [&'static [u8]] {
    ARGS.get()
}

/// The environment, `key=value` entries as given (Go's os.Environ).
pub fn environ() -> &'static [&'static [u8]] {
    ENVS.get()
}

/// The value of the environment variable `key`: the first `key=value`
/// entry, as Go's getenv. None if it is not set.
pub fn getenv(key: &str) -> Option<&'static [u8]> {
    lookup(ENVS.get().iter().copied(), key.as_bytes())
}

/// The value of `key` among `key=value` entries; the first wins.
pub fn lookup(envs: impl IntoIterator<Item = &'static [u8]>, key: &[u8]) -> Option<&'static [u8]> {
    envs.into_iter().find_map(|e| match e.strip_prefix(key) {
        Some([b'=', value @ ..]) => Some(value),
        _ => None,
    })
}

/// The value of `key` read straight from envp, for the steps of the boot
/// that run before goenvs (Go's getGodebugEarly).
pub fn getenv_early(key: &[u8]) -> Option<&'static [u8]> {
    lookup(envp_entries(), key)
}

/// Go's strconv.ParseInt(s, 10, 32): an optional sign and base-10
/// digits, nothing else (no spaces, no underscores), within i32.
pub fn parse_int32(s: &[u8]) -> Option<i32> {
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(c - b'0');
        if n > i64::from(i32::MAX) + 1 {
            return None;
        }
    }
    i32::try_from(if neg { -n } else { n }).ok()
}

/// The number of Ps: GOMAXPROCS if it is a base-10 int32 above zero,
/// else the default, ncpu. Bad values are ignored without a word, as Go.
pub fn gomaxprocs_from_env(value: Option<&[u8]>, ncpu: i32) -> i32 {
    match value.and_then(parse_int32) {
        Some(n) if n > 0 => n,
        _ => ncpu,
    }
}

/// The GODEBUG settings gort knows. Others are ignored, as Go does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DebugVars {
    /// inittrace=1: one line per package initialised (Go's format).
    pub inittrace: i32,
    /// boottrace=1: each bootstrap step and its values (gort's own).
    pub boottrace: i32,
    /// schedtrace=N: sysmon prints a SCHED line every N ms.
    pub schedtrace: i32,
    /// scheddetail=1: schedtrace prints every P, M and G.
    pub scheddetail: i32,
}

/// Go's parsegodebug: comma-separated key=value fields, left to right, so
/// the last setting of a key wins. Fields without '=', unknown keys and
/// values that are not base-10 int32 are skipped silently.
pub fn parsedebugvars(godebug: &[u8]) -> DebugVars {
    let mut d = DebugVars::default();
    for field in godebug.split(|&c| c == b',') {
        let Some(eq) = field.iter().position(|&c| c == b'=') else { continue };
        let (key, value) = (&field[..eq], &field[eq + 1..]);
        let Some(n) = parse_int32(value) else { continue };
        match key {
            b"inittrace" => d.inittrace = n,
            b"boottrace" => d.boottrace = n,
            b"schedtrace" => d.schedtrace = n,
            b"scheddetail" => d.scheddetail = n,
            _ => {}
        }
    }
    d
}

/// What GOTRACEBACK asks for: how much a crash prints (Go's setTraceback).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traceback {
    /// 0: no goroutine traces; 1: user frames; 2: runtime frames too.
    pub level: u32,
    /// Print every goroutine, not just the failing one.
    pub all: bool,
    /// End by SIGABRT (a core dump) instead of exit(2).
    pub crash: bool,
}

impl Traceback {
    /// GOTRACEBACK unset: `single`.
    pub const DEFAULT: Traceback = Traceback { level: 1, all: false, crash: false };
}

/// Go's setTraceback. A number N means level N with all goroutines; an
/// unknown word means level 0 with all (so it prints as `none` does).
pub fn parse_traceback(v: &[u8]) -> Traceback {
    let t = |level, all, crash| Traceback { level, all, crash };
    match v {
        b"none" => t(0, false, false),
        b"single" | b"" => t(1, false, false),
        b"all" => t(1, true, false),
        b"system" => t(2, true, false),
        b"crash" => t(2, true, true),
        _ => match parse_int32(v) {
            Some(n) if n >= 0 => t(n as u32, true, false),
            _ => t(0, true, false),
        },
    }
}

/// GODEBUG as parsed at start-up.
pub static DEBUG: BootCell<DebugVars> = BootCell::new(DebugVars { inittrace: 0, boottrace: 0, schedtrace: 0, scheddetail: 0 });
/// GOTRACEBACK as parsed at start-up.
pub static TRACEBACK: BootCell<Traceback> = BootCell::new(Traceback::DEFAULT);

/// Prints a bootstrap step to stderr under GODEBUG=boottrace=1.
#[doc(hidden)]
#[macro_export]
macro_rules! boottrace {
    ($($arg:tt)*) => {
        if $crate::env::DEBUG.get().boottrace != 0 {
            $crate::env::boottrace_line(format_args!($($arg)*));
        }
    };
}

/// One boottrace line: kept out of line, so the boot path stays small.
#[cold]
#[inline(never)]
pub fn boottrace_line(args: core::fmt::Arguments) {
    crate::print::rtprintln!("boot: {args}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_int32_is_go_parseint() {
        assert_eq!(parse_int32(b"3"), Some(3));
        assert_eq!(parse_int32(b"+4"), Some(4));
        assert_eq!(parse_int32(b"-1"), Some(-1));
        assert_eq!(parse_int32(b"007"), Some(7));
        assert_eq!(parse_int32(b"2147483647"), Some(i32::MAX));
        assert_eq!(parse_int32(b"-2147483648"), Some(i32::MIN));
        for bad in [&b""[..], b"-", b"+", b" 2", b"2 ", b"2x", b"abc", b"0x4", b"1_0", b"2147483648", b"99999999999", b"99999999999999999999999"] {
            assert_eq!(parse_int32(bad), None, "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn gomaxprocs_rules() {
        for bad in [&b"0"[..], b"-1", b"abc", b" 2", b"2x", b"99999999999", b""] {
            assert_eq!(gomaxprocs_from_env(Some(bad), 2), 2);
        }
        assert_eq!(gomaxprocs_from_env(None, 2), 2);
        assert_eq!(gomaxprocs_from_env(Some(b"3"), 2), 3);
        assert_eq!(gomaxprocs_from_env(Some(b"1024"), 2), 1024);
    }

    #[test]
    fn godebug_last_wins_and_garbage_ignored() {
        let d = parsedebugvars(b"inittrace=1,,=,boottrace,junk=9,inittrace=x,boottrace=2,inittrace=3");
        assert_eq!(d, DebugVars { inittrace: 3, boottrace: 2, ..Default::default() });
        let d = parsedebugvars(b"schedtrace=1000,scheddetail=1");
        assert_eq!((d.schedtrace, d.scheddetail), (1000, 1));
        assert_eq!(parsedebugvars(b"inittrace=1=2"), DebugVars::default());
        assert_eq!(parsedebugvars(b"INITTRACE=1"), DebugVars::default());
        assert_eq!(parsedebugvars(b"\xff\xfe,inittrace=1"), DebugVars { inittrace: 1, ..Default::default() });
    }

    #[test]
    fn traceback_levels() {
        assert_eq!(parse_traceback(b""), Traceback::DEFAULT);
        assert_eq!(parse_traceback(b"none"), Traceback { level: 0, all: false, crash: false });
        assert_eq!(parse_traceback(b"all"), Traceback { level: 1, all: true, crash: false });
        assert_eq!(parse_traceback(b"system"), Traceback { level: 2, all: true, crash: false });
        assert_eq!(parse_traceback(b"crash"), Traceback { level: 2, all: true, crash: true });
        assert_eq!(parse_traceback(b"0"), Traceback { level: 0, all: true, crash: false });
        assert_eq!(parse_traceback(b"2"), Traceback { level: 2, all: true, crash: false });
        assert_eq!(parse_traceback(b"bogus"), Traceback { level: 0, all: true, crash: false });
        assert_eq!(parse_traceback(b"-1"), Traceback { level: 0, all: true, crash: false });
    }

    #[test]
    fn lookup_first_match() {
        let envs: Vec<&'static [u8]> = vec![b"A=1", b"AB=2", b"A=3", b"B", b"C="];
        assert_eq!(lookup(envs.iter().copied(), b"A"), Some(&b"1"[..]));
        assert_eq!(lookup(envs.iter().copied(), b"AB"), Some(&b"2"[..]));
        assert_eq!(lookup(envs.iter().copied(), b"B"), None);
        assert_eq!(lookup(envs.iter().copied(), b"C"), Some(&b""[..]));
        assert_eq!(lookup(envs.iter().copied(), b"D"), None);
    }
}
