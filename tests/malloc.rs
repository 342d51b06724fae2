//! The allocator seen from outside: contents survive, counters balance,
//! memory is committed when touched and given back when idle, and running
//! out of it is Go's fatal error.

mod common;
use common::*;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn random_sizes_freed_on_other_ps_keep_their_contents() {
    for procs in ["1", "2", "8"] {
        let o = run(&mut cmd(&bin!("allocstress"), &[], &[("GOMAXPROCS", procs)]));
        expect(&o, "ok buffers=32000\n", "", 0);
    }
}

#[test]
fn counters_count_every_object_exactly() {
    // One P, so no M starts meanwhile (its structures would count too).
    let o = run(&mut cmd(&bin!("memcount"), &[], &[("GOMAXPROCS", "1")]));
    expect(
        &o,
        "tiny alive: mallocs=1000 frees=0 objects=1000 heap_alloc=8000\n\
         tiny freed: mallocs=1000 frees=1000 objects=0 heap_alloc=16\n\
         small alive: mallocs=1000 frees=0 objects=1000 heap_alloc=112000\n\
         small freed: mallocs=1000 frees=1000 objects=0 heap_alloc=0\n\
         class67 alive: mallocs=1000 frees=0 objects=1000 heap_alloc=32768000\n\
         class67 freed: mallocs=1000 frees=1000 objects=0 heap_alloc=0\n\
         large alive: mallocs=1000 frees=0 objects=1000 heap_alloc=40960000\n\
         large freed: mallocs=1000 frees=1000 objects=0 heap_alloc=0\n",
        // (The tiny block the cache still holds counts 16 bytes.)
        "",
        0,
    );
}

/// The number after `key` in `line`.
fn field(line: &str, key: &str) -> f64 {
    let rest = &line[line.find(key).unwrap_or_else(|| panic!("{key} in {line:?}")) + key.len()..];
    rest.split_whitespace().next().unwrap().parse().unwrap_or_else(|_| panic!("{key} in {line:?}"))
}

#[test]
fn memstats_shows_pages_committed_only_when_touched() {
    let o = run(&mut cmd(&bin!("memstats"), &[], &[]));
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("start "), "{out}");
    let start = field(lines[0], "RSS");
    let allocated = field(lines[1], "RSS");
    assert!(lines[1].starts_with("10 x 1 MiB allocated "), "{out}");
    assert!(allocated - start < 0.5, "zeroed buffers were touched: {out}");
    let mut prev = allocated;
    for i in 1..=10 {
        let line = lines[1 + i];
        assert!(line.starts_with(&format!("buffer {i} touched ")), "{out}");
        let rss = field(line, "RSS");
        assert!((0.8..=1.3).contains(&(rss - prev)), "step {i} grew {} MiB: {out}", rss - prev);
        prev = rss;
    }
    let stat = |name: &str| -> u64 {
        let line = lines.iter().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name}: {out}"));
        line[name.len()..].split_whitespace().next().unwrap().parse().unwrap()
    };
    assert_eq!(stat("HeapObjects"), stat("Mallocs") - stat("Frees"), "{out}");
    assert!(stat("HeapAlloc") >= 10 << 20, "{out}");
    assert!(stat("HeapInuse") >= stat("HeapAlloc"), "{out}");
    assert_eq!(stat("HeapIdle") + stat("HeapInuse"), stat("HeapSys"), "{out}");
    assert!(stat("HeapReleased") <= stat("HeapIdle"), "{out}");
    assert!(stat("StackInuse") >= 1 << 20, "goroutine 1's stack: {out}");
}

#[test]
fn freed_memory_goes_back_to_the_os() {
    // Idle, then with a 32 MiB buffer allocated and freed every 20 ms
    // beside the idle pages (which must not keep them from the scavenger;
    // the buffer itself stays, being in use).
    for (arg, rss_max) in [("", 20.0), ("churn", 60.0)] {
        let o = run(&mut cmd(&bin!("scavenge"), &[arg], &[]));
        assert_eq!(code(&o), 0);
        let out = stdout(&o);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        let (touched, waited) = (lines[0], lines[2]);
        assert!(field(touched, "rss=") >= 300.0, "{out}");
        assert!(field(waited, "rss=") <= rss_max, "{arg}: RSS stayed high: {out}");
        assert!(field(waited, "released=") - field(touched, "released=") >= 250.0, "{arg}: {out}");
    }
}

#[test]
fn counters_balance_when_gomaxprocs_retires_the_callers_p() {
    let o = run(&mut cmd(&bin!("shrinkprocs"), &[], &[]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let objects: i64 = out.lines().next().and_then(|l| l.strip_prefix("objects=")).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{out}"));
    // Each round may leave a few runtime objects (new Ps, Ms); a lost count
    // would show as a huge or negative number.
    assert!((0..200).contains(&objects), "{out}");
    assert!(out.contains("frees<=mallocs=true\n"), "{out}");
}

/// `prog args` run by sh under `ulimit -v kib`.
fn under_ulimit(prog: &PathBuf, kib: u32, args: &str) -> std::process::Output {
    let script = format!("ulimit -v {kib} && exec {} {args}", prog.display());
    run(Command::new("sh").args(["-c", &script]).env_clear())
}

#[test]
fn out_of_memory_is_gos_fatal_error() {
    let o = under_ulimit(&bin!("oom"), 400_000, "");
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "{err}");
    assert!(err.starts_with("runtime: out of memory: cannot allocate 1048576-byte block ("), "{err}");
    assert!(err.contains(" in use)\nfatal error: out of memory\n"), "{err}");
}

#[test]
fn out_of_memory_with_a_broken_stderr_still_exits_2() {
    // The `runtime: out of memory` line goes out before the report; a
    // broken pipe there must not turn exit 2 into death by SIGPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let script = format!("ulimit -v 400000 && exec {}", bin!("oom").display());
    let st = Command::new("sh").args(["-c", &script]).env_clear().stderr(writer).status().unwrap();
    assert_eq!(st.code(), Some(2), "{st:?}");
}

#[test]
fn too_little_address_space_to_start_is_out_of_memory() {
    // The first heap arena fits, the first stack arena does not.
    let o = under_ulimit(&bin!("hello"), 80_000, "");
    let err = stderr(&o);
    assert_eq!((stdout(&o).as_str(), code(&o)), ("", 2), "{err}");
    assert!(err.contains("fatal error: out of memory\n"), "{err}");
}

#[test]
fn an_alignment_past_the_heap_panics_too() {
    let o = run(&mut cmd(&bin!("oom"), &["bigalign"], &[]));
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "{err}");
    assert!(err.starts_with("panic: memory allocation of 8192 bytes failed\n\ngoroutine 1 [running]:\n"), "{err}");
}

#[test]
fn a_request_larger_than_the_heap_can_be_panics() {
    let o = run(&mut cmd(&bin!("oom"), &["huge"], &[]));
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "{err}");
    assert!(err.starts_with("panic: memory allocation of 1125899906842624 bytes failed\n\ngoroutine 1 [running]:\n"), "{err}");
}
