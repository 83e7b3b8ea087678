//! The CI formats as CI systems read them: SARIF validated against the SARIF 2.1.0 JSON schema
//! (Microsoft's, from npm) with GitHub's required fields, JUnit XML read by `junitparser`, GitHub
//! annotations, one JSON document whatever the files, waivers, completions and the man page.
//! The third-party checkers are installed by `scripts/ci-tools.sh` (scripts/test.sh runs it).

use super::{code, root, stderr, stdout, vnetlab};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const GOOD: &str = "topologies/aml-private-endpoints.yaml";
const FAILING: &str = "tests/bad/failing-expectation.yaml";
const BAD: &str = "tests/bad/unknown-key.yaml";
const WAIVERS: &str = "tui/tests/fixtures/waivers.yaml";

pub fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vnetlab-ci-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs scripts/validate-report.py on `text`; `Ok(summary)` when valid, `Err(reasons)`.
pub fn validate(kind: &str, text: &str) -> Result<Value, String> {
    let file = tmp(&format!("report-{}.{kind}", text.len()));
    std::fs::write(&file, text).unwrap();
    let o = Command::new("python3")
        .arg(root().join("scripts/validate-report.py"))
        .arg(kind)
        .arg(&file)
        .output()
        .expect("python3 runs");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        !err.contains("ModuleNotFoundError") && !err.contains("No such file"),
        "the checkers are missing: run scripts/ci-tools.sh\n{err}"
    );
    if o.status.success() {
        Ok(serde_json::from_str(&out).expect("a JSON summary"))
    } else {
        Err(format!("{out}{err}"))
    }
}

#[test]
fn sarif_validates_against_the_schema_with_githubs_required_fields() {
    let o = vnetlab(&["check", "--format", "sarif", GOOD, FAILING, BAD]);
    assert_eq!(code(&o), 2, "an invalid file still exits 2");
    let summary = validate("sarif", &stdout(&o)).unwrap();
    let rules = summary["rules"].to_string();
    for rule in [
        "expectation-holds",
        "expectation-fails",
        "vnetlab/unknown-key",
    ] {
        assert!(rules.contains(rule), "{rule} in {rules}");
    }
    let log: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let run = &log["runs"][0];
    assert!(
        summary["passed"].as_u64().unwrap() >= 5,
        "holding expectations are counted, not alerts: {summary}"
    );
    assert!(
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["ruleId"] != "expectation-holds")
    );
    assert_eq!(run["tool"]["driver"]["name"], "vnetlab");
    assert!(run["tool"]["driver"]["version"].is_string());
    let failing = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "expectation-fails")
        .unwrap();
    let loc = &failing["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], FAILING);
    assert_eq!(loc["region"]["startLine"], 15, "the expectation's line");
    assert!(
        failing["message"]["text"]
            .as_str()
            .unwrap()
            .contains("denied by NSG n rule deny-out"),
        "the trace is in the message"
    );
    let help = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "expectation-fails")
        .unwrap()["help"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(help.contains("docs/format.md"), "{help}");

    // A duplicate's first definition is a related location.
    let o = vnetlab(&[
        "check",
        "--format",
        "sarif",
        "tests/bad/semantic-problems.yaml",
    ]);
    validate("sarif", &stdout(&o)).unwrap();
    let log: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let dup = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| !r["relatedLocations"].is_null())
        .expect("a result with a related location");
    let related = &dup["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 12);
    assert_eq!(
        related["message"]["text"],
        "priority 200 first used here by `b`"
    );

    // The checker is real: a SARIF log with a wrong level is rejected.
    let broken = stdout(&o).replacen("\"level\": \"error\"", "\"level\": \"fatal\"", 1);
    assert!(validate("sarif", &broken).is_err());
}

#[test]
fn audit_sarif_locates_findings_and_suppresses_accepted_ones() {
    let o = vnetlab(&[
        "audit",
        "--format",
        "sarif",
        "--today",
        "2026-06-01",
        WAIVERS,
    ]);
    assert_eq!(code(&o), 1, "the expired waiver's finding fails the audit");
    let summary = validate("sarif", &stdout(&o)).unwrap();
    assert_eq!(summary["suppressed"], 4, "{summary}");
    let log: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let by_rule = |id: &str| results.iter().find(|r| r["ruleId"] == id).unwrap();
    let ws = by_rule("AML-PUBLIC-WORKSPACE");
    assert_eq!(ws["suppressions"][0]["status"], "accepted");
    assert_eq!(
        ws["suppressions"][0]["justification"],
        "public preview for the partner hackathon, CAB-1234"
    );
    assert_eq!(
        ws["locations"][0]["physicalLocation"]["region"]["startLine"], 23,
        "the workspace's record"
    );
    let expired = by_rule("VNETLAB-WAIVER-EXPIRED");
    assert_eq!(expired["level"], "error");
    assert_eq!(
        expired["locations"][0]["physicalLocation"]["region"]["startLine"], 39,
        "the waiver's entry"
    );
    assert!(by_rule("AML-EXFILTRATION")["suppressions"].is_null());
    let unused = by_rule("waiver-unused");
    assert_eq!(unused["level"], "warning");
    assert_eq!(
        unused["locations"][0]["physicalLocation"]["region"]["startLine"],
        44
    );
}

#[test]
fn waivers_accept_expire_and_go_unused_with_the_date_given() {
    // Before the exfiltration waiver expires, both findings are accepted: exit 0.
    let o = vnetlab(&["audit", "--today", "2026-01-31", WAIVERS]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("accepted AML-PUBLIC-WORKSPACE mlws"), "{out}");
    assert!(out.contains("accepted AML-EXFILTRATION trainer"), "{out}");
    assert!(
        stderr(&o).contains(&format!(
            "{WAIVERS}:44:5: warning[waiver-unused]: the waiver for AML-PUBLIC-DEPENDENCY on oldstore"
        )),
        "{}",
        stderr(&o)
    );
    // The day after, it accepts nothing and is a finding itself: exit 1.
    let o = vnetlab(&["audit", "--today", "2026-02-01", WAIVERS]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("VNETLAB-WAIVER-EXPIRED"));
    assert!(stdout(&o).contains("[high] AML-EXFILTRATION"));
    // JSON marks the accepted finding and lists the waivers.
    let o = vnetlab(&[
        "audit",
        "--format",
        "json",
        "--today",
        "2026-02-01",
        WAIVERS,
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let ws = findings
        .iter()
        .find(|f| f["id"] == "AML-PUBLIC-WORKSPACE")
        .unwrap();
    assert_eq!(ws["accepted_by"], 0);
    assert_eq!(v["waivers"]["unused"], serde_json::json!([2]));
    assert_eq!(v["waivers"]["today"], "2026-02-01");
    // A bad date is a located error; a bad --today a usage error.
    let bad = std::fs::read_to_string(root().join(WAIVERS))
        .unwrap()
        .replace("expires: 2027-01-01", "expires: 2027-02-30");
    let file = tmp("bad-date.yaml");
    std::fs::write(&file, bad).unwrap();
    let o = vnetlab(&["audit", file.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(":48:14: error[date]: `2027-02-30` is not a date"),
        "{}",
        stderr(&o)
    );
    assert_eq!(code(&vnetlab(&["audit", "--today", "soon", WAIVERS])), 2);
}

#[test]
fn junit_parses_with_one_suite_per_file_and_the_trace_in_failures() {
    let o = vnetlab(&["check", "--format", "junit", GOOD, FAILING, BAD]);
    assert_eq!(code(&o), 2);
    let suites = validate("junit", &stdout(&o)).unwrap();
    let suites = suites.as_array().unwrap();
    assert_eq!(suites.len(), 3, "one suite per file");
    assert_eq!(suites[0]["name"], GOOD);
    assert_eq!(suites[0]["failures"], 0);
    assert!(suites[0]["tests"].as_u64().unwrap() >= 5);
    assert_eq!(suites[1]["failures"], 1);
    let failure = &suites[1]["cases"][0];
    assert_eq!(failure["name"], "the vm reaches the internet");
    assert_eq!(failure["result"], "failure");
    assert!(
        failure["text"]
            .as_str()
            .unwrap()
            .contains("denied by NSG n rule deny-out"),
        "{failure}"
    );
    assert_eq!(suites[2]["errors"], 2, "the invalid file's errors");

    let o = vnetlab(&[
        "audit",
        "--format",
        "junit",
        "--today",
        "2026-06-01",
        WAIVERS,
    ]);
    let suites = validate("junit", &stdout(&o)).unwrap();
    let cases = suites[0]["cases"].as_array().unwrap();
    let case = |prefix: &str| {
        cases
            .iter()
            .find(|c| c["name"].as_str().unwrap().starts_with(prefix))
            .unwrap()
    };
    assert_eq!(case("AML-PUBLIC-WORKSPACE")["result"], "skipped");
    assert_eq!(case("AML-EXFILTRATION")["result"], "failure");
    assert_eq!(case("VNETLAB-WAIVER-EXPIRED")["result"], "failure");
    assert_eq!(case("required flow")["result"], "passed");
    // The parser is real: a document with a broken tag is rejected.
    assert!(
        validate(
            "junit",
            &stdout(&o).replacen("</testsuite>", "</testsuit>", 1)
        )
        .is_err()
    );
}

#[test]
fn github_annotations_point_at_the_lines() {
    let o = vnetlab(&["check", "--format", "github", GOOD, FAILING]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "only what failed: {out}");
    assert!(
        out.starts_with(&format!(
            "::error file={FAILING},line=15,col=5,title=expectation-fails::expectation `the vm reaches the internet`"
        )),
        "{out}"
    );
    assert!(out.contains("%0A"), "multi-line messages are escaped");
    let o = vnetlab(&["check", "--format", "github", BAD]);
    assert!(
        stdout(&o).contains(&format!(
            "::error file={BAD},line=5,col=5,title=vnetlab/unknown-key::"
        )),
        "{}",
        stdout(&o)
    );
    // CI formats are only for check and audit.
    let o = vnetlab(&[
        "trace",
        "--format",
        "sarif",
        GOOD,
        "--from",
        "trainer",
        "--to",
        "mlstore:blob",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--format sarif is for check and audit"));
}

#[test]
fn json_is_one_document_of_one_shape_for_any_files() {
    let shape = |files: &[&str]| -> (i32, Value) {
        let mut args = vec!["check", "--format", "json"];
        args.extend(files);
        let o = vnetlab(&args);
        let v: Value = serde_json::from_str(&stdout(&o))
            .unwrap_or_else(|e| panic!("one JSON document for {files:?}: {e}\n{}", stdout(&o)));
        (code(&o), v)
    };
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let (c, good) = shape(&[GOOD]);
    assert_eq!(c, 0);
    let (c, bad) = shape(&[BAD]);
    assert_eq!(c, 2);
    let (c, both) = shape(&[GOOD, BAD]);
    assert_eq!(c, 2);
    let (c, missing) = shape(&["no/such.yaml"]);
    assert_eq!(c, 2);
    for v in [&good, &bad, &both, &missing] {
        assert_eq!(keys(v), vec!["files"]);
        for f in v["files"].as_array().unwrap() {
            for k in ["file", "valid", "diagnostics"] {
                assert!(f.get(k).is_some(), "{k} in {f}");
            }
            assert_eq!(f["valid"], f.get("report").is_some());
        }
    }
    assert_eq!(both["files"][0]["valid"], true);
    assert_eq!(both["files"][1]["valid"], false);
    assert_eq!(both["files"][1]["diagnostics"][1]["code"], "unknown-key");
    assert_eq!(missing["files"][0]["diagnostics"][0]["code"], "read");
    // --faults output is inside the file's entry, not a second document; a fault fails the run
    // only with --fail-on-fault (docs/testing.md).
    let (c, _) = shape(&["--faults", "1", "topologies/hub-spoke-firewall.yaml"]);
    assert_eq!(c, 0);
    let (c, faults) = shape(&[
        "--faults",
        "1",
        "--fail-on-fault",
        "topologies/hub-spoke-firewall.yaml",
    ]);
    assert_eq!(c, 1);
    let f = faults["files"][0]["faults"].as_array().unwrap();
    assert!(
        f.iter()
            .any(|x| !x["breaks"].as_array().unwrap().is_empty())
    );
}

#[test]
fn quiet_prints_only_what_failed() {
    let o = vnetlab(&["check", "--quiet", GOOD]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "");
    let o = vnetlab(&["check", "-q", GOOD, FAILING]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("FAIL  the vm reaches the internet"), "{out}");
    assert!(!out.contains("PASS"), "{out}");
    let o = vnetlab(&["audit", "-q", "--today", "2026-01-31", WAIVERS]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "");
}

#[test]
fn a_file_without_expectations_is_said_and_can_be_required() {
    let text = std::fs::read_to_string(root().join(GOOD)).unwrap();
    let cut = text.find("\nexpect:").expect("the design has expectations");
    let file = tmp("no-expectations.yaml");
    std::fs::write(&file, &text[..cut + 1]).unwrap();
    let name = file.to_str().unwrap();
    let o = vnetlab(&["check", name]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).contains("no expectations: nothing was checked"),
        "{}",
        stdout(&o)
    );
    let o = vnetlab(&["check", "--require-expectations", name]);
    assert_eq!(code(&o), 1);
    let o = vnetlab(&[
        "check",
        "--require-expectations",
        "--format",
        "github",
        name,
    ]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("title=no-expectations"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn completions_and_the_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = vnetlab(&["completions", shell]);
        assert_eq!(code(&o), 0, "{shell}");
        let out = stdout(&o);
        assert!(out.contains("vnetlab"), "{shell}");
        assert!(out.contains("require-expectations"), "{shell}: {out}");
    }
    let bash = stdout(&vnetlab(&["completions", "bash"]));
    let script = tmp("vnetlab.bash");
    std::fs::write(&script, bash).unwrap();
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p vnetlab",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "bash loads it: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let man = vnetlab(&["man"]);
    assert_eq!(code(&man), 0);
    let page = stdout(&man);
    assert!(page.starts_with(".ie"), "{}", &page[..80.min(page.len())]);
    assert!(page.contains(".TH vnetlab 1"), "{page}");
    assert!(page.contains("check"));
    assert_eq!(code(&vnetlab(&["completions", "tcsh"])), 2);
}

#[test]
fn malformed_waivers_are_located_errors() {
    let text = std::fs::read_to_string(root().join(WAIVERS))
        .unwrap()
        .replace("finding: AML-EXFILTRATION", "finding: AML-EXFILTRATON")
        .replace("owner: platform-team", "owner: \"  \"")
        + "  - { finding: AML-PUBLIC-DEPENDENCY, resource: mlkv, justification: again, owner: x, expires: 2026-12-31 }\n";
    let file = tmp("bad-waivers.yaml");
    std::fs::write(&file, text).unwrap();
    let o = vnetlab(&["audit", "--color", "never", file.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    for needle in [
        ":39:14: error[waiver]: `AML-EXFILTRATON` is not a finding kind",
        "did you mean `AML-EXFILTRATION`?",
        ":34:5: error[waiver]: the waiver's `owner` is empty",
        ":52:5: warning[waiver-duplicate]: a second waiver for AML-PUBLIC-DEPENDENCY on mlkv",
        "first defined here",
    ] {
        assert!(err.contains(needle), "missing {needle} in\n{err}");
    }
}

/// For an imported design, SARIF points each result at the file it came from (the `# source:`
/// comment `vnetlab import` writes above the element), and at the imported design's line as a
/// related location.
#[test]
fn sarif_of_an_imported_design_points_at_its_source_file() {
    let design = tmp("imported-ml-spoke.yaml");
    let template = "tests/fixtures/import/arm/template/ml-spoke.json";
    let o = vnetlab(&[
        "import",
        "arm",
        template,
        "--parameters",
        "tests/fixtures/import/arm/template/ml-spoke.parameters.json",
        "-o",
        design.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = vnetlab(&["audit", "--format", "sarif", design.to_str().unwrap()]);
    let summary = validate("sarif", &stdout(&o)).unwrap();
    assert!(summary["results"].as_u64().unwrap() > 0, "{summary}");
    let log: Value = serde_json::from_str(&stdout(&o)).unwrap();
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let at = &r["locations"][0]["physicalLocation"];
        assert_eq!(at["artifactLocation"]["uri"], template, "{r}");
        assert!(at["region"]["startLine"].as_u64().unwrap() > 1, "{r}");
        let related = &r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert!(
            related
                .as_str()
                .unwrap()
                .ends_with("imported-ml-spoke.yaml"),
            "{r}"
        );
    }
}
