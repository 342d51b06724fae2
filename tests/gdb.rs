//! What a learner sees in gdb: the entry stepped in asm source, the
//! bootstrap breakpoints hit in Go's order, and the TLS slot holding g0.

mod common;
use common::*;

/// Runs gdb in batch mode on hello with the given commands.
fn gdb(cmds: &[&str]) -> String {
    let mut args = vec!["-nx".to_string(), "-batch".to_string()];
    for c in ["set pagination off", "set confirm off"].iter().chain(cmds) {
        args.push("-ex".into());
        args.push(c.to_string());
    }
    args.push(bin!("hello").display().to_string());
    tool("gdb", &args)
}

#[test]
fn entry_stops_in_the_asm_source_with_argc_on_the_stack() {
    let out = gdb(&[
        "break _rt0_amd64_linux",
        "run a b",
        "info line *$pc",
        "x/gx $rsp",
        "stepi",
        "info line *$pc",
        "stepi",
        "info line *$pc",
        "kill",
    ]);
    assert!(
        out.contains("Breakpoint 1, _rt0_amd64_linux () at asm/rt0_linux_amd64.s:"),
        "stopped at a line of the asm source:\n{out}"
    );
    // argc = 3: the program and two arguments.
    assert!(out.lines().any(|l| l.ends_with(":\t0x0000000000000003")), "argc at 0(%rsp):\n{out}");
    // Each stepi lands on a later line of the same .s file.
    let lines: Vec<u32> = out
        .lines()
        .filter_map(|l| l.strip_prefix("Line "))
        .filter(|l| l.contains("of \"asm/rt0_linux_amd64.s\""))
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0] < lines[1] && lines[1] < lines[2], "stepi moves through source lines: {lines:?}\n{out}");
}

#[test]
fn bootstrap_breakpoints_are_hit_in_gos_order() {
    let names = ["rt0_go", "schedinit", "mstart", "schedule", "runtime_main", "main_main"];
    let mut cmds: Vec<String> = names.iter().map(|n| format!("break {n}")).collect();
    cmds.push("run".into());
    // Other threads (sysmon's M) hit some too: continue past them all.
    cmds.extend(std::iter::repeat_n("continue".to_string(), 4 * names.len()));
    let cmds: Vec<&str> = cmds.iter().map(String::as_str).collect();
    let out = gdb(&cmds);
    // Breakpoint k is names[k-1]; list the main thread's hits in order.
    // gdb says "Breakpoint k, ..." while there is one thread and
    // "Thread n "hello" hit Breakpoint k, ..." once there are more.
    let hits: Vec<usize> = out
        .lines()
        .filter_map(|l| match l.strip_prefix("Thread ") {
            Some(rest) if rest.starts_with("1 ") => rest.split_once("hit Breakpoint ").map(|(_, b)| b),
            Some(_) => None,
            None => l.strip_prefix("Breakpoint "),
        })
        .filter_map(|l| l.split_once(", ").and_then(|(n, _)| n.parse::<usize>().ok()))
        .collect();
    assert_eq!(hits, [1, 2, 3, 4, 5, 6], "{out}");
    // main ran to its end. (How gdb then reports the exit varies: with a
    // second thread stopped, it can lose track of an exit_group.)
    assert!(out.contains("hello, world"), "{out}");
}

#[test]
fn at_schedinit_fs_minus_8_holds_g0() {
    let out = gdb(&["break schedinit", "run", "x/gx $fs_base - 8", "print &g0", "kill"]);
    // x/gx prints "0xADDR <m0+8>:\t0xVALUE"; print prints "... 0xADDR <g0>".
    let slot = out
        .lines()
        .find(|l| l.contains("<m0+8>:"))
        .unwrap_or_else(|| panic!("$fs_base-8 is m0.tls[0]:\n{out}"));
    let value = slot.rsplit('\t').next().unwrap().trim();
    let g0 = out
        .lines()
        .find(|l| l.ends_with("<g0>"))
        .and_then(|l| l.split_whitespace().rev().nth(1))
        .unwrap_or_else(|| panic!("print &g0:\n{out}"));
    assert_eq!(u64::from_str_radix(&value[2..], 16).unwrap(), u64::from_str_radix(&g0[2..], 16).unwrap(), "{out}");
}

#[test]
fn main_goroutine_runs_on_its_own_stack_called_from_goexit() {
    let out = gdb(&["break runtime_main", "run", "bt", "print $rsp", "print g0.stack", "kill"]);
    // Goroutine 1's outermost frame is goexit, as in Go.
    assert!(out.contains(" in goexit () at asm/asm_amd64.s:"), "{out}");
    let rsp = out
        .lines()
        .find(|l| l.contains("(*mut ()) 0x") || l.contains("(void *) 0x"))
        .and_then(|l| l.split("0x").nth(1))
        .map(|h| u64::from_str_radix(h.split_whitespace().next().unwrap(), 16).unwrap())
        .unwrap_or_else(|| panic!("print $rsp:\n{out}"));
    let stack = out.lines().find(|l| l.contains("lo:")).unwrap_or_else(|| panic!("{out}"));
    let num = |k: &str| -> u64 {
        let v = stack.split(&format!("{k}: ")).nth(1).unwrap();
        v.trim_end_matches(['}', ' ']).split([',', ' ']).next().unwrap().parse().unwrap()
    };
    let (lo, hi) = (num("lo"), num("hi"));
    assert!(!(lo..hi).contains(&rsp), "runtime_main must not run on g0's stack [{lo:#x}, {hi:#x}): rsp={rsp:#x}\n{out}");
}

#[test]
fn bt_in_a_signal_handler_passes_through_the_signal_frame() {
    // Deliver SIGUSR1 while main_main runs; the handler (sigtramp ->
    // sighandler) runs on the gsignal stack, and gdb recognises the
    // restorer, so bt walks on into the interrupted goroutine.
    let out = gdb(&["break main_main", "run", "break sighandler", "signal SIGUSR1", "bt", "kill"]);
    let bt: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
    let at = |name: &str| bt.iter().position(|l| l.contains(name)).unwrap_or_else(|| panic!("{name} in bt:\n{out}"));
    let (handler, tramp, frame, main) = (at("sighandler"), at("sigtramp"), at("<signal handler called>"), at("main_main"));
    assert!(handler < tramp && tramp < frame && frame < main, "{out}");
    assert!(bt.iter().any(|l| l.contains("goexit")), "down to goexit: {out}");
}
