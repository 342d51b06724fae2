//! bench-driver: gort against Go, side by side, in one run (`make bench`).
//!
//! ```text
//! bench-driver run --gort DIR --go DIR --exitonly PATH [--rounds N] [--notes FILE] [--out FILE]
//! bench-driver check --gort DIR
//! ```
//!
//! `run` measures hello's start-up, peak RSS, size and system calls against
//! Go's hello and a static C program that only exits, runs every benchmark
//! program of figures.rs `--rounds` times per side, alternately, and writes
//! the table and the notes of the figures that miss their targets to
//! `--out`. `check` runs each gort benchmark program once with a small N
//! and checks that it prints well-formed lines (part of `make test`).

mod figures;
mod measure;
mod report;
mod stats;
mod table;

use figures::{JOBS, Job};
use measure::{bench_command, output};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;
use table::{Samples, Side, Verdict};

/// hyperfine's runs of each hello per round.
const STARTUP_RUNS: u32 = 200;

struct Options {
    gort: PathBuf,
    go: PathBuf,
    exitonly: PathBuf,
    rounds: u32,
    notes: PathBuf,
    out: PathBuf,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        gort: PathBuf::new(),
        go: PathBuf::new(),
        exitonly: PathBuf::new(),
        rounds: 5,
        notes: "bench/notes.md".into(),
        out: "BENCHMARKS.md".into(),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--gort" => o.gort = value.into(),
            "--go" => o.go = value.into(),
            "--exitonly" => o.exitonly = value.into(),
            "--notes" => o.notes = value.into(),
            "--out" => o.out = value.into(),
            "--rounds" => {
                o.rounds = value
                    .parse()
                    .ok()
                    .filter(|&r| r > 0)
                    .ok_or("--rounds needs a number > 0")?
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(o)
}

/// The first line a command prints, or `unknown`.
fn first_line(cmd: &mut Command) -> String {
    output(cmd)
        .ok()
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

/// CPU, cores, kernel, vm.max_map_count.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']));
    format!(
        "{}, {} cores, Linux {}, vm.max_map_count={}",
        cpu.unwrap_or("unknown CPU"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        read_trimmed("/proc/sys/kernel/osrelease"),
        read_trimmed("/proc/sys/vm/max_map_count"),
    )
}

/// The load averages over 1, 5 and 15 minutes: others' work on the machine.
fn loadavg() -> String {
    read_trimmed("/proc/loadavg")
        .split(' ')
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn commit() -> String {
    let head = first_line(Command::new("git").args(["rev-parse", "--short", "HEAD"]));
    let dirty = output(Command::new("git").args(["status", "--porcelain", "--untracked-files=no"]))
        .is_ok_and(|s| !s.trim().is_empty());
    if dirty {
        format!("{head} (with uncommitted changes)")
    } else {
        head
    }
}

/// A job whose two binaries exist: gort's and Go's paths.
struct Ready<'a> {
    job: &'a Job,
    gort: PathBuf,
    go: PathBuf,
}

fn ready_jobs(o: &Options, skipped: &mut Vec<String>) -> Vec<Ready<'static>> {
    let mut ready = Vec::new();
    for job in JOBS {
        let gort = o.gort.join(format!("bench_{}", job.bench));
        let go = o.go.join(job.bench);
        let missing = [&gort, &go].into_iter().find(|p| !p.exists()).cloned();
        match missing {
            Some(missing) => {
                let why = format!("`{}` (no {})", job.bench, missing.display());
                eprintln!("bench: skipping {why}");
                if !skipped.contains(&why) {
                    skipped.push(why);
                }
            }
            None => ready.push(Ready { job, gort, go }),
        }
    }
    ready
}

/// One round of hello's own measurements: start-up, peak RSS, system calls.
fn measure_hellos(hellos: &[(Side, &Path); 3], samples: &mut Samples) -> Result<(), String> {
    let paths: Vec<&Path> = hellos.iter().map(|(_, p)| *p).collect();
    for ((side, _), ms) in hellos
        .iter()
        .zip(measure::startup_ms(&paths, STARTUP_RUNS)?)
    {
        samples.add_own("startup", *side, ms);
    }
    for (side, path) in hellos {
        samples.add_own("rss", *side, measure::peak_rss_kib(path)?);
        samples.add_own("syscalls", *side, measure::syscalls(path)?);
    }
    Ok(())
}

/// The perf stat counters of gort's and Go's command, as a markdown table.
fn perf_table(what: &str, gort: &Command, go: &Command, repeat: u32) -> String {
    let runs = if repeat == 1 {
        "one run each".to_string()
    } else {
        format!("mean of {repeat} runs each")
    };
    let head = format!("Counters from this run (`perf stat`, {runs}), {what}:\n\n");
    match (
        measure::perf_stat(gort, repeat),
        measure::perf_stat(go, repeat),
    ) {
        (Ok(g), Ok(o)) => {
            let mut t = head + "| counter | gort | Go |\n|---|---|---|\n";
            for (event, v) in &g {
                let other = o
                    .iter()
                    .find(|(e, _)| e == event)
                    .map_or("-".into(), |(_, w)| report::num(*w));
                t += &format!("| {event} | {} | {other} |\n", report::num(*v));
            }
            t
        }
        (Err(e), _) | (_, Err(e)) => {
            let reason = e.lines().last().unwrap_or("").to_string();
            format!("perf stat gave no counters on this machine ({reason}).\n")
        }
    }
}

/// Counters for every missed row that comes from a program: start-up from
/// hello, the rest from the benchmark command that produced the row.
fn evidence(
    rows: &[table::Row],
    ready: &[Ready],
    hellos: &[(Side, &Path); 3],
) -> Vec<(String, String)> {
    let mut done: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    for r in rows.iter().filter(|r| r.verdict == Verdict::Missed) {
        let f = r.figure();
        let id = f.bench.to_string();
        if f.bench == "startup" && !done.contains(&(id.clone(), String::new())) {
            done.push((id.clone(), String::new()));
            let what = "`hello` and Go's hello";
            out.push((
                id,
                perf_table(
                    what,
                    &Command::new(hellos[0].1),
                    &Command::new(hellos[1].1),
                    100,
                ),
            ));
            continue;
        }
        let n_of_row = r.key.case.split(' ').next().unwrap_or("");
        let Some(rd) = ready.iter().find(|rd| {
            rd.job.bench == f.bench && rd.job.n.is_none_or(|n| n_of_row == format!("n={n}"))
        }) else {
            continue;
        };
        let procs: u32 = r.key.procs.parse().unwrap_or(2);
        let tag = format!("{} P={procs} {n_of_row}", rd.job.bench);
        if done.contains(&(id.clone(), tag.clone())) {
            continue;
        }
        done.push((id.clone(), tag));
        eprintln!("bench: perf stat for {} (GOMAXPROCS={procs})", rd.job.bench);
        let what = format!(
            "`GOMAXPROCS={procs} bench_{}{}` and its Go twin",
            rd.job.bench,
            rd.job.n.map_or(String::new(), |n| format!(" {n}"))
        );
        let gort = bench_command(&rd.gort, procs, rd.job.n);
        let go = bench_command(&rd.go, procs, rd.job.n);
        out.push((id, perf_table(&what, &gort, &go, 1)));
    }
    out
}

fn run(o: &Options) -> Result<(), String> {
    let start = Instant::now();
    let load_at_start = loadavg();
    let mut skipped = Vec::new();
    let ready = ready_jobs(o, &mut skipped);
    let gort_hello = o.gort.join("hello");
    let go_hello = o.go.join("hello");
    let hellos = [
        (Side::Gort, gort_hello.as_path()),
        (Side::Go, go_hello.as_path()),
        (Side::Base, o.exitonly.as_path()),
    ];
    let mut samples = Samples::default();
    for (side, path) in &hellos {
        samples.add_own("size", *side, measure::stripped_size(path)?);
    }
    for round in 1..=o.rounds {
        eprintln!(
            "bench: round {round}/{} ({:.0} s so far)",
            o.rounds,
            start.elapsed().as_secs_f64()
        );
        for rd in &ready {
            for &procs in rd.job.procs {
                for (path, from_go) in [(&rd.gort, false), (&rd.go, true)] {
                    let stdout = output(&mut bench_command(path, procs, rd.job.n))?;
                    if samples.add_output(&stdout, from_go)? == 0 {
                        return Err(format!("{} printed no benchmark line", path.display()));
                    }
                }
            }
        }
        measure_hellos(&hellos, &mut samples)?;
    }
    let rows = samples.rows();
    let evidence = evidence(&rows, &ready, &hellos);
    let notes =
        std::fs::read_to_string(&o.notes).map_err(|e| format!("{}: {e}", o.notes.display()))?;
    let run = report::Run {
        date: first_line(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])),
        load: (load_at_start, loadavg()),
        commit: commit(),
        machine: machine(),
        go_version: first_line(Command::new("go").arg("version")),
        rustc_version: first_line(Command::new("rustc").arg("--version")),
        rounds: o.rounds,
        startup_runs: STARTUP_RUNS,
        minutes: start.elapsed().as_secs_f64() / 60.0,
        skipped,
        evidence,
    };
    let md = report::markdown(&run, &rows, &notes);
    std::fs::write(&o.out, &md).map_err(|e| format!("{}: {e}", o.out.display()))?;
    println!("{}", report::table(&rows));
    let missed = report::missed_ids(&rows);
    println!(
        "bench: {} rows, missed: {}; wrote {} in {:.1} minutes",
        rows.len(),
        if missed.is_empty() {
            "none".into()
        } else {
            missed.join(", ")
        },
        o.out.display(),
        run.minutes
    );
    Ok(())
}

/// Each gort benchmark program, once with a small N: its lines must parse.
fn check(gort: &Path) -> Result<(), String> {
    let (mut passed, mut failed) = (0, 0);
    for job in JOBS {
        let Some(n) = job.check_n else { continue };
        let path = gort.join(format!("bench_{}", job.bench));
        if !path.exists() {
            eprintln!("check: skipping {} (not built)", path.display());
            continue;
        }
        let mut samples = Samples::default();
        let result = output(&mut bench_command(&path, 2, Some(n))).and_then(|s| {
            let lines = samples.add_output(&s, false)?;
            let theirs = samples.rows().iter().all(|r| r.figure().bench == job.bench);
            if lines > 0 && theirs {
                Ok(s)
            } else {
                Err(format!("no bench={} line in: {s}", job.bench))
            }
        });
        match result {
            Ok(s) => {
                passed += 1;
                println!("ok {}: {}", path.display(), s.lines().next().unwrap_or(""));
            }
            Err(e) => {
                failed += 1;
                println!("FAILED {}: {e}", path.display());
            }
        }
    }
    println!("check: {passed} passed, {failed} failed");
    if failed > 0 {
        Err(format!("{failed} benchmark programs failed"))
    } else {
        Ok(())
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.split_first() {
        Some((cmd, rest)) if cmd == "run" => parse_options(rest).and_then(|o| run(&o)),
        Some((cmd, rest)) if cmd == "check" => parse_options(rest).and_then(|o| check(&o.gort)),
        _ => Err(
            "usage: bench-driver run --gort DIR --go DIR --exitonly PATH [--rounds N] \
                  [--notes FILE] [--out FILE] | check --gort DIR"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}
