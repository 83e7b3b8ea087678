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

#[test]
fn an_empty_list_is_an_error_not_any() {
    let nsg = "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbound, access: allow, ";
    let forti = "firewalls:\n  f:\n    kind: fortigate\n    subnet: v/s\n    policies:\n      - { name: p, action: accept, ";
    let fw_vnet = "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      s: { prefix: 10.0.0.0/24 }\n";
    let cases: Vec<(String, &str)> =
        vec![
        (format!("{nsg}source: [] }}\n"), "6:78 empty-list"),
        (format!("{nsg}destination: [] }}\n"), "6:83 empty-list"),
        (format!("{nsg}source_ports: [] }}\n"), "6:84 empty-list"),
        (format!("{nsg}destination_ports: [] }}\n"), "6:89 empty-list"),
        (
            "expect:\n  - { name: e, from: internet, to: 10.0.0.4, ports: [], verdict: denied }\n"
                .to_string(),
            "4:53 empty-list",
        ),
        (format!("{fw_vnet}{forti}source: [] }}\n"), "13:44 empty-list"),
        (format!("{fw_vnet}{forti}service: [] }}\n"), "13:45 empty-list"),
        (format!("{fw_vnet}{forti}groups: [] }}\n"), "13:44 empty-list"),
    ];
    for (body, want) in cases {
        let got = errors(&format!("version: 1\nname: t\n{body}"));
        assert!(has(&got, want), "{body}: want {want}, got {got:#?}");
    }
    // Leaving the key out still means "any" (Azure's `*`).
    let ok = format!("version: 1\nname: t\n{nsg}destination_ports: 22 }}\n");
    assert!(errors(&ok).is_empty(), "{:#?}", errors(&ok));
}

#[test]
fn a_file_with_no_content_says_it_is_empty() {
    for text in [
        "# only a comment\n",
        "...\n",
        "\u{feff}# a BOM and a comment\n",
        "---\n",
        "--- # nothing\n...\n",
        "~\n",
        "",
        "\n\n  \n",
    ] {
        let got = errors(text);
        assert_eq!(got.len(), 1, "{text:?}: {got:#?}");
        assert!(
            got[0].starts_with("1:1 empty: the file is empty"),
            "{text:?}: {got:#?}"
        );
    }
}

/// A list of `n` scalars anchored `&a0…`, the file's description, and `aliases` aliases to the
/// first of them under an unknown key (so the file is rejected only for that key, after parsing).
fn anchored(n: usize, refer: &str) -> String {
    let mut t = String::from("version: 1\nname: t\nx:\n  - &big [");
    for i in 0..n {
        t.push_str(&format!("{i},"));
    }
    t.push_str("0]\n");
    t.push_str(refer);
    t
}

#[test]
fn anchors_without_aliases_are_not_kept_and_aliases_stay_bounded() {
    // An anchored list of 2.5 million nodes: past the expansion limit if an alias used it,
    // and harmless (not copied, not counted) when none does.
    let unused = anchored(2_500_000, "");
    let got = errors(&unused);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].contains("unknown-key"), "{got:#?}");
    let used = anchored(2_500_000, "  - *big\n");
    let got = errors(&used);
    assert!(
        got.iter()
            .any(|g| g.contains("aliases expand to more than 2000000 nodes")),
        "{got:#?}"
    );
    // Many small anchors, each used: found by id, in a map (it was a linear search each).
    let mut t = String::from("version: 1\nname: t\ndescription: &d0 x\nvnets:\n");
    for i in 0..5_000 {
        t.push_str(&format!(
            "  v{i}:\n    address_space: &s{i} [10.{}.{}.0/24]\n",
            i / 256,
            i % 256
        ));
    }
    t.push_str("peerings:\n");
    for i in 0..5_000 {
        t.push_str(&format!(
            "  - {{ between: [v{i}, v{}], x: *s{i} }}\n",
            (i + 1) % 5_000
        ));
    }
    let got = errors(&t);
    assert_eq!(
        got.len(),
        5_000,
        "one unknown key per peering: {:?}",
        &got[..3]
    );
}

#[test]
fn millions_of_problems_are_collected_up_to_a_cap_and_counted() {
    use vnetlab_core::diag::MAX_COLLECTED;
    let mut t = String::from("version: 1\nname: t\nvnets:\n");
    let n = 3 * MAX_COLLECTED;
    for i in 0..n {
        t.push_str(&format!("  v{i}: {{ adress_space: [10.0.0.0/16] }}\n"));
    }
    let loaded = vnetlab_core::load("t.yaml", t.as_bytes(), &BuildOptions::default());
    assert!(loaded.design.is_none());
    let d = &loaded.diagnostics;
    assert_eq!(d.len(), MAX_COLLECTED + 1);
    let last = d.last().expect("summary");
    assert_eq!(last.code, "too-many-problems");
    // Two per VNet (the unknown key and the missing address space).
    let rest = 2 * n - MAX_COLLECTED;
    assert!(
        last.message
            .starts_with(&format!("{rest} more problem(s) ({rest} error(s))")),
        "{}",
        last.message
    );
}

/// The fuzz targets' saved regressions (`fuzz/regressions/`) load without a panic, and a file
/// that is rejected says why, with a position.
#[test]
fn the_fuzz_regressions_load_cleanly() {
    let dir = vnetlab_tests::root().join("fuzz/regressions/load");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions/load exists") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("readable");
        let loaded = vnetlab_core::load("r.yaml", &bytes, &BuildOptions::default());
        if loaded.design.is_none() {
            assert!(!loaded.diagnostics.is_empty(), "{}", path.display());
        }
        assert!(
            loaded
                .diagnostics
                .iter()
                .all(|d| d.span.line >= 1 && d.span.col >= 1),
            "{}",
            path.display()
        );
        n += 1;
    }
    assert!(n >= 5, "{n}");
    let tags = vnetlab_tests::root().join("fuzz/regressions/service_tags");
    for entry in std::fs::read_dir(&tags).expect("fuzz/regressions/service_tags exists") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("text");
        let read = vnetlab_core::tags::ServiceTags::read_published("t.json", &text);
        assert!(read.tags.is_some() || !read.diagnostics.is_empty());
    }
}

#[test]
fn a_gateway_in_a_missing_vnet_is_an_error_not_a_panic() {
    // Found by the `mutate` fuzz target: with no VNet at all, the unresolved gateway's
    // placeholder VNet id was out of range (fuzz/regressions/mutate/gateway-to-missing-vnet-…).
    let got = errors("version: 1\nname: t\ngateways:\n  g: { vnet: nowhere }\n");
    assert!(has(&got, "4:14 reference"), "{got:#?}");
}
