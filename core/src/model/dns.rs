//! DNS as enterprises run it (issue #15 point 5): Azure DNS Private Resolvers — inbound
//! endpoints answering with Azure DNS in their VNet's view, outbound endpoints sending the
//! queries of linked VNets to the targets of forwarding rulesets — and DNS servers with host
//! records and conditional forwarders (semantics A3).

use super::{SubnetId, VnetId};
use crate::diag::Span;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// The custom DNS of a design.
#[derive(Clone, Debug, Default)]
pub struct DnsSetup {
    /// DNS private resolvers.
    pub resolvers: Vec<DnsResolver>,
    /// Forwarding rulesets.
    pub rulesets: Vec<ForwardingRuleset>,
    /// DNS servers with records or forwarders: `dns_server` workloads and servers outside the
    /// VNets.
    pub servers: Vec<DnsServer>,
}

/// An Azure DNS Private Resolver.
#[derive(Clone, Debug)]
pub struct DnsResolver {
    /// Name.
    pub name: String,
    /// The VNet it is deployed in.
    pub vnet: VnetId,
    /// Inbound endpoints: (subnet, address).
    pub inbound: Vec<(SubnetId, Ipv4Addr)>,
    /// Outbound endpoints' subnets.
    pub outbound: Vec<SubnetId>,
    /// Where it is written.
    pub span: Span,
}

/// A DNS forwarding ruleset.
#[derive(Clone, Debug)]
pub struct ForwardingRuleset {
    /// Name.
    pub name: String,
    /// The VNets linked to it.
    pub links: Vec<VnetId>,
    /// Its rules.
    pub rules: Vec<ForwardingRule>,
}

/// A forwarding rule.
#[derive(Clone, Debug)]
pub struct ForwardingRule {
    /// The domain, lower-case without the trailing dot; empty for `.` (every name).
    pub domain: String,
    /// Target DNS servers.
    pub targets: Vec<Ipv4Addr>,
    /// Whether it applies.
    pub enabled: bool,
}

/// Where a DNS server sends what it neither holds nor forwards conditionally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Azure DNS in the context of this VNet (a `dns_server` workload forwarding to
    /// 168.63.129.16).
    AzureDns(VnetId),
    /// Public DNS.
    Public,
}

/// A DNS server with host records or conditional forwarders.
#[derive(Clone, Debug)]
pub struct DnsServer {
    /// Name.
    pub name: String,
    /// Address.
    pub ip: Ipv4Addr,
    /// Host records: name → address.
    pub records: BTreeMap<String, Ipv4Addr>,
    /// Conditional forwarders: (domain, targets).
    pub forwarders: Vec<(String, Vec<Ipv4Addr>)>,
    /// What it does with other names.
    pub fallback: Fallback,
    /// The `dns_server` workload it is, if any.
    pub workload: Option<super::WorkloadId>,
}

/// A DNS name without its trailing dot, lower-case; `.` becomes empty (the root: every name).
pub fn normalise_domain(d: &str) -> String {
    d.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Whether `name` is `domain` or under it (the empty domain holds every name).
pub fn under(name: &str, domain: &str) -> bool {
    domain.is_empty()
        || name == domain
        || (name.len() > domain.len()
            && name.ends_with(domain)
            && name.as_bytes()[name.len() - domain.len() - 1] == b'.')
}

impl DnsSetup {
    /// The resolver with an inbound endpoint at `ip`.
    pub fn inbound_at(&self, ip: Ipv4Addr) -> Option<&DnsResolver> {
        self.resolvers
            .iter()
            .find(|r| r.inbound.iter().any(|(_, a)| *a == ip))
    }

    /// The DNS server at `ip`.
    pub fn server_at(&self, ip: Ipv4Addr) -> Option<&DnsServer> {
        self.servers.iter().find(|s| s.ip == ip)
    }

    /// The enabled rule of a ruleset linked to `vnet` with the longest domain holding `name`.
    pub fn rule_for(
        &self,
        vnet: VnetId,
        name: &str,
    ) -> Option<(&ForwardingRuleset, &ForwardingRule)> {
        self.rulesets
            .iter()
            .filter(|r| r.links.contains(&vnet))
            .flat_map(|r| r.rules.iter().map(move |x| (r, x)))
            .filter(|(_, x)| x.enabled && under(name, &x.domain))
            .max_by_key(|(_, x)| x.domain.len())
    }
}

impl DnsServer {
    /// The conditional forwarder with the longest domain holding `name`.
    pub fn forwarder_for(&self, name: &str) -> Option<&(String, Vec<Ipv4Addr>)> {
        self.forwarders
            .iter()
            .filter(|(dom, _)| under(name, dom))
            .max_by_key(|(dom, _)| dom.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_under_their_domains_only_at_label_boundaries() {
        assert!(under("ws.api.azureml.ms", "api.azureml.ms"));
        assert!(under("api.azureml.ms", "api.azureml.ms"));
        assert!(!under("xapi.azureml.ms", "api.azureml.ms"));
        assert!(under("anything.example", ""));
        assert_eq!(normalise_domain("Contoso.COM."), "contoso.com");
        assert_eq!(normalise_domain("."), "");
    }
}
