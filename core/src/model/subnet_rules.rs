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

/// What a subnet holds, in words (`vm \`a\``, `firewall \`fw\``, …), with whether each is a
/// virtual machine or scale set (what Azure supports in a subnet with several prefixes).
pub(super) fn holders(d: &Design, s: SubnetId) -> Vec<(String, bool)> {
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
        out.push((format!("{} `{}`", w.kind, w.name), vm));
    }
    for f in d.firewalls.iter().filter(|f| f.subnet == s) {
        out.push((format!("firewall `{}`", f.name), false));
    }
    for g in d.gateways.iter().filter(|g| g.subnet == s) {
        out.push((format!("gateway `{}`", g.name), false));
    }
    for p in d.private_endpoints.iter().filter(|p| p.subnet == s) {
        out.push((format!("private endpoint `{}`", p.name), false));
    }
    for r in &d.dns.resolvers {
        if r.inbound.iter().any(|(x, _)| *x == s) {
            out.push((
                format!("inbound endpoint of DNS resolver `{}`", r.name),
                false,
            ));
        }
        if r.outbound.contains(&s) {
            out.push((
                format!("outbound endpoint of DNS resolver `{}`", r.name),
                false,
            ));
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
            .filter(|(_, vm)| !vm)
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
