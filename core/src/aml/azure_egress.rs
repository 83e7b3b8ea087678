//! Exfiltration to Azure itself: a compute that cannot reach the internet at large may still
//! reach storage accounts that are not the design's (the global `Storage` tag: any account in
//! any region, the classic exfiltration path) or any other Azure public address.

use super::Severity;
use super::findings::{Finding, finding, trace, with_witness};
use super::flows::is_ml_target;
use crate::model::Design;
use crate::net::{AddrSet, Protocol};
use std::net::Ipv4Addr;

/// AML-EXFILTRATION-STORAGE and AML-EXFILTRATION-AZURE for every compute and inference target
/// that AML-EXFILTRATION (an arbitrary host outside Azure) did not already flag.
pub(super) fn all(d: &Design, flagged: &[Finding], v: &mut Vec<Finding>) {
    let owned = d.public_addresses();
    for w in d.workloads.iter().filter(|w| is_ml_target(w.kind)) {
        if flagged
            .iter()
            .any(|f| f.id == "AML-EXFILTRATION" && f.resources.contains(&w.name))
        {
            continue;
        }
        let region = &d.vnets[d.subnets[w.subnet.ix()].vnet.ix()].region;
        if let Some(ip) = foreign_storage(d, region, &owned)
            && let Some(t) = trace(d, &w.name, &ip.to_string(), Protocol::Tcp, 443)
                .filter(|t| t.verdict.allowed())
        {
            v.push(with_witness(
                finding(
                    "AML-EXFILTRATION-STORAGE",
                    Severity::High,
                    format!(
                        "{} can reach storage accounts outside the design in other regions ({ip} is in `Storage` but not {region}'s)",
                        w.name
                    ),
                    vec![w.name.clone()],
                    "allow only the regional tag (Storage.<region>, E2) or the design's accounts' private endpoints; on a service endpoint, a service endpoint policy limits it to the listed accounts",
                ),
                t,
            ));
            continue;
        }
        if let Some(ip) = unclaimed_azure(d, region, &owned)
            && let Some(t) = trace(d, &w.name, &ip.to_string(), Protocol::Tcp, 443)
                .filter(|t| t.verdict.allowed())
        {
            v.push(with_witness(
                finding(
                    "AML-EXFILTRATION-AZURE",
                    Severity::High,
                    format!(
                        "{} can reach Azure public addresses that belong to no service it needs ({ip} is in `AzureCloud` only)",
                        w.name
                    ),
                    vec![w.name.clone()],
                    "allow the required service tags (E2) instead of AzureCloud or any Azure address",
                ),
                t,
            ));
        }
    }
}

/// A `Storage` address outside `region`, its paired region and the design's own endpoints.
fn foreign_storage(d: &Design, region: &str, owned: &AddrSet) -> Option<Ipv4Addr> {
    let mut near = d
        .tags
        .regional("Storage", region)
        .cloned()
        .unwrap_or_default();
    if let Some(p) = crate::regions::paired(region)
        && let Some(s) = d.tags.get(&format!("Storage.{p}"))
    {
        near = near.union(s);
    }
    first(&d.tags.get("Storage")?.difference(&near).difference(owned))
}

/// An `AzureCloud` address in no narrower service tag and not the design's: in `region` when
/// there is one, else anywhere.
fn unclaimed_azure(d: &Design, region: &str, owned: &AddrSet) -> Option<Ipv4Addr> {
    let mut claimed = owned.clone();
    for name in d.tags.names() {
        let lower = name.to_ascii_lowercase();
        if lower == "internet" || lower == "virtualnetwork" || lower.starts_with("azurecloud") {
            continue;
        }
        if let Some(s) = d.tags.get(name) {
            claimed = claimed.union(s);
        }
    }
    let local = d
        .tags
        .get(&format!("AzureCloud.{region}"))
        .and_then(|s| first(&s.difference(&claimed)));
    local.or_else(|| first(&d.tags.get("AzureCloud")?.difference(&claimed)))
}

/// The first address of a set, skipping a network address when the set has more.
fn first(s: &AddrSet) -> Option<Ipv4Addr> {
    s.nth_wrapping(1)
}
