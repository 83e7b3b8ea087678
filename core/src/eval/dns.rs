//! Name resolution (C2–C4, WE-DNS-3): which resolver a source uses, the public CNAME chain to
//! `privatelink` names, private zones linked to the resolving VNet, and what happens when a
//! linked zone lacks the record.

use crate::format::{PeState, ResolutionPolicy, WorkloadKind};
use crate::model::dns::Fallback;
use crate::model::{Design, ElementRef, ServiceId, VnetId, catalog};
use crate::tags::AZURE_HOST_IP;
use serde::Serialize;
use std::net::Ipv4Addr;

/// Who answers a source's DNS queries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Resolver {
    /// Azure DNS (168.63.129.16) in the context of a VNet: its linked private zones apply.
    AzureDns {
        /// The VNet whose zone links apply.
        vnet: VnetId,
    },
    /// A resolver that sees only public DNS.
    Public,
    /// A DNS server with host records or conditional forwarders (`dns.servers`, or a
    /// `dns_server` workload with `records` / `forwarders`), at this address (A3).
    Server {
        /// Its address.
        ip: Ipv4Addr,
    },
}

impl Resolver {
    /// The VNet whose private zones this resolver sees for names it neither holds nor
    /// forwards (for a server, its fallback).
    pub fn azure_vnet(self, d: &Design) -> Option<VnetId> {
        match self {
            Resolver::AzureDns { vnet } => Some(vnet),
            Resolver::Public => None,
            Resolver::Server { ip } => match d.dns.server_at(ip).map(|s| s.fallback) {
                Some(Fallback::AzureDns(v)) => Some(v),
                _ => None,
            },
        }
    }
}

/// How many times a query may be forwarded before vnetlab calls it a loop.
const MAX_FORWARDS: u32 = 6;

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
    if let Some(r) = d.dns.inbound_at(ip) {
        return (
            Resolver::AzureDns { vnet: r.vnet },
            format!(
                "{who} uses the inbound endpoint {ip} of DNS private resolver {}, which answers with Azure DNS from VNet {}",
                r.name,
                d.vnets[r.vnet.ix()].name
            ),
        );
    }
    if let Some(s) = d.dns.server_at(ip) {
        return (
            Resolver::Server { ip },
            format!("{who} uses DNS server {} ({ip})", s.name),
        );
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

/// Whether `name` is the zone's apex or a name under it.
fn in_zone(name: &str, zone: &str) -> bool {
    name.strip_suffix(zone)
        .is_some_and(|head| head.is_empty() || head.ends_with('.'))
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
                if let Some(label) = catalog::match_filled(public, &s.name, &s.region, name) {
                    let private = catalog::fill(private, &s.name, &s.region);
                    let target = if label.is_empty() {
                        private
                    } else {
                        private.replacen('*', label, 1)
                    };
                    return Some((crate::model::ServiceId(i as u32), sub.group, target, false));
                }
                if catalog::match_filled(private, &s.name, &s.region, name).is_some() {
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
    resolve_in(d, name, resolver, 0)
}

/// Where a query goes next when the resolver forwards it (A3): a forwarding rule of a ruleset
/// linked to an Azure DNS resolver's VNet (before its private zones: a ruleset linked to the
/// VNet of the inbound endpoint it forwards to loops, as Microsoft warns), or a custom server's
/// host record, conditional forwarder or fallback.
enum Next {
    /// Forward to this DNS server, with the step that says why.
    Forward(Ipv4Addr, String),
    /// The server holds the name: an A record.
    Record(Ipv4Addr, String),
    /// Carry on with this resolver.
    Carry(Resolver),
}

fn next(d: &Design, cur: &str, resolver: Resolver) -> Next {
    match resolver {
        Resolver::AzureDns { vnet } => match d.dns.rule_for(vnet, cur) {
            Some((rs, rule)) if !rule.targets.is_empty() => Next::Forward(
                rule.targets[0],
                format!(
                    "{cur}: VNet {} is linked to forwarding ruleset {}, whose rule for `{}` forwards to {}",
                    d.vnets[vnet.ix()].name,
                    rs.name,
                    if rule.domain.is_empty() {
                        "."
                    } else {
                        &rule.domain
                    },
                    rule.targets[0]
                ),
            ),
            _ => Next::Carry(resolver),
        },
        Resolver::Server { ip } => {
            let Some(s) = d.dns.server_at(ip) else {
                return Next::Carry(Resolver::Public);
            };
            if let Some(a) = s.records.get(cur) {
                return Next::Record(
                    *a,
                    format!("{cur} → {a} (host record on DNS server {})", s.name),
                );
            }
            if let Some((dom, targets)) = s.forwarder_for(cur)
                && let Some(t) = targets.first()
            {
                return Next::Forward(
                    *t,
                    format!(
                        "{cur}: DNS server {} forwards `{}` to {t} (conditional forwarder)",
                        s.name,
                        if dom.is_empty() { "." } else { dom }
                    ),
                );
            }
            Next::Carry(match s.fallback {
                Fallback::AzureDns(v) => Resolver::AzureDns { vnet: v },
                Fallback::Public => Resolver::Public,
            })
        }
        Resolver::Public => Next::Carry(resolver),
    }
}

fn resolve_in(d: &Design, name: &str, resolver: Resolver, forwards: u32) -> DnsAnswer {
    let asked = normalise(name);
    let mut cur = asked.clone();
    let mut steps = Vec::new();
    let mut service = None;
    let mut decided_by = None;
    let asked_with = resolver;
    for _ in 0..8 {
        // Each name of the chain is asked of the same resolver: its forwarders and records
        // apply to the privatelink name a CNAME leads to as well.
        let resolver = match next(d, &cur, asked_with) {
            Next::Record(ip, step) => {
                steps.push(step);
                // The DNS server holding the host record decided, when it is a workload.
                let server = match asked_with {
                    Resolver::Server { ip: at } => d
                        .workloads
                        .iter()
                        .find(|w| w.ip == at)
                        .map(|w| ElementRef::Workload(w.name.clone())),
                    _ => None,
                };
                return DnsAnswer {
                    name: asked,
                    steps,
                    address: Ok(ip),
                    private: true,
                    service,
                    decided_by: server,
                };
            }
            Next::Forward(target, step) => {
                steps.push(step);
                if forwards >= MAX_FORWARDS {
                    steps.push(format!(
                        "forwarded {MAX_FORWARDS} times: a forwarding loop → SERVFAIL"
                    ));
                    return DnsAnswer {
                        name: asked,
                        steps,
                        address: Err(format!("forwarding loop for {cur}")),
                        private: false,
                        service,
                        decided_by: None,
                    };
                }
                let (r, why) = resolver_at(d, target, &format!("the query for {cur}"));
                steps.push(why);
                let mut a = resolve_in(d, &cur, r, forwards + 1);
                steps.append(&mut a.steps);
                return DnsAnswer {
                    name: asked,
                    steps,
                    address: a.address,
                    private: a.private,
                    service: service.or(a.service),
                    decided_by: a.decided_by,
                };
            }
            Next::Carry(r) => r,
        };
        // Private zones linked to the resolving VNet override everything under them (C3).
        if let Resolver::AzureDns { vnet } = resolver {
            let zone = d
                .zones
                .iter()
                .enumerate()
                .filter(|(_, z)| z.links.contains(&vnet) && in_zone(&cur, &z.name))
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
                if let Some(z) = d.zones.iter().find(|z| in_zone(&cur, &z.name))
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
