//! One decision per element, each with its provenance: NSGs, effective routes, DNS, PaaS
//! firewalls, and firewalls/NVAs. The tracer strings these together hop by hop.

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

/// Tables derived once per design.
#[derive(Clone, Debug, Default)]
pub struct Derived {
    /// Effective routes per subnet.
    pub routes: Vec<RouteView>,
    /// What `VirtualNetwork` stands for, per VNet (A7).
    pub virtual_network: Vec<AddrSet>,
    /// Member addresses per ASG.
    pub asg_addrs: Vec<AddrSet>,
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
        let routes = (0..d.subnets.len())
            .map(|s| routes::effective_routes(d, SubnetId(s as u32)))
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
        set = set.union(&d.vnet_space(p.remote));
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
