//! The records of a topology file, exactly as written (defaults are applied by the model).
//! The normative contract is `docs/format.md`; the JSON Schema in `docs/topology.schema.json` is
//! generated from these types.

use super::enums::*;
use super::values::{Cidr, Date, Ip, IpOrCidr, OneOrMany, Port, Spanned, record};
use std::collections::BTreeMap;

/// A list of address entries: `*`, an IP, a CIDR, a service tag, or `asg:NAME`.
pub type AddrList = OneOrMany<Spanned<String>>;
/// A list of ports or port ranges.
pub type PortList = OneOrMany<Spanned<Port>>;
/// A reference to another element by name.
pub type Ref = Spanned<String>;

mod dns;
mod expect;
mod firewall;
mod front_door;
mod network;
mod resources;
mod security;

pub use dns::*;
pub use expect::*;
pub use firewall::*;
pub use front_door::*;
pub use network::*;
pub use resources::*;
pub use security::*;

record! {
    /// A whole topology file.
    pub struct TopologyFile ("topology") {
        /// Format version; must be 1.
        #[schemars(extend("const" = 1))]
        version: Spanned<u32> => req,
        /// Name of the design.
        name: String => req,
        /// What the design is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String> => opt,
        /// Default region of every resource (`eastus` when omitted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        region: Option<String> => opt,
        /// Default subscription (id or name) of every resource; resources without one share it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subscription: Option<String> => opt,
        /// Default resource group of every resource.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resource_group: Option<String> => opt,
        /// Virtual networks by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        vnets: BTreeMap<String, VnetDef> => def,
        /// VNet peerings.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        peerings: Vec<PeeringDef> => def,
        /// Network security groups by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        nsgs: BTreeMap<String, NsgDef> => def,
        /// Azure Virtual Network Manager security admin configurations by name: rule collections
        /// applied to VNets, evaluated before their NSGs.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        security_admin_configurations: BTreeMap<String, AdminConfigDef> => def,
        /// Application security groups by name (workloads' `asgs` also declare them).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        asgs: BTreeMap<String, AsgDef> => def,
        /// Route tables by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        route_tables: BTreeMap<String, RouteTableDef> => def,
        /// VPN / ExpressRoute gateways by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        gateways: BTreeMap<String, GatewayDef> => def,
        /// Firewalls and network virtual appliances by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        firewalls: BTreeMap<String, FirewallDef> => def,
        /// NAT gateways by name (subnets name theirs with `nat_gateway`).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        nat_gateways: BTreeMap<String, NatGatewayDef> => def,
        /// Azure Firewall IP groups by name: named address sets that rules use through
        /// `source_ip_groups` and `destination_ip_groups`.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        ip_groups: BTreeMap<String, IpGroupDef> => def,
        /// Service endpoint policies by name (subnets name theirs with
        /// `service_endpoint_policies`).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        service_endpoint_policies: BTreeMap<String, ServiceEndpointPolicyDef> => def,
        /// Workloads by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        workloads: BTreeMap<String, WorkloadDef> => def,
        /// Azure Front Door profiles by name (a global reverse proxy outside the VNets).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        front_doors: BTreeMap<String, FrontDoorDef> => def,
        /// PaaS services by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        services: BTreeMap<String, ServiceDef> => def,
        /// Private DNS.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dns: Option<DnsDef> => opt,
        /// Clients outside the designed networks by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        clients: BTreeMap<String, ClientDef> => def,
        /// Design intents checked by `vnetlab check`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        expect: Vec<ExpectDef> => def,
        /// Accepted findings (waivers): each names a finding kind and an element, why it is
        /// accepted, who owns the exception and when it expires.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        accept: Vec<AcceptDef> => def,
    }
}
