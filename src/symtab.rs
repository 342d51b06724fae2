//! From a pc to a function name and a file:line (Go's symtab.go).
//!
//! Go's binaries carry their own pc tables in memory. A gort program has
//! the ELF symbol table and the DWARF debug info the release profile keeps
//! (`debug = true, strip = false`), but neither is in a loaded segment. So
//! the first traceback maps the program's own file, /proc/self/exe,
//! read-only, and reads them from there: `.symtab`/`.strtab` for the
//! function containing a pc, and `.debug_line`/`.debug_info` (dwarf.rs)
//! for its file:line and the functions inlined into it. Nothing here
//! allocates: the map comes straight from mmap, and lookups walk the
//! tables in place (slow, but only a dying program asks).
//!
//! A stripped program has neither: its frames print as `?`, and count as
//! the program's own, never hidden (see traceback.rs).

use core::cell::UnsafeCell;
use core::fmt;
use core::sync::atomic::{AtomicU32, Ordering};

use rustix::fs::{Mode, OFlags};
use rustix::mm::{MapFlags, ProtFlags};

/// The sections of the program's own ELF file that symbolization reads.
#[derive(Clone, Copy, Default)]
pub struct Image {
    pub symtab: &'static [u8],
    pub strtab: &'static [u8],
    pub debug_line: &'static [u8],
    pub debug_info: &'static [u8],
    pub debug_abbrev: &'static [u8],
    pub debug_str: &'static [u8],
    pub debug_line_str: &'static [u8],
    pub debug_ranges: &'static [u8],
}

const UNLOADED: u32 = 0;
const LOADING: u32 = 1;
const LOADED: u32 = 2;

/// UNLOADED, then LOADING by one thread, then LOADED (with whatever could
/// be read) for good.
static STATE: AtomicU32 = AtomicU32::new(UNLOADED);
static IMAGE: ImageCell = ImageCell(UnsafeCell::new(None));

struct ImageCell(UnsafeCell<Option<Image>>);
// SAFETY: written once by the thread that moved STATE to LOADING, read
// only after STATE is LOADED (Release/Acquire).
unsafe impl Sync for ImageCell {}

/// The program's image, mapped on first use. None if it cannot be read,
/// or while another thread maps it (a second crash does without).
pub fn image() -> Option<Image> {
    if STATE.compare_exchange(UNLOADED, LOADING, Ordering::Acquire, Ordering::Acquire).is_ok() {
        // SAFETY: only this thread writes, and no one reads before LOADED.
        unsafe { *IMAGE.0.get() = load() };
        STATE.store(LOADED, Ordering::Release);
    }
    if STATE.load(Ordering::Acquire) != LOADED {
        return None;
    }
    // SAFETY: LOADED: written for good.
    unsafe { *IMAGE.0.get() }
}

/// Maps /proc/self/exe and finds its sections.
#[cold]
#[inline(never)]
fn load() -> Option<Image> {
    let fd = rustix::fs::open(c"/proc/self/exe", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let len = rustix::fs::fstat(&fd).ok()?.st_size as usize;
    // SAFETY: a fresh private read-only mapping aliases nothing; it is
    // never unmapped, so the 'static slices into it stay valid.
    let file: &'static [u8] = unsafe {
        let p = rustix::mm::mmap(core::ptr::null_mut(), len, ProtFlags::READ, MapFlags::PRIVATE, &fd, 0).ok()?;
        core::slice::from_raw_parts(p.cast::<u8>(), len)
    };
    // ELF64: e_shoff at 0x28, e_shentsize 0x3a, e_shnum 0x3c, e_shstrndx 0x3e.
    if file.get(..4)? != b"\x7fELF" {
        return None;
    }
    let shoff = le64(file, 0x28)? as usize;
    let (shentsize, shnum, shstrndx) =
        (le16(file, 0x3a)? as usize, le16(file, 0x3c)? as usize, le16(file, 0x3e)? as usize);
    let section = |i: usize| -> Option<(u32, u32, &'static [u8], u32)> {
        let h = file.get(shoff + i * shentsize..shoff + (i + 1) * shentsize)?;
        let (name, kind, link) = (le32(h, 0)?, le32(h, 4)?, le32(h, 40)?);
        let (off, size) = (le64(h, 24)? as usize, le64(h, 32)? as usize);
        let data = if kind == 8 { &[][..] } else { file.get(off..off + size)? }; // SHT_NOBITS
        Some((name, kind, data, link))
    };
    let shstr = section(shstrndx)?.2;
    let mut img = Image::default();
    for i in 0..shnum {
        let (name, kind, data, link) = section(i)?;
        match cstr(shstr, name as usize) {
            b".symtab" if kind == 2 => {
                img.symtab = data;
                img.strtab = section(link as usize)?.2;
            }
            b".debug_line" => img.debug_line = data,
            b".debug_info" => img.debug_info = data,
            b".debug_abbrev" => img.debug_abbrev = data,
            b".debug_str" => img.debug_str = data,
            b".debug_line_str" => img.debug_line_str = data,
            b".debug_ranges" => img.debug_ranges = data,
            _ => {}
        }
    }
    Some(img)
}

/// A function found by pc: its (mangled) symbol name and entry.
#[derive(Clone, Copy)]
pub struct Func {
    pub name: &'static [u8],
    pub entry: usize,
}

/// Go's findfunc: the function symbol containing pc, or else the nearest
/// symbol below it (asm labels have no size).
pub fn findfunc(img: &Image, pc: usize) -> Option<Func> {
    const STT_FUNC: u8 = 2;
    const STT_NOTYPE: u8 = 0;
    let mut best: Option<(usize, u32)> = None;
    for sym in img.symtab.chunks_exact(24) {
        let (kind, shndx) = (sym[4] & 0xf, u16::from_le_bytes([sym[6], sym[7]]));
        let (value, size) = (le64(sym, 8)? as usize, le64(sym, 16)? as usize);
        if shndx == 0 || shndx >= 0xff00 || !(kind == STT_FUNC || kind == STT_NOTYPE) || value > pc {
            continue;
        }
        if kind == STT_FUNC && pc < value + size {
            best = Some((value, le32(sym, 0)?));
            break;
        }
        if size == 0 && best.is_none_or(|(v, _)| value > v) {
            best = Some((value, le32(sym, 0)?));
        }
    }
    let (entry, name) = best?;
    Some(Func { name: cstr(img.strtab, name as usize), entry })
}

/// A symbol name as Go would print it: Rust names demangled without their
/// hash (`hello::main`), others as they are (`goexit`).
pub struct FuncName<'a>(pub &'a [u8]);

impl fmt::Display for FuncName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let s = core::str::from_utf8(self.0).unwrap_or("?");
        match rustc_demangle::try_demangle(s) {
            Ok(d) => write!(f, "{d:#}"),
            Err(_) => f.write_str(s),
        }
    }
}

/// Whether a function is the runtime's, hidden from tracebacks below
/// GOTRACEBACK=system (Go hides package runtime). That is: gort itself,
/// core's panic machinery, unwrap and bounds failures and closure-call
/// shims (Go's gopanic, panicIndex and wrappers), the panic handler, and
/// every unmangled symbol (the asm,
/// the runtime's `#[no_mangle]` entry points, and gort::main!'s glue:
/// the program's own `main` is a frame of its own, see lib.rs).
pub fn is_runtime(name: &[u8]) -> bool {
    let s = core::str::from_utf8(name).unwrap_or("");
    let Ok(d) = rustc_demangle::try_demangle(s) else {
        return true;
    };
    let mut buf = PrefixBuf { buf: [0; 48], len: 0 };
    let _ = fmt::write(&mut buf, format_args!("{d:#}"));
    let p = &buf.buf[..buf.len];
    const RUNTIME: [&[u8]; 7] = [
        b"gort::",
        b"core::panicking::",
        b"core::ops::function::",
        b"__rustc::",
        b"<gort::",
        b"core::option::unwrap_failed",
        b"core::result::unwrap_failed",
    ];
    // core's out-of-line bounds failures (slice_end_index_len_fail & co).
    let slice_fail = p.starts_with(b"core::slice::index::") && p.ends_with(b"_fail");
    slice_fail || RUNTIME.iter().any(|r| p.starts_with(r))
}

/// The first bytes of a formatted name.
struct PrefixBuf {
    buf: [u8; 48],
    len: usize,
}

impl fmt::Write for PrefixBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// The NUL-terminated string at `off` in a string table.
pub fn cstr(tab: &'static [u8], off: usize) -> &'static [u8] {
    let s = tab.get(off..).unwrap_or(&[]);
    &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())]
}

pub fn le16(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(off..off + 2)?.try_into().ok()?))
}

pub fn le32(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(off..off + 4)?.try_into().ok()?))
}

pub fn le64(b: &[u8], off: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(off..off + 8)?.try_into().ok()?))
}
