//! The main package's second file.
pub fn init() {
    gort::eprintln!("test.init");
}

pub fn test() {
    gort::eprintln!("{}", super::sum::sum(&[1, 2, 3]));
}
