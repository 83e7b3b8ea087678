//! `vnetlab import terraform` as users and pipelines run it: a configuration directory or a
//! plan's JSON in, a loadable design out (standard output or -o) with the report on standard
//! error; bad input exits 2 with file, line and column.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vnetlab-tf-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_configuration_directory_imports_to_a_design_that_checks() {
    let dir = temp("ok");
    let out = dir.join("hub-spoke.yaml");
    let o = vnetlab(&[
        "import",
        "terraform",
        "tests/fixtures/import/terraform/hub-spoke",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let report = text(&o.stderr);
    assert!(report.contains("derived as 10.0.0.4"), "{report}");
    assert!(
        report.ends_with("0 dropped, 2 approximated, 2 unknown until deploy\n"),
        "{report}"
    );
    let o = vnetlab(&["check", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    // A plan's JSON, with the design on standard output.
    let o = vnetlab(&[
        "import",
        "terraform",
        "tests/fixtures/import/terraform/modules/plan.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("next_hop_ip: 10.100.0.4"));
    // --var and --var-file; the JSON report for pipelines.
    let vars = dir.join("one.tfvars");
    std::fs::write(
        &vars,
        "spokes = { solo = { cidr = \"10.7.0.0/16\", vm_count = 1, open_ssh = false } }\n",
    )
    .unwrap();
    let o = vnetlab(&[
        "import",
        "terraform",
        "tests/fixtures/import/terraform/modules",
        "--var-file",
        vars.to_str().unwrap(),
        "--var",
        "location=eastus2",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["valid"], true);
    let design = v["design"].as_str().unwrap();
    assert!(
        design.contains("vnet-solo:") && design.contains("region: eastus2"),
        "{design}"
    );
}

#[test]
fn bad_input_exits_2_with_a_located_error() {
    let dir = temp("bad");
    std::fs::write(
        dir.join("main.tf"),
        "resource \"azurerm_virtual_network\" \"v\" {\n  name = \"v\"\n  address_space = [\n}\n",
    )
    .unwrap();
    let o = vnetlab(&["import", "terraform", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("main.tf:4:1"), "{err}");
    assert!(err.contains("HCL syntax"), "{err}");
    let o = vnetlab(&[
        "import",
        "terraform",
        "tests/fixtures/import/terraform/modules",
        "--var",
        "nope",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--var nope: write it as NAME=VALUE"));
    let empty = temp("empty");
    let o = vnetlab(&["import", "terraform", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no .tf file here"));
}
