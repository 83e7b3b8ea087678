//! Hostile inputs of a given size, for the loader's benchmarks and memory measurements
//! (docs/performance.md): what an attacker or a careless generator might write.

use std::fmt::Write;

/// A shape of hostile input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Anchored scalars with no alias: nothing to expand, nothing to keep.
    Anchors,
    /// As many anchors as aliases, each alias to its own anchor: every lookup by id.
    AnchorsAndAliases,
    /// An unknown key (with a "did you mean") and a missing key in every VNet: two errors per
    /// line, past the collection cap.
    Errors,
    /// A valid design: VNets of one subnet each, and NSGs full of rules.
    Valid,
}

impl Shape {
    /// Every shape, with its name.
    pub const ALL: [(&'static str, Shape); 4] = [
        ("anchors", Shape::Anchors),
        ("anchors-and-aliases", Shape::AnchorsAndAliases),
        ("errors", Shape::Errors),
        ("valid", Shape::Valid),
    ];
}

/// A file of `shape`, about `bytes` long (it stops at the first line past that size).
pub fn hostile(shape: Shape, bytes: usize) -> String {
    let mut t = String::from("version: 1\nname: hostile\n");
    match shape {
        Shape::Anchors => {
            t.push_str("description: x\nvnets: {}\nx-list:\n");
            let mut i = 0u64;
            while t.len() < bytes {
                let _ = writeln!(t, "  - &a{i} {i}");
                i += 1;
            }
        }
        Shape::AnchorsAndAliases => {
            // The anchors in the first half, then one alias per anchor.
            t.push_str("x-list:\n");
            let lines = (bytes / 2 / 16).max(1);
            for i in 0..lines {
                let _ = writeln!(t, "  - &a{i} {i}");
            }
            for i in 0..lines {
                let _ = writeln!(t, "  - *a{i}");
            }
        }
        Shape::Errors => {
            t.push_str("vnets:\n");
            let mut i = 0u64;
            while t.len() < bytes {
                let _ = writeln!(t, "  v{i}: {{ adress_space: [10.0.0.0/16] }}");
                i += 1;
            }
        }
        Shape::Valid => {
            // 1,024 VNets, then NSGs of 3,996 inbound rules each until the size is reached.
            t.push_str("vnets:\n");
            for i in 0..1024u32 {
                let (a, b) = (10 + (i >> 8), i & 0xff);
                let _ = writeln!(
                    t,
                    "  v{i}:\n    address_space: [{a}.{b}.0.0/16]\n    subnets:\n      s: {{ prefix: {a}.{b}.1.0/24 }}"
                );
            }
            t.push_str("nsgs:\n");
            let mut n = 0u32;
            'nsgs: loop {
                let _ = writeln!(t, "  n{n}:\n    rules:");
                for p in 100..4096u32 {
                    let _ = writeln!(
                        t,
                        "      - {{ name: r{p}, priority: {p}, direction: inbound, access: allow, source: 10.{}.{}.0/24, destination_ports: {} }}",
                        p >> 8,
                        p & 0xff,
                        p % 65_000
                    );
                    if t.len() >= bytes {
                        break 'nsgs;
                    }
                }
                n += 1;
            }
        }
    }
    t
}
