//! The design as an outline for tree views: VNets → subnets → their attachments and residents,
//! then NSGs with their rules, firewalls with their rule collections, rules and FortiGate
//! policies (`outline/firewall.rs`), route tables with their routes, peerings, services with their
//! settings and private endpoints, and private DNS zones with their links. Each item says which
//! what-if [`Edit`]s apply to it, so a viewer can offer "toggle" and "remove" without knowing
//! the file format.

mod firewall;

use crate::format::{Access, Direction};
use crate::model::ElementRef;
use crate::model::{
    Design, FirewallId, GatewayId, NsgId, PeId, RouteTableId, ServiceId, SubnetId, VnetId,
    WorkloadId, ZoneId,
};
use crate::whatif::{Edit, PeeringFlag};

/// What an outline item stands for, for showing its detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A section heading (`NSGs`, `Services`…).
    Section,
    /// A VNet.
    Vnet(VnetId),
    /// A subnet, or one of its attachments (NSG, route table, service endpoint).
    Subnet(SubnetId),
    /// A workload.
    Workload(WorkloadId),
    /// A firewall or NVA.
    Firewall(FirewallId),
    /// A gateway.
    Gateway(GatewayId),
    /// A private endpoint.
    PrivateEndpoint(PeId),
    /// An NSG.
    Nsg(NsgId),
    /// A custom rule of an NSG.
    NsgRule {
        /// The NSG.
        nsg: NsgId,
        /// The rule's direction.
        direction: Direction,
        /// Index in that direction's evaluation order.
        index: usize,
    },
    /// A route table.
    RouteTable(RouteTableId),
    /// A user-defined route.
    Route {
        /// The table.
        table: RouteTableId,
        /// Index in its routes.
        index: usize,
    },
    /// A `peerings` entry of the file, or one of its flags.
    Peering(usize),
    /// A PaaS service, or one of its settings.
    Service(ServiceId),
    /// A private DNS zone, or one of its links.
    Zone(ZoneId),
}

/// One line of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// A stable identity (survives edits and reloads that keep the element), e.g.
    /// `nsg:training-nsg/rule:deny-internet-out`.
    pub key: String,
    /// Nesting depth, 0 for top-level items.
    pub depth: usize,
    /// What it shows.
    pub label: String,
    /// What it stands for.
    pub target: Target,
    /// The element it shows, in the one vocabulary of elements (`None` for a section heading).
    pub element: Option<ElementRef>,
    /// The edit that flips it (allow ↔ deny, a flag, a setting), or removes it when removal
    /// is the only change it has (a subnet's NSG or route table: detach).
    pub toggle: Option<Edit>,
    /// The edit that deletes it.
    pub remove: Option<Edit>,
}

impl Item {
    fn new(key: String, depth: usize, label: String, target: Target) -> Self {
        Self {
            key,
            depth,
            label,
            target,
            element: None,
            toggle: None,
            remove: None,
        }
    }

    fn element(mut self, e: ElementRef) -> Self {
        self.element = Some(e);
        self
    }

    fn toggle(mut self, e: Edit) -> Self {
        self.toggle = Some(e);
        self
    }

    fn remove(mut self, e: Edit) -> Self {
        self.remove = Some(e);
        self
    }

    /// Whether any what-if edit applies to it.
    pub fn editable(&self) -> bool {
        self.toggle.is_some() || self.remove.is_some()
    }
}

impl Edit {
    /// The element the edit changes, in the one vocabulary of elements: an NSG rule, a route,
    /// a subnet's `nsg` or `route_table`, a service endpoint, a peering link or one of its
    /// flags, a zone link, a private endpoint, a service's setting.
    pub fn element(&self, d: &Design) -> ElementRef {
        let subnet = |s: &str| ElementRef::Subnet(s.to_string());
        match self {
            Edit::RemoveNsgRule { nsg, rule } | Edit::FlipNsgRuleAccess { nsg, rule } => {
                ElementRef::NsgRule {
                    nsg: nsg.clone(),
                    rule: rule.clone(),
                }
            }
            Edit::RemoveRoute { route_table, route } => ElementRef::Route {
                table: route_table.clone(),
                route: route.clone(),
            },
            Edit::DetachRouteTable { subnet: s } => subnet(s).setting("route_table"),
            Edit::DetachSubnetNsg { subnet: s } => subnet(s).setting("nsg"),
            Edit::RemoveServiceEndpoint {
                subnet: s,
                endpoint,
            } => ElementRef::ServiceEndpoint {
                subnet: s.clone(),
                service: endpoint.clone(),
            },
            Edit::RemovePeering { index } | Edit::FlipPeeringFlag { index, .. } => {
                let link = d
                    .file
                    .peerings
                    .get(*index)
                    .and_then(peering_entry)
                    .unwrap_or_else(|| ElementRef::Vnet(format!("peering #{}", index + 1)));
                match self {
                    Edit::FlipPeeringFlag { flag, .. } => link.setting(flag.key()),
                    _ => link,
                }
            }
            Edit::RemoveZoneLink { zone, vnet } => ElementRef::ZoneLink {
                zone: zone.clone(),
                vnet: vnet.clone(),
            },
            Edit::RemovePrivateEndpoint { service, index } => d
                .service_by_name(service)
                .and_then(|s| d.services[s.ix()].private_endpoints.get(*index))
                .map(|p| ElementRef::private_endpoint(d, *p))
                .unwrap_or_else(|| {
                    ElementRef::Service(service.clone()).setting("private_endpoints")
                }),
            Edit::FlipPublicNetworkAccess { service } => {
                ElementRef::Service(service.clone()).setting("public_network_access")
            }
            Edit::FlipDefaultAction { service } => {
                ElementRef::Service(service.clone()).setting("default_action")
            }
            Edit::RemoveFirewallRule {
                firewall,
                collection,
                rule,
            } => ElementRef::FirewallRule {
                firewall: firewall.clone(),
                collection: collection.clone(),
                rule: rule.clone(),
            },
            Edit::FlipCollectionAction {
                firewall,
                collection,
            } => ElementRef::Firewall(firewall.clone()).setting(format!("collection:{collection}")),
            Edit::RemoveFortiPolicy { firewall, policy }
            | Edit::FlipFortiPolicyAction { firewall, policy }
            | Edit::FlipFortiPolicyNat { firewall, policy } => {
                let p = ElementRef::FirewallPolicy {
                    firewall: firewall.clone(),
                    policy: policy.clone(),
                };
                // Flipping the action changes the policy, as flipping an NSG rule's access
                // changes the rule; `nat` is a setting of it.
                match self {
                    Edit::FlipFortiPolicyNat { .. } => p.setting("nat"),
                    _ => p,
                }
            }
            Edit::Patch { patch, .. } => patch.element(d),
            Edit::ReplaceNsgRule { nsg, rule, .. } | Edit::AddNsgRule { nsg, rule, .. } => {
                ElementRef::NsgRule {
                    nsg: nsg.clone(),
                    rule: rule.name.value.clone(),
                }
            }
        }
    }
}

impl PeeringFlag {
    /// The flag's key in the file (`allow_forwarded_traffic`…).
    pub fn key(self) -> &'static str {
        match self {
            PeeringFlag::AllowForwardedTraffic => "allow_forwarded_traffic",
            PeeringFlag::AllowVirtualNetworkAccess => "allow_virtual_network_access",
            PeeringFlag::AllowGatewayTransit => "allow_gateway_transit",
            PeeringFlag::UseRemoteGateways => "use_remote_gateways",
        }
    }
}

fn on_off(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The outline of a design, in display order (a pre-order walk: children follow their parent
/// with a larger depth).
pub fn outline(d: &Design) -> Vec<Item> {
    let mut out = Vec::new();
    vnets(d, &mut out);
    nsgs(d, &mut out);
    firewall::firewalls(d, &mut out);
    route_tables(d, &mut out);
    peerings(d, &mut out);
    services(d, &mut out);
    zones(d, &mut out);
    out
}

fn vnets(d: &Design, out: &mut Vec<Item>) {
    for (vi, v) in d.vnets.iter().enumerate() {
        let space: Vec<String> = v.address_space.iter().map(|n| n.to_string()).collect();
        out.push(
            Item::new(
                format!("vnet:{}", v.name),
                0,
                format!("VNet {} {}", v.name, space.join(" ")),
                Target::Vnet(VnetId(vi as u32)),
            )
            .element(ElementRef::Vnet(v.name.clone())),
        );
        for &sid in &v.subnets {
            subnet(d, sid, out);
        }
    }
}

fn subnet(d: &Design, sid: SubnetId, out: &mut Vec<Item>) {
    let s = &d.subnets[sid.ix()];
    let key = format!("subnet:{}", s.name);
    let t = Target::Subnet(sid);
    out.push(
        Item::new(
            key.clone(),
            1,
            format!("subnet {} {}", s.short_name, s.prefixes_text()),
            t.clone(),
        )
        .element(ElementRef::subnet(d, sid)),
    );
    if let Some(n) = s.nsg {
        let e = Edit::DetachSubnetNsg {
            subnet: s.name.clone(),
        };
        out.push(
            Item::new(
                format!("{key}/nsg"),
                2,
                format!("nsg {}", d.nsgs[n.ix()].name),
                t.clone(),
            )
            .element(ElementRef::subnet(d, sid).setting("nsg"))
            .toggle(e.clone())
            .remove(e),
        );
    }
    if let Some(r) = s.route_table {
        let e = Edit::DetachRouteTable {
            subnet: s.name.clone(),
        };
        out.push(
            Item::new(
                format!("{key}/route-table"),
                2,
                format!("route table {}", d.route_tables[r.ix()].name),
                t.clone(),
            )
            .element(ElementRef::subnet(d, sid).setting("route_table"))
            .toggle(e.clone())
            .remove(e),
        );
    }
    for ep in &s.service_endpoints {
        let e = Edit::RemoveServiceEndpoint {
            subnet: s.name.clone(),
            endpoint: ep.clone(),
        };
        out.push(
            Item::new(
                format!("{key}/service-endpoint:{ep}"),
                2,
                format!("service endpoint {ep}"),
                t.clone(),
            )
            .element(ElementRef::ServiceEndpoint {
                subnet: s.name.clone(),
                service: ep.clone(),
            })
            .remove(e),
        );
    }
    for (i, w) in d.workloads.iter().enumerate() {
        if w.subnet == sid {
            out.push(
                Item::new(
                    format!("workload:{}", w.name),
                    2,
                    format!("{} ({}) {}", w.name, w.kind, w.ip),
                    Target::Workload(WorkloadId(i as u32)),
                )
                .element(ElementRef::Workload(w.name.clone())),
            );
        }
    }
    for (i, f) in d.firewalls.iter().enumerate() {
        if f.subnet == sid {
            out.push(
                Item::new(
                    format!("firewall:{}", f.name),
                    2,
                    format!("firewall {} ({}) {}", f.name, f.kind, f.ip),
                    Target::Firewall(FirewallId(i as u32)),
                )
                .element(ElementRef::Firewall(f.name.clone())),
            );
        }
    }
    for (i, g) in d.gateways.iter().enumerate() {
        if g.subnet == sid {
            out.push(
                Item::new(
                    format!("gateway:{}", g.name),
                    2,
                    format!("gateway {} ({}) {}", g.name, g.kind, g.ip),
                    Target::Gateway(GatewayId(i as u32)),
                )
                .element(ElementRef::Gateway(g.name.clone())),
            );
        }
    }
    for (i, pe) in d.private_endpoints.iter().enumerate() {
        if pe.subnet == sid {
            out.push(
                Item::new(
                    format!("pe:{}", pe.name),
                    2,
                    format!("endpoint {} {}", pe.name, pe.ip),
                    Target::PrivateEndpoint(PeId(i as u32)),
                )
                .element(ElementRef::PrivateEndpoint(pe.name.clone())),
            );
        }
    }
}

fn nsgs(d: &Design, out: &mut Vec<Item>) {
    if d.nsgs.is_empty() {
        return;
    }
    out.push(Item::new(
        "section:nsgs".into(),
        0,
        "NSGs".into(),
        Target::Section,
    ));
    for (ni, n) in d.nsgs.iter().enumerate() {
        let nsg = NsgId(ni as u32);
        out.push(
            Item::new(
                format!("nsg:{}", n.name),
                1,
                n.name.clone(),
                Target::Nsg(nsg),
            )
            .element(ElementRef::Nsg(n.name.clone())),
        );
        let mut rules: Vec<(Direction, usize)> = Vec::new();
        for dir in [Direction::Inbound, Direction::Outbound] {
            for (i, r) in n.rules(dir).iter().enumerate() {
                if !r.is_default {
                    rules.push((dir, i));
                }
            }
        }
        for (dir, index) in rules {
            let r = &n.rules(dir)[index];
            let arrow = if dir == Direction::Inbound {
                "in "
            } else {
                "out"
            };
            let access = if r.access == Access::Allow {
                "allow"
            } else {
                "deny "
            };
            let id = (n.name.clone(), r.name.clone());
            out.push(
                Item::new(
                    format!("nsg:{}/rule:{}", n.name, r.name),
                    2,
                    format!("{arrow} {} {access} {}", r.priority, r.name),
                    Target::NsgRule {
                        nsg,
                        direction: dir,
                        index,
                    },
                )
                .element(ElementRef::nsg_rule(d, nsg, dir, index))
                .toggle(Edit::FlipNsgRuleAccess {
                    nsg: id.0.clone(),
                    rule: id.1.clone(),
                })
                .remove(Edit::RemoveNsgRule {
                    nsg: id.0,
                    rule: id.1,
                }),
            );
        }
    }
}

fn route_tables(d: &Design, out: &mut Vec<Item>) {
    if d.route_tables.is_empty() {
        return;
    }
    out.push(Item::new(
        "section:route-tables".into(),
        0,
        "Route tables".into(),
        Target::Section,
    ));
    for (ti, t) in d.route_tables.iter().enumerate() {
        let table = RouteTableId(ti as u32);
        out.push(
            Item::new(
                format!("route-table:{}", t.name),
                1,
                t.name.clone(),
                Target::RouteTable(table),
            )
            .element(ElementRef::RouteTable(t.name.clone())),
        );
        for (index, r) in t.routes.iter().enumerate() {
            let hop = match r.next_hop_ip {
                Some(ip) => format!("{} {ip}", r.next_hop),
                None => r.next_hop.to_string(),
            };
            out.push(
                Item::new(
                    format!("route-table:{}/route:{}", t.name, r.name),
                    2,
                    format!("{} {} → {hop}", r.name, r.prefix_text),
                    Target::Route { table, index },
                )
                .element(ElementRef::Route {
                    table: t.name.clone(),
                    route: r.name.clone(),
                })
                .remove(Edit::RemoveRoute {
                    route_table: t.name.clone(),
                    route: r.name.clone(),
                }),
            );
        }
    }
}

fn peerings(d: &Design, out: &mut Vec<Item>) {
    if d.file.peerings.is_empty() {
        return;
    }
    out.push(Item::new(
        "section:peerings".into(),
        0,
        "Peerings".into(),
        Target::Section,
    ));
    for (i, p) in d.file.peerings.iter().enumerate() {
        let ends = match (&p.between, &p.from, &p.to) {
            (Some(b), _, _) => b
                .iter()
                .map(|v| v.value.as_str())
                .collect::<Vec<_>>()
                .join(" ↔ "),
            (None, Some(f), Some(t)) => format!("{} → {}", f.value, t.value),
            _ => format!("#{}", i + 1),
        };
        let key = format!("peering:{ends}");
        let link = peering_entry(p).unwrap_or_else(|| ElementRef::Vnet(ends.clone()));
        out.push(
            Item::new(
                key.clone(),
                1,
                format!("peering {ends}"),
                Target::Peering(i),
            )
            .element(link.clone())
            .remove(Edit::RemovePeering { index: i }),
        );
        let flags = [
            (
                PeeringFlag::AllowVirtualNetworkAccess,
                "allow_virtual_network_access",
                p.allow_virtual_network_access.unwrap_or(true),
            ),
            (
                PeeringFlag::AllowForwardedTraffic,
                "allow_forwarded_traffic",
                p.allow_forwarded_traffic.unwrap_or(false),
            ),
            (
                PeeringFlag::AllowGatewayTransit,
                "allow_gateway_transit",
                p.allow_gateway_transit.unwrap_or(false),
            ),
            (
                PeeringFlag::UseRemoteGateways,
                "use_remote_gateways",
                p.use_remote_gateways.unwrap_or(false),
            ),
        ];
        for (flag, name, value) in flags {
            out.push(
                Item::new(
                    format!("{key}/{name}"),
                    2,
                    format!("{name}: {}", on_off(value)),
                    Target::Peering(i),
                )
                .element(link.clone().setting(name))
                .toggle(Edit::FlipPeeringFlag { index: i, flag }),
            );
        }
    }
}

/// The link a `peerings` entry of the file writes first: `between: [A, B]` is A's link to B,
/// `from: A, to: B` the link A owns.
fn peering_entry(p: &crate::format::PeeringDef) -> Option<ElementRef> {
    let (local, remote) = match (&p.between, &p.from, &p.to) {
        (Some(b), _, _) => (b.first()?, b.get(1)?),
        (None, Some(f), Some(t)) => (f, t),
        _ => return None,
    };
    Some(ElementRef::Peering {
        local: local.value.clone(),
        remote: remote.value.clone(),
    })
}

fn services(d: &Design, out: &mut Vec<Item>) {
    if d.services.is_empty() {
        return;
    }
    out.push(Item::new(
        "section:services".into(),
        0,
        "Services".into(),
        Target::Section,
    ));
    for (si, s) in d.services.iter().enumerate() {
        let t = Target::Service(ServiceId(si as u32));
        let key = format!("service:{}", s.name);
        out.push(
            Item::new(
                key.clone(),
                1,
                format!("{} ({})", s.name, s.kind),
                t.clone(),
            )
            .element(ElementRef::Service(s.name.clone())),
        );
        let access = if s.public_network_access {
            "enabled"
        } else {
            "disabled"
        };
        out.push(
            Item::new(
                format!("{key}/public_network_access"),
                2,
                format!("public network access: {access}"),
                t.clone(),
            )
            .element(ElementRef::Service(s.name.clone()).setting("public_network_access"))
            .toggle(Edit::FlipPublicNetworkAccess {
                service: s.name.clone(),
            }),
        );
        let action = if s.default_allow { "allow" } else { "deny" };
        out.push(
            Item::new(
                format!("{key}/default_action"),
                2,
                format!("default action: {action}"),
                t.clone(),
            )
            .element(ElementRef::Service(s.name.clone()).setting("default_action"))
            .toggle(Edit::FlipDefaultAction {
                service: s.name.clone(),
            }),
        );
        for (index, pe) in s.private_endpoints.iter().enumerate() {
            let p = &d.private_endpoints[pe.ix()];
            out.push(
                Item::new(
                    format!("{key}/pe:{}", p.name),
                    2,
                    format!("endpoint {} in {}", p.group, d.subnets[p.subnet.ix()].name),
                    Target::PrivateEndpoint(*pe),
                )
                .element(ElementRef::PrivateEndpoint(p.name.clone()))
                .remove(Edit::RemovePrivateEndpoint {
                    service: s.name.clone(),
                    index,
                }),
            );
        }
    }
}

fn zones(d: &Design, out: &mut Vec<Item>) {
    if d.zones.is_empty() {
        return;
    }
    out.push(Item::new(
        "section:zones".into(),
        0,
        "Private DNS zones".into(),
        Target::Section,
    ));
    for (zi, z) in d.zones.iter().enumerate() {
        let t = Target::Zone(ZoneId(zi as u32));
        let key = format!("zone:{}", z.name);
        out.push(
            Item::new(key.clone(), 1, z.name.clone(), t.clone())
                .element(ElementRef::Zone(z.name.clone())),
        );
        for v in &z.links {
            let vnet = &d.vnets[v.ix()].name;
            out.push(
                Item::new(
                    format!("{key}/link:{vnet}"),
                    2,
                    format!("link → {vnet}"),
                    t.clone(),
                )
                .element(ElementRef::ZoneLink {
                    zone: z.name.clone(),
                    vnet: vnet.clone(),
                })
                .remove(Edit::RemoveZoneLink {
                    zone: z.name.clone(),
                    vnet: vnet.clone(),
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESIGN: &str = "
version: 1
name: t
vnets:
  ml:
    address_space: [10.1.0.0/16]
    subnets:
      a: { prefix: 10.1.1.0/24, nsg: a-nsg, service_endpoints: [Microsoft.Storage] }
      b: { prefix: 10.1.2.0/24 }
nsgs:
  a-nsg:
    rules:
      - { name: deny-web, priority: 100, direction: outbound, access: deny, destination: Internet }
workloads:
  vm: { kind: vm, subnet: ml/a }
services:
  st:
    kind: storage
    private_endpoints:
      - { subnet: ml/b, group: blob, zones: [privatelink.blob.core.windows.net] }
dns:
  private_zones:
    privatelink.blob.core.windows.net: { links: [ml] }
";

    fn design() -> Design {
        let l = crate::load("t.yaml", DESIGN.as_bytes(), &Default::default());
        l.design.unwrap_or_else(|| panic!("{:?}", l.diagnostics))
    }

    #[test]
    fn outline_nests_vnets_subnets_and_residents_in_preorder() {
        let items = outline(&design());
        let lines: Vec<String> = items
            .iter()
            .map(|i| format!("{}{}", "  ".repeat(i.depth), i.label))
            .collect();
        assert_eq!(lines[0], "VNet ml 10.1.0.0/16");
        assert_eq!(lines[1], "  subnet a 10.1.1.0/24");
        assert_eq!(lines[2], "    nsg a-nsg");
        assert_eq!(lines[3], "    service endpoint Microsoft.Storage");
        assert!(lines[4].starts_with("    vm (vm) 10.1.1."), "{}", lines[4]);
        assert_eq!(lines[5], "  subnet b 10.1.2.0/24");
        assert!(lines[6].starts_with("    endpoint st/blob 10.1.2."));
        assert!(lines.contains(&"    out 100 deny  deny-web".to_string()));
        assert!(lines.contains(&"    link → ml".to_string()));
        assert!(lines.contains(&"    public network access: enabled".to_string()));
    }

    #[test]
    fn every_offered_edit_applies_to_the_design() {
        let d = design();
        let items = outline(&d);
        let edits: Vec<&Edit> = items
            .iter()
            .flat_map(|i| i.toggle.iter().chain(i.remove.iter()))
            .collect();
        assert!(edits.len() >= 8, "{edits:?}");
        for e in edits {
            assert!(e.apply(&d.file).is_ok(), "{e:?}");
        }
    }

    #[test]
    fn keys_are_unique_and_survive_a_flip() {
        let d = design();
        let items = outline(&d);
        let mut keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
        let rule = items
            .iter()
            .find(|i| i.key == "nsg:a-nsg/rule:deny-web")
            .expect("rule item");
        let flipped = rule
            .toggle
            .as_ref()
            .expect("toggle")
            .apply(&d.file)
            .unwrap();
        let d2 = crate::rebuild("t.yaml", &flipped, &Default::default())
            .design
            .expect("valid");
        let after = outline(&d2);
        let same = after
            .iter()
            .find(|i| i.key == rule.key)
            .expect("still there");
        assert!(same.label.contains("allow"), "{}", same.label);
    }
}
