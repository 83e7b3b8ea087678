//! What a subnet's settings allow it to hold: several prefixes (S11) and delegations (S13),
//! rules Azure enforces when it deploys, so located warnings (P18). The delegation rules are a
//! table, one row per service with the Microsoft text it comes from.

use super::{Design, SubnetId};
use crate::diag::Diagnostics;
use crate::format::WorkloadKind;

/// The subnet rules' warnings.
pub(super) fn check(d: &Design, diags: &mut Diagnostics) {
    several_prefixes(d, diags);
}

/// What kind of element a subnet holds, for the rules below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// A virtual machine or scale set (`vm`, `jumpbox`, `dns_server`, Azure ML computes).
    Vm,
    /// An inbound or outbound endpoint of a DNS private resolver.
    ResolverEndpoint,
    /// A private endpoint.
    PrivateEndpoint,
    /// Anything else: AKS, application gateways, Bastion, firewalls, gateways, managed online
    /// endpoints.
    Other,
}

/// What a subnet holds, in words (`vm \`a\``, `firewall \`fw\``, …), with its kind.
pub(super) fn holders(d: &Design, s: SubnetId) -> Vec<(String, Held)> {
    let mut out = Vec::new();
    for w in d.workloads.iter().filter(|w| w.subnet == s) {
        let vm = matches!(
            w.kind,
            WorkloadKind::Vm
                | WorkloadKind::Jumpbox
                | WorkloadKind::DnsServer
                | WorkloadKind::ComputeInstance
                | WorkloadKind::ComputeCluster
        );
        let kind = if vm { Held::Vm } else { Held::Other };
        out.push((format!("{} `{}`", w.kind, w.name), kind));
    }
    for f in d.firewalls.iter().filter(|f| f.subnet == s) {
        out.push((format!("firewall `{}`", f.name), Held::Other));
    }
    for g in d.gateways.iter().filter(|g| g.subnet == s) {
        out.push((format!("gateway `{}`", g.name), Held::Other));
    }
    for p in d.private_endpoints.iter().filter(|p| p.subnet == s) {
        out.push((
            format!("private endpoint `{}`", p.name),
            Held::PrivateEndpoint,
        ));
    }
    for r in &d.dns.resolvers {
        if r.inbound.iter().any(|(x, _)| *x == s) {
            let what = format!("inbound endpoint of DNS resolver `{}`", r.name);
            out.push((what, Held::ResolverEndpoint));
        }
        if r.outbound.contains(&s) {
            let what = format!("outbound endpoint of DNS resolver `{}`", r.name);
            out.push((what, Held::ResolverEndpoint));
        }
    }
    out
}

/// "The feature only supports virtual machines and virtual machine scale sets … Any delegated
/// subnet can't use this feature (except for GatewaySubnets delegated to VPN Gateway and
/// ExpressRoute Gateway services)" (Microsoft, "Create multiple prefixes for a subnet", S11).
fn several_prefixes(d: &Design, diags: &mut Diagnostics) {
    for (i, s) in d.subnets.iter().enumerate() {
        if s.prefixes.len() < 2 || s.short_name == "GatewaySubnet" {
            continue;
        }
        if !s.delegations.is_empty() {
            diags
                .warning(
                    s.span,
                    "subnet-prefixes",
                    format!(
                        "subnet {} is delegated to {} and has {} prefixes; Azure does not allow several prefixes on a delegated subnet",
                        s.name,
                        s.delegations.join(", "),
                        s.prefixes.len()
                    ),
                )
                .help("give the delegated subnet one prefix");
        }
        let others: Vec<String> = holders(d, SubnetId(i as u32))
            .into_iter()
            .filter(|(_, kind)| *kind != Held::Vm)
            .map(|(what, _)| what)
            .collect();
        if !others.is_empty() {
            diags
                .warning(
                    s.span,
                    "subnet-prefixes",
                    format!(
                        "subnet {} has {} prefixes, which Azure supports only for virtual machines and scale sets, but holds {}",
                        s.name,
                        s.prefixes.len(),
                        others.join(", ")
                    ),
                )
                .help("move them to a subnet with one prefix");
        }
    }
}
