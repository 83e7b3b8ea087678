//! NSGs and their rules, Azure Virtual Network Manager security admin configurations, ASGs as written.

use super::*;

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
