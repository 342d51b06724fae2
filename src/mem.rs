//! The memory functions core expects from a C library: memcpy, memmove,
//! memset, memcmp, bcmp, strlen.
//!
//! The bodies are inline asm (the x86 string instructions), so LLVM
//! cannot recognise a loop and turn it back into a call to the very
//! function being defined. `gort::main!` exports them under their C names
//! from each program; the library never does, or it would replace glibc's
//! in the host test binaries.

use core::arch::asm;

/// # Safety
/// As C's memcpy: `n` bytes at `src` readable, at `dst` writable, not
/// overlapping.
pub unsafe fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract; rep movsb copies exactly n bytes
    // forward (the direction flag is clear throughout gort).
    unsafe {
        asm!("rep movsb", inout("rcx") n => _, inout("rdi") dst => _, inout("rsi") src => _,
             options(nostack, preserves_flags));
    }
    dst
}

/// # Safety
/// As C's memmove: `n` bytes at `src` readable, at `dst` writable.
pub unsafe fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dst as usize).wrapping_sub(src as usize) >= n {
        // dst is below src, or past its end: a forward copy is safe.
        // SAFETY: the caller's contract; see above.
        return unsafe { memcpy(dst, src, n) };
    }
    // Overlap with dst above src: copy backwards, from the last byte.
    // SAFETY: the caller's contract; std/cld bracket the backward copy.
    unsafe {
        asm!("std", "rep movsb", "cld",
             inout("rcx") n => _, inout("rdi") dst.add(n).wrapping_sub(1) => _,
             inout("rsi") src.add(n).wrapping_sub(1) => _, options(nostack));
    }
    dst
}

/// # Safety
/// As C's memset: `n` bytes at `dst` writable.
pub unsafe fn memset(dst: *mut u8, c: i32, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract.
    unsafe {
        asm!("rep stosb", inout("rcx") n => _, inout("rdi") dst => _, in("al") c as u8,
             options(nostack, preserves_flags));
    }
    dst
}

/// # Safety
/// As C's memcmp: `n` bytes readable at `a` and `b`.
pub unsafe fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i < n {
        // SAFETY: i < n, within both buffers by the caller's contract.
        let (x, y) = unsafe { (a.add(i).read_volatile(), b.add(i).read_volatile()) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

/// # Safety
/// `s` points to a NUL-terminated string.
pub unsafe fn strlen(s: *const u8) -> usize {
    let mut n = 0;
    // SAFETY: the string continues until its NUL, which stops the loop.
    while unsafe { s.add(n).read_volatile() } != 0 {
        n += 1;
    }
    n
}
