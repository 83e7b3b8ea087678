//! Effective routes of a subnet, as Azure's effective-routes table shows them, and route
//! selection (B1–B6, P2, P5): longest prefix match; on equal prefixes user > gateway (BGP) >
//! system; VNet, peering and service-endpoint system routes are never overridden by BGP, and
//! service-endpoint routes not even by user routes; a private endpoint's /32 yields to a user
//! route only as P5 says.

use crate::format::{NextHopType, PeNetworkPolicies};
use crate::model::{Design, ElementRef, GatewayId, PeId, SubnetId, VnetId};
use crate::net::AddrSet;
use ipnet::Ipv4Net;
use serde::Serialize;
use std::net::Ipv4Addr;

/// Who created a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum RouteSource {
    /// A user-defined route.
    User,
    /// Learned from a virtual network gateway (ranks as BGP).
    VirtualNetworkGateway,
    /// A system route.
    Default,
}

impl RouteSource {
    fn rank(self) -> u8 {
        match self {
            RouteSource::User => 0,
            RouteSource::VirtualNetworkGateway => 1,
            RouteSource::Default => 2,
        }
    }
}

/// Where a route sends traffic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum NextHop {
    /// Within the VNet.
    VnetLocal,
    /// Across a peering.
    VnetPeering {
        /// The peer.
        vnet: VnetId,
    },
    /// To a VPN/ExpressRoute gateway.
    VirtualNetworkGateway {
        /// The gateway.
        gateway: Option<GatewayId>,
    },
    /// To the internet (Azure services stay on the backbone).
    Internet,
    /// Dropped.
    None,
    /// To a virtual appliance.
    VirtualAppliance {
        /// Its address.
        ip: Ipv4Addr,
    },
    /// Through a service endpoint.
    VirtualNetworkServiceEndpoint {
        /// The service tag.
        tag: String,
    },
    /// To a private endpoint.
    InterfaceEndpoint {
        /// The endpoint.
        pe: PeId,
    },
}

impl NextHop {
    /// Azure's name of the next hop type.
    pub fn type_name(&self) -> &'static str {
        match self {
            NextHop::VnetLocal => "VirtualNetwork",
            NextHop::VnetPeering { .. } => "VNetPeering",
            NextHop::VirtualNetworkGateway { .. } => "VirtualNetworkGateway",
            NextHop::Internet => "Internet",
            NextHop::None => "None",
            NextHop::VirtualAppliance { .. } => "VirtualAppliance",
            NextHop::VirtualNetworkServiceEndpoint { .. } => "VirtualNetworkServiceEndpoint",
            NextHop::InterfaceEndpoint { .. } => "InterfaceEndpoint",
        }
    }

    /// The next hop address column.
    pub fn ip(&self, d: &Design) -> Option<Ipv4Addr> {
        match self {
            NextHop::VirtualAppliance { ip } => Some(*ip),
            NextHop::VirtualNetworkGateway { gateway: Some(g) } => Some(d.gateways[g.ix()].ip),
            _ => None,
        }
    }

    /// System routes that BGP routes never override (B4).
    fn protected(&self) -> bool {
        matches!(
            self,
            NextHop::VnetLocal
                | NextHop::VnetPeering { .. }
                | NextHop::VirtualNetworkServiceEndpoint { .. }
        )
    }
}

/// One row of the effective routes table.
#[derive(Clone, Debug, Serialize)]
pub struct EffectiveRoute {
    /// Who made it.
    pub source: RouteSource,
    /// Active, or overridden by another route with the same prefix.
    pub active: bool,
    /// The prefix.
    pub prefix: Ipv4Net,
    /// Where it goes.
    pub next_hop: NextHop,
    /// The user route's name, or what the system route is for.
    pub name: String,
    /// A user route whose prefix was a service tag.
    pub from_tag: bool,
    /// For user routes on exact-prefix ties (B3): 0 an explicit prefix, then regional tags,
    /// top-level tags, `AzureCloud.<region>`, `AzureCloud`.
    pub tag_rank: u8,
}

impl EffectiveRoute {
    /// The route as an element: a user route of the subnet's route table, or a route Azure
    /// made in the subnet's effective routes (system or gateway-learned).
    pub fn element(&self, d: &Design, subnet: SubnetId) -> ElementRef {
        match (self.source, d.subnets[subnet.ix()].route_table) {
            (RouteSource::User, Some(t)) => ElementRef::Route {
                table: d.route_tables[t.ix()].name.clone(),
                route: self.name.clone(),
            },
            _ => ElementRef::SystemRoute {
                subnet: d.subnets[subnet.ix()].name.clone(),
                prefix: self.prefix.to_string(),
            },
        }
    }
}

/// A subnet's effective routes with a longest-prefix-match index.
#[derive(Clone, Debug, Default)]
pub struct RouteView {
    /// Every route, active or not, in display order.
    pub routes: Vec<EffectiveRoute>,
    /// Active route indices by prefix length: sorted (network, index) pairs.
    by_len: Vec<Vec<(u32, usize)>>,
}

/// Why a route was chosen.
#[derive(Clone, Debug, Serialize)]
pub struct RouteChoice {
    /// Index into the subnet's routes.
    pub index: usize,
    /// The rule of selection that decided.
    pub why: String,
}

/// The gateways whose routes reach VNet `v`: its own, or the one it uses over a peering with
/// gateway transit.
pub fn gateways_of(d: &Design, v: VnetId) -> Vec<GatewayId> {
    if let Some(g) = d.vnets[v.ix()].gateway {
        return vec![g];
    }
    d.peerings
        .iter()
        .filter(|p| p.local == v && p.connected && p.use_remote_gateways)
        .filter(|p| {
            d.peering(p.remote, p.local)
                .is_some_and(|b| b.allow_gateway_transit)
        })
        .filter_map(|p| d.vnets[p.remote.ix()].gateway)
        .collect()
}

/// B3's order among routes with the same prefix: explicit, regional tag, top-level tag,
/// `AzureCloud.<region>`, `AzureCloud`.
fn tag_rank(r: &crate::model::UserRoute) -> u8 {
    if !r.is_tag {
        return 0;
    }
    let t = r.prefix_text.to_ascii_lowercase();
    match (t.starts_with("azurecloud"), t.contains('.')) {
        (false, true) => 1,
        (false, false) => 2,
        (true, true) => 3,
        (true, false) => 4,
    }
}

const RESERVED: [&str; 4] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
];

/// Computes the effective routes of a subnet.
pub fn effective_routes(d: &Design, s: SubnetId) -> RouteView {
    let subnet = &d.subnets[s.ix()];
    let vnet = &d.vnets[subnet.vnet.ix()];
    let table = subnet.route_table.map(|t| &d.route_tables[t.ix()]);
    let user_default = table.is_some_and(|t| {
        t.routes
            .iter()
            .any(|r| r.prefixes.iter().any(|p| p.prefix_len() == 0))
    });
    let mut routes = Vec::new();
    let sys = |prefix: Ipv4Net, next_hop: NextHop, name: &str| EffectiveRoute {
        source: RouteSource::Default,
        active: true,
        prefix,
        next_hop,
        name: name.to_string(),
        from_tag: false,
        tag_rank: 0,
    };
    for space in &vnet.address_space {
        routes.push(sys(*space, NextHop::VnetLocal, "VNet address space"));
    }
    for r in RESERVED {
        let r: Ipv4Net = r.parse().expect("valid prefix");
        let replaced = vnet
            .address_space
            .iter()
            .any(|sp| sp.contains(&r) && sp.prefix_len() <= r.prefix_len());
        if !replaced && !user_default {
            routes.push(sys(r, NextHop::None, "reserved range"));
        }
    }
    routes.push(sys(
        "0.0.0.0/0".parse().expect("valid"),
        NextHop::Internet,
        "default",
    ));
    for p in d
        .peerings
        .iter()
        .filter(|p| p.local == subnet.vnet && p.connected)
    {
        // Subnet peering exchanges only the peered subnets' prefixes, and every subnet of the
        // VNet gets them ("forward route from non-peered subnet to peered subnet exists", S12).
        for space in d.peered_remote_prefixes(p) {
            routes.push(sys(
                space,
                NextHop::VnetPeering { vnet: p.remote },
                &format!("peering to {}", d.vnets[p.remote.ix()].name),
            ));
        }
    }
    let propagate = table.is_none_or(|t| t.propagate_gateway_routes);
    if propagate {
        for g in gateways_of(d, subnet.vnet) {
            for site in &d.gateways[g.ix()].sites {
                for prefix in &d.sites[site.ix()].prefixes {
                    routes.push(EffectiveRoute {
                        source: RouteSource::VirtualNetworkGateway,
                        active: true,
                        prefix: *prefix,
                        next_hop: NextHop::VirtualNetworkGateway { gateway: Some(g) },
                        name: format!("site {}", d.sites[site.ix()].name),
                        from_tag: false,
                        tag_rank: 0,
                    });
                }
            }
        }
    }
    for se in &subnet.service_endpoints {
        if let Some(tag) = crate::tags::service_endpoint_tag(se) {
            for n in service_endpoint_scope(d, se, tag, &vnet.region).to_nets() {
                routes.push(sys(
                    n,
                    NextHop::VirtualNetworkServiceEndpoint {
                        tag: tag.to_string(),
                    },
                    &format!("service endpoint {se}"),
                ));
            }
        }
    }
    let peered: Vec<&crate::model::PeeringLink> = d
        .peerings
        .iter()
        .filter(|p| p.local == subnet.vnet && p.connected)
        .collect();
    for (i, pe) in d.private_endpoints.iter().enumerate() {
        let pe_vnet = d.subnets[pe.subnet.ix()].vnet;
        // Over a subnet peering, only endpoints in the peered subnets (S12).
        let over_peering = peered.iter().any(|p| {
            p.remote == pe_vnet
                && p.remote_subnets
                    .as_ref()
                    .is_none_or(|r| r.contains(&pe.subnet))
        });
        if pe_vnet == subnet.vnet || over_peering {
            routes.push(sys(
                Ipv4Net::from(pe.ip),
                NextHop::InterfaceEndpoint { pe: PeId(i as u32) },
                &format!("private endpoint {}", pe.name),
            ));
        }
    }
    if let Some(t) = table {
        for r in &t.routes {
            let next_hop = match r.next_hop {
                NextHopType::VirtualAppliance => NextHop::VirtualAppliance {
                    ip: r.next_hop_ip.unwrap_or(Ipv4Addr::UNSPECIFIED),
                },
                NextHopType::VirtualNetworkGateway => NextHop::VirtualNetworkGateway {
                    gateway: gateways_of(d, subnet.vnet).first().copied(),
                },
                NextHopType::VnetLocal => NextHop::VnetLocal,
                NextHopType::Internet => NextHop::Internet,
                NextHopType::None => NextHop::None,
            };
            for prefix in &r.prefixes {
                routes.push(EffectiveRoute {
                    source: RouteSource::User,
                    active: true,
                    prefix: *prefix,
                    next_hop: next_hop.clone(),
                    name: r.name.clone(),
                    from_tag: r.is_tag,
                    tag_rank: tag_rank(r),
                });
            }
        }
    }
    finalize(d, routes)
}

/// The same view without the user routes named `route` (a what-if edit), recomputing only which
/// rows are active and the lookup index. `None` when the routes removed include a 0.0.0.0/0
/// (then the reserved `None` routes come back, P2, and the view must be computed again).
pub fn without_user_route(d: &Design, view: &RouteView, route: &str) -> Option<RouteView> {
    let removed = |r: &EffectiveRoute| r.source == RouteSource::User && r.name == route;
    if view
        .routes
        .iter()
        .any(|r| removed(r) && r.prefix.prefix_len() == 0)
    {
        return None;
    }
    let routes = view
        .routes
        .iter()
        .filter(|r| !removed(r))
        .cloned()
        .map(|mut r| {
            r.active = true;
            r
        })
        .collect();
    Some(finalize(d, routes))
}

/// Decides which rows are active and builds the lookup index.
fn finalize(d: &Design, mut routes: Vec<EffectiveRoute>) -> RouteView {
    // Same prefix: the best source stays active (explicit prefixes beat service tags, B3).
    let key = |r: &EffectiveRoute| (r.source.rank(), r.tag_rank);
    let mut best: std::collections::BTreeMap<Ipv4Net, (u8, u8)> = std::collections::BTreeMap::new();
    for r in &routes {
        let k = key(r);
        best.entry(r.prefix)
            .and_modify(|b| *b = (*b).min(k))
            .or_insert(k);
    }
    for r in &mut routes {
        let beaten = key(r) > best[&r.prefix];
        let protected = matches!(
            r.next_hop,
            NextHop::InterfaceEndpoint { .. } | NextHop::VirtualNetworkServiceEndpoint { .. }
        );
        if beaten && !protected {
            r.active = false;
        }
    }
    // P5: a private endpoint's /32 is invalidated by a user route only when the endpoint's
    // subnet enables route-table policies and the route is at least as long as the endpoint
    // VNet's address space.
    for i in 0..routes.len() {
        if let NextHop::InterfaceEndpoint { pe } = routes[i].next_hop {
            let pe = &d.private_endpoints[pe.ix()];
            let pe_subnet = &d.subnets[pe.subnet.ix()];
            let policies = matches!(
                pe_subnet.pe_policies,
                PeNetworkPolicies::RouteTable | PeNetworkPolicies::Enabled
            );
            let space_len = d.vnets[pe_subnet.vnet.ix()]
                .address_space
                .iter()
                .find(|sp| sp.contains(&pe.ip))
                .map(|sp| sp.prefix_len())
                .unwrap_or(32);
            let overridden = policies
                && routes.iter().any(|r| {
                    r.source == RouteSource::User
                        && r.prefix.contains(&pe.ip)
                        && r.prefix.prefix_len() >= space_len
                });
            if overridden {
                routes[i].active = false;
            }
        }
    }
    let mut by_len: Vec<Vec<(u32, usize)>> = vec![Vec::new(); 33];
    for (i, r) in routes.iter().enumerate() {
        if r.active {
            by_len[r.prefix.prefix_len() as usize].push((u32::from(r.prefix.network()), i));
        }
    }
    for v in &mut by_len {
        v.sort_unstable();
    }
    RouteView { routes, by_len }
}

impl RouteView {
    /// Active routes whose prefix contains `dst`, longest prefix first.
    fn matching(&self, dst: Ipv4Addr) -> Vec<usize> {
        let v = u32::from(dst);
        let mut out = Vec::new();
        for len in (0..=32usize).rev() {
            let net = if len == 0 {
                0
            } else {
                v & (u32::MAX << (32 - len))
            };
            let list = &self.by_len[len];
            let start = list.partition_point(|&(n, _)| n < net);
            out.extend(
                list[start..]
                    .iter()
                    .take_while(|&&(n, _)| n == net)
                    .map(|&(_, i)| i),
            );
        }
        out
    }

    /// Selects the route for `dst`.
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<RouteChoice> {
        let cands = self.matching(dst);
        let first = *cands.first()?;
        let r = |i: usize| &self.routes[i];
        if let Some(&se) = cands
            .iter()
            .find(|&&i| matches!(r(i).next_hop, NextHop::VirtualNetworkServiceEndpoint { .. }))
        {
            return Some(RouteChoice {
                index: se,
                why: "service endpoint routes cannot be overridden (B4)".into(),
            });
        }
        let best_len = r(first).prefix.prefix_len();
        let best = cands
            .iter()
            .copied()
            .take_while(|&i| r(i).prefix.prefix_len() == best_len)
            .min_by_key(|&i| (r(i).source.rank(), r(i).tag_rank, &r(i).name))
            .expect("non-empty");
        if r(best).source == RouteSource::VirtualNetworkGateway
            && let Some(&sys) = cands
                .iter()
                .find(|&&i| r(i).source == RouteSource::Default && r(i).next_hop.protected())
        {
            return Some(RouteChoice {
                    index: sys,
                    why: "VNet and peering system routes are preferred over more specific BGP routes (B4)".into(),
                });
        }
        let why = if cands.len() == 1 {
            "the only matching route".to_string()
        } else {
            format!("longest prefix match (/{best_len})")
        };
        Some(RouteChoice { index: best, why })
    }
}

/// The addresses a subnet's service endpoint `endpoint` (for service tag `tag`) covers from
/// `region` (P16, D1): `Microsoft.Storage` the storage of the subnet's region and of its paired
/// region, `Microsoft.Storage.Global` every region, `Microsoft.Sql` its region only (regional
/// "in nature"), every other service all regions ("for all other services, you can secure Azure
/// service resources to virtual networks in any region").
pub fn service_endpoint_scope(d: &Design, endpoint: &str, tag: &str, region: &str) -> AddrSet {
    let regional = |r: &str| d.tags.regional(tag, r).cloned().unwrap_or_default();
    match endpoint.to_ascii_lowercase().as_str() {
        "microsoft.storage" => {
            let paired = crate::regions::paired(region)
                .and_then(|p| d.tags.get(&format!("{tag}.{p}")))
                .cloned()
                .unwrap_or_default();
            regional(region).union(&paired)
        }
        "microsoft.sql" => regional(region),
        _ => d.tags.get(tag).cloned().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(routes: Vec<(&str, RouteSource, NextHop)>) -> RouteView {
        let routes: Vec<EffectiveRoute> = routes
            .into_iter()
            .map(|(p, source, next_hop)| EffectiveRoute {
                source,
                active: true,
                prefix: p.parse().unwrap(),
                next_hop,
                name: String::new(),
                from_tag: false,
                tag_rank: 0,
            })
            .collect();
        let mut by_len: Vec<Vec<(u32, usize)>> = vec![Vec::new(); 33];
        for (i, r) in routes.iter().enumerate() {
            by_len[r.prefix.prefix_len() as usize].push((u32::from(r.prefix.network()), i));
        }
        for v in &mut by_len {
            v.sort_unstable();
        }
        RouteView { routes, by_len }
    }

    #[test]
    fn we_rt_1_longest_prefix_wins() {
        let v = view(vec![
            (
                "10.0.0.0/24",
                RouteSource::User,
                NextHop::VirtualAppliance {
                    ip: "10.9.9.1".parse().unwrap(),
                },
            ),
            ("10.0.0.0/16", RouteSource::User, NextHop::None),
        ]);
        assert_eq!(v.lookup("10.0.0.5".parse().unwrap()).unwrap().index, 0);
        assert_eq!(v.lookup("10.0.1.5".parse().unwrap()).unwrap().index, 1);
    }
}
