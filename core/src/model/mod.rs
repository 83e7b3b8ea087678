//! The validated domain model: every reference resolved to an id, every default applied, every
//! address allocated. Analyses work only on a [`Design`]; they never see the file format.

mod accept;
mod alloc;
mod build;
pub mod catalog;
pub mod delegations;
pub mod dns;
pub mod element;
pub mod fqdn_tags;
pub mod front_door;
mod ingress;
mod lookup;
mod peering;
pub mod relink;
mod settings;
mod subnet;
pub mod subnet_rules;
mod validate;

pub use alloc::usable as usable_range;
pub use alloc::{
    SMALLEST_SUBNET, address_count, aks_addresses, fitting_prefix, resize_advice, usable_count,
};
pub(crate) use build::relower_nsg;
pub use build::{build, build_owned};
pub use element::ElementRef;
pub use front_door::{FrontDoor, FrontDoorHost, FrontDoorOrigin};
pub(crate) use validate::nsg_rule_checks;

use crate::diag::Span;
use crate::format::{
    Access, AdminAccess, AksOutboundType, ClientKind, CollectionKind, Direction, ExpectedVerdict,
    FirewallKind, FortiAction, FwAction, GatewayKind, Isolation, NetworkPlugin, NextHopType,
    PeNetworkPolicies, PeState, PublicIpSku, ResolutionPolicy, ServiceKind, TopologyFile, WafMode,
    WorkloadKind,
};
use crate::net::{AddrSet, PortSet, Protocol};
use crate::tags::ServiceTags;
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

macro_rules! ids {
    ($($(#[$m:meta])* $name:ident),*) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub struct $name(pub u32);
        impl $name {
            /// The index into the design's vector.
            pub fn ix(self) -> usize { self.0 as usize }
        }
    )*};
}
ids!(
    /// A VNet.
    VnetId,
    /// A subnet.
    SubnetId,
    /// An NSG.
    NsgId,
    /// An application security group.
    AsgId,
    /// A route table.
    RouteTableId,
    /// A gateway.
    GatewayId,
    /// An on-premises site.
    SiteId,
    /// A firewall or NVA.
    FirewallId,
    /// A workload.
    WorkloadId,
    /// A PaaS service.
    ServiceId,
    /// A private endpoint.
    PeId,
    /// A private DNS zone.
    ZoneId,
    /// A client.
    ClientId,
    /// A NAT gateway.
    NatGatewayId,
    /// A service endpoint policy.
    EndpointPolicyId,
    /// An Azure Front Door profile.
    FrontDoorId
);

/// A validated design.
#[derive(Clone, Debug)]
pub struct Design {
    /// Name of the design.
    pub name: String,
    /// Description.
    pub description: String,
    /// Default region.
    pub region: String,
    /// VNets, sorted by name.
    pub vnets: Vec<Vnet>,
    /// Subnets, sorted by `VNET/SUBNET`.
    pub subnets: Vec<Subnet>,
    /// Peering links (one per direction).
    pub peerings: Vec<PeeringLink>,
    /// NSGs.
    pub nsgs: Vec<Nsg>,
    /// ASGs.
    pub asgs: Vec<Asg>,
    /// Route tables.
    pub route_tables: Vec<RouteTable>,
    /// Gateways.
    pub gateways: Vec<Gateway>,
    /// On-premises sites.
    pub sites: Vec<Site>,
    /// Firewalls and NVAs.
    pub firewalls: Vec<Firewall>,
    /// NAT gateways, sorted by name.
    pub nat_gateways: Vec<NatGateway>,
    /// Service endpoint policies, sorted by name.
    pub endpoint_policies: Vec<EndpointPolicy>,
    /// Workloads.
    pub workloads: Vec<Workload>,
    /// PaaS services.
    pub services: Vec<Service>,
    /// Azure Front Door profiles, sorted by name (I8).
    pub front_doors: Vec<FrontDoor>,
    /// Private endpoints.
    pub private_endpoints: Vec<PrivateEndpoint>,
    /// Private DNS zones.
    pub zones: Vec<PrivateZone>,
    /// DNS private resolvers, forwarding rulesets and DNS servers with records (A3).
    pub dns: dns::DnsSetup,
    /// Clients, the built-in `internet` first.
    pub clients: Vec<Client>,
    /// `expect` entries.
    pub expectations: Vec<Expectation>,
    /// The service tags in use.
    pub tags: ServiceTags,
    /// The records the design was built from (what-if edits change these and rebuild).
    pub file: TopologyFile,
    /// Tables derived once per design: effective routes, `VirtualNetwork` and ASG sets.
    pub derived: crate::eval::Derived,
}

/// A virtual network.
#[derive(Clone, Debug)]
pub struct Vnet {
    /// Name.
    pub name: String,
    /// Address ranges.
    pub address_space: Vec<Ipv4Net>,
    /// Custom DNS servers (empty: Azure DNS).
    pub dns_servers: Vec<Ipv4Addr>,
    /// Region.
    pub region: String,
    /// Subscription and resource group.
    pub scope: Scope,
    /// Azure resource tags.
    pub tags: BTreeMap<String, String>,
    /// Subnets.
    pub subnets: Vec<SubnetId>,
    /// Its gateway, if any.
    pub gateway: Option<GatewayId>,
    /// The AVNM security admin rules applied to it (S10).
    pub admin_rules: AdminRules,
}

/// The Azure Virtual Network Manager security admin rules applied to one VNet, each direction
/// in evaluation order (S10).
#[derive(Clone, Debug, Default)]
pub struct AdminRules {
    /// Inbound rules in evaluation order.
    pub inbound: Vec<AdminRule>,
    /// Outbound rules in evaluation order.
    pub outbound: Vec<AdminRule>,
}

impl AdminRules {
    /// The rules of one direction, in evaluation order.
    pub fn rules(&self, dir: Direction) -> &[AdminRule] {
        match dir {
            Direction::Inbound => &self.inbound,
            Direction::Outbound => &self.outbound,
        }
    }

    /// Whether no rule is applied.
    pub fn is_empty(&self) -> bool {
        self.inbound.is_empty() && self.outbound.is_empty()
    }
}

/// One security admin rule as applied in a VNet.
#[derive(Clone, Debug)]
pub struct AdminRule {
    /// Its action.
    pub access: AdminAccess,
    /// `CONFIGURATION/COLLECTION`.
    pub collection: String,
    /// What it matches (name, priority, direction, protocol, sides, ports; its `access` is
    /// `deny` for deny rules and `allow` for the two allowing actions).
    pub rule: NsgRule,
}

/// A subnet.
#[derive(Clone, Debug)]
pub struct Subnet {
    /// `VNET/SUBNET`.
    pub name: String,
    /// The subnet's own name.
    pub short_name: String,
    /// Its VNet.
    pub vnet: VnetId,
    /// Its first address prefix (of [`Subnet::prefixes`]).
    pub prefix: Ipv4Net,
    /// All its address prefixes (ARM `addressPrefixes`; one for most subnets, S11).
    pub prefixes: Vec<Ipv4Net>,
    /// Subnet NSG.
    pub nsg: Option<NsgId>,
    /// Route table.
    pub route_table: Option<RouteTableId>,
    /// Service endpoints (canonical names).
    pub service_endpoints: Vec<String>,
    /// Private endpoint network policies.
    pub pe_policies: PeNetworkPolicies,
    /// Its NAT gateway (outbound connectivity first, before the NICs' public IPs).
    pub nat_gateway: Option<NatGatewayId>,
    /// Default outbound access; `false` is a private subnet.
    pub default_outbound_access: bool,
    /// Service endpoint policies applied to the subnet.
    pub endpoint_policies: Vec<EndpointPolicyId>,
    /// The services the subnet is delegated to.
    pub delegations: Vec<String>,
    /// Security admin rules are not applied to it: it holds a service Microsoft exempts
    /// (a gateway, Azure Firewall, Azure Bastion, …; S10).
    pub admin_exempt: bool,
    /// Where it was declared.
    pub span: Span,
}

/// One direction of a peering: traffic and settings as seen by `local`.
#[derive(Clone, Debug)]
pub struct PeeringLink {
    /// The VNet that owns the link.
    pub local: VnetId,
    /// The peer.
    pub remote: VnetId,
    /// Accept traffic forwarded from the remote VNet.
    pub allow_forwarded_traffic: bool,
    /// Include the remote VNet in `VirtualNetwork`.
    pub allow_virtual_network_access: bool,
    /// Let the remote VNet use `local`'s gateway.
    pub allow_gateway_transit: bool,
    /// Use the remote VNet's gateway.
    pub use_remote_gateways: bool,
    /// Whether the reverse link exists too ("Connected"); one link alone is "Initiated".
    pub connected: bool,
    /// Subnet peering (S12): the subnets of `local` the link peers; `None` for the whole VNet.
    pub local_subnets: Option<Vec<SubnetId>>,
    /// Subnet peering (S12): the subnets of `remote` the link peers; `None` for the whole VNet.
    pub remote_subnets: Option<Vec<SubnetId>>,
    /// Where it was declared.
    pub span: Span,
}

/// An NSG with its custom rules and the six default rules, each direction in evaluation order.
#[derive(Clone, Debug)]
pub struct Nsg {
    /// Name.
    pub name: String,
    /// Inbound rules in priority order, defaults last.
    pub inbound: Vec<NsgRule>,
    /// Outbound rules in priority order, defaults last.
    pub outbound: Vec<NsgRule>,
}

impl Nsg {
    /// The rules of one direction, in evaluation order.
    pub fn rules(&self, dir: Direction) -> &[NsgRule] {
        match dir {
            Direction::Inbound => &self.inbound,
            Direction::Outbound => &self.outbound,
        }
    }
}

/// One address entry of a rule side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddrEntry {
    /// `*`.
    Any,
    /// A prefix or address.
    Prefix(Ipv4Net),
    /// A service tag (canonical name) other than `VirtualNetwork`.
    Tag(String),
    /// The `VirtualNetwork` tag: depends on the VNet the NSG applies in.
    VirtualNetwork,
    /// An application security group.
    Asg(AsgId),
}

/// A security rule.
#[derive(Clone, Debug)]
pub struct NsgRule {
    /// Name.
    pub name: String,
    /// Priority.
    pub priority: u32,
    /// Direction.
    pub direction: Direction,
    /// Access.
    pub access: Access,
    /// Protocol; `None` is Any.
    pub protocol: Option<Protocol>,
    /// Source entries.
    pub source: Vec<AddrEntry>,
    /// Source ports.
    pub source_ports: PortSet,
    /// Destination entries.
    pub destination: Vec<AddrEntry>,
    /// Destination ports.
    pub destination_ports: PortSet,
    /// One of the six default rules.
    pub is_default: bool,
    /// Where it was declared.
    pub span: Span,
}

/// An application security group and its member addresses.
#[derive(Clone, Debug)]
pub struct Asg {
    /// Name.
    pub name: String,
    /// Member workloads.
    pub members: Vec<WorkloadId>,
}

/// A route table.
#[derive(Clone, Debug)]
pub struct RouteTable {
    /// Name.
    pub name: String,
    /// Propagate gateway routes.
    pub propagate_gateway_routes: bool,
    /// User-defined routes.
    pub routes: Vec<UserRoute>,
}

/// A user-defined route.
#[derive(Clone, Debug)]
pub struct UserRoute {
    /// Name.
    pub name: String,
    /// The prefix as written (CIDR or service tag).
    pub prefix_text: String,
    /// The prefixes it stands for (a service tag expands to many).
    pub prefixes: Vec<Ipv4Net>,
    /// Whether the prefix was a service tag (explicit prefixes win exact ties).
    pub is_tag: bool,
    /// Next hop type.
    pub next_hop: NextHopType,
    /// Next hop IP (virtual appliance).
    pub next_hop_ip: Option<Ipv4Addr>,
}

/// A virtual network gateway.
#[derive(Clone, Debug)]
pub struct Gateway {
    /// Name.
    pub name: String,
    /// The VNet.
    pub vnet: VnetId,
    /// Its GatewaySubnet.
    pub subnet: SubnetId,
    /// Kind.
    pub kind: GatewayKind,
    /// Its address in the GatewaySubnet.
    pub ip: Ipv4Addr,
    /// Sites behind it.
    pub sites: Vec<SiteId>,
}

/// A NAT gateway.
#[derive(Clone, Debug)]
pub struct NatGateway {
    /// Name.
    pub name: String,
    /// Its public IP addresses (outbound flows leave from the first).
    pub public_ips: Vec<Ipv4Addr>,
}

/// A service endpoint policy (Azure Storage).
#[derive(Clone, Debug)]
pub struct EndpointPolicy {
    /// Name.
    pub name: String,
    /// The storage accounts it allows.
    pub storage_accounts: Vec<ServiceId>,
}

/// An on-premises site.
#[derive(Clone, Debug)]
pub struct Site {
    /// `GATEWAY/SITE`.
    pub name: String,
    /// The site's own name.
    pub short_name: String,
    /// Its gateway.
    pub gateway: GatewayId,
    /// Prefixes.
    pub prefixes: Vec<Ipv4Net>,
}

/// Where a resource is managed: its subscription and resource group (empty: unspecified).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Subscription id or name.
    pub subscription: String,
    /// Resource group.
    pub resource_group: String,
}

impl Scope {
    /// This scope with the non-empty parts of `over` put over it.
    pub fn with(&self, subscription: &Option<String>, resource_group: &Option<String>) -> Scope {
        Scope {
            subscription: subscription
                .clone()
                .unwrap_or_else(|| self.subscription.clone()),
            resource_group: resource_group
                .clone()
                .unwrap_or_else(|| self.resource_group.clone()),
        }
    }
}

/// A firewall or NVA.
#[derive(Clone, Debug)]
pub struct Firewall {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: FirewallKind,
    /// Subnet.
    pub subnet: SubnetId,
    /// Private IP.
    pub ip: Ipv4Addr,
    /// Public IP, if any.
    pub public_ip: Option<Ipv4Addr>,
    /// DNS proxy.
    pub dns_proxy: bool,
    /// Keeps connection state (Azure Firewall and FortiGate always; NVA when set).
    pub stateful: bool,
    /// Azure Firewall rule collections, flattened in processing order per rule kind.
    pub collections: Vec<RuleCollection>,
    /// FortiGate policies in list order.
    pub policies: Vec<FortiPolicy>,
    /// An NVA that translates the source of what it forwards (P17).
    pub snat: bool,
    /// Azure Firewall: destinations its network rules do not SNAT to (default the IANA
    /// private ranges, F3).
    pub snat_private: crate::net::AddrSet,
}

/// An Azure Firewall rule collection, with its group.
#[derive(Clone, Debug)]
pub struct RuleCollection {
    /// `GROUP/COLLECTION`.
    pub name: String,
    /// Kind.
    pub kind: CollectionKind,
    /// Group priority.
    pub group_priority: u32,
    /// The group comes from a parent policy (processed first).
    pub from_parent: bool,
    /// Collection priority.
    pub priority: u32,
    /// Action.
    pub action: FwAction,
    /// Rules.
    pub rules: Vec<FirewallRule>,
}

/// An Azure Firewall rule.
#[derive(Clone, Debug)]
pub struct FirewallRule {
    /// Name.
    pub name: String,
    /// Sources.
    pub source: AddrSet,
    /// Destinations (addresses and tags).
    pub destination: AddrSet,
    /// Destination FQDNs (network rules).
    pub destination_fqdns: Vec<String>,
    /// Protocol (`None` = any).
    pub protocol: Option<Protocol>,
    /// Destination ports.
    pub destination_ports: PortSet,
    /// Application rule FQDNs.
    pub fqdns: Vec<String>,
    /// Application rule FQDN tags (S20).
    pub fqdn_tags: Vec<&'static fqdn_tags::FqdnTag>,
    /// Application rule protocols (`https`, 443).
    pub app_protocols: Vec<(String, u16)>,
    /// DNAT target.
    pub translated: Option<(Ipv4Addr, u16)>,
    /// DNAT: the name the target is resolved from by the firewall's DNS (S21); with it,
    /// `translated` holds only the port.
    pub translated_fqdn: Option<String>,
}

/// A FortiGate policy.
#[derive(Clone, Debug)]
pub struct FortiPolicy {
    /// Name.
    pub name: String,
    /// Source addresses.
    pub source: AddrSet,
    /// Destination addresses.
    pub destination: AddrSet,
    /// Services: (protocol or any, ports).
    pub services: Vec<(Option<Protocol>, PortSet)>,
    /// Identity groups.
    pub groups: Vec<String>,
    /// Action.
    pub action: FortiAction,
    /// Source NAT on accepted packets (P17).
    pub nat: bool,
}

/// A workload with one NIC.
#[derive(Clone, Debug)]
pub struct Workload {
    /// Name.
    pub name: String,
    /// Azure resource tags.
    pub tags: BTreeMap<String, String>,
    /// Kind.
    pub kind: WorkloadKind,
    /// Subnet.
    pub subnet: SubnetId,
    /// Private IP (of the first node for clusters).
    pub ip: Ipv4Addr,
    /// Every address it holds at full scale (cluster nodes, AKS nodes and pods).
    pub ips: AddrSet,
    /// Addresses it takes from the subnet at full scale (wide: AKS's nodes × pods can exceed
    /// any subnet, and must say so rather than wrap).
    pub addresses: u64,
    /// Public IP SKU and address.
    pub public_ip: Option<(PublicIpSku, Ipv4Addr)>,
    /// NIC NSG.
    pub nsg: Option<NsgId>,
    /// ASGs.
    pub asgs: Vec<AsgId>,
    /// IP forwarding.
    pub ip_forwarding: bool,
    /// Azure ML workspace.
    pub workspace: Option<ServiceId>,
    /// Public ingress (endpoints, AKS).
    pub public_network_access: bool,
    /// dns_server: forwards to Azure DNS.
    pub forwards_to_azure_dns: bool,
    /// Package hosts used during training.
    pub package_hosts: Vec<String>,
    /// AKS network plugin.
    pub network_plugin: Option<NetworkPlugin>,
    /// Azure ML compute: legacy Batch node communication (inbound 29876-29877), P7.
    pub batch_classic: bool,
    /// Azure ML compute: public SSH access enabled (S23).
    pub ssh_public: bool,
    /// AKS: the most nodes the autoscaler may add (`max_nodes`), for address planning.
    pub max_nodes: Option<u32>,
    /// AKS: pods per node (`max_pods`, plugin default otherwise).
    pub max_pods: Option<u32>,
    /// Application gateway: its WAF policy's mode.
    pub waf: WafMode,
    /// Application gateway: its listeners (a reverse proxy to their backend pools).
    pub listeners: Vec<Listener>,
    /// AKS: the API server's access.
    pub api_server: ApiServer,
    /// AKS: how its egress leaves (`outboundType`).
    pub outbound_type: AksOutboundType,
    /// Where it was declared.
    pub span: Span,
}

impl Workload {
    /// Whether it is an application gateway or API Management with at least one listener (a
    /// reverse proxy).
    pub fn is_proxy(&self) -> bool {
        self.is_gateway() && !self.listeners.is_empty()
    }

    /// Whether it is a reverse proxy in a subnet: an application gateway or an API Management
    /// instance (their listeners end the client's connection, I2, I11).
    pub fn is_gateway(&self) -> bool {
        matches!(
            self.kind,
            WorkloadKind::AppGateway | WorkloadKind::ApiManagement
        )
    }

    /// How the reports name its kind of gateway.
    pub fn gateway_noun(&self) -> &'static str {
        match self.kind {
            WorkloadKind::ApiManagement => "API Management",
            _ => "application gateway",
        }
    }
}

/// A listener of an application gateway.
#[derive(Clone, Debug)]
pub struct Listener {
    /// Frontend port (TCP).
    pub port: u16,
    /// On the public frontend (else the private one).
    pub public: bool,
    /// The backend pool.
    pub backends: Vec<Backend>,
    /// The port connections to the backends use.
    pub backend_port: u16,
}

/// A member of an application gateway's backend pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A workload (its private address).
    Workload(WorkloadId),
    /// An address.
    Ip(Ipv4Addr),
}

/// How an AKS cluster's API server (control plane) is reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ApiServer {
    /// A public endpoint open to every address.
    #[default]
    Public,
    /// A public endpoint limited to authorized IP ranges.
    Authorized(Vec<Ipv4Net>),
    /// A private cluster: a private endpoint in the cluster's VNet.
    Private,
}

/// A managed virtual network of an Azure ML workspace.
#[derive(Clone, Debug)]
pub struct ManagedNetwork {
    /// Isolation mode.
    pub isolation: Isolation,
    /// User-defined outbound rules.
    pub outbound_rules: Vec<OutboundRule>,
}

/// An outbound rule of a managed virtual network (E4).
#[derive(Clone, Debug)]
pub struct OutboundRule {
    /// Name.
    pub name: String,
    /// What it allows.
    pub target: OutboundTarget,
}

/// What a managed-network outbound rule allows.
#[derive(Clone, Debug)]
pub enum OutboundTarget {
    /// A managed private endpoint to a service's subresource.
    PrivateEndpoint {
        /// The service.
        service: ServiceId,
        /// Its subresource (group id).
        group: String,
    },
    /// A service tag, with protocol and ports.
    ServiceTag {
        /// The tag (canonical).
        tag: String,
        /// Protocol (`None` = any).
        protocol: Option<Protocol>,
        /// Ports.
        ports: PortSet,
    },
    /// An FQDN through the managed Azure Firewall (ports 80 and 443).
    Fqdn {
        /// The name (a leading `*.` matches one or more labels).
        fqdn: String,
    },
}

/// A PaaS service.
#[derive(Clone, Debug)]
pub struct Service {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ServiceKind,
    /// Region.
    pub region: String,
    /// Subscription and resource group.
    pub scope: Scope,
    /// Azure resource tags.
    pub tags: BTreeMap<String, String>,
    /// Public network access enabled.
    pub public_network_access: bool,
    /// Default action allow (when public access is enabled).
    pub default_allow: bool,
    /// IP rules.
    pub ip_rules: AddrSet,
    /// VNet rules.
    pub vnet_rules: Vec<SubnetId>,
    /// Trusted Azure services bypass.
    pub trusted_services: bool,
    /// Workspace dependencies.
    pub storage: Option<ServiceId>,
    /// Workspace key vault.
    pub key_vault: Option<ServiceId>,
    /// Workspace container registry.
    pub container_registry: Option<ServiceId>,
    /// Workspace Application Insights.
    pub application_insights: Option<ServiceId>,
    /// Managed VNet.
    pub managed_network: Option<ManagedNetwork>,
    /// The Azure AI Foundry hub this workspace is a project of (it shares the hub's network).
    pub hub: Option<ServiceId>,
    /// A hub's connected Azure AI services account.
    pub ai_services: Option<ServiceId>,
    /// A hub's connected Azure AI Search service.
    pub search: Option<ServiceId>,
    /// Users work with data in Azure ML studio.
    pub studio: bool,
    /// A labeling project uses ML-assisted data labeling.
    pub ml_assisted_labeling: bool,
    /// The storage account labeling data is in (the default storage when `None`).
    pub labeling_storage: Option<ServiceId>,
    /// ml_workspace: the compute cluster that builds images (S25).
    pub image_build_compute: Option<WorkloadId>,
    /// storage: resource instance rules (S22).
    pub resource_access: Vec<ResourceAccess>,
    /// ml_workspace: managed online endpoints (S24).
    pub online_endpoints: Vec<OnlineEndpoint>,
    /// Private endpoints.
    pub private_endpoints: Vec<PeId>,
    /// The public endpoint's address (inside the service's regional tag).
    pub public_ip: Ipv4Addr,
    /// Where it was declared.
    pub span: Span,
}

/// A managed online endpoint of a workspace (S24).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnlineEndpoint {
    /// Name.
    pub name: String,
    /// Scoring from public networks.
    pub public: bool,
    /// Deployments: (name, outbound to public networks).
    pub deployments: Vec<(String, bool)>,
}

/// A storage account's resource instance rule (S22).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceAccess {
    /// The resource type as written (`Microsoft.MachineLearningServices/workspaces`).
    pub resource_type: String,
    /// The instance as written (a service name or an Azure resource id).
    pub resource: String,
    /// The design's service it names, if any.
    pub service: Option<ServiceId>,
}

/// A private endpoint.
#[derive(Clone, Debug)]
pub struct PrivateEndpoint {
    /// `SERVICE/GROUP` (with `#N` when a service has several for a group).
    pub name: String,
    /// Service.
    pub service: ServiceId,
    /// Subnet.
    pub subnet: SubnetId,
    /// IP.
    pub ip: Ipv4Addr,
    /// Group id (canonical).
    pub group: String,
    /// Zones it registers in.
    pub zones: Vec<ZoneId>,
    /// Connection state.
    pub state: PeState,
}

/// A private DNS zone.
#[derive(Clone, Debug)]
pub struct PrivateZone {
    /// Zone name.
    pub name: String,
    /// Linked VNets.
    pub links: Vec<VnetId>,
    /// A records: relative name (lower-case) → address; private endpoints' included.
    pub records: BTreeMap<String, Ipv4Addr>,
    /// Missing-name policy of links that set none.
    pub resolution_policy: ResolutionPolicy,
    /// Missing-name policies set on individual links.
    pub link_policies: BTreeMap<VnetId, ResolutionPolicy>,
    /// Links with auto-registration.
    pub registration: Vec<VnetId>,
    /// Auto-registered A records: relative name → (address, the VNet whose link registered
    /// it); they answer while that link exists.
    pub auto_records: BTreeMap<String, (Ipv4Addr, VnetId)>,
}

impl PrivateZone {
    /// The missing-name policy of the zone's link to `vnet`.
    pub fn policy_for(&self, vnet: VnetId) -> ResolutionPolicy {
        self.link_policies
            .get(&vnet)
            .copied()
            .unwrap_or(self.resolution_policy)
    }
}

/// A client outside the designed networks.
#[derive(Clone, Debug)]
pub struct Client {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ClientKind,
    /// On-premises site.
    pub site: Option<SiteId>,
    /// Address.
    pub ip: Ipv4Addr,
    /// Identity groups.
    pub groups: Vec<String>,
    /// DNS server it queries.
    pub dns_server: Option<Ipv4Addr>,
    /// Azure service tag it comes from.
    pub service_tag: Option<String>,
}

/// An `expect` entry.
#[derive(Clone, Debug)]
pub struct Expectation {
    /// Name.
    pub name: String,
    /// Source as written.
    pub from: String,
    /// Destination as written.
    pub to: String,
    /// Protocol (`None` = any).
    pub protocol: Option<Protocol>,
    /// Destination ports.
    pub ports: PortSet,
    /// Expected verdict.
    pub verdict: ExpectedVerdict,
    /// Waypoints.
    pub via: Vec<String>,
    /// Where it was declared.
    pub span: Span,
}

/// Options for building a design.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Service tags to use.
    pub tags: ServiceTags,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            tags: ServiceTags::builtin(),
        }
    }
}

/// A small stable hash (FNV-1a), for deterministic synthetic addresses.
pub fn fnv_hash(s: &str) -> u32 {
    build::fnv(s)
}
