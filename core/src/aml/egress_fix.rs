//! The fix of a flow lost in a private subnet (no outbound method to a public endpoint,
//! docs/semantics.md S1): associate the subnet with a NAT gateway — the one its VNet already
//! uses, or a new one — Microsoft's recommended explicit outbound method ("NAT gateway is the
//! recommended approach to have explicit outbound connectivity").

use super::fix::Patch;
use crate::format::{NatGatewayDef, Pos, Spanned, TopologyFile};
use crate::model::Design;
use crate::trace::{Step, Trace, Verdict};
use std::net::Ipv4Addr;

/// The public IP vnetlab gives a NAT gateway it proposes (a documentation address, RFC 5737).
const PROPOSED_NAT_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 253);

/// The change and its patch on `base` (the plan's file), when `t` was dropped in a private
/// subnet.
pub(super) fn nat_gateway(d: &Design, t: &Trace, base: &TopologyFile) -> Option<(String, Patch)> {
    if !matches!(&t.verdict, Verdict::Dropped { reason } if reason.contains("private subnet")) {
        return None;
    }
    let hop = t
        .hops
        .iter()
        .rev()
        .find(|h| h.step == Step::Route && !h.ok)?;
    let sub = d.subnets.iter().find(|s| s.name == hop.at)?;
    let (vnet, subnet) = sub.name.split_once('/')?;
    base.vnets.get(vnet)?.subnets.get(subnet)?;
    let reuse = d
        .subnets
        .iter()
        .filter(|s| s.vnet == sub.vnet)
        .find_map(|s| s.nat_gateway)
        .map(|n| d.nat_gateways[n.ix()].name.clone());
    let (name, create, change) = match reuse {
        Some(n) => (
            n.clone(),
            None,
            format!(
                "associate subnet {} with NAT gateway {n} (explicit outbound connectivity for a private subnet, S1)",
                sub.name
            ),
        ),
        None => {
            let mut n = format!("{vnet}-nat");
            while base.nat_gateways.contains_key(&n) {
                n.push('x');
            }
            (
                n.clone(),
                Some(NatGatewayDef {
                    public_ips: vec![Spanned::new(crate::format::Ip(PROPOSED_NAT_IP))],
                    pos: Pos::default(),
                }),
                format!(
                    "add NAT gateway {n} (a public IP) and associate subnet {} with it (explicit outbound connectivity for a private subnet, S1)",
                    sub.name
                ),
            )
        }
    };
    Some((
        change,
        Patch::NatGateway {
            vnet: vnet.to_string(),
            subnet: subnet.to_string(),
            gateway: name,
            create,
        },
    ))
}
