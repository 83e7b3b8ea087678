//! The matrix computed on sets of packet classes equals the matrix traced one class at a time:
//! on every bundled topology (and its broken variants), on generated hub-and-spoke designs with
//! Azure Firewall, and on random designs with NVAs, FortiGates and IP-forwarding VMs.

use proptest::prelude::*;
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::reach::matrix::{MatrixBy, matrix, matrix_by_tracing};
use vnetlab_core::testing::random_designs;
use vnetlab_tests::{design_file, topology_files};

const PORTS: &[(Protocol, u16)] = &[
    (Protocol::Tcp, 22),
    (Protocol::Tcp, 53),
    (Protocol::Udp, 53),
    (Protocol::Tcp, 443),
    (Protocol::Tcp, 445),
    (Protocol::Udp, 1500),
    (Protocol::Tcp, 5001),
    (Protocol::Icmp, 0),
];

/// The first cell where the two engines differ, with both answers.
fn first_difference(d: &Design) -> Option<String> {
    let fast = matrix(d, MatrixBy::Subnet, PORTS);
    let slow = matrix_by_tracing(d, MatrixBy::Subnet, PORTS);
    assert_eq!(fast.names, slow.names);
    let n = slow.names.len();
    for s in 0..n {
        for t in 0..n {
            for (p, want) in slow.reaches(s, t).iter().enumerate() {
                let got = fast.cell(s, t, p);
                if got != *want {
                    return Some(format!(
                        "{} → {} on {:?}: sets say {got:?}, tracing says {want:?}",
                        slow.names[s], slow.names[t], PORTS[p]
                    ));
                }
            }
        }
    }
    None
}

#[test]
fn the_set_engine_equals_tracing_on_every_bundled_topology() {
    let mut failures = Vec::new();
    for file in topology_files() {
        if let Some(diff) = first_difference(&design_file(&file)) {
            failures.push(format!("{file}: {diff}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_set_engine_equals_tracing_on_a_generated_hub_and_spoke_design() {
    let yaml = vnetlab_core::generate::generate(vnetlab_core::generate::Workload::T1, 7);
    let l = vnetlab_core::load("t1.yaml", yaml.as_bytes(), &BuildOptions::default());
    let d = l.design.expect("T1 is valid");
    assert_eq!(first_difference(&d), None);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_set_engine_equals_tracing_on_random_designs(yaml in random_designs()) {
        let l = vnetlab_core::load("random.yaml", yaml.as_bytes(), &BuildOptions::default());
        let d = l.design.unwrap_or_else(|| panic!("generated design is invalid:\n{yaml}\n{:#?}", l.diagnostics));
        let diff = first_difference(&d);
        prop_assert!(diff.is_none(), "{}\n{}", diff.unwrap_or_default(), yaml);
    }
}
