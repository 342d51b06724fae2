//! package lib: an init and Sum.
gort::init!(pub LIB = "lib", imports [], inits [init]);

fn init() {
    gort::eprintln!("sum.init");
}

pub fn sum(xs: &[i32]) -> i32 {
    xs.iter().sum()
}
