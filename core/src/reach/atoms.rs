//! Packet equivalence classes ("atoms"): every address or port boundary any decision in the
//! design uses. Two packets whose addresses and ports fall in the same atoms get the same
//! verdict, so tracing one representative per atom proves a property for every packet.

use crate::model::{AddrEntry, Design, usable_range};
use crate::net::{AddrSet, PortSet};

/// Cut points of the address space: each is the first address of a new atom.
#[derive(Clone, Debug)]
pub struct AddrAtoms {
    cuts: Vec<u32>,
}

/// Cut points of the port space.
#[derive(Clone, Debug)]
pub struct PortAtoms {
    cuts: Vec<u32>,
}

fn add_set(cuts: &mut Vec<u32>, s: &AddrSet) {
    for &(lo, hi) in s.ranges() {
        cuts.push(lo);
        if hi < u32::MAX {
            cuts.push(hi + 1);
        }
    }
}

fn add_net(cuts: &mut Vec<u32>, n: &ipnet::Ipv4Net) {
    cuts.push(u32::from(n.network()));
    if let Some(next) = u32::from(n.broadcast()).checked_add(1) {
        cuts.push(next);
    }
}

/// Sorted, without repeats.
fn sorted(mut c: Vec<u32>) -> Vec<u32> {
    c.sort_unstable();
    c.dedup();
    c
}

fn add_ports(cuts: &mut Vec<u32>, p: &PortSet) {
    for r in p.ranges() {
        cuts.push(u32::from(r.lo));
        cuts.push(u32::from(r.hi) + 1);
    }
}

impl AddrAtoms {
    /// Every address boundary of the design.
    pub fn of(d: &Design) -> Self {
        let mut c: Vec<u32> = Vec::new();
        c.push(0);
        for v in &d.vnets {
            for n in &v.address_space {
                add_net(&mut c, n);
            }
        }
        for s in &d.subnets {
            for p in &s.prefixes {
                add_net(&mut c, p);
                let (lo, hi) = usable_range(*p);
                c.push(lo);
                c.push(hi.saturating_add(1));
            }
        }
        for view in &d.derived.routes {
            for r in &view.routes {
                add_net(&mut c, &r.prefix);
            }
        }
        for s in d.derived.virtual_network.iter().chain(&d.derived.asg_addrs) {
            add_set(&mut c, s);
        }
        // Every NSG rule, and every security admin rule (which applies with or without NSGs).
        let rules = d
            .nsgs
            .iter()
            .flat_map(|n| n.inbound.iter().chain(&n.outbound))
            .chain(d.admin_rules());
        {
            for r in rules {
                for e in r.source.iter().chain(&r.destination) {
                    match e {
                        AddrEntry::Prefix(p) => add_net(&mut c, p),
                        AddrEntry::Tag(t) => {
                            if let Some(s) = d.tags.get(t) {
                                add_set(&mut c, s);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        for f in &d.firewalls {
            add_set(&mut c, &AddrSet::from_addr(f.ip));
            add_set(&mut c, &f.snat_private);
            if let Some(p) = f.public_ip {
                add_set(&mut c, &AddrSet::from_addr(p));
            }
            for col in &f.collections {
                for r in &col.rules {
                    add_set(&mut c, &r.source);
                    add_set(&mut c, &r.destination);
                    if let Some(Ok(a)) = crate::eval::firewall::dnat_target(d, f, r) {
                        add_set(&mut c, &AddrSet::from_addr(a));
                    }
                }
            }
            for p in &f.policies {
                add_set(&mut c, &p.source);
                add_set(&mut c, &p.destination);
            }
        }
        for w in &d.workloads {
            add_set(&mut c, &w.ips);
            if let Some((_, p)) = w.public_ip {
                add_set(&mut c, &AddrSet::from_addr(p));
            }
        }
        for p in &d.private_endpoints {
            add_set(&mut c, &AddrSet::from_addr(p.ip));
        }
        for n in &d.nat_gateways {
            for ip in &n.public_ips {
                add_set(&mut c, &AddrSet::from_addr(*ip));
            }
        }
        for s in &d.services {
            add_set(&mut c, &AddrSet::from_addr(s.public_ip));
            add_set(&mut c, &s.ip_rules);
        }
        for s in &d.sites {
            for p in &s.prefixes {
                add_net(&mut c, p);
            }
        }
        for cl in &d.clients {
            add_set(&mut c, &AddrSet::from_addr(cl.ip));
        }
        for g in &d.gateways {
            add_set(&mut c, &AddrSet::from_addr(g.ip));
        }
        for t in [
            "Internet",
            "AzureMachineLearning",
            "BatchNodeManagement",
            "AzureLoadBalancer",
        ] {
            if let Some(s) = d.tags.get(t) {
                add_set(&mut c, s);
            }
        }
        add_set(&mut c, &AddrSet::from_addr(crate::tags::AZURE_HOST_IP));
        Self { cuts: sorted(c) }
    }

    /// The representatives (first addresses) of the atoms inside `set`, with each atom's range.
    pub fn split(&self, set: &AddrSet) -> Vec<(u32, u32)> {
        split_at(&self.cuts, set.ranges().iter().copied())
    }
}

impl PortAtoms {
    /// Every port boundary of the design.
    pub fn of(d: &Design) -> Self {
        let mut c: Vec<u32> = Vec::new();
        c.push(0);
        for n in &d.nsgs {
            for r in n.inbound.iter().chain(&n.outbound) {
                add_ports(&mut c, &r.destination_ports);
                add_ports(&mut c, &r.source_ports);
            }
        }
        for r in d.admin_rules() {
            add_ports(&mut c, &r.destination_ports);
            add_ports(&mut c, &r.source_ports);
        }
        for f in &d.firewalls {
            for col in &f.collections {
                for r in &col.rules {
                    add_ports(&mut c, &r.destination_ports);
                    for (_, p) in &r.app_protocols {
                        c.push(u32::from(*p));
                        c.push(u32::from(*p) + 1);
                    }
                }
            }
            for p in &f.policies {
                for (_, ports) in &p.services {
                    add_ports(&mut c, ports);
                }
            }
        }
        for w in &d.workloads {
            for l in &w.listeners {
                c.push(u32::from(l.port));
                c.push(u32::from(l.port) + 1);
            }
        }
        c.push(53);
        c.push(54);
        Self {
            cuts: sorted(c).into_iter().filter(|&v| v <= 65535).collect(),
        }
    }

    /// Whether any NSG or security admin rule restricts source ports.
    pub fn source_ports_matter(d: &Design) -> bool {
        d.nsgs.iter().any(|n| {
            n.inbound
                .iter()
                .chain(&n.outbound)
                .any(|r| !r.source_ports.is_any())
        }) || d.admin_rules().any(|r| !r.source_ports.is_any())
    }

    /// The port atoms inside `ports`, as (first, last).
    pub fn split(&self, ports: &PortSet) -> Vec<(u16, u16)> {
        let ranges = ports
            .ranges()
            .iter()
            .map(|r| (u32::from(r.lo), u32::from(r.hi)));
        split_at(&self.cuts, ranges)
            .into_iter()
            .map(|(lo, hi)| (lo as u16, hi as u16))
            .collect()
    }
}

/// Splits inclusive ranges at sorted cut points (each cut starts a new piece).
fn split_at(cuts: &[u32], ranges: impl Iterator<Item = (u32, u32)>) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for (lo, hi) in ranges {
        let mut start = lo;
        let mut i = cuts.partition_point(|&c| c <= lo);
        loop {
            let end = match cuts.get(i) {
                Some(&c) if c <= hi => c - 1,
                _ => hi,
            };
            out.push((start, end));
            if end == hi {
                break;
            }
            start = end + 1;
            i += 1;
        }
    }
    out
}
