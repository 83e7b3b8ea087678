//! Azure ML audit: golden output of every scenario, the intended findings of each working and
//! broken design, and for every finding kind a broken variant where it fires and a fixed design
//! where it does not.

use std::collections::BTreeSet;
use vnetlab_core::aml::{self, AuditReport};
use vnetlab_tests::{design_file, golden, root};

fn audit(rel: &str) -> AuditReport {
    aml::audit(&design_file(rel))
}

fn ids(r: &AuditReport) -> BTreeSet<&'static str> {
    r.findings.iter().map(|f| f.id).collect()
}

fn scenarios() -> Vec<String> {
    let mut v = Vec::new();
    for dir in ["topologies", "topologies/broken"] {
        for e in std::fs::read_dir(root().join(dir))
            .expect("dir exists")
            .flatten()
        {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with("aml-") && n.ends_with(".yaml") {
                v.push(format!("{dir}/{n}"));
            }
        }
    }
    v.sort();
    v
}

#[test]
fn audit_output_of_every_scenario_matches_its_golden_file() {
    let all = scenarios();
    assert!(all.len() >= 2, "{all:?}");
    for rel in all {
        let name = rel
            .trim_start_matches("topologies/")
            .trim_end_matches(".yaml")
            .replace('/', "-");
        golden(
            &format!("audit/{name}.txt"),
            &aml::render::audit(&audit(&rel), false),
        );
    }
}

/// Each scenario with the findings it must raise, exactly, and whether its required flows work.
const INTENDED: &[(&str, &[&str], bool)] = &[
    ("topologies/aml-private-aks.yaml", &[], true),
    ("topologies/aml-hub-spoke-firewall.yaml", &[], true),
    (
        "topologies/broken/aml-storage-public.yaml",
        &["AML-PUBLIC-DEPENDENCY"],
        true,
    ),
    (
        "topologies/broken/aml-dns-not-linked.yaml",
        &["AML-DNS-NOT-LINKED"],
        false,
    ),
    (
        "topologies/broken/aml-subnet-too-small.yaml",
        &["AML-SUBNET-CAPACITY"],
        true,
    ),
    (
        "topologies/broken/aml-inference-public.yaml",
        &["AML-INFERENCE-PUBLIC"],
        true,
    ),
    ("topologies/broken/aml-nsg-too-strict.yaml", &[], false),
    (
        "topologies/broken/aml-asymmetric-routing.yaml",
        &["AML-ASYMMETRIC"],
        false,
    ),
];

#[test]
fn every_scenario_raises_exactly_its_intended_findings() {
    for (rel, want, works) in INTENDED {
        let r = audit(rel);
        let want: BTreeSet<&str> = want.iter().copied().collect();
        assert_eq!(ids(&r), want, "{rel}");
        assert_eq!(
            r.broken() == 0,
            *works,
            "{rel}: {} broken flows",
            r.broken()
        );
    }
}

#[test]
fn every_broken_flow_of_a_pitfall_has_a_fix_proven_by_retracing() {
    for (rel, _, works) in INTENDED.iter().filter(|x| !x.2) {
        assert!(!works);
        for f in audit(rel).flows.iter().filter(|f| !f.works) {
            let fix = f
                .fix
                .as_ref()
                .unwrap_or_else(|| panic!("{rel}: no fix for {}", f.flow.id));
            assert!(fix.verified, "{rel}: {}", fix.change);
        }
    }
}

/// Finding kind → (broken variant where it fires, fixed design where it does not).
const PAIRS: &[(&str, &str, &str)] = &[
    (
        "AML-PUBLIC-DEPENDENCY",
        "topologies/broken/aml-storage-public.yaml",
        "topologies/aml-private-aks.yaml",
    ),
    (
        "AML-DNS-NOT-LINKED",
        "topologies/broken/aml-dns-not-linked.yaml",
        "topologies/aml-private-aks.yaml",
    ),
    (
        "AML-SUBNET-CAPACITY",
        "topologies/broken/aml-subnet-too-small.yaml",
        "topologies/aml-private-aks.yaml",
    ),
    (
        "AML-INFERENCE-PUBLIC",
        "topologies/broken/aml-inference-public.yaml",
        "topologies/aml-private-aks.yaml",
    ),
    (
        "AML-ASYMMETRIC",
        "topologies/broken/aml-asymmetric-routing.yaml",
        "topologies/aml-hub-spoke-firewall.yaml",
    ),
];

#[test]
fn each_finding_kind_fires_on_its_broken_variant_and_not_on_the_fixed_design() {
    for (id, broken, fixed) in PAIRS {
        let b = audit(broken);
        let f = audit(fixed);
        let hit = b
            .findings
            .iter()
            .find(|x| x.id == *id)
            .unwrap_or_else(|| panic!("{id} does not fire on {broken}"));
        assert!(
            !hit.remediation.is_empty() && !hit.resources.is_empty(),
            "{id}"
        );
        assert!(
            !f.findings.iter().any(|x| x.id == *id),
            "{id} fires on {fixed}"
        );
    }
}

#[test]
fn the_strict_nsg_breaks_training_and_the_audit_fails() {
    let r = audit("topologies/broken/aml-nsg-too-strict.yaml");
    assert!(
        r.flows
            .iter()
            .any(|f| !f.works && f.flow.from == "trainer" && f.flow.to == "mlstore:blob")
    );
    assert!(
        r.fails(aml::Severity::Critical),
        "a broken flow fails the audit at any threshold"
    );
    assert!(!audit("topologies/aml-private-aks.yaml").fails(aml::Severity::Info));
}
