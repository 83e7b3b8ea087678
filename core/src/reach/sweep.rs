//! How much of one set reaches another on many destination-port classes at once: each packet
//! class is traced at the first port of a class, and the trace says up to which port its
//! decisions give the same answer (`next_port_class`), so the following classes below that
//! port are answered without tracing again. Each class's answer is the one
//! [`super::matrix::reach_of`] gives for its first port.

use super::matrix::Reach;
use super::{Atoms, Dst, dests_of, origin_ip, sources_of};
use crate::model::Design;
use crate::net::{Flow, PortSet, Protocol};
use crate::query::EndpointSet;
use crate::trace::{RuleCache, TraceOptions, trace_from_reusing, trace_packet_reusing};

/// For each class `(protocol, first, last)` (classes of one protocol sorted by port, none
/// overlapping), how much of `src` reaches `dst` on it, proven over every packet class; `None`
/// when the question has more classes than [`super::BUDGET`]. `cache` may be shared by many
/// questions on the same design.
pub fn reach_per_class(
    d: &Design,
    atoms: &Atoms,
    cache: &RuleCache,
    src: &EndpointSet,
    dst: &EndpointSet,
    classes: &[(Protocol, u16, u16)],
) -> Option<Vec<Reach>> {
    let sources = sources_of(d, &atoms.addrs, src);
    let dests = dests_of(d, &atoms.addrs, dst);
    let src_ports: Vec<u16> = if atoms.source_ports_matter {
        atoms
            .ports
            .split(&PortSet::any())
            .into_iter()
            .map(|(lo, _)| lo)
            .collect()
    } else {
        vec![50000]
    };
    let upper = (sources.len() as u64)
        .saturating_mul(dests.len() as u64)
        .saturating_mul(src_ports.len() as u64);
    if upper > super::BUDGET {
        return None;
    }
    let opts = TraceOptions {
        any_name_or_identity: false,
        record_touches: false,
        quiet: true,
        backend: None,
    };
    // Per class: packet classes delivered, and traced.
    let mut delivered = vec![0u64; classes.len()];
    let mut total = 0u64;
    let protocols: Vec<Protocol> = {
        let mut v: Vec<Protocol> = classes.iter().map(|c| c.0).collect();
        v.dedup();
        v
    };
    for (origin, stext) in &sources {
        for dst in &dests {
            for &sp in &src_ports {
                total += 1;
                for &proto in &protocols {
                    let sp = if proto.has_ports() { sp } else { 0 };
                    // The answer holds for ports below `until` (the trace's next boundary).
                    let mut known: Option<(u32, bool)> = None;
                    for (k, &(_, lo, _)) in classes.iter().enumerate().filter(|(_, c)| c.0 == proto)
                    {
                        let ok = match known {
                            Some((until, ok)) if proto.has_ports() && u32::from(lo) < until => ok,
                            _ => {
                                let port = if proto.has_ports() { lo } else { 0 };
                                let t = match dst {
                                    Dst::Named(e, text) => trace_from_reusing(
                                        d,
                                        origin.clone(),
                                        e,
                                        proto,
                                        port,
                                        stext,
                                        text,
                                        opts,
                                        Some(cache),
                                    ),
                                    Dst::Addr(ip, _) => trace_packet_reusing(
                                        d,
                                        origin.clone(),
                                        Flow {
                                            src: origin_ip(origin),
                                            dst: *ip,
                                            protocol: proto,
                                            src_port: sp,
                                            dst_port: port,
                                        },
                                        opts,
                                        Some(cache),
                                    ),
                                };
                                let ok = t.verdict.allowed();
                                known = Some((t.next_port_class, ok));
                                ok
                            }
                        };
                        if ok {
                            delivered[k] += 1;
                        }
                    }
                }
            }
        }
    }
    Some(
        delivered
            .into_iter()
            .map(|n| match n {
                0 => Reach::None,
                n if n == total => Reach::All,
                _ => Reach::Partial,
            })
            .collect(),
    )
}
