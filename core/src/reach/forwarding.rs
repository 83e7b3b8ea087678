//! The design's forwarding graph (petgraph) and the network-wide loop search (Batfish's
//! detectLoops).
//!
//! Nodes are the places that forward a packet by their subnet's effective routes — firewalls and
//! NVAs, and workloads with IP forwarding on their NIC — and where forwarding ends: a VNet (the
//! packet is delivered by a VNet-local or peering route), a gateway, a private endpoint, a
//! service endpoint, the internet, or a drop. Each edge is one route of the forwarder's subnet,
//! labelled with the destination addresses it carries there. The labels are exact: the route a
//! subnet chooses for an address depends only on which of its routes' prefixes hold the address,
//! so the address space is cut at every prefix boundary of the subnet's routes (a coarsening of
//! the design's address atoms, [`super::atoms::AddrAtoms`], which cut at every route prefix and
//! more) and the route lookup of each piece's first address gives the whole piece's route.
//!
//! A subnet where a packet starts is not a node: nothing routes *to* a subnet as a next hop, so
//! a loop is always a cycle of forwarders. The tracer stops such a packet ("routing loop
//! through …"); the loop search finds every cycle for every destination at once.

use crate::eval::routes::NextHop;
use crate::model::{Design, FirewallId, GatewayId, PeId, SubnetId, VnetId, WorkloadId};
use crate::net::AddrSet;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// A node of the forwarding graph.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Hop {
    /// A firewall or NVA: forwards by its subnet's routes.
    Appliance {
        /// The appliance.
        firewall: FirewallId,
    },
    /// A workload with IP forwarding on its NIC: forwards by its subnet's routes.
    ForwardingNic {
        /// The workload.
        workload: WorkloadId,
    },
    /// Delivered within a VNet (VNet-local or peering route).
    Vnet {
        /// The VNet.
        vnet: VnetId,
    },
    /// Handed to a VPN/ExpressRoute gateway.
    Gateway {
        /// The gateway.
        gateway: GatewayId,
    },
    /// Sent to a private endpoint (its /32 route).
    PrivateEndpoint {
        /// The endpoint.
        pe: PeId,
    },
    /// Sent over a service endpoint.
    ServiceEndpoint {
        /// The service tag.
        tag: String,
    },
    /// Sent to the internet.
    Internet,
    /// Dropped (next hop None, no route, or a next hop that is not a forwarder).
    Dropped,
}

/// An edge: one route of a forwarder's subnet.
#[derive(Clone, Debug)]
pub struct RouteEdge {
    /// The destinations it carries there.
    pub destinations: AddrSet,
    /// The subnet whose route it is.
    pub subnet: SubnetId,
    /// Index into that subnet's effective routes.
    pub route: usize,
}

/// The forwarding graph of a design.
pub struct ForwardingGraph {
    /// The graph.
    pub graph: DiGraph<Hop, RouteEdge>,
    index: BTreeMap<Hop, NodeIndex>,
}

/// A routing loop: a cycle of forwarders that sends some destinations round for ever.
#[derive(Clone, Debug, Serialize)]
pub struct Loop {
    /// The destinations caught in it.
    #[serde(serialize_with = "as_text")]
    pub destinations: AddrSet,
    /// The forwarders in cycle order (names), starting at the first in the design's order.
    pub cycle: Vec<String>,
    /// The route each forwarder uses, as `SUBNET: PREFIX → NEXT HOP (route NAME)`.
    pub routes: Vec<String>,
    /// The subnet of the first forwarder (where a witness trace can start).
    pub subnet: SubnetId,
}

/// Address intervals, to be made a set.
type Ranges = Vec<(u32, u32)>;

fn as_text<S: serde::Serializer>(set: &AddrSet, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(set)
}

fn forwarder_subnet(d: &Design, h: &Hop) -> Option<SubnetId> {
    match h {
        Hop::Appliance { firewall } => Some(d.firewalls[firewall.ix()].subnet),
        Hop::ForwardingNic { workload } => Some(d.workloads[workload.ix()].subnet),
        _ => None,
    }
}

/// Where a next hop leads from a forwarder in `vnet` (as the tracer follows it).
fn next_node(d: &Design, vnet: VnetId, nh: &NextHop) -> Hop {
    match nh {
        NextHop::None => Hop::Dropped,
        NextHop::VnetLocal => Hop::Vnet { vnet },
        NextHop::VnetPeering { vnet } => Hop::Vnet { vnet: *vnet },
        NextHop::InterfaceEndpoint { pe } => Hop::PrivateEndpoint { pe: *pe },
        NextHop::Internet => Hop::Internet,
        NextHop::VirtualNetworkServiceEndpoint { tag } => Hop::ServiceEndpoint { tag: tag.clone() },
        NextHop::VirtualNetworkGateway { gateway } => match gateway {
            Some(g) => Hop::Gateway { gateway: *g },
            None => Hop::Dropped,
        },
        NextHop::VirtualAppliance { ip } => {
            if let Some(i) = d.firewalls.iter().position(|f| f.ip == *ip) {
                let fv = d.subnets[d.firewalls[i].subnet.ix()].vnet;
                // B3: an appliance in a VNet that is not directly peered cannot be a next hop.
                if fv != vnet && d.peering(vnet, fv).is_none_or(|p| !p.connected) {
                    return Hop::Dropped;
                }
                return Hop::Appliance {
                    firewall: FirewallId(i as u32),
                };
            }
            match d
                .workloads
                .iter()
                .position(|w| w.ip == *ip && w.ip_forwarding)
            {
                Some(i) => Hop::ForwardingNic {
                    workload: WorkloadId(i as u32),
                },
                None => Hop::Dropped,
            }
        }
    }
}

impl ForwardingGraph {
    /// Builds the forwarding graph of a design.
    pub fn of(d: &Design) -> Self {
        let mut g = Self {
            graph: DiGraph::new(),
            index: BTreeMap::new(),
        };
        let forwarders: Vec<Hop> = (0..d.firewalls.len())
            .map(|i| Hop::Appliance {
                firewall: FirewallId(i as u32),
            })
            .chain(
                d.workloads
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.ip_forwarding)
                    .map(|(i, _)| Hop::ForwardingNic {
                        workload: WorkloadId(i as u32),
                    }),
            )
            .collect();
        for h in forwarders {
            let from = g.node(h.clone());
            let subnet = forwarder_subnet(d, &h).expect("a forwarder");
            let vnet = d.subnets[subnet.ix()].vnet;
            let view = &d.derived.routes[subnet.ix()];
            // Cut at every prefix boundary of the subnet's active routes.
            let mut cuts: Vec<u64> = vec![0, 1 << 32];
            for r in view.routes.iter().filter(|r| r.active) {
                cuts.push(u64::from(u32::from(r.prefix.network())));
                cuts.push(u64::from(u32::from(r.prefix.broadcast())) + 1);
            }
            cuts.sort_unstable();
            cuts.dedup();
            let mut edges: BTreeMap<(Hop, Option<usize>), Ranges> = BTreeMap::new();
            for w in cuts.windows(2) {
                let (lo, hi) = (w[0] as u32, (w[1] - 1) as u32);
                let choice = view.lookup(Ipv4Addr::from(lo));
                let to = match &choice {
                    Some(c) => next_node(d, vnet, &view.routes[c.index].next_hop),
                    None => Hop::Dropped,
                };
                edges
                    .entry((to, choice.map(|c| c.index)))
                    .or_default()
                    .push((lo, hi));
            }
            for ((to, route), ranges) in edges {
                let to = g.node(to);
                g.graph.add_edge(
                    from,
                    to,
                    RouteEdge {
                        destinations: AddrSet::from_ranges(ranges),
                        subnet,
                        route: route.unwrap_or(usize::MAX),
                    },
                );
            }
        }
        g
    }

    fn node(&mut self, h: Hop) -> NodeIndex {
        if let Some(&i) = self.index.get(&h) {
            return i;
        }
        let i = self.graph.add_node(h.clone());
        self.index.insert(h, i);
        i
    }

    /// Every routing loop, for every destination: the strongly connected groups of forwarders
    /// (Tarjan), and in each the destination classes (cut at every boundary of its edges'
    /// labels) for which following the routes comes back to a forwarder. One entry per cycle,
    /// with every destination it catches; sorted by cycle.
    pub fn loops(&self, d: &Design) -> Vec<Loop> {
        let mut found: BTreeMap<Vec<NodeIndex>, Vec<(u32, u32)>> = BTreeMap::new();
        for scc in tarjan_scc(&self.graph) {
            let inside = |n: NodeIndex| scc.contains(&n);
            let self_loop = scc.len() == 1 && self.graph.find_edge(scc[0], scc[0]).is_some();
            if scc.len() < 2 && !self_loop {
                continue;
            }
            let mut cuts: Vec<u64> = Vec::new();
            for &n in &scc {
                for e in self.graph.edges(n).filter(|e| inside(e.target())) {
                    for &(lo, hi) in e.weight().destinations.ranges() {
                        cuts.push(u64::from(lo));
                        cuts.push(u64::from(hi) + 1);
                    }
                }
            }
            cuts.sort_unstable();
            cuts.dedup();
            for w in cuts.windows(2) {
                let (lo, hi) = (w[0] as u32, (w[1] - 1) as u32);
                let dst = Ipv4Addr::from(lo);
                // The successor of each forwarder of the group for this class, if inside it.
                let next = |n: NodeIndex| {
                    self.graph
                        .edges(n)
                        .find(|e| e.weight().destinations.contains(dst))
                        .map(|e| e.target())
                        .filter(|&t| inside(t))
                };
                let mut sorted = scc.clone();
                sorted.sort_unstable();
                for &start in &sorted {
                    let mut path = vec![start];
                    let mut cur = start;
                    while let Some(n) = next(cur) {
                        if let Some(p) = path.iter().position(|&x| x == n) {
                            let mut cycle = path[p..].to_vec();
                            let m = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap_or(0);
                            cycle.rotate_left(m);
                            let v = found.entry(cycle).or_default();
                            if v.last() != Some(&(lo, hi)) {
                                v.push((lo, hi));
                            }
                            break;
                        }
                        path.push(n);
                        cur = n;
                    }
                }
            }
        }
        found
            .into_iter()
            .map(|(cycle, ranges)| self.describe(d, &cycle, AddrSet::from_ranges(ranges)))
            .collect()
    }

    fn describe(&self, d: &Design, cycle: &[NodeIndex], destinations: AddrSet) -> Loop {
        let dst = destinations.first().unwrap_or(Ipv4Addr::UNSPECIFIED);
        let name = |n: NodeIndex| match &self.graph[n] {
            Hop::Appliance { firewall } => d.firewalls[firewall.ix()].name.clone(),
            Hop::ForwardingNic { workload } => d.workloads[workload.ix()].name.clone(),
            h => format!("{h:?}"),
        };
        let routes = cycle
            .iter()
            .map(|&n| {
                let e = self
                    .graph
                    .edges(n)
                    .find(|e| e.weight().destinations.contains(dst));
                let view = |w: &RouteEdge| d.derived.routes[w.subnet.ix()].routes.get(w.route);
                match e.and_then(|e| view(e.weight()).map(|r| (e.weight(), r))) {
                    Some((w, r)) => {
                        let ip = r
                            .next_hop
                            .ip(d)
                            .map(|i| format!(" {i}"))
                            .unwrap_or_default();
                        format!(
                            "{}: {} → {}{ip} (route {})",
                            d.subnets[w.subnet.ix()].name,
                            r.prefix,
                            r.next_hop.type_name(),
                            r.name
                        )
                    }
                    None => String::new(),
                }
            })
            .collect();
        Loop {
            destinations,
            cycle: cycle.iter().map(|&n| name(n)).collect(),
            routes,
            subnet: forwarder_subnet(d, &self.graph[cycle[0]]).unwrap_or(SubnetId(0)),
        }
    }
}

/// Every routing loop of the design ([`ForwardingGraph::loops`]).
pub fn routing_loops(d: &Design) -> Vec<Loop> {
    if d.firewalls.is_empty() && !d.workloads.iter().any(|w| w.ip_forwarding) {
        return Vec::new();
    }
    ForwardingGraph::of(d).loops(d)
}
