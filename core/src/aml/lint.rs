//! The semantic rule lint (Batfish's filterLineReachability): a rule that no packet can reach,
//! because the rules before it together match every packet it matches, is unreachable —
//! redundant when each covering rule takes the same action, shadowed when one takes the
//! opposite. Computed on packet sets ([`PacketSet`]: protocol × addresses × ports), so a deny
//! of a /24 behind two allows of its /25s is found, with the covering rules named.
//!
//! NSGs are linted per direction in Azure's priority order (the default rules come last and are
//! not reported), in every VNet where the NSG applies (`VirtualNetwork` is read there); a rule
//! is reported only when it is unreachable in each. Azure Firewall rules are linted in
//! processing order among the rules that can see the same packets (DNAT rules among DNAT
//! rules; network rules among network rules; an application rule is unreachable when network
//! rules, processed first, match all its packets whatever their name); rules that match by name
//! (FQDNs) are never reported. FortiGate policies are linted in list order; an identity policy
//! lets the packets of non-members through, so it covers nothing, but may itself be covered.

use super::Severity;
use super::findings::{Finding, finding};
use crate::format::{CollectionKind, Direction, FirewallKind, FortiAction, FwAction};
use crate::model::{AddrEntry, Design, NsgId, NsgRule, VnetId};
use crate::net::{AddrSet, Hull, PacketBox, PacketSet, PortRange, PortSet, Protocol};

/// Which of the earlier rules match every packet of `target` together, if they do: their
/// indices, among `(index, packets, hull)` in processing order. An empty target is not covered
/// (it is not a rule anyone can reason about).
fn covering<'a>(
    earlier: impl IntoIterator<Item = (usize, &'a PacketSet, Hull)>,
    target: &PacketSet,
) -> Option<Vec<usize>> {
    let hull = target.hull()?;
    let candidates: Vec<(usize, &PacketSet)> = earlier
        .into_iter()
        .filter(|(_, r, h)| h.meets(&hull) && target.intersects(r))
        .map(|(i, r, _)| (i, r))
        .collect();
    let mut left = target.clone();
    let mut used = Vec::new();
    for (i, r) in candidates {
        if left.intersects(r) {
            used.push(i);
            left = left.subtract(r);
            if left.is_empty() {
                return Some(used);
            }
        }
    }
    left.is_empty().then_some(used)
}

/// The packets of one protocol choice with the given ports: protocols with ports take them,
/// protocols without ports match only when `ports_any` (NSG and FortiGate semantics differ on
/// that, so the caller says).
fn boxes(
    protos: &[Protocol],
    src: &AddrSet,
    dst: &AddrSet,
    src_ports: &PortSet,
    dst_ports: &PortSet,
    portless_match: bool,
) -> Vec<PacketBox> {
    let (with, without): (Vec<Protocol>, Vec<Protocol>) =
        protos.iter().partition(|p| p.has_ports());
    let mut v = vec![PacketBox::new(
        &with,
        src.clone(),
        dst.clone(),
        src_ports,
        dst_ports,
    )];
    if portless_match {
        v.push(PacketBox::new(
            &without,
            src.clone(),
            dst.clone(),
            &PortSet::any(),
            &PortSet::any(),
        ));
    }
    v
}

fn side(d: &Design, entries: &[AddrEntry], vnet: VnetId) -> AddrSet {
    entries.iter().fold(AddrSet::empty(), |acc, e| {
        let s = match e {
            AddrEntry::Any => AddrSet::all(),
            AddrEntry::Prefix(n) => AddrSet::from_net(*n),
            AddrEntry::Tag(t) => d.tags.get(t).cloned().unwrap_or_default(),
            AddrEntry::VirtualNetwork => d.derived.virtual_network[vnet.ix()].clone(),
            AddrEntry::Asg(a) => d.derived.asg(*a).clone(),
        };
        acc.union(&s)
    })
}

/// The packets an NSG rule matches when the NSG applies in `vnet` (as `eval::nsg` matches).
fn nsg_packets(d: &Design, r: &NsgRule, vnet: VnetId) -> PacketSet {
    let protos: Vec<Protocol> = match r.protocol {
        Some(p) => vec![p],
        None => Protocol::ALL.to_vec(),
    };
    PacketSet::from_boxes(boxes(
        &protos,
        &side(d, &r.source, vnet),
        &side(d, &r.destination, vnet),
        &r.source_ports,
        &r.destination_ports,
        r.source_ports.is_any() && r.destination_ports.is_any(),
    ))
}

/// The VNets where an NSG applies (on subnets or NICs); every VNet when it applies nowhere.
fn contexts(d: &Design, nsg: NsgId) -> Vec<VnetId> {
    let mut v: Vec<VnetId> = d
        .subnets
        .iter()
        .filter(|s| s.nsg == Some(nsg))
        .map(|s| s.vnet)
        .chain(
            d.workloads
                .iter()
                .filter(|w| w.nsg == Some(nsg))
                .map(|w| d.subnets[w.subnet.ix()].vnet),
        )
        .collect();
    v.sort_unstable_by_key(|x| x.ix());
    v.dedup();
    if v.is_empty() {
        v = (0..d.vnets.len()).map(|i| VnetId(i as u32)).collect();
    }
    v
}

/// AML-RULE-SHADOWED, AML-RULE-REDUNDANT for one NSG.
pub(super) fn nsg_rules(d: &Design, nsg: NsgId) -> Vec<Finding> {
    let n = &d.nsgs[nsg.ix()];
    let vnets = contexts(d, nsg);
    let mut v = Vec::new();
    for dir in [Direction::Inbound, Direction::Outbound] {
        let rules = n.rules(dir);
        // Per VNet: each rule's packets and their hull (none for a rule matching nothing).
        let sets: Vec<Vec<(PacketSet, Option<Hull>)>> = vnets
            .iter()
            .map(|&vnet| {
                rules
                    .iter()
                    .map(|r| {
                        let p = nsg_packets(d, r, vnet);
                        let h = p.hull();
                        (p, h)
                    })
                    .collect()
            })
            .collect();
        for (j, r) in rules.iter().enumerate().filter(|(_, r)| !r.is_default) {
            let mut all: Vec<usize> = Vec::new();
            let covered = sets.iter().all(|s| {
                let earlier = s[..j]
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (p, h))| h.map(|h| (i, p, h)));
                covering(earlier, &s[j].0).is_some_and(|c| {
                    all.extend(c);
                    true
                })
            });
            if !covered {
                continue;
            }
            all.sort_unstable();
            all.dedup();
            let by: Vec<&NsgRule> = all.iter().map(|&i| &rules[i]).collect();
            let opposite = by.iter().filter(|e| e.access != r.access).count();
            let names = by
                .iter()
                .map(|e| format!("{} priority {}", e.name, e.priority))
                .collect::<Vec<_>>()
                .join(", ");
            let what = match (opposite, by.len()) {
                (0, 1) => "is redundant: the earlier rule already decides the same",
                (0, _) => "is redundant: the earlier rules together already decide the same",
                (_, 1) => "never matches: the earlier rule decides the opposite first",
                _ => "never matches: the earlier rules together decide first, not all the same",
            };
            let (id, sev) = if opposite == 0 {
                ("AML-RULE-REDUNDANT", Severity::Low)
            } else {
                ("AML-RULE-SHADOWED", Severity::Medium)
            };
            let mut resources = vec![format!("{}/{}", n.name, r.name)];
            resources.extend(by.iter().map(|e| format!("{}/{}", n.name, e.name)));
            v.push(finding(
                id,
                sev,
                format!(
                    "NSG {} {dir} rule {} (priority {}) {what} ({names})",
                    n.name, r.name, r.priority
                ),
                resources,
                "delete the later rule, or reorder priorities so each rule can match",
            ));
        }
    }
    v
}

/// What one firewall rule or policy is to the lint.
struct Entry {
    name: String,
    /// The action, as "allow" or "deny".
    allows: bool,
    /// The packets it matches by address and their hull (none for one that covers nothing).
    cover: Option<(PacketSet, Hull)>,
    /// The packets it can match at most, when it can be reported (not for name-based rules).
    target: Option<PacketSet>,
    /// Which class of packets it sees (rules of different classes never meet).
    class: u8,
    /// It can be covered only by rules of this class (application rules: network rules).
    covered_by: u8,
}

fn fw_packets(
    protocol: Option<Protocol>,
    src: &AddrSet,
    dst: &AddrSet,
    ports: &PortSet,
) -> PacketSet {
    // F1: "Any" with explicit destination ports is TCP and UDP; protocols without ports ignore
    // the ports.
    let protos: Vec<Protocol> = match protocol {
        Some(p) => vec![p],
        None if ports.is_any() => Protocol::ALL.to_vec(),
        None => Protocol::ALL
            .iter()
            .copied()
            .filter(|p| p.has_ports())
            .collect(),
    };
    PacketSet::from_boxes(boxes(&protos, src, dst, &PortSet::any(), ports, true))
}

fn azure_firewall_entries(fw: &crate::model::Firewall) -> Vec<Entry> {
    let mut v = Vec::new();
    for c in &fw.collections {
        for r in &c.rules {
            let name = format!("{}/{}", c.name, r.name);
            let allows = c.action == FwAction::Allow;
            let by_name = !r.fqdns.is_empty() || !r.destination_fqdns.is_empty();
            match c.kind {
                CollectionKind::Dnat | CollectionKind::Network => {
                    let p = fw_packets(r.protocol, &r.source, &r.destination, &r.destination_ports);
                    let class = u8::from(c.kind == CollectionKind::Network);
                    v.push(Entry {
                        name,
                        allows: allows || c.kind == CollectionKind::Dnat,
                        cover: p.hull().map(|h| (p.clone(), h)),
                        target: (!by_name).then_some(p),
                        class,
                        covered_by: class,
                    });
                }
                CollectionKind::Application => {
                    // Whatever the name, an application rule sees TCP from its sources to its
                    // protocols' ports; it covers nothing by address.
                    let ports = PortSet::from_ranges(
                        r.app_protocols
                            .iter()
                            .map(|(_, p)| PortRange::single(*p))
                            .collect(),
                    );
                    let p = fw_packets(Some(Protocol::Tcp), &r.source, &AddrSet::all(), &ports);
                    v.push(Entry {
                        name,
                        allows,
                        target: Some(p),
                        cover: None,
                        class: 2,
                        covered_by: 1,
                    });
                }
            }
        }
    }
    v
}

fn fortigate_entries(fw: &crate::model::Firewall) -> Vec<Entry> {
    fw.policies
        .iter()
        .map(|p| {
            let set = PacketSet::from_boxes(p.services.iter().flat_map(|(proto, ports)| {
                let protos: Vec<Protocol> = match proto {
                    Some(x) => vec![*x],
                    None => Protocol::ALL.to_vec(),
                };
                boxes(
                    &protos,
                    &p.source,
                    &p.destination,
                    &PortSet::any(),
                    ports,
                    true,
                )
            }));
            Entry {
                name: p.name.clone(),
                allows: p.action == FortiAction::Accept,
                cover: set
                    .hull()
                    .filter(|_| p.groups.is_empty())
                    .map(|h| (set.clone(), h)),
                target: Some(set),
                class: 0,
                covered_by: 0,
            }
        })
        .collect()
}

/// AML-RULE-SHADOWED, AML-RULE-REDUNDANT for Azure Firewall rules and FortiGate policies.
pub(super) fn firewall_rules(d: &Design, v: &mut Vec<Finding>) {
    for fw in &d.firewalls {
        let (entries, noun) = match fw.kind {
            FirewallKind::AzureFirewall => (azure_firewall_entries(fw), "rule"),
            FirewallKind::Fortigate => (fortigate_entries(fw), "policy"),
            FirewallKind::Nva => continue,
        };
        for (j, e) in entries.iter().enumerate() {
            let Some(target) = &e.target else { continue };
            if target.is_empty() {
                continue;
            }
            let earlier = entries[..j]
                .iter()
                .enumerate()
                .filter(|(_, x)| x.class == e.covered_by)
                .filter_map(|(i, x)| x.cover.as_ref().map(|(c, h)| (i, c, *h)));
            let Some(by) = covering(earlier, target) else {
                continue;
            };
            let same = by.iter().all(|&i| entries[i].allows == e.allows);
            let (id, sev) = if same {
                ("AML-RULE-REDUNDANT", Severity::Low)
            } else {
                ("AML-RULE-SHADOWED", Severity::Medium)
            };
            let names: Vec<&str> = by.iter().map(|&i| entries[i].name.as_str()).collect();
            v.push(finding(
                id,
                sev,
                format!(
                    "firewall {} {noun} {} is covered by {}",
                    fw.name,
                    e.name,
                    names.join(", ")
                ),
                vec![fw.name.clone()],
                "delete the covered rule or move it above the broader one",
            ));
        }
    }
}
