//! The command line as users and CI scripts see it: exit codes (0 success, 1 a check failed,
//! 2 bad input or usage), error messages with file, line and column, JSON output, determinism.

mod ci;
mod diagnostics;
mod portfolio;
mod readme_ci;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
    assert_eq!(
        code(&o),
        1,
        "single edits break expectations of this design"
    );
    assert!(stdout(&o).contains(
        "remove private endpoint #1 of mlstore breaks: storage stays on the private endpoint"
    ));
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
