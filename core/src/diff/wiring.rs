//! What can differ when two designs differ only in how their subnets are wired: which NSG or
//! route table a subnet has, the routes of route tables, and peerings. A packet's verdict reads
//! a subnet's NSG when it leaves or enters that subnet's NICs, and a subnet's effective routes
//! where the packet starts (its source), where an appliance in the subnet forwards it, and where
//! the reply starts (its destination, P10). So when no changed subnet holds anything that passes
//! other hosts' packets on (a firewall or NVA, an IP-forwarding NIC, an application gateway's
//! second leg, a VPN or ExpressRoute gateway), only packets with an end in a changed subnet can
//! be answered differently. [`super::scope`] decides when this applies.

use crate::format::WorkloadKind;
use crate::model::{Design, SubnetId};
use crate::net::AddrSet;

/// The addresses of the subnets whose wiring differs between `a` and `b` (same subnets in the
/// same order), or `None` when one of them passes other hosts' packets on (then anything may
/// differ). A subnet's wiring differs when its NSG (by name), its effective routes or its
/// VNet's `VirtualNetwork` set differ, or a peering of its VNet was added, removed or changed
/// (a peering's flags decide forwarded and gateway traffic, not only routes).
pub(super) fn changed_subnets(a: &Design, b: &Design) -> Option<AddrSet> {
    if a.subnets.len() != b.subnets.len()
        || a.vnets.len() != b.vnets.len()
        || a.subnets
            .iter()
            .zip(&b.subnets)
            .any(|(x, y)| x.name != y.name)
    {
        return None;
    }
    let peered = peered_vnets(a, b);
    let mut out = AddrSet::empty();
    for s in 0..a.subnets.len() {
        let vnet = a.subnets[s].vnet;
        let changed = nsg_name(a, s) != nsg_name(b, s)
            || !same_routes(a, b, s)
            || a.derived.virtual_network.get(vnet.ix()) != b.derived.virtual_network.get(vnet.ix())
            || peered.iter().any(|v| *v == a.vnets[vnet.ix()].name);
        if !changed {
            continue;
        }
        if passes_on(a, SubnetId(s as u32)) || passes_on(b, SubnetId(s as u32)) {
            return None;
        }
        out = out.union(&a.subnets[s].addrs());
    }
    Some(out)
}

/// The name of subnet `s`'s NSG.
fn nsg_name(d: &Design, s: usize) -> Option<&str> {
    d.subnets[s].nsg.map(|n| d.nsgs[n.ix()].name.as_str())
}

/// The VNets named by a peering entry that one design has and the other has not as it is.
fn peered_vnets<'d>(a: &'d Design, b: &'d Design) -> Vec<&'d str> {
    let mut out = Vec::new();
    for (x, y) in [(a, b), (b, a)] {
        for p in &x.file.peerings {
            if y.file.peerings.contains(p) {
                continue;
            }
            out.extend(
                p.between
                    .iter()
                    .flatten()
                    .chain(&p.from)
                    .chain(&p.to)
                    .map(|r| r.value.as_str()),
            );
        }
    }
    out
}

/// Whether subnet `s` has the same effective routes in both designs.
fn same_routes(a: &Design, b: &Design, s: usize) -> bool {
    let (x, y) = (&a.derived.routes[s].routes, &b.derived.routes[s].routes);
    x.len() == y.len()
        && x.iter().zip(y).all(|(r, q)| {
            r.source == q.source
                && r.active == q.active
                && r.prefix == q.prefix
                && r.next_hop == q.next_hop
                && r.name == q.name
                && r.from_tag == q.from_tag
                && r.tag_rank == q.tag_rank
        })
}

/// Whether subnet `s` holds something that passes other hosts' packets on: a firewall or NVA,
/// an IP-forwarding NIC, an application gateway (its second leg starts there), a VPN or
/// ExpressRoute gateway.
fn passes_on(d: &Design, s: SubnetId) -> bool {
    d.firewalls.iter().any(|f| f.subnet == s)
        || d.gateways.iter().any(|g| g.subnet == s)
        || d.workloads
            .iter()
            .any(|w| w.subnet == s && (w.ip_forwarding || w.kind == WorkloadKind::AppGateway))
}
