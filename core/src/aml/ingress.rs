//! The inference ingress path (docs/semantics.md I1–I7, I11): what reaches scoring from the
//! internet through an application gateway or API Management (and whether a WAF blocks what it
//! detects; Front Door in `front_ingress.rs`), what
//! reaches it around the WAF, and the AKS control plane and egress settings.
//!
//! - AML-INGRESS-NO-WAF: the internet reaches an inference target through a gateway listener
//!   and the gateway has no WAF (witness: both legs).
//! - AML-WAF-DETECTION: the same through a gateway whose WAF policy only detects.
//! - AML-WAF-BYPASS: an inference target a WAF gateway fronts is also reachable from the
//!   internet directly (the AML-INBOUND-INTERNET or AML-INFERENCE-PUBLIC finding about it,
//!   with its witness, becomes this more specific one).
//! - AML-AKS-PUBLIC-API: an AKS cluster's API server is public and open to every address.
//! - AML-AKS-OUTBOUND: an AKS cluster whose subnet sends 0.0.0.0/0 to an appliance has an
//!   outbound type other than user-defined routing.

use super::Severity;
use super::findings::{Finding, finding, with_witness};
use super::flows::is_ml_target;
use crate::format::{AksOutboundType, NextHopType, WafMode, WorkloadKind};
use crate::model::{ApiServer, Backend, Design, WorkloadId};
use crate::net::Protocol;
use crate::query::Endpoint;
use crate::trace::{Trace, TraceOptions, origin_of, trace_from};

/// Every ingress finding, and the direct-path findings about WAF-fronted targets turned into
/// AML-WAF-BYPASS.
pub(super) fn all(d: &Design, v: &mut Vec<Finding>) {
    let mut fronted = through_gateways(d, v);
    fronted.extend(super::front_ingress::through_front_doors(d, v));
    fronted.sort();
    fronted.dedup();
    bypass(d, &fronted, v);
    api_server(d, v);
    outbound_type(d, v);
}

/// The trace of the internet's request to `gateway` on `port`, forwarded to `backend`.
fn via_gateway(
    d: &Design,
    gateway: WorkloadId,
    port: u16,
    backend: std::net::Ipv4Addr,
) -> Option<Trace> {
    let internet = Endpoint::Client(crate::model::ClientId(0));
    let origin = origin_of(d, &internet).ok()?;
    let gw = &d.workloads[gateway.ix()].name;
    Some(trace_from(
        d,
        origin,
        &Endpoint::Workload(gateway),
        Protocol::Tcp,
        port,
        "internet",
        gw,
        TraceOptions {
            backend: Some(backend),
            ..TraceOptions::default()
        },
    ))
}

/// AML-INGRESS-NO-WAF and AML-WAF-DETECTION; returns the inference targets a gateway with a
/// WAF policy in prevention mode forwards the internet's requests to.
fn through_gateways(d: &Design, v: &mut Vec<Finding>) -> Vec<WorkloadId> {
    let mut fronted = Vec::new();
    for (gi, gw) in d.workloads.iter().enumerate() {
        if !gw.is_gateway() {
            continue;
        }
        let gid = WorkloadId(gi as u32);
        let mut reported = Vec::new();
        for l in gw.listeners.iter().filter(|l| l.public) {
            for b in &l.backends {
                let Backend::Workload(t) = *b else { continue };
                let target = &d.workloads[t.ix()];
                if !is_ml_target(target.kind) || reported.contains(&t) {
                    continue;
                }
                let Some(trace) =
                    via_gateway(d, gid, l.port, target.ip).filter(|t| t.verdict.allowed())
                else {
                    continue;
                };
                reported.push(t);
                let resources = vec![gw.name.clone(), target.name.clone()];
                let f = match gw.waf {
                    WafMode::Prevention => {
                        fronted.push(t);
                        continue;
                    }
                    WafMode::Detection => {
                        fronted.push(t);
                        finding(
                            "AML-WAF-DETECTION",
                            Severity::Medium,
                            format!(
                                "application gateway {} forwards the internet's requests to inference target {} with its WAF in detection mode: attacks are logged, not blocked",
                                gw.name, target.name
                            ),
                            resources,
                            "set waf: prevention on the gateway's WAF policy once its detection logs show no false positives",
                        )
                    }
                    WafMode::Off if gw.kind == WorkloadKind::ApiManagement => finding(
                        "AML-INGRESS-NO-WAF",
                        Severity::High,
                        format!(
                            "the internet reaches inference target {} through API Management {} in external mode, which has no WAF",
                            target.name, gw.name
                        ),
                        resources,
                        "put API Management in internal mode (virtual_network_type: internal) behind an application gateway with a WAF policy in prevention mode, or behind Front Door with one",
                    ),
                    WafMode::Off => finding(
                        "AML-INGRESS-NO-WAF",
                        Severity::High,
                        format!(
                            "the internet reaches inference target {} through application gateway {}, which has no WAF",
                            target.name, gw.name
                        ),
                        resources,
                        "use the WAF_v2 SKU with a WAF policy in prevention mode (waf: prevention) on the gateway",
                    ),
                };
                let mut f = f;
                f.references = super::mapping::references(f.id, gw.kind.as_str());
                v.push(with_witness(f, trace));
            }
        }
    }
    fronted.sort();
    fronted.dedup();
    fronted
}

/// AML-WAF-BYPASS: the direct-path findings (AML-INBOUND-INTERNET, AML-INFERENCE-PUBLIC) about
/// a target a WAF gateway fronts: the public path that skips the WAF.
fn bypass(d: &Design, fronted: &[WorkloadId], v: &mut Vec<Finding>) {
    for f in v.iter_mut() {
        if !matches!(f.id, "AML-INBOUND-INTERNET" | "AML-INFERENCE-PUBLIC") {
            continue;
        }
        let Some(t) = f
            .resources
            .first()
            .and_then(|r| d.workload_by_name(r))
            .filter(|w| fronted.contains(w))
        else {
            continue;
        };
        let gateways: Vec<&str> = d
            .workloads
            .iter()
            .filter(|g| {
                g.kind == WorkloadKind::AppGateway
                    && g.waf != WafMode::Off
                    && g.listeners
                        .iter()
                        .any(|l| l.backends.contains(&Backend::Workload(t)))
            })
            .map(|g| g.name.as_str())
            .chain(
                d.front_doors
                    .iter()
                    .filter(|f| {
                        f.waf != WafMode::Off
                            && f.origins
                                .iter()
                                .any(|o| o.host == crate::model::FrontDoorHost::Workload(t))
                    })
                    .map(|f| f.name.as_str()),
            )
            .collect();
        let name = &d.workloads[t.ix()].name;
        f.id = "AML-WAF-BYPASS";
        f.severity = Severity::High;
        f.title = format!(
            "inference target {name} is behind the WAF of {} but the internet also reaches it directly",
            gateways.join(", ")
        );
        f.remediation = format!(
            "close the direct path: remove {name}'s public IP or public ingress (and the NSG rule that admits the internet) so that only {} reaches it",
            gateways.join(" and ")
        );
        f.references = super::mapping::references("AML-WAF-BYPASS", "");
        f.resources.extend(gateways.iter().map(|g| g.to_string()));
    }
    // A target both direct-path findings named is one bypass: keep the first.
    let mut seen = Vec::new();
    v.retain(|f| {
        f.id != "AML-WAF-BYPASS" || {
            let key = f.resources.first().cloned();
            let new = !seen.contains(&key);
            seen.push(key);
            new
        }
    });
}

/// AML-AKS-PUBLIC-API: a public API server with no authorized IP ranges.
fn api_server(d: &Design, v: &mut Vec<Finding>) {
    for w in d.workloads.iter().filter(|w| w.kind == WorkloadKind::Aks) {
        if w.api_server == ApiServer::Public {
            v.push(finding("AML-AKS-PUBLIC-API", Severity::Medium, format!("AKS cluster {}'s API server (control plane) has a public endpoint open to every address", w.name), vec![w.name.clone()], "make it a private cluster (private_cluster: true), or limit the public endpoint with authorized_ip_ranges"));
        }
    }
}

/// AML-AKS-OUTBOUND: egress meant to leave through a firewall (0.0.0.0/0 to an appliance on the
/// cluster's subnet) while the cluster keeps another outbound path of its own.
fn outbound_type(d: &Design, v: &mut Vec<Finding>) {
    for w in d.workloads.iter().filter(|w| w.kind == WorkloadKind::Aks) {
        if w.outbound_type == AksOutboundType::UserDefinedRouting {
            continue;
        }
        let s = &d.subnets[w.subnet.ix()];
        let through = s.route_table.and_then(|t| {
            d.route_tables[t.ix()].routes.iter().find(|r| {
                r.prefixes.iter().any(|p| p.prefix_len() == 0)
                    && r.next_hop == NextHopType::VirtualAppliance
            })
        });
        if let Some(r) = through {
            v.push(finding("AML-AKS-OUTBOUND", Severity::Medium, format!("AKS cluster {} routes 0.0.0.0/0 to the appliance {} (route {}) but its outbound type is {}: AKS gives it an egress path of its own", w.name, r.next_hop_ip.map(|i| i.to_string()).unwrap_or_default(), r.name, w.outbound_type), vec![w.name.clone()], "set outbound_type: user_defined_routing so the cluster's egress leaves only through the firewall"));
        }
    }
}
