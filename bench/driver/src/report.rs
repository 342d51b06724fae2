//! BENCHMARKS.md: the machine, the table, and for every figure that misses
//! its target, its note from bench/notes.md and the counters of this run.

use crate::figures::{C_FLOOR, Target};
use crate::table::{Row, Side, Verdict};
use std::fmt::Write;

/// What one `make bench` run found, besides the rows.
pub struct Run {
    pub date: String,
    /// /proc/loadavg's first three fields at the start and at the end.
    pub load: (String, String),
    pub commit: String,
    pub machine: String,
    pub go_version: String,
    pub rustc_version: String,
    pub rounds: u32,
    pub startup_runs: u32,
    pub minutes: f64,
    pub skipped: Vec<String>,
    /// Measurements taken for the figures that miss, by figure (bench name): markdown.
    pub evidence: Vec<(String, String)>,
}

/// A value with few enough digits to read.
pub fn num(v: f64) -> String {
    match v.abs() {
        a if a >= 100.0 => format!("{v:.0}"),
        a if a >= 10.0 => format!("{v:.1}"),
        a if a >= 1.0 => format!("{v:.2}"),
        _ => format!("{v:.3}"),
    }
}

fn cell(r: &Row, side: Side) -> String {
    let i = side as usize;
    match (r.median[i], r.spread[i]) {
        (None, _) => "-".into(),
        (Some(m), None) => num(m),
        (Some(m), Some(s)) => format!("{} ({s:.0}%)", num(m)),
    }
}

fn ratio(r: &Row, side: Side) -> String {
    r.ratio(side).map_or("-".into(), |x| format!("{x:.2}x"))
}

fn target_text(r: &Row) -> String {
    let f = r.figure();
    let base = f.baseline.unwrap_or("baseline");
    let texts: Vec<String> = f
        .targets
        .iter()
        .map(|t| match *t {
            Target::GoRatioAtMost(x) => format!("<= {x}x Go"),
            Target::BaseRatioAtMost(x) => format!("<= {x}x {base}"),
            Target::AtMost(x) => format!("<= {x}"),
            Target::AtLeast(x) => format!(">= {x}"),
        })
        .collect();
    match r.verdict {
        Verdict::NoTarget => String::new(),
        _ => texts.join(", "),
    }
}

fn verdict_text(v: Verdict) -> &'static str {
    match v {
        Verdict::NoTarget => "",
        Verdict::Met => "met",
        Verdict::Missed => "**missed**",
        Verdict::Unknown => "no data",
    }
}

/// The table, in markdown.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| figure | case | P | gort (spread) | Go (spread) | gort/Go | baseline (spread) | gort/baseline | target | |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let f = r.figure();
        let baseline = match (f.baseline, r.median[Side::Base as usize]) {
            (Some(name), Some(_)) => format!("{name}: {}", cell(r, Side::Base)),
            _ => "-".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            f.what,
            r.key.case,
            r.key.procs,
            cell(r, Side::Gort),
            cell(r, Side::Go),
            ratio(r, Side::Go),
            baseline,
            ratio(r, Side::Base),
            target_text(r),
            verdict_text(r.verdict),
        );
    }
    out
}

/// The body under `## id` in the notes file, if it has one.
fn note<'a>(notes: &'a str, id: &str) -> Option<&'a str> {
    let heading = format!("## {id}\n");
    let start = notes.find(&heading)? + heading.len();
    let body = &notes[start..];
    Some(body[..body.find("\n## ").map_or(body.len(), |e| e + 1)].trim())
}

/// The ids of the figures that miss a target, in table order, once each.
pub fn missed_ids(rows: &[Row]) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Vec::new();
    for r in rows.iter().filter(|r| r.verdict == Verdict::Missed) {
        if !ids.contains(&r.figure().bench) {
            ids.push(r.figure().bench);
        }
    }
    ids
}

/// The whole of BENCHMARKS.md.
pub fn markdown(run: &Run, rows: &[Row], notes: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "# Benchmarks: gort against Go\n\n\
         Written by `make bench` (bench/driver) on {date}, gort {commit}, in {minutes:.1} minutes.\n\n\
         - Machine: {machine}; load average {load0} at the start, {load1} at the end\n\
         - Go: {go}\n\
         - Rust: {rustc}\n\n\
         Every benchmark program ran {rounds} times on each side, alternately (gort, Go, gort, Go, ...), \
         with `GOMAXPROCS` as in the P column; start-up is the median of hyperfine's median over \
         {startup_runs} runs (`hyperfine -N`), taken once a round, as are peak RSS and system \
         calls. Each cell is the median of the {rounds} runs and, in brackets, their spread: the \
         interquartile range over the median. Ratios are gort's median over the other's, from the \
         same run. The baseline is the static `{floor}` program (bench/exitonly.c) for the start-up \
         rows and the `allocator=dlmalloc` lines for alloc. Peak RSS is VmHWM read from /proc at the \
         program's exit (ptrace); sizes are after `strip`; system calls are the total of \
         `strace -f -c`, execve included.\n\n",
        date = run.date,
        commit = run.commit,
        minutes = run.minutes,
        machine = run.machine,
        load0 = run.load.0,
        load1 = run.load.1,
        go = run.go_version,
        rustc = run.rustc_version,
        rounds = run.rounds,
        startup_runs = run.startup_runs,
        floor = C_FLOOR,
    );
    out += &table(rows);
    for s in &run.skipped {
        let _ = write!(out, "\nNot run: {s}.\n");
    }
    let missed = missed_ids(rows);
    if missed.is_empty() {
        out += "\nEvery figure with a target meets it.\n";
        return out;
    }
    out += "\n## Figures that miss their targets\n";
    for id in missed {
        let _ = write!(out, "\n### {id}\n\n");
        match note(notes, id) {
            Some(text) => out += text,
            None => out += "(bench/notes.md has no note for this figure yet.)",
        }
        out += "\n";
        for (_, text) in run.evidence.iter().filter(|(e, _)| e == id) {
            let _ = write!(out, "\n{text}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_by_heading() {
        let notes = "intro\n\n## yield\nslow because.\n\nmore.\n## chan\nother\n";
        assert_eq!(note(notes, "yield"), Some("slow because.\n\nmore."));
        assert_eq!(note(notes, "chan"), Some("other"));
        assert_eq!(note(notes, "spawn"), None);
    }

    #[test]
    fn numbers_keep_three_figures() {
        assert_eq!(num(1234.56), "1235");
        assert_eq!(num(31.04), "31.0");
        assert_eq!(num(1.916), "1.92");
        assert_eq!(num(0.2812), "0.281");
    }
}
