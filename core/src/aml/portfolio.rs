//! The portfolio view: one report over the audits of many designs, with the compliance guide's
//! key figures across every workspace and each finding kind's Microsoft cloud security
//! benchmark controls.

use super::{AuditReport, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// A Microsoft cloud security benchmark (v1) control a finding bears on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Control {
    /// The control's id, e.g. `NS-1`.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
}

const NS1: Control = Control {
    id: "MCSB NS-1",
    title: "Establish network segmentation boundaries",
};
const NS2: Control = Control {
    id: "MCSB NS-2",
    title: "Secure cloud native services with network controls",
};
const NS3: Control = Control {
    id: "MCSB NS-3",
    title: "Deploy firewall at the edge of enterprise network",
};

/// The benchmark controls a finding kind bears on: reachability across a boundary (NS-1), a
/// PaaS service's network controls (NS-2), egress filtering (NS-3). Ownership and placement
/// findings bear on none of them.
pub fn controls(finding: &str) -> Vec<Control> {
    match finding {
        "AML-PUBLIC-WORKSPACE"
        | "AML-PUBLIC-DEPENDENCY"
        | "AML-PUBLIC-AI-SERVICE"
        | "AML-ACR-SERVICE-ENDPOINT"
        | "AML-DNS-NOT-LINKED"
        | "AML-DNS-ON-PREM"
        | "AML-SE-BYPASS" => vec![NS2],
        "AML-INBOUND-INTERNET"
        | "AML-NSG-ANY-INBOUND"
        | "AML-INFERENCE-PUBLIC"
        | "AML-SSH-PUBLIC" => vec![NS1],
        "AML-EXFILTRATION" | "AML-EXFILTRATION-STORAGE" | "AML-EXFILTRATION-AZURE" => {
            vec![NS1, NS3]
        }
        "AML-RULE-SHADOWED" | "AML-RULE-REDUNDANT" | "AML-ASYMMETRIC" => vec![NS1],
        _ => Vec::new(),
    }
}

/// The key figures across many audits.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Portfolio {
    /// Designs audited.
    pub designs: u32,
    /// Azure ML workspaces across them.
    pub workspaces: u32,
    /// Of which with public network access disabled.
    pub workspaces_public_access_disabled: u32,
    /// Computes and inference targets.
    pub computes: u32,
    /// Of which with a public IP or public ingress.
    pub computes_with_public_ip: u32,
    /// Dependent services of the workspaces.
    pub dependent_services: u32,
    /// Of which without a private endpoint.
    pub dependent_services_without_private_endpoint: u32,
    /// Required flows that do not work.
    pub broken_required_flows: u32,
    /// Findings per severity, lowest first.
    pub findings_by_severity: Vec<(Severity, u32)>,
    /// Findings per benchmark control.
    pub findings_by_control: Vec<(Control, u32)>,
    /// Findings per framework requirement Microsoft maps those controls to (`PCI-DSS v3.2.1
    /// 1.2`, `NIST SP 800-53 r4 SC-7`, …), each finding counted once per requirement.
    pub findings_by_requirement: Vec<(String, u32)>,
    /// Per design: (name, broken required flows, findings).
    pub per_design: Vec<(String, u32, u32)>,
}

impl Portfolio {
    /// The portfolio of these audits.
    pub fn of(reports: &[AuditReport]) -> Portfolio {
        let mut p = Portfolio::default();
        let mut by_severity: BTreeMap<Severity, u32> = BTreeMap::new();
        let mut by_control: BTreeMap<Control, u32> = BTreeMap::new();
        let mut by_requirement: BTreeMap<String, u32> = BTreeMap::new();
        for r in reports {
            let g = &r.governance;
            p.designs += 1;
            p.workspaces += g.workspaces;
            p.workspaces_public_access_disabled += g.workspaces_public_access_disabled;
            p.computes += g.computes;
            p.computes_with_public_ip += g.computes_with_public_ip;
            p.dependent_services += g.dependent_services;
            p.dependent_services_without_private_endpoint +=
                g.dependent_services_without_private_endpoint;
            let broken = r.broken() as u32;
            p.broken_required_flows += broken;
            for f in &r.findings {
                *by_severity.entry(f.severity).or_default() += 1;
                for c in controls(f.id) {
                    *by_control.entry(c).or_default() += 1;
                }
                for req in super::compliance::requirements(f.id) {
                    *by_requirement.entry(req).or_default() += 1;
                }
            }
            p.per_design
                .push((r.design.clone(), broken, r.findings.len() as u32));
        }
        p.findings_by_severity = by_severity.into_iter().collect();
        p.findings_by_control = by_control.into_iter().collect();
        p.findings_by_requirement = by_requirement.into_iter().collect();
        p
    }

    /// The share of workspaces with public access disabled, in percent (none: 100).
    pub fn private_workspace_percent(&self) -> u32 {
        (self.workspaces_public_access_disabled * 100)
            .checked_div(self.workspaces)
            .unwrap_or(100)
    }

    /// The portfolio as text.
    pub fn render(&self) -> String {
        let mut out = format!("portfolio ({} designs)\n", self.designs);
        out.push_str(&format!(
            "  workspaces with public access disabled: {}/{} ({}%)\n",
            self.workspaces_public_access_disabled,
            self.workspaces,
            self.private_workspace_percent()
        ));
        out.push_str(&format!(
            "  computes and endpoints with a public IP or ingress: {}/{}\n",
            self.computes_with_public_ip, self.computes
        ));
        out.push_str(&format!(
            "  dependent services without a private endpoint: {}/{}\n",
            self.dependent_services_without_private_endpoint, self.dependent_services
        ));
        out.push_str(&format!(
            "  broken required flows: {}\n",
            self.broken_required_flows
        ));
        let sev: Vec<String> = self
            .findings_by_severity
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        out.push_str(&format!(
            "  findings by severity: {}\n",
            if sev.is_empty() {
                "none".to_string()
            } else {
                sev.join(", ")
            }
        ));
        for (c, n) in &self.findings_by_control {
            out.push_str(&format!("  {} ({}): {n} finding(s)\n", c.id, c.title));
        }
        for (req, n) in &self.findings_by_requirement {
            out.push_str(&format!("  {req} (through MCSB): {n} finding(s)\n"));
        }
        for (name, broken, findings) in &self.per_design {
            out.push_str(&format!(
                "  {name}: {broken} broken required flow(s), {findings} finding(s)\n"
            ));
        }
        out
    }
}
