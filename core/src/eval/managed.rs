//! An Azure ML managed virtual network's outbound decision (E4): the workspace's own resources
//! over managed private endpoints, the required service tags, and — with
//! `allow_only_approved_outbound` — only the user's private-endpoint, service-tag and FQDN rules;
//! with `allow_internet_outbound`, everything.

use crate::eval::firewall::fqdn_matches;
use crate::format::Isolation;
use crate::model::{Design, OutboundTarget, ServiceId};
use crate::net::{Flow, Protocol};

/// How the managed network lets a request out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Egress {
    /// Over a managed private endpoint to the service (its firewall does not apply).
    PrivateEndpoint,
    /// Out to the public address (the destination's own firewall applies).
    Public,
}

/// The decision, with its reason.
#[derive(Clone, Debug)]
pub struct ManagedDecision {
    /// `None` when denied.
    pub egress: Option<Egress>,
    /// Why.
    pub reason: String,
}

/// The service tags E4 lists as required outbound rules, with the ports E2 gives them.
fn required(tag: &str, region: &str, flow: &Flow) -> bool {
    let (p, port) = (flow.protocol, flow.dst_port);
    match tag {
        "AzureMachineLearning" => {
            (p == Protocol::Tcp && [443, 18881].contains(&port))
                || (p == Protocol::Udp && port == 5831)
        }
        t if t.eq_ignore_ascii_case(&format!("BatchNodeManagement.{region}")) => port == 443,
        "AzureActiveDirectory" => p == Protocol::Tcp && [80, 443].contains(&port),
        _ => p == Protocol::Tcp && port == 443,
    }
}

const REQUIRED_TAGS: [&str; 6] = [
    "AzureMachineLearning",
    "AzureActiveDirectory",
    "AzureResourceManager",
    "AzureFrontDoor.FirstParty",
    "MicrosoftContainerRegistry",
    "AzureMonitor",
];

/// Decides a request from workspace `ws`'s managed network. `service` is the PaaS service and
/// subresource the destination name belongs to, if any; `fqdn` the name asked for.
/// With `any_name`, FQDN rules match whatever name the packet may carry (to prove that no packet
/// gets out, docs/semantics.md decision 9).
pub fn outbound(
    d: &Design,
    ws: ServiceId,
    flow: &Flow,
    service: Option<(ServiceId, &str)>,
    fqdn: Option<&str>,
    any_name: bool,
) -> ManagedDecision {
    let w = &d.services[ws.ix()];
    let Some(m) = &w.managed_network else {
        return ManagedDecision {
            egress: None,
            reason: format!("{} has no managed network", w.name),
        };
    };
    let approved_only = m.isolation == Isolation::AllowOnlyApprovedOutbound;
    let allow = |egress, reason: String| ManagedDecision {
        egress: Some(egress),
        reason,
    };
    if let Some((sid, group)) = service {
        let own = sid == ws
            || [
                w.storage,
                w.key_vault,
                w.container_registry,
                w.application_insights,
            ]
            .contains(&Some(sid));
        let target = &d.services[sid.ix()];
        // E4: with approved-only, private endpoints to the workspace's resources are required
        // rules whatever their public access; with internet outbound, only for those with
        // public access disabled.
        if own && (approved_only || !target.public_network_access) {
            return allow(
                Egress::PrivateEndpoint,
                format!(
                    "required managed private endpoint to the workspace's own {} ({}) (E4)",
                    target.name, group
                ),
            );
        }
        if let Some(r) = m.outbound_rules.iter().find(|r| matches!(&r.target, OutboundTarget::PrivateEndpoint { service, group: g } if *service == sid && g == group)) {
            return allow(Egress::PrivateEndpoint, format!("outbound rule {}: managed private endpoint to {} ({group})", r.name, target.name));
        }
    }
    if !approved_only {
        return allow(
            Egress::Public,
            format!("{} allows internet outbound (E4)", w.name),
        );
    }
    for tag in REQUIRED_TAGS
        .iter()
        .map(|t| t.to_string())
        .chain([format!("BatchNodeManagement.{}", w.region)])
    {
        if d.tags.get(&tag).is_some_and(|s| s.contains(flow.dst)) && required(&tag, &w.region, flow)
        {
            return allow(
                Egress::Public,
                format!("required outbound rule for service tag {tag} (E4)"),
            );
        }
    }
    for r in &m.outbound_rules {
        match &r.target {
            OutboundTarget::ServiceTag {
                tag,
                protocol,
                ports,
            } => {
                let proto_ok = protocol.is_none_or(|p| p == flow.protocol);
                let port_ok = !flow.protocol.has_ports() || ports.contains(flow.dst_port);
                if proto_ok && port_ok && d.tags.get(tag).is_some_and(|s| s.contains(flow.dst)) {
                    return allow(
                        Egress::Public,
                        format!("outbound rule {} allows service tag {tag}", r.name),
                    );
                }
            }
            OutboundTarget::Fqdn { fqdn: pattern } => {
                let port_ok = flow.protocol == Protocol::Tcp && [80, 443].contains(&flow.dst_port);
                if port_ok && (any_name || fqdn.is_some_and(|n| fqdn_matches(pattern, n))) {
                    return allow(
                        Egress::Public,
                        format!(
                            "outbound rule {} allows {pattern} through the managed Azure Firewall (ports 80/443)",
                            r.name
                        ),
                    );
                }
            }
            OutboundTarget::PrivateEndpoint { .. } => {}
        }
    }
    ManagedDecision {
        egress: None,
        reason: format!(
            "{} allows only approved outbound and no rule approves {} {}/{} (E4)",
            w.name,
            fqdn.map(str::to_string)
                .unwrap_or_else(|| flow.dst.to_string()),
            flow.protocol,
            flow.dst_port
        ),
    }
}
