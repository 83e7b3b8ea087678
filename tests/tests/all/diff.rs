//! The exhaustive diff (`diff::exhaustive`) against its definition: on two random designs, for
//! every subnet both have and every protocol, a port's answer changed exactly when
//! the two designs' matrices traced class by class (`matrix_by_tracing`) differ there, and the
//! change reported for that port says what each matrix says. The ports checked are the first
//! and last of every class the diff compares, and random ones.

use proptest::prelude::*;
use vnetlab_core::diff::exhaustive::{port_classes, reach_changes};
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::reach::matrix::{MatrixBy, matrix_by_tracing};
use vnetlab_core::testing::random_designs;

fn load(yaml: &str) -> Design {
    let l = vnetlab_core::load("random.yaml", yaml.as_bytes(), &BuildOptions::default());
    l.design
        .unwrap_or_else(|| panic!("generated design is invalid:\n{yaml}\n{:#?}", l.diagnostics))
}

/// The first disagreement between the diff and the two traced matrices, if any.
fn first_disagreement(a: &Design, b: &Design, extra: &[u16]) -> Option<String> {
    let changes = reach_changes(a, b);
    let mut ports: Vec<(Protocol, u16)> = Vec::new();
    for (p, lo, hi) in port_classes(a, b) {
        ports.push((p, lo));
        if hi != lo && p.has_ports() {
            ports.push((p, hi));
        }
    }
    for &x in extra {
        ports.push((Protocol::Tcp, x));
        ports.push((Protocol::Udp, x));
    }
    ports.sort_by_key(|&(p, n)| (p.as_str(), n));
    ports.dedup();
    {
        let by = MatrixBy::Subnet;
        let (ma, mb) = (
            matrix_by_tracing(a, by, &ports),
            matrix_by_tracing(b, by, &ports),
        );
        for (i, from) in ma.names.iter().enumerate() {
            let Some(bi) = mb.names.iter().position(|n| n == from) else {
                continue;
            };
            for (j, to) in ma.names.iter().enumerate() {
                let Some(bj) = mb.names.iter().position(|n| n == to) else {
                    continue;
                };
                for (k, &(protocol, port)) in ports.iter().enumerate() {
                    let (x, y) = (ma.cell(i, j, k), mb.cell(bi, bj, k));
                    let reported: Vec<_> = changes
                        .iter()
                        .filter(|c| {
                            &c.from == from
                                && &c.to == to
                                && c.protocol == protocol
                                && c.ports.iter().any(|s| s.lo <= port && port <= s.hi)
                        })
                        .collect();
                    let ok = match reported.as_slice() {
                        [] => x == y,
                        [c] => x != y && c.before == x && c.after == y,
                        _ => false,
                    };
                    if !ok {
                        return Some(format!(
                            "{from} → {to} {protocol}/{port}: matrices {x:?} → {y:?}, diff {:?}",
                            reported.iter().map(|c| c.line()).collect::<Vec<_>>()
                        ));
                    }
                }
            }
        }
    }
    None
}

#[test]
fn identical_designs_have_no_reach_change() {
    let d = vnetlab_tests::design_file("topologies/hub-spoke-firewall.yaml");
    assert!(reach_changes(&d, &d).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn the_diff_is_the_difference_of_two_every_packet_matrices(
        a in random_designs(),
        b in random_designs(),
        extra in proptest::collection::vec(any::<u16>(), 0..4),
    ) {
        let (da, db) = (load(&a), load(&b));
        let bad = first_disagreement(&da, &db, &extra);
        prop_assert!(bad.is_none(), "{}\nBEFORE:\n{a}\nAFTER:\n{b}", bad.unwrap_or_default());
    }
}
