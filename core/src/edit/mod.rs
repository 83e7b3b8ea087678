//! The edits of a design (remove or flip one rule, route, link, endpoint or setting; an
//! addition as a [`Patch`]): what each changes in the records, what it touches in a built design
//! ([`Edit::touches`]) and every single edit of a design ([`single_edits`]). Edits change the
//! file records, so what an edited design says is exactly what the same file would say on the
//! command line — and it can be written back out. They are applied to a built design in place
//! by `Design::apply_edit` (`incremental.rs`), to the matrix by `reach::live`, and followed by
//! the live session (`session.rs`). Azure Firewall rules and FortiGate policies have their edits
//! in `firewall.rs`. Below the analyses that take an edit (layering: ARCHITECTURE.md).

mod firewall;
pub mod patch;

pub(crate) use firewall::apply_to_design as firewall_apply_to_design;
pub use patch::Patch;

use crate::format::{Access, DefaultAction, NsgRuleDef, Toggle, TopologyFile};
use crate::model::Design;
use serde::Serialize;

/// A peering flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeeringFlag {
    /// allow_forwarded_traffic.
    AllowForwardedTraffic,
    /// allow_virtual_network_access.
    AllowVirtualNetworkAccess,
    /// allow_gateway_transit.
    AllowGatewayTransit,
    /// use_remote_gateways.
    UseRemoteGateways,
}

/// One change to a design.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum Edit {
    /// Delete an NSG rule.
    RemoveNsgRule {
        /// NSG name.
        nsg: String,
        /// Rule name.
        rule: String,
    },
    /// Turn an allow rule into a deny rule or back.
    FlipNsgRuleAccess {
        /// NSG name.
        nsg: String,
        /// Rule name.
        rule: String,
    },
    /// Delete a user-defined route.
    RemoveRoute {
        /// Route table name.
        route_table: String,
        /// Route name.
        route: String,
    },
    /// Detach a subnet's route table.
    DetachRouteTable {
        /// `VNET/SUBNET`.
        subnet: String,
    },
    /// Detach a subnet's NSG.
    DetachSubnetNsg {
        /// `VNET/SUBNET`.
        subnet: String,
    },
    /// Remove a service endpoint from a subnet.
    RemoveServiceEndpoint {
        /// `VNET/SUBNET`.
        subnet: String,
        /// e.g. `Microsoft.Storage`.
        endpoint: String,
    },
    /// Delete a `peerings` entry.
    RemovePeering {
        /// Index in `peerings`.
        index: usize,
    },
    /// Flip one flag of a `peerings` entry (from its effective value).
    FlipPeeringFlag {
        /// Index in `peerings`.
        index: usize,
        /// The flag.
        flag: PeeringFlag,
    },
    /// Unlink a VNet from a private DNS zone.
    RemoveZoneLink {
        /// Zone name.
        zone: String,
        /// VNet name.
        vnet: String,
    },
    /// Delete a private endpoint of a service.
    RemovePrivateEndpoint {
        /// Service name.
        service: String,
        /// Index in its `private_endpoints`.
        index: usize,
    },
    /// Flip a service's public network access.
    FlipPublicNetworkAccess {
        /// Service name.
        service: String,
    },
    /// Flip a service's network ACL default action.
    FlipDefaultAction {
        /// Service name.
        service: String,
    },
    /// Delete a rule of an Azure Firewall rule collection.
    RemoveFirewallRule {
        /// Firewall name.
        firewall: String,
        /// The collection, `GROUP/COLLECTION`.
        collection: String,
        /// Rule name.
        rule: String,
    },
    /// Turn an Azure Firewall network or application rule collection's action from allow to
    /// deny or back (a DNAT collection has no action: it translates).
    FlipCollectionAction {
        /// Firewall name.
        firewall: String,
        /// The collection, `GROUP/COLLECTION`.
        collection: String,
    },
    /// Delete a FortiGate policy.
    RemoveFortiPolicy {
        /// FortiGate name.
        firewall: String,
        /// Policy name.
        policy: String,
    },
    /// Turn a FortiGate policy's action from accept to deny or back.
    FlipFortiPolicyAction {
        /// FortiGate name.
        firewall: String,
        /// Policy name.
        policy: String,
    },
    /// Turn a FortiGate policy's source NAT (`nat`) on or off.
    FlipFortiPolicyNat {
        /// FortiGate name.
        firewall: String,
        /// Policy name.
        policy: String,
    },
    /// Any other change of the records: a rule, route, link or setting added — an audit's
    /// verified fix, or a rule the user adds. The design is built again from the records.
    Patch {
        /// The change, in words.
        change: String,
        /// The change itself.
        patch: Box<Patch>,
    },
    /// Replace the record of an NSG's rule by another (any field may change, its name too):
    /// what a change to a rule typed in the source is.
    ReplaceNsgRule {
        /// NSG name.
        nsg: String,
        /// Index of the rule in the NSG's `rules`.
        index: usize,
        /// The rule's new record.
        rule: Box<NsgRuleDef>,
    },
    /// Add a rule to an NSG.
    AddNsgRule {
        /// NSG name.
        nsg: String,
        /// Where it goes in the NSG's `rules` (the rules from there on move one down).
        index: usize,
        /// The rule's record.
        rule: Box<NsgRuleDef>,
    },
}

// Records compare positions as equal and hold no floating-point values, so equality is
// reflexive.
impl Eq for Edit {}

fn missing(what: &str) -> String {
    format!("{what} does not exist in this design")
}

fn subnet_mut<'f>(
    f: &'f mut TopologyFile,
    name: &str,
) -> Result<&'f mut crate::format::SubnetDef, String> {
    let (v, s) = name.split_once('/').ok_or_else(|| missing(name))?;
    f.vnets
        .get_mut(v)
        .and_then(|v| v.subnets.get_mut(s))
        .ok_or_else(|| missing(name))
}

impl std::fmt::Display for Edit {
    /// The short description ([`Edit::describe`]), e.g. `remove NSG rule training-nsg/allow-aml`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// What a peering edit changes (see [`Edit::touches`]): the routes of every subnet of both
/// VNets, and every NSG applied there (to a subnet or a network interface). `None` when the
/// peering or a VNet it names does not exist.
fn peering_touches(d: &Design, index: usize) -> Option<Vec<crate::trace::Touch>> {
    use crate::trace::Touch;
    let p = d.file.peerings.get(index)?;
    let names: Vec<&str> = p
        .between
        .iter()
        .flatten()
        .chain(&p.from)
        .chain(&p.to)
        .map(|r| r.value.as_str())
        .collect();
    let mut vnets = Vec::new();
    for n in names {
        vnets.push(d.vnet_by_name(n)?);
    }
    let mut out = Vec::new();
    for (i, s) in d.subnets.iter().enumerate() {
        if vnets.contains(&s.vnet) {
            out.push(Touch::Routes(crate::model::SubnetId(i as u32)));
            out.extend(s.nsg.map(Touch::Nsg));
        }
    }
    for w in &d.workloads {
        if vnets.contains(&d.subnets[w.subnet.ix()].vnet) {
            out.extend(w.nsg.map(Touch::Nsg));
        }
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// What removing a private endpoint changes (see [`Edit::touches`]): where the addresses of
/// the endpoint and of the ones that move down take a packet — a trace sent to one of them
/// arrives at the endpoint's subnet and reads its NSG attachment, before and after —, what the
/// names of their services resolve to, and their services (Azure ML's paths read several).
fn endpoint_touches(
    d: &Design,
    r: &crate::model::relink::EndpointRemoval,
) -> Vec<crate::trace::Touch> {
    use crate::trace::Touch;
    let pe = &d.private_endpoints[r.pe.ix()];
    let mut out = vec![Touch::SubnetNsg(pe.subnet), Touch::Services];
    for p in std::iter::once(r.pe).chain(r.moved.iter().map(|m| m.0)) {
        let s = d.private_endpoints[p.ix()].service;
        out.extend([Touch::Service(s), Touch::ServiceNames(s)]);
    }
    out.sort_unstable();
    out.dedup();
    out
}

impl Edit {
    /// A short description for lists and reports.
    pub fn describe(&self) -> String {
        match self {
            Edit::RemoveNsgRule { nsg, rule } => format!("remove NSG rule {nsg}/{rule}"),
            Edit::FlipNsgRuleAccess { nsg, rule } => {
                format!("flip allow/deny of NSG rule {nsg}/{rule}")
            }
            Edit::RemoveRoute { route_table, route } => {
                format!("remove route {route_table}/{route}")
            }
            Edit::DetachRouteTable { subnet } => format!("detach the route table of {subnet}"),
            Edit::DetachSubnetNsg { subnet } => format!("detach the NSG of {subnet}"),
            Edit::RemoveServiceEndpoint { subnet, endpoint } => {
                format!("remove service endpoint {endpoint} from {subnet}")
            }
            Edit::RemovePeering { index } => format!("remove peering #{}", index + 1),
            Edit::FlipPeeringFlag { index, flag } => {
                format!("flip {flag:?} of peering #{}", index + 1)
            }
            Edit::RemoveZoneLink { zone, vnet } => format!("unlink VNet {vnet} from zone {zone}"),
            Edit::RemovePrivateEndpoint { service, index } => {
                format!("remove private endpoint #{} of {service}", index + 1)
            }
            Edit::FlipPublicNetworkAccess { service } => {
                format!("flip public network access of {service}")
            }
            Edit::FlipDefaultAction { service } => format!("flip the default action of {service}"),
            Edit::ReplaceNsgRule { nsg, index, rule } => {
                format!("change NSG rule {nsg}/{} (#{})", rule.name.value, index + 1)
            }
            Edit::AddNsgRule { nsg, rule, .. } => {
                format!("add NSG rule {nsg}/{}", rule.name.value)
            }
            Edit::Patch { change, .. } => change.clone(),
            e => firewall::describe(e),
        }
    }

    /// The parts of `d` this edit changes, for re-checking only the traces that read them;
    /// `None` when it may change anything (a firewall edit, an addition) or the edited element
    /// does not exist. A peering edit changes only its two VNets: their subnets'
    /// effective routes (system routes to the peer, gateway transit, private endpoint routes —
    /// and a trace reads a subnet's routes before crossing a peering or taking a reply back
    /// over one) and what `VirtualNetwork` stands for in them, read by the NSGs applied there.
    pub fn touches(&self, d: &Design) -> Option<Vec<crate::trace::Touch>> {
        use crate::trace::Touch;
        let subnet = |name: &str| d.subnet_by_name(name);
        Some(match self {
            Edit::RemoveNsgRule { nsg, .. }
            | Edit::FlipNsgRuleAccess { nsg, .. }
            | Edit::ReplaceNsgRule { nsg, .. }
            | Edit::AddNsgRule { nsg, .. } => {
                let i = d.nsgs.iter().position(|x| &x.name == nsg)?;
                vec![Touch::Nsg(crate::model::NsgId(i as u32))]
            }
            Edit::RemoveRoute { route_table, .. } => {
                let t = d.route_tables.iter().position(|x| &x.name == route_table)?;
                (0..d.subnets.len())
                    .filter(|&s| d.subnets[s].route_table.map(|r| r.ix()) == Some(t))
                    .map(|s| Touch::Routes(crate::model::SubnetId(s as u32)))
                    .collect()
            }
            Edit::DetachRouteTable { subnet: s }
            | Edit::RemoveServiceEndpoint { subnet: s, .. } => {
                vec![Touch::Routes(subnet(s)?)]
            }
            Edit::DetachSubnetNsg { subnet: s } => vec![Touch::SubnetNsg(subnet(s)?)],
            Edit::RemoveZoneLink { .. } => vec![Touch::Dns],
            Edit::FlipPublicNetworkAccess { service } | Edit::FlipDefaultAction { service } => {
                vec![Touch::Service(d.service_by_name(service)?), Touch::Services]
            }
            Edit::RemovePeering { index } | Edit::FlipPeeringFlag { index, .. } => {
                peering_touches(d, *index)?
            }
            // A firewall's rules are read by every path crossing it, its replies and its DNAT;
            // an addition can be anything.
            Edit::RemovePrivateEndpoint { service, index } => {
                endpoint_touches(d, &d.endpoint_removal(service, *index)?)
            }
            Edit::RemoveFirewallRule { .. }
            | Edit::FlipCollectionAction { .. }
            | Edit::RemoveFortiPolicy { .. }
            | Edit::FlipFortiPolicyAction { .. }
            | Edit::FlipFortiPolicyNat { .. }
            | Edit::Patch { .. } => return None,
        })
    }

    /// Applies the edit to file records.
    pub fn apply(&self, f: &TopologyFile) -> Result<TopologyFile, String> {
        let mut f = f.clone();
        self.apply_mut(&mut f)?;
        Ok(f)
    }

    /// Applies the edit to file records in place; on error nothing was changed.
    pub fn apply_mut(&self, f: &mut TopologyFile) -> Result<(), String> {
        match self {
            Edit::RemoveNsgRule { nsg, rule } => {
                let n = f.nsgs.get_mut(nsg).ok_or_else(|| missing(nsg))?;
                let before = n.rules.len();
                n.rules.retain(|r| &r.name.value != rule);
                if n.rules.len() == before {
                    return Err(missing(rule));
                }
            }
            Edit::FlipNsgRuleAccess { nsg, rule } => {
                let r = f
                    .nsgs
                    .get_mut(nsg)
                    .and_then(|n| n.rules.iter_mut().find(|r| &r.name.value == rule))
                    .ok_or_else(|| missing(rule))?;
                r.access = if r.access == Access::Allow {
                    Access::Deny
                } else {
                    Access::Allow
                };
            }
            Edit::RemoveRoute { route_table, route } => {
                let t = f
                    .route_tables
                    .get_mut(route_table)
                    .ok_or_else(|| missing(route_table))?;
                let before = t.routes.len();
                t.routes.retain(|r| &r.name.value != route);
                if t.routes.len() == before {
                    return Err(missing(route));
                }
            }
            Edit::DetachRouteTable { subnet: s } => subnet_mut(f, s)?.route_table = None,
            Edit::DetachSubnetNsg { subnet: s } => subnet_mut(f, s)?.nsg = None,
            Edit::RemoveServiceEndpoint {
                subnet: s,
                endpoint,
            } => {
                let sub = subnet_mut(f, s)?;
                let before = sub.service_endpoints.len();
                sub.service_endpoints
                    .retain(|e| !e.value.eq_ignore_ascii_case(endpoint));
                if before == sub.service_endpoints.len() {
                    return Err(missing(endpoint));
                }
            }
            Edit::RemovePeering { index } => {
                if *index >= f.peerings.len() {
                    return Err(missing(&format!("peering #{}", index + 1)));
                }
                f.peerings.remove(*index);
            }
            Edit::FlipPeeringFlag { index, flag } => {
                let p = f
                    .peerings
                    .get_mut(*index)
                    .ok_or_else(|| missing(&format!("peering #{}", index + 1)))?;
                let (slot, default) = match flag {
                    PeeringFlag::AllowForwardedTraffic => (&mut p.allow_forwarded_traffic, false),
                    PeeringFlag::AllowVirtualNetworkAccess => {
                        (&mut p.allow_virtual_network_access, true)
                    }
                    PeeringFlag::AllowGatewayTransit => (&mut p.allow_gateway_transit, false),
                    PeeringFlag::UseRemoteGateways => (&mut p.use_remote_gateways, false),
                };
                *slot = Some(!slot.unwrap_or(default));
            }
            Edit::RemoveZoneLink { zone, vnet } => {
                let z = f
                    .dns
                    .as_mut()
                    .and_then(|d| d.private_zones.get_mut(zone))
                    .ok_or_else(|| missing(zone))?;
                let before = z.links.len();
                z.links.retain(|l| &l.value != vnet);
                if before == z.links.len() {
                    return Err(missing(&format!("link {zone} → {vnet}")));
                }
            }
            Edit::RemovePrivateEndpoint { service, index } => {
                let s = f
                    .services
                    .get_mut(service)
                    .ok_or_else(|| missing(service))?;
                if *index >= s.private_endpoints.len() {
                    return Err(missing(&format!(
                        "private endpoint #{} of {service}",
                        index + 1
                    )));
                }
                s.private_endpoints.remove(*index);
            }
            Edit::FlipPublicNetworkAccess { service } => {
                let s = f
                    .services
                    .get_mut(service)
                    .ok_or_else(|| missing(service))?;
                let enabled = s.public_network_access.is_none_or(|t| t == Toggle::Enabled);
                s.public_network_access = Some(if enabled {
                    Toggle::Disabled
                } else {
                    Toggle::Enabled
                });
            }
            Edit::FlipDefaultAction { service } => {
                let s = f
                    .services
                    .get_mut(service)
                    .ok_or_else(|| missing(service))?;
                let allow = s.default_action.is_none_or(|a| a == DefaultAction::Allow);
                s.default_action = Some(if allow {
                    DefaultAction::Deny
                } else {
                    DefaultAction::Allow
                });
            }
            Edit::ReplaceNsgRule { nsg, index, rule } => {
                let slot = f
                    .nsgs
                    .get_mut(nsg)
                    .ok_or_else(|| missing(nsg))?
                    .rules
                    .get_mut(*index)
                    .ok_or_else(|| missing(&format!("rule #{} of NSG {nsg}", index + 1)))?;
                *slot = (**rule).clone();
            }
            Edit::AddNsgRule { nsg, index, rule } => {
                let n = f.nsgs.get_mut(nsg).ok_or_else(|| missing(nsg))?;
                if *index > n.rules.len() {
                    return Err(missing(&format!("rule #{} of NSG {nsg}", index + 1)));
                }
                n.rules.insert(*index, (**rule).clone());
            }
            Edit::Patch { patch, .. } => {
                // A patch can fail half-way: apply it to a copy.
                let mut g = f.clone();
                patch.apply(&mut g)?;
                *f = g;
            }
            e => firewall::apply_mut(e, f)?,
        }
        Ok(())
    }
}

/// Every single edit of a design: each removal or flip of one rule (NSG, Azure Firewall,
/// FortiGate), route, link, endpoint, peering or setting. Used for fault tolerance (`check --faults 1`) and property tests.
pub fn single_edits(f: &TopologyFile) -> Vec<Edit> {
    let mut out = Vec::new();
    for (nsg, n) in &f.nsgs {
        for r in &n.rules {
            out.push(Edit::RemoveNsgRule {
                nsg: nsg.clone(),
                rule: r.name.value.clone(),
            });
            out.push(Edit::FlipNsgRuleAccess {
                nsg: nsg.clone(),
                rule: r.name.value.clone(),
            });
        }
    }
    for (t, rt) in &f.route_tables {
        for r in &rt.routes {
            out.push(Edit::RemoveRoute {
                route_table: t.clone(),
                route: r.name.value.clone(),
            });
        }
    }
    for (v, vn) in &f.vnets {
        for (s, sub) in &vn.subnets {
            let name = format!("{v}/{s}");
            if sub.route_table.is_some() {
                out.push(Edit::DetachRouteTable {
                    subnet: name.clone(),
                });
            }
            if sub.nsg.is_some() {
                out.push(Edit::DetachSubnetNsg {
                    subnet: name.clone(),
                });
            }
            for e in &sub.service_endpoints {
                out.push(Edit::RemoveServiceEndpoint {
                    subnet: name.clone(),
                    endpoint: e.value.clone(),
                });
            }
        }
    }
    for i in 0..f.peerings.len() {
        out.push(Edit::RemovePeering { index: i });
        for flag in [
            PeeringFlag::AllowForwardedTraffic,
            PeeringFlag::AllowVirtualNetworkAccess,
        ] {
            out.push(Edit::FlipPeeringFlag { index: i, flag });
        }
    }
    if let Some(dns) = &f.dns {
        for (z, zone) in &dns.private_zones {
            for l in &zone.links {
                out.push(Edit::RemoveZoneLink {
                    zone: z.clone(),
                    vnet: l.value.clone(),
                });
            }
        }
    }
    for (s, svc) in &f.services {
        for i in 0..svc.private_endpoints.len() {
            out.push(Edit::RemovePrivateEndpoint {
                service: s.clone(),
                index: i,
            });
        }
        out.push(Edit::FlipPublicNetworkAccess { service: s.clone() });
    }
    firewall::single_edits(f, &mut out);
    out
}
