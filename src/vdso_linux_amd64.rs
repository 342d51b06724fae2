//! The vDSO: the kernel's own code mapped into every process, which
//! reads the clock without a system call (Go's vdso_linux.go).
//!
//! The auxv gives the vDSO's ELF header (AT_SYSINFO_EHDR). From it we
//! find the dynamic section, then the symbol table, and look up
//! `__vdso_clock_gettime` (version LINUX_2.6). If anything is missing,
//! nanotime falls back to the clock_gettime system call.

use core::ffi::CStr;
use core::sync::atomic::{AtomicUsize, Ordering};

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const DT_NULL: i64 = 0;
const DT_HASH: i64 = 4;
const DT_STRTAB: i64 = 5;
const DT_SYMTAB: i64 = 6;
const STT_FUNC: u8 = 2;

#[repr(C)]
struct Ehdr {
    ident: [u8; 16],
    typ: u16,
    machine: u16,
    version: u32,
    entry: u64,
    phoff: u64,
    shoff: u64,
    flags: u32,
    ehsize: u16,
    phentsize: u16,
    phnum: u16,
    shentsize: u16,
    shnum: u16,
    shstrndx: u16,
}

#[repr(C)]
struct Phdr {
    typ: u32,
    flags: u32,
    offset: u64,
    vaddr: u64,
    paddr: u64,
    filesz: u64,
    memsz: u64,
    align: u64,
}

#[repr(C)]
struct Dyn {
    tag: i64,
    val: u64,
}

#[repr(C)]
struct Sym {
    name: u32,
    info: u8,
    other: u8,
    shndx: u16,
    value: u64,
    size: u64,
}

/// `__vdso_clock_gettime`, or 0 if the vDSO lacks it.
static CLOCK_GETTIME: AtomicUsize = AtomicUsize::new(0);

/// The vDSO's clock_gettime(clockid, *timespec) -> 0 or -errno.
pub type ClockGettime = unsafe extern "C" fn(clock: i32, ts: *mut [i64; 2]) -> i32;

/// The vDSO's clock_gettime, if vdsoauxv found it.
pub fn clock_gettime() -> Option<ClockGettime> {
    let f = CLOCK_GETTIME.load(Ordering::Relaxed);
    // SAFETY: only vdsoauxv stores here, the address of a function with
    // this signature in the kernel-mapped vDSO.
    (f != 0).then(|| unsafe { core::mem::transmute::<usize, ClockGettime>(f) })
}

/// Go's vdsoauxv: find the vDSO's symbols, given its ELF header from the
/// auxv. Runs in args, before anything reads the clock.
///
/// # Safety
/// `ehdr` is the AT_SYSINFO_EHDR value the kernel passed: a mapped ELF image.
pub unsafe fn vdsoauxv(ehdr: usize) {
    if ehdr == 0 {
        return;
    }
    // SAFETY: the caller vouches for the image; every offset below comes
    // from its own headers, as the kernel laid them out.
    unsafe {
        let eh = &*(ehdr as *const Ehdr);
        if eh.ident[..4] != *b"\x7fELF" {
            return;
        }
        let phdrs = core::slice::from_raw_parts((ehdr + eh.phoff as usize) as *const Phdr, eh.phnum as usize);
        // The image is loaded at ehdr; its addresses are relative to the
        // PT_LOAD that maps offset 0.
        let Some(load) = phdrs.iter().find(|p| p.typ == PT_LOAD) else { return };
        let bias = ehdr.wrapping_add(load.offset as usize).wrapping_sub(load.vaddr as usize);
        let Some(dynamic) = phdrs.iter().find(|p| p.typ == PT_DYNAMIC) else { return };
        let (mut symtab, mut strtab, mut hash) = (0, 0, 0);
        let mut d = bias.wrapping_add(dynamic.vaddr as usize) as *const Dyn;
        while (*d).tag != DT_NULL {
            let addr = bias.wrapping_add((*d).val as usize);
            match (*d).tag {
                DT_SYMTAB => symtab = addr,
                DT_STRTAB => strtab = addr,
                DT_HASH => hash = addr,
                _ => {}
            }
            d = d.add(1);
        }
        if symtab == 0 || strtab == 0 || hash == 0 {
            return;
        }
        // DT_HASH: nbucket, nchain, ...; nchain is the number of symbols.
        let nsyms = *(hash as *const u32).add(1) as usize;
        let syms = core::slice::from_raw_parts(symtab as *const Sym, nsyms);
        for s in syms {
            if s.info & 0xf != STT_FUNC || s.shndx == 0 {
                continue;
            }
            let name = CStr::from_ptr((strtab + s.name as usize) as *const core::ffi::c_char);
            if name.to_bytes() == b"__vdso_clock_gettime" {
                CLOCK_GETTIME.store(bias.wrapping_add(s.value as usize), Ordering::Relaxed);
                return;
            }
        }
    }
}
