//! echoargs: prints its argument count, then each argument on its own
//! line, byte for byte. With ECHO_ENV=NAME in the environment it also
//! prints the value of NAME. `echoargs --exit N` exits with status N.
#![no_std]
#![no_main]

gort::main!(main);

fn main() {
    let args = gort::args();
    gort::println!("{}", args.len());
    for arg in args {
        line(arg);
    }
    if let Some(name) = gort::getenv("ECHO_ENV") {
        let value = core::str::from_utf8(name).ok().and_then(gort::getenv).unwrap_or(b"");
        line(value);
    }
    if let [_, flag, rest @ ..] = args
        && *flag == b"--exit"
    {
        match rest.first().and_then(|n| core::str::from_utf8(n).ok()?.parse::<i32>().ok()) {
            Some(code) => gort::exit(code),
            None => {
                gort::eprintln!("echoargs: --exit needs a number");
                gort::exit(2);
            }
        }
    }
}

/// Writes `bytes` and a newline to stdout, as they are.
fn line(bytes: &[u8]) {
    let _ = gort::write_all(1, bytes);
    let _ = gort::write_all(1, b"\n");
}
