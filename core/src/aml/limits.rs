//! Microsoft's documented placement limits for a workspace in a virtual network (E6, E7, D4,
//! D5 of azure-semantics.md; "Secure Azure Machine Learning workspace resources using virtual
//! networks"), and resource ownership: findings about where resources are, not about a path.

use super::Severity;
use super::findings::{Finding, finding};
use crate::format::{ServiceKind, WorkloadKind};
use crate::model::{Design, ServiceId, VnetId};
use std::collections::BTreeSet;

/// Every placement and ownership finding of a design.
pub(super) fn all(d: &Design, v: &mut Vec<Finding>) {
    for (i, ws) in d.services.iter().enumerate() {
        // A project is placed and owned through its hub (A1).
        if ws.kind != ServiceKind::MlWorkspace || ws.hub.is_some() {
            continue;
        }
        let ws_id = ServiceId(i as u32);
        workspace_and_dependencies(d, ws_id, v);
        computes(d, ws_id, v);
        aks(d, ws_id, v);
        registry_service_endpoint(d, ws_id, v);
    }
    owners(d, v);
}

/// The VNets holding a service's private endpoints.
fn pe_vnets(d: &Design, s: ServiceId) -> BTreeSet<VnetId> {
    d.services[s.ix()]
        .private_endpoints
        .iter()
        .map(|p| d.subnets[d.private_endpoints[p.ix()].subnet.ix()].vnet)
        .collect()
}

/// `v` itself and the VNets connected to it by a peering.
fn same_or_peered(d: &Design, v: VnetId) -> BTreeSet<VnetId> {
    let mut out: BTreeSet<VnetId> = d
        .peerings
        .iter()
        .filter(|p| p.local == v && p.connected)
        .map(|p| p.remote)
        .collect();
    out.insert(v);
    out
}

/// A service as a finding's resource (the audit adds its file line).
fn at(d: &Design, s: ServiceId) -> String {
    d.services[s.ix()].name.clone()
}

/// AML-WS-STORAGE-VNET: "The workspace and default storage account must be in the same VNet"
/// (D5, S32) — when both have private endpoints, one of each in a common VNet.
/// AML-DEPENDENCY-VNET: "one of the private endpoints must be in the same virtual network as
/// the following dependency services: … default storage … Key Vault … Container Registry"
/// (D5) — key vault and registry endpoints in the workspace's VNet or a peered one.
fn workspace_and_dependencies(d: &Design, ws: ServiceId, v: &mut Vec<Finding>) {
    let w = &d.services[ws.ix()];
    let ws_vnets = pe_vnets(d, ws);
    if ws_vnets.is_empty() {
        return;
    }
    if let Some(st) = w.storage {
        let st_vnets = pe_vnets(d, st);
        if !st_vnets.is_empty() && ws_vnets.is_disjoint(&st_vnets) {
            v.push(finding(
                "AML-WS-STORAGE-VNET",
                Severity::High,
                format!(
                    "workspace {} and its default storage {} have no private endpoints in a common VNet (workspace: {}; storage: {})",
                    w.name,
                    d.services[st.ix()].name,
                    names(d, &ws_vnets),
                    names(d, &st_vnets)
                ),
                vec![at(d, ws), at(d, st)],
                "add a private endpoint of the storage account (or of the workspace) in the other's VNet: Microsoft requires the workspace and default storage account in the same VNet",
            ));
        }
    }
    let reach: BTreeSet<VnetId> = ws_vnets
        .iter()
        .flat_map(|&x| same_or_peered(d, x))
        .collect();
    for dep in [w.key_vault, w.container_registry].into_iter().flatten() {
        let dep_vnets = pe_vnets(d, dep);
        if !dep_vnets.is_empty() && reach.is_disjoint(&dep_vnets) {
            v.push(finding(
                "AML-DEPENDENCY-VNET",
                Severity::Medium,
                format!(
                    "{} of workspace {} has private endpoints only in {}, neither the workspace's VNet ({}) nor one peered with it",
                    d.services[dep.ix()].name,
                    w.name,
                    names(d, &dep_vnets),
                    names(d, &ws_vnets)
                ),
                vec![at(d, dep), at(d, ws)],
                "put a private endpoint of the dependency in the workspace's VNet (or peer the VNets)",
            ));
        }
    }
}

/// AML-COMPUTE-PLACEMENT: "Azure Compute Instance and Azure Compute Clusters must be in the
/// same VNet, region, and subscription as the workspace" (E7). A cluster may sit in another VNet
/// or region when its VNet holds a workspace private endpoint or is peered with one that does
/// (S33); a compute instance may not.
fn computes(d: &Design, ws: ServiceId, v: &mut Vec<Finding>) {
    let w = &d.services[ws.ix()];
    let ws_vnets = pe_vnets(d, ws);
    for c in d.workloads.iter().filter(|c| c.workspace == Some(ws)) {
        let instance = c.kind == WorkloadKind::ComputeInstance;
        if !instance && c.kind != WorkloadKind::ComputeCluster {
            continue;
        }
        let vnet = d.subnets[c.subnet.ix()].vnet;
        let cv = &d.vnets[vnet.ix()];
        let mut wrong: Vec<String> = Vec::new();
        if cv.scope.subscription != w.scope.subscription {
            wrong.push(format!(
                "subscription {} (workspace: {})",
                or_default(&cv.scope.subscription),
                or_default(&w.scope.subscription)
            ));
        }
        let linked = if instance {
            ws_vnets.contains(&vnet)
        } else {
            !same_or_peered(d, vnet).is_disjoint(&ws_vnets)
        };
        // A cluster linked to a workspace private endpoint may be in another region (S33).
        let region_may_differ = linked && !instance;
        if !region_may_differ && !crate::regions::same(&cv.region, &w.region) {
            wrong.push(format!("region {} (workspace: {})", cv.region, w.region));
        }
        if !ws_vnets.is_empty() && !linked {
            wrong.push(if instance {
                format!(
                    "VNet {} (the workspace's private endpoints are in {})",
                    cv.name,
                    names(d, &ws_vnets)
                )
            } else {
                format!(
                    "VNet {}, which neither holds nor is peered with a workspace private endpoint ({})",
                    cv.name,
                    names(d, &ws_vnets)
                )
            });
        }
        if wrong.is_empty() {
            continue;
        }
        v.push(finding(
            "AML-COMPUTE-PLACEMENT",
            Severity::High,
            format!(
                "{} {} of workspace {} is in {}",
                c.kind,
                c.name,
                w.name,
                wrong.join(", ")
            ),
            vec![
                c.name.clone(),
                at(d, ws),
            ],
            "create the compute in a subnet of a VNet in the workspace's region and subscription that holds (for a cluster: or is peered with) a workspace private endpoint",
        ));
    }
}

/// AML-AKS-DEPENDENCIES: "If your AKS cluster is behind of a VNet, your workspace and its
/// associated resources (storage, key vault, Azure Container Registry) must have private
/// endpoints or service endpoints in the same or peered VNet as AKS cluster's VNet"; and "If
/// your workspace has a private endpoint, the Azure Kubernetes Service cluster must be in the
/// same Azure region as the workspace" (E6).
fn aks(d: &Design, ws: ServiceId, v: &mut Vec<Finding>) {
    let w = &d.services[ws.ix()];
    for k in d
        .workloads
        .iter()
        .filter(|k| k.workspace == Some(ws) && k.kind == WorkloadKind::Aks)
    {
        let subnet = &d.subnets[k.subnet.ix()];
        let reach = same_or_peered(d, subnet.vnet);
        let kv = &d.vnets[subnet.vnet.ix()];
        let mut missing: Vec<String> = Vec::new();
        for s in [Some(ws), w.storage, w.key_vault, w.container_registry]
            .into_iter()
            .flatten()
        {
            let svc = &d.services[s.ix()];
            let by_pe = !reach.is_disjoint(&pe_vnets(d, s));
            let by_se = crate::model::catalog::service_endpoint(svc.kind).is_some_and(|se| {
                subnet
                    .service_endpoints
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(se) || x.starts_with(&format!("{se}.")))
            });
            if !(by_pe || by_se) {
                missing.push(svc.name.clone());
            }
        }
        if !missing.is_empty() {
            v.push(finding(
                "AML-AKS-DEPENDENCIES",
                Severity::High,
                format!(
                    "AKS {} (VNet {}) has no private or service endpoint in its own or a peered VNet for {}",
                    k.name,
                    kv.name,
                    missing.join(", ")
                ),
                vec![k.name.clone(), at(d, ws)],
                "add private endpoints of the workspace and its storage, key vault and registry in the AKS VNet (or a peered VNet)",
            ));
        }
        if !pe_vnets(d, ws).is_empty() && !crate::regions::same(&kv.region, &w.region) {
            v.push(finding(
                "AML-COMPUTE-PLACEMENT",
                Severity::High,
                format!(
                    "AKS {} is in region {}, but workspace {} has a private endpoint and is in {}",
                    k.name, kv.region, w.name, w.region
                ),
                vec![k.name.clone(), at(d, ws)],
                "create the AKS cluster in the workspace's region",
            ));
        }
    }
}

/// AML-ACR-SERVICE-ENDPOINT: "For Azure Container Services, use a private endpoint" (D4, S32):
/// Azure ML does not support a registry behind a service endpoint (P18: a finding, the design
/// is analysed).
fn registry_service_endpoint(d: &Design, ws: ServiceId, v: &mut Vec<Finding>) {
    let Some(acr) = d.services[ws.ix()].container_registry else {
        return;
    };
    let r = &d.services[acr.ix()];
    if !r.private_endpoints.is_empty() || r.vnet_rules.is_empty() {
        return;
    }
    let subnets: Vec<String> = r
        .vnet_rules
        .iter()
        .map(|s| d.subnets[s.ix()].name.clone())
        .collect();
    v.push(finding(
        "AML-ACR-SERVICE-ENDPOINT",
        Severity::Medium,
        format!(
            "container registry {} of workspace {} is secured with service endpoints ({}) and no private endpoint: Azure ML supports only a private endpoint for its registry",
            r.name,
            d.services[ws.ix()].name,
            subnets.join(", ")
        ),
        vec![at(d, acr)],
        "give the registry a private endpoint (Premium SKU) and disable its public network access",
    ));
}

/// AML-NO-OWNER: an Azure ML resource (workspace, its dependencies, computes and endpoints)
/// without an `owner` tag (the compliance guide's ownership checklist), in a design that tags
/// its resources at all (a design written without tags says nothing about ownership).
fn owners(d: &Design, v: &mut Vec<Finding>) {
    let tagged = d.vnets.iter().any(|x| !x.tags.is_empty())
        || d.services.iter().any(|x| !x.tags.is_empty())
        || d.workloads.iter().any(|x| !x.tags.is_empty());
    if !tagged {
        return;
    }
    let has_owner = |tags: &std::collections::BTreeMap<String, String>| {
        tags.iter()
            .any(|(k, val)| k.eq_ignore_ascii_case("owner") && !val.trim().is_empty())
    };
    let mut ml: BTreeSet<ServiceId> = BTreeSet::new();
    for (i, s) in d.services.iter().enumerate() {
        if s.kind == ServiceKind::MlWorkspace {
            ml.insert(ServiceId(i as u32));
            ml.extend(
                [s.storage, s.key_vault, s.container_registry]
                    .into_iter()
                    .flatten(),
            );
        }
    }
    let mut untagged: Vec<String> = ml
        .iter()
        .filter(|s| !has_owner(&d.services[s.ix()].tags))
        .map(|&s| at(d, s))
        .collect();
    untagged.extend(
        d.workloads
            .iter()
            .filter(|w| w.workspace.is_some() && !has_owner(&w.tags))
            .map(|w| w.name.clone()),
    );
    if untagged.is_empty() {
        return;
    }
    v.push(finding(
        "AML-NO-OWNER",
        Severity::Low,
        format!("{} Azure ML resource(s) have no owner tag", untagged.len()),
        untagged,
        "add `tags: {owner: TEAM}` to each resource (and a cost-centre tag for the FinOps view)",
    ));
}

fn names(d: &Design, vnets: &BTreeSet<VnetId>) -> String {
    vnets
        .iter()
        .map(|v| d.vnets[v.ix()].name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn or_default(s: &str) -> &str {
    if s.is_empty() { "(the design's)" } else { s }
}
