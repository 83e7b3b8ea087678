//! Prints a hostile input: `cargo run --release -p vnetlab-core --example hostile -- SHAPE BYTES`
//! (shapes: anchors, anchors-and-aliases, errors, valid). docs/performance.md measures
//! `vnetlab check` on them with `/usr/bin/time -v`.

use vnetlab_core::generate::hostile::{Shape, hostile};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let shape = args
        .get(1)
        .and_then(|s| Shape::ALL.iter().find(|(n, _)| n == s));
    let bytes = args.get(2).and_then(|b| b.parse::<usize>().ok());
    let (Some((_, shape)), Some(bytes)) = (shape, bytes) else {
        eprintln!(
            "usage: hostile SHAPE BYTES (shapes: anchors, anchors-and-aliases, errors, valid)"
        );
        std::process::exit(2);
    };
    print!("{}", hostile(*shape, bytes));
}
