//! The one argument every benchmark takes: N, overriding its default.
//! Included by each benchmark program (`#[path = "args.rs"] mod args;`).

/// N from the first argument, or `default`; a bad N is a usage error.
pub fn arg_n(name: &str, default: i32) -> i32 {
    let Some(a) = gort::args().get(1) else { return default };
    match core::str::from_utf8(a).ok().and_then(|s| s.parse().ok()) {
        Some(n) if n > 0 => n,
        _ => {
            gort::eprintln!("usage: {name} [N]");
            gort::exit(2)
        }
    }
}
