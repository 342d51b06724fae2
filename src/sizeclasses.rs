//! Size classes (Go's sizeclasses.go): the object sizes small
//! allocations are rounded up to, and how many heap pages a span of each
//! class spans.
//!
//! The sizes are Go's 67 classes (class 0 means "large"): steps of 8 and
//! 16 bytes up to 128, then steps of about an eighth of the size, so past
//! 128 bytes rounding up wastes under 16% of an object, plus every power
//! of two, so any alignment up to 8 KiB has a class. Go generates
//! its table with mksizeclasses.go; here the sizes are written out and
//! everything else is computed from them at compile time, with the same
//! rule Go uses for the span size: the fewest 8 KiB pages whose tail (the
//! bytes too few for one more object) is at most an eighth of the span.
//! The tests below check both bounds.

/// The heap's page: spans are whole pages, aligned to a page (Go's
/// _PageSize). Twice the kernel's page.
pub const PAGE_SHIFT: usize = 13;
pub const PAGE_SIZE: usize = 1 << PAGE_SHIFT;

/// The largest small object; anything larger gets a span of its own.
pub const MAX_SMALL_SIZE: usize = 32 << 10;

/// Class 0 is no class (large objects); classes 1..NUM_SIZE_CLASSES are
/// small.
pub const NUM_SIZE_CLASSES: usize = 68;

/// Object size of each class, in bytes.
pub const CLASS_TO_SIZE: [u32; NUM_SIZE_CLASSES] = [
    0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416,
    448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456,
    4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432,
    19072, 20480, 21760, 24576, 27264, 28672, 32768,
];

/// Pages in a span of each class.
pub const CLASS_TO_NPAGES: [u8; NUM_SIZE_CLASSES] = {
    let mut t = [0u8; NUM_SIZE_CLASSES];
    let mut c = 1;
    while c < NUM_SIZE_CLASSES {
        let size = CLASS_TO_SIZE[c] as usize;
        let mut span = PAGE_SIZE;
        while span % size > span / 8 {
            span += PAGE_SIZE;
        }
        t[c] = (span / PAGE_SIZE) as u8;
        c += 1;
    }
    t
};

/// Objects moved at once between a P's cache and the central lists: about
/// 64 KiB worth, between 2 and 32 (tcmalloc's num_objects_to_move). A
/// cache keeps at most twice this many free objects of a class.
pub const CLASS_TO_BATCH: [u16; NUM_SIZE_CLASSES] = {
    let mut t = [0u16; NUM_SIZE_CLASSES];
    let mut c = 1;
    while c < NUM_SIZE_CLASSES {
        let n = (64 << 10) / CLASS_TO_SIZE[c] as usize;
        t[c] = if n < 2 {
            2
        } else if n > 32 {
            32
        } else {
            n as u16
        };
        c += 1;
    }
    t
};

/// Sizes up to 1024 map to a class in steps of 8 (Go's size_to_class8)...
const SMALL_SIZE_MAX: usize = 1024;
const SMALL_SIZE_DIV: usize = 8;
/// ...and larger ones in steps of 128 (size_to_class128).
const LARGE_SIZE_DIV: usize = 128;

const SIZE_TO_CLASS8: [u8; SMALL_SIZE_MAX / SMALL_SIZE_DIV + 1] = {
    let mut t = [0u8; SMALL_SIZE_MAX / SMALL_SIZE_DIV + 1];
    let mut i = 0;
    let mut c = 1;
    while i < t.len() {
        while (CLASS_TO_SIZE[c] as usize) < i * SMALL_SIZE_DIV {
            c += 1;
        }
        t[i] = c as u8;
        i += 1;
    }
    t
};

const SIZE_TO_CLASS128: [u8; (MAX_SMALL_SIZE - SMALL_SIZE_MAX) / LARGE_SIZE_DIV + 1] = {
    let mut t = [0u8; (MAX_SMALL_SIZE - SMALL_SIZE_MAX) / LARGE_SIZE_DIV + 1];
    let mut i = 0;
    let mut c = 1;
    while i < t.len() {
        while (CLASS_TO_SIZE[c] as usize) < SMALL_SIZE_MAX + i * LARGE_SIZE_DIV {
            c += 1;
        }
        t[i] = c as u8;
        i += 1;
    }
    t
};

/// The class of an object of `size` bytes (1..=MAX_SMALL_SIZE) aligned to
/// `align` (at most 8 KiB): the smallest whose size is at least `size`
/// and a multiple of `align`, so that every object of a span, which
/// starts on a page, is aligned. Returns 0 for sizes that need a span of
/// their own. `align` is a power of two.
#[inline(always)]
pub fn size_to_class(size: usize, align: usize) -> usize {
    if size > MAX_SMALL_SIZE || align > PAGE_SIZE {
        return 0;
    }
    let mut c = if size <= SMALL_SIZE_MAX {
        SIZE_TO_CLASS8[size.div_ceil(SMALL_SIZE_DIV)]
    } else {
        SIZE_TO_CLASS128[(size - SMALL_SIZE_MAX).div_ceil(LARGE_SIZE_DIV)]
    } as usize;
    // Every class is a multiple of 8; larger alignments are rare, and
    // every power of two up to MAX_SMALL_SIZE is a class, so this ends.
    if align > 8 {
        while CLASS_TO_SIZE[c] as usize & (align - 1) != 0 {
            c += 1;
        }
    }
    c
}

/// Pages needed for `size` bytes, or None if that overflows.
pub fn npages_for(size: usize) -> Option<usize> {
    size.checked_add(PAGE_SIZE - 1).map(|s| s >> PAGE_SHIFT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_aligned() {
        assert_eq!(CLASS_TO_SIZE.len(), 68);
        for c in 1..NUM_SIZE_CLASSES {
            assert!(CLASS_TO_SIZE[c] > CLASS_TO_SIZE[c - 1]);
            assert_eq!(CLASS_TO_SIZE[c] % 8, 0);
        }
        assert_eq!(CLASS_TO_SIZE[NUM_SIZE_CLASSES - 1] as usize, MAX_SMALL_SIZE);
        // Every power of two has a class, so any alignment can be met.
        let mut p = 8;
        while p <= MAX_SMALL_SIZE {
            assert!(CLASS_TO_SIZE.contains(&(p as u32)), "{p}");
            p *= 2;
        }
    }

    #[test]
    fn rounding_wastes_under_16_percent_past_128_bytes() {
        // The worst request for class c is one byte over class c-1.
        for c in 2..NUM_SIZE_CLASSES {
            let size = CLASS_TO_SIZE[c] as usize;
            let waste = size - CLASS_TO_SIZE[c - 1] as usize - 1;
            if size <= 128 {
                assert!(waste < 16, "class {c}");
            } else {
                assert!(waste * 100 < size * 16, "class {c}: {waste} of {size}");
            }
        }
    }

    #[test]
    fn span_tails_are_at_most_an_eighth() {
        for c in 1..NUM_SIZE_CLASSES {
            let span = CLASS_TO_NPAGES[c] as usize * PAGE_SIZE;
            let size = CLASS_TO_SIZE[c] as usize;
            assert!(span >= size);
            assert!(span % size <= span / 8, "class {c}");
        }
        // Spot checks against Go's table (class_to_allocnpages).
        assert_eq!(CLASS_TO_NPAGES[1], 1);
        assert_eq!(CLASS_TO_NPAGES[39], 2); // 2304 bytes
        assert_eq!(CLASS_TO_NPAGES[43], 3); // 3456
        assert_eq!(CLASS_TO_NPAGES[67], 4); // 32768
    }

    #[test]
    fn every_size_gets_the_smallest_fitting_class() {
        for size in 1..=MAX_SMALL_SIZE {
            for align in [1, 2, 4, 8, 16, 64, 4096] {
                let c = size_to_class(size, align);
                let csize = CLASS_TO_SIZE[c] as usize;
                assert!(csize >= size && csize % align == 0, "size {size} align {align} -> class {c}");
                let smaller = (1..c).any(|d| CLASS_TO_SIZE[d] as usize >= size && CLASS_TO_SIZE[d] as usize % align == 0);
                assert!(!smaller, "size {size} align {align}: class {c} is not the smallest");
            }
        }
        assert_eq!(size_to_class(MAX_SMALL_SIZE + 1, 8), 0);
        assert_eq!(size_to_class(8, 2 * PAGE_SIZE), 0);
    }

    #[test]
    fn batches() {
        assert_eq!(CLASS_TO_BATCH[1], 32);
        assert_eq!(CLASS_TO_BATCH[67], 2);
        assert_eq!(npages_for(1), Some(1));
        assert_eq!(npages_for(PAGE_SIZE + 1), Some(2));
        assert_eq!(npages_for(usize::MAX), None);
    }
}
