//! Which packets can answer differently in two designs, found by comparing what the designs are
//! made of: when they differ only in NSG rules, a packet no changed rule matches meets the same
//! first match in every NSG on its way (the rules it matches are the same, in the same order),
//! so its verdict is the same. Only the protocol and port classes some changed rule matches,
//! with the sources and destinations it matches, can change; and an NSG sees only the packets
//! leaving (outbound) or entering (inbound) the subnets and NICs it is attached to, unless one
//! of them forwards packets for others.
//! When they differ only in how subnets are wired (NSG and route table attachments, routes,
//! peerings), only packets with an end in a subnet whose wiring changed can change, unless such
//! a subnet passes other hosts' packets on ([`super::wiring`]).
//! Anything else that differs (addresses, firewalls, services, workloads, tags, or rules and
//! wiring together) leaves the whole space to compare.

use crate::format::Direction;
use crate::model::{Design, Nsg, NsgId, NsgRule};
use crate::net::{AddrSet, PortSet, Protocol};
use crate::reach::live::{rule_sources, side_set};

/// The part of the packet space whose answers may differ.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Per protocol and port class (in the order given to [`Scope::of`]): whether some packet
    /// of it may be answered differently.
    pub classes: Vec<bool>,
    /// Source addresses whose packets may be answered differently (`None`: any).
    pub sources: Option<AddrSet>,
    /// Destination addresses whose packets may be answered differently (`None`: any).
    pub destinations: Option<AddrSet>,
    /// When set, only packets with their source or their destination in it may be answered
    /// differently (besides [`Scope::sources`] and [`Scope::destinations`]).
    pub ends: Option<AddrSet>,
}

impl Scope {
    /// Everything may differ.
    pub fn everything(classes: usize) -> Self {
        Self {
            classes: vec![true; classes],
            sources: None,
            destinations: None,
            ends: None,
        }
    }

    /// What may differ between `a` and `b`, over the given protocol and port classes (cut at
    /// every port boundary either design's rules use).
    pub fn of(a: &Design, b: &Design, classes: &[(Protocol, u16, u16)]) -> Self {
        if differ_only_in(a, b, Part::NsgRules) {
            rule_scope(a, b, classes)
        } else if differ_only_in(a, b, Part::Wiring)
            && let Some(ends) = super::wiring::changed_subnets(a, b)
        {
            Self {
                ends: Some(ends),
                ..Self::everything(classes.len())
            }
        } else {
            Self::everything(classes.len())
        }
    }

    /// Whether a pair of parties with these addresses may have a different answer, as far as
    /// [`Scope::ends`] says.
    pub fn ends_meet(&self, from: &AddrSet, to: &AddrSet) -> bool {
        self.ends
            .as_ref()
            .is_none_or(|e| e.intersects(from) || e.intersects(to))
    }

    /// Whether a party with these source addresses may have a different answer.
    pub fn source_meets(&self, addrs: &AddrSet) -> bool {
        self.sources.as_ref().is_none_or(|s| s.intersects(addrs))
    }

    /// Whether a party with these destination addresses may have a different answer.
    pub fn destination_meets(&self, addrs: &AddrSet) -> bool {
        self.destinations
            .as_ref()
            .is_none_or(|s| s.intersects(addrs))
    }
}

/// What two designs may differ in for a narrower scope.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The rules of NSGs (the same NSGs by name).
    NsgRules,
    /// Which NSG and route table each subnet has, the routes of route tables, peerings.
    Wiring,
}

/// Whether the designs' files are the same but for `part` (and their names, descriptions,
/// expectations and waivers, which decide no packet), with the same service tags and no
/// destination translation (DNAT moves a packet's destination and port before the NSGs
/// behind the firewall see it).
fn differ_only_in(a: &Design, b: &Design, part: Part) -> bool {
    if !a.tags.same_as(&b.tags) || has_dnat(a) || has_dnat(b) {
        return false;
    }
    // Every field named, so that a field added to the format is compared here too.
    let crate::format::TopologyFile {
        version,
        name: _,
        description: _,
        region,
        subscription,
        resource_group,
        vnets,
        peerings,
        nsgs,
        asgs,
        route_tables,
        gateways,
        firewalls,
        nat_gateways,
        ip_groups,
        service_endpoint_policies,
        workloads,
        front_doors,
        services,
        dns,
        clients,
        security_admin_configurations,
        expect: _,
        accept: _,
        pos: _,
    } = &a.file;
    let f = &b.file;
    let (rules, wiring) = (part == Part::NsgRules, part == Part::Wiring);
    *version == f.version
        && *region == f.region
        && *subscription == f.subscription
        && *resource_group == f.resource_group
        && (*vnets == f.vnets || (wiring && same_but_wiring(vnets, &f.vnets)))
        && (*peerings == f.peerings || wiring)
        && nsgs.keys().eq(f.nsgs.keys())
        && (*nsgs == f.nsgs || rules)
        && *asgs == f.asgs
        && (route_tables.keys().eq(f.route_tables.keys()))
        && (*route_tables == f.route_tables || wiring)
        && *gateways == f.gateways
        && *firewalls == f.firewalls
        && *nat_gateways == f.nat_gateways
        && *ip_groups == f.ip_groups
        && *service_endpoint_policies == f.service_endpoint_policies
        && *workloads == f.workloads
        && *front_doors == f.front_doors
        && *services == f.services
        && *dns == f.dns
        && *clients == f.clients
        && *security_admin_configurations == f.security_admin_configurations
}

/// Whether two designs' VNets are the same but for which NSG and route table subnets have.
fn same_but_wiring(
    a: &std::collections::BTreeMap<String, crate::format::VnetDef>,
    b: &std::collections::BTreeMap<String, crate::format::VnetDef>,
) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|((na, va), (nb, vb))| {
            let mut x = va.clone();
            for (sn, sx) in x.subnets.iter_mut() {
                if let Some(sy) = vb.subnets.get(sn) {
                    sx.nsg = sy.nsg.clone();
                    sx.route_table = sy.route_table.clone();
                }
            }
            na == nb && x == *vb
        })
}

fn has_dnat(d: &Design) -> bool {
    d.firewalls.iter().any(|f| {
        f.collections
            .iter()
            .flat_map(|c| &c.rules)
            .any(|r| r.translated.is_some() || r.translated_fqdn.is_some())
    })
}

/// The rules of `nsg` (custom ones, both directions) that `other` does not have as they are.
fn changed_rules<'a>(nsg: &'a Nsg, other: Option<&Nsg>) -> Vec<&'a NsgRule> {
    let mut out = Vec::new();
    for dir in [Direction::Inbound, Direction::Outbound] {
        let (mine, theirs) = (nsg.rules(dir), other.map(|o| o.rules(dir)).unwrap_or(&[]));
        // Mostly the rules are the same, in the same order.
        if mine.len() == theirs.len() && mine.iter().zip(theirs).all(|(x, y)| same_rule(x, y)) {
            continue;
        }
        out.extend(
            mine.iter()
                .filter(|r| !r.is_default && !theirs.iter().any(|x| same_rule(r, x))),
        );
    }
    out
}

/// The same rule: every field a decision reads.
fn same_rule(x: &NsgRule, y: &NsgRule) -> bool {
    x.name == y.name
        && x.priority == y.priority
        && x.direction == y.direction
        && x.access == y.access
        && x.protocol == y.protocol
        && x.source == y.source
        && x.source_ports == y.source_ports
        && x.destination == y.destination
        && x.destination_ports == y.destination_ports
        && x.is_default == y.is_default
}

/// The scope of the rules in the symmetric difference of the two designs' NSGs.
fn rule_scope(a: &Design, b: &Design, classes: &[(Protocol, u16, u16)]) -> Scope {
    let mut scope = Scope {
        classes: vec![false; classes.len()],
        sources: Some(AddrSet::empty()),
        destinations: Some(AddrSet::empty()),
        ends: None,
    };
    for (d, other) in [(a, b), (b, a)] {
        for (i, nsg) in d.nsgs.iter().enumerate() {
            let o = other.nsgs.iter().find(|n| n.name == nsg.name);
            for r in changed_rules(nsg, o) {
                add_rule(&mut scope, d, NsgId(i as u32), r, classes);
            }
        }
    }
    scope
}

fn add_rule(
    scope: &mut Scope,
    d: &Design,
    nsg: NsgId,
    r: &NsgRule,
    classes: &[(Protocol, u16, u16)],
) {
    for (k, &(p, lo, hi)) in classes.iter().enumerate() {
        if r.protocol.is_none_or(|rp| rp == p)
            && (!p.has_ports() || meets(&r.destination_ports, lo, hi))
        {
            scope.classes[k] = true;
        }
    }
    // An NSG sees the packets leaving (outbound) or entering (inbound) what it is attached to,
    // and any packet a forwarder behind it passes.
    let (attached, forwarder) = attached(d, nsg);
    let at = (!forwarder).then_some(attached);
    let (sources, destinations) = match r.direction {
        Direction::Outbound => (both(rule_sources(d, r), at), side_set(d, &r.destination)),
        Direction::Inbound => (rule_sources(d, r), both(side_set(d, &r.destination), at)),
    };
    scope.sources = either(scope.sources.take(), sources);
    scope.destinations = either(scope.destinations.take(), destinations);
}

/// The addresses in both (`None`: every address).
fn both(a: Option<AddrSet>, b: Option<AddrSet>) -> Option<AddrSet> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.intersect(&b)),
        (a, b) => a.or(b),
    }
}

/// The addresses in either (`None`: every address).
fn either(a: Option<AddrSet>, b: Option<AddrSet>) -> Option<AddrSet> {
    Some(a?.union(&b?))
}

/// Whether a port set holds a port of `lo..=hi`.
fn meets(ports: &PortSet, lo: u16, hi: u16) -> bool {
    ports.ranges().iter().any(|r| r.lo <= hi && lo <= r.hi)
}

/// The addresses of the subnets and network interfaces an NSG is attached to, and whether one
/// of them holds a forwarder (a firewall or NVA, an IP-forwarding NIC), which passes packets of
/// other sources and destinations.
fn attached(d: &Design, nsg: NsgId) -> (AddrSet, bool) {
    let mut set = AddrSet::empty();
    let mut forwarder = false;
    for (i, s) in d.subnets.iter().enumerate() {
        let nics: Vec<&crate::model::Workload> = d
            .workloads
            .iter()
            .filter(|w| w.subnet.ix() == i && w.nsg == Some(nsg))
            .collect();
        if s.nsg != Some(nsg) && nics.is_empty() {
            continue;
        }
        forwarder |= d.firewalls.iter().any(|f| f.subnet.ix() == i)
            || d.workloads
                .iter()
                .any(|w| w.subnet.ix() == i && w.ip_forwarding);
        set = set.union(&s.addrs());
    }
    (set, forwarder)
}
