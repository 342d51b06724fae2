//! The shape of the binary: static, entered at _rt0_amd64_linux, W^X,
//! no executable stack, no libc.

mod common;
use common::*;

fn readelf(args: &[&str]) -> String {
    let p = bin!("hello");
    let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    a.push(p.display().to_string());
    tool("readelf", &a)
}

#[test]
fn static_no_interpreter_no_dynamic_section() {
    let segments = readelf(&["-lW"]);
    assert!(!segments.contains("INTERP"), "{segments}");
    assert!(!segments.contains("DYNAMIC"), "{segments}");
    assert!(!segments.contains(" TLS "), "no thread-local segment: gort owns %fs\n{segments}");
    let dynamic = readelf(&["-dW"]);
    assert!(dynamic.contains("There is no dynamic section"), "{dynamic}");
    assert!(!dynamic.contains("NEEDED"), "{dynamic}");
    let header = readelf(&["-hW"]);
    assert!(header.contains("EXEC (Executable file)"), "non-PIE static executable\n{header}");
}

#[test]
fn entry_point_is_rt0_amd64_linux() {
    let header = readelf(&["-hW"]);
    let entry = header
        .lines()
        .find_map(|l| l.trim().strip_prefix("Entry point address:"))
        .expect("entry line")
        .trim()
        .to_string();
    let entry = u64::from_str_radix(entry.trim_start_matches("0x"), 16).unwrap();
    let syms = readelf(&["-sW"]);
    let rt0 = syms
        .lines()
        .find(|l| l.split_whitespace().last() == Some("_rt0_amd64_linux"))
        .expect("_rt0_amd64_linux in the symbol table");
    let value = u64::from_str_radix(rt0.split_whitespace().nth(1).unwrap(), 16).unwrap();
    assert_eq!(entry, value, "{rt0}");
}

#[test]
fn no_segment_is_writable_and_executable_and_the_stack_is_not_executable() {
    let segments = readelf(&["-lW"]);
    let mut loads = 0;
    for line in segments.lines().map(str::trim) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.first() {
            Some(&"LOAD") => {
                loads += 1;
                let flags = fields[6..fields.len() - 1].concat();
                assert!(!(flags.contains('W') && flags.contains('E')), "W+X segment: {line}");
            }
            Some(&"GNU_STACK") => {
                let flags = fields[6..fields.len() - 1].concat();
                assert_eq!(flags, "RW", "{line}");
            }
            _ => {}
        }
    }
    assert_eq!(loads, 3, "text, rodata, data\n{segments}");
    assert!(segments.contains("GNU_STACK"), "{segments}");
}

#[test]
fn no_libc_symbol() {
    let syms = readelf(&["-sW"]);
    for line in syms.lines() {
        let Some(name) = line.split_whitespace().nth(7) else { continue };
        for bad in ["__libc_", "_IO_", "__GI_", "GLIBC", "_dl_", "__errno_location", "pthread_"] {
            assert!(!name.contains(bad), "libc symbol {name}");
        }
        for bad in ["malloc", "free", "printf", "write", "exit", "_start", "__libc_start_main"] {
            assert_ne!(name, bad, "libc symbol {name}");
        }
    }
}
