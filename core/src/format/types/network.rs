//! VNets, their subnets and peerings, route tables, gateways and their sites, IP groups, service endpoint policies and NAT gateways as written.

use super::*;

record! {
    /// A virtual network.
    pub struct VnetDef ("vnet") {
        /// One or more address ranges.
        address_space: Vec<Spanned<Cidr>> => req,
        /// Custom DNS servers; empty means Azure-provided DNS (168.63.129.16).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        dns_servers: Vec<Spanned<Ip>> => def,
        /// Region, when not the design's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        region: Option<String> => opt,
        /// Subscription, when not the design's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subscription: Option<String> => opt,
        /// Resource group, when not the design's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resource_group: Option<String> => opt,
        /// Azure resource tags (`owner`, `cost-center`, …).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        tags: BTreeMap<String, String> => def,
        /// Subnets by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        subnets: BTreeMap<String, SubnetDef> => def,
    }
}

record! {
    /// A subnet.
    pub struct SubnetDef ("subnet") {
        /// The subnet's prefix, inside the VNet's address space (or `prefixes`: exactly one of
        /// the two).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prefix: Option<Spanned<Cidr>> => opt,
        /// The subnet's address prefixes when it has several (ARM `addressPrefixes`): each
        /// inside the VNet's address space, Azure reserving five addresses in each (S11).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        prefixes: Vec<Spanned<Cidr>> => nonempty,
        /// Subnet-level NSG.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nsg: Option<Ref> => opt,
        /// Associated route table.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        route_table: Option<Ref> => opt,
        /// Service endpoints, e.g. `Microsoft.Storage`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        service_endpoints: Vec<Ref> => def,
        /// Service endpoint policies: over the `Microsoft.Storage` service endpoint only the
        /// storage accounts they list are reachable (needs that service endpoint).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        service_endpoint_policies: Vec<Ref> => def,
        /// Network policies for private endpoints in this subnet (default `disabled`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        private_endpoint_network_policies: Option<PeNetworkPolicies> => opt,
        /// The NAT gateway giving the subnet its outbound internet connectivity: it takes
        /// precedence over the NICs' public IPs for outbound-originated traffic.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nat_gateway: Option<Ref> => opt,
        /// Subnet delegations: the Azure services (`Microsoft.Web/serverFarms`, …) the subnet
        /// is delegated to. A delegated subnet cannot hold a private endpoint.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        delegations: Vec<Ref> => def,
        /// Default outbound access (default true). `false` makes a private subnet: a NIC with
        /// no explicit outbound method (NAT gateway, its own public IP, a firewall it routes
        /// through) cannot reach public endpoints.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_outbound_access: Option<bool> => opt,
    }
}

impl SubnetDef {
    /// The prefixes written: `prefix`, or the items of `prefixes` (S11).
    pub fn all_prefixes(&self) -> Vec<ipnet::Ipv4Net> {
        match &self.prefix {
            Some(p) => vec![p.value.0],
            None => self.prefixes.iter().map(|p| p.value.0).collect(),
        }
    }
}

record! {
    /// An Azure Firewall IP group.
    pub struct IpGroupDef ("IP group") {
        /// Its addresses: IPs, CIDRs and `a-b` ranges.
        addresses: Vec<Ref> => req,
    }
}

record! {
    /// A service endpoint policy for Azure Storage: the subnets it is applied to reach, over
    /// their storage service endpoint, only the accounts it lists.
    pub struct ServiceEndpointPolicyDef ("service endpoint policy") {
        /// The storage accounts (services of kind `storage`) allowed.
        storage_accounts: Vec<Ref> => req,
    }
}

record! {
    /// A NAT gateway: outbound-only internet connectivity for the subnets associated with it.
    pub struct NatGatewayDef ("NAT gateway") {
        /// Its public IP addresses (at least one); outbound flows leave Azure from the first.
        public_ips: Vec<Spanned<Ip>> => req,
    }
}

record! {
    /// A peering: `between` two VNets (both links) or `from`/`to` (one link).
    pub struct PeeringDef ("peering") {
        /// Both VNets; creates both links.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        between: Option<Vec<Ref>> => opt,
        /// The VNet owning a one-way link.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<Ref> => opt,
        /// The remote VNet of a one-way link.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<Ref> => opt,
        /// Accept traffic forwarded from the remote VNet (default false, P13).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        allow_forwarded_traffic: Option<bool> => opt,
        /// Include the remote VNet in `VirtualNetwork` (default true).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        allow_virtual_network_access: Option<bool> => opt,
        /// Let the remote VNet use this VNet's gateway (default false).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        allow_gateway_transit: Option<bool> => opt,
        /// Use the remote VNet's gateway (default false).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        use_remote_gateways: Option<bool> => opt,
        /// Subnet peering (ARM `peerCompleteVnets: false`): for each of the two VNets, the
        /// subnets it peers (`localSubnetNames` / `remoteSubnetNames`); absent, the whole VNets
        /// are peered (S12).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        subnets: BTreeMap<String, Vec<Ref>> => def,
    }
}

record! {
    /// A route table.
    pub struct RouteTableDef ("route table") {
        /// Propagate gateway (BGP) routes (default true).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        propagate_gateway_routes: Option<bool> => opt,
        /// User-defined routes.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        routes: Vec<RouteDef> => def,
    }
}

record! {
    /// A user-defined route.
    pub struct RouteDef ("route") {
        /// Unique name in the table.
        name: Spanned<String> => req,
        /// A CIDR or a service tag.
        prefix: Ref => req,
        /// Where matching traffic goes.
        next_hop: NextHopType => req,
        /// Required for `virtual_appliance`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next_hop_ip: Option<Spanned<Ip>> => opt,
    }
}

record! {
    /// A VPN or ExpressRoute gateway in a VNet's `GatewaySubnet`.
    pub struct GatewayDef ("gateway") {
        /// The VNet whose GatewaySubnet holds the gateway.
        vnet: Ref => req,
        /// vpn | expressroute (default vpn).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<GatewayKind> => opt,
        /// On-premises sites reached through the gateway.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        sites: BTreeMap<String, SiteDef> => def,
    }
}

record! {
    /// An on-premises site.
    pub struct SiteDef ("site") {
        /// The site's address prefixes (advertised as gateway routes).
        prefixes: Vec<Spanned<Cidr>> => req,
    }
}
