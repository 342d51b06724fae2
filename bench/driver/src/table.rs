//! The samples of every figure, keyed by row, and what each row's medians
//! say against its targets.
//!
//! A benchmark line is `bench=NAME gomaxprocs=P n=N ns_per_op=X [key=value ...]`.
//! Its row is the figure plus the case: GOMAXPROCS, N, and every field whose
//! value is not a number (alloc's `workload=`). Numeric fields are values.
//! `allocator=` picks the column: a gort program's lines with
//! `allocator=gort` (or none) are gort's, any other allocator is the
//! baseline; the Go twin's lines are Go's.

use crate::figures::{FIGURES, Figure, Target};
use crate::stats::{median, spread_percent};
use std::collections::BTreeMap;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    Gort = 0,
    Go = 1,
    Base = 2,
}

/// A line of the table: figures in FIGURES order, then cases.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct RowKey {
    pub figure: usize,
    /// `n=N` and the non-numeric fields, space-separated; empty for the
    /// driver's own measurements.
    pub case: String,
    /// GOMAXPROCS, empty where it does not apply.
    pub procs: String,
}

#[derive(Default)]
pub struct Samples(BTreeMap<RowKey, [Vec<f64>; 3]>);

/// A parsed benchmark line: `bench=` first, then its other fields in order.
pub struct Line<'a> {
    pub bench: &'a str,
    pub fields: Vec<(&'a str, &'a str)>,
}

fn is_number(v: &str) -> bool {
    v.parse::<f64>().is_ok()
}

/// Parses one benchmark line, checking the fields every line must have.
pub fn parse_line(line: &str) -> Result<Line<'_>, String> {
    let mut fields = Vec::new();
    for word in line.split_whitespace() {
        let (k, v) = word
            .split_once('=')
            .ok_or_else(|| format!("`{word}` is not key=value in: {line}"))?;
        fields.push((k, v));
    }
    let Some((&("bench", bench), rest)) = fields.split_first() else {
        return Err(format!("does not start with bench=: {line}"));
    };
    for key in ["gomaxprocs", "n", "ns_per_op"] {
        match rest.iter().find(|(k, _)| *k == key) {
            Some((_, v)) if is_number(v) => {}
            _ => return Err(format!("no numeric {key}= in: {line}")),
        }
    }
    Ok(Line {
        bench,
        fields: rest.to_vec(),
    })
}

impl Line<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn case(&self) -> String {
        let mut parts = vec![format!("n={}", self.get("n").unwrap_or(""))];
        for (k, v) in &self.fields {
            if *k != "allocator" && !is_number(v) {
                parts.push(format!("{k}={v}"));
            }
        }
        parts.join(" ")
    }
}

impl Samples {
    pub fn add(&mut self, key: RowKey, side: Side, value: f64) {
        self.0.entry(key).or_default()[side as usize].push(value);
    }

    /// Adds a driver measurement (start-up, RSS, size, system calls).
    pub fn add_own(&mut self, bench: &str, side: Side, value: f64) {
        let figure = FIGURES
            .iter()
            .position(|f| f.bench == bench)
            .expect("a figure for every measurement");
        self.add(
            RowKey {
                figure,
                case: String::new(),
                procs: String::new(),
            },
            side,
            value,
        );
    }

    /// Adds every figure a program's stdout carries; `from_go` says which
    /// side ran it. Returns the number of benchmark lines read.
    pub fn add_output(&mut self, stdout: &str, from_go: bool) -> Result<usize, String> {
        let mut lines = 0;
        for text in stdout.lines().filter(|l| !l.trim().is_empty()) {
            let line = parse_line(text)?;
            let side = match (from_go, line.get("allocator")) {
                (true, _) => Side::Go,
                (false, None | Some("gort")) => Side::Gort,
                (false, Some(_)) => Side::Base,
            };
            let (case, procs) = (
                line.case(),
                line.get("gomaxprocs").unwrap_or("").to_string(),
            );
            for (figure, f) in FIGURES
                .iter()
                .enumerate()
                .filter(|(_, f)| f.bench == line.bench)
            {
                if let Some(v) = line.get(f.metric).and_then(|v| v.parse().ok()) {
                    self.add(
                        RowKey {
                            figure,
                            case: case.clone(),
                            procs: procs.clone(),
                        },
                        side,
                        v,
                    );
                }
            }
            lines += 1;
        }
        Ok(lines)
    }

    pub fn rows(&self) -> Vec<Row> {
        self.0
            .iter()
            .map(|(key, s)| Row::new(key.clone(), s))
            .collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict {
    NoTarget,
    Met,
    Missed,
    /// A median the target needs is missing.
    Unknown,
}

/// A row's medians and spreads, per side, and its verdict.
pub struct Row {
    pub key: RowKey,
    pub median: [Option<f64>; 3],
    pub spread: [Option<f64>; 3],
    pub verdict: Verdict,
}

impl Row {
    fn new(key: RowKey, samples: &[Vec<f64>; 3]) -> Row {
        let median = samples.each_ref().map(|s| median(s));
        let f = &FIGURES[key.figure];
        let judged = f
            .targets_only
            .is_none_or(|c| key.case.split(' ').any(|w| w == c));
        let verdict = if f.targets.is_empty() || !judged {
            Verdict::NoTarget
        } else {
            let holds: Option<Vec<bool>> = f.targets.iter().map(|t| holds(*t, median)).collect();
            match holds {
                None => Verdict::Unknown,
                Some(h) if h.iter().all(|&b| b) => Verdict::Met,
                Some(_) => Verdict::Missed,
            }
        };
        Row {
            key,
            median,
            spread: samples.each_ref().map(|s| spread_percent(s)),
            verdict,
        }
    }

    pub fn figure(&self) -> &'static Figure {
        &FIGURES[self.key.figure]
    }

    /// gort's median over another side's.
    pub fn ratio(&self, side: Side) -> Option<f64> {
        ratio(self.median, side)
    }
}

fn ratio(median: [Option<f64>; 3], side: Side) -> Option<f64> {
    match (median[0], median[side as usize]) {
        (Some(g), Some(o)) if o != 0.0 => Some(g / o),
        _ => None,
    }
}

/// Whether gort's median meets `t`; None if a median it needs is missing.
fn holds(t: Target, median: [Option<f64>; 3]) -> Option<bool> {
    Some(match t {
        Target::GoRatioAtMost(x) => ratio(median, Side::Go)? <= x,
        Target::BaseRatioAtMost(x) => ratio(median, Side::Base)? <= x,
        Target::AtMost(x) => median[0]? <= x,
        Target::AtLeast(x) => median[0]? >= x,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(rows: &'a [Row], what: &str, case: &str, procs: &str) -> &'a Row {
        rows.iter()
            .find(|r| {
                r.figure().what.starts_with(what) && r.key.case == case && r.key.procs == procs
            })
            .unwrap_or_else(|| panic!("no row {what} {case} P={procs}"))
    }

    #[test]
    fn rejects_malformed_lines() {
        assert!(parse_line("bench=spawn gomaxprocs=1 n=10 ns_per_op=3.5").is_ok());
        assert!(parse_line("gomaxprocs=1 bench=spawn n=10 ns_per_op=3.5").is_err());
        assert!(parse_line("bench=spawn gomaxprocs=1 n=10").is_err());
        assert!(parse_line("bench=spawn gomaxprocs=x n=10 ns_per_op=1").is_err());
        assert!(parse_line("bench=spawn gomaxprocs=1 n=10 ns_per_op=1 oops").is_err());
    }

    #[test]
    fn medians_ratios_and_verdicts() {
        let mut s = Samples::default();
        for (g, o) in [
            (10.0, 30.0),
            (12.0, 28.0),
            (11.0, 100.0),
            (50.0, 25.0),
            (9.0, 29.0),
        ] {
            s.add_output(
                &format!("bench=yield gomaxprocs=1 n=100 ns_per_op={g}\n"),
                false,
            )
            .unwrap();
            s.add_output(
                &format!("bench=yield gomaxprocs=1 n=100 ns_per_op={o}\n"),
                true,
            )
            .unwrap();
        }
        // At P=2 gort is slower than half of Go.
        s.add_output("bench=yield gomaxprocs=2 n=100 ns_per_op=20\n", false)
            .unwrap();
        s.add_output("bench=yield gomaxprocs=2 n=100 ns_per_op=30\n", true)
            .unwrap();
        let rows = s.rows();
        let r = row(&rows, "yield", "n=100", "1");
        assert_eq!(r.median, [Some(11.0), Some(29.0), None]);
        assert!((r.ratio(Side::Go).unwrap() - 11.0 / 29.0).abs() < 1e-12);
        assert_eq!(r.verdict, Verdict::Met);
        assert_eq!(row(&rows, "yield", "n=100", "2").verdict, Verdict::Missed);
    }

    #[test]
    fn several_lines_keyed_by_workload_and_allocator() {
        let mut s = Samples::default();
        let gort = "bench=alloc gomaxprocs=2 n=1000 ns_per_op=10 workload=small-serial allocator=gort\n\
                    bench=alloc gomaxprocs=2 n=1000 ns_per_op=30 workload=small-serial allocator=dlmalloc\n\
                    bench=alloc gomaxprocs=2 n=1000 ns_per_op=40 workload=mixed-parallel allocator=gort\n\
                    bench=alloc gomaxprocs=2 n=1000 ns_per_op=50 workload=mixed-parallel allocator=dlmalloc\n";
        assert_eq!(s.add_output(gort, false), Ok(4));
        let go = "bench=alloc gomaxprocs=2 n=1000 ns_per_op=12 workload=small-serial allocator=go\n\
                  bench=alloc gomaxprocs=2 n=1000 ns_per_op=35 workload=mixed-parallel allocator=go\n";
        assert_eq!(s.add_output(go, true), Ok(2));
        let rows = s.rows();
        let small = row(&rows, "alloc", "n=1000 workload=small-serial", "2");
        assert_eq!(small.median, [Some(10.0), Some(12.0), Some(30.0)]);
        assert_eq!(small.verdict, Verdict::Met);
        // Slower than Go, and not twice as fast as dlmalloc.
        let mixed = row(&rows, "alloc", "n=1000 workload=mixed-parallel", "2");
        assert_eq!(mixed.verdict, Verdict::Missed);
    }

    #[test]
    fn target_only_at_its_case_and_unknown_without_go() {
        let mut s = Samples::default();
        s.add_output(
            "bench=parked gomaxprocs=2 n=100000 ns_per_op=1 bytes_per_goroutine=9000\n",
            false,
        )
        .unwrap();
        s.add_output(
            "bench=parked gomaxprocs=2 n=1000000 ns_per_op=1 bytes_per_goroutine=4104\n",
            false,
        )
        .unwrap();
        s.add_output("bench=spawn gomaxprocs=1 n=10 ns_per_op=1\n", false)
            .unwrap();
        let rows = s.rows();
        assert_eq!(
            row(&rows, "parked: RSS", "n=100000", "2").verdict,
            Verdict::NoTarget
        );
        assert_eq!(
            row(&rows, "parked: RSS", "n=1000000", "2").verdict,
            Verdict::Met
        );
        assert_eq!(row(&rows, "spawn", "n=10", "1").verdict, Verdict::Unknown);
    }

    #[test]
    fn own_measurements_against_go_and_the_floor() {
        let mut s = Samples::default();
        s.add_own("startup", Side::Gort, 0.3);
        s.add_own("startup", Side::Go, 1.0);
        s.add_own("startup", Side::Base, 0.25);
        let rows = s.rows();
        // 0.3x Go misses 0.2x, though 1.2x the floor is within 1.5x.
        assert_eq!(rows[0].verdict, Verdict::Missed);
        s.add_own("startup", Side::Gort, 0.1);
        s.add_own("startup", Side::Gort, 0.1);
        assert_eq!(s.rows()[0].verdict, Verdict::Met);
    }
}
