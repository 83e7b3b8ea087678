//! The options of issue #21 as users type them: `trace --source-port`, `rules --expand`,
//! `generate --format yaml|json`, `schema --format json`, `tui` without `--format`, and `-` for
//! a design on standard input (once per command).

use super::{code, root, stderr, stdout, vnetlab};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// A design whose NSG denies outbound traffic from source ports 1000–2000 only.
const SOURCE_PORTS: &str = "\
version: 1
name: source-ports
vnets:
  v:
    address_space: [10.0.0.0/16]
    subnets:
      s: { prefix: 10.0.1.0/24, nsg: n }
nsgs:
  n:
    rules:
      - { name: deny-low-source, priority: 100, direction: outbound, access: deny, protocol: tcp, source_ports: [1000-2000], destination: Internet }
workloads:
  vm: { kind: vm, subnet: v/s }
";

/// Runs vnetlab with `input` on standard input.
fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vnetlab"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("waits")
}

#[test]
fn trace_takes_a_source_port_that_nsg_rules_can_match() {
    let at = |port: &str| {
        with_stdin(
            &[
                "trace",
                "-",
                "--from",
                "vm",
                "--to",
                "203.0.113.9",
                "--source-port",
                port,
            ],
            SOURCE_PORTS.as_bytes(),
        )
    };
    let low = at("1500");
    assert_eq!(code(&low), 0, "{}", stderr(&low));
    assert!(
        stdout(&low).contains("10.0.1.4:1500 -> 203.0.113.9:443"),
        "{}",
        stdout(&low)
    );
    assert!(
        stdout(&low).contains("denied outbound by deny-low-source"),
        "{}",
        stdout(&low)
    );
    let default = with_stdin(
        &[
            "trace",
            "-",
            "--from",
            "vm",
            "--to",
            "203.0.113.9",
            "--expect",
            "allowed",
        ],
        SOURCE_PORTS.as_bytes(),
    );
    assert_eq!(code(&default), 0, "{}", stdout(&default));
    assert!(
        stdout(&default).contains(":50000 -> "),
        "{}",
        stdout(&default)
    );
    let o = vnetlab(&[
        "trace",
        "-",
        "--from",
        "a",
        "--to",
        "b",
        "--source-port",
        "70000",
    ]);
    assert_eq!(code(&o), 2, "a port above 65535 is a usage error");
}

#[test]
fn rules_expand_lists_the_prefixes_of_service_tags() {
    let f = "topologies/aml-private-aks.yaml";
    let plain = vnetlab(&["rules", f, "--workload", "trainer"]);
    assert!(!stdout(&plain).contains("expanded address prefixes"));
    let o = vnetlab(&["rules", f, "--workload", "trainer", "--expand"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("expanded address prefixes"), "{out}");
    // The built-in synthetic AzureMachineLearning range, and VirtualNetwork in VNet ml (with
    // the host's virtual IP, A3).
    assert!(
        out.contains("  AzureMachineLearning (1 prefix): 20.40.0.0/16"),
        "{out}"
    );
    assert!(
        out.contains("  VirtualNetwork (2 prefixes): 10.1.0.0/16, 168.63.129.16/32"),
        "{out}"
    );
    let j = vnetlab(&[
        "rules",
        f,
        "--workload",
        "trainer",
        "--expand",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&j)).expect("json");
    assert_eq!(v["expanded"]["AzureMachineLearning"][0], "20.40.0.0/16");
    let j = vnetlab(&["rules", f, "--workload", "trainer", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&j)).expect("json");
    assert!(v.get("expanded").is_none(), "only with --expand");
}

#[test]
fn generate_and_schema_take_format() {
    let yaml = vnetlab(&["generate", "--workload", "t1", "--format", "yaml"]);
    assert_eq!(code(&yaml), 0);
    assert_eq!(
        stdout(&yaml),
        stdout(&vnetlab(&["generate", "--workload", "t1"]))
    );
    let json = vnetlab(&["generate", "--workload", "t1", "--format", "json"]);
    serde_json::from_str::<serde_json::Value>(&stdout(&json)).expect("JSON");
    // Either form loads to the same design: check both from standard input.
    for o in [&yaml, &json] {
        let c = with_stdin(&["check", "-"], &o.stdout);
        assert_eq!(code(&c), 0, "{}", stderr(&c));
    }
    let schema = vnetlab(&["schema", "--format", "json"]);
    assert_eq!(stdout(&schema), stdout(&vnetlab(&["schema"])));
    assert_eq!(code(&vnetlab(&["schema", "--format", "text"])), 2);
    assert_eq!(code(&vnetlab(&["generate", "--format", "text"])), 2);
    assert_eq!(
        code(&vnetlab(&["generate", "--json"])),
        2,
        "--json became --format json"
    );
    // The terminal app draws; it takes no --format.
    assert_eq!(code(&vnetlab(&["tui", "x.yaml", "--format", "json"])), 2);
}

#[test]
fn every_command_that_reads_a_design_takes_standard_input() {
    let f = "topologies/aml-private-aks.yaml";
    let bytes = std::fs::read(root().join(f)).expect("topology");
    let runs: &[&[&str]] = &[
        &["check", "-"],
        &["trace", "-", "--from", "trainer", "--to", "mlstore:blob"],
        &["routes", "-", "--subnet", "ml/training"],
        &["rules", "-", "--workload", "trainer"],
        &["audit", "-"],
        &["matrix", "-", "--ports", "443"],
        &["diff", "-", "topologies/aml-private-aks.yaml"],
        &["diff", "topologies/aml-private-aks.yaml", "-"],
    ];
    for args in runs {
        let from_file: Vec<&str> = args.iter().map(|a| if *a == "-" { f } else { a }).collect();
        let want = vnetlab(&from_file);
        let got = with_stdin(args, &bytes);
        assert_eq!(code(&got), 0, "{args:?}: {}", stderr(&got));
        assert_eq!(stdout(&got), stdout(&want), "{args:?}");
    }
    // Problems are located in `<stdin>`.
    let o = with_stdin(&["check", "-"], b"version: 1\nname: x\nvnets: [\n");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("<stdin>:"), "{}", stderr(&o));
    // Standard input can be read once.
    let o = with_stdin(&["diff", "-", "-"], &bytes);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("can be read only once"),
        "{}",
        stderr(&o)
    );
}
