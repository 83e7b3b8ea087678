//! The ends the exhaustive diff compares: every subnet (every address in it), workload,
//! `internet` (the hosts outside the design, P14), client, on-premises site prefix, service
//! subresource (reached by its name, so through DNS to its private endpoint or public
//! endpoint) and private endpoint (its address), each with the packets' ends it stands for and
//! the addresses NSGs see for it.

use crate::model::{Design, ServiceId, SubnetId, WorkloadId, catalog};
use crate::net::AddrSet;
use crate::query::{Endpoint, EndpointSet};
use serde::Serialize;

/// What kind of end a party is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A subnet (`VNET/SUBNET`), every address in it.
    Subnet,
    /// A workload (its NIC's address).
    Workload,
    /// The hosts outside the design (`internet`).
    Internet,
    /// A client (on premises or on the internet).
    Client,
    /// One prefix of an on-premises site (`GATEWAY/SITE PREFIX`), every address in it.
    Site,
    /// A service's subresource by name (`SERVICE:GROUP`): what DNS gives the source.
    Service,
    /// A private endpoint by address (`SERVICE/GROUP (IP)`).
    PrivateEndpoint,
}

/// One end of the flows compared.
#[derive(Clone, Debug)]
pub struct Party {
    /// The name changes are reported under.
    pub name: String,
    /// What it is.
    pub kind: PartyKind,
    /// The packets' ends it stands for.
    pub set: EndpointSet,
    /// Whether flows start there (services and private endpoints only receive).
    pub source: bool,
    /// Every address packets from or to it carry (private and public).
    pub addrs: AddrSet,
}

/// Every party of a design, subnets first (in the design's order), then the others.
pub fn parties(d: &Design) -> Vec<Party> {
    // Public IPs of workloads, by subnet: traffic to them ends in the subnet too.
    let mut public = vec![AddrSet::empty(); d.subnets.len()];
    for w in &d.workloads {
        if let Some((_, ip)) = w.public_ip {
            let p = &mut public[w.subnet.ix()];
            *p = p.union(&AddrSet::from_addr(ip));
        }
    }
    let mut out: Vec<Party> = d
        .subnets
        .iter()
        .zip(public)
        .enumerate()
        .map(|(i, (s, public))| Party {
            name: s.name.clone(),
            kind: PartyKind::Subnet,
            set: EndpointSet::Subnet(SubnetId(i as u32)),
            source: true,
            addrs: public.union(&s.addrs()),
        })
        .collect();
    for (i, w) in d.workloads.iter().enumerate() {
        out.push(Party {
            name: w.name.clone(),
            kind: PartyKind::Workload,
            set: EndpointSet::One(Endpoint::Workload(WorkloadId(i as u32))),
            source: true,
            addrs: w
                .public_ip
                .map(|(_, ip)| AddrSet::from_addr(ip))
                .unwrap_or_default()
                .union(&w.ips.union(&AddrSet::from_addr(w.ip))),
        });
    }
    out.push(Party {
        name: "internet".into(),
        kind: PartyKind::Internet,
        set: EndpointSet::Internet,
        source: true,
        addrs: d.outside_internet(),
    });
    for (i, c) in d.clients.iter().enumerate().skip(1) {
        out.push(Party {
            name: c.name.clone(),
            kind: PartyKind::Client,
            set: EndpointSet::One(Endpoint::Client(crate::model::ClientId(i as u32))),
            source: true,
            addrs: AddrSet::from_addr(c.ip),
        });
    }
    for s in &d.sites {
        for p in &s.prefixes {
            out.push(Party {
                name: format!("{} {p}", s.name),
                kind: PartyKind::Site,
                set: EndpointSet::Prefix(*p),
                source: true,
                addrs: AddrSet::from_net(*p),
            });
        }
    }
    for (i, s) in d.services.iter().enumerate() {
        let pes = AddrSet::from_ranges(
            s.private_endpoints
                .iter()
                .map(|p| {
                    let ip = u32::from(d.private_endpoints[p.ix()].ip);
                    (ip, ip)
                })
                .collect(),
        );
        for sub in catalog::subresources(s.kind) {
            out.push(Party {
                name: format!("{}:{}", s.name, sub.group),
                kind: PartyKind::Service,
                set: EndpointSet::One(Endpoint::Service(ServiceId(i as u32), sub.group)),
                source: false,
                addrs: pes.union(&AddrSet::from_addr(s.public_ip)),
            });
        }
    }
    for p in &d.private_endpoints {
        out.push(Party {
            name: format!("{} ({})", p.name, p.ip),
            kind: PartyKind::PrivateEndpoint,
            set: EndpointSet::One(Endpoint::Ip(p.ip)),
            source: false,
            addrs: AddrSet::from_addr(p.ip),
        });
    }
    out
}

/// An address standing for a set in a witness trace: a subnet's first usable address, a
/// prefix's first address.
pub(super) fn representative(d: &Design, set: &EndpointSet) -> Option<Endpoint> {
    Some(match set {
        EndpointSet::One(e) => e.clone(),
        EndpointSet::Subnet(s) => Endpoint::Subnet(*s),
        EndpointSet::Internet => Endpoint::Client(crate::model::ClientId(0)),
        EndpointSet::Prefix(p) => Endpoint::Ip(p.network()),
        EndpointSet::Vnet(v) => {
            let s = d.vnets[v.ix()].subnets.first()?;
            Endpoint::Ip(d.subnets[s.ix()].first_usable())
        }
    })
}
