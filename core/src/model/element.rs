//! One vocabulary for "an element of the design": [`ElementRef`] names a VNet, a subnet, an NSG
//! rule, a route, a peering link, a private endpoint, a firewall rule, a DNS zone link… by the
//! names the file gives them, with Azure's vocabulary. Traces say where each hop happened and
//! what decided it with it, findings what they are about, what-if edits what they change, the
//! outline what each item stands for, and the browser's diagram matches boxes to hops by its id.
//!
//! The text id ([`ElementRef::id`]) is what JSON carries: `KIND:NAME`, a child element adding
//! `/KIND:NAME` to its parent's id, as Azure nests the resources (`nsg:app-nsg/rule:allow-https`,
//! `vnet:hub/peering:spoke`). A subnet is `subnet:VNET/SUBNET`, as every vnetlab answer writes
//! it; a private endpoint a service declares inline is named `SERVICE/GROUP`.

use super::{
    ClientId, Design, EndpointPolicyId, FirewallId, GatewayId, NatGatewayId, NsgId, PeId,
    RouteTableId, ServiceId, SiteId, SubnetId, VnetId, WorkloadId, ZoneId,
};
use crate::format::Direction;
use serde::{Serialize, Serializer};
use std::fmt;
use std::net::Ipv4Addr;

/// An element of a design, named as its file names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElementRef {
    /// A virtual network (`vnet:NAME`).
    Vnet(String),
    /// A subnet, `VNET/SUBNET` (`subnet:VNET/SUBNET`).
    Subnet(String),
    /// A network security group (`nsg:NAME`).
    Nsg(String),
    /// A security rule of an NSG, custom or one of the six defaults (`nsg:NSG/rule:RULE`).
    NsgRule {
        /// The NSG.
        nsg: String,
        /// The rule's name.
        rule: String,
    },
    /// An application security group (`asg:NAME`).
    Asg(String),
    /// A route table (`route-table:NAME`).
    RouteTable(String),
    /// A user-defined route of a route table (`route-table:TABLE/route:ROUTE`).
    Route {
        /// The route table.
        table: String,
        /// The route's name.
        route: String,
    },
    /// A route Azure created in a subnet's effective routes — a system route or one learned
    /// from a virtual network gateway (`subnet:VNET/SUBNET/system-route:PREFIX`).
    SystemRoute {
        /// The subnet (`VNET/SUBNET`).
        subnet: String,
        /// The route's address prefix.
        prefix: String,
    },
    /// A service endpoint of a subnet (`subnet:VNET/SUBNET/service-endpoint:SERVICE`).
    ServiceEndpoint {
        /// The subnet (`VNET/SUBNET`).
        subnet: String,
        /// The service, e.g. `Microsoft.Storage`.
        service: String,
    },
    /// One direction of a VNet peering, owned by the local VNet as in Azure
    /// (`vnet:LOCAL/peering:REMOTE`).
    Peering {
        /// The VNet that owns the link.
        local: String,
        /// The peered VNet.
        remote: String,
    },
    /// A VPN or ExpressRoute gateway (`gateway:NAME`).
    Gateway(String),
    /// An on-premises site (`site:NAME`).
    Site(String),
    /// An Azure Firewall, FortiGate or NVA (`firewall:NAME`).
    Firewall(String),
    /// A rule of an Azure Firewall rule collection (`firewall:FW/collection:C/rule:R`).
    FirewallRule {
        /// The firewall.
        firewall: String,
        /// The rule collection, `GROUP/COLLECTION`.
        collection: String,
        /// The rule.
        rule: String,
    },
    /// A FortiGate firewall policy, or its implicit deny (`firewall:FW/policy:P`).
    FirewallPolicy {
        /// The firewall.
        firewall: String,
        /// The policy.
        policy: String,
    },
    /// An Azure Virtual Network Manager security admin rule
    /// (`admin-configuration:CONFIGURATION/collection:COLLECTION/rule:RULE`, S10).
    AdminRule {
        /// `CONFIGURATION/COLLECTION`.
        collection: String,
        /// The rule.
        rule: String,
    },
    /// A NAT gateway (`nat-gateway:NAME`).
    NatGateway(String),
    /// A service endpoint policy (`endpoint-policy:NAME`).
    EndpointPolicy(String),
    /// A workload: VM, compute, AKS node pool, Bastion… (`workload:NAME`).
    Workload(String),
    /// An Azure Front Door profile (`front-door:NAME`).
    FrontDoor(String),
    /// A client of the design, `internet` among them (`client:NAME`).
    Client(String),
    /// A PaaS service (`service:NAME`).
    Service(String),
    /// An outbound rule of an Azure ML workspace's managed network
    /// (`service:WORKSPACE/outbound-rule:RULE`).
    OutboundRule {
        /// The workspace.
        workspace: String,
        /// The rule.
        rule: String,
    },
    /// A private endpoint (`pe:NAME`).
    PrivateEndpoint(String),
    /// A private DNS zone (`zone:NAME`).
    Zone(String),
    /// A private DNS zone's virtual network link (`zone:ZONE/link:VNET`).
    ZoneLink {
        /// The zone.
        zone: String,
        /// The linked VNet.
        vnet: String,
    },
    /// An Azure service tag (`service-tag:NAME`).
    ServiceTag(String),
    /// A DNS name being resolved (`dns:NAME`).
    DnsName(String),
    /// An address no element of the design holds (`address:IP`).
    Address(Ipv4Addr),
    /// A setting or built-in behaviour of an element (`ID/setting:NAME`): a service's
    /// `public_network_access`, a peering's `allow_forwarded_traffic`, a firewall's default
    /// deny, a subnet's `default_outbound_access`…
    Setting {
        /// The element.
        of: Box<ElementRef>,
        /// The setting, named as the file or Azure names it.
        setting: String,
    },
}

impl ElementRef {
    /// The stable text id (see the module documentation), e.g. `nsg:app-nsg/rule:allow-https`.
    pub fn id(&self) -> String {
        self.to_id()
    }

    fn to_id(&self) -> String {
        match self {
            ElementRef::Vnet(n) => format!("vnet:{n}"),
            ElementRef::Subnet(n) => format!("subnet:{n}"),
            ElementRef::Nsg(n) => format!("nsg:{n}"),
            ElementRef::NsgRule { nsg, rule } => format!("nsg:{nsg}/rule:{rule}"),
            ElementRef::Asg(n) => format!("asg:{n}"),
            ElementRef::RouteTable(n) => format!("route-table:{n}"),
            ElementRef::Route { table, route } => format!("route-table:{table}/route:{route}"),
            ElementRef::SystemRoute { subnet, prefix } => {
                format!("subnet:{subnet}/system-route:{prefix}")
            }
            ElementRef::ServiceEndpoint { subnet, service } => {
                format!("subnet:{subnet}/service-endpoint:{service}")
            }
            ElementRef::Peering { local, remote } => format!("vnet:{local}/peering:{remote}"),
            ElementRef::Gateway(n) => format!("gateway:{n}"),
            ElementRef::Site(n) => format!("site:{n}"),
            ElementRef::Firewall(n) => format!("firewall:{n}"),
            ElementRef::FirewallRule {
                firewall,
                collection,
                rule,
            } => format!("firewall:{firewall}/collection:{collection}/rule:{rule}"),
            ElementRef::FirewallPolicy { firewall, policy } => {
                format!("firewall:{firewall}/policy:{policy}")
            }
            ElementRef::AdminRule { collection, rule } => {
                let (config, coll) = collection.split_once('/').unwrap_or(("", collection));
                format!("admin-configuration:{config}/collection:{coll}/rule:{rule}")
            }
            ElementRef::NatGateway(n) => format!("nat-gateway:{n}"),
            ElementRef::EndpointPolicy(n) => format!("endpoint-policy:{n}"),
            ElementRef::Workload(n) => format!("workload:{n}"),
            ElementRef::FrontDoor(n) => format!("front-door:{n}"),
            ElementRef::Client(n) => format!("client:{n}"),
            ElementRef::Service(n) => format!("service:{n}"),
            ElementRef::OutboundRule { workspace, rule } => {
                format!("service:{workspace}/outbound-rule:{rule}")
            }
            ElementRef::PrivateEndpoint(n) => format!("pe:{n}"),
            ElementRef::Zone(n) => format!("zone:{n}"),
            ElementRef::ZoneLink { zone, vnet } => format!("zone:{zone}/link:{vnet}"),
            ElementRef::ServiceTag(n) => format!("service-tag:{n}"),
            ElementRef::DnsName(n) => format!("dns:{n}"),
            ElementRef::Address(ip) => format!("address:{ip}"),
            ElementRef::Setting { of, setting } => format!("{}/setting:{setting}", of.to_id()),
        }
    }

    /// A setting or built-in behaviour of this element.
    pub fn setting(self, setting: impl Into<String>) -> Self {
        ElementRef::Setting {
            of: Box::new(self),
            setting: setting.into(),
        }
    }

    /// The element a setting belongs to, or the element itself.
    pub fn owner(&self) -> &ElementRef {
        match self {
            ElementRef::Setting { of, .. } => of.owner(),
            e => e,
        }
    }

    /// The element that holds this one on a diagram of the design — a rule's NSG, a route's
    /// table, a system route's subnet, a peering's VNet, a firewall rule's firewall, a zone
    /// link's zone, a setting's element — or `None` for a top-level element.
    pub fn parent(&self) -> Option<ElementRef> {
        Some(match self {
            ElementRef::NsgRule { nsg, .. } => ElementRef::Nsg(nsg.clone()),
            ElementRef::Route { table, .. } => ElementRef::RouteTable(table.clone()),
            ElementRef::SystemRoute { subnet, .. } | ElementRef::ServiceEndpoint { subnet, .. } => {
                ElementRef::Subnet(subnet.clone())
            }
            ElementRef::Peering { local, .. } => ElementRef::Vnet(local.clone()),
            ElementRef::FirewallRule { firewall, .. }
            | ElementRef::FirewallPolicy { firewall, .. } => ElementRef::Firewall(firewall.clone()),
            ElementRef::OutboundRule { workspace, .. } => ElementRef::Service(workspace.clone()),
            ElementRef::ZoneLink { zone, .. } => ElementRef::Zone(zone.clone()),
            ElementRef::Subnet(s) => ElementRef::Vnet(s.split_once('/')?.0.to_string()),
            ElementRef::Setting { of, .. } => (**of).clone(),
            _ => return None,
        })
    }

    /// The VNet of a subnet.
    pub fn vnet(d: &Design, v: VnetId) -> Self {
        ElementRef::Vnet(d.vnets[v.ix()].name.clone())
    }
    /// A subnet.
    pub fn subnet(d: &Design, s: SubnetId) -> Self {
        ElementRef::Subnet(d.subnets[s.ix()].name.clone())
    }
    /// An NSG.
    pub fn nsg(d: &Design, n: NsgId) -> Self {
        ElementRef::Nsg(d.nsgs[n.ix()].name.clone())
    }
    /// The rule at `index` of an NSG's rules for a direction, in evaluation order.
    pub fn nsg_rule(d: &Design, n: NsgId, direction: Direction, index: usize) -> Self {
        let nsg = &d.nsgs[n.ix()];
        ElementRef::NsgRule {
            nsg: nsg.name.clone(),
            rule: nsg.rules(direction)[index].name.clone(),
        }
    }
    /// A route table.
    pub fn route_table(d: &Design, t: RouteTableId) -> Self {
        ElementRef::RouteTable(d.route_tables[t.ix()].name.clone())
    }
    /// The link `local` → `remote` of a peering.
    pub fn peering(d: &Design, local: VnetId, remote: VnetId) -> Self {
        ElementRef::Peering {
            local: d.vnets[local.ix()].name.clone(),
            remote: d.vnets[remote.ix()].name.clone(),
        }
    }
    /// A gateway.
    pub fn gateway(d: &Design, g: GatewayId) -> Self {
        ElementRef::Gateway(d.gateways[g.ix()].name.clone())
    }
    /// An on-premises site.
    pub fn site(d: &Design, s: SiteId) -> Self {
        ElementRef::Site(d.sites[s.ix()].name.clone())
    }
    /// A firewall or NVA.
    pub fn firewall(d: &Design, f: FirewallId) -> Self {
        ElementRef::Firewall(d.firewalls[f.ix()].name.clone())
    }
    /// A NAT gateway.
    pub fn nat_gateway(d: &Design, n: NatGatewayId) -> Self {
        ElementRef::NatGateway(d.nat_gateways[n.ix()].name.clone())
    }
    /// A service endpoint policy.
    pub fn endpoint_policy(d: &Design, p: EndpointPolicyId) -> Self {
        ElementRef::EndpointPolicy(d.endpoint_policies[p.ix()].name.clone())
    }
    /// A workload.
    pub fn workload(d: &Design, w: WorkloadId) -> Self {
        ElementRef::Workload(d.workloads[w.ix()].name.clone())
    }
    /// A client.
    pub fn client(d: &Design, c: ClientId) -> Self {
        ElementRef::Client(d.clients[c.ix()].name.clone())
    }
    /// A PaaS service.
    pub fn service(d: &Design, s: ServiceId) -> Self {
        ElementRef::Service(d.services[s.ix()].name.clone())
    }
    /// A private endpoint.
    pub fn private_endpoint(d: &Design, p: PeId) -> Self {
        ElementRef::PrivateEndpoint(d.private_endpoints[p.ix()].name.clone())
    }
    /// A private DNS zone.
    pub fn zone(d: &Design, z: ZoneId) -> Self {
        ElementRef::Zone(d.zones[z.ix()].name.clone())
    }
    /// A private DNS zone's link to a VNet.
    pub fn zone_link(d: &Design, z: ZoneId, v: VnetId) -> Self {
        ElementRef::ZoneLink {
            zone: d.zones[z.ix()].name.clone(),
            vnet: d.vnets[v.ix()].name.clone(),
        }
    }

    /// The element that holds an address in a design: a workload's NIC, a firewall, a private
    /// endpoint, a gateway, a subnet (a host no named element holds), an on-premises site, or
    /// the bare address.
    pub fn at_address(d: &Design, ip: Ipv4Addr) -> Self {
        if let Some(w) = d.workloads.iter().find(|w| w.ips.contains(ip)) {
            return ElementRef::Workload(w.name.clone());
        }
        if let Some(f) = d
            .firewalls
            .iter()
            .find(|f| f.ip == ip || f.public_ip == Some(ip))
        {
            return ElementRef::Firewall(f.name.clone());
        }
        if let Some(p) = d.private_endpoints.iter().find(|p| p.ip == ip) {
            return ElementRef::PrivateEndpoint(p.name.clone());
        }
        if let Some(g) = d.gateways.iter().find(|g| g.ip == ip) {
            return ElementRef::Gateway(g.name.clone());
        }
        if let Some(f) = d.front_doors.iter().find(|f| f.ip == ip) {
            return ElementRef::FrontDoor(f.name.clone());
        }
        if let Some(s) = d.subnet_containing(ip) {
            return ElementRef::subnet(d, s);
        }
        if let Some(s) = d
            .sites
            .iter()
            .find(|s| s.prefixes.iter().any(|p| p.contains(&ip)))
        {
            return ElementRef::Site(s.name.clone());
        }
        ElementRef::Address(ip)
    }
}

impl ElementRef {
    /// Whether the design holds this element (a setting: whether it holds its element; an
    /// NSG rule of the NSG Azure ML creates with a compute, `NAME-auto-nsg`: whether the
    /// compute exists). Addresses, names and service tags always exist.
    pub fn exists_in(&self, d: &Design) -> bool {
        let nsg_rule = |nsg: &str, rule: &str| {
            d.nsgs.iter().find(|n| n.name == nsg).map_or_else(
                || {
                    nsg.strip_suffix("-auto-nsg")
                        .is_some_and(|w| d.workload_by_name(w).is_some())
                },
                |n| n.inbound.iter().chain(&n.outbound).any(|r| r.name == rule),
            )
        };
        match self {
            ElementRef::Vnet(n) => d.vnet_by_name(n).is_some(),
            ElementRef::Subnet(n) => d.subnet_by_name(n).is_some(),
            ElementRef::Nsg(n) => d.nsgs.iter().any(|x| &x.name == n),
            ElementRef::NsgRule { nsg, rule } => nsg_rule(nsg, rule),
            ElementRef::Asg(n) => d.asgs.iter().any(|x| &x.name == n),
            ElementRef::RouteTable(n) => d.route_tables.iter().any(|x| &x.name == n),
            ElementRef::Route { table, route } => d
                .route_tables
                .iter()
                .any(|t| &t.name == table && t.routes.iter().any(|r| &r.name == route)),
            ElementRef::SystemRoute { subnet, prefix } => {
                d.subnet_by_name(subnet).is_some_and(|s| {
                    d.derived.routes[s.ix()]
                        .routes
                        .iter()
                        .any(|r| r.prefix.to_string() == *prefix)
                })
            }
            ElementRef::ServiceEndpoint { subnet, service } => d
                .subnet_by_name(subnet)
                .is_some_and(|s| d.subnets[s.ix()].service_endpoints.contains(service)),
            ElementRef::Peering { local, remote } => {
                match (d.vnet_by_name(local), d.vnet_by_name(remote)) {
                    (Some(l), Some(r)) => d.peering(l, r).is_some(),
                    _ => false,
                }
            }
            ElementRef::Gateway(n) => d.gateways.iter().any(|x| &x.name == n),
            ElementRef::Site(n) => d.sites.iter().any(|x| &x.name == n),
            ElementRef::Firewall(n) => d.firewall_by_name(n).is_some(),
            ElementRef::FirewallRule {
                firewall,
                collection,
                rule,
            } => d.firewall_by_name(firewall).is_some_and(|f| {
                d.firewalls[f.ix()]
                    .collections
                    .iter()
                    .any(|c| &c.name == collection && c.rules.iter().any(|r| &r.name == rule))
            }),
            ElementRef::FirewallPolicy { firewall, policy } => {
                d.firewall_by_name(firewall).is_some_and(|f| {
                    d.firewalls[f.ix()]
                        .policies
                        .iter()
                        .any(|p| &p.name == policy)
                })
            }
            ElementRef::AdminRule { collection, rule } => d.vnets.iter().any(|v| {
                [Direction::Inbound, Direction::Outbound]
                    .iter()
                    .any(|&dir| {
                        v.admin_rules
                            .rules(dir)
                            .iter()
                            .any(|r| &r.collection == collection && &r.rule.name == rule)
                    })
            }),
            ElementRef::NatGateway(n) => d.nat_gateways.iter().any(|x| &x.name == n),
            ElementRef::EndpointPolicy(n) => d.endpoint_policies.iter().any(|x| &x.name == n),
            ElementRef::Workload(n) => d.workload_by_name(n).is_some(),
            ElementRef::FrontDoor(n) => d.front_door_by_name(n).is_some(),
            ElementRef::Client(n) => d.client_by_name(n).is_some(),
            ElementRef::Service(n) => d.service_by_name(n).is_some(),
            ElementRef::OutboundRule { workspace, rule } => {
                d.service_by_name(workspace).is_some_and(|s| {
                    d.services[s.ix()]
                        .managed_network
                        .iter()
                        .flat_map(|m| &m.outbound_rules)
                        .any(|r| &r.name == rule)
                })
            }
            ElementRef::PrivateEndpoint(n) => d.private_endpoints.iter().any(|x| &x.name == n),
            ElementRef::Zone(n) => d.zones.iter().any(|x| &x.name == n),
            ElementRef::ZoneLink { zone, vnet } => d.vnet_by_name(vnet).is_some_and(|v| {
                d.zones
                    .iter()
                    .any(|z| &z.name == zone && z.links.contains(&v))
            }),
            ElementRef::ServiceTag(_) | ElementRef::DnsName(_) | ElementRef::Address(_) => true,
            ElementRef::Setting { of, .. } => of.exists_in(d),
        }
    }
}

impl fmt::Display for ElementRef {
    /// As users write it: `subnet ml/training`, `NSG rule app-nsg/allow-https`,
    /// `peering hub → spoke`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElementRef::Vnet(n) => write!(f, "VNet {n}"),
            ElementRef::Subnet(n) => write!(f, "subnet {n}"),
            ElementRef::Nsg(n) => write!(f, "NSG {n}"),
            ElementRef::NsgRule { nsg, rule } => write!(f, "NSG rule {nsg}/{rule}"),
            ElementRef::Asg(n) => write!(f, "ASG {n}"),
            ElementRef::RouteTable(n) => write!(f, "route table {n}"),
            ElementRef::Route { table, route } => write!(f, "route {table}/{route}"),
            ElementRef::SystemRoute { subnet, prefix } => {
                write!(f, "system route {prefix} of {subnet}")
            }
            ElementRef::ServiceEndpoint { subnet, service } => {
                write!(f, "service endpoint {service} of {subnet}")
            }
            ElementRef::Peering { local, remote } => write!(f, "peering {local} → {remote}"),
            ElementRef::Gateway(n) => write!(f, "gateway {n}"),
            ElementRef::Site(n) => write!(f, "site {n}"),
            ElementRef::Firewall(n) => write!(f, "firewall {n}"),
            ElementRef::FirewallRule {
                firewall,
                collection,
                rule,
            } => write!(f, "firewall rule {firewall}/{collection}/{rule}"),
            ElementRef::FirewallPolicy { firewall, policy } => {
                write!(f, "firewall policy {firewall}/{policy}")
            }
            ElementRef::AdminRule { collection, rule } => {
                write!(f, "security admin rule {rule} of {collection}")
            }
            ElementRef::NatGateway(n) => write!(f, "NAT gateway {n}"),
            ElementRef::EndpointPolicy(n) => write!(f, "service endpoint policy {n}"),
            ElementRef::Workload(n) => write!(f, "workload {n}"),
            ElementRef::FrontDoor(n) => write!(f, "Front Door {n}"),
            ElementRef::Client(n) => write!(f, "client {n}"),
            ElementRef::Service(n) => write!(f, "service {n}"),
            ElementRef::OutboundRule { workspace, rule } => {
                write!(f, "outbound rule {workspace}/{rule}")
            }
            ElementRef::PrivateEndpoint(n) => write!(f, "private endpoint {n}"),
            ElementRef::Zone(n) => write!(f, "private DNS zone {n}"),
            ElementRef::ZoneLink { zone, vnet } => write!(f, "link of {zone} to {vnet}"),
            ElementRef::ServiceTag(n) => write!(f, "service tag {n}"),
            ElementRef::DnsName(n) => write!(f, "name {n}"),
            ElementRef::Address(ip) => write!(f, "{ip}"),
            ElementRef::Setting { of, setting } => write!(f, "{setting} of {of}"),
        }
    }
}

impl Serialize for ElementRef {
    /// As its text id.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_id())
    }
}

#[cfg(test)]
mod tests {
    use super::ElementRef;

    #[test]
    fn ids_nest_children_under_their_parent() {
        let cases = [
            (
                ElementRef::NsgRule {
                    nsg: "app".into(),
                    rule: "allow-https".into(),
                },
                "nsg:app/rule:allow-https",
            ),
            (
                ElementRef::Peering {
                    local: "hub".into(),
                    remote: "spoke".into(),
                },
                "vnet:hub/peering:spoke",
            ),
            (
                ElementRef::Service("st".into()).setting("public_network_access"),
                "service:st/setting:public_network_access",
            ),
            (
                ElementRef::SystemRoute {
                    subnet: "hub/fw".into(),
                    prefix: "0.0.0.0/0".into(),
                },
                "subnet:hub/fw/system-route:0.0.0.0/0",
            ),
        ];
        for (e, id) in cases {
            assert_eq!(e.id(), id);
            assert_eq!(serde_json::to_string(&e).unwrap(), format!("\"{id}\""));
            let parent = e.parent().expect("a child");
            assert!(id.starts_with(&parent.id()), "{id} under {}", parent.id());
        }
        assert_eq!(ElementRef::Vnet("hub".into()).parent(), None);
        let subnet = ElementRef::Subnet("ml/training".into());
        assert_eq!(subnet.id(), "subnet:ml/training");
        assert_eq!(subnet.parent(), Some(ElementRef::Vnet("ml".into())));
        assert_eq!(
            ElementRef::Subnet("ml/training".into()).to_string(),
            "subnet ml/training"
        );
    }
}
