//! The design as a graph (petgraph): VNets contain subnets, subnets hold workloads, firewalls,
//! gateways and private endpoints; peerings, private links and gateway sites are edges. The
//! diagram, the tree views and the analyses that walk topology use it.

use super::*;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};

/// A node of the topology graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Element {
    /// A VNet.
    Vnet(VnetId),
    /// A subnet.
    Subnet(SubnetId),
    /// A workload.
    Workload(WorkloadId),
    /// A firewall.
    Firewall(FirewallId),
    /// A gateway.
    Gateway(GatewayId),
    /// An on-premises site.
    Site(SiteId),
    /// A private endpoint.
    PrivateEndpoint(PeId),
    /// A PaaS service.
    Service(ServiceId),
}

/// How two elements relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Parent contains child.
    Contains,
    /// A peering link (local → remote).
    Peering,
    /// A private endpoint connects to its service.
    PrivateLink,
    /// A gateway reaches a site.
    SiteConnection,
}

/// The design as a directed graph.
pub struct TopologyGraph {
    /// The graph.
    pub graph: StableDiGraph<Element, Relation>,
    index: std::collections::BTreeMap<Element, NodeIndex>,
}

impl TopologyGraph {
    /// Builds the graph of a design.
    pub fn of(d: &Design) -> Self {
        let mut g = Self {
            graph: StableDiGraph::new(),
            index: Default::default(),
        };
        for (i, v) in d.vnets.iter().enumerate() {
            let vn = g.node(Element::Vnet(VnetId(i as u32)));
            for s in &v.subnets {
                let sn = g.node(Element::Subnet(*s));
                g.graph.add_edge(vn, sn, Relation::Contains);
            }
        }
        for (i, w) in d.workloads.iter().enumerate() {
            g.child(
                Element::Subnet(w.subnet),
                Element::Workload(WorkloadId(i as u32)),
            );
        }
        for (i, f) in d.firewalls.iter().enumerate() {
            g.child(
                Element::Subnet(f.subnet),
                Element::Firewall(FirewallId(i as u32)),
            );
        }
        for (i, gw) in d.gateways.iter().enumerate() {
            g.child(
                Element::Subnet(gw.subnet),
                Element::Gateway(GatewayId(i as u32)),
            );
            for s in &gw.sites {
                let (a, b) = (
                    g.node(Element::Gateway(GatewayId(i as u32))),
                    g.node(Element::Site(*s)),
                );
                g.graph.add_edge(a, b, Relation::SiteConnection);
            }
        }
        for i in 0..d.services.len() {
            g.node(Element::Service(ServiceId(i as u32)));
        }
        for (i, pe) in d.private_endpoints.iter().enumerate() {
            let e = Element::PrivateEndpoint(PeId(i as u32));
            g.child(Element::Subnet(pe.subnet), e);
            let (a, b) = (g.node(e), g.node(Element::Service(pe.service)));
            g.graph.add_edge(a, b, Relation::PrivateLink);
        }
        for p in &d.peerings {
            let (a, b) = (
                g.node(Element::Vnet(p.local)),
                g.node(Element::Vnet(p.remote)),
            );
            g.graph.add_edge(a, b, Relation::Peering);
        }
        g
    }

    fn node(&mut self, e: Element) -> NodeIndex {
        if let Some(i) = self.index.get(&e) {
            return *i;
        }
        let i = self.graph.add_node(e);
        self.index.insert(e, i);
        i
    }

    fn child(&mut self, parent: Element, child: Element) {
        let (p, c) = (self.node(parent), self.node(child));
        self.graph.add_edge(p, c, Relation::Contains);
    }

    /// The elements directly contained in `e`, in id order.
    pub fn children(&self, e: Element) -> Vec<Element> {
        let Some(&i) = self.index.get(&e) else {
            return Vec::new();
        };
        let mut v: Vec<Element> = self
            .graph
            .edges_directed(i, petgraph::Direction::Outgoing)
            .filter(|edge| *edge.weight() == Relation::Contains)
            .map(|edge| self.graph[petgraph::visit::EdgeRef::target(&edge)])
            .collect();
        v.sort();
        v
    }

    /// The VNets peered from `v` (outgoing links), in id order.
    pub fn peers(&self, v: VnetId) -> Vec<VnetId> {
        let Some(&i) = self.index.get(&Element::Vnet(v)) else {
            return Vec::new();
        };
        let mut out: Vec<VnetId> = self
            .graph
            .edges_directed(i, petgraph::Direction::Outgoing)
            .filter(|e| *e.weight() == Relation::Peering)
            .filter_map(|e| match self.graph[petgraph::visit::EdgeRef::target(&e)] {
                Element::Vnet(r) => Some(r),
                _ => None,
            })
            .collect();
        out.sort();
        out
    }
}
