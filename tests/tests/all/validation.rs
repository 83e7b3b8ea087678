//! Loading bad files: every problem is reported, each with its line, column and fix; nothing
//! panics, whatever the input.

use vnetlab_core::model::BuildOptions;
use vnetlab_tests::errors;

const BASE: &str = "version: 1\nname: t\n";

/// (what, file text after the two header lines, expected "line:col code" prefixes).
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "unknown key with a suggestion",
        "vnets:\n  v:\n    adress_space: [10.0.0.0/16]\n",
        &["5:5 unknown-key", "5:5 missing-key"],
    ),
    (
        "host bits in a CIDR",
        "vnets:\n  v:\n    address_space: [10.0.0.1/16]\n",
        &["5:21 cidr"],
    ),
    (
        "not a CIDR",
        "vnets:\n  v:\n    address_space: [banana]\n",
        &["5:21 cidr"],
    ),
    (
        "bad port",
        "nsgs:\n  n:\n    rules:\n      - { name: r, priority: 100, direction: inbound, access: allow, destination_ports: 70000 }\n",
        &["6:89 port"],
    ),
    (
        "priority out of range and duplicated",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 50, direction: inbound, access: allow }\n      - { name: b, priority: 200, direction: inbound, access: allow }\n      - { name: c, priority: 200, direction: inbound, access: deny }\n",
        &["6:30 priority", "8:30 priority"],
    ),
    (
        "wrong enum value",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbund, access: allow }\n",
        &["6:46 value"],
    ),
    (
        "subnet outside its VNet",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      s: { prefix: 10.1.0.0/24 }\n",
        &["7:20 subnet-range"],
    ),
    (
        "overlapping sibling subnets",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      a: { prefix: 10.0.0.0/24 }\n      b: { prefix: 10.0.0.128/25 }\n",
        &["8:20 subnet-overlap"],
    ),
    (
        "subnet too small",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      a: { prefix: 10.0.0.0/30 }\n",
        &["7:20 subnet-size"],
    ),
    (
        "dangling NSG with suggestion",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      a: { prefix: 10.0.0.0/24, nsg: web-nsh }\nnsgs:\n  web-nsg: {}\n",
        &["7:38 reference"],
    ),
    (
        "IP in the reserved addresses",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      a: { prefix: 10.0.0.0/24 }\nworkloads:\n  w: { kind: vm, subnet: v/a, ip: 10.0.0.2 }\n",
        &["9:35 ip"],
    ),
    (
        "IP outside its subnet",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      a: { prefix: 10.0.0.0/24 }\nworkloads:\n  w: { kind: vm, subnet: v/a, ip: 10.0.1.9 }\n",
        &["9:35 ip"],
    ),
    (
        "cluster larger than its subnet",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      a: { prefix: 10.0.0.0/28 }\nworkloads:\n  c: { kind: compute_cluster, subnet: v/a, max_nodes: 20 }\n",
        &["7:10 subnet-capacity"],
    ),
    (
        "Azure Firewall outside AzureFirewallSubnet",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      fw: { prefix: 10.0.0.0/26 }\nfirewalls:\n  f: { kind: azure_firewall, subnet: v/fw }\n",
        &["9:38 required-subnet"],
    ),
    (
        "overlapping address spaces across a peering",
        "vnets:\n  a:\n    address_space: [10.0.0.0/16]\n  b:\n    address_space: [10.0.0.0/24]\npeerings:\n  - between: [a, b]\n",
        &["9:5 peering-overlap"],
    ),
    (
        "private endpoint zone that does not match its group",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      pe: { prefix: 10.0.0.0/24 }\nservices:\n  st:\n    kind: storage\n    private_endpoints:\n      - { subnet: v/pe, group: blob, zones: [privatelink.file.core.windows.net] }\ndns:\n  private_zones:\n    privatelink.file.core.windows.net: {}\n",
        &["12:46 pe-zone"],
    ),
    (
        "unknown service tag",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbound, access: allow, source: AzureMachineLerning }\n",
        &["6:78 address"],
    ),
    (
        "virtual appliance route without next_hop_ip",
        "route_tables:\n  t:\n    routes:\n      - { name: r, prefix: 0.0.0.0/0, next_hop: virtual_appliance }\n",
        &["6:9 next-hop"],
    ),
    (
        "dangling expectation endpoint",
        "expect:\n  - { name: e, from: nobody, to: internet, port: 443, verdict: allowed }\n",
        &["4:5 expect-endpoint"],
    ),
    (
        "a project sets what its hub decides, and a project used as a hub",
        "services:\n  hub:\n    kind: ml_workspace\n  p1:\n    kind: ml_workspace\n    hub: hub\n    public_network_access: enabled\n  p2:\n    kind: ml_workspace\n    hub: p1\n",
        &["7:5 project-key", "12:10 hub"],
    ),
];

#[test]
fn every_bad_file_gets_located_errors() {
    let mut problems = Vec::new();
    for (what, body, expected) in CASES {
        let text = format!("{BASE}{body}");
        let got = errors(&text);
        for e in *expected {
            if !got.iter().any(|g| g.starts_with(e)) {
                problems.push(format!("{what}: expected `{e}…`, got {got:#?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn all_problems_are_reported_not_just_the_first() {
    let text = format!(
        "{BASE}vnets:\n  v:\n    address_spac: [10.0.0.0/16]\n  w:\n    address_space: [10.0.0.1/8]\nnsgs:\n  n:\n    rules:\n      - {{ name: a, priority: 1, direction: up, access: allow }}\n"
    );
    let got = errors(&text);
    assert!(got.len() >= 4, "{got:#?}");
}

#[test]
fn did_you_mean_is_offered_for_unknown_keys_and_names() {
    let text = format!("{BASE}vnets:\n  v:\n    adress_space: [10.0.0.0/16]\n");
    let loaded = vnetlab_core::load("t.yaml", text.as_bytes(), &BuildOptions::default());
    let d = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-key")
        .expect("unknown key reported");
    assert_eq!(d.help.as_deref(), Some("did you mean `address_space`?"));
    let rendered = d.render(Some(&text));
    assert!(rendered.starts_with("t.yaml:5:5: error[unknown-key]: unknown key `adress_space` in vnet\n5 |     adress_space"), "{rendered}");
}

#[test]
fn json_documents_are_accepted() {
    let text = r#"{"version": 1, "name": "j", "vnets": {"v": {"address_space": ["10.0.0.0/16"], "subnets": {"s": {"prefix": "10.0.1.0/24"}}}}}"#;
    let loaded = vnetlab_core::load("t.json", text.as_bytes(), &BuildOptions::default());
    assert!(loaded.design.is_some(), "{:?}", loaded.diagnostics);
}

#[test]
fn hostile_inputs_give_errors_not_panics() {
    let inputs: Vec<Vec<u8>> = vec![
        vec![0xff, 0xfe, b'a'],
        b"version: 1\nname: \xc3\x28\n".to_vec(),
        "[".repeat(100_000).into_bytes(),
        "a: &a [1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g]\n".as_bytes().to_vec(),
        b"".to_vec(),
        b"- 1\n- 2\n".to_vec(),
        b"version: 1\nname: x\nvnets: 7\n".to_vec(),
        b"\t\tversion: 1".to_vec(),
        format!("version: 1\nname: big\ndescription: \"{}\"\n", "x".repeat(5_000_000)).into_bytes(),
    ];
    for input in inputs {
        let loaded = vnetlab_core::load("t.yaml", &input, &BuildOptions::default());
        if loaded.design.is_none() {
            assert!(
                !loaded.diagnostics.is_empty(),
                "a rejected file must say why"
            );
        }
    }
}

#[test]
fn non_utf8_is_located() {
    let loaded = vnetlab_core::load(
        "t.yaml",
        b"version: 1\nname: \xc3\x28\n",
        &BuildOptions::default(),
    );
    let d = &loaded.diagnostics[0];
    assert_eq!((d.code, d.span.line, d.span.col), ("encoding", 2, 7));
}

/// The JSON fast path reads every bundled topology, printed as JSON (pretty and on one line,
/// with non-ASCII text), into the very nodes the YAML reader gives for the same text, spans
/// included; what it refuses (malformed or too deep) the YAML reader reports.
#[test]
fn the_json_fast_path_reads_what_the_yaml_reader_reads() {
    use vnetlab_core::diag::Diagnostics;
    use vnetlab_core::syntax::{parse, parse_json};
    let mut checked = 0;
    for path in vnetlab_tests::topology_files() {
        let d = vnetlab_tests::design_file(&path);
        let pretty =
            vnetlab_core::format::to_json(&d.file).replace("\"name\": \"", "\"name\": \"é ");
        let compact: String =
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&pretty).unwrap())
                .unwrap();
        for text in [&pretty, &compact] {
            let fast = parse_json(text)
                .unwrap_or_else(|| panic!("{path}: the fast path refused valid JSON"));
            let mut diags = Diagnostics::new("x.json");
            let slow = parse(text, &mut diags).expect("valid");
            assert_eq!(fast, slow, "{path}");
            checked += 1;
        }
    }
    assert!(checked >= 20);
    for bad in [
        "{\"a\": 1,}",
        "{\"a\": 1 // no\n}",
        "{'a': 1}",
        "{\"a\": 0x10}",
        &"[".repeat(70),
        "{\"a\" 1}",
    ] {
        assert!(parse_json(bad).is_none(), "{bad}");
    }
    // Too deep for the fast path: the YAML reader says why.
    let deep = format!("{}{}", "[".repeat(70), "]".repeat(70));
    assert!(parse_json(&deep).is_none());
    let errs = vnetlab_tests::errors(&deep);
    assert!(
        errs.iter().any(|e| e.contains("nesting deeper than 64")),
        "{errs:?}"
    );
}
