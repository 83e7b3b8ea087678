//! Workloads (with listeners), services (with online endpoints, resource access rules, the managed network) and private endpoints as written.

use super::*;

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
