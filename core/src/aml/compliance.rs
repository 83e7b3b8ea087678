//! Compliance mapping (issue #15 point 6): each finding kind's Microsoft cloud security
//! benchmark (v1) controls, with the mappings Microsoft publishes for each control in the
//! benchmark itself ("Microsoft cloud security benchmark: Network security",
//! learn.microsoft.com/security/benchmark/azure/mcsb-network-security): CIS Controls v8, NIST
//! SP 800-53 r4 and PCI-DSS v3.2.1. Microsoft publishes no mapping from these controls to HIPAA
//! or SOC 2, so none is given (semantics A5).

use super::portfolio::{Control, controls};
use serde::Serialize;

/// The requirements of one framework a benchmark control maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// The framework and its version, as the benchmark names it.
    pub framework: &'static str,
    /// Its requirement ids.
    pub requirements: &'static [&'static str],
}

/// A benchmark control with its published mappings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ControlMapping {
    /// The control's id, e.g. `MCSB NS-1`.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// The frameworks Microsoft maps it to.
    pub mappings: &'static [Mapping],
}

const fn m(framework: &'static str, requirements: &'static [&'static str]) -> Mapping {
    Mapping {
        framework,
        requirements,
    }
}

const NS1: &[Mapping] = &[
    m("CIS Controls v8", &["3.12", "13.4", "4.4"]),
    m("NIST SP 800-53 r4", &["AC-4", "SC-2", "SC-7"]),
    m("PCI-DSS v3.2.1", &["1.1", "1.2", "1.3"]),
];
const NS2: &[Mapping] = &[
    m("CIS Controls v8", &["3.12", "4.4"]),
    m("NIST SP 800-53 r4", &["AC-4", "SC-2", "SC-7"]),
    m("PCI-DSS v3.2.1", &["1.1", "1.2", "1.3"]),
];
const NS3: &[Mapping] = &[
    m("CIS Controls v8", &["4.4", "4.8", "13.10"]),
    m("NIST SP 800-53 r4", &["AC-4", "SC-7", "CM-7"]),
    m("PCI-DSS v3.2.1", &["1.1", "1.2", "1.3"]),
];

/// The benchmark's own table for each network-security control the findings bear on.
pub fn mappings(control: &str) -> &'static [Mapping] {
    match control {
        "MCSB NS-1" => NS1,
        "MCSB NS-2" => NS2,
        "MCSB NS-3" => NS3,
        _ => &[],
    }
}

/// A control with its mappings.
pub fn mapped(c: Control) -> ControlMapping {
    ControlMapping {
        id: c.id,
        title: c.title,
        mappings: mappings(c.id),
    }
}

/// The controls of a finding kind, each with its mappings.
pub fn of(finding: &str) -> Vec<ControlMapping> {
    controls(finding).into_iter().map(mapped).collect()
}

/// Every framework requirement a finding kind maps to through its controls, once each, as
/// `FRAMEWORK REQUIREMENT` (e.g. `PCI-DSS v3.2.1 1.2`).
pub fn requirements(finding: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for c in of(finding) {
        for mp in c.mappings {
            for r in mp.requirements {
                let s = format!("{} {r}", mp.framework);
                if !v.contains(&s) {
                    v.push(s);
                }
            }
        }
    }
    v
}

/// One line: the controls and their mappings.
pub fn render(cs: &[ControlMapping]) -> String {
    cs.iter()
        .map(|c| {
            let maps: Vec<String> = c
                .mappings
                .iter()
                .map(|mp| format!("{} {}", mp.framework, mp.requirements.join(", ")))
                .collect();
            format!("{} ({})", c.id, maps.join("; "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_a_finding_bears_on_has_microsofts_mappings() {
        for k in crate::aml::kinds::KINDS {
            for c in of(k.id) {
                assert!(!c.mappings.is_empty(), "{} of {}", c.id, k.id);
                assert!(
                    c.mappings
                        .iter()
                        .all(|mp| !mp.framework.contains("HIPAA") && !mp.framework.contains("SOC")),
                    "Microsoft publishes no HIPAA or SOC 2 mapping of {}",
                    c.id
                );
            }
        }
        assert_eq!(
            requirements("AML-PUBLIC-DEPENDENCY")
                .iter()
                .filter(|r| r.starts_with("PCI-DSS"))
                .count(),
            3
        );
        assert!(of("AML-NO-OWNER").is_empty());
    }
}
