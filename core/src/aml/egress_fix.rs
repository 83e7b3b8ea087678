//! The fix of a flow lost in a private subnet (no outbound method to a public endpoint,
//! docs/semantics.md S1): associate the subnet with a NAT gateway — the one its VNet already
//! uses, or a new one — Microsoft's recommended explicit outbound method ("NAT gateway is the
//! recommended approach to have explicit outbound connectivity").

use crate::format::{NatGatewayDef, Pos, Spanned, TopologyFile};
use crate::model::Design;
use crate::trace::{Step, Trace, Verdict};
use std::net::Ipv4Addr;

/// The public IP vnetlab gives a NAT gateway it proposes (a documentation address, RFC 5737).
const PROPOSED_NAT_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 253);

/// The change and the edited file, when `t` was dropped in a private subnet.
pub(super) fn nat_gateway(d: &Design, t: &Trace) -> Option<(String, TopologyFile)> {
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
    let mut file = d.file.clone();
    let reuse = d
        .subnets
        .iter()
        .filter(|s| s.vnet == sub.vnet)
        .find_map(|s| s.nat_gateway)
        .map(|n| d.nat_gateways[n.ix()].name.clone());
    let (name, change) = match reuse {
        Some(n) => (
            n.clone(),
            format!(
                "associate subnet {} with NAT gateway {n} (explicit outbound connectivity for a private subnet, S1)",
                sub.name
            ),
        ),
        None => {
            let mut n = format!("{vnet}-nat");
            while file.nat_gateways.contains_key(&n) {
                n.push('x');
            }
            file.nat_gateways.insert(
                n.clone(),
                NatGatewayDef {
                    public_ips: vec![Spanned::new(crate::format::Ip(PROPOSED_NAT_IP))],
                    pos: Pos::default(),
                },
            );
            (
                n.clone(),
                format!(
                    "add NAT gateway {n} (a public IP) and associate subnet {} with it (explicit outbound connectivity for a private subnet, S1)",
                    sub.name
                ),
            )
        }
    };
    let def = file.vnets.get_mut(vnet)?.subnets.get_mut(subnet)?;
    def.nat_gateway = Some(Spanned::new(name));
    Some((change, file))
}
