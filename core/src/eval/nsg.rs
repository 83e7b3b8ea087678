//! NSG evaluation (A1–A5): rules in priority order, first match decides, the six default
//! rules last. `VirtualNetwork` is read in the VNet where the NSG applies; ASGs stand for their
//! members' addresses.

use crate::format::{Access, Direction};
use crate::model::{AddrEntry, Design, NsgId, NsgRule, VnetId};
use crate::net::{Flow, Protocol};
use std::net::Ipv4Addr;

/// Where an NSG is associated: a subnet or a network interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The subnet's NSG.
    Subnet,
    /// The NIC's NSG.
    Nic,
}

/// Azure's order of the two NSGs a packet meets at a NIC (A4): inbound, the subnet's NSG and
/// then the NIC's; outbound, the NIC's and then the subnet's. Both must allow. The one place
/// this order is written: the tracer, the rule listing and the apps follow it.
pub fn order<T>(dir: Direction, subnet: T, nic: T) -> [(Level, T); 2] {
    match dir {
        Direction::Inbound => [(Level::Subnet, subnet), (Level::Nic, nic)],
        Direction::Outbound => [(Level::Nic, nic), (Level::Subnet, subnet)],
    }
}

/// The rule of an NSG that decided a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NsgDecision {
    /// The NSG.
    pub nsg: NsgId,
    /// Index into `Nsg::rules(direction)`.
    pub rule: usize,
    /// Allow or deny.
    pub access: Access,
}

/// Whether `ip` is in one address entry, in the context of VNet `vnet`.
pub fn entry_matches(d: &Design, e: &AddrEntry, vnet: VnetId, ip: Ipv4Addr) -> bool {
    match e {
        AddrEntry::Any => true,
        AddrEntry::Prefix(n) => n.contains(&ip),
        AddrEntry::Tag(t) => d.tags.get(t).is_some_and(|s| s.contains(ip)),
        AddrEntry::VirtualNetwork => d.derived.virtual_network[vnet.ix()].contains(ip),
        AddrEntry::Asg(a) => d.derived.asg(*a).contains(ip),
    }
}

/// Whether a rule matches a flow's protocol and ports (whatever its addresses).
pub fn rule_matches_ports(r: &NsgRule, flow: &Flow) -> bool {
    if r.protocol.is_some_and(|p| p != flow.protocol) {
        return false;
    }
    if flow.protocol.has_ports() {
        return r.source_ports.contains(flow.src_port)
            && r.destination_ports.contains(flow.dst_port);
    }
    // Rules with ports match only protocols that carry ports, unless the ports are `*`.
    r.destination_ports.is_any() && r.source_ports.is_any()
}

/// Whether a rule matches a flow.
pub fn rule_matches(d: &Design, r: &NsgRule, vnet: VnetId, flow: &Flow) -> bool {
    rule_matches_ports(r, flow)
        && r.source.iter().any(|e| entry_matches(d, e, vnet, flow.src))
        && r.destination
            .iter()
            .any(|e| entry_matches(d, e, vnet, flow.dst))
}

/// Whether a rule matches a flow's protocol and addresses, whatever its ports: only such rules
/// can decide the flow on some port.
pub fn rule_matches_addresses(d: &Design, r: &NsgRule, vnet: VnetId, flow: &Flow) -> bool {
    r.protocol.is_none_or(|p| p == flow.protocol)
        && r.source.iter().any(|e| entry_matches(d, e, vnet, flow.src))
        && r.destination
            .iter()
            .any(|e| entry_matches(d, e, vnet, flow.dst))
}

/// The first rule that matches a flow (A1), among `candidates`: indices into `rules` in
/// priority order, at least every rule matching the flow's protocol and addresses. `consult`
/// gets the destination ports of each rule matching the protocol and addresses, up to the
/// deciding one: the port boundaries that can change the decision.
pub fn first_match(
    d: &Design,
    rules: &[NsgRule],
    vnet: VnetId,
    flow: &Flow,
    candidates: impl IntoIterator<Item = usize>,
    mut consult: impl FnMut(&crate::net::PortSet),
) -> Option<usize> {
    candidates.into_iter().find(|&i| {
        let r = &rules[i];
        rule_matches_addresses(d, r, vnet, flow) && {
            consult(&r.destination_ports);
            rule_matches(d, r, vnet, flow)
        }
    })
}

/// Evaluates one NSG in one direction for a flow, applied in VNet `vnet`.
pub fn evaluate(d: &Design, nsg: NsgId, dir: Direction, vnet: VnetId, flow: &Flow) -> NsgDecision {
    let rules = d.nsgs[nsg.ix()].rules(dir);
    let rule = first_match(d, rules, vnet, flow, 0..rules.len(), |_| {})
        .expect("the Deny-all default rule matches every flow");
    NsgDecision {
        nsg,
        rule,
        access: rules[rule].access,
    }
}

/// A one-line description of a rule for explanations.
pub fn describe(d: &Design, r: &NsgRule) -> String {
    let proto = r.protocol.map(Protocol::as_str).unwrap_or("any");
    format!(
        "{} (priority {}, {} {} from {} to {} port {})",
        r.name,
        r.priority,
        r.access,
        proto,
        side(d, &r.source),
        side(d, &r.destination),
        r.destination_ports
    )
}

/// A rule side as text.
pub fn side(d: &Design, entries: &[AddrEntry]) -> String {
    entries
        .iter()
        .map(|e| match e {
            AddrEntry::Any => "*".to_string(),
            AddrEntry::Prefix(n) if n.prefix_len() == 32 => n.addr().to_string(),
            AddrEntry::Prefix(n) => n.to_string(),
            AddrEntry::Tag(t) => t.clone(),
            AddrEntry::VirtualNetwork => "VirtualNetwork".into(),
            AddrEntry::Asg(a) => format!("asg:{}", d.asgs[a.ix()].name),
        })
        .collect::<Vec<_>>()
        .join(",")
}
