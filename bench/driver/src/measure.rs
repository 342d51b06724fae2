//! Running programs and measuring them: benchmark output, start-up time
//! (hyperfine), peak RSS (VmHWM at exit, through ptrace), system calls
//! (strace -c), stripped size, and perf stat counters.

use std::fs;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A scratch file under the system's temporary directory, unique to this
/// process.
pub fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("gort-bench-{}-{name}", std::process::id()))
}

/// Runs `cmd` to completion and returns its stdout; a failure (spawn error
/// or non-zero exit) is an error carrying its stderr.
pub fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?}: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{cmd:?}: stdout is not UTF-8"))
}

/// A benchmark program run with `GOMAXPROCS=procs` and its N argument.
pub fn bench_command(path: &Path, procs: u32, n: Option<&str>) -> Command {
    let mut cmd = Command::new(path);
    cmd.env("GOMAXPROCS", procs.to_string()).args(n);
    cmd
}

/// Runs the tool `build` makes, given a scratch file to write its report
/// to, and returns that report.
fn report_of(name: &str, build: impl FnOnce(&Path) -> Command) -> Result<String, String> {
    let file = scratch(name);
    let mut cmd = build(&file);
    output(cmd.stdout(Stdio::null()))?;
    let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()));
    let _ = fs::remove_file(&file);
    text
}

/// One hyperfine invocation over `programs`, each run `runs` times after a
/// warm-up, without a shell: the median exec-to-exit time of each, in ms.
pub fn startup_ms(programs: &[&Path], runs: u32) -> Result<Vec<f64>, String> {
    let text = report_of("hyperfine.csv", |csv| {
        let mut cmd = Command::new("hyperfine");
        cmd.args("-N --style none --warmup 20 --runs".split(' '))
            .arg(runs.to_string())
            .arg("--export-csv")
            .arg(csv)
            .args(programs);
        cmd
    })?;
    let medians = parse_hyperfine_csv(&text)?;
    if medians.len() != programs.len() {
        return Err(format!(
            "hyperfine gave {} results for {} programs",
            medians.len(),
            programs.len()
        ));
    }
    Ok(medians)
}

/// The median column of hyperfine's CSV (seconds), in ms, one per command.
fn parse_hyperfine_csv(text: &str) -> Result<Vec<f64>, String> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "median")
        .ok_or("hyperfine CSV has no median column")?;
    lines
        .map(|l| {
            // The command comes first and may hold commas: count from the end.
            let fields: Vec<&str> = l.rsplitn(header.len(), ',').collect();
            let v = fields
                .get(header.len() - 1 - col)
                .and_then(|v| v.parse::<f64>().ok());
            v.map(|s| s * 1e3)
                .ok_or_else(|| format!("bad hyperfine CSV line: {l}"))
        })
        .collect()
}

/// Peak RSS in KiB: VmHWM of `path`'s memory, read from /proc at the moment
/// it exits. The child is traced (PTRACE_TRACEME) and asks to stop at its
/// exit (PTRACE_O_TRACEEXIT), when its memory still exists. Only the main
/// thread is traced; it stops at exit whichever thread called exit_group.
///
/// Not the rusage of GNU time: `ru_maxrss` also counts the memory of the
/// process that forked and exec'd the program, hundreds of KiB more than a
/// small static program's own.
pub fn peak_rss_kib(path: &Path) -> Result<f64, String> {
    let fail = |what: &str| format!("{}: {what}: {}", path.display(), io::Error::last_os_error());
    let mut cmd = Command::new(path);
    cmd.stdout(Stdio::null());
    // SAFETY: ptrace(PTRACE_TRACEME) is async-signal-safe and touches no
    // memory of the parent's.
    unsafe {
        cmd.pre_exec(|| match libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) {
            -1 => Err(io::Error::last_os_error()),
            _ => Ok(()),
        });
    }
    let child = cmd
        .spawn()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let wait = |status: &mut i32| {
        // SAFETY: waits for our own child; `status` is a valid i32.
        unsafe { libc::waitpid(pid, status, 0) == pid }
    };
    // The first stop is the SIGTRAP that follows a traced execve.
    if !wait(&mut status) || !libc::WIFSTOPPED(status) {
        return Err(fail("no stop at exec"));
    }
    let options = libc::PTRACE_O_TRACEEXIT | libc::PTRACE_O_EXITKILL;
    // SAFETY: pid is our stopped tracee.
    unsafe {
        if libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, options) == -1 {
            return Err(fail("PTRACE_SETOPTIONS"));
        }
        libc::ptrace(libc::PTRACE_CONT, pid, 0, 0);
    }
    let mut hwm = None;
    while wait(&mut status) && libc::WIFSTOPPED(status) {
        let mut signal = libc::WSTOPSIG(status);
        if status >> 8 == libc::SIGTRAP | (libc::PTRACE_EVENT_EXIT << 8) {
            let proc_status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            hwm = proc_status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .map(str::to_string);
            signal = 0;
        }
        // SAFETY: pid is our stopped tracee; a signal that stopped it is
        // passed on.
        unsafe { libc::ptrace(libc::PTRACE_CONT, pid, 0, signal) };
    }
    let hwm = hwm.ok_or_else(|| fail("no VmHWM at exit"))?;
    let kib = hwm.trim().trim_end_matches("kB").trim();
    kib.parse()
        .map_err(|_| format!("{}: bad VmHWM line: {hwm}", path.display()))
}

/// System calls from execve to exit, every thread included: the total of
/// `strace -f -c`.
pub fn syscalls(path: &Path) -> Result<f64, String> {
    let text = report_of("strace.txt", |log| {
        let mut cmd = Command::new("strace");
        cmd.args(["-f", "-c", "-o"]).arg(log).arg(path);
        cmd
    })?;
    parse_strace_total(&text).ok_or_else(|| format!("no total line in strace -c output:\n{text}"))
}

/// The calls column of strace -c's `total` line: `% time, seconds,
/// usecs/call, calls, [errors,] total`.
fn parse_strace_total(text: &str) -> Option<f64> {
    let fields: Vec<&str> = text
        .lines()
        .find(|l| l.trim_end().ends_with(" total"))?
        .split_whitespace()
        .collect();
    fields.get(3)?.parse().ok()
}

/// The size in bytes of `path` after `strip`.
pub fn stripped_size(path: &Path) -> Result<f64, String> {
    let out = scratch("stripped");
    output(Command::new("strip").arg("-o").arg(&out).arg(path))?;
    let len = fs::metadata(&out)
        .map_err(|e| format!("{}: {e}", out.display()))?
        .len();
    let _ = fs::remove_file(&out);
    Ok(len as f64)
}

/// The software counters perf stat reports for a benchmark command
/// (averaged over `repeat` runs), as (event, value); an error says why there
/// are none (perf missing, or not allowed on this machine).
pub fn perf_stat(cmd: &Command, repeat: u32) -> Result<Vec<(String, f64)>, String> {
    let text = report_of("perf.csv", |log| {
        let mut perf = Command::new("perf");
        perf.args(
            "stat -x , -e task-clock,context-switches,cpu-migrations,page-faults -r".split(' '),
        )
        .arg(repeat.to_string())
        .arg("-o")
        .arg(log)
        .arg("--")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))));
        perf
    })?;
    // Lines are `value,unit,event,...`; `<not supported>` values are dropped.
    let counters: Vec<_> = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let event = match f.get(1)? {
                &"" => f.get(2)?.to_string(),
                unit => format!("{} ({unit})", f.get(2)?),
            };
            Some((event, f.first()?.parse().ok()?))
        })
        .collect();
    if counters.is_empty() {
        Err(format!("perf stat counted nothing: {}", text.trim()))
    } else {
        Ok(counters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperfine_medians_in_ms() {
        let csv = "command,mean,stddev,median,user,system,min,max\n\
                   target/release/hello,0.0003,0.00001,0.00025,0.0001,0.0002,0.0002,0.0009\n\
                   /a,b/hello,0.001,0.0001,0.0012,0.0005,0.0004,0.0009,0.002\n";
        let m = parse_hyperfine_csv(csv).unwrap();
        assert_eq!(m.len(), 2);
        assert!(
            (m[0] - 0.25).abs() < 1e-9 && (m[1] - 1.2).abs() < 1e-9,
            "{m:?}"
        );
    }

    #[test]
    fn strace_total_with_and_without_errors() {
        let with = "% time     seconds  usecs/call     calls    errors syscall\n\
                    ------ ----------- ----------- --------- --------- ----------------\n\
                    100.00    0.000020           1        21         1 total\n";
        assert_eq!(parse_strace_total(with), Some(21.0));
        let without = "100.00    0.000000           0         1           total\n";
        assert_eq!(parse_strace_total(without), Some(1.0));
    }

    #[test]
    fn peak_rss_of_a_real_program() {
        // /bin/true is dynamically linked: more than 100 KiB, far less than a GiB.
        let kib = peak_rss_kib(Path::new("/bin/true")).unwrap();
        assert!(kib > 100.0 && kib < 1048576.0, "{kib}");
    }
}
