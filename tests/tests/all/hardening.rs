//! Issue #20's findings, one regression test each: arithmetic on user numbers that overflowed,
//! validation that stopped at the first full subnet, empty lists that meant "any", files with
//! nothing in them, and hostile shapes that must stay within time and memory bounds.

use vnetlab_core::model::BuildOptions;
use vnetlab_tests::errors;

const VNET: &str =
    "version: 1\nname: t\nvnets:\n  v:\n    address_space: [10.0.0.0/8]\n    subnets:\n";

fn has(got: &[String], prefix: &str) -> bool {
    got.iter().any(|g| g.starts_with(prefix))
}

#[test]
fn a_slash_30_hears_it_is_full_and_that_the_smallest_subnet_is_a_slash_29() {
    let text = format!(
        "{VNET}      a: {{ prefix: 10.0.0.0/30 }}\n      b: {{ prefix: 10.0.1.0/31 }}\nworkloads:\n  w: {{ kind: vm, subnet: v/a }}\n"
    );
    let got = errors(&text);
    assert!(has(&got, "7:10 subnet-capacity"), "{got:#?}");
    assert!(has(&got, "7:20 subnet-size"), "{got:#?}");
    assert!(has(&got, "8:20 subnet-size"), "{got:#?}");
    // A /30 has no usable address (not 1), and the fix is a /29, not "a /30 or larger".
    let loaded = vnetlab_core::load("t.yaml", text.as_bytes(), &BuildOptions::default());
    let cap = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "subnet-capacity")
        .expect("capacity error");
    assert!(
        cap.message.contains("has 0 usable addresses"),
        "{}",
        cap.message
    );
    assert_eq!(
        cap.help.as_deref(),
        Some(
            "make the subnet a /29 or larger (Azure reserves 5 addresses per subnet), or lower max_nodes"
        )
    );
}

#[test]
fn validation_carries_on_past_a_full_subnet() {
    // Three problems: a full subnet, a peering to a VNet that overlaps, an expectation naming
    // nothing. Before, the full subnet stopped validation and one was reported.
    let text = "version: 1\nname: t\nvnets:\n  a:\n    address_space: [10.0.0.0/16]\n    subnets:\n      s: { prefix: 10.0.0.0/29 }\n  b:\n    address_space: [10.0.0.0/16]\npeerings:\n  - between: [a, b]\nworkloads:\n  c: { kind: compute_cluster, subnet: a/s, max_nodes: 9 }\nexpect:\n  - { name: e, from: nowhere, to: c, port: 22, verdict: allowed }\n";
    let got = errors(text);
    for code in ["subnet-capacity", "peering-overlap", "expect-endpoint"] {
        assert!(got.iter().any(|g| g.contains(code)), "{code}: {got:#?}");
    }
}

#[test]
fn aks_numbers_at_their_limits_do_not_overflow() {
    // node_count + 1 and nodes × max_pods overflowed u32 (a panic in debug builds, a wrapped
    // small number in release builds that let the cluster "fit" in a /24).
    let text = format!(
        "{VNET}      aks: {{ prefix: 10.0.2.0/24 }}\nworkloads:\n  k: {{ kind: aks, subnet: v/aks, node_count: 4294967295, network_plugin: azure_cni, max_pods: 4294967295 }}\n"
    );
    let got = errors(&text);
    assert!(
        got.iter()
            .any(|g| g.starts_with("7:12 subnet-capacity") && g.contains("more than 4294967296")),
        "{got:#?}"
    );
    // 65,536 nodes (with the surge node) of 65,536 addresses (a pod's and the node's): 2^32,
    // just past u32.
    let text = format!(
        "{VNET}      aks: {{ prefix: 10.0.0.0/9 }}\nworkloads:\n  k: {{ kind: aks, subnet: v/aks, node_count: 65535, network_plugin: azure_cni, max_pods: 65535 }}\n"
    );
    let loaded = vnetlab_core::load("t.yaml", text.as_bytes(), &BuildOptions::default());
    let cap = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "subnet-capacity")
        .expect("capacity error");
    assert!(
        cap.message.contains("but 4294967296 are needed"),
        "{}",
        cap.message
    );
    assert!(
        cap.help
            .as_deref()
            .unwrap_or("")
            .starts_with("no Azure subnet (a /2 at most)"),
        "{:?}",
        cap.help
    );
}

#[test]
fn millions_of_cluster_addresses_are_allocated_as_ranges() {
    // 16,777,210 usable addresses in a /8, a cluster taking 10 million of them after a VM with
    // a fixed address in the middle: allocated run by run, not address by address.
    let text = "version: 1\nname: t\nvnets:\n  v:\n    address_space: [10.0.0.0/8]\n    subnets:\n      big: { prefix: 10.0.0.0/8 }\nworkloads:\n  fixed: { kind: vm, subnet: v/big, ip: 10.0.0.10 }\n  k: { kind: aks, subnet: v/big, node_count: 99999, network_plugin: azure_cni, max_pods: 99 }\n";
    let d = vnetlab_tests::design("t.yaml", text);
    let k = d.workloads.iter().find(|w| w.name == "k").expect("k");
    assert_eq!(k.addresses, 10_000_000);
    assert_eq!(k.ips.len(), 10_000_000);
    assert!(!k.ips.contains("10.0.0.10".parse().unwrap()));
    assert!(k.ips.contains("10.0.0.4".parse().unwrap()));
}
