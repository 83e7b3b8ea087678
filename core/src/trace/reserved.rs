//! A destination written as one of a subnet's five addresses Azure reserves (the network
//! address, the default gateway .1, .2 and .3 for Azure DNS, the broadcast address): no NIC
//! holds it and nothing there answers a flow, so a trace to it is not "delivered".
//!
//! Applied to the flows a user names (`trace`, a single-flow expectation), not to the packet
//! classes `reach` traces: those are proven over the usable addresses their representatives
//! stand for.

use super::{Hop, Step, Trace, Verdict};
use crate::model::{Design, ElementRef, usable_range};
use crate::query::Endpoint;
use std::net::Ipv4Addr;

/// What the reserved address `ip` is in its subnet, when it is one of the five.
pub fn reserved_role(d: &Design, ip: Ipv4Addr) -> Option<(String, &'static str)> {
    let s = d.subnet_containing(ip)?;
    let subnet = &d.subnets[s.ix()];
    // Five reserved in each of its prefixes (S11).
    let prefix = subnet.prefix_of(ip)?;
    let (lo, hi) = usable_range(prefix);
    let v = u32::from(ip);
    if (lo..=hi).contains(&v) {
        return None;
    }
    let net = u32::from(prefix.network());
    let role = match v.wrapping_sub(net) {
        0 => "the network address",
        1 => "the default gateway's address (.1)",
        2 | 3 => "one of .2 and .3 (Azure maps its DNS there)",
        _ => "the broadcast address",
    };
    Some((subnet.name.clone(), role))
}

/// `t` with a delivery to a reserved address turned into a drop that says why.
pub fn drop_at_reserved(d: &Design, dst: &Endpoint, mut t: Trace) -> Trace {
    let Endpoint::Ip(ip) = dst else { return t };
    let Some((subnet, role)) = reserved_role(d, *ip) else {
        return t;
    };
    if t.verdict != Verdict::Delivered {
        return t;
    }
    let reason = format!(
        "{ip} is {role} of subnet {subnet}, one of the 5 addresses Azure reserves: no NIC holds it"
    );
    // Keep the way there; the delivery and the reply path after it did not happen.
    if let Some(i) = t.hops.iter().position(|h| h.step == Step::Deliver) {
        t.hops.truncate(i);
    }
    let element = ElementRef::Subnet(subnet.clone());
    t.hops.push(
        Hop::new(subnet, Step::Deliver, false, reason.clone())
            .element(element.clone())
            .decided_by(element.setting("reserved_addresses")),
    );
    t.verdict = Verdict::Dropped { reason };
    t
}
