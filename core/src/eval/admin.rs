//! Azure Virtual Network Manager security admin rules (S10): applied to every NIC of the VNets
//! a configuration targets, evaluated before the NSGs, first match by priority. `deny` stops
//! the packet, `always_allow` lets it through without NSG evaluation, `allow` hands it to the
//! NSGs; with no match the NSGs decide.

use super::nsg;
use crate::format::{AdminAccess, Direction};
use crate::model::{AdminRule, Design, SubnetId};
use crate::net::{Flow, PortSet};

/// Whether security admin rules apply to the NICs of a subnet: its VNet has rules and the
/// subnet is not one Microsoft exempts.
pub fn applies(d: &Design, subnet: SubnetId) -> bool {
    let s = &d.subnets[subnet.ix()];
    !s.admin_exempt && !d.vnets[s.vnet.ix()].admin_rules.is_empty()
}

/// The admin rules of a subnet's VNet in one direction (empty where they do not apply).
pub fn rules(d: &Design, subnet: SubnetId, dir: Direction) -> &[AdminRule] {
    if d.subnets[subnet.ix()].admin_exempt {
        return &[];
    }
    d.vnets[d.subnets[subnet.ix()].vnet.ix()]
        .admin_rules
        .rules(dir)
}

/// The first admin rule matching a flow at a NIC of `subnet` (index into [`rules`]);
/// `consult` gets the destination ports of each rule matching the flow's protocol and
/// addresses, up to the deciding one.
pub fn first_match(
    d: &Design,
    subnet: SubnetId,
    dir: Direction,
    flow: &Flow,
    mut consult: impl FnMut(&PortSet),
) -> Option<usize> {
    let vnet = d.subnets[subnet.ix()].vnet;
    rules(d, subnet, dir).iter().position(|r| {
        nsg::rule_matches_addresses(d, &r.rule, vnet, flow) && {
            consult(&r.rule.destination_ports);
            nsg::rule_matches(d, &r.rule, vnet, flow)
        }
    })
}

/// A one-line description of an admin rule for explanations.
pub fn describe(d: &Design, r: &AdminRule) -> String {
    let proto = r
        .rule
        .protocol
        .map(crate::net::Protocol::as_str)
        .unwrap_or("any");
    format!(
        "{} of {} (priority {}, {} {} from {} to {} port {})",
        r.rule.name,
        r.collection,
        r.rule.priority,
        r.access,
        proto,
        nsg::side(d, &r.rule.source),
        nsg::side(d, &r.rule.destination),
        r.rule.destination_ports
    )
}

/// What an admin rule's action means for the NSGs after it.
pub fn skips_nsgs(a: AdminAccess) -> bool {
    a == AdminAccess::AlwaysAllow
}
