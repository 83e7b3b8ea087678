//! proptest strategies drawn from a design: flows between endpoint sets, and single edits.

use crate::model::Design;
use crate::net::{AddrSet, Protocol};
use crate::query::{EndpointSet, Side, parse_set};
use crate::reach::addresses;
use crate::whatif::{Edit, single_edits};
use proptest::prelude::*;

/// One concrete flow, by name or address, as `vnetlab trace` takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowCase {
    /// Source (a name or an address).
    pub from: String,
    /// Destination (a name or an address).
    pub to: String,
    /// Protocol.
    pub protocol: Protocol,
    /// Destination port.
    pub port: u16,
}

impl std::fmt::Display for FlowCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} → {} {}/{}",
            self.from, self.to, self.protocol, self.port
        )
    }
}

fn members(d: &Design, text: &str, side: Side) -> Vec<String> {
    match parse_set(d, text, side) {
        Ok(EndpointSet::One(_)) => vec![text.to_string()],
        Ok(set) => {
            let addrs = addresses(d, &set).unwrap_or_else(AddrSet::empty);
            // Every named workload inside the set, then sample addresses across it.
            let mut v: Vec<String> = d
                .workloads
                .iter()
                .filter(|w| addrs.contains(w.ip))
                .map(|w| w.name.clone())
                .collect();
            let n = addrs.len();
            for k in 0..16u64 {
                if let Some(ip) = addrs.nth_wrapping(k.wrapping_mul(n / 16 + 1)) {
                    v.push(ip.to_string());
                }
            }
            v.sort();
            v.dedup();
            v
        }
        Err(e) => panic!("`{text}` is not an endpoint of this design: {e}"),
    }
}

/// Flows from one endpoint set to another (`trainer`, `ml/training`, `ml/*`, `internet`,
/// `10.0.0.0/8`, …) over the given protocols and port range. Shrinks towards the first source,
/// the first destination, the first protocol and the lowest port.
pub fn flows(
    d: &Design,
    from: &str,
    to: &str,
    protocols: &[Protocol],
    ports: (u16, u16),
) -> impl Strategy<Value = FlowCase> + use<> {
    let srcs = members(d, from, Side::Source);
    let dsts = members(d, to, Side::Destination);
    let protocols = protocols.to_vec();
    (
        0..srcs.len(),
        0..dsts.len(),
        0..protocols.len(),
        ports.0..=ports.1,
    )
        .prop_map(move |(s, t, p, port)| FlowCase {
            from: srcs[s].clone(),
            to: dsts[t].clone(),
            protocol: protocols[p],
            port,
        })
}

/// Every single edit of the design (remove or flip one rule, route, link, endpoint, peering or
/// setting). Shrinks towards the first edit in a fixed order.
pub fn edits(d: &Design) -> impl Strategy<Value = Edit> + use<> {
    let all = single_edits(&d.file);
    assert!(!all.is_empty(), "the design has nothing to edit");
    (0..all.len()).prop_map(move |i| all[i].clone())
}
