//! Lowering Azure Virtual Network Manager security admin configurations (S10): each rule
//! collection's rules are applied to the VNets it names, every VNet's rules sorted into
//! evaluation order; the subnets Microsoft exempts are marked.

use super::*;
use crate::format::{AdminAccess, Spanned};
use std::collections::BTreeSet;

/// Subnets whose services Microsoft lists as not getting security admin rules ("Nonapplication
/// of security admin rules at subnet level"), by the names Azure requires for them.
const EXEMPT_SUBNETS: [&str; 5] = [
    "GatewaySubnet",
    "AzureFirewallSubnet",
    "AzureFirewallManagementSubnet",
    "AzureBastionSubnet",
    "RouteServerSubnet",
];

/// Evaluation order among equal priorities: the action that allows least first, so a tie
/// never allows more than either reading (S10).
fn tie_rank(a: AdminAccess) -> u8 {
    match a {
        AdminAccess::Deny => 0,
        AdminAccess::Allow => 1,
        AdminAccess::AlwaysAllow => 2,
    }
}

impl Builder<'_, '_> {
    /// Applies every configuration's rule collections to their VNets.
    pub(super) fn admin_rules(&mut self, f: &TopologyFile, vnets: &mut [Vnet]) {
        let vnet_ids = self.names.vnets.clone();
        for (cname, c) in &f.security_admin_configurations {
            let mut collections: BTreeSet<String> = BTreeSet::new();
            for col in &c.rule_collections {
                if !collections.insert(col.name.value.to_ascii_lowercase()) {
                    self.d.error(
                        col.name.span(),
                        "duplicate-name",
                        format!(
                            "rule collection `{}` appears twice in security admin configuration `{cname}`",
                            col.name.value
                        ),
                    );
                }
                let targets: Vec<VnetId> = col
                    .vnets
                    .iter()
                    .filter_map(|r| self.resolve(r, &vnet_ids, "VNet"))
                    .collect();
                let collection = format!("{cname}/{}", col.name.value);
                let rules = self.admin_collection(&collection, &col.rules);
                for v in targets {
                    let Some(vnet) = vnets.get_mut(v.ix()) else {
                        continue;
                    };
                    for r in &rules {
                        match r.rule.direction {
                            Direction::Inbound => vnet.admin_rules.inbound.push(r.clone()),
                            Direction::Outbound => vnet.admin_rules.outbound.push(r.clone()),
                        }
                    }
                }
            }
        }
        for v in vnets.iter_mut() {
            for list in [&mut v.admin_rules.inbound, &mut v.admin_rules.outbound] {
                // Stable: equal keys keep configuration and collection order.
                list.sort_by_key(|r| (r.rule.priority, tie_rank(r.access)));
            }
        }
    }

    /// One collection's rules, checked (unique names, priorities 1..4096; sides take
    /// addresses, prefixes and service tags).
    fn admin_collection(
        &mut self,
        collection: &str,
        defs: &[crate::format::AdminRuleDef],
    ) -> Vec<AdminRule> {
        let mut names: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::new();
        for r in defs {
            if !names.insert(r.name.value.to_ascii_lowercase()) {
                self.d.error(
                    r.name.span(),
                    "duplicate-name",
                    format!(
                        "rule `{}` appears twice in rule collection `{collection}`",
                        r.name.value
                    ),
                );
            }
            let p = r.priority.value;
            if !(1..=4096).contains(&p) {
                self.d
                    .error(r.priority.span(), "priority", format!("priority {p} is outside 1..4096"))
                    .help("security admin rules take priorities from 1 to 4096; lower numbers are evaluated first");
            }
            let source = self.admin_side(r.source.as_ref());
            let destination = self.admin_side(r.destination.as_ref());
            out.push(AdminRule {
                access: r.access,
                collection: collection.to_string(),
                rule: NsgRule {
                    name: r.name.value.clone(),
                    priority: p,
                    direction: r.direction,
                    access: if r.access == AdminAccess::Deny {
                        Access::Deny
                    } else {
                        Access::Allow
                    },
                    protocol: protocol(r.protocol),
                    source,
                    source_ports: ports(r.source_ports.as_ref()),
                    destination,
                    destination_ports: ports(r.destination_ports.as_ref()),
                    is_default: false,
                    span: r.pos.0,
                },
            });
        }
        out
    }

    /// A rule side of a security admin rule: like an NSG rule's, without application security
    /// groups (Microsoft's source and destination types are IP addresses and service tags).
    fn admin_side(&mut self, side: Option<&OneOrMany<Spanned<String>>>) -> Vec<AddrEntry> {
        if let Some(side) = side {
            for e in &side.0 {
                if e.value.trim().starts_with("asg:") {
                    self.d
                        .error(
                            e.span(),
                            "address",
                            "a security admin rule cannot name an application security group",
                        )
                        .help("security admin rules take IP addresses, CIDRs and service tags");
                }
            }
        }
        let side = side.map(|s| {
            OneOrMany(
                s.0.iter()
                    .filter(|e| !e.value.trim().starts_with("asg:"))
                    .cloned()
                    .collect(),
            )
        });
        self.rule_side(side.as_ref())
    }
}

/// Marks the subnets security admin rules are not applied to: those Azure reserves for an
/// exempt service, and any subnet holding an Azure Firewall, Azure Bastion or a gateway.
pub(super) fn mark_exempt(
    subnets: &mut [Subnet],
    firewalls: &[Firewall],
    workloads: &[Workload],
    gateways: &[Gateway],
) {
    for s in subnets.iter_mut() {
        s.admin_exempt = EXEMPT_SUBNETS.contains(&s.short_name.as_str());
    }
    let held = firewalls
        .iter()
        .filter(|f| f.kind == FirewallKind::AzureFirewall)
        .map(|f| f.subnet)
        .chain(
            workloads
                .iter()
                .filter(|w| w.kind == WorkloadKind::Bastion)
                .map(|w| w.subnet),
        )
        .chain(gateways.iter().map(|g| g.subnet));
    for s in held {
        if let Some(sub) = subnets.get_mut(s.ix()) {
            sub.admin_exempt = true;
        }
    }
}
