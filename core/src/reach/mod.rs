//! Every packet at once: proves a property over a set of flows by tracing one representative
//! per packet equivalence class (atom). Exact, because every decision the tracer makes depends
//! only on which prefixes and port ranges a packet falls in, and the atoms cut at all of them.

pub mod atoms;
pub mod bits;
pub mod cell;
pub mod forwarding;
pub mod live;
pub mod matrix;
mod plane;
pub mod sweep;

use crate::model::Design;
use crate::net::{AddrSet, Flow, PortSet, Protocol};
use crate::query::{Endpoint, EndpointSet};
use crate::trace::{
    Origin, RuleCache, Trace, TraceOptions, origin_at_ip, origin_of, trace_from_reusing,
    trace_packet, trace_packet_reusing,
};
use atoms::{AddrAtoms, PortAtoms};
use serde::Serialize;
use std::net::Ipv4Addr;

/// The most packets classes one question may enumerate.
pub const BUDGET: u64 = 4_000_000;

/// One class of packets that got the other verdict than wanted.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    /// Source addresses of the class.
    pub sources: String,
    /// Destination addresses of the class (or the destination as named).
    pub destinations: String,
    /// Protocol.
    pub protocol: Protocol,
    /// Destination ports of the class.
    pub ports: String,
}

/// The result of checking a set of flows.
#[derive(Clone, Debug, Serialize)]
pub struct SetResult {
    /// Packet classes checked.
    pub classes: u64,
    /// Classes delivered.
    pub delivered: u64,
    /// Up to five classes with the unwanted verdict.
    pub counterexamples: Vec<Counterexample>,
    /// The trace of the first counterexample.
    pub witness: Option<Trace>,
    /// Set when the question is larger than [`BUDGET`]: nothing was proven.
    pub too_large: Option<u64>,
    /// What the traces' decisions read, sorted (see [`crate::trace::Touch`]).
    #[serde(skip)]
    pub touched: Vec<crate::trace::Touch>,
}

/// The addresses a set stands for (usable addresses only, inside subnets).
pub fn addresses(d: &Design, s: &EndpointSet) -> Option<AddrSet> {
    Some(match s {
        EndpointSet::Subnet(id) => d.subnets[id.ix()].usable_addrs(),
        EndpointSet::Vnet(v) => d.vnets[v.ix()]
            .subnets
            .iter()
            .fold(AddrSet::empty(), |acc, s| {
                acc.union(&d.subnets[s.ix()].usable_addrs())
            }),
        EndpointSet::Prefix(n) => AddrSet::from_net(*n),
        EndpointSet::Internet => d.outside_internet(),
        EndpointSet::One(_) => return None,
    })
}

/// The addresses a destination set stands for: its private addresses and the public IPs of the
/// workloads in it (traffic to those ends in the set too).
pub fn destination_addresses(d: &Design, s: &EndpointSet) -> Option<AddrSet> {
    let private = addresses(d, s)?;
    let subnets: Vec<crate::model::SubnetId> = match s {
        EndpointSet::Subnet(id) => vec![*id],
        EndpointSet::Vnet(v) => d.vnets[v.ix()].subnets.clone(),
        _ => return Some(private),
    };
    let public = d
        .workloads
        .iter()
        .filter(|w| subnets.contains(&w.subnet))
        .filter_map(|w| w.public_ip.map(|(_, ip)| AddrSet::from_addr(ip)))
        .fold(AddrSet::empty(), |acc, s| acc.union(&s));
    Some(private.union(&public))
}

fn range_text(d: &Design, lo: u32, hi: u32) -> String {
    if lo == hi {
        let ip = Ipv4Addr::from(lo);
        // Name what holds a single address, so a counterexample reads "analyst-vm (…)".
        if let Some(w) = d.workloads.iter().find(|w| w.ips.contains(ip)) {
            return format!("{} ({ip})", w.name);
        }
        if let Some(w) = d
            .workloads
            .iter()
            .find(|w| w.public_ip.is_some_and(|(_, p)| p == ip))
        {
            return format!("{} (public IP {ip})", w.name);
        }
        ip.to_string()
    } else {
        AddrSet::from_ranges(vec![(lo, hi)]).to_string()
    }
}

/// Checks every packet from `src` to `dst` with the given protocols and destination ports.
/// `want_delivered` picks how name- and identity-dependent rules are read: when proving that
/// nothing gets through, they match any name or identity; when proving that everything gets
/// through, none.
pub fn check_set(
    d: &Design,
    src: &EndpointSet,
    dst: &EndpointSet,
    protocols: &[Protocol],
    ports: &PortSet,
    want_delivered: bool,
) -> SetResult {
    check_set_with(d, &Atoms::of(d), src, dst, protocols, ports, want_delivered)
}

/// The atoms of a design, computed once for many questions.
pub struct Atoms {
    /// Address atoms.
    pub addrs: AddrAtoms,
    /// Port atoms.
    pub ports: PortAtoms,
    /// Whether some NSG or security admin rule restricts source ports
    /// ([`PortAtoms::source_ports_matter`], worked out once: every set question reads it).
    pub source_ports_matter: bool,
}

impl Atoms {
    /// Computes the atoms of a design.
    pub fn of(d: &Design) -> Self {
        Self {
            addrs: AddrAtoms::of(d),
            ports: PortAtoms::of(d),
            source_ports_matter: PortAtoms::source_ports_matter(d),
        }
    }
}

/// [`check_set`] with atoms computed beforehand.
pub fn check_set_with(
    d: &Design,
    atoms: &Atoms,
    src: &EndpointSet,
    dst: &EndpointSet,
    protocols: &[Protocol],
    ports: &PortSet,
    want_delivered: bool,
) -> SetResult {
    check_set_through(d, atoms, src, dst, protocols, ports, want_delivered, None)
}

/// [`check_set_with`], where an application gateway's listener forwards each request to
/// `backend` only ([`TraceOptions::backend`]; an expectation naming the gateway in `via`).
#[allow(clippy::too_many_arguments)]
pub fn check_set_through(
    d: &Design,
    atoms: &Atoms,
    src: &EndpointSet,
    dst: &EndpointSet,
    protocols: &[Protocol],
    ports: &PortSet,
    want_delivered: bool,
    backend: Option<std::net::Ipv4Addr>,
) -> SetResult {
    let (addr_atoms, port_atoms) = (&atoms.addrs, &atoms.ports);
    // Classes are traced without their explanation; the first counterexample is traced again
    // in full as the witness.
    let opts = TraceOptions {
        any_name_or_identity: !want_delivered,
        record_touches: true,
        quiet: true,
        backend,
    };
    let explained = TraceOptions {
        quiet: false,
        ..opts
    };
    let cache = RuleCache::default();
    let sources = sources_of(d, addr_atoms, src);
    let dests = dests_of(d, addr_atoms, dst);
    // Source ports matter only when some NSG rule names them; then they are split at every
    // source-port boundary of the design. Destination ports are split lazily, per flow: each
    // trace reports the port boundaries its decisions consulted, and the next class starts at
    // the first boundary above the port just traced.
    let src_ports: Vec<u16> = if atoms.source_ports_matter {
        port_atoms
            .split(&PortSet::any())
            .into_iter()
            .map(|(lo, _)| lo)
            .collect()
    } else {
        vec![50000]
    };
    let mut result = SetResult {
        classes: 0,
        delivered: 0,
        counterexamples: Vec::new(),
        witness: None,
        too_large: None,
        touched: Vec::new(),
    };
    let mut touched = std::collections::BTreeSet::new();
    let mut last_touched = Vec::new();
    let upper = sources.len() as u64 * dests.len() as u64 * protocols.len() as u64;
    if upper > BUDGET {
        result.too_large = Some(upper);
        return result;
    }
    for (origin, stext) in &sources {
        for dst in &dests {
            for &proto in protocols {
                let (ranges, sports): (Vec<(u16, u16)>, &[u16]) = if proto.has_ports() {
                    (
                        ports.ranges().iter().map(|r| (r.lo, r.hi)).collect(),
                        &src_ports,
                    )
                } else {
                    (vec![(0, 0)], &[0])
                };
                for &sp in sports {
                    for &(lo, hi) in &ranges {
                        let mut port = u32::from(lo);
                        while port <= u32::from(hi) {
                            result.classes += 1;
                            if result.classes > BUDGET {
                                result.too_large = Some(result.classes);
                                return result;
                            }
                            let this_port = port as u16;
                            let cache = &cache;
                            let run = move |opts: TraceOptions| match dst {
                                Dst::Named(e, text) => (
                                    trace_from_reusing(
                                        d,
                                        origin.clone(),
                                        e,
                                        proto,
                                        this_port,
                                        stext,
                                        text,
                                        opts,
                                        Some(cache),
                                    ),
                                    text,
                                ),
                                Dst::Addr(ip, text) => {
                                    let flow = Flow {
                                        src: origin_ip(origin),
                                        dst: *ip,
                                        protocol: proto,
                                        src_port: sp,
                                        dst_port: this_port,
                                    };
                                    (
                                        trace_packet_reusing(
                                            d,
                                            origin.clone(),
                                            flow,
                                            opts,
                                            Some(cache),
                                        ),
                                        text,
                                    )
                                }
                            };
                            let (t, dtext) = run(opts);
                            let next = if proto.has_ports() {
                                t.next_port_class.min(u32::from(hi) + 1)
                            } else {
                                port + 1
                            };
                            let ptext = match (proto.has_ports(), port == next - 1) {
                                (false, _) => "-".to_string(),
                                (true, true) => port.to_string(),
                                (true, false) => format!("{port}-{}", next - 1),
                            };
                            port = next;
                            let (proto, ptext) = (&proto, &ptext);
                            // Neighbouring classes mostly read the same parts.
                            if t.touched != last_touched {
                                touched.extend(t.touched.iter().copied());
                                last_touched = t.touched.clone();
                            }
                            let delivered = t.verdict.allowed();
                            if delivered {
                                result.delivered += 1;
                            }
                            if delivered != want_delivered {
                                if result.counterexamples.len() < 5 {
                                    result.counterexamples.push(Counterexample {
                                        sources: stext.clone(),
                                        destinations: dtext.clone(),
                                        protocol: *proto,
                                        ports: ptext.clone(),
                                    });
                                }
                                if result.witness.is_none() {
                                    result.witness = Some(run(explained).0);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    result.touched = touched.into_iter().collect();
    result
}

/// A destination of a set question: an endpoint by name, or one address class.
enum Dst {
    Named(Endpoint, String),
    Addr(Ipv4Addr, String),
}

/// The origins of a source set: the named endpoint, or one per address class.
fn sources_of(d: &Design, addr_atoms: &AddrAtoms, src: &EndpointSet) -> Vec<(Origin, String)> {
    match src {
        EndpointSet::One(e) => match origin_of(d, e) {
            Ok(o) => vec![(o, describe_one(d, e))],
            Err(_) => Vec::new(),
        },
        set => {
            let addrs = addresses(d, set).unwrap_or_default();
            addr_atoms
                .split(&addrs)
                .into_iter()
                .filter_map(|(lo, hi)| {
                    origin_at_ip(d, Ipv4Addr::from(lo)).map(|o| (o, range_text(d, lo, hi)))
                })
                .collect()
        }
    }
}

/// The destinations of a set: the named endpoint, or one per address class.
fn dests_of(d: &Design, addr_atoms: &AddrAtoms, dst: &EndpointSet) -> Vec<Dst> {
    match dst {
        EndpointSet::One(e) => vec![Dst::Named(e.clone(), describe_one(d, e))],
        set => {
            let addrs = destination_addresses(d, set).unwrap_or_default();
            addr_atoms
                .split(&addrs)
                .into_iter()
                .map(|(lo, hi)| Dst::Addr(Ipv4Addr::from(lo), range_text(d, lo, hi)))
                .collect()
        }
    }
}

fn origin_ip(o: &Origin) -> Ipv4Addr {
    match o {
        Origin::Nic { ip, .. }
        | Origin::OnPrem { ip, .. }
        | Origin::Outside { ip, .. }
        | Origin::Managed { ip, .. } => *ip,
    }
}

fn describe_one(d: &Design, e: &Endpoint) -> String {
    match e {
        Endpoint::Workload(w) => d.workloads[w.ix()].name.clone(),
        Endpoint::Client(c) => d.clients[c.ix()].name.clone(),
        Endpoint::ServiceTag(t) => format!("service:{t}"),
        Endpoint::Service(s, g) => format!("{}:{g}", d.services[s.ix()].name),
        Endpoint::Fqdn(n) => n.clone(),
        Endpoint::Ip(ip) => ip.to_string(),
        Endpoint::Firewall(f) => d.firewalls[f.ix()].name.clone(),
        Endpoint::Subnet(s) => d.subnets[s.ix()].name.clone(),
        Endpoint::Managed(s) => format!("managed:{}", d.services[s.ix()].name),
        Endpoint::Identity(s) => format!("identity:{}", d.services[s.ix()].name),
        Endpoint::Deployment(s, e, dep) => {
            let ep = &d.services[s.ix()].online_endpoints[*e];
            format!("deployment:{}/{}", ep.name, ep.deployments[*dep].0)
        }
    }
}

/// The destination-port classes of one flow (source, destination address, protocol with
/// ports), each with whether it is delivered: the lazy split [`check_set`] uses, exposed so that
/// it can be checked against concrete traces.
pub fn port_classes(
    d: &Design,
    origin: &Origin,
    dst: Ipv4Addr,
    protocol: Protocol,
    opts: TraceOptions,
) -> Vec<(u16, u16, bool)> {
    let mut out = Vec::new();
    let mut port = 0u32;
    while port <= u32::from(u16::MAX) {
        let flow = Flow {
            src: origin_ip(origin),
            dst,
            protocol,
            src_port: 50000,
            dst_port: port as u16,
        };
        let t = trace_packet(d, origin.clone(), flow, opts);
        let next = t.next_port_class;
        out.push((port as u16, (next - 1) as u16, t.verdict.allowed()));
        port = next;
    }
    out
}
