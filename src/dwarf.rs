//! Just enough DWARF (versions 2 to 5, 32-bit format) to say where a pc
//! is: the line table (`.debug_line`) for file:line, and the unit's tree
//! of functions (`.debug_info`) for the calls the compiler inlined there.
//! Read in place, without allocating, for tracebacks only (symtab.rs).
//! Anything unexpected ends a lookup with None, never a crash.

use crate::print::FdWriter;
use crate::symtab::{Image, cstr, le16, le32, le64};

/// A cursor over a section.
#[derive(Clone, Copy)]
struct Reader {
    buf: &'static [u8],
    pos: usize,
}

impl Reader {
    fn at(buf: &'static [u8], pos: usize) -> Reader {
        Reader { buf, pos }
    }
    fn u8(&mut self) -> Option<u8> {
        let v = *self.buf.get(self.pos)?;
        self.pos += 1;
        Some(v)
    }
    fn u16(&mut self) -> Option<u16> {
        let v = le16(self.buf, self.pos)?;
        self.pos += 2;
        Some(v)
    }
    fn u32(&mut self) -> Option<u32> {
        let v = le32(self.buf, self.pos)?;
        self.pos += 4;
        Some(v)
    }
    fn u64(&mut self) -> Option<u64> {
        let v = le64(self.buf, self.pos)?;
        self.pos += 8;
        Some(v)
    }
    fn uleb(&mut self) -> Option<u64> {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = self.u8()?;
            if shift < 64 {
                v |= ((b & 0x7f) as u64) << shift;
            }
            shift += 7;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
    }
    fn sleb(&mut self) -> Option<i64> {
        let (mut v, mut shift) = (0i64, 0);
        loop {
            let b = self.u8()?;
            if shift < 64 {
                v |= ((b & 0x7f) as i64) << shift;
            }
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    v |= -1 << shift;
                }
                return Some(v);
            }
        }
    }
    fn cstr(&mut self) -> Option<&'static [u8]> {
        let s = cstr(self.buf, self.pos);
        self.pos += s.len() + 1;
        (self.pos <= self.buf.len()).then_some(s)
    }
    fn skip(&mut self, n: u64) -> Option<()> {
        self.pos = self.pos.checked_add(n as usize)?;
        (self.pos <= self.buf.len()).then_some(())
    }
}

/// An attribute's value, as far as these lookups care.
#[derive(Clone, Copy)]
enum Value {
    Num(u64),
    Str(&'static [u8]),
    /// A reference within the unit (offset from the unit's start).
    Ref(u64),
    /// A reference to anywhere in .debug_info.
    RefAddr(u64),
    Other,
}

impl Value {
    fn num(self) -> Option<u64> {
        match self {
            Value::Num(n) => Some(n),
            _ => None,
        }
    }
}

const DW_FORM_IMPLICIT_CONST: u64 = 0x21;

/// Reads one attribute value of `form`.
fn read_form(r: &mut Reader, img: &Image, form: u64, addr_size: u8, implicit: i64) -> Option<Value> {
    Some(match form {
        0x01 => Value::Num(if addr_size == 8 { r.u64()? } else { r.u32()? as u64 }), // addr
        0x0b | 0x11 => Value::Num(r.u8()? as u64).ref_if(form == 0x11),              // data1, ref1
        0x05 | 0x12 => Value::Num(r.u16()? as u64).ref_if(form == 0x12),             // data2, ref2
        0x06 | 0x13 => Value::Num(r.u32()? as u64).ref_if(form == 0x13),             // data4, ref4
        0x07 | 0x14 => Value::Num(r.u64()?).ref_if(form == 0x14),                    // data8, ref8
        0x0f | 0x15 => Value::Num(r.uleb()?).ref_if(form == 0x15),                   // udata, ref_udata
        0x0d => Value::Num(r.sleb()? as u64),                                         // sdata
        0x0c => Value::Num(r.u8()? as u64),                                           // flag
        0x19 => Value::Num(1),                                                        // flag_present
        0x17 => Value::Num(r.u32()? as u64),                                          // sec_offset
        0x10 => Value::RefAddr(r.u32()? as u64),                                      // ref_addr
        0x08 => Value::Str(r.cstr()?),                                                // string
        0x0e => Value::Str(cstr(img.debug_str, r.u32()? as usize)),                   // strp
        0x1f => Value::Str(cstr(img.debug_line_str, r.u32()? as usize)),              // line_strp
        DW_FORM_IMPLICIT_CONST => Value::Num(implicit as u64),
        0x0a => skip_n(r, r.clone().u8()? as u64 + 1)?,                               // block1
        0x03 => skip_n(r, r.clone().u16()? as u64 + 2)?,                              // block2
        0x04 => skip_n(r, r.clone().u32()? as u64 + 4)?,                              // block4
        0x09 | 0x18 => {
            let n = r.uleb()?; // block, exprloc
            skip_n(r, n)?
        }
        0x20 | 0x24 => skip_n(r, 8)?,                    // ref_sig8, ref_sup8
        0x1c | 0x1d => skip_n(r, 4)?,                    // ref_sup4, strp_sup
        0x1e => skip_n(r, 16)?,                          // data16
        0x1a | 0x1b | 0x22 | 0x23 => {
            r.uleb()?; // strx, addrx, loclistx, rnglistx: unsupported values
            Value::Other
        }
        0x25 | 0x29 => skip_n(r, 1)?,
        0x26 | 0x2a => skip_n(r, 2)?,
        0x27 | 0x2b => skip_n(r, 3)?,
        0x28 | 0x2c => skip_n(r, 4)?,
        0x16 => {
            // indirect: the form comes first. A loop, not a recursion per
            // byte of a chain of them.
            let mut f = r.uleb()?;
            while f == 0x16 {
                f = r.uleb()?;
            }
            read_form(r, img, f, addr_size, 0)?
        }
        _ => return None,
    })
}

impl Value {
    fn ref_if(self, is_ref: bool) -> Value {
        match self {
            Value::Num(n) if is_ref => Value::Ref(n),
            v => v,
        }
    }
}

fn skip_n(r: &mut Reader, n: u64) -> Option<Value> {
    r.skip(n)?;
    Some(Value::Other)
}

/// A compilation unit of .debug_info.
#[derive(Clone, Copy)]
struct Unit {
    /// Offset of the unit header in .debug_info.
    off: usize,
    /// One past its last byte.
    end: usize,
    /// Offset of its first DIE.
    dies: usize,
    abbrev: usize,
    addr_size: u8,
}

fn units(img: &Image) -> impl Iterator<Item = Unit> + '_ {
    let mut off = 0;
    core::iter::from_fn(move || {
        let mut r = Reader::at(img.debug_info, off);
        let len = r.u32()?;
        if len >= 0xffff_fff0 {
            return None; // 64-bit DWARF: not produced for x86-64 Rust
        }
        let end = off + 4 + len as usize;
        let version = r.u16()?;
        let (abbrev, addr_size) = if version >= 5 {
            let _unit_type = r.u8()?;
            let a = r.u8()?;
            (r.u32()? as usize, a)
        } else {
            let ab = r.u32()? as usize;
            (ab, r.u8()?)
        };
        let u = Unit { off, end, dies: r.pos, abbrev, addr_size };
        off = end;
        Some(u)
    })
}

/// The attributes of the abbreviation `code` of a unit, with its tag and
/// whether its DIEs have children.
fn abbrev(img: &Image, unit: &Unit, code: u64) -> Option<(u64, bool, Reader)> {
    let mut r = Reader::at(img.debug_abbrev, unit.abbrev);
    loop {
        let c = r.uleb()?;
        if c == 0 {
            return None;
        }
        let tag = r.uleb()?;
        let children = r.u8()? != 0;
        if c == code {
            return Some((tag, children, r));
        }
        loop {
            let (name, form) = (r.uleb()?, r.uleb()?);
            if form == DW_FORM_IMPLICIT_CONST {
                r.sleb()?;
            }
            if name == 0 && form == 0 {
                break;
            }
        }
    }
}

/// One DIE: its tag, whether children follow, and the attributes these
/// lookups read.
#[derive(Clone, Copy, Default)]
struct Die {
    tag: u64,
    children: bool,
    low_pc: Option<u64>,
    high_pc: Option<(u64, bool)>, // (value, is an offset from low_pc)
    ranges: Option<u64>,
    stmt_list: Option<u64>,
    comp_dir: Option<&'static [u8]>,
    name: Option<&'static [u8]>,
    linkage_name: Option<&'static [u8]>,
    /// abstract_origin or specification: where the name is (.debug_info offset).
    origin: Option<usize>,
    call_file: u64,
    call_line: u64,
}

/// Reads the DIE at `r` (None for a null entry ending a sibling list).
fn read_die(img: &Image, unit: &Unit, r: &mut Reader) -> Option<Option<Die>> {
    let code = r.uleb()?;
    if code == 0 {
        return Some(None);
    }
    let (tag, children, mut a) = abbrev(img, unit, code)?;
    let mut die = Die { tag, children, ..Die::default() };
    loop {
        let (name, form) = (a.uleb()?, a.uleb()?);
        let implicit = if form == DW_FORM_IMPLICIT_CONST { a.sleb()? } else { 0 };
        if name == 0 && form == 0 {
            return Some(Some(die));
        }
        let v = read_form(r, img, form, unit.addr_size, implicit)?;
        let s = |v: Value| if let Value::Str(s) = v { Some(s) } else { None };
        match name {
            0x11 => die.low_pc = v.num(),
            0x12 => die.high_pc = v.num().map(|n| (n, form != 0x01)),
            0x55 => die.ranges = v.num(),
            0x10 => die.stmt_list = v.num(),
            0x1b => die.comp_dir = s(v),
            0x03 => die.name = s(v),
            0x6e | 0x2007 => die.linkage_name = s(v),
            0x31 | 0x47 => {
                die.origin = match v {
                    Value::Ref(o) => Some(unit.off.wrapping_add(o as usize)),
                    Value::RefAddr(o) => Some(o as usize),
                    _ => None,
                }
            }
            0x58 => die.call_file = v.num().unwrap_or(0),
            0x59 => die.call_line = v.num().unwrap_or(0),
            _ => {}
        }
    }
}

impl Die {
    /// Whether pc lies in this DIE's code.
    fn contains(&self, img: &Image, base: u64, pc: u64) -> bool {
        if let (Some(lo), Some((hi, rel))) = (self.low_pc, self.high_pc) {
            let hi = if rel { lo.wrapping_add(hi) } else { hi };
            return lo <= pc && pc < hi;
        }
        let Some(off) = self.ranges else { return false };
        // DWARF 4 .debug_ranges: (begin, end) pairs relative to the base,
        // (~0, base) resets it, (0, 0) ends the list.
        let mut r = Reader::at(img.debug_ranges, off as usize);
        let mut base = base;
        while let (Some(b), Some(e)) = (r.u64(), r.u64()) {
            match (b, e) {
                (0, 0) => break,
                (u64::MAX, nb) => base = nb,
                (b, e) if base.wrapping_add(b) <= pc && pc < base.wrapping_add(e) => return true,
                _ => {}
            }
        }
        false
    }
}

/// The unit containing pc and its root DIE.
fn unit_of(img: &Image, pc: u64) -> Option<(Unit, Die, Reader)> {
    units(img).find_map(|u| {
        let mut r = Reader::at(img.debug_info, u.dies);
        let root = read_die(img, &u, &mut r)??;
        root.contains(img, 0, pc).then_some((u, root, r))
    })
}

/// The name of the function a DIE stands for: its linkage (mangled) name,
/// else its plain name, looked for through abstract_origin and
/// specification.
fn die_name(img: &Image, die: &Die) -> Option<&'static [u8]> {
    let mut d = *die;
    for _ in 0..4 {
        if let Some(n) = d.linkage_name {
            return Some(n);
        }
        let Some(off) = d.origin else { return d.name };
        let unit = units(img).find(|u| u.off <= off && off < u.end)?;
        d = read_die(img, &unit, &mut Reader::at(img.debug_info, off))??;
    }
    None
}

/// A frame the compiler inlined: the function's name and where its
/// caller called it.
#[derive(Clone, Copy, Default)]
pub struct Inlined {
    pub name: Option<&'static [u8]>,
    pub call_file: u64,
    pub call_line: u64,
}

/// Most levels of inlining reported at one pc.
pub const MAX_INLINE: usize = 16;

/// What the debug info says about pc: the chain of functions containing
/// it, outermost (the real function) first, and the line table of its
/// unit. Returns the chain's length.
pub fn inline_chain(img: &Image, pc: u64, out: &mut [Inlined; MAX_INLINE]) -> (usize, Option<u64>) {
    let Some((unit, root, mut r)) = unit_of(img, pc) else { return (0, None) };
    let base = root.low_pc.unwrap_or(0);
    let mut n = 0;
    let mut depths = [0usize; MAX_INLINE];
    let mut depth = usize::from(root.children);
    while r.pos < unit.end && depth > 0 {
        let Some(die) = read_die(img, &unit, &mut r) else { break };
        let Some(die) = die else {
            depth -= 1;
            continue;
        };
        if n > 0 && depth <= depths[n - 1] {
            break; // left the innermost function found: done
        }
        const SUBPROGRAM: u64 = 0x2e;
        const INLINED: u64 = 0x1d;
        if (die.tag == SUBPROGRAM || die.tag == INLINED) && n < MAX_INLINE && die.contains(img, base, pc) {
            out[n] = Inlined { name: die_name(img, &die), call_file: die.call_file, call_line: die.call_line };
            depths[n] = depth;
            n += 1;
        }
        if die.children {
            depth += 1;
        }
    }
    (n, root.stmt_list)
}

/// The header of one line-number program.
#[derive(Clone, Copy)]
pub struct LineProgram {
    off: usize,
    version: u16,
    min_inst: u8,
    line_base: i8,
    line_range: u8,
    opcode_base: u8,
    /// Where the directory and file tables start.
    tables: usize,
    /// Where the opcodes start, and where they end.
    program: usize,
    end: usize,
}

fn line_program(img: &Image, off: usize) -> Option<LineProgram> {
    let mut r = Reader::at(img.debug_line, off);
    let len = r.u32()?;
    if len >= 0xffff_fff0 {
        return None;
    }
    let end = off + 4 + len as usize;
    if end > img.debug_line.len() {
        return None;
    }
    let version = r.u16()?;
    if !(2..=5).contains(&version) {
        return None;
    }
    if version >= 5 {
        r.skip(2)?; // address_size, segment_selector_size
    }
    let header_len = r.u32()? as usize;
    let program = r.pos.checked_add(header_len).filter(|&p| p <= end)?;
    let min_inst = r.u8()?;
    if version >= 4 {
        r.u8()?; // maximum_operations_per_instruction
    }
    let _default_is_stmt = r.u8()?;
    let line_base = r.u8()? as i8;
    let line_range = r.u8()?;
    if line_range == 0 {
        return None; // special opcodes divide by it
    }
    let opcode_base = r.u8()?;
    r.skip(opcode_base.saturating_sub(1) as u64)?;
    Some(LineProgram { off, version, min_inst, line_base, line_range, opcode_base, tables: r.pos, program, end })
}

fn line_programs(img: &Image) -> impl Iterator<Item = LineProgram> + '_ {
    let mut off = 0;
    core::iter::from_fn(move || {
        let p = line_program(img, off)?;
        off = p.end;
        Some(p)
    })
}

/// A row of the line table: the file index in its program, and the line.
#[derive(Clone, Copy)]
pub struct Line {
    pub program: LineProgram,
    pub file: u64,
    pub line: u64,
}

/// The line-table row covering pc, in any program.
pub fn pcline(img: &Image, pc: u64) -> Option<Line> {
    line_programs(img).find_map(|p| run_program(&p, img, pc).map(|(file, line)| Line { program: p, file, line }))
}

/// A line program that says which lines of a unit pc falls in.
pub fn program_at(img: &Image, off: u64) -> Option<LineProgram> {
    line_program(img, off as usize)
}

/// Runs a line-number program, looking for the row that covers pc.
fn run_program(p: &LineProgram, img: &Image, pc: u64) -> Option<(u64, u64)> {
    let mut r = Reader::at(&img.debug_line[..p.end], p.program);
    let (mut addr, mut file, mut line) = (0u64, 1u64, 1i64);
    let mut prev: Option<(u64, u64, i64)> = None;
    // A row is emitted at `addr`; the previous row covers [prev.addr, addr).
    let emit = |addr: u64, file: u64, line: i64, end: bool, prev: &mut Option<(u64, u64, i64)>| {
        if let Some((a, f, l)) = *prev
            && a <= pc
            && pc < addr
        {
            return Some((f, l as u64));
        }
        *prev = if end { None } else { Some((addr, file, line)) };
        None
    };
    while r.pos < r.buf.len() {
        let op = r.u8()?;
        if op >= p.opcode_base {
            let adj = op - p.opcode_base;
            addr = addr.wrapping_add((adj / p.line_range) as u64 * p.min_inst as u64);
            line = line.wrapping_add(p.line_base as i64 + (adj % p.line_range) as i64);
            if let Some(hit) = emit(addr, file, line, false, &mut prev) {
                return Some(hit);
            }
            continue;
        }
        match op {
            0 => {
                // An extended opcode: its length counts the sub-opcode,
                // so it is at least 1 and the reader moves on.
                let len = r.uleb()?;
                let next = r.pos.checked_add(usize::try_from(len).ok()?).filter(|&n| n > r.pos)?;
                match r.u8()? {
                    1 => {
                        if let Some(hit) = emit(addr, file, line, true, &mut prev) {
                            return Some(hit);
                        }
                        (addr, file, line) = (0, 1, 1);
                    }
                    2 => addr = r.u64()?,
                    _ => {}
                }
                r.pos = next;
            }
            1 => {
                if let Some(hit) = emit(addr, file, line, false, &mut prev) {
                    return Some(hit);
                }
            }
            2 => addr = addr.wrapping_add(r.uleb()?.wrapping_mul(p.min_inst as u64)),
            3 => line = line.wrapping_add(r.sleb()?),
            4 => file = r.uleb()?,
            8 => addr = addr.wrapping_add(((255 - p.opcode_base) / p.line_range) as u64 * p.min_inst as u64),
            9 => addr = addr.wrapping_add(r.u16()? as u64),
            _ => {
                // Other standard opcodes: skip their operands, as many
                // ULEBs as the header's table says.
                let lengths = p.tables - (p.opcode_base as usize - 1);
                let n = img.debug_line.get(lengths + op as usize - 1)?;
                for _ in 0..*n {
                    r.uleb()?;
                }
            }
        }
    }
    None
}

/// Writes the path of file `index` of a line program: the unit's
/// directory, the file's directory, its name (each only when the next is
/// relative).
pub fn write_file(w: &mut FdWriter, img: &Image, p: &LineProgram, index: u64) -> Option<()> {
    let (dir_index, name) = file_entry(img, p, index)?;
    if name.first() != Some(&b'/') {
        let dir = dir_entry(img, p, dir_index);
        if dir.is_none_or(|d| d.first() != Some(&b'/'))
            && let Some(comp_dir) = comp_dir(img, p.off as u64)
        {
            w.write_bytes(comp_dir);
            w.write_bytes(b"/");
        }
        if let Some(dir) = dir {
            w.write_bytes(dir);
            w.write_bytes(b"/");
        }
    }
    w.write_bytes(name);
    Some(())
}

/// The DW_AT_comp_dir of the unit whose line program is at `off`.
fn comp_dir(img: &Image, off: u64) -> Option<&'static [u8]> {
    units(img).find_map(|u| {
        let root = read_die(img, &u, &mut Reader::at(img.debug_info, u.dies))??;
        if root.stmt_list == Some(off) { root.comp_dir } else { None }
    })
}

/// Directory `index` of a line program (DWARF < 5: 1-based, 0 being the
/// unit's own directory, which is left out).
fn dir_entry(img: &Image, p: &LineProgram, index: u64) -> Option<&'static [u8]> {
    let mut r = Reader::at(img.debug_line, p.tables);
    if p.version >= 5 {
        return v5_entry(img, &mut r, index, false).map(|(_, name)| name);
    }
    if index == 0 {
        return None;
    }
    for i in 1.. {
        let d = r.cstr()?;
        if d.is_empty() {
            return None;
        }
        if i == index {
            return Some(d);
        }
    }
    None
}

/// File `index` of a line program: its directory index and name.
fn file_entry(img: &Image, p: &LineProgram, index: u64) -> Option<(u64, &'static [u8])> {
    let mut r = Reader::at(img.debug_line, p.tables);
    if p.version >= 5 {
        let _ = v5_entry(img, &mut r, 0, false); // skip to the end of the directories
        return v5_entry(img, &mut r, index, true);
    }
    while !r.cstr()?.is_empty() {} // the directories
    for i in 1.. {
        let name = r.cstr()?;
        if name.is_empty() {
            return None;
        }
        let dir = r.uleb()?;
        r.uleb()?;
        r.uleb()?;
        if i == index {
            return Some((dir, name));
        }
    }
    None
}

/// DWARF 5's self-describing directory or file table at `r`: entry
/// `index` (its directory index and path). With an index past the end,
/// leaves `r` just after the table and returns None.
fn v5_entry(img: &Image, r: &mut Reader, index: u64, files: bool) -> Option<(u64, &'static [u8])> {
    let nformats = r.u8()?;
    let formats = *r;
    for _ in 0..nformats {
        r.uleb()?;
        r.uleb()?;
    }
    let count = r.uleb()?;
    let mut found = None;
    for i in 0..count {
        let start = r.pos;
        let (mut dir, mut path) = (0, &[][..]);
        let mut f = formats;
        for _ in 0..nformats {
            let (kind, form) = (f.uleb()?, f.uleb()?);
            match (kind, read_form(r, img, form, 8, 0)?) {
                (1, Value::Str(s)) => path = s,
                (2, Value::Num(n)) => dir = n,
                _ => {}
            }
        }
        if i == index && (files || !path.is_empty()) {
            found = Some((dir, path));
        }
        if r.pos == start {
            break; // entries that take no bytes: a corrupt count
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(v: Vec<u8>) -> &'static [u8] {
        Box::leak(v.into_boxed_slice())
    }

    /// A DWARF 4 line program: one directory-less file `a.rs`, then the
    /// opcodes `program`. `unit_length` and `header_length` are the real
    /// ones unless given.
    fn v4_line(line_range: u8, program: &[u8], unit_length: Option<u32>, header_length: Option<u32>) -> Vec<u8> {
        // min_inst, max_ops, is_stmt, line_base -5, line_range, opcode_base
        let mut hdr = vec![1, 1, 1, 0xfb, line_range, 13];
        hdr.extend([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]); // standard_opcode_lengths
        hdr.push(0); // no include directories
        hdr.extend(b"a.rs\0\0\0\0\0"); // one file, then the end of the table
        let mut after_len = 4u16.to_le_bytes().to_vec();
        after_len.extend(header_length.unwrap_or(hdr.len() as u32).to_le_bytes());
        after_len.extend(hdr);
        after_len.extend(program);
        let mut v = unit_length.unwrap_or(after_len.len() as u32).to_le_bytes().to_vec();
        v.extend(after_len);
        v
    }

    /// set_address 0x1000; a row at line 2; advance 0x10; end_sequence.
    const ROWS: [u8; 16] = [0, 9, 2, 0x00, 0x10, 0, 0, 0, 0, 0, 0, 13 + 6, 2, 0x10, 0, 1];

    fn line_image(b: Vec<u8>) -> Image {
        Image { debug_line: leak(b), ..Image::default() }
    }

    #[test]
    fn a_sound_line_program_is_read() {
        let img = line_image(v4_line(14, &[ROWS.as_slice(), &[1]].concat(), None, None));
        let l = pcline(&img, 0x1008).expect("row for 0x1008");
        assert_eq!((l.file, l.line), (1, 2));
        assert!(pcline(&img, 0x1010).is_none());
    }

    #[test]
    fn a_corrupt_line_program_is_refused() {
        // line_range 0: the special opcodes would divide by it.
        let img = line_image(v4_line(0, &ROWS, None, None));
        assert!(line_program(&img, 0).is_none() && pcline(&img, 0x1008).is_none());
        // A unit longer than the section.
        let img = line_image(v4_line(14, &ROWS, Some(0x1000), None));
        assert!(line_program(&img, 0).is_none() && pcline(&img, 0x1008).is_none());
        // A header longer than the unit.
        let img = line_image(v4_line(14, &ROWS, None, Some(u32::MAX)));
        assert!(line_program(&img, 0).is_none());
        // An extended opcode whose length wraps the cursor, and one of
        // length 0 (which would not move it).
        let huge = [0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1];
        for program in [&huge[..], &[0, 0, 1, 0, 0, 1][..]] {
            let img = line_image(v4_line(14, program, None, None));
            assert!(pcline(&img, 0x1008).is_none());
        }
    }

    #[test]
    fn a_dwarf5_table_of_empty_entries_ends() {
        // Directory and file tables with no formats and 2^64-1 entries:
        // each entry reads nothing, so the count alone would never end.
        let mut hdr = vec![1, 1, 1, 0xfb, 14, 13];
        hdr.extend([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]);
        let many = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        for _ in 0..2 {
            hdr.push(0); // no formats
            hdr.extend(many);
        }
        let mut after_len = 5u16.to_le_bytes().to_vec();
        after_len.extend([8, 0]); // address_size, segment_selector_size
        after_len.extend((hdr.len() as u32).to_le_bytes());
        after_len.extend(hdr);
        let mut v = (after_len.len() as u32).to_le_bytes().to_vec();
        v.extend(after_len);
        let img = line_image(v);
        let p = line_program(&img, 0).expect("header");
        assert!(file_entry(&img, &p, 5).is_none());
        assert!(dir_entry(&img, &p, 5).is_none());
    }

    #[test]
    fn a_chain_of_indirect_forms_does_not_recurse() {
        // One abbreviation: a compile unit whose name has DW_FORM_indirect.
        let abbrev = vec![1, 0x11, 0, 0x03, 0x16, 0, 0, 0];
        // Its DIE: 200000 indirections, then DW_FORM_string "x".
        let mut die = vec![1];
        die.extend(std::iter::repeat_n(0x16u8, 200_000));
        die.extend([0x08, b'x', 0]);
        let mut after_len = 4u16.to_le_bytes().to_vec();
        after_len.extend(0u32.to_le_bytes()); // abbrev offset
        after_len.push(8); // address size
        after_len.extend(&die);
        let mut info = (after_len.len() as u32).to_le_bytes().to_vec();
        info.extend(after_len);
        let img = Image { debug_info: leak(info.clone()), debug_abbrev: leak(abbrev.clone()), ..Image::default() };
        let mut out = [Inlined::default(); MAX_INLINE];
        assert_eq!(inline_chain(&img, 0x1000, &mut out), (0, None));
        // Cut off inside the chain.
        info.truncate(info.len() - 3);
        let img = Image { debug_info: leak(info), debug_abbrev: leak(abbrev), ..Image::default() };
        assert_eq!(inline_chain(&img, 0x1000, &mut out), (0, None));
    }
}
