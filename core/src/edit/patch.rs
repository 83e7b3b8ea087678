//! A change to the records beyond removing or flipping one element (`Patch`): a rule, route,
//! link, NAT gateway, peering or setting added. The audit's verified fixes carry one
//! ([`crate::aml::fix::Fix::patch`]), the terminal app's "add a rule" makes one, and the live
//! session applies one as an [`Edit::Patch`] (the records change and the design is built again).

use crate::edit::Edit;
use crate::format::{
    NsgRuleDef, PeeringDef, Pos, ResourceAccessRuleDef, RouteDef, RuleCollectionDef,
    RuleCollectionGroupDef, Spanned, Toggle, TopologyFile,
};
use serde::Serialize;

fn s(v: &str) -> Spanned<String> {
    Spanned::new(v.to_string())
}

/// A fix as an edit of the topology file.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
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
    Setting(SettingPatch),
    /// One of the what-if edits (a removal).
    Edit(Edit),
}

/// The name of the rule collection group the firewall fixes go to.
pub const FIX_GROUP: &str = "vnetlab-fix";

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

/// A setting a fix changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingPatch {
    /// Add a resource instance rule to a storage account.
    ResourceAccess {
        /// The storage account.
        storage: String,
        /// The rule.
        rule: ResourceAccessRuleDef,
    },
    /// Set a workspace's image build compute.
    ImageBuildCompute {
        /// The workspace.
        workspace: String,
        /// The compute cluster.
        compute: String,
    },
    /// Turn a compute's SSH public access off.
    SshDisabled {
        /// The compute.
        workload: String,
    },
    /// Turn a managed online deployment's outbound to public networks off.
    DeploymentEgressDisabled {
        /// The workspace.
        workspace: String,
        /// The endpoint.
        endpoint: String,
        /// The deployment.
        deployment: String,
    },
}

impl SettingPatch {
    /// Applies the change to a file.
    pub fn apply(&self, file: &mut TopologyFile) -> Result<(), String> {
        match self {
            SettingPatch::ResourceAccess { storage, rule } => file
                .services
                .get_mut(storage)
                .ok_or_else(|| format!("no service {storage}"))?
                .resource_access_rules
                .push(rule.clone()),
            SettingPatch::ImageBuildCompute { workspace, compute } => {
                file.services
                    .get_mut(workspace)
                    .ok_or_else(|| format!("no service {workspace}"))?
                    .image_build_compute = Some(Spanned::new(compute.clone()));
            }
            SettingPatch::DeploymentEgressDisabled {
                workspace,
                endpoint,
                deployment,
            } => {
                file.services
                    .get_mut(workspace)
                    .and_then(|w| w.online_endpoints.get_mut(endpoint))
                    .and_then(|e| e.deployments.get_mut(deployment))
                    .ok_or_else(|| format!("no deployment {endpoint}/{deployment} in {workspace}"))?
                    .egress_public_network_access = Some(Toggle::Disabled);
            }
            SettingPatch::SshDisabled { workload } => {
                file.workloads
                    .get_mut(workload)
                    .ok_or_else(|| format!("no workload {workload}"))?
                    .ssh_public_access = Some(Toggle::Disabled);
            }
        }
        Ok(())
    }
}

// Records compare by value (positions always compare equal) and hold no floating-point
// numbers, so equality is an equivalence.
impl Eq for Patch {}
impl Eq for SettingPatch {}

impl Patch {
    /// The element the patch adds or changes, in the one vocabulary of elements.
    pub fn element(&self, d: &crate::model::Design) -> crate::model::ElementRef {
        use crate::model::ElementRef;
        match self {
            Patch::NsgRule { nsg, rule, .. } => ElementRef::NsgRule {
                nsg: nsg.clone(),
                rule: rule.name.value.clone(),
            },
            Patch::FirewallCollection {
                firewall,
                collection,
            } => ElementRef::Firewall(firewall.clone())
                .setting(format!("collection:{FIX_GROUP}/{}", collection.name)),
            Patch::Route { table, route } => ElementRef::Route {
                table: table.clone(),
                route: route.name.value.clone(),
            },
            Patch::ZoneLinks { zones, vnet } => match zones.first() {
                Some(zone) => ElementRef::ZoneLink {
                    zone: zone.clone(),
                    vnet: vnet.clone(),
                },
                None => ElementRef::Vnet(vnet.clone()),
            },
            Patch::SourceNat {
                firewall,
                policy: Some(policy),
            } => ElementRef::FirewallPolicy {
                firewall: firewall.clone(),
                policy: policy.clone(),
            }
            .setting("nat"),
            Patch::SourceNat {
                firewall,
                policy: None,
            } => ElementRef::Firewall(firewall.clone()).setting("snat"),
            Patch::NatGateway { vnet, subnet, .. } => {
                ElementRef::Subnet(format!("{vnet}/{subnet}")).setting("nat_gateway")
            }
            Patch::Peering { between: [a, b] } => ElementRef::Peering {
                local: a.clone(),
                remote: b.clone(),
            },
            Patch::Setting(s) => match s {
                SettingPatch::ResourceAccess { storage, .. } => {
                    ElementRef::Service(storage.clone()).setting("resource_access_rules")
                }
                SettingPatch::ImageBuildCompute { workspace, .. } => {
                    ElementRef::Service(workspace.clone()).setting("image_build_compute")
                }
                SettingPatch::SshDisabled { workload } => {
                    ElementRef::Workload(workload.clone()).setting("ssh_public_access")
                }
                SettingPatch::DeploymentEgressDisabled {
                    workspace,
                    endpoint,
                    deployment,
                } => ElementRef::Service(workspace.clone()).setting(format!(
                    "online_endpoints/{endpoint}/deployments/{deployment}/egress_public_network_access"
                )),
            },
            Patch::Edit(e) => e.element(d),
        }
    }
}
