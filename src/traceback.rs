//! Printing stacks the way Go does (Go's traceback.go).
//!
//! gort walks frame pointers: every Rust function is built with them
//! (.cargo/config.toml) and the asm keeps the %rbp chain, so a frame's
//! saved %rbp sits at 0(%rbp) and its return address at 8(%rbp). The walk
//! stays inside the stack it started on and stops at a zero or
//! non-increasing %rbp, at goexit, every goroutine's outermost frame, or
//! at the restorer a signal handler returns into.
//!
//! Each frame prints as Go prints one, a function line and a tab-indented
//! location:
//!
//! ```text
//! panicmain::main(...)
//!         /path/tests/testprog/panicmain.rs:9 +0x3b
//! ```
//!
//! Rust names are demangled without their hash, and always followed by
//! `(...)`: gort does not know the arguments (Go prints `(...)` for
//! frames whose arguments it elides). A frame the compiler inlined into
//! another prints as a frame of its own, its location without `+0x..`,
//! as Go does. A function without debug info prints `?:0`, and a pc in no
//! function prints `?(...)` (see symtab.rs) and is never hidden. Below
//! GOTRACEBACK=system the runtime's frames are left out
//! (symtab::is_runtime); at system and above every frame also shows
//! ` fp=0x.. sp=0x.. pc=0x..`, where fp is the frame's %rbp + 16 (its
//! caller's sp; 0 for the outermost frame) and sp is the frame's lowest
//! address known.
//!
//! A stack deeper than 100 frames prints its innermost 50 and outermost
//! 50, with `...N frames elided...` between.
//!
//! Nothing here allocates or takes a lock that a crashing program may
//! hold, except the allgs lock, which tracebackothers only tries.

use core::fmt::Write;
use core::sync::atomic::Ordering;

use crate::dwarf::{self, Inlined, MAX_INLINE};
use crate::print::FdWriter;
use crate::runtime2::{G, Gstatus, Stack, WaitReason};
use crate::symtab::{self, FuncName, Image};

/// Frames printed at each end of a deep stack (Go's tracebackInnerFrames
/// and tracebackOuterFrames).
const INNER_FRAMES: usize = 50;
const OUTER_FRAMES: usize = 50;

unsafe extern "C" {
    /// Where a goroutine parked by mcall resumes (asm/asm_amd64.s).
    fn mcall_return();
    fn goexit();
    fn sigreturn__sigaction();
}

/// A physical frame: the pc it is at (a return address except for the
/// innermost frame of a trap), its %rbp, and the lowest stack address
/// known to be in it.
#[derive(Clone, Copy)]
struct Frame {
    pc: usize,
    bp: usize,
    sp: usize,
}

/// Walks the %rbp chain from `first`, staying within `stk`.
fn frames(first: Frame, stk: Stack) -> impl Iterator<Item = Frame> {
    let mut next = Some(first);
    core::iter::from_fn(move || {
        let f = next?;
        let bp = f.bp;
        next = if bp % 8 == 0 && bp >= stk.lo && bp.saturating_add(16) <= stk.hi {
            // SAFETY: bp and bp+8 lie inside the stack being walked, which
            // is mapped (reserved pages read as zero).
            let (caller_bp, ret) = unsafe { (*(bp as *const usize), *((bp + 8) as *const usize)) };
            let up = caller_bp == 0 || caller_bp > bp;
            (ret != 0 && up).then_some(Frame { pc: ret, bp: caller_bp, sp: bp + 16 })
        } else {
            None
        };
        Some(f)
    })
}

/// Whether pc is in goexit, the bottom of every goroutine.
fn is_goexit(pc: usize) -> bool {
    let g = goexit as *const () as usize;
    (g..g + 8).contains(&pc)
}

/// Whether pc is the restorer a signal handler returns into.
fn is_sigreturn(pc: usize) -> bool {
    pc == sigreturn__sigaction as *const () as usize
}

/// How a traceback prints.
#[derive(Clone, Copy)]
pub struct Printer {
    /// GOTRACEBACK's level: 2 and up shows runtime frames and fp/sp/pc.
    pub level: u32,
}

impl Printer {
    /// Go's traceback: the frames of a stack from (pc, sp, bp), where pc
    /// is where the innermost frame is (`exact`: a trapping instruction,
    /// not a return address) and bp its frame pointer. Then, for a
    /// goroutine, `created by`.
    pub fn traceback(&self, w: &mut FdWriter, first: (usize, usize, usize), exact: bool, stk: Stack, gp: *const G) {
        let img = symtab::image();
        let (pc, sp, bp) = first;
        let start = Frame { pc, bp, sp };
        let total = frames(start, stk).take_while(|f| !is_goexit(f.pc)).count();
        for (i, f) in frames(start, stk).enumerate() {
            if is_goexit(f.pc) || is_sigreturn(f.pc) {
                // The bottom of a goroutine, or of a signal handler's
                // stack: the kernel's signal frame is above.
                if self.level >= 2 {
                    self.frame(w, img.as_ref(), f, is_sigreturn(f.pc));
                }
                break;
            }
            if total > INNER_FRAMES + OUTER_FRAMES {
                if i == INNER_FRAMES {
                    let _ = writeln!(w, "...{} frames elided...", total - INNER_FRAMES - OUTER_FRAMES);
                }
                if (INNER_FRAMES..total - OUTER_FRAMES).contains(&i) {
                    continue;
                }
            }
            self.frame(w, img.as_ref(), f, exact && i == 0);
        }
        if !gp.is_null() {
            self.createdby(w, img.as_ref(), gp);
        }
    }

    /// Prints the logical frames of one physical frame: the functions
    /// inlined at its pc, innermost first, then the function itself.
    fn frame(&self, w: &mut FdWriter, img: Option<&Image>, f: Frame, exact: bool) {
        // A return address is one past the call: look up the call itself.
        let lookup = if exact { f.pc } else { f.pc - 1 };
        let Some(img) = img else {
            let _ = writeln!(w, "?(...)\n\t?:0 pc={:#x}", f.pc);
            return;
        };
        let func = symtab::findfunc(img, lookup);
        let mut chain = [Inlined::default(); MAX_INLINE];
        let (n, stmt_list) = dwarf::inline_chain(img, lookup as u64, &mut chain);
        let program = stmt_list.and_then(|off| dwarf::program_at(img, off));
        let line = dwarf::pcline(img, lookup as u64);
        for k in (0..n.max(1)).rev() {
            let name = if k == 0 { func.map(|f| f.name).or(chain[0].name) } else { chain[k].name };
            // A function without a name (a stripped program) is shown:
            // it may well be the program's.
            if self.level < 2 && name.is_some_and(symtab::is_runtime) {
                continue;
            }
            let name = name.unwrap_or(b"?");
            let _ = writeln!(w, "{}(...)", FuncName(name));
            w.write_bytes(b"\t");
            let known = if k + 1 == n.max(1) {
                line.and_then(|l| {
                    dwarf::write_file(w, img, &l.program, l.file)?;
                    let _ = write!(w, ":{}", l.line);
                    Some(())
                })
            } else {
                program.and_then(|p| {
                    dwarf::write_file(w, img, &p, chain[k + 1].call_file)?;
                    let _ = write!(w, ":{}", chain[k + 1].call_line);
                    Some(())
                })
            };
            if known.is_none() {
                w.write_bytes(b"?:0");
            }
            if k == 0 {
                match func {
                    Some(func) => {
                        let _ = write!(w, " +{:#x}", f.pc - func.entry);
                    }
                    None => {
                        let _ = write!(w, " pc={:#x}", f.pc);
                    }
                }
                if self.level >= 2 {
                    // The outermost frame (%rbp 0) has no caller's sp.
                    let fp = if f.bp == 0 { 0 } else { f.bp + 16 };
                    let _ = write!(w, " fp={fp:#x} sp={:#x} pc={:#x}", f.sp, f.pc);
                }
            }
            w.write_bytes(b"\n");
        }
    }

    /// Go's printcreatedby: `created by FN in goroutine N` and where
    /// (`?` and `?:0 pc=0x..` when the program has no symbols).
    fn createdby(&self, w: &mut FdWriter, img: Option<&Image>, gp: *const G) {
        // SAFETY: gp is a G the caller keeps alive (allgs lock, or the
        // running goroutine); its identity fields are fixed while it lives.
        let (goid, parent, gopc) = unsafe { ((*gp).goid, (*gp).parent_goid, (*gp).gopc) };
        if gopc == 0 || goid == 1 {
            return;
        }
        let func = img.and_then(|img| symtab::findfunc(img, gopc - 1));
        let mut chain = [Inlined::default(); MAX_INLINE];
        let n = img.map_or(0, |img| dwarf::inline_chain(img, gopc as u64 - 1, &mut chain).0);
        let name = if n > 1 { chain[n - 1].name.or(func.map(|f| f.name)) } else { func.map(|f| f.name) };
        if self.level < 2 && name.is_some_and(symtab::is_runtime) {
            return;
        }
        let _ = write!(w, "created by {}", FuncName(name.unwrap_or(b"?")));
        if parent != 0 {
            let _ = write!(w, " in goroutine {parent}");
        }
        w.write_bytes(b"\n\t");
        let known = img.and_then(|img| {
            let l = dwarf::pcline(img, gopc as u64 - 1)?;
            dwarf::write_file(w, img, &l.program, l.file)?;
            let _ = write!(w, ":{}", l.line);
            Some(())
        });
        if known.is_none() {
            w.write_bytes(b"?:0");
        }
        match func {
            Some(func) => {
                let _ = writeln!(w, " +{:#x}", gopc - func.entry);
            }
            None => {
                let _ = writeln!(w, " pc={gopc:#x}");
            }
        }
    }

    /// The traceback of a goroutine that is not running: from where it
    /// parked (mcall saved its registers and left sched.bp as its
    /// caller's frame pointer, the return address six words up), or from
    /// its entry if it never ran.
    pub fn traceback_parked(&self, w: &mut FdWriter, gp: *const G) {
        // SAFETY: gp is not running, so its gobuf and stack stay as they
        // are; the caller keeps it alive.
        let (sched, stk) = unsafe { ((*gp).sched, (*gp).stack) };
        if sched.pc == mcall_return as *const () as usize {
            let sp = sched.sp + 6 * 8;
            if sp + 8 > stk.hi || sp < stk.lo {
                return;
            }
            // SAFETY: inside gp's stack: mcall's caller's return address.
            let ret = unsafe { *(sp as *const usize) };
            self.traceback(w, (ret, sp + 8, sched.bp), false, stk, gp);
        } else {
            self.traceback(w, (sched.pc, sched.sp, 0), true, stk, gp);
        }
    }

    /// Go's goroutineheader: `goroutine N [status]:`, the status being the
    /// wait reason of a waiting goroutine, plus `, locked to thread`; at
    /// level 2 and up also `gp=0x.. m=N mp=0x..` (or `m=nil`).
    pub fn goroutineheader(&self, w: &mut FdWriter, gp: *const G) {
        // SAFETY: the caller keeps gp alive; a racy status read only
        // affects the words printed.
        let g = unsafe { &*gp };
        let status = Gstatus::from_u32(g.atomicstatus.load(Ordering::Acquire));
        let what = match status {
            Gstatus::Waiting if g.waitreason != WaitReason::Zero => g.waitreason.as_str(),
            Gstatus::Waiting => "waiting",
            Gstatus::Runnable => "runnable",
            Gstatus::Running => "running",
            Gstatus::Syscall => "syscall",
            Gstatus::Idle => "idle",
            Gstatus::Dead => "dead",
        };
        let _ = write!(w, "goroutine {}", g.goid);
        if self.level >= 2 {
            let _ = write!(w, " gp={gp:p}");
            if g.m.is_null() {
                w.write_bytes(b" m=nil");
            } else {
                // SAFETY: an M lives as long as the process once made.
                let _ = write!(w, " m={} mp={:p}", unsafe { (*g.m).id }, g.m);
            }
        }
        let locked = if g.lockedm.is_null() { "" } else { ", locked to thread" };
        let _ = writeln!(w, " [{what}{locked}]:");
    }

    /// Go's tracebackothers: every goroutine but `me` (and system ones
    /// below level 2), each after a blank line. A goroutine running on
    /// another thread has no stack to show.
    pub fn tracebackothers(&self, w: &mut FdWriter, me: *const G) {
        crate::proc::for_each_g_dying(|gp| {
            // SAFETY: for_each_g_dying keeps gp alive.
            let g = unsafe { &*gp };
            let status = Gstatus::from_u32(g.atomicstatus.load(Ordering::Acquire));
            if core::ptr::eq(gp, me) || matches!(status, Gstatus::Dead | Gstatus::Idle) || (g.system && self.level < 2) {
                return;
            }
            w.write_bytes(b"\n");
            self.goroutineheader(w, gp);
            if status == Gstatus::Running {
                w.write_bytes(b"\tgoroutine running on other thread; stack unavailable\n");
                self.createdby(w, symtab::image().as_ref(), gp);
            } else {
                self.traceback_parked(w, gp);
            }
            w.flush(); // a failure further on loses only its own section
        });
    }
}

/// The frames of a stack from (pc, bp) by pc alone, as `?(...)` and
/// `\t?:0 pc=0x..` lines: for a report that failed once already, so it
/// reads neither the symbols nor DWARF. At most 100 frames.
pub fn traceback_raw(w: &mut FdWriter, first: (usize, usize), stk: Stack) {
    let (pc, bp) = first;
    for f in frames(Frame { pc, bp, sp: 0 }, stk).take(INNER_FRAMES + OUTER_FRAMES) {
        let _ = writeln!(w, "?(...)\n\t?:0 pc={:#x}", f.pc);
        if is_goexit(f.pc) || is_sigreturn(f.pc) {
            break;
        }
    }
}
