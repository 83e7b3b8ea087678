//! Golden tests: every bundled topology checks clean, and its full check report (with traces)
//! and every subnet's effective routes are pinned in `tests/golden/`.

use vnetlab_core::render;
use vnetlab_tests::{design_file, golden, root};

fn topologies() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("topologies"))
        .expect("topologies/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_topology_checks_clean_and_matches_its_golden_output() {
    let names = topologies();
    assert!(
        names.len() >= 3,
        "expected at least three bundled topologies, found {names:?}"
    );
    let mut failures = Vec::new();
    for name in &names {
        let d = design_file(&format!("topologies/{name}"));
        let report = vnetlab_core::check(&d);
        let mut out = render::check(&report, true);
        for s in 0..d.subnets.len() {
            out.push('\n');
            out.push_str(&render::routes(&d, vnetlab_core::model::SubnetId(s as u32)));
        }
        if !report.all_hold() {
            failures.push(format!("{name}:\n{}", render::check(&report, false)));
        }
        golden(
            &format!(
                "{}.txt",
                name.trim_end_matches(".yaml").trim_end_matches(".json")
            ),
            &out,
        );
    }
    assert!(
        failures.is_empty(),
        "expectations fail:\n{}",
        failures.join("\n")
    );
}

#[test]
fn output_is_deterministic() {
    for name in topologies() {
        let a = render::check(
            &vnetlab_core::check(&design_file(&format!("topologies/{name}"))),
            true,
        );
        let b = render::check(
            &vnetlab_core::check(&design_file(&format!("topologies/{name}"))),
            true,
        );
        assert_eq!(a, b, "{name}");
    }
}
