//! A fix as an edit of the topology file (`Patch`): what the audit proposes, applied to the
//! plan's file (which already holds the audit's earlier fixes) to verify it by re-tracing, and
//! by a user to the design.

use crate::format::{
    NsgRuleDef, PeeringDef, Pos, RouteDef, RuleCollectionDef, RuleCollectionGroupDef, Spanned,
    TopologyFile,
};
use crate::whatif::Edit;

fn s(v: &str) -> Spanned<String> {
    Spanned::new(v.to_string())
}

/// A fix as an edit of the topology file.
#[derive(Clone, Debug)]
pub enum Patch {
    /// Add an NSG rule, after moving the named rules of its direction to new priorities.
    NsgRule {
        /// The NSG.
        nsg: String,
        /// The rule added.
        rule: NsgRuleDef,
        /// (rule name, new priority) of the rules moved to make room.
        renumber: Vec<(String, u32)>,
    },
    /// Add a rule collection to the firewall's `vnetlab-fix` rule collection group.
    FirewallCollection {
        /// The firewall.
        firewall: String,
        /// The collection added.
        collection: RuleCollectionDef,
    },
    /// Add a route to a route table.
    Route {
        /// The route table.
        table: String,
        /// The route added.
        route: RouteDef,
    },
    /// Link private DNS zones to a VNet.
    ZoneLinks {
        /// The zones.
        zones: Vec<String>,
        /// The VNet.
        vnet: String,
    },
    /// Source NAT on an appliance (P17): on a FortiGate policy (`nat: true`), or on a whole NVA
    /// (`snat: true`) when `policy` is `None`.
    SourceNat {
        /// The FortiGate or NVA.
        firewall: String,
        /// The FortiGate policy.
        policy: Option<String>,
    },
    /// Associate a subnet with a NAT gateway, creating the gateway first when `create` holds it.
    NatGateway {
        /// The subnet's VNet.
        vnet: String,
        /// The subnet.
        subnet: String,
        /// The NAT gateway.
        gateway: String,
        /// A new NAT gateway's record.
        create: Option<crate::format::NatGatewayDef>,
    },
    /// Peer two VNets (both links, Azure's defaults otherwise).
    Peering {
        /// The VNets.
        between: [String; 2],
    },
    /// A service or workload setting (issue #22).
    Setting(super::setting_patch::SettingPatch),
    /// One of the what-if edits (a removal).
    Edit(Edit),
}

/// The name of the rule collection group the firewall fixes go to.
pub(super) const FIX_GROUP: &str = "vnetlab-fix";

impl Patch {
    /// Applies the patch to a file: the file it was made for, which holds the audit's earlier
    /// patches.
    pub fn apply(&self, file: &mut TopologyFile) -> Result<(), String> {
        match self {
            Patch::NsgRule {
                nsg,
                rule,
                renumber,
            } => {
                let n = file
                    .nsgs
                    .get_mut(nsg)
                    .ok_or_else(|| format!("no NSG {nsg}"))?;
                for (name, prio) in renumber {
                    if let Some(r) = n
                        .rules
                        .iter_mut()
                        .find(|r| &r.name.value == name && r.direction == rule.direction)
                    {
                        r.priority.value = *prio;
                    }
                }
                n.rules.push(rule.clone());
            }
            Patch::FirewallCollection {
                firewall,
                collection,
            } => {
                let fw = file
                    .firewalls
                    .get_mut(firewall)
                    .ok_or_else(|| format!("no firewall {firewall}"))?;
                if !fw
                    .rule_collection_groups
                    .iter()
                    .any(|g| g.name == FIX_GROUP)
                {
                    fw.rule_collection_groups.push(RuleCollectionGroupDef {
                        name: FIX_GROUP.into(),
                        from_parent_policy: None,
                        priority: Spanned::new(64900),
                        collections: Vec::new(),
                        pos: Pos::default(),
                    });
                }
                let g = fw
                    .rule_collection_groups
                    .iter_mut()
                    .find(|g| g.name == FIX_GROUP)
                    .expect("just added");
                g.collections.push(collection.clone());
            }
            Patch::Route { table, route } => file
                .route_tables
                .get_mut(table)
                .ok_or_else(|| format!("no route table {table}"))?
                .routes
                .push(route.clone()),
            Patch::NatGateway {
                vnet,
                subnet,
                gateway,
                create,
            } => {
                if let Some(def) = create {
                    file.nat_gateways.insert(gateway.clone(), def.clone());
                }
                file.vnets
                    .get_mut(vnet)
                    .and_then(|v| v.subnets.get_mut(subnet))
                    .ok_or_else(|| format!("no subnet {vnet}/{subnet}"))?
                    .nat_gateway = Some(s(gateway));
            }
            Patch::SourceNat { firewall, policy } => {
                let fw = file
                    .firewalls
                    .get_mut(firewall)
                    .ok_or_else(|| format!("no firewall {firewall}"))?;
                match policy {
                    Some(p) => {
                        fw.policies
                            .iter_mut()
                            .find(|x| &x.name == p)
                            .ok_or_else(|| format!("no policy {p} on {firewall}"))?
                            .nat = Some(true)
                    }
                    None => fw.snat = Some(true),
                }
            }
            Patch::ZoneLinks { zones, vnet } => {
                let dns = file.dns.as_mut().ok_or("no dns")?;
                for z in zones {
                    if let Some(zd) = dns.private_zones.get_mut(z) {
                        zd.links.push(s(vnet));
                    }
                }
            }
            Patch::Peering { between } => file.peerings.push(PeeringDef {
                between: Some(between.iter().map(|v| s(v)).collect()),
                from: None,
                to: None,
                allow_forwarded_traffic: None,
                allow_virtual_network_access: None,
                allow_gateway_transit: None,
                use_remote_gateways: None,
                subnets: Default::default(),
                pos: Pos::default(),
            }),
            Patch::Setting(p) => p.apply(file)?,
            Patch::Edit(e) => e.apply_mut(file)?,
        }
        Ok(())
    }
}
