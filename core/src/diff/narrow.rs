//! Which destination-port classes one pair of ends can be delivered on at all, from the two
//! NSGs every such packet meets with its own addresses: the source subnet's NSG as the packet
//! leaves its NIC (A4, after the security admin rules) and the destination subnet's NSG as it
//! arrives. A class either NSG denies for every packet of the pair is delivered on no packet, so
//! its answer is `none` without tracing it; the exhaustive diff traces, per pair, only the
//! classes one of the two designs may deliver (`exhaustive.rs`).
//!
//! Both sides are over-approximations that hold for every packet the tracer sends: the source
//! side only for subnets and workloads whose every address starts at a NIC of that subnet, the
//! destination side only for private subnets and workloads whose every address is delivered to
//! a NIC or host of that subnet (no private endpoint, firewall or public IP in it), with every
//! source address the packet may carry on arrival (its own, or a translating device's). A
//! service reached by name is asked at the address its source's resolver answers (one trace
//! per VNet and service); nothing is narrowed in a design with destination translation.

use super::parties::{Party, PartyKind};
use crate::format::{Access, CollectionKind, Direction, FirewallKind};
use crate::model::{AddrEntry, Design, NsgId, SubnetId, VnetId};
use crate::net::{AddrSet, Protocol};
use std::cell::RefCell;
use std::collections::HashMap;
use std::net::Ipv4Addr;

/// Destination ports as integer ranges (0–65535), with the set operations of [`AddrSet`].
type Ports = AddrSet;

/// One NSG rule with its sides as address sets (`None`: any address).
struct Rule {
    protocol: Option<Protocol>,
    source: Option<AddrSet>,
    destination: Option<AddrSet>,
    /// Destination ports (`None`: any port).
    ports: Option<Ports>,
    /// Whether the rule matches every source port.
    any_source_port: bool,
    allow: bool,
}

/// The NSG a party's packets meet on one side, as it applies there.
#[derive(Clone, Copy)]
struct Side {
    nsg: NsgId,
    vnet: VnetId,
}

/// Per design: which NSG each party's packets meet on leaving and on arriving, and the rules of
/// those NSGs as address sets.
pub(super) struct Gates {
    out: Vec<Option<Side>>,
    into: Vec<Option<Side>>,
    rules: HashMap<(NsgId, VnetId, bool), Vec<Rule>>,
    /// Per party with an arriving side: the source addresses a packet may carry on arrival
    /// besides its own ([`translated`]).
    translated: Vec<Option<AddrSet>>,
    /// Whether nothing can be narrowed (destination translation moves a packet's destination
    /// before the NSGs behind the firewall see it).
    off: bool,
    /// The address a service's name resolves to from a VNet (per service party), as asked.
    names: RefCell<HashMap<(VnetId, usize), Option<Ipv4Addr>>>,
}

impl Gates {
    /// The gates of every party of `d` (`parties` in [`super::parties::parties`]' order).
    pub(super) fn of(d: &Design, parties: &[Party]) -> Self {
        let off = d.firewalls.iter().any(|f| {
            f.collections
                .iter()
                .flat_map(|c| &c.rules)
                .any(|r| r.translated.is_some() || r.translated_fqdn.is_some())
        });
        let into: Vec<Option<Side>> = parties.iter().map(|p| destination_side(d, p)).collect();
        let mut g = Self {
            out: parties.iter().map(|p| source_side(d, p)).collect(),
            translated: parties
                .iter()
                .zip(&into)
                .map(|(p, side)| side.map(|_| translated(d, &p.addrs)))
                .collect(),
            into,
            rules: HashMap::new(),
            off,
            names: RefCell::new(HashMap::new()),
        };
        let sides: Vec<(Side, bool)> = g
            .out
            .iter()
            .flatten()
            .map(|s| (*s, false))
            .chain(g.into.iter().flatten().map(|s| (*s, true)))
            .collect();
        for (s, inbound) in sides {
            g.rules
                .entry((s.nsg, s.vnet, inbound))
                .or_insert_with(|| rules(d, s, inbound));
        }
        g
    }

    /// The positions in `classes` (sorted by protocol, then port) on which party `src` may
    /// deliver something to party `dst`, ascending; `None` when every class may.
    pub(super) fn classes(
        &self,
        d: &Design,
        parties: &[Party],
        src: usize,
        dst: usize,
        classes: &[(Protocol, u16, u16)],
    ) -> Option<Vec<usize>> {
        if self.off {
            return None;
        }
        let (from, to) = (&parties[src], &parties[dst]);
        let mut allowed: Option<Vec<(Protocol, Ports)>> = None;
        if let Some(s) = self.out[src] {
            // A service is reached by its name: the address its source's resolver answers
            // (none: nothing is delivered).
            let resolved;
            let to_addrs = match &to.set {
                crate::query::EndpointSet::One(e @ crate::query::Endpoint::Service(..)) => {
                    match self.resolve(d, from, s.vnet, e, dst) {
                        Some(ip) => {
                            resolved = AddrSet::from_addr(ip);
                            &resolved
                        }
                        None => return Some(Vec::new()),
                    }
                }
                _ => &to.addrs,
            };
            let rules = &self.rules[&(s.nsg, s.vnet, false)];
            allowed = Some(let_through(rules, &from.addrs, to_addrs, classes));
        }
        if let Some(s) = self.into[dst] {
            let rules = &self.rules[&(s.nsg, s.vnet, true)];
            let seen = match &self.translated[dst] {
                Some(t) => from.addrs.union(t),
                None => from.addrs.clone(),
            };
            let inbound = let_through(rules, &seen, &to.addrs, classes);
            allowed = Some(match allowed {
                None => inbound,
                Some(out) => out
                    .into_iter()
                    .zip(inbound)
                    .map(|((p, a), (_, b))| (p, a.intersect(&b)))
                    .collect(),
            });
        }
        let allowed = allowed?;
        let mut out = Vec::new();
        let mut at = 0;
        for (p, ports) in allowed {
            // The classes of one protocol are consecutive, in the order of `allowed`.
            let start = at;
            let end = start + classes[start..].partition_point(|c| c.0 == p);
            at = end;
            let block = &classes[start..end];
            for &(lo, hi) in ports.ranges() {
                let a = block.partition_point(|c| u32::from(c.2) < lo);
                let z = block.partition_point(|c| u32::from(c.1) <= hi);
                let from = out.last().map_or(0, |&l| l + 1).max(start + a);
                out.extend(from..start + z);
            }
        }
        Some(out)
    }
}

impl Gates {
    /// The address service endpoint `e` (party `party`) resolves to from party `from` (a NIC in
    /// `vnet`), as a trace from there resolves it (a NIC's resolver depends on its VNet only);
    /// `None` when it does not resolve.
    fn resolve(
        &self,
        d: &Design,
        from: &Party,
        vnet: VnetId,
        e: &crate::query::Endpoint,
        party: usize,
    ) -> Option<Ipv4Addr> {
        *self
            .names
            .borrow_mut()
            .entry((vnet, party))
            .or_insert_with(|| {
                let origin = match &from.set {
                    crate::query::EndpointSet::One(w) => crate::trace::origin_of(d, w).ok()?,
                    crate::query::EndpointSet::Subnet(s) => {
                        crate::trace::origin_at_ip(d, d.subnets[s.ix()].first_usable())?
                    }
                    _ => return None,
                };
                let opts = crate::trace::TraceOptions {
                    quiet: true,
                    ..crate::trace::TraceOptions::default()
                };
                let t = crate::trace::trace_from(d, origin, e, Protocol::Tcp, 443, "", "", opts);
                (!matches!(t.verdict, crate::trace::Verdict::Unresolved { .. }))
                    .then_some(t.flow.dst)
            })
    }
}

/// The NSG every packet from party `p` meets on leaving its NIC, when there is one: a subnet or
/// workload whose addresses all start at NICs of one subnet with an NSG and no security admin
/// rules before it.
fn source_side(d: &Design, p: &Party) -> Option<Side> {
    let subnet = match (&p.kind, &p.set) {
        (PartyKind::Subnet, crate::query::EndpointSet::Subnet(s)) => {
            only_here(d, *s).then_some(*s)?
        }
        (
            PartyKind::Workload,
            crate::query::EndpointSet::One(crate::query::Endpoint::Workload(w)),
        ) => d.workloads[w.ix()].subnet,
        _ => return None,
    };
    gate(d, subnet, Direction::Outbound)
}

/// The NSG every packet to party `p` meets on arriving, when there is one: a subnet or workload
/// with private addresses only, each delivered to a NIC or host of one subnet with an NSG (no
/// private endpoint, firewall or Azure host address there) and no security admin rules before
/// it.
fn destination_side(d: &Design, p: &Party) -> Option<Side> {
    let subnet = match (&p.kind, &p.set) {
        (PartyKind::Subnet, crate::query::EndpointSet::Subnet(s)) => {
            only_here(d, *s).then_some(*s)?
        }
        (
            PartyKind::Workload,
            crate::query::EndpointSet::One(crate::query::Endpoint::Workload(w)),
        ) => {
            let s = d.workloads[w.ix()].subnet;
            only_here(d, s).then_some(s)?
        }
        _ => return None,
    };
    let plain = crate::tags::non_public().contains_set(&p.addrs)
        && !p.addrs.contains(crate::tags::AZURE_HOST_IP)
        && !d.private_endpoints.iter().any(|e| p.addrs.contains(e.ip))
        && !d.firewalls.iter().any(|f| p.addrs.contains(f.ip));
    if !plain {
        return None;
    }
    gate(d, subnet, Direction::Inbound)
}

/// Subnet `s`'s NSG in direction `dir`, when no security admin rule comes before it.
fn gate(d: &Design, s: SubnetId, dir: Direction) -> Option<Side> {
    if !crate::eval::admin::rules(d, s, dir).is_empty() {
        return None;
    }
    let sub = &d.subnets[s.ix()];
    sub.nsg.map(|nsg| Side {
        nsg,
        vnet: sub.vnet,
    })
}

/// Whether every address of subnet `s` is placed in `s`: no other subnet overlaps it, and no
/// workload or firewall of another subnet holds one of its addresses.
fn only_here(d: &Design, s: SubnetId) -> bool {
    let addrs = d.subnets[s.ix()].addrs();
    d.subnets
        .iter()
        .enumerate()
        .all(|(i, o)| i == s.ix() || !o.addrs().intersects(&addrs))
        && d.workloads
            .iter()
            .all(|w| w.subnet == s || !w.ips.intersects(&addrs))
        && d.firewalls
            .iter()
            .all(|f| f.subnet == s || !addrs.contains(f.ip))
}

/// Addresses a packet's source may be translated to before it arrives at an address of `to`
/// (private addresses): firewalls that may SNAT it (F3, P17), application gateways' second
/// legs (I2), the NAT addresses of Azure ML computes' and Front Door origins' private link
/// services (E7, I9).
fn translated(d: &Design, to: &AddrSet) -> AddrSet {
    let mut set = AddrSet::empty();
    let mut add = |ip: std::net::Ipv4Addr| set = set.union(&AddrSet::from_addr(ip));
    for f in &d.firewalls {
        let snats = match f.kind {
            FirewallKind::AzureFirewall => {
                f.collections
                    .iter()
                    .any(|c| c.kind == CollectionKind::Application)
                    || !f.snat_private.contains_set(to)
            }
            FirewallKind::Nva => f.snat,
            FirewallKind::Fortigate => true,
        };
        if snats {
            add(f.ip);
        }
    }
    for w in &d.workloads {
        if w.is_gateway() {
            add(w.ip);
        }
        if crate::trace::is_aml_compute(w.kind) {
            add(d.subnets[w.subnet.ix()].last_usable());
        }
    }
    for fd in &d.front_doors {
        for o in fd.origins.iter().filter(|o| o.private_link) {
            if let crate::model::FrontDoorHost::Workload(w) = o.host {
                add(d.subnets[d.workloads[w.ix()].subnet.ix()].last_usable());
            }
        }
    }
    set
}

/// The rules of one NSG in one direction, in priority order, as address sets in `s.vnet`.
fn rules(d: &Design, s: Side, inbound: bool) -> Vec<Rule> {
    let dir = if inbound {
        Direction::Inbound
    } else {
        Direction::Outbound
    };
    d.nsgs[s.nsg.ix()]
        .rules(dir)
        .iter()
        .map(|r| Rule {
            protocol: r.protocol,
            source: side(d, &r.source, s.vnet),
            destination: side(d, &r.destination, s.vnet),
            ports: (!r.destination_ports.is_any()).then(|| {
                AddrSet::from_ranges(
                    r.destination_ports
                        .ranges()
                        .iter()
                        .map(|p| (u32::from(p.lo), u32::from(p.hi)))
                        .collect(),
                )
            }),
            any_source_port: r.source_ports.is_any(),
            allow: r.access == Access::Allow,
        })
        .collect()
}

/// The addresses one side of a rule matches in VNet `vnet` (`None`: every address), as
/// [`crate::eval::nsg::entry_matches`] matches them.
fn side(d: &Design, entries: &[AddrEntry], vnet: VnetId) -> Option<AddrSet> {
    let mut out = AddrSet::empty();
    for e in entries {
        let set = match e {
            AddrEntry::Any => return None,
            AddrEntry::Prefix(n) => AddrSet::from_net(*n),
            AddrEntry::Tag(t) => d.tags.get(t).cloned().unwrap_or_default(),
            AddrEntry::VirtualNetwork => d.derived.virtual_network[vnet.ix()].clone(),
            AddrEntry::Asg(a) => d.derived.asg(*a).clone(),
        };
        out = out.union(&set);
    }
    Some(out)
}

/// Per protocol of `classes` (in their order): the destination ports on which some packet from
/// an address of `from` to one of `to` may be allowed by the first matching rule. A rule that
/// matches only some of those packets decides nothing for the others; one that matches them
/// all (every source and destination address, every source port) decides its ports.
fn let_through(
    rules: &[Rule],
    from: &AddrSet,
    to: &AddrSet,
    classes: &[(Protocol, u16, u16)],
) -> Vec<(Protocol, Ports)> {
    let mut protocols: Vec<Protocol> = classes.iter().map(|c| c.0).collect();
    protocols.dedup();
    let every = AddrSet::from_ranges(vec![(0, u32::from(u16::MAX))]);
    let meets =
        |side: &Option<AddrSet>, set: &AddrSet| side.as_ref().is_none_or(|s| s.intersects(set));
    let covers =
        |side: &Option<AddrSet>, set: &AddrSet| side.as_ref().is_none_or(|s| s.contains_set(set));
    let hits: Vec<(&Rule, bool)> = rules
        .iter()
        .filter(|r| meets(&r.source, from) && meets(&r.destination, to))
        .map(|r| {
            let all = r.any_source_port && covers(&r.source, from) && covers(&r.destination, to);
            (r, all)
        })
        .collect();
    protocols
        .into_iter()
        .map(|p| {
            let (mut open, mut allowed) = (every.clone(), AddrSet::empty());
            for &(r, all) in &hits {
                if r.protocol.is_some_and(|q| q != p) {
                    continue;
                }
                // Rules with ports match only protocols that carry ports, unless the ports are
                // `*` (both sides).
                let ports = match (&r.ports, p.has_ports()) {
                    (None, true) => &every,
                    (Some(ports), true) => ports,
                    (None, false) if r.any_source_port => &every,
                    _ => continue,
                };
                if r.allow {
                    allowed = allowed.union(&open.intersect(ports));
                }
                if all {
                    open = open.difference(ports);
                    if open.is_empty() {
                        break;
                    }
                }
            }
            (p, allowed.union(&open))
        })
        .collect()
}
