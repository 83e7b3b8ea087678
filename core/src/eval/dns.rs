//! Name resolution (C2–C4, WE-DNS-3): which resolver a source uses, the public CNAME chain to
//! `privatelink` names, private zones linked to the resolving VNet, and what happens when a
//! linked zone lacks the record.

use crate::format::{PeState, ResolutionPolicy, WorkloadKind};
use crate::model::{Design, ElementRef, ServiceId, VnetId, catalog};
use crate::tags::AZURE_HOST_IP;
use serde::Serialize;
use std::net::Ipv4Addr;

/// Who answers a source's DNS queries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Resolver {
    /// Azure DNS (168.63.129.16) in the context of a VNet: its linked private zones apply.
    AzureDns {
        /// The VNet whose zone links apply.
        vnet: VnetId,
    },
    /// A resolver that sees only public DNS.
    Public,
}

/// The result of resolving a name.
#[derive(Clone, Debug, Serialize)]
pub struct DnsAnswer {
    /// The name asked for.
    pub name: String,
    /// Each step of the resolution, in order.
    pub steps: Vec<String>,
    /// The address, or why there is none.
    pub address: Result<Ipv4Addr, String>,
    /// Whether the answer came from a private zone.
    pub private: bool,
    /// The service and subresource group the name belongs to, if any.
    #[serde(skip)]
    pub service: Option<(ServiceId, &'static str)>,
    /// The private DNS zone link whose zone gave the answer (a record, or NXDOMAIN), or whose
    /// resolution policy sent the name on to public DNS; `None` for a public answer alone.
    pub decided_by: Option<ElementRef>,
}

/// The resolver a VNet's machines use, with the explanation.
pub fn resolver_for_vnet(d: &Design, v: VnetId) -> (Resolver, String) {
    let vnet = &d.vnets[v.ix()];
    match vnet.dns_servers.first() {
        None => (
            Resolver::AzureDns { vnet: v },
            format!("VNet {} uses Azure-provided DNS (168.63.129.16)", vnet.name),
        ),
        Some(ip) => resolver_at(d, *ip, &format!("VNet {}", vnet.name)),
    }
}

/// The resolver behind a DNS server address.
pub fn resolver_at(d: &Design, ip: Ipv4Addr, who: &str) -> (Resolver, String) {
    if ip == AZURE_HOST_IP {
        return match d.vnet_containing(ip) {
            Some(v) => (
                Resolver::AzureDns { vnet: v },
                format!("{who} uses Azure DNS"),
            ),
            None => (
                Resolver::Public,
                format!(
                    "{who} uses 168.63.129.16, which is only valid inside a VNet (C4): public DNS only"
                ),
            ),
        };
    }
    if let Some(w) = d
        .workloads
        .iter()
        .find(|w| w.ip == ip && w.kind == WorkloadKind::DnsServer)
    {
        let v = d.subnets[w.subnet.ix()].vnet;
        return if w.forwards_to_azure_dns {
            (
                Resolver::AzureDns { vnet: v },
                format!(
                    "{who} uses DNS server {} ({ip}), which forwards to Azure DNS from VNet {}",
                    w.name,
                    d.vnets[v.ix()].name
                ),
            )
        } else {
            (
                Resolver::Public,
                format!(
                    "{who} uses DNS server {} ({ip}), which does not forward to Azure DNS: private zones are invisible",
                    w.name
                ),
            )
        };
    }
    if let Some(f) = d.firewalls.iter().find(|f| f.ip == ip && f.dns_proxy) {
        let v = d.subnets[f.subnet.ix()].vnet;
        return (
            Resolver::AzureDns { vnet: v },
            format!(
                "{who} uses the DNS proxy of firewall {} ({ip}), which forwards to Azure DNS from VNet {}",
                f.name,
                d.vnets[v.ix()].name
            ),
        );
    }
    (
        Resolver::Public,
        format!("{who} uses DNS server {ip}, which is not modelled as a resolver: public DNS only"),
    )
}

fn normalise(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The documentation address vnetlab gives a public host it knows nothing about.
pub fn public_host_ip(name: &str) -> Ipv4Addr {
    let h = crate::model::fnv_hash(name);
    Ipv4Addr::new(203, 0, 113, 1 + (h % 250) as u8)
}

/// Finds the service and subresource a public or privatelink name belongs to.
/// Returns (service, group, filled public name, filled privatelink name, whether `name` was the
/// privatelink form).
fn service_name(d: &Design, name: &str) -> Option<(ServiceId, &'static str, String, bool)> {
    for (i, s) in d.services.iter().enumerate() {
        for sub in catalog::subresources(s.kind) {
            for (public, private) in sub.names {
                let (public, private) = (
                    catalog::fill(public, &s.name, &s.region),
                    catalog::fill(private, &s.name, &s.region),
                );
                if let Some(label) = catalog::match_template(&public, name) {
                    let target = if label.is_empty() {
                        private.clone()
                    } else {
                        private.replacen('*', label, 1)
                    };
                    return Some((crate::model::ServiceId(i as u32), sub.group, target, false));
                }
                if catalog::match_template(&private, name).is_some() {
                    return Some((
                        crate::model::ServiceId(i as u32),
                        sub.group,
                        name.to_string(),
                        true,
                    ));
                }
            }
        }
    }
    None
}

/// Resolves `name` with `resolver`.
pub fn resolve(d: &Design, name: &str, resolver: Resolver) -> DnsAnswer {
    let asked = normalise(name);
    let mut cur = asked.clone();
    let mut steps = Vec::new();
    let mut service = None;
    let mut decided_by = None;
    for _ in 0..8 {
        // Private zones linked to the resolving VNet override everything under them (C3).
        if let Resolver::AzureDns { vnet } = resolver {
            let zone = d
                .zones
                .iter()
                .enumerate()
                .filter(|(_, z)| {
                    z.links.contains(&vnet)
                        && (cur == z.name || cur.ends_with(&format!(".{}", z.name)))
                })
                .max_by_key(|(_, z)| z.name.len());
            if let Some((zi, z)) = zone {
                let zid = crate::model::ZoneId(zi as u32);
                let rel = if cur == z.name {
                    "@".to_string()
                } else {
                    cur[..cur.len() - z.name.len() - 1].to_string()
                };
                let wildcard = rel.split_once('.').map(|(_, rest)| format!("*.{rest}"));
                let hit = z
                    .records
                    .get(&rel)
                    .or_else(|| wildcard.as_ref().and_then(|w| z.records.get(w)))
                    .or_else(|| {
                        // Auto-registered while the registering link exists.
                        z.auto_records
                            .get(&rel)
                            .filter(|(_, by)| z.links.contains(by))
                            .map(|(ip, _)| ip)
                    });
                if let Some(ip) = hit {
                    steps.push(format!(
                        "{cur} → {ip} (A record in private zone {}, linked to VNet {})",
                        z.name,
                        d.vnets[vnet.ix()].name
                    ));
                    return DnsAnswer {
                        name: asked,
                        steps,
                        address: Ok(*ip),
                        private: true,
                        service,
                        decided_by: Some(ElementRef::zone_link(d, zid, vnet)),
                    };
                }
                if z.policy_for(vnet) == ResolutionPolicy::NxDomainRedirect {
                    decided_by =
                        Some(ElementRef::zone_link(d, zid, vnet).setting("resolution_policy"));
                    steps.push(format!("{cur}: no record in private zone {}; the link falls back to public DNS (NxDomainRedirect)", z.name));
                } else {
                    steps.push(format!(
                        "{cur}: private zone {} is linked to VNet {} but has no record for it → NXDOMAIN (no public fallback, C3)",
                        z.name, d.vnets[vnet.ix()].name));
                    return DnsAnswer {
                        name: asked,
                        steps,
                        address: Err(format!("NXDOMAIN for {cur}")),
                        private: true,
                        service,
                        decided_by: Some(ElementRef::zone_link(d, zid, vnet)),
                    };
                }
            }
        }
        match service_name(d, &cur) {
            Some((sid, group, target, is_private_form)) => {
                service = Some((sid, group));
                let svc = &d.services[sid.ix()];
                let has_pe = svc.private_endpoints.iter().any(|p| {
                    let pe = &d.private_endpoints[p.ix()];
                    pe.group == group && matches!(pe.state, PeState::Approved | PeState::Pending)
                });
                if !is_private_form && has_pe {
                    steps.push(format!("{cur} → CNAME {target} (public DNS, because {} has a private endpoint for {group})", svc.name));
                    cur = target;
                    continue;
                }
                steps.push(format!(
                    "{cur} → {} (public endpoint of {}, from public DNS)",
                    svc.public_ip, svc.name
                ));
                return DnsAnswer {
                    name: asked,
                    steps,
                    address: Ok(svc.public_ip),
                    private: false,
                    service,
                    decided_by: decided_by.clone(),
                };
            }
            None => {
                if let Some(z) = d
                    .zones
                    .iter()
                    .find(|z| cur == z.name || cur.ends_with(&format!(".{}", z.name)))
                    && !z.name.starts_with("privatelink.")
                {
                    steps.push(format!(
                        "{cur} is in private zone {}, which this resolver does not see → NXDOMAIN",
                        z.name
                    ));
                    return DnsAnswer {
                        name: asked,
                        steps,
                        address: Err(format!("NXDOMAIN for {cur}")),
                        private: false,
                        service,
                        decided_by: decided_by.clone(),
                    };
                }
                let ip = public_host_ip(&cur);
                steps.push(format!("{cur} → {ip} (a public host; vnetlab gives unknown internet names an address from 203.0.113.0/24)"));
                return DnsAnswer {
                    name: asked,
                    steps,
                    address: Ok(ip),
                    private: false,
                    service,
                    decided_by: decided_by.clone(),
                };
            }
        }
    }
    steps.push("CNAME chain longer than 8".into());
    DnsAnswer {
        name: asked,
        steps,
        address: Err("CNAME loop".into()),
        private: false,
        service,
        decided_by,
    }
}
