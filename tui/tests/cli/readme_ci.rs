//! The README's CI examples, run as written: the GitHub Actions workflow's and the Azure DevOps
//! pipeline's shell steps and the pre-commit hook's entry are taken from README.md (so the
//! README cannot drift from what works), run with the built `vnetlab` on the PATH against the
//! bundled designs, and what they write is checked by the consumers' own formats (SARIF schema,
//! JUnit parser); the YAML of the workflow and the pipeline is validated against GitHub's and
//! Azure Pipelines' schemas (check-jsonschema's vendored copies).

use super::ci::{tmp, validate};
use super::root;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fenced block after `<!-- ci:NAME -->` in README.md.
fn block(name: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let marker = format!("<!-- ci:{name} -->");
    let at = readme
        .find(&marker)
        .unwrap_or_else(|| panic!("README.md has no {marker}"));
    let rest = &readme[at + marker.len()..];
    let start = rest.find("```yaml\n").expect("a yaml block follows") + "```yaml\n".len();
    let end = rest[start..].find("```").expect("the block ends");
    rest[start..start + end].to_string()
}

/// The values of `key: value` lines (after an optional `- `) in `yaml`.
fn values(yaml: &str, key: &str) -> Vec<String> {
    let prefix = format!("{key}: ");
    yaml.lines()
        .map(|l| l.trim_start().trim_start_matches("- "))
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(str::to_string)
        .collect()
}

/// A working directory like a user's repository: the bundled designs under `topologies/`.
fn workdir(name: &str) -> PathBuf {
    let dir = tmp(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(root().join("topologies"), dir.join("topologies")).unwrap();
    dir
}

/// Runs `command` with bash as a CI step would, `vnetlab` on the PATH.
fn step(dir: &Path, command: &str) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_vnetlab")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["-e", "-o", "pipefail", "-c", command])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .expect("bash runs")
}

fn run_steps(dir: &Path, commands: &[String]) {
    let mut installs = 0;
    for c in commands {
        if c.starts_with("cargo install") {
            // Installing from the network is the one step not run here; the binary under test
            // is the one cargo built.
            installs += 1;
            continue;
        }
        let o = step(dir, c);
        assert!(
            o.status.success(),
            "README step failed: {c}\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert_eq!(installs, 1, "the example installs vnetlab once");
}

/// Validates `yaml` with check-jsonschema's vendored schema `schema`.
fn schema_check(yaml: &str, schema: &str, file: &str) {
    let path = tmp(file);
    std::fs::write(&path, yaml).unwrap();
    let o = Command::new("python3")
        .args(["-m", "check_jsonschema", "--builtin-schema", schema])
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "{schema} rejects the README's example (run scripts/ci-tools.sh if check-jsonschema is missing):\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn github_actions_workflow_runs_and_writes_valid_sarif() {
    let yaml = block("github-actions");
    schema_check(&yaml, "vendor.github-workflows", "workflow.yml");
    assert!(yaml.contains("github/codeql-action/upload-sarif"));
    let dir = workdir("gha");
    run_steps(&dir, &values(&yaml, "run"));
    let sarif = values(&yaml, "sarif_file");
    let sarif_dir = dir.join(&sarif[0]);
    let mut logs = 0;
    for entry in std::fs::read_dir(&sarif_dir).expect("the upload's directory exists") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let summary = validate("sarif", &text).expect("a valid SARIF log");
        // The bundled designs pass: no error, the only alert the warning on
        // aml-quickstart-bastion27's /27 AzureBastionSubnet (kept as Microsoft's quickstart has
        // it), and the passing checks counted.
        assert!(
            summary["levels"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l == "warning"),
            "{summary}"
        );
        assert!(summary["results"].as_u64().unwrap() <= 1, "{summary}");
        assert!(
            summary["results"] == 0
                || summary["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r == "vnetlab/subnet-size"),
            "{summary}"
        );
        assert!(summary["passed"].as_u64().unwrap() > 0, "{summary}");
        logs += 1;
    }
    assert_eq!(logs, 2, "check's and audit's logs");
}

#[test]
fn azure_devops_pipeline_runs_and_publishes_junit_and_sarif() {
    let yaml = block("azure-devops");
    schema_check(&yaml, "vendor.azure-pipelines", "azure-pipelines.yml");
    let dir = workdir("ado");
    run_steps(&dir, &values(&yaml, "script"));
    let junit = values(&yaml, "testResultsFiles");
    let text = std::fs::read_to_string(dir.join(&junit[0])).expect("the JUnit file is written");
    let suites = validate("junit", &text).expect("JUnit parses");
    let files = std::fs::read_dir(root().join("topologies"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".yaml")
        })
        .count();
    assert_eq!(
        suites.as_array().unwrap().len(),
        files,
        "one suite per design"
    );
    let published = values(&yaml, "PathtoPublish");
    let sarif = std::fs::read_dir(dir.join(&published[0])).unwrap().count();
    assert_eq!(sarif, 1);
}

#[test]
fn pre_commit_hook_entry_passes_good_designs_and_blocks_a_failing_one() {
    let yaml = block("pre-commit");
    let entry = values(&yaml, "entry").pop().expect("an entry");
    let files = values(&yaml, "files").pop().expect("a files pattern");
    assert_eq!(values(&yaml, "language"), vec!["system"]);
    let dir = workdir("pre-commit");
    // pre-commit passes the matching staged files as arguments.
    let o = step(
        &dir,
        &format!("{entry} $(find -L topologies -type f | sort | grep -E '{files}')"),
    );
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty(), "quiet on success");
    let failing = root().join("tests/bad/failing-expectation.yaml");
    let o = step(&dir, &format!("{entry} {}", failing.display()));
    assert_eq!(o.status.code(), Some(1), "the hook blocks the commit");
}
