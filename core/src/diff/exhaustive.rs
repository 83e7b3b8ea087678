//! Differential reachability over every packet (Batfish's differentialReachability): between two
//! designs, for every subnet both designs have (by name; every address in it), every protocol
//! and every destination port, where the answer changed — as compact classes ("ml/jump →
//! ml/inference tcp/8443: all → none"), each with a witness trace before and after.
//!
//! Ports are compared class by class: the port space is cut at every port boundary either
//! design's decisions use (NSG and firewall rules, managed-network rules, the ports the tracer
//! itself compares with), so every port of a class gets the class's answer in both designs,
//! and the matrices' set engine ([`crate::reach::matrix`], equal to tracing every packet class)
//! answers each class for all pairs at once.

use crate::model::Design;
use crate::net::{PortSet, Protocol};
use crate::query::{Side, parse_endpoint};
use crate::reach::atoms::PortAtoms;
use crate::reach::matrix::{Matrix, MatrixBy, Reach, matrix};
use crate::trace::{Trace, TraceOptions, origin_of, trace_from};
use serde::Serialize;
use std::collections::BTreeMap;

/// Destination ports of one class, or of consecutive classes with the same change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PortSpan {
    /// First port.
    pub lo: u16,
    /// Last port (inclusive).
    pub hi: u16,
}

impl std::fmt::Display for PortSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.lo == self.hi {
            write!(f, "{}", self.lo)
        } else if (self.lo, self.hi) == (0, u16::MAX) {
            f.write_str("*")
        } else {
            write!(f, "{}-{}", self.lo, self.hi)
        }
    }
}

/// One change: a source, a destination, a protocol and the destination ports whose answer went
/// from `before` to `after`.
#[derive(Clone, Debug, Serialize)]
pub struct ReachChange {
    /// Source subnet (`VNET/SUBNET`).
    pub from: String,
    /// Destination.
    pub to: String,
    /// Protocol.
    pub protocol: Protocol,
    /// The destination ports (consecutive classes with the same change merged).
    pub ports: Vec<PortSpan>,
    /// How much got through before.
    pub before: Reach,
    /// How much gets through after.
    pub after: Reach,
    /// A trace of the first port before the change.
    pub before_trace: Option<Trace>,
    /// The same flow traced after the change.
    pub after_trace: Option<Trace>,
}

impl ReachChange {
    /// `from → to proto/ports: before → after`.
    pub fn line(&self) -> String {
        let ports: Vec<String> = self.ports.iter().map(|p| p.to_string()).collect();
        let what = if self.protocol.has_ports() {
            format!("{}/{}", self.protocol, ports.join(","))
        } else {
            self.protocol.to_string()
        };
        format!(
            "{} → {} {what}: {} → {}",
            self.from,
            self.to,
            word(self.before),
            word(self.after)
        )
    }

    /// Whether any of its ports is in `set` (protocols without ports: always).
    pub fn touches(&self, protocol: Protocol, set: &PortSet) -> bool {
        self.protocol == protocol
            && (!protocol.has_ports()
                || self
                    .ports
                    .iter()
                    .any(|s| (s.lo..=s.hi).any(|p| set.contains(p))))
    }
}

/// The word for how much gets through.
pub fn word(r: Reach) -> &'static str {
    match r {
        Reach::All => "allowed",
        Reach::Partial => "partly allowed",
        Reach::None => "denied",
    }
}

/// The destination-port classes both designs' decisions agree on: (protocol, first, last).
/// Protocols without ports are one class each.
pub fn port_classes(a: &Design, b: &Design) -> Vec<(Protocol, u16, u16)> {
    let mut cuts: Vec<u32> = vec![0];
    for d in [a, b] {
        cuts.extend(
            PortAtoms::of(d)
                .split(&PortSet::any())
                .into_iter()
                .map(|(lo, _)| u32::from(lo)),
        );
        for m in d.services.iter().flat_map(|s| &s.managed_network) {
            for r in &m.outbound_rules {
                if let crate::model::OutboundTarget::ServiceTag { ports, .. } = &r.target {
                    for p in ports.ranges() {
                        cuts.push(u32::from(p.lo));
                        cuts.push(u32::from(p.hi) + 1);
                    }
                }
            }
        }
    }
    cuts.extend(crate::trace::FIXED_PORT_CUTS);
    cuts.retain(|&c| c <= u32::from(u16::MAX));
    cuts.sort_unstable();
    cuts.dedup();
    let mut spans: Vec<(u16, u16)> = Vec::new();
    for (i, &lo) in cuts.iter().enumerate() {
        let hi = cuts
            .get(i + 1)
            .map(|&n| n - 1)
            .unwrap_or(u32::from(u16::MAX));
        spans.push((lo as u16, hi as u16));
    }
    let mut out = Vec::new();
    for p in Protocol::ALL {
        if p.has_ports() {
            out.extend(spans.iter().map(|&(lo, hi)| (p, lo, hi)));
        } else {
            out.push((p, 0, u16::MAX));
        }
    }
    out
}

fn witness(d: &Design, from: &str, to: &str, protocol: Protocol, port: u16) -> Option<Trace> {
    let src = parse_endpoint(d, from, Side::Source).ok()?;
    let dst = parse_endpoint(d, to, Side::Destination).ok()?;
    let origin = origin_of(d, &src).ok()?;
    Some(trace_from(
        d,
        origin,
        &dst,
        protocol,
        port,
        from,
        to,
        TraceOptions::default(),
    ))
}

/// The changes between the two matrices (same ports) for the names both have.
fn compare(
    before: &Design,
    after: &Design,
    ma: &Matrix,
    mb: &Matrix,
    classes: &[(Protocol, u16, u16)],
    out: &mut Vec<ReachChange>,
) {
    let in_b: BTreeMap<&str, usize> = mb
        .names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let shared: Vec<(usize, usize)> = ma
        .names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| in_b.get(n.as_str()).map(|&j| (i, j)))
        .collect();
    for &(i, bi) in &shared {
        for &(j, bj) in &shared {
            // Consecutive classes of one protocol with the same change are one entry.
            let mut open: Option<(Protocol, Reach, Reach, Vec<PortSpan>)> = None;
            let mut flush = |open: &mut Option<(Protocol, Reach, Reach, Vec<PortSpan>)>| {
                if let Some((protocol, x, y, ports)) = open.take() {
                    let (from, to) = (&ma.names[i], &ma.names[j]);
                    let port = ports[0].lo;
                    out.push(ReachChange {
                        from: from.clone(),
                        to: to.clone(),
                        protocol,
                        ports,
                        before: x,
                        after: y,
                        before_trace: witness(before, from, to, protocol, port),
                        after_trace: witness(after, from, to, protocol, port),
                    });
                }
            };
            for (p, &(protocol, lo, hi)) in classes.iter().enumerate() {
                let (x, y) = (ma.cell(i, j, p), mb.cell(bi, bj, p));
                if x == y {
                    flush(&mut open);
                    continue;
                }
                match &mut open {
                    Some((op, ox, oy, ports)) if *op == protocol && *ox == x && *oy == y => {
                        match ports.last_mut() {
                            Some(last) if u32::from(last.hi) + 1 == u32::from(lo) => last.hi = hi,
                            _ => ports.push(PortSpan { lo, hi }),
                        }
                    }
                    _ => {
                        flush(&mut open);
                        open = Some((protocol, x, y, vec![PortSpan { lo, hi }]));
                    }
                }
            }
            flush(&mut open);
        }
    }
}

/// Every change in reachability between two designs, for every subnet both have, every
/// protocol and every destination port; sorted by source, destination, protocol, ports.
/// (Workloads, `internet`, services' endpoints and on-premises sites are not compared yet: the
/// set engine answers subnets, and tracing them class by class is too slow for large designs.)
pub fn reach_changes(before: &Design, after: &Design) -> Vec<ReachChange> {
    let classes = port_classes(before, after);
    let ports: Vec<(Protocol, u16)> = classes.iter().map(|&(p, lo, _)| (p, lo)).collect();
    let mut out = Vec::new();
    let by = MatrixBy::Subnet;
    let (ma, mb) = (matrix(before, by, &ports), matrix(after, by, &ports));
    compare(before, after, &ma, &mb, &classes, &mut out);
    out.sort_by(|a, b| {
        (&a.from, &a.to, a.protocol.as_str(), &a.ports).cmp(&(
            &b.from,
            &b.to,
            b.protocol.as_str(),
            &b.ports,
        ))
    });
    out
}
