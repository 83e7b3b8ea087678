//! Azure AI services, Azure AI Search and Azure ML registries beside an Azure ML workspace: their
//! public network access is audited like the workspace's dependencies (AML-PUBLIC-AI-SERVICE,
//! proven by a trace from the internet).

use super::Severity;
use super::findings::{Finding, finding, trace, with_witness};
use crate::format::ServiceKind;
use crate::model::Design;
use crate::net::Protocol;

/// The private-link group and DNS zone of an AI service kind (core/src/model/catalog.rs).
fn link(kind: ServiceKind) -> Option<(&'static str, &'static str)> {
    match kind {
        ServiceKind::AiServices => Some(("account", "privatelink.cognitiveservices.azure.com")),
        ServiceKind::AiSearch => Some(("searchService", "privatelink.search.windows.net")),
        ServiceKind::MlRegistry => Some(("amlregistry", "privatelink.api.azureml.ms")),
        _ => None,
    }
}

/// AML-PUBLIC-AI-SERVICE: in a design with an Azure ML workspace, an Azure AI services account,
/// AI Search service or Azure ML registry that the internet reaches on 443 (the witness trace).
/// Critical when a workspace of the design is private (like a public dependency of a private
/// workspace), high otherwise.
pub(super) fn all(d: &Design, v: &mut Vec<Finding>) {
    let workspaces: Vec<_> = d
        .services
        .iter()
        .filter(|s| s.kind == ServiceKind::MlWorkspace)
        .collect();
    if workspaces.is_empty() {
        return;
    }
    let private_ws = workspaces.iter().any(|w| !w.public_network_access);
    for s in &d.services {
        let Some((group, zone)) = link(s.kind) else {
            continue;
        };
        let Some(t) = trace(
            d,
            "internet",
            &format!("{}:{group}", s.name),
            Protocol::Tcp,
            443,
        )
        .filter(|t| t.verdict.allowed()) else {
            continue;
        };
        let severity = if private_ws {
            Severity::Critical
        } else {
            Severity::High
        };
        v.push(with_witness(
            finding(
                "AML-PUBLIC-AI-SERVICE",
                severity,
                format!("{} {} is reachable from the internet", s.kind, s.name),
                vec![s.name.clone()],
                &format!(
                    "set public_network_access: disabled and give it a private endpoint (group {group}, zone {zone} linked to the VNets that use it)"
                ),
            ),
            t,
        ));
    }
}
