//! Every finding kind the audit reports, with one line on what it means and what to do: the
//! rules of SARIF reports, the help of reports that list findings, and the names waivers may
//! accept (docs/aml.md, "Finding kinds").

/// A finding kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    /// The id findings carry.
    pub id: &'static str,
    /// One line: what it means.
    pub title: &'static str,
    /// How it is proven and what to do.
    pub help: &'static str,
}

const fn k(id: &'static str, title: &'static str, help: &'static str) -> Kind {
    Kind { id, title, help }
}

/// Every finding kind, including the one an expired waiver becomes.
pub const KINDS: &[Kind] = &[
    k(
        "AML-PUBLIC-WORKSPACE",
        "The Azure ML workspace is reachable from the internet",
        "`internet` → workspace 443 is delivered. Set public_network_access: disabled and reach the workspace through a private endpoint.",
    ),
    k(
        "AML-PUBLIC-DEPENDENCY",
        "A workspace dependency (storage, key vault, registry) is reachable from the internet",
        "`internet` → the service on 443 is delivered. Disable public network access (or default action deny) and use a private endpoint.",
    ),
    k(
        "AML-INBOUND-INTERNET",
        "A compute, inference target or jumpbox is reachable from the internet",
        "Some TCP/UDP packet from the internet reaches it (proven over every packet class). Remove the public IP or deny the inbound traffic.",
    ),
    k(
        "AML-EXFILTRATION",
        "A compute or inference target can reach arbitrary internet destinations",
        "Deny Internet outbound except the required service tags, or route 0.0.0.0/0 through a firewall with an FQDN allow-list.",
    ),
    k(
        "AML-DNS-NOT-LINKED",
        "A private endpoint does not resolve to its private address where Azure ML needs it",
        "Link the privatelink zone to the VNet (or fix the custom DNS forwarding) so the name resolves to the private endpoint.",
    ),
    k(
        "AML-SE-BYPASS",
        "A subnet forced through an appliance also has service endpoints",
        "Service endpoint routes bypass the 0.0.0.0/0 route to the appliance; remove the service endpoints or use private endpoints.",
    ),
    k(
        "AML-NSG-ANY-INBOUND",
        "An NSG allows inbound traffic from anywhere to any port",
        "Narrow the rule's source and ports.",
    ),
    k(
        "AML-RULE-SHADOWED",
        "A rule is entirely covered by an earlier rule with the opposite action",
        "The rule never decides anything; remove it or reorder the priorities.",
    ),
    k(
        "AML-RULE-REDUNDANT",
        "A rule is entirely covered by an earlier rule with the same action",
        "The rule never decides anything; remove it.",
    ),
    k(
        "AML-ASYMMETRIC",
        "A required flow is dropped as asymmetric through a stateful device",
        "The reply takes another path than the request; route both directions through the same appliance.",
    ),
    k(
        "AML-SUBNET-CAPACITY",
        "A subnet is too small for its workloads at full scale-out",
        "Enlarge the subnet, lower max_nodes/max_pods, or use Azure CNI Overlay.",
    ),
    k(
        "AML-INFERENCE-PUBLIC",
        "An inference endpoint accepts scoring from the internet",
        "Disable public network access on the endpoint, or use an internal load balancer for AKS.",
    ),
    k(
        "AML-WS-STORAGE-VNET",
        "The workspace and its default storage account have no private endpoints in a common VNet",
        "Microsoft requires the workspace and its default storage account in the same VNet: add a private endpoint of one in the other's VNet.",
    ),
    k(
        "AML-DEPENDENCY-VNET",
        "A key vault or container registry has private endpoints only outside the workspace's VNet and its peers",
        "Put a private endpoint of the dependency in the workspace's VNet, or peer the VNets.",
    ),
    k(
        "AML-COMPUTE-PLACEMENT",
        "A compute is not in the workspace's VNet, region or subscription",
        "Create the compute in a VNet of the workspace's region and subscription that holds (for a cluster: or is peered with) a workspace private endpoint.",
    ),
    k(
        "AML-AKS-DEPENDENCIES",
        "An AKS cluster's VNet has no private or service endpoint of the workspace or a dependency",
        "Add private endpoints of the workspace and its storage, key vault and registry in the AKS VNet or a peered one.",
    ),
    k(
        "AML-ACR-SERVICE-ENDPOINT",
        "The workspace's container registry relies on service endpoints",
        "Azure ML supports only a private endpoint for its registry: give it one (Premium SKU) and disable public network access.",
    ),
    k(
        "AML-ROUTING-LOOP",
        "Forwarders whose routes send some destinations round for ever",
        "Give one of the forwarders a route that leaves the cycle for these destinations, or remove the route that sends them back.",
    ),
    k(
        "AML-EXFILTRATION-STORAGE",
        "Training or inference can reach storage accounts outside the design (the global Storage tag)",
        "Allow only the regional tag (Storage.<region>) or the design's accounts' private endpoints; a service endpoint policy limits a service endpoint to listed accounts.",
    ),
    k(
        "AML-EXFILTRATION-AZURE",
        "Training or inference can reach Azure public addresses no required flow needs",
        "Allow the required service tags instead of AzureCloud or any Azure address.",
    ),
    k(
        "AML-SSH-PUBLIC",
        "SSH on an Azure ML compute is open to the internet",
        "The compute has a public IP and ssh_public_access enabled, and `internet` → the compute TCP 22 is delivered (witness trace). Set ssh_public_access: disabled and reach it from inside the network.",
    ),
    k(
        "AML-IMAGE-BUILD-COMPUTE",
        "A workspace whose registry is behind the network has no image build compute",
        "Azure ML cannot build Docker images directly in a registry behind the network; set image_build_compute to a compute cluster of the workspace.",
    ),
    k(
        "AML-PUBLIC-AI-SERVICE",
        "An Azure AI services account, AI Search service or Azure ML registry is reachable from the internet",
        "Disable public network access and reach the service through a private endpoint with its private DNS zone linked to the VNets that use it.",
    ),
    k(
        "AML-DNS-ON-PREM",
        "An on-premises ML user does not resolve a private endpoint to its private address",
        "Forward the service's public zone from the on-premises DNS server to a DNS private resolver inbound endpoint (or a DNS forwarder) in a VNet linked to the privatelink zone.",
    ),
    k(
        "AML-STUDIO-STORAGE-VNET",
        "Azure ML studio features are disabled by default with the workspace's storage behind a virtual network",
        "Microsoft: grant the workspace's managed identity Reader on the storage private endpoints, use managed identity authentication for datastores, and open the studio from inside the VNet; storage IP firewall rules are not supported by the studio.",
    ),
    k(
        "AML-LABELING-DEFAULT-STORAGE",
        "ML-assisted data labeling uses a default storage account behind a virtual network",
        "Microsoft: ML-assisted data labeling doesn't support default storage accounts secured behind a virtual network; use a non-default storage account (`labeling_storage`).",
    ),
    k(
        "AML-NO-OWNER",
        "An Azure ML resource has no owner tag",
        "Add `tags: {owner: TEAM}` (and a cost-centre tag) to each Azure ML resource.",
    ),
    k(
        "AML-INGRESS-NO-WAF",
        "The internet reaches an inference target through an application gateway, API Management or Front Door without a WAF",
        "`internet` → a public listener of the gateway (or the Front Door endpoint) is forwarded to the target (both legs traced). Use a WAF policy in prevention mode (Application Gateway WAF_v2, Front Door); API Management has none: put it in internal mode behind one.",
    ),
    k(
        "AML-WAF-DETECTION",
        "An application gateway or Front Door forwards the internet to an inference target with its WAF in detection mode",
        "Detection mode logs what the rules match and blocks nothing. Switch the WAF policy to prevention mode once the logs show no false positives.",
    ),
    k(
        "AML-WAF-BYPASS",
        "An inference target behind a WAF is also reachable from the internet directly",
        "A public path skips the gateway (proven like AML-INBOUND-INTERNET / AML-INFERENCE-PUBLIC). Remove the target's public IP or public ingress so only the gateway reaches it.",
    ),
    k(
        "AML-FRONTDOOR-PUBLIC-ORIGIN",
        "An inference target is a public Front Door origin open to every Front Door profile",
        "AzureFrontDoor.Backend is shared by all customers' profiles: another profile reaches the origin without this profile's WAF unless the application checks X-Azure-FDID (which vnetlab cannot see). Use Private Link (Front Door Premium) and remove the public IP.",
    ),
    k(
        "AML-AKS-PUBLIC-API",
        "An AKS cluster's API server is public and open to every address",
        "Make it a private cluster (the API server gets a private endpoint in the VNet), or limit the public endpoint with authorized IP ranges.",
    ),
    k(
        "AML-AKS-OUTBOUND",
        "An AKS cluster in a firewall-egress subnet has an outbound type other than user-defined routing",
        "The subnet sends 0.0.0.0/0 to an appliance, but the load balancer or NAT gateway outbound type gives the cluster egress of its own. Set outbound_type: user_defined_routing.",
    ),
    k(
        "VNETLAB-WAIVER-EXPIRED",
        "A waiver (an `accept` entry) has expired",
        "An expired waiver accepts nothing: review the exception again, fix the finding or renew the waiver with a new expiry date.",
    ),
];

/// The kind with id `id`.
pub fn kind(id: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.id == id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_finding_id_the_audit_writes_has_a_kind() {
        let source = [
            include_str!("aml/findings.rs"),
            include_str!("aml/limits.rs"),
            include_str!("aml/azure_egress.rs"),
            include_str!("aml/ai_services.rs"),
            include_str!("aml/ingress.rs"),
            include_str!("aml/studio.rs"),
        ]
        .concat();
        let mut ids = 0;
        for (i, _) in source.match_indices("\"AML-") {
            let id = &source[i + 1..];
            let id = &id[..id.find('"').expect("a closing quote")];
            assert!(super::kind(id).is_some(), "{id} is not in KINDS");
            ids += 1;
        }
        assert!(ids >= 12, "the finding ids were found ({ids})");
    }
}
