//! Azure Firewalls, FortiGates and NVAs, their rule collection groups, collections, rules and policies as written.

use super::*;

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
