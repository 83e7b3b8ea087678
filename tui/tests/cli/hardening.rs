//! Issue #20 at the command line: output lost to a full disk, usage errors for lists naming
//! nothing, located service-tags problems, files with no content, leading zeros, and traces
//! to the addresses Azure reserves.

use super::{code, root, stderr, stdout, vnetlab};
use std::path::PathBuf;

/// Writes `text` to a fresh file in a temporary directory of this test process.
fn temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vnetlab-harden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn output_to_a_full_disk_exits_2() {
    if !std::path::Path::new("/dev/full").exists() {
        panic!("/dev/full is missing: this test needs a Linux machine");
    }
    let full = std::fs::File::create("/dev/full").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_vnetlab"))
        .args(["check", "topologies/hub-spoke-firewall.yaml"])
        .current_dir(root())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write to standard output"),
        "{}",
        stderr(&o)
    );
    // The same command with somewhere to write succeeds.
    assert_eq!(
        code(&vnetlab(&["check", "topologies/hub-spoke-firewall.yaml"])),
        0
    );
}

#[test]
fn matrix_ports_naming_no_port_is_a_usage_error() {
    for ports in ["", " ", ",", " , "] {
        let o = vnetlab(&[
            "matrix",
            "topologies/hub-spoke-firewall.yaml",
            "--ports",
            ports,
        ]);
        assert_eq!(code(&o), 2, "{ports:?}: {}", stdout(&o));
        assert!(stderr(&o).contains("names no port"), "{}", stderr(&o));
    }
}

#[test]
fn files_with_no_content_exit_2_saying_they_are_empty() {
    for (i, text) in ["# only a comment\n", "...\n", "\u{feff}# BOM and comment\n"]
        .iter()
        .enumerate()
    {
        let p = temp(&format!("empty-{i}.yaml"), text);
        let o = vnetlab(&["check", p.to_str().unwrap()]);
        assert_eq!(code(&o), 2);
        let err = stderr(&o);
        assert!(
            err.contains(":1:1: error[empty]: the file is empty"),
            "{err}"
        );
        assert!(!err.contains("0 error(s)"), "{err}");
    }
}

#[test]
fn leading_zeros_are_refused_in_prefixes_as_in_addresses() {
    let p = temp(
        "zeros.yaml",
        "version: 1\nname: z\nvnets:\n  v:\n    address_space: [010.000.000.000/16]\n    subnets:\n      s: { prefix: 10.0.1.0/24 }\nworkloads:\n  w: { kind: vm, subnet: v/s, ip: 010.0.1.4 }\n",
    );
    let o = vnetlab(&["check", p.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains(":5:21: error[cidr]"), "{err}");
    assert!(err.contains("write `10.0.0.0/16`"), "{err}");
    assert!(err.contains(":9:35: error[ip]"), "{err}");
    assert!(err.contains("write `10.0.1.4`"), "{err}");
}

#[test]
fn a_trace_to_a_reserved_address_is_not_delivered() {
    let p = temp(
        "reserved.yaml",
        "version: 1\nname: r\nvnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      a: { prefix: 10.0.1.0/24 }\n      b: { prefix: 10.0.2.0/24 }\nworkloads:\n  vm: { kind: vm, subnet: v/a }\n",
    );
    let f = p.to_str().unwrap();
    for (ip, role) in [
        ("10.0.2.0", "the network address"),
        ("10.0.2.1", "the default gateway"),
        ("10.0.2.2", "one of .2 and .3"),
        ("10.0.2.3", "one of .2 and .3"),
        ("10.0.2.255", "the broadcast address"),
    ] {
        let o = vnetlab(&["trace", f, "--from", "vm", "--to", ip, "--port", "22"]);
        let out = stdout(&o);
        assert!(
            out.contains(&format!("verdict: dropped: {ip} is {role}")),
            "{out}"
        );
    }
    let o = vnetlab(&[
        "trace", f, "--from", "vm", "--to", "10.0.2.4", "--port", "22",
    ]);
    assert!(stdout(&o).contains("verdict: delivered"), "{}", stdout(&o));
    // An expectation that the broadcast address is reachable fails.
    let p = temp(
        "reserved-expect.yaml",
        "version: 1\nname: r\nvnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      a: { prefix: 10.0.1.0/24 }\n      b: { prefix: 10.0.2.0/24 }\nworkloads:\n  vm: { kind: vm, subnet: v/a }\nexpect:\n  - { name: broadcast, from: vm, to: 10.0.2.255, port: 22, verdict: allowed }\n",
    );
    assert_eq!(code(&vnetlab(&["check", p.to_str().unwrap()])), 1);
}

#[test]
fn service_tags_problems_are_located() {
    let tags = temp(
        "tags.json",
        r#"{
  "changeNumber": 7,
  "cloud": "Public",
  "values": [
    { "name": "Storage", "properties": { "addressPrefixes": ["20.60.0.0/16", "2603:1000::/40", "banana"] } },
    { "name": "Sql", "properties": { "addressPrefixes": ["20.67.0.1/16", "010.0.0.0/8"] } },
    { "name": "storage", "properties": { "addressPrefixes": ["20.61.0.0/16"] } },
    { "name": "Internet", "properties": { "addressPrefixes": ["0.0.0.0/0"] } }
  ]
}
"#,
    );
    let o = vnetlab(&[
        "check",
        "--service-tags",
        tags.to_str().unwrap(),
        "topologies/hub-spoke-firewall.yaml",
    ]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let err = stderr(&o);
    for want in [
        ":5:96: error[service-tags]: `banana` in service tag `Storage` is not an IPv4 prefix",
        ":6:58: error[service-tags]: `20.67.0.1/16` in service tag `Sql` is not an IPv4 prefix",
        "the network is `20.67.0.0/16`",
        ":6:74: error[service-tags]: `010.0.0.0/8`",
        ":7:15: error[service-tags]: service tag `storage` is given twice (first at line 5, column 15)",
        ":8:15: warning[service-tags]: the file's `Internet` entry is ignored",
        "4 error(s) in the service tags",
    ] {
        assert!(err.contains(want), "want {want}\n{err}");
    }
    // The Internet entry alone is a warning: the tags load, the built-in Internet stands.
    let tags = temp(
        "tags-internet.json",
        r#"{"values": [
  { "name": "Storage", "properties": { "addressPrefixes": ["20.60.0.0/16"] } },
  { "name": "Internet", "properties": { "addressPrefixes": ["0.0.0.0/0"] } }
]}"#,
    );
    let design = temp(
        "plain.yaml",
        "version: 1\nname: p\nvnets:\n  v:\n    address_space: [10.0.0.0/16]\n",
    );
    let o = vnetlab(&[
        "check",
        "--service-tags",
        tags.to_str().unwrap(),
        design.to_str().unwrap(),
    ]);
    assert!(
        stderr(&o).contains("warning[service-tags]"),
        "{}",
        stderr(&o)
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}
