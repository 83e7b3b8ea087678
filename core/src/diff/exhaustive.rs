//! Differential reachability over every packet (Batfish's differentialReachability): between two
//! designs, for every end both designs have (by name: subnets — every address in them —,
//! workloads, `internet`, clients, on-premises site prefixes, services' subresources and private
//! endpoints; [`parties`]), every protocol and every destination port, where the answer
//! changed — as compact classes ("ml/jump → ml/inference tcp/8443: allowed → denied"), each with
//! a witness trace before and after.
//!
//! Ports are compared class by class: the port space is cut at every port boundary either
//! design's decisions use (NSG and firewall rules, managed-network rules, the ports the tracer
//! itself compares with), so every port of a class gets the class's answer in both designs.
//! Subnet pairs are answered by the matrices' set engine ([`crate::reach::matrix`], equal to
//! tracing every packet class), the other pairs by tracing every packet class, many port
//! classes per trace ([`crate::reach::sweep`]).
//!
//! Only what can differ is computed ([`Scope`]): when the designs differ only in NSG rules, the
//! classes, sources and destinations the changed rules can decide; otherwise everything.

use super::narrow::Gates;
use super::parties::{Party, PartyKind, parties, representative};
use super::scope::Scope;
use crate::model::{Design, SubnetId};
use crate::net::{PortSet, Protocol};
use crate::query::EndpointSet;
use crate::reach::Atoms;
use crate::reach::atoms::PortAtoms;
use crate::reach::matrix::{Matrix, Reach, subnet_rows};
use crate::reach::sweep::reach_per_class;
use crate::trace::{RuleCache, Trace, TraceOptions, origin_of, trace_from};
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
    /// Source: a subnet (`VNET/SUBNET`), workload, `internet`, client or site prefix.
    pub from: String,
    /// What the source is.
    pub from_kind: PartyKind,
    /// Destination: any of the sources' kinds, a service's subresource (`SERVICE:GROUP`) or a
    /// private endpoint (`SERVICE/GROUP (IP)`).
    pub to: String,
    /// What the destination is.
    pub to_kind: PartyKind,
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

/// The flow from `src` to `dst` on one protocol and port, traced in `d` with its explanation
/// (a set is represented by its first address).
fn witness(d: &Design, src: &Party, dst: &Party, protocol: Protocol, port: u16) -> Option<Trace> {
    let from = representative(d, &src.set)?;
    let to = representative(d, &dst.set)?;
    let origin = origin_of(d, &from).ok()?;
    Some(trace_from(
        d,
        origin,
        &to,
        protocol,
        port,
        &src.name,
        &dst.name,
        TraceOptions::default(),
    ))
}

/// One design's side of the comparison: its parties, the subnet rows the set engine computed
/// and the atoms for tracing the other pairs (worked out on first use).
struct Answers<'d> {
    d: &'d Design,
    parties: Vec<Party>,
    matrix: Option<Matrix>,
    atoms: Option<Atoms>,
    /// What the traces of every pair have in common (rules by addresses, DNS answers).
    cache: RuleCache,
    /// The NSGs each party's packets meet on leaving and arriving ([`Gates`]).
    gates: Gates,
}

impl Answers<'_> {
    /// The positions in `classes` on which party `src` may deliver something to party `dst`
    /// (`None`: every class); on the others it delivers nothing ([`Gates::classes`]).
    fn open(&self, src: usize, dst: usize, classes: &[(Protocol, u16, u16)]) -> Option<Vec<usize>> {
        self.gates.classes(self.d, &self.parties, src, dst, classes)
    }

    /// How much of party `src` reaches party `dst` on the classes at positions `at` of
    /// `classes` (ascending), in that order.
    fn of(
        &mut self,
        src: usize,
        dst: usize,
        classes: &[(Protocol, u16, u16)],
        at: &[usize],
    ) -> Vec<Reach> {
        let (s, t) = (&self.parties[src].set, &self.parties[dst].set);
        if let (Some(m), EndpointSet::Subnet(a), EndpointSet::Subnet(b)) = (&self.matrix, s, t) {
            return at.iter().map(|&k| m.cell(a.ix(), b.ix(), k)).collect();
        }
        // Classes the source's or destination's NSG closes deliver nothing.
        let open = self.open(src, dst, classes);
        let asked: Vec<usize> = match &open {
            None => at.to_vec(),
            Some(open) => at
                .iter()
                .copied()
                .filter(|k| open.binary_search(k).is_ok())
                .collect(),
        };
        let mut out = vec![Reach::None; at.len()];
        if asked.is_empty() {
            return out;
        }
        let d = self.d;
        let atoms = self.atoms.get_or_insert_with(|| Atoms::of(d));
        let sub: Vec<(Protocol, u16, u16)> = asked.iter().map(|&k| classes[k]).collect();
        let Some(answers) = reach_per_class(d, atoms, &self.cache, s, t, &sub) else {
            return out;
        };
        let mut next = asked.iter().zip(answers).peekable();
        for (slot, &k) in out.iter_mut().zip(at) {
            if let Some((_, r)) = next.next_if(|(q, _)| **q == k) {
                *slot = r;
            }
        }
        out
    }
}

/// The number of subnet pairs from which the set engine answers them (below it, tracing does).
const SET_ENGINE_FROM: usize = 256;

/// Every change in reachability between two designs, for every end both have ([`parties`]),
/// every protocol and every destination port; sorted by source, destination, protocol, ports.
/// Only what can differ is computed ([`Scope::of`]). From `internet` to `internet` is not
/// compared (those packets never enter the design).
pub fn reach_changes(before: &Design, after: &Design) -> Vec<ReachChange> {
    let classes = port_classes(before, after);
    let scope = Scope::of(before, after, &classes);
    changes_within(before, after, &classes, &scope)
}

/// [`reach_changes`] within a scope: the classes, sources and destinations it leaves out are
/// taken to be unchanged.
pub fn changes_within(
    before: &Design,
    after: &Design,
    classes: &[(Protocol, u16, u16)],
    scope: &Scope,
) -> Vec<ReachChange> {
    let used: Vec<usize> = (0..classes.len()).filter(|&k| scope.classes[k]).collect();
    if used.is_empty() {
        return Vec::new();
    }
    let sub: Vec<(Protocol, u16, u16)> = used.iter().map(|&k| classes[k]).collect();
    let ports: Vec<(Protocol, u16)> = sub.iter().map(|c| (c.0, c.1)).collect();
    let (pa, pb) = (parties(before), parties(after));
    let in_b: BTreeMap<(&str, PartyKind), usize> = pb
        .iter()
        .enumerate()
        .map(|(j, p)| ((p.name.as_str(), p.kind), j))
        .collect();
    let shared: Vec<(usize, usize)> = pa
        .iter()
        .enumerate()
        .filter_map(|(i, p)| in_b.get(&(p.name.as_str(), p.kind)).map(|&j| (i, j)))
        .collect();
    let sources: Vec<(usize, usize)> = shared
        .iter()
        .copied()
        .filter(|&(i, j)| {
            pa[i].source
                && pb[j].source
                && (scope.source_meets(&pa[i].addrs) || scope.source_meets(&pb[j].addrs))
        })
        .collect();
    let dests: Vec<(usize, usize)> = shared
        .iter()
        .copied()
        .filter(|&(i, j)| {
            scope.destination_meets(&pa[i].addrs) || scope.destination_meets(&pb[j].addrs)
        })
        .collect();
    let rows = |ps: &[Party], pick: fn(&(usize, usize)) -> usize| -> Vec<SubnetId> {
        sources
            .iter()
            .filter_map(|p| match ps[pick(p)].set {
                EndpointSet::Subnet(s) => Some(s),
                _ => None,
            })
            .collect()
    };
    let (rows_a, rows_b) = (rows(&pa, |p| p.0), rows(&pb, |p| p.1));
    // The set engine pays for working out the whole design first; a few subnet pairs are
    // answered sooner by tracing them (both are exact).
    let subnet_dests = dests
        .iter()
        .filter(|&&(i, _)| pa[i].kind == PartyKind::Subnet)
        .count();
    // With `ends`, the pairs are few but the classes all: the set engine's cost grows with the
    // classes for every row it computes, tracing's with the classes the pair's NSGs open.
    let bulk = scope.ends.is_none() && rows_a.len() * subnet_dests >= SET_ENGINE_FROM;
    let engine =
        |d: &Design, rows: &[SubnetId]| bulk.then(|| subnet_rows(d, &ports, rows)).flatten();
    let mut a = Answers {
        d: before,
        matrix: engine(before, &rows_a),
        gates: Gates::of(before, &pa),
        parties: pa,
        atoms: None,
        cache: RuleCache::default(),
    };
    let mut b = Answers {
        d: after,
        matrix: engine(after, &rows_b),
        gates: Gates::of(after, &pb),
        parties: pb,
        atoms: None,
        cache: RuleCache::default(),
    };
    let every: Vec<usize> = (0..sub.len()).collect();
    let mut out = Vec::new();
    for &(i, bi) in &sources {
        for &(j, bj) in &dests {
            if a.parties[i].kind == PartyKind::Internet && a.parties[j].kind == PartyKind::Internet
            {
                continue;
            }
            let (pi, pj, qi, qj) = (&a.parties[i], &a.parties[j], &b.parties[bi], &b.parties[bj]);
            if !scope.ends_meet(&pi.addrs, &pj.addrs) && !scope.ends_meet(&qi.addrs, &qj.addrs) {
                continue;
            }
            // Only the classes one design may deliver on can differ.
            let at = match (a.open(i, j, &sub), b.open(bi, bj, &sub)) {
                (Some(x), Some(y)) => union(&x, &y),
                _ => every.clone(),
            };
            if at.is_empty() {
                continue;
            }
            let (x, y) = (a.of(i, j, &sub, &at), b.of(bi, bj, &sub, &at));
            if x == y {
                continue;
            }
            let pair = Pair {
                a: &a,
                b: &b,
                ends: (i, j, bi, bj),
            };
            let used_at: Vec<usize> = at.iter().map(|&k| used[k]).collect();
            let sub_at: Vec<(Protocol, u16, u16)> = at.iter().map(|&k| sub[k]).collect();
            pair.changes(&used_at, &sub_at, &x, &y, &mut out);
        }
    }
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

/// The positions in either of two ascending lists, ascending.
fn union(x: &[usize], y: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = x.iter().chain(y).copied().collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// One source and destination in both designs.
struct Pair<'a, 'd> {
    a: &'a Answers<'d>,
    b: &'a Answers<'d>,
    /// Source and destination in the first design, then in the second.
    ends: (usize, usize, usize, usize),
}

impl Pair<'_, '_> {
    /// The changes between answers `x` and `y` on classes `sub` (at indices `used` among all
    /// classes): consecutive classes of one protocol with the same change are one entry.
    fn changes(
        &self,
        used: &[usize],
        sub: &[(Protocol, u16, u16)],
        x: &[Reach],
        y: &[Reach],
        out: &mut Vec<ReachChange>,
    ) {
        let mut open: Option<(Protocol, Reach, Reach, Vec<PortSpan>)> = None;
        let mut flush = |open: &mut Option<(Protocol, Reach, Reach, Vec<PortSpan>)>| {
            if let Some((protocol, before, after, ports)) = open.take() {
                out.push(self.change(protocol, before, after, ports));
            }
        };
        for (k, &(protocol, lo, hi)) in sub.iter().enumerate() {
            // A class left out of the scope between two compared ones is unchanged.
            if x[k] == y[k] || (k > 0 && used[k] != used[k - 1] + 1) {
                flush(&mut open);
            }
            if x[k] == y[k] {
                continue;
            }
            match &mut open {
                Some((op, ox, oy, ports)) if *op == protocol && *ox == x[k] && *oy == y[k] => {
                    match ports.last_mut() {
                        Some(last) if u32::from(last.hi) + 1 == u32::from(lo) => last.hi = hi,
                        _ => ports.push(PortSpan { lo, hi }),
                    }
                }
                _ => {
                    flush(&mut open);
                    open = Some((protocol, x[k], y[k], vec![PortSpan { lo, hi }]));
                }
            }
        }
        flush(&mut open);
    }

    fn change(
        &self,
        protocol: Protocol,
        before: Reach,
        after: Reach,
        ports: Vec<PortSpan>,
    ) -> ReachChange {
        let (i, j, bi, bj) = self.ends;
        let (from, to) = (&self.a.parties[i], &self.a.parties[j]);
        let port = ports[0].lo;
        let after_trace = witness(
            self.b.d,
            &self.b.parties[bi],
            &self.b.parties[bj],
            protocol,
            port,
        );
        ReachChange {
            from: from.name.clone(),
            from_kind: from.kind,
            to: to.name.clone(),
            to_kind: to.kind,
            protocol,
            ports,
            before,
            after,
            before_trace: witness(self.a.d, from, to, protocol, port),
            after_trace,
        }
    }
}
