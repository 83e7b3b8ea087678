//! What subnet delegations forbid and require (S13): a table, one row per service whose
//! documentation states a rule, with the Microsoft text it comes from. The rules are ones Azure
//! enforces at deployment, so they are located warnings (P18).

use super::subnet_rules::{Held, holders};
use super::{Design, SubnetId};
use crate::diag::Diagnostics;

/// One service's delegation rules.
#[derive(Clone, Copy, Debug)]
pub struct DelegationRule {
    /// The resource type the subnet is delegated to (as written in `delegations`).
    pub service: &'static str,
    /// The subnet holds only this service's instances: no element of the design other than
    /// `own`, and no other delegation.
    pub dedicated: bool,
    /// What of the design is this service's own (its subnet may be delegated to this service
    /// only), if anything.
    pub own: Option<Held>,
    /// Microsoft's words.
    pub quote: &'static str,
    /// Where they are.
    pub source: &'static str,
}

/// The services whose documentation states their delegated subnet's rules.
pub const DELEGATION_RULES: &[DelegationRule] = &[
    DelegationRule {
        service: "Microsoft.Network/dnsResolvers",
        dedicated: true,
        own: Some(Held::ResolverEndpoint),
        quote: "The subnet can only be delegated to Microsoft.Network/dnsResolvers and can't be used for other services",
        source: "https://learn.microsoft.com/azure/dns/dns-private-resolver-overview",
    },
    DelegationRule {
        service: "Microsoft.Sql/managedInstances",
        dedicated: true,
        own: None,
        quote: "The Managed Instance subnet must not contain any other cloud service associated with it, and it must not be a Gateway subnet",
        source: "https://learn.microsoft.com/azure/azure-sql/managed-instance/vnet-existing-add-subnet",
    },
    DelegationRule {
        service: "Microsoft.Web/serverFarms",
        dedicated: true,
        own: None,
        quote: "you must have a dedicated subnet in the virtual network you're integrating with",
        source: "https://learn.microsoft.com/azure/app-service/overview-vnet-integration",
    },
];

/// The rule for a delegation, compared as Azure compares resource types (case-insensitively).
pub fn rule_for(service: &str) -> Option<&'static DelegationRule> {
    DELEGATION_RULES
        .iter()
        .find(|r| r.service.eq_ignore_ascii_case(service))
}

/// The delegation rules' warnings.
pub(super) fn check(d: &Design, diags: &mut Diagnostics) {
    for (i, s) in d.subnets.iter().enumerate() {
        let held = holders(d, SubnetId(i as u32));
        for del in &s.delegations {
            let Some(rule) = rule_for(del) else {
                continue;
            };
            if !rule.dedicated {
                continue;
            }
            let others: Vec<&str> = s
                .delegations
                .iter()
                .filter(|o| !o.eq_ignore_ascii_case(del))
                .map(String::as_str)
                .collect();
            if !others.is_empty() {
                diags
                    .warning(
                        s.span,
                        "delegation",
                        format!(
                            "subnet {} is delegated to {del} and to {}; Microsoft: \"{}\"",
                            s.name,
                            others.join(", "),
                            rule.quote
                        ),
                    )
                    .help(format!(
                        "delegate the subnet to {del} only ({})",
                        rule.source
                    ));
            }
            // A resolver endpoint's subnet holding other things is reported with the resolver.
            let resolver_reports = held.iter().any(|(_, k)| *k == Held::ResolverEndpoint);
            let foreign: Vec<&str> = held
                .iter()
                // A private endpoint in any delegated subnet is S5's warning already.
                .filter(|(_, k)| Some(*k) != rule.own && *k != Held::PrivateEndpoint)
                .map(|(w, _)| w.as_str())
                .collect();
            if !foreign.is_empty() && !resolver_reports {
                diags
                    .warning(
                        s.span,
                        "delegation",
                        format!(
                            "subnet {} is delegated to {del} but holds {}; Microsoft: \"{}\"",
                            s.name,
                            foreign.join(", "),
                            rule.quote
                        ),
                    )
                    .help(format!("move them to another subnet ({})", rule.source));
            }
            if s.short_name == "GatewaySubnet" {
                diags.warning(
                    s.span,
                    "delegation",
                    format!("GatewaySubnet is delegated to {del}, which needs a subnet of its own"),
                );
            }
        }
        // The service's own elements need a subnet delegated to it or to nothing (Microsoft's
        // quickstarts create the subnet undelegated: Azure delegates it with the endpoint).
        for rule in DELEGATION_RULES {
            let Some(own) = rule.own else { continue };
            let needs: Vec<&str> = held
                .iter()
                .filter(|(_, k)| *k == own)
                .map(|(w, _)| w.as_str())
                .collect();
            let elsewhere: Vec<&str> = s
                .delegations
                .iter()
                .filter(|x| !x.eq_ignore_ascii_case(rule.service))
                .map(String::as_str)
                .collect();
            // (Delegated to it and to others: the dedicated rule above says so.)
            let to_it = elsewhere.len() < s.delegations.len();
            if !needs.is_empty() && !elsewhere.is_empty() && !to_it {
                diags
                    .warning(
                        s.span,
                        "delegation",
                        format!(
                            "subnet {} holds {} but is delegated to {}; Microsoft: \"{}\"",
                            s.name,
                            needs.join(", "),
                            elsewhere.join(", "),
                            rule.quote
                        ),
                    )
                    .help(format!(
                        "delegate the subnet to {} only, or to nothing ({})",
                        rule.service, rule.source
                    ));
            }
        }
    }
}
