//! DNS as written: private resolvers, forwarding rulesets, DNS servers, private zones and their links.

use super::*;

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
