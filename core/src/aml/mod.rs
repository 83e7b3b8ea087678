//! Azure ML knowledge: the flows a workspace needs (functional verdicts), the isolation audits
//! (security findings), the smallest fix of a broken flow, and the governance figures.
//!
//! Everything is derived from the design and proven with the tracer ([`crate::trace`]) or the
//! exhaustive set checks ([`crate::reach`]); nothing is looked up from a table of answers.

mod ai_services;
mod azure_egress;
pub mod compliance;
mod egress_fix;
pub mod findings;
pub mod fix;
pub mod flows;
pub use crate::finding_kinds as kinds;
mod front_ingress;
mod ingress;
mod limits;
mod lint;
pub mod live;
mod loops;
pub mod mapping;
pub mod patch;
pub mod portfolio;
pub mod render;
mod service_findings;
pub mod setting_patch;
mod studio;
pub mod waivers;

use crate::model::Design;
use findings::Finding;
use flows::FlowResult;
use serde::Serialize;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Hygiene.
    Low,
    /// A weakness that needs another mistake to be exploited.
    Medium,
    /// Exposure or a path that defeats the design's isolation.
    High,
    /// Data reachable from the internet behind a design that looks private.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];
    /// The name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The governance figures the compliance and FinOps audience tracks.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Governance {
    /// Azure ML workspaces.
    pub workspaces: u32,
    /// Of which with public network access disabled.
    pub workspaces_public_access_disabled: u32,
    /// Azure ML computes (instances, clusters) and inference targets (AKS, online endpoints).
    pub computes: u32,
    /// Of which with a public IP or public ingress.
    pub computes_with_public_ip: u32,
    /// Dependent services (storage, key vault, registry) of the workspaces.
    pub dependent_services: u32,
    /// Of which without an approved private endpoint (in a customer VNet, or a managed private
    /// endpoint a workspace's managed VNet creates as a required rule, E4).
    pub dependent_services_without_private_endpoint: u32,
    /// Findings per severity, lowest first: (severity, count).
    pub findings_by_severity: Vec<(Severity, u32)>,
}

/// The audit of a design.
#[derive(Clone, Debug, Serialize)]
pub struct AuditReport {
    /// The design's name.
    pub design: String,
    /// Every required flow with its verdict, trace and fix.
    pub flows: Vec<FlowResult>,
    /// Every isolation finding.
    pub findings: Vec<Finding>,
    /// Governance figures.
    pub governance: Governance,
}

impl AuditReport {
    /// Required flows that do not work.
    pub fn broken(&self) -> usize {
        self.flows.iter().filter(|f| !f.works).count()
    }
    /// Whether the audit should fail: a broken flow, or a finding at or above `at`.
    pub fn fails(&self, at: Severity) -> bool {
        self.broken() > 0 || self.findings.iter().any(|f| f.severity >= at)
    }
    /// [`Self::fails`], not counting the findings `waivers` accepted.
    pub fn fails_with(&self, at: Severity, waivers: &waivers::WaiverReport) -> bool {
        self.broken() > 0
            || self
                .findings
                .iter()
                .enumerate()
                .any(|(i, f)| f.severity >= at && waivers.accepting(i).is_none())
    }
}

/// Audits a design: derives and traces every required flow, runs every finding kind.
pub fn audit(d: &Design) -> AuditReport {
    audit_with(d, findings::RuleLint::of(d))
}

/// [`audit`], with the findings about rules alone already worked out (a what-if keeps them
/// across edits).
pub fn audit_with(d: &Design, lint: findings::RuleLint) -> AuditReport {
    let mut plan = fix::Plan::new(d);
    let flows: Vec<FlowResult> = flows::catalog(d)
        .into_iter()
        .map(|f| flows::evaluate(d, f, &mut plan))
        .collect();
    let findings = findings::all_with(d, &flows, lint);
    report(d, flows, findings)
}

/// The report of `d` with its flows and findings, and the governance figures derived from them.
fn report(d: &Design, flows: Vec<FlowResult>, findings: Vec<Finding>) -> AuditReport {
    let governance = governance(d, &findings);
    AuditReport {
        design: d.name.clone(),
        flows,
        findings,
        governance,
    }
}

fn governance(d: &Design, findings: &[Finding]) -> Governance {
    use crate::format::{Isolation, PeState, ServiceKind, WorkloadKind};
    let mut g = Governance::default();
    let mut deps = Vec::new();
    // Dependencies that get a managed private endpoint from a workspace's managed VNet: all of
    // them with allow-only-approved-outbound, those with public access disabled with
    // allow-internet-outbound (E4 "required rules").
    let mut managed_pe = Vec::new();
    for s in d
        .services
        .iter()
        .filter(|s| s.kind == ServiceKind::MlWorkspace)
    {
        g.workspaces += 1;
        if !s.public_network_access {
            g.workspaces_public_access_disabled += 1;
        }
        for dep in [s.storage, s.key_vault, s.container_registry]
            .into_iter()
            .flatten()
        {
            deps.push(dep);
            let managed = match s.managed_network.as_ref().map(|m| m.isolation) {
                Some(Isolation::AllowOnlyApprovedOutbound) => true,
                Some(Isolation::AllowInternetOutbound) => {
                    !d.services[dep.ix()].public_network_access
                }
                _ => false,
            };
            if managed {
                managed_pe.push(dep);
            }
        }
    }
    deps.sort();
    deps.dedup();
    for sid in deps {
        g.dependent_services += 1;
        let approved = managed_pe.contains(&sid)
            || d.services[sid.ix()]
                .private_endpoints
                .iter()
                .any(|p| d.private_endpoints[p.ix()].state == PeState::Approved);
        if !approved {
            g.dependent_services_without_private_endpoint += 1;
        }
    }
    for w in d.workloads.iter().filter(|w| flows::is_ml_target(w.kind)) {
        g.computes += 1;
        let public = w.public_ip.is_some()
            || (w.kind == WorkloadKind::OnlineEndpoint && w.public_network_access);
        if public {
            g.computes_with_public_ip += 1;
        }
    }
    g.findings_by_severity = Severity::ALL
        .iter()
        .map(|s| {
            (
                *s,
                findings.iter().filter(|f| f.severity == *s).count() as u32,
            )
        })
        .collect();
    g
}
