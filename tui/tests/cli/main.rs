//! The command line as users and CI scripts see it: exit codes (0 success, 1 a check failed,
//! 2 bad input or usage), error messages with file, line and column, JSON output, determinism.

mod ci;
mod diagnostics;
mod portfolio;
mod readme_ci;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod hardening;
mod options;
mod readme;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn vnetlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vnetlab"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn topologies() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("topologies"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| format!("topologies/{}", e.file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    v.sort();
    v
}

#[test]
fn check_passes_on_every_bundled_topology() {
    let files = topologies();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let o = vnetlab(&args);
    assert_eq!(code(&o), 0, "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("0 failed"));
}

#[test]
fn a_failing_expectation_exits_1_and_shows_the_trace() {
    let o = vnetlab(&["check", "tests/bad/failing-expectation.yaml"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("FAIL  the vm reaches the internet"), "{out}");
    assert!(
        out.contains("denied by NSG n rule deny-out (outbound)"),
        "{out}"
    );
}

#[test]
fn invalid_files_exit_2_with_located_errors() {
    let o = vnetlab(&["check", "tests/bad/unknown-key.yaml"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains(
            "tests/bad/unknown-key.yaml:5:5: error[unknown-key]: unknown key `adress_space` in vnet"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `address_space`?"), "{err}");

    let o = vnetlab(&["check", "tests/bad/many-problems.yaml"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    // Every syntax and type problem of the file at once…
    for needle in [
        "5:21: error[cidr]",
        "write the network address: `10.1.0.0/16`",
        "12:46: error[value]",
    ] {
        assert!(err.contains(needle), "missing {needle} in:\n{err}");
    }
    // …and, in a file whose types are right, every semantic problem at once.
    let o = vnetlab(&["check", "tests/bad/semantic-problems.yaml"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    for needle in [
        "7:45: error[reference]: no NSG named `trainig-nsg`",
        "did you mean `training-nsg`?",
        "7:27: error[subnet-range]",
        "11:30: error[priority]",
        "13:30: error[priority]",
    ] {
        assert!(err.contains(needle), "missing {needle} in:\n{err}");
    }

    let o = vnetlab(&["check", "tests/bad/not-utf8.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("tests/bad/not-utf8.yaml:2:7: error[encoding]"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&vnetlab(&["check"])), 2);
    assert_eq!(code(&vnetlab(&["frobnicate"])), 2);
    let o = vnetlab(&["check", "no/such/file.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cannot read no/such/file.yaml"),
        "{}",
        stderr(&o)
    );
    let o = vnetlab(&[
        "trace",
        "topologies/aml-private-endpoints.yaml",
        "--from",
        "traner",
        "--to",
        "mlstore:blob",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `trainer`?"),
        "{}",
        stderr(&o)
    );
    let o = vnetlab(&[
        "routes",
        "topologies/aml-private-endpoints.yaml",
        "--subnet",
        "ml/nope",
    ]);
    assert_eq!(code(&o), 2);
}

#[test]
fn trace_explains_and_can_assert_its_verdict() {
    let args = [
        "trace",
        "topologies/hub-spoke-firewall.yaml",
        "--from",
        "trainer",
        "--to",
        "pypi.org",
        "--port",
        "443",
    ];
    let o = vnetlab(&args);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.contains("packages/pypi"),
        "the deciding firewall rule is named: {out}"
    );
    assert!(
        out.contains("verdict: delivered\nservice tags: built-in synthetic"),
        "{out}"
    );
    let mut denied = args.to_vec();
    denied.extend(["--expect", "denied"]);
    assert_eq!(code(&vnetlab(&denied)), 1);
}

#[test]
fn json_output_is_valid_and_stable() {
    let o = vnetlab(&[
        "check",
        "--format",
        "json",
        "topologies/aml-private-endpoints.yaml",
    ]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let results = &v["files"][0]["report"]["results"];
    assert!(
        results
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["outcome"] == "holds")
    );
    assert_eq!(
        stdout(&o),
        stdout(&vnetlab(&[
            "check",
            "--format",
            "json",
            "topologies/aml-private-endpoints.yaml"
        ])),
        "byte-identical output"
    );
    let o = vnetlab(&[
        "routes",
        "--format",
        "json",
        "topologies/hub-spoke-firewall.yaml",
        "--subnet",
        "ml/training",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["routes"][0]["next_hop_type"], "VirtualNetwork");
}

#[test]
fn published_service_tags_replace_the_built_in_ranges() {
    let tags = root()
        .parent()
        .unwrap()
        .join("shared/data/service-tags-subset.json");
    if !tags.exists() {
        panic!(
            "{} is missing: the tests need ../shared/data beside the repository",
            tags.display()
        );
    }
    let o = vnetlab(&[
        "check",
        "--verbose",
        "--service-tags",
        tags.to_str().unwrap(),
        "topologies/hub-spoke-firewall.yaml",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let o = vnetlab(&[
        "check",
        "--format",
        "json",
        "--service-tags",
        tags.to_str().unwrap(),
        "topologies/hub-spoke-firewall.yaml",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["files"][0]["report"]["service_tags"],
        "Microsoft service tags, cloud Public, changeNumber 305"
    );
}

#[test]
fn matrix_diff_faults_and_generate_run() {
    let o = vnetlab(&[
        "matrix",
        "topologies/hub-spoke-firewall.yaml",
        "--ports",
        "443",
    ]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("ml/training"));
    let o = vnetlab(&[
        "diff",
        "topologies/hub-spoke-firewall.yaml",
        "topologies/hub-spoke-firewall.yaml",
        "--fail-on-change",
    ]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        "no difference in reachability or expectations\n"
    );
    // A change that opens the workspace and its dependencies: the diff names the new findings
    // and the expectation that now fails.
    let opened = std::fs::read_to_string(root().join("topologies/aml-private-aks.yaml"))
        .unwrap()
        .replace(
            "    public_network_access: disabled",
            "    public_network_access: enabled",
        );
    let dir = std::env::temp_dir().join(format!("vnetlab-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let after = dir.join("opened.yaml");
    std::fs::write(&after, opened).unwrap();
    let o = vnetlab(&[
        "diff",
        "topologies/aml-private-aks.yaml",
        after.to_str().unwrap(),
        "--ports",
        "443",
        "--fail-on-change",
    ]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains(
            "new finding: AML-PUBLIC-WORKSPACE: workspace mlws is reachable from the internet"
        ),
        "{out}"
    );
    assert!(
        out.contains("expectation the internet cannot reach the storage account: holds → fails"),
        "{out}"
    );
    let o = vnetlab(&[
        "check",
        "--faults",
        "1",
        "topologies/hub-spoke-firewall.yaml",
    ]);
    assert_eq!(code(&o), 0, "faults are reported, not failed on by default");
    assert!(stdout(&o).contains(
        "remove private endpoint #1 of mlstore breaks: storage stays on the private endpoint"
    ));
    let o = vnetlab(&[
        "check",
        "--faults",
        "1",
        "--fail-on-fault",
        "topologies/hub-spoke-firewall.yaml",
    ]);
    assert_eq!(
        code(&o),
        1,
        "single edits break expectations of this design: --fail-on-fault fails"
    );
    let o = vnetlab(&[
        "check",
        "--fail-on-fault",
        "topologies/hub-spoke-firewall.yaml",
    ]);
    assert_eq!(
        code(&o),
        2,
        "--fail-on-fault without --faults 1 is a usage error"
    );
    let a = vnetlab(&["generate", "--workload", "t1", "--seed", "7"]);
    let b = vnetlab(&["generate", "--workload", "t1", "--seed", "7"]);
    assert_eq!(stdout(&a), stdout(&b));
    let dir = std::env::temp_dir().join(format!("vnetlab-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("t1.yaml");
    std::fs::write(&file, stdout(&a)).unwrap();
    let o = vnetlab(&["check", file.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "the generated design is valid: {}", stderr(&o));
    // The same design as JSON: valid JSON, and the same matrix once loaded.
    let j = vnetlab(&[
        "generate",
        "--workload",
        "t1",
        "--seed",
        "7",
        "--format",
        "json",
    ]);
    serde_json::from_str::<serde_json::Value>(&stdout(&j))
        .expect("generate --format json writes JSON");
    let json_file = dir.join("t1.json");
    std::fs::write(&json_file, stdout(&j)).unwrap();
    let m = |f: &std::path::Path| {
        stdout(&vnetlab(&[
            "matrix",
            f.to_str().unwrap(),
            "--ports",
            "22,443",
        ]))
    };
    assert_eq!(m(&file), m(&json_file));
}

#[test]
fn import_arm_writes_a_design_that_checks_and_reports_on_stderr() {
    let dir = std::env::temp_dir().join(format!("vnetlab-import-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("spoke.yaml");
    let out_s = out.to_string_lossy().into_owned();
    let o = vnetlab(&[
        "import",
        "arm",
        "tests/fixtures/import/arm/template/ml-spoke.json",
        "--parameters",
        "tests/fixtures/import/arm/template/ml-spoke.parameters.json",
        "-o",
        &out_s,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(
        stderr(&o).contains("unknown until deploy: properties.dhcpOptions.dnsServers[0]"),
        "{}",
        stderr(&o)
    );
    let yaml = std::fs::read_to_string(&out).unwrap();
    assert!(yaml.contains("# source: /subscriptions/"));
    let c = vnetlab(&["check", &out_s]);
    assert_eq!(code(&c), 0, "{}{}", stdout(&c), stderr(&c));
    let j = vnetlab(&[
        "import",
        "arm",
        "tests/fixtures/import/arm/template/ml-spoke.json",
        "--parameters",
        "tests/fixtures/import/arm/template/ml-spoke.parameters.json",
        "--format",
        "json",
    ]);
    assert_eq!(code(&j), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&j)).expect("json");
    assert_eq!(v["valid"], true);
    assert_eq!(v["report"]["unknown_until_deploy"], 2);
    assert!(v["design"].as_str().unwrap().contains("ml-prod-vnet"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn import_arm_bad_input_exits_2_with_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("vnetlab-import-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n\"contentVersion\": \"1.0.0.0\",\n\"resources\": [{\"type\": \"Microsoft.Network/virtualNetworks\", \"name\": \"[nope()]\"}]}\n",
    )
    .unwrap();
    let bad_s = bad.to_string_lossy().into_owned();
    let o = vnetlab(&["import", "arm", &bad_s]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(&format!(
            "{bad_s}:3:71: error[import]: unknown template function `nope`"
        )),
        "{}",
        stderr(&o)
    );
    let missing = vnetlab(&["import", "arm", "no/such/file.json"]);
    assert_eq!(code(&missing), 2);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn import_arm_warns_when_the_design_does_not_validate() {
    let dir = std::env::temp_dir().join(format!("vnetlab-import-warn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("nsg.json");
    std::fs::write(
        &input,
        r#"[{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkSecurityGroups/n",
  "type": "Microsoft.Network/networkSecurityGroups",
  "securityRules": [{"name": "r", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
    "sourceAddressPrefix": "NotATag", "destinationAddressPrefix": "*", "destinationPortRange": "443"}]}]"#,
    )
    .unwrap();
    let out = dir.join("nsg.yaml");
    let (input_s, out_s) = (
        input.to_string_lossy().into_owned(),
        out.to_string_lossy().into_owned(),
    );
    let o = vnetlab(&["import", "arm", &input_s, "-o", &out_s]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: the imported design does not validate yet")
            && stderr(&o).contains(&format!("{out_s}:")),
        "{}",
        stderr(&o)
    );
    let j = vnetlab(&["import", "arm", &input_s, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&j)).expect("json");
    assert_eq!(v["design_diagnostics"][0]["code"], "address");
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue #13's example: an inbound deny on TCP 8443 (not one of the old matrix ports) is a
/// change over every packet: `diff` names it as a class with both traces, `--fail-on-change`
/// exits 1, `--ports` narrows only what is shown, and identical designs report nothing.
#[test]
fn diff_compares_every_port_and_fails_on_a_deny_of_8443() {
    let before = r#"
version: 1
name: d8443
vnets:
  ml:
    address_space: [10.1.0.0/16]
    subnets:
      jump: { prefix: 10.1.1.0/24 }
      inference: { prefix: 10.1.2.0/24, nsg: inference-nsg }
nsgs:
  inference-nsg:
    rules:
      - { name: no-rdp, priority: 100, direction: inbound, access: deny, protocol: tcp, source: "*", destination: "*", destination_ports: [3389] }
"#;
    let after = before.replace(
        "destination_ports: [3389] }",
        "destination_ports: [3389] }\n      - { name: no-8443, priority: 110, direction: inbound, access: deny, protocol: tcp, source: 10.1.1.0/24, destination: \"*\", destination_ports: [8443] }",
    );
    let dir = std::env::temp_dir().join(format!("vnetlab-diff8443-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a, b) = (dir.join("before.yaml"), dir.join("after.yaml"));
    std::fs::write(&a, before).unwrap();
    std::fs::write(&b, after).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let o = vnetlab(&["diff", a, b, "--fail-on-change"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("ml/jump → ml/inference tcp/8443: allowed → denied\n  before: "),
        "{out}"
    );
    assert!(out.contains("  after: "), "{out}");
    assert!(
        out.contains("no-8443"),
        "the after trace names the rule: {out}"
    );
    // Narrowed to other ports: nothing shown, but the change still fails the gate.
    let o = vnetlab(&["diff", a, b, "--ports", "22,443", "--fail-on-change"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("not shown"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("8443: allowed"), "{}", stdout(&o));
    // In JSON, with the ports as a class.
    let o = vnetlab(&["diff", a, b, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let c = &v["reach_changes"][0];
    assert_eq!(c["from"], "ml/jump");
    assert_eq!(c["ports"][0]["lo"], 8443);
    assert_eq!(c["before"], "all");
    assert_eq!(c["after"], "none");
    let o = vnetlab(&["diff", b, b, "--fail-on-change"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        "no difference in reachability or expectations\n"
    );
}

/// `check --faults 1` on a design without expectations tries nothing, says so and succeeds
/// (issue #13: it ran for minutes on a generated T2 design with no expectations).
#[test]
fn faults_without_expectations_do_nothing_and_say_so() {
    let a = vnetlab(&["generate", "--workload", "t1", "--seed", "3"]);
    // The generated design without its `expect` entries.
    let text = stdout(&a);
    let text = &text[..text.find("\nexpect:\n").expect("T1 has expectations") + 1];
    let dir = std::env::temp_dir().join(format!("vnetlab-faults-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("t1.yaml");
    std::fs::write(&file, text).unwrap();
    let o = vnetlab(&["check", "--faults", "1", file.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("no expectations, so nothing can break; nothing tried"),
        "{}",
        stdout(&o)
    );
    // With expectations that hold, it tries the edits that can break them and skips the rest.
    std::fs::write(&file, stdout(&a)).unwrap();
    let o = vnetlab(&["check", "--faults", "1", file.to_str().unwrap()]);
    assert_eq!(
        code(&o),
        0,
        "faults are reported, not failed on: {}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("more skipped: they change nothing a holding expectation reads"),
        "{}",
        stdout(&o)
    );
}
