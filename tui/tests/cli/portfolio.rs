//! `vnetlab audit` over many designs (files, a directory, a glob): each design's report, then
//! the portfolio's figures across them, in text and as one JSON document; the exit code as for
//! one file.

use super::{code, root, stderr, stdout, vnetlab};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Every design file under `dir` (relative to the repository), recursively, sorted.
fn designs(dir: &str) -> Vec<String> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join(dir), &mut out);
    let mut v: Vec<String> = out
        .iter()
        .map(|p| {
            p.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    let o = vnetlab(&all);
    let v = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}\n{}", stdout(&o)));
    (code(&o), v)
}

fn files(doc: &Value) -> Vec<String> {
    doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_directory_is_every_design_under_it_sorted_and_the_portfolio_adds_up_their_audits() {
    let expected = designs("topologies");
    assert!(expected.iter().any(|f| f.starts_with("topologies/broken/")));
    let (rc, doc) = json(&["topologies/"]);
    // Some bundled designs are broken on purpose: the portfolio fails as they do alone.
    assert_eq!(rc, 1);
    let names: Vec<String> = files(&doc)
        .iter()
        .map(|f| f.replace("topologies//", "topologies/"))
        .collect();
    assert_eq!(names, expected);
    let p = &doc["portfolio"];
    assert_eq!(p["designs"], expected.len());
    // Each figure is the sum of the designs' audits, each as `audit FILE` reports it alone.
    let mut sums = [0u64; 7];
    let mut findings = 0;
    for file in &expected {
        let (_, alone) = json(&[file.as_str()]);
        let g = &alone["governance"];
        let fields = [
            "workspaces",
            "workspaces_public_access_disabled",
            "computes",
            "computes_with_public_ip",
            "dependent_services",
            "dependent_services_without_private_endpoint",
        ];
        for (i, k) in fields.iter().enumerate() {
            sums[i] += g[k].as_u64().unwrap();
        }
        sums[6] += alone["flows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["works"] == false)
            .count() as u64;
        findings += alone["findings"].as_array().unwrap().len() as u64;
    }
    assert_eq!(p["workspaces"], sums[0]);
    assert_eq!(p["workspaces_public_access_disabled"], sums[1]);
    assert_eq!(p["computes"], sums[2]);
    assert_eq!(p["computes_with_public_ip"], sums[3]);
    assert_eq!(p["dependent_services"], sums[4]);
    assert_eq!(p["dependent_services_without_private_endpoint"], sums[5]);
    assert_eq!(p["broken_required_flows"], sums[6]);
    let by_severity: u64 = p["findings_by_severity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[1].as_u64().unwrap())
        .sum();
    assert_eq!(by_severity, findings);
    assert!(findings > 0 && sums[6] > 0, "the broken designs count");
}

#[test]
fn the_text_report_is_each_design_then_the_portfolio() {
    let o = vnetlab(&["audit", "topologies"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    let n = designs("topologies").len();
    assert_eq!(
        out.matches("\naudit ").count() + 1,
        n,
        "one report per design"
    );
    let at = out
        .find(&format!("portfolio ({n} designs)"))
        .expect("portfolio");
    assert!(out[at..].contains("workspaces with public access disabled: "));
    assert!(out[at..].contains("dependent services without a private endpoint: "));
    assert!(out[at..].contains("MCSB NS-2 (Secure cloud native services with network controls)"));
    assert!(out[at..].contains("aml-public-default: 0 broken required flow(s), 5 finding(s)"));
    assert!(!out[at..].contains("\naudit "), "the portfolio comes last");
}

#[test]
fn a_glob_the_shell_left_unexpanded_is_expanded_and_clean_designs_exit_0() {
    let (rc, doc) = json(&["topologies/aml-p*-a*.yaml"]);
    assert_eq!(files(&doc), ["topologies/aml-private-aks.yaml"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["portfolio"]["designs"], 1);
    // `**` crosses directories.
    let (_, doc) = json(&["topologies/**/aml-storage-*.yaml"]);
    assert_eq!(files(&doc), ["topologies/broken/aml-storage-public.yaml"]);
    // Two files given as such: the portfolio too.
    let o = vnetlab(&[
        "audit",
        "topologies/aml-private-aks.yaml",
        "topologies/aml-hipaa-isolated.yaml",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("portfolio (2 designs)"));
    // One file alone keeps its one report.
    let o = vnetlab(&["audit", "topologies/aml-private-aks.yaml"]);
    assert!(!stdout(&o).contains("portfolio"));
}

#[test]
fn an_invalid_design_among_many_exits_2_and_the_others_are_still_audited() {
    let (rc, doc) = json(&[
        "topologies/aml-private-aks.yaml",
        "tests/bad/unknown-key.yaml",
    ]);
    assert_eq!(rc, 2);
    assert_eq!(doc["files"][0]["valid"], true);
    assert_eq!(doc["files"][0]["report"]["design"], "aml-private-aks");
    assert_eq!(doc["files"][1]["valid"], false);
    let codes = doc["files"][1]["diagnostics"].as_array().unwrap();
    assert!(
        codes.iter().any(|d| d["code"] == "unknown-key"),
        "{codes:?}"
    );
    assert_eq!(doc["portfolio"]["designs"], 1);
    let o = vnetlab(&[
        "audit",
        "topologies/aml-private-aks.yaml",
        "tests/bad/unknown-key.yaml",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).contains("invalid designs, not audited: 1"));
}

#[test]
fn a_directory_or_glob_without_designs_is_bad_input() {
    let o = vnetlab(&["audit", "docs/nothing-*.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("the pattern matches no design file"),
        "{}",
        stderr(&o)
    );
    let o = vnetlab(&["audit", "tui/src/report"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("holds no design files"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn many_designs_write_one_sarif_log_with_a_run_per_file() {
    let o = vnetlab(&["audit", "--format", "sarif", "topologies/broken"]);
    assert_eq!(code(&o), 1);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let text = v.to_string();
    for f in designs("topologies/broken") {
        assert!(text.contains(&f), "{f} is in the log");
    }
}
