//! The string enums of the file format.

use super::values::str_enum;

str_enum! {
    /// `private_endpoint_network_policies` of a subnet.
    #[derive(Default)]
    pub enum PeNetworkPolicies { #[default] Disabled = "disabled", Nsg = "nsg", RouteTable = "route_table", Enabled = "enabled" }
}
str_enum! {
    /// Direction of an NSG rule.
    pub enum Direction { Inbound = "inbound", Outbound = "outbound" }
}
str_enum! {
    /// Allow or deny.
    pub enum Access { Allow = "allow", Deny = "deny" }
}
str_enum! {
    /// Action of an Azure Virtual Network Manager security admin rule.
    pub enum AdminAccess { Allow = "allow", Deny = "deny", AlwaysAllow = "always_allow" }
}
str_enum! {
    /// Protocol of a rule or flow; `any` covers all.
    pub enum RuleProtocol { Tcp = "tcp", Udp = "udp", Icmp = "icmp", Esp = "esp", Ah = "ah", Any = "any" }
}
str_enum! {
    /// Next hop type of a user-defined route.
    pub enum NextHopType {
        VirtualAppliance = "virtual_appliance",
        VirtualNetworkGateway = "virtual_network_gateway",
        VnetLocal = "vnet_local",
        Internet = "internet",
        None = "none",
    }
}
str_enum! {
    /// Kind of virtual network gateway.
    #[derive(Default)]
    pub enum GatewayKind { #[default] Vpn = "vpn", ExpressRoute = "expressroute" }
}
str_enum! {
    /// Kind of firewall or network virtual appliance.
    pub enum FirewallKind { AzureFirewall = "azure_firewall", Fortigate = "fortigate", Nva = "nva" }
}
str_enum! {
    /// Public IP SKU of a workload or firewall.
    #[derive(Default)]
    pub enum PublicIpSku { #[default] None = "none", Standard = "standard", Basic = "basic" }
}
str_enum! {
    /// Kind of Azure Firewall rule collection.
    pub enum CollectionKind { Dnat = "dnat", Network = "network", Application = "application" }
}
str_enum! {
    /// Action of an Azure Firewall rule collection.
    pub enum FwAction { Allow = "allow", Deny = "deny" }
}
str_enum! {
    /// Action of a FortiGate policy.
    pub enum FortiAction { Accept = "accept", Deny = "deny" }
}
str_enum! {
    /// Kind of workload placed in a subnet.
    pub enum WorkloadKind {
        Vm = "vm",
        Jumpbox = "jumpbox",
        Bastion = "bastion",
        DnsServer = "dns_server",
        ComputeInstance = "compute_instance",
        ComputeCluster = "compute_cluster",
        Aks = "aks",
        OnlineEndpoint = "online_endpoint",
        AppGateway = "app_gateway",
        ApiManagement = "api_management",
    }
}
str_enum! {
    /// AKS network plugin, which decides how many subnet addresses pods take.
    pub enum NetworkPlugin { AzureCni = "azure_cni", AzureCniOverlay = "azure_cni_overlay", Kubenet = "kubenet" }
}
str_enum! {
    /// Kind of Azure PaaS service.
    pub enum ServiceKind {
        Storage = "storage",
        KeyVault = "key_vault",
        ContainerRegistry = "container_registry",
        MlWorkspace = "ml_workspace",
        MlRegistry = "ml_registry",
        AiServices = "ai_services",
        AiSearch = "ai_search",
        AppInsights = "app_insights",
        Sql = "sql",
        CosmosDb = "cosmos_db",
    }
}
str_enum! {
    /// Enabled or disabled.
    pub enum Toggle { Enabled = "enabled", Disabled = "disabled" }
}
str_enum! {
    /// Default action of a PaaS firewall.
    pub enum DefaultAction { Allow = "allow", Deny = "deny" }
}
str_enum! {
    /// Isolation mode of an Azure ML managed virtual network.
    #[derive(Default)]
    pub enum Isolation {
        #[default]
        Disabled = "disabled",
        AllowInternetOutbound = "allow_internet_outbound",
        AllowOnlyApprovedOutbound = "allow_only_approved_outbound",
    }
}
str_enum! {
    /// Kind of managed-network outbound rule.
    pub enum OutboundRuleKind { PrivateEndpoint = "private_endpoint", ServiceTag = "service_tag", Fqdn = "fqdn" }
}
str_enum! {
    /// Connection state of a private endpoint.
    #[derive(Default)]
    pub enum PeState { #[default] Approved = "approved", Pending = "pending", Rejected = "rejected", Disconnected = "disconnected" }
}
str_enum! {
    /// Kind of client outside the designed networks.
    pub enum ClientKind { Internet = "internet", OnPrem = "on_prem", AzureService = "azure_service" }
}
str_enum! {
    /// Expected verdict of an `expect` entry.
    pub enum ExpectedVerdict { Allowed = "allowed", Denied = "denied" }
}
str_enum! {
    /// What a private DNS zone link does when a name is missing from the zone.
    #[derive(Default)]
    pub enum ResolutionPolicy { #[default] Default = "default", NxDomainRedirect = "nx_domain_redirect" }
}
str_enum! {
    /// How Azure Batch talks to the nodes of an Azure ML compute (S43): `classic` needs inbound
    /// TCP 29876-29877 from `BatchNodeManagement` (legacy, retired 2026-03-31); `simplified`
    /// needs no inbound port of its own (P7).
    #[derive(Default)]
    pub enum NodeCommunicationMode { Classic = "classic", #[default] Simplified = "simplified" }
}
str_enum! {
    /// Mode of an application gateway's Web Application Firewall policy: `prevention` blocks
    /// the requests its rules detect, `detection` only logs them, `off` has no WAF.
    #[derive(Default)]
    pub enum WafMode { Prevention = "prevention", Detection = "detection", #[default] Off = "off" }
}
str_enum! {
    /// How an API Management instance is injected in its subnet (`virtualNetworkType`):
    /// `external` — its gateway answers on a public IP and in the VNet; `internal` — only at its
    /// private address, from the VNet, peered VNets and on-premises.
    pub enum ApimVnetType { External = "external", Internal = "internal" }
}
str_enum! {
    /// The tier of an Azure Front Door profile: `premium` connects to origins over Private
    /// Link and runs managed WAF rule sets; `standard` reaches origins at public addresses.
    #[derive(Default)]
    pub enum FrontDoorSku { #[default] Standard = "standard", Premium = "premium" }
}
str_enum! {
    /// The frontend an application gateway listener uses.
    pub enum Frontend { Public = "public", Private = "private" }
}
str_enum! {
    /// How an AKS cluster's egress leaves (`networkProfile.outboundType`).
    #[derive(Default)]
    pub enum AksOutboundType {
        #[default]
        LoadBalancer = "load_balancer",
        UserDefinedRouting = "user_defined_routing",
        ManagedNatGateway = "managed_nat_gateway",
        UserAssignedNatGateway = "user_assigned_nat_gateway",
    }
}
