//! One decision per element, each with its provenance: NSGs, effective routes, DNS, PaaS
//! firewalls, and firewalls/NVAs. The tracer strings these together hop by hop.

pub mod admin;
pub mod dns;
pub mod firewall;
pub mod managed;
pub mod nsg;
pub mod paas;
pub mod routes;

use crate::model::{AsgId, Design, SubnetId, VnetId};
use crate::net::AddrSet;
use crate::tags::AZURE_HOST_IP;
use routes::RouteView;
use std::sync::Arc;

/// Tables derived once per design.
#[derive(Clone, Debug, Default)]
pub struct Derived {
    /// Effective routes per subnet. Subnets of one VNet with the same route table and service
    /// endpoints have the same routes, so they share one view (T3: 500 views for 5,000 subnets).
    pub routes: Vec<Arc<RouteView>>,
    /// What `VirtualNetwork` stands for, per VNet (A7).
    pub virtual_network: Vec<AddrSet>,
    /// Member addresses per ASG.
    pub asg_addrs: Vec<AddrSet>,
}

/// What a subnet's effective routes depend on besides the design's VNets, peerings, gateways
/// and private endpoints: its VNet, its route table and its service endpoints.
type RouteKey = (VnetId, Option<crate::model::RouteTableId>, Vec<String>);

/// The [`RouteKey`] of a subnet.
pub fn route_key(d: &Design, s: SubnetId) -> RouteKey {
    let sub = &d.subnets[s.ix()];
    (sub.vnet, sub.route_table, sub.service_endpoints.clone())
}

impl Derived {
    /// Computes the tables for a design.
    pub fn compute(d: &Design) -> Self {
        let virtual_network = (0..d.vnets.len())
            .map(|v| virtual_network(d, VnetId(v as u32)))
            .collect();
        let asg_addrs = d
            .asgs
            .iter()
            .map(|a| {
                a.members.iter().fold(AddrSet::empty(), |acc, w| {
                    acc.union(&d.workloads[w.ix()].ips)
                })
            })
            .collect();
        let mut shared: std::collections::HashMap<RouteKey, Arc<RouteView>> =
            std::collections::HashMap::new();
        let routes = (0..d.subnets.len())
            .map(|s| {
                let id = SubnetId(s as u32);
                shared
                    .entry(route_key(d, id))
                    .or_insert_with(|| Arc::new(routes::effective_routes(d, id)))
                    .clone()
            })
            .collect();
        Self {
            routes,
            virtual_network,
            asg_addrs,
        }
    }

    /// The addresses of an ASG.
    pub fn asg(&self, a: AsgId) -> &AddrSet {
        &self.asg_addrs[a.ix()]
    }
}

/// DERIVED from A7: the VNet's own ranges, peered VNets whose link allows virtual network access,
/// on-premises prefixes of the gateway it has or uses, and the Azure host address. Prefixes of
/// user-defined routes are not added (UNVERIFIED in the docs; leaving them out can only make
/// `VirtualNetwork` rules match less, never allow more).
pub fn virtual_network(d: &Design, v: VnetId) -> AddrSet {
    let mut set = d.vnet_space(v).union(&AddrSet::from_addr(AZURE_HOST_IP));
    for p in d
        .peerings
        .iter()
        .filter(|p| p.local == v && p.connected && p.allow_virtual_network_access)
    {
        // Subnet peering: the peered subnets' prefixes (ARM `remoteAddressSpace`, S12).
        set = set.union(&AddrSet::from_nets(d.peered_remote_prefixes(p)));
    }
    for g in routes::gateways_of(d, v) {
        for s in &d.gateways[g.ix()].sites {
            set = set.union(&AddrSet::from_nets(
                d.sites[s.ix()].prefixes.iter().copied(),
            ));
        }
    }
    set
}
