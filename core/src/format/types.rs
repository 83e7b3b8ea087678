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
    /// A network security group; the six default rules are implied.
    pub struct NsgDef ("NSG") {
        /// Custom rules.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rules: Vec<NsgRuleDef> => def,
    }
}

record! {
    /// A security rule.
    pub struct NsgRuleDef ("NSG rule") {
        /// Unique name in the NSG.
        name: Spanned<String> => req,
        /// 100..4096, unique per direction.
        #[schemars(range(min = 100, max = 4096))]
        priority: Spanned<u32> => req,
        /// inbound | outbound.
        direction: Direction => req,
        /// allow | deny.
        access: Access => req,
        /// Protocol (default any).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<RuleProtocol> => opt,
        /// Source addresses (default *).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<AddrList> => opt,
        /// Source ports (default *).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_ports: Option<PortList> => opt,
        /// Destination addresses (default *).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<AddrList> => opt,
        /// Destination ports (default *).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination_ports: Option<PortList> => opt,
        /// Free text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String> => opt,
    }
}

record! {
    /// An Azure Virtual Network Manager security admin configuration.
    pub struct AdminConfigDef ("security admin configuration") {
        /// Its rule collections.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rule_collections: Vec<AdminCollectionDef> => def,
    }
}

record! {
    /// A rule collection of a security admin configuration, applied to the VNets of its
    /// network groups.
    pub struct AdminCollectionDef ("admin rule collection") {
        /// Unique name in the configuration.
        name: Spanned<String> => req,
        /// The VNets of the network groups it targets (their every subnet and NIC).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[schemars(length(min = 1))]
        vnets: Vec<Ref> => nonempty,
        /// Security admin rules.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rules: Vec<AdminRuleDef> => def,
    }
}

record! {
    /// A security admin rule: evaluated before NSG rules; `deny` stops the packet,
    /// `always_allow` delivers it without NSG evaluation, `allow` hands it to the NSGs.
    pub struct AdminRuleDef ("security admin rule") {
        /// Unique name in the collection.
        name: Spanned<String> => req,
        /// 1..4096 (lower first).
        #[schemars(range(min = 1, max = 4096))]
        priority: Spanned<u32> => req,
        /// inbound | outbound.
        direction: Direction => req,
        /// allow | deny | always_allow.
        access: AdminAccess => req,
        /// Protocol (default any).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<RuleProtocol> => opt,
        /// Source addresses: `*`, IPs, CIDRs, service tags (default *).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<AddrList> => opt,
        /// Source ports (default *).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_ports: Option<PortList> => opt,
        /// Destination addresses: `*`, IPs, CIDRs, service tags (default *).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<AddrList> => opt,
        /// Destination ports (default *).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination_ports: Option<PortList> => opt,
        /// Free text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String> => opt,
    }
}

record! {
    /// An application security group.
    pub struct AsgDef ("ASG") {
        /// Free text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String> => opt,
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

record! {
    /// A firewall or network virtual appliance.
    pub struct FirewallDef ("firewall") {
        /// azure_firewall | fortigate | nva.
        kind: FirewallKind => req,
        /// `VNET/SUBNET` it sits in.
        subnet: Ref => req,
        /// Private IP (first free usable address when omitted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        private_ip: Option<Spanned<Ip>> => opt,
        /// Public IP SKU (default none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        public_ip: Option<PublicIpSku> => opt,
        /// The public IP address, for DNAT and SNAT (a documentation address when omitted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        public_ip_address: Option<Spanned<Ip>> => opt,
        /// Azure Firewall DNS proxy (needed for FQDNs in network rules).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dns_proxy: Option<bool> => opt,
        /// For `nva`: keep connection state (then symmetric routing is required).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stateful: Option<bool> => opt,
        /// For `nva`: translate the source of what it forwards to its own address (its private
        /// address toward private destinations, its public IP toward the internet; P17).
        /// Default false: the source is kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        snat: Option<bool> => opt,
        /// Azure Firewall: the destinations network rules do not SNAT to (its "private IP
        /// address ranges"): CIDRs or addresses, `IANAPrivateRanges` for the default (RFC 1918
        /// and RFC 6598), `0.0.0.0/0` never to SNAT, `255.255.255.255/32` always to SNAT.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        snat_private_ranges: Vec<Ref> => def,
        /// Azure Firewall rule collection groups.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rule_collection_groups: Vec<RuleCollectionGroupDef> => def,
        /// FortiGate policies, first match in list order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        policies: Vec<FortiPolicyDef> => def,
    }
}

record! {
    /// An Azure Firewall rule collection group.
    pub struct RuleCollectionGroupDef ("rule collection group") {
        /// Name.
        name: String => req,
        /// 100..65000, lower first.
        priority: Spanned<u32> => req,
        /// Inherited from a parent firewall policy: processed before every group of the
        /// policy itself, whatever the priorities (F1). Default false.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_parent_policy: Option<bool> => opt,
        /// Rule collections.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        collections: Vec<RuleCollectionDef> => def,
    }
}

record! {
    /// An Azure Firewall rule collection.
    pub struct RuleCollectionDef ("rule collection") {
        /// Name.
        name: String => req,
        /// dnat | network | application.
        kind: CollectionKind => req,
        /// 100..65000, lower first within the group.
        priority: Spanned<u32> => req,
        /// allow | deny (DNAT collections translate and allow).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<FwAction> => opt,
        /// Rules, first match wins.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rules: Vec<FirewallRuleDef> => def,
    }
}

record! {
    /// An Azure Firewall rule (DNAT, network or application, by its collection).
    pub struct FirewallRuleDef ("firewall rule") {
        /// Name.
        name: String => req,
        /// Source addresses: IPs, CIDRs, `a-b` ranges, subnets, VNets (default * unless
        /// `source_ip_groups` is given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<AddrList> => opt,
        /// Source IP groups (`ip_groups`), added to `source`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        source_ip_groups: Vec<Ref> => def,
        /// Destination addresses (IPs, CIDRs, `a-b` ranges) or service tags (network, DNAT).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<AddrList> => opt,
        /// Destination IP groups (`ip_groups`, network rules), added to `destination`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        destination_ip_groups: Vec<Ref> => def,
        /// Destination FQDNs in a network rule (needs DNS proxy).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        destination_fqdns: Vec<Ref> => def,
        /// Protocol of a network or DNAT rule (default any).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<RuleProtocol> => opt,
        /// Destination ports (network, DNAT).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination_ports: Option<PortList> => opt,
        /// Application rule target FQDNs (`*.example.com` wildcards allowed).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fqdns: Vec<Ref> => def,
        /// Application rule FQDN tags (`WindowsUpdate`, `AzureKubernetesService`, …): the FQDNs
        /// Microsoft keeps for a service.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fqdn_tags: Vec<Ref> => def,
        /// Application rule protocols, e.g. `https:443`, `http:80`, `mssql:1433`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        protocols: Vec<Ref> => def,
        /// DNAT: the private address traffic is translated to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        translated_address: Option<Spanned<Ip>> => opt,
        /// DNAT: the translated port.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        translated_port: Option<u16> => opt,
        /// DNAT: the name traffic is translated to, resolved by the firewall's DNS (instead of
        /// `translated_address`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        translated_fqdn: Option<Ref> => opt,
    }
}

record! {
    /// A FortiGate firewall policy.
    pub struct FortiPolicyDef ("FortiGate policy") {
        /// Name.
        name: String => req,
        /// Sources: `all`, addresses, on-premises site names, or `VNET/SUBNET`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[schemars(length(min = 1))]
        source: Vec<Ref> => nonempty,
        /// Destinations: `all`, addresses, or `VNET/SUBNET`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[schemars(length(min = 1))]
        destination: Vec<Ref> => nonempty,
        /// Services: `*`, `tcp/443`, `udp/53`, `tcp/8000-8100`, `icmp`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[schemars(length(min = 1))]
        service: Vec<Ref> => nonempty,
        /// Identity groups; the policy matches only authenticated members.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[schemars(length(min = 1))]
        groups: Vec<Ref> => nonempty,
        /// accept | deny.
        action: FortiAction => req,
        /// Source NAT (FortiOS `set nat enable`): an accepted packet leaves with the
        /// FortiGate's address on the egress side — its private address toward private
        /// destinations, its public IP toward the internet — so the reply returns to it (P17).
        /// Default false: the source is kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nat: Option<bool> => opt,
    }
}

record! {
    /// A workload (VM, Azure ML compute, AKS, endpoint, …) with one NIC in a subnet.
    pub struct WorkloadDef ("workload") {
        /// What it is.
        kind: WorkloadKind => req,
        /// Azure resource tags (`owner`, `cost-center`, …).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        tags: BTreeMap<String, String> => def,
        /// `VNET/SUBNET`.
        subnet: Ref => req,
        /// Private IP (first free usable address when omitted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ip: Option<Spanned<Ip>> => opt,
        /// compute_cluster: nodes at full scale (each takes an address).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_nodes: Option<Spanned<u32>> => opt,
        /// aks: node count.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node_count: Option<Spanned<u32>> => opt,
        /// aks: maximum pods per node.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_pods: Option<u32> => opt,
        /// aks: network plugin (default azure_cni_overlay).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        network_plugin: Option<NetworkPlugin> => opt,
        /// Public IP SKU (default none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        public_ip: Option<PublicIpSku> => opt,
        /// The public IP address (a documentation address when omitted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        public_ip_address: Option<Spanned<Ip>> => opt,
        /// NIC-level NSG.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nsg: Option<Ref> => opt,
        /// Application security groups of the NIC.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        asgs: Vec<Ref> => def,
        /// IP forwarding on the NIC.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ip_forwarding: Option<bool> => opt,
        /// The Azure ML workspace a compute or endpoint belongs to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        workspace: Option<Ref> => opt,
        /// online_endpoint / aks: public ingress (default enabled).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        public_network_access: Option<Toggle> => opt,
        /// dns_server: forwards unknown names to Azure DNS 168.63.129.16 (default true).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        forwards_to_azure_dns: Option<bool> => opt,
        /// Azure ML compute: packages are installed from public hosts during training.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        package_hosts: Vec<Ref> => def,
        /// Azure ML compute: Azure Batch node communication mode (`classic` opts in to the
        /// legacy inbound ports 29876-29877 from `BatchNodeManagement`; default `simplified`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node_communication_mode: Option<NodeCommunicationMode> => opt,
        /// app_gateway: the Web Application Firewall policy's mode (default `off`: a Standard_v2
        /// gateway with no WAF policy).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waf: Option<WafMode> => opt,
        /// app_gateway / api_management: listeners. The gateway is a reverse proxy: it
        /// terminates each connection to a listener and opens a new one from its own private
        /// address to a backend of the listener's pool.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        listeners: Vec<ListenerDef> => def,
        /// api_management: how it is injected in its subnet (`virtualNetworkType`, required):
        /// `external` (its gateway has a public frontend) or `internal` (private only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        virtual_network_type: Option<ApimVnetType> => opt,
        /// aks: a private cluster (`apiServerAccessProfile.enablePrivateCluster`): the API
        /// server is reached through a private endpoint in the cluster's VNet (default false:
        /// a public API server endpoint).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        private_cluster: Option<bool> => opt,
        /// aks: the public API server's authorized IP ranges
        /// (`apiServerAccessProfile.authorizedIPRanges`; empty: open to every address).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        authorized_ip_ranges: Vec<Spanned<Cidr>> => def,
        /// aks: how the cluster's egress leaves (`networkProfile.outboundType`, default
        /// `load_balancer`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outbound_type: Option<AksOutboundType> => opt,
        /// dns_server: host records it answers itself: name → address.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        records: BTreeMap<String, Spanned<Ip>> => def,
        /// dns_server: conditional forwarders: domain → the DNS servers it forwards that
        /// domain's names to (the longest matching domain wins, before `forwards_to_azure_dns`).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        forwarders: BTreeMap<String, Vec<Spanned<Ip>>> => def,
        /// Azure ML compute instance / cluster: public SSH access (default disabled): with a
        /// public IP, the NSG Azure ML creates opens TCP 22 to any source.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ssh_public_access: Option<Toggle> => opt,
    }
}

record! {
    /// A listener of an application gateway and the backend pool it forwards to.
    pub struct ListenerDef ("listener") {
        /// The frontend port (TCP).
        port: Spanned<u16> => req,
        /// The frontend it listens on: `public` (default when the gateway has a public IP) or
        /// `private`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        frontend: Option<Frontend> => opt,
        /// The backend pool: workload names or IP addresses.
        backends: Vec<Ref> => req,
        /// The backend port (default the listener's port).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        backend_port: Option<Spanned<u16>> => opt,
    }
}

record! {
    /// An Azure PaaS service with its network settings.
    pub struct ServiceDef ("service") {
        /// What it is.
        kind: ServiceKind => req,
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
        /// Public network access (default enabled).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        public_network_access: Option<Toggle> => opt,
        /// Network ACL default action when public access is enabled (default allow).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_action: Option<DefaultAction> => opt,
        /// Public IP rules: addresses and CIDR prefixes (Azure Storage takes a single address
        /// bare: it refuses /31 and /32 prefixes).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ip_rules: Vec<Spanned<IpOrCidr>> => def,
        /// `VNET/SUBNET` rules (need a service endpoint on the subnet).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        virtual_network_rules: Vec<Ref> => def,
        /// Allow trusted Azure services (default true).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusted_services: Option<bool> => opt,
        /// ml_workspace: default storage account.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        storage: Option<Ref> => opt,
        /// ml_workspace: key vault.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_vault: Option<Ref> => opt,
        /// ml_workspace: container registry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        container_registry: Option<Ref> => opt,
        /// ml_workspace: Application Insights.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        application_insights: Option<Ref> => opt,
        /// ml_workspace: managed virtual network.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        managed_network: Option<ManagedNetworkDef> => opt,
        /// ml_workspace: the compute cluster that builds Docker images when the container
        /// registry is not reachable publicly (`imageBuildCompute`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image_build_compute: Option<Ref> => opt,
        /// storage: resource instances admitted through the firewall by their managed identity,
        /// even from selected networks or with public access disabled.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        resource_access_rules: Vec<ResourceAccessRuleDef> => def,
        /// ml_workspace: managed online endpoints by name (they run in Microsoft's network, not
        /// in a customer subnet).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        online_endpoints: BTreeMap<String, OnlineEndpointDef> => def,
        /// Private endpoints of the service.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        private_endpoints: Vec<PrivateEndpointDef> => def,
        /// ml_workspace: the Azure AI Foundry hub (another ml_workspace) this workspace is a
        /// project of. A project shares its hub's network, private endpoints and connected
        /// resources, so it sets none of its own; computes of a project are the hub's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hub: Option<Ref> => opt,
        /// ml_workspace (a hub): the connected Azure AI services account (`ai_services`) its
        /// computes call on 443.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ai_services: Option<Ref> => opt,
        /// ml_workspace (a hub): the connected Azure AI Search service (`ai_search`) its computes
        /// call on 443.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        search: Option<Ref> => opt,
        /// ml_workspace: users work with data in Azure ML studio (data preview, designer,
        /// AutoML, labeling), whose documented limits with storage behind a VNet are then
        /// reported (default false).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        studio: Option<bool> => opt,
        /// ml_workspace: a labeling project uses ML-assisted data labeling (default false).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ml_assisted_labeling: Option<bool> => opt,
        /// ml_workspace: the storage account (a `storage` service) the labeling project's data
        /// is in (default: the workspace's default storage).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        labeling_storage: Option<Ref> => opt,
    }
}

record! {
    /// A managed online endpoint of an Azure ML workspace.
    pub struct OnlineEndpointDef ("online endpoint") {
        /// Scoring from public networks (default enabled); disabled, clients score through the
        /// workspace's private endpoint.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        public_network_access: Option<Toggle> => opt,
        /// Deployments by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        deployments: BTreeMap<String, DeploymentDef> => def,
    }
}

record! {
    /// A deployment of a managed online endpoint.
    pub struct DeploymentDef ("deployment") {
        /// Outbound to public networks (default enabled); disabled, the deployment reaches only
        /// the workspace and its storage, key vault and registry, through private endpoints.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        egress_public_network_access: Option<Toggle> => opt,
    }
}

record! {
    /// A storage account's resource instance rule: one Azure resource instance, by resource
    /// type and name, admitted when it calls with its managed identity.
    pub struct ResourceAccessRuleDef ("resource access rule") {
        /// The resource type, e.g. `Microsoft.MachineLearningServices/workspaces`.
        resource_type: Ref => req,
        /// The instance: a service of the design (by name) or an Azure resource id.
        resource: Ref => req,
    }
}

record! {
    /// An Azure ML managed virtual network.
    pub struct ManagedNetworkDef ("managed network") {
        /// Isolation mode (default disabled).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        isolation: Option<Isolation> => opt,
        /// User-defined outbound rules.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        outbound_rules: Vec<OutboundRuleDef> => def,
    }
}

record! {
    /// A managed-network outbound rule.
    pub struct OutboundRuleDef ("outbound rule") {
        /// Name.
        name: String => req,
        /// private_endpoint | service_tag | fqdn.
        kind: OutboundRuleKind => req,
        /// private_endpoint: the target service.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<Ref> => opt,
        /// private_endpoint: subresource, e.g. blob.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subresource: Option<String> => opt,
        /// service_tag: the tag.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service_tag: Option<Ref> => opt,
        /// service_tag: protocol.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<RuleProtocol> => opt,
        /// service_tag: ports.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port_ranges: Option<PortList> => opt,
        /// fqdn: destination.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<Ref> => opt,
    }
}

record! {
    /// A private endpoint of a service.
    pub struct PrivateEndpointDef ("private endpoint") {
        /// `VNET/SUBNET`.
        subnet: Ref => req,
        /// Private IP (first free usable address when omitted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ip: Option<Spanned<Ip>> => opt,
        /// Subresource (group id): blob, file, vault, registry, amlworkspace, …
        group: Ref => req,
        /// Private DNS zones its A records are registered in.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        zones: Vec<Ref> => def,
        /// Connection state (default approved).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<PeState> => opt,
    }
}

record! {
    /// Private DNS.
    pub struct DnsDef ("dns") {
        /// Private DNS zones by zone name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        private_zones: BTreeMap<String, PrivateZoneDef> => def,
        /// Azure DNS Private Resolvers by name.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        resolvers: BTreeMap<String, DnsResolverDef> => def,
        /// DNS forwarding rulesets by name: conditional forwarding for the VNets linked to them.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        forwarding_rulesets: BTreeMap<String, ForwardingRulesetDef> => def,
        /// DNS servers outside the VNets (on-premises) by name, with their host records and
        /// conditional forwarders; clients and forwarding rules name them by address.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        servers: BTreeMap<String, DnsServerDef> => def,
    }
}

record! {
    /// An Azure DNS Private Resolver in a VNet.
    pub struct DnsResolverDef ("DNS private resolver") {
        /// The VNet it is deployed in.
        vnet: Ref => req,
        /// Inbound endpoints: addresses that answer queries from outside the VNet (on-premises,
        /// other VNets) with Azure DNS in this VNet's view.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        inbound_endpoints: Vec<InboundEndpointDef> => def,
        /// Outbound endpoints: the dedicated subnets (`VNET/SUBNET`) forwarding rulesets send
        /// queries from.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        outbound_endpoints: Vec<Ref> => def,
    }
}

record! {
    /// An inbound endpoint of a DNS private resolver.
    pub struct InboundEndpointDef ("inbound endpoint") {
        /// Its dedicated subnet, `VNET/SUBNET` in the resolver's VNet.
        subnet: Ref => req,
        /// Its address in that subnet.
        ip: Spanned<Ip> => req,
    }
}

record! {
    /// A DNS forwarding ruleset: VNets linked to it send queries for its rules' domains to the
    /// rules' target DNS servers.
    pub struct ForwardingRulesetDef ("forwarding ruleset") {
        /// The resolver whose outbound endpoint forwards the queries.
        resolver: Ref => req,
        /// The VNets linked to the ruleset.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        links: Vec<Ref> => def,
        /// Forwarding rules; when several match a name, the longest domain wins.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rules: Vec<ForwardingRuleDef> => def,
    }
}

record! {
    /// A DNS forwarding rule.
    pub struct ForwardingRuleDef ("forwarding rule") {
        /// The domain it applies to (and every name under it), e.g. `api.azureml.ms`; `.` for
        /// every name.
        domain: Spanned<String> => req,
        /// The DNS servers queries are forwarded to.
        targets: Vec<Spanned<Ip>> => req,
        /// Whether the rule applies (default true).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        enabled: Option<bool> => opt,
    }
}

record! {
    /// A DNS server outside the VNets, e.g. on-premises.
    pub struct DnsServerDef ("DNS server") {
        /// Its address.
        ip: Spanned<Ip> => req,
        /// Host records it answers itself: name → address.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        records: BTreeMap<String, Spanned<Ip>> => def,
        /// Conditional forwarders: domain → the DNS servers it forwards that domain's names to
        /// (the longest matching domain wins). Other names resolve on public DNS.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        forwarders: BTreeMap<String, Vec<Spanned<Ip>>> => def,
    }
}

record! {
    /// A private DNS zone.
    pub struct PrivateZoneDef ("private DNS zone") {
        /// VNets linked to the zone.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        links: Vec<Ref> => def,
        /// Extra A records (relative name → address); private endpoints add their own.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        records: BTreeMap<String, Spanned<Ip>> => def,
        /// Fallback to public resolution for names missing from the zone, for every link that
        /// does not set its own (default: NXDOMAIN).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resolution_policy: Option<ResolutionPolicy> => opt,
        /// Settings of individual links, by linked VNet (Azure sets them per VNet link).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        link_settings: BTreeMap<String, ZoneLinkDef> => def,
    }
}

record! {
    /// The settings of one virtual network link of a private DNS zone.
    pub struct ZoneLinkDef ("zone link") {
        /// This link's fallback for missing names (default: the zone's `resolution_policy`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resolution_policy: Option<ResolutionPolicy> => opt,
        /// Auto-registration: the VNet's virtual machines get A records `NAME.ZONE` (default
        /// false).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        registration_enabled: Option<bool> => opt,
    }
}

record! {
    /// A client outside the designed networks.
    pub struct ClientDef ("client") {
        /// internet | on_prem | azure_service.
        kind: ClientKind => req,
        /// on_prem: `GATEWAY/SITE` it sits behind.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        site: Option<Ref> => opt,
        /// Its address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ip: Option<Spanned<Ip>> => opt,
        /// Identity groups it is an authenticated member of.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        groups: Vec<String> => def,
        /// The DNS server it queries (a `dns_server` workload or a firewall's DNS proxy).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dns_server: Option<Spanned<Ip>> => opt,
        /// azure_service: the service tag it comes from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service_tag: Option<Ref> => opt,
    }
}

record! {
    /// A design intent.
    pub struct ExpectDef ("expectation") {
        /// What the intent is.
        name: String => req,
        /// Source: workload, client, `internet`, `service:TAG`, `VNET/SUBNET`, `VNET/*`, an IP or CIDR.
        from: Ref => req,
        /// Destination: workload, `SERVICE:SUBRESOURCE`, FQDN, `VNET/SUBNET`, `VNET/*`, IP or CIDR.
        to: Ref => req,
        /// Protocol (default tcp).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<RuleProtocol> => opt,
        /// One destination port.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<Spanned<Port>> => opt,
        /// A set of destination ports (`*` = all).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ports: Option<PortList> => opt,
        /// allowed | denied.
        verdict: ExpectedVerdict => req,
        /// Waypoints (`VNET/SUBNET`, firewall or application gateway names) the path must
        /// cross. An application gateway among them is where the client connects: the flow is
        /// addressed to its listener on `port`, and holds when the gateway forwards it to `to`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        via: Vec<Ref> => def,
    }
}

record! {
    /// A waiver: a reviewed finding that is accepted until a date. `vnetlab audit` reports the
    /// findings it matches as accepted; after `expires` it accepts nothing and is itself a finding.
    pub struct AcceptDef ("waiver") {
        /// The finding kind's id, e.g. `AML-PUBLIC-DEPENDENCY` (docs/aml.md).
        finding: Spanned<String> => req,
        /// The element the finding names (one of its resources, e.g. `mlstore` or `ml/training`).
        resource: Spanned<String> => req,
        /// Why the finding is accepted (the review's outcome).
        justification: String => req,
        /// Who owns the exception (a person or team).
        owner: String => req,
        /// The last day the waiver applies, `YYYY-MM-DD`.
        expires: Spanned<Date> => req,
    }
}

// Azure Front Door (issue #15, docs/semantics.md I8–I10).

record! {
    /// An Azure Front Door profile: a global reverse proxy with a public (anycast) frontend
    /// that ends each client connection and opens a new one to an origin.
    pub struct FrontDoorDef ("front door") {
        /// standard | premium (default standard; Private Link origins need premium).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sku: Option<FrontDoorSku> => opt,
        /// The mode of the WAF policy associated with its endpoint (default `off`: none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waf: Option<WafMode> => opt,
        /// Its origins (one origin group): requests go to the first that answers.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        origins: Vec<FrontDoorOriginDef> => def,
    }
}

record! {
    /// An origin of a Front Door profile.
    pub struct FrontDoorOriginDef ("origin") {
        /// The origin: a workload (behind an internal load balancer with Private Link, or at its
        /// public IP), a storage account, or a public IP address.
        host: Ref => req,
        /// premium: reach it through Private Link (a private endpoint Front Door manages, approved
        /// on the origin) instead of its public address (default false).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        private_link: Option<bool> => opt,
        /// The port Front Door connects to (`httpsPort`, default 443).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        https_port: Option<Spanned<u16>> => opt,
    }
}
