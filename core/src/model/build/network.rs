//! Lowering the network: VNets, subnets, gateways and sites, route tables, peerings.

use super::*;
use crate::diag::did_you_mean;
use crate::format::{self, Spanned};
use crate::net::parse_ipv4_net;
use std::collections::BTreeMap;

impl Builder<'_, '_> {
    pub(super) fn vnets(&mut self, f: &TopologyFile, region: &str, scope: &Scope) -> Vec<Vnet> {
        f.vnets
            .iter()
            .map(|(name, v)| Vnet {
                name: name.clone(),
                address_space: v.address_space.iter().map(|c| c.value.0).collect(),
                dns_servers: v.dns_servers.iter().map(|ip| ip.value.0).collect(),
                region: v
                    .region
                    .clone()
                    .map(|r| r.to_ascii_lowercase())
                    .unwrap_or_else(|| region.to_string()),
                scope: scope.with(&v.subscription, &v.resource_group),
                tags: v.tags.clone(),
                subnets: Vec::new(),
                gateway: None,
                admin_rules: AdminRules::default(),
            })
            .collect()
    }

    pub(super) fn subnets(&mut self, f: &TopologyFile) -> Vec<Subnet> {
        let mut out = Vec::new();
        let nsgs = self.names.nsgs.clone();
        let rts = self.names.route_tables.clone();
        let nats = self.names.nat_gateways.clone();
        let policies = self.names.endpoint_policies.clone();
        for (vn, v) in &f.vnets {
            for (sn, s) in &v.subnets {
                let nsg = s.nsg.as_ref().and_then(|r| self.resolve(r, &nsgs, "NSG"));
                let route_table = s
                    .route_table
                    .as_ref()
                    .and_then(|r| self.resolve(r, &rts, "route table"));
                let nat_gateway = s
                    .nat_gateway
                    .as_ref()
                    .and_then(|r| self.resolve(r, &nats, "NAT gateway"));
                let endpoint_policies: Vec<EndpointPolicyId> = s
                    .service_endpoint_policies
                    .iter()
                    .filter_map(|r| self.resolve(r, &policies, "service endpoint policy"))
                    .collect();
                let mut service_endpoints = Vec::new();
                for se in &s.service_endpoints {
                    match crate::tags::SERVICE_ENDPOINTS
                        .iter()
                        .find(|k| k.eq_ignore_ascii_case(&se.value))
                    {
                        Some(k) => service_endpoints.push(k.to_string()),
                        None => {
                            let diag = self.d.error(
                                se.span(),
                                "service-endpoint",
                                format!("unknown service endpoint `{}`", se.value),
                            );
                            match did_you_mean(&se.value, crate::tags::SERVICE_ENDPOINTS) {
                                Some(k) => diag.help(format!("did you mean `{k}`?")),
                                None => diag.help(format!(
                                    "known: {}",
                                    crate::tags::SERVICE_ENDPOINTS.join(", ")
                                )),
                            };
                        }
                    }
                }
                for del in &s.delegations {
                    let ok = del
                        .value
                        .split_once('/')
                        .is_some_and(|(p, t)| p.starts_with("Microsoft.") && !t.is_empty());
                    if !ok {
                        self.d
                            .error(del.span(), "delegation", format!("`{}` is not a service to delegate to", del.value))
                            .help("a delegation names a resource type, e.g. `Microsoft.Web/serverFarms` or `Microsoft.ContainerInstance/containerGroups`");
                    }
                }
                let prefixes = self.subnet_prefixes(vn, sn, s);
                out.push(Subnet {
                    name: format!("{vn}/{sn}"),
                    short_name: sn.clone(),
                    vnet: self.names.vnets[vn],
                    prefix: prefixes[0],
                    prefixes,
                    nsg,
                    route_table,
                    service_endpoints,
                    pe_policies: s.private_endpoint_network_policies.unwrap_or_default(),
                    nat_gateway,
                    default_outbound_access: s.default_outbound_access.unwrap_or(true),
                    endpoint_policies,
                    delegations: s.delegations.iter().map(|x| x.value.clone()).collect(),
                    admin_exempt: false,
                    span: s.pos.0,
                });
            }
        }
        out
    }

    /// Subnet peering (S12): the subnets each VNet of the peering peers, by VNet name; `None`
    /// for a whole-VNet peering (or when the lists are wrong, reported here).
    fn peered_subnets(
        &mut self,
        p: &format::PeeringDef,
        pairs: &[(&Spanned<String>, &Spanned<String>)],
    ) -> Option<BTreeMap<String, Vec<SubnetId>>> {
        if p.subnets.is_empty() {
            return None;
        }
        let (a, b) = pairs.first()?;
        let mut out = BTreeMap::new();
        let mut ok = true;
        for v in [a, b] {
            let Some(list) = p.subnets.get(&v.value) else {
                self.d
                    .error(p.pos.0, "subnet-peering", format!("subnet peering lists no subnets of VNet `{}`", v.value))
                    .help(format!("add `{}: [SUBNET, …]` to the peering's `subnets` (the subnets of each VNet that are peered)", v.value));
                ok = false;
                continue;
            };
            if list.is_empty() {
                self.d.error(
                    p.pos.0,
                    "subnet-peering",
                    format!("subnet peering lists no subnets of VNet `{}`", v.value),
                );
                ok = false;
            }
            let mut ids = Vec::new();
            for s in list {
                match self.names.subnets.get(&format!("{}/{}", v.value, s.value)) {
                    Some(id) => ids.push(*id),
                    None => {
                        let known: Vec<&str> = self
                            .names
                            .subnets
                            .keys()
                            .filter_map(|k| k.strip_prefix(&format!("{}/", v.value)))
                            .collect();
                        let diag = self.d.error(
                            s.span(),
                            "unknown-name",
                            format!("VNet `{}` has no subnet `{}`", v.value, s.value),
                        );
                        if let Some(k) = did_you_mean(&s.value, known.iter().copied()) {
                            diag.help(format!("did you mean `{k}`?"));
                        }
                        ok = false;
                    }
                }
            }
            out.insert(v.value.clone(), ids);
        }
        for k in p.subnets.keys() {
            if k != &a.value && k != &b.value {
                self.d
                    .error(p.pos.0, "subnet-peering", format!("subnet peering lists subnets of `{k}`, which is not one of the peering's VNets"))
                    .help(format!("`subnets` is keyed by the peering's two VNets, `{}` and `{}`", a.value, b.value));
                ok = false;
            }
        }
        ok.then_some(out)
    }

    /// A subnet's prefixes: `prefix` or `prefixes`, exactly one of the two (S11).
    fn subnet_prefixes(&mut self, vn: &str, sn: &str, s: &format::SubnetDef) -> Vec<Ipv4Net> {
        match (&s.prefix, s.prefixes.is_empty()) {
            (Some(p), true) => vec![p.value.0],
            (None, false) => s.prefixes.iter().map(|p| p.value.0).collect(),
            (Some(p), false) => {
                self.d
                    .error(p.span(), "subnet-prefixes", format!("subnet `{vn}/{sn}` has both `prefix` and `prefixes`"))
                    .help("write one prefix as `prefix: …`, several as `prefixes: [ …, … ]` (and drop `prefix`)");
                vec![p.value.0]
            }
            (None, true) => {
                self.d
                    .error(
                        s.pos.0,
                        "missing-key",
                        format!("the subnet `{vn}/{sn}` needs `prefix` (or `prefixes`)"),
                    )
                    .help("add `prefix: …` to this subnet (or `prefixes: [ …, … ]` for several)");
                vec![Ipv4Net::default()]
            }
        }
    }

    /// NAT gateways with their public IPs, which must be public addresses. (Azure's association
    /// rules are whole-design warnings, model/settings.rs.)
    pub(super) fn nat_gateways(&mut self, f: &TopologyFile) -> Vec<NatGateway> {
        let mut out = Vec::new();
        for (name, n) in &f.nat_gateways {
            for ip in &n.public_ips {
                if crate::tags::non_public().contains(ip.value.0) {
                    self.d
                        .error(
                            ip.span(),
                            "nat-gateway",
                            format!("`{}` is not a public address", ip.value.0),
                        )
                        .help("a NAT gateway's public IPs are public addresses");
                }
            }
            out.push(NatGateway {
                name: name.clone(),
                public_ips: n.public_ips.iter().map(|ip| ip.value.0).collect(),
            });
        }
        out
    }

    /// Service endpoint policies: each lists storage accounts of the design.
    pub(super) fn endpoint_policies(
        &mut self,
        f: &TopologyFile,
        services: &[Service],
    ) -> Vec<EndpointPolicy> {
        let names = self.names.services.clone();
        let mut out = Vec::new();
        for (name, p) in &f.service_endpoint_policies {
            let mut storage_accounts = Vec::new();
            for r in &p.storage_accounts {
                let Some(id) = self.resolve(r, &names, "service") else {
                    continue;
                };
                if services[id.ix()].kind != crate::format::ServiceKind::Storage {
                    self.d
                        .error(r.span(), "service-endpoint-policy", format!("service endpoint policy `{name}` lists `{}`, which is not a storage account", r.value))
                        .help("a service endpoint policy lists Azure Storage accounts (services of kind `storage`)");
                    continue;
                }
                storage_accounts.push(id);
            }
            out.push(EndpointPolicy {
                name: name.clone(),
                storage_accounts,
            });
        }
        out
    }

    pub(super) fn gateways(&mut self, f: &TopologyFile) -> Vec<Gateway> {
        let vnets = self.names.vnets.clone();
        let mut out = Vec::new();
        for (name, g) in &f.gateways {
            let vnet = self.resolve(&g.vnet, &vnets, "VNet");
            let subnet = vnet.and_then(|_| {
                self.names
                    .subnets
                    .get(&format!("{}/GatewaySubnet", g.vnet.value))
                    .copied()
            });
            if vnet.is_some() && subnet.is_none() {
                self.d
                    .error(g.vnet.span(), "required-subnet", format!("gateway `{name}` needs a subnet named `GatewaySubnet` in VNet `{}`", g.vnet.value))
                    .help("add `GatewaySubnet: { prefix: … }` (a /27 or larger) to the VNet's subnets");
            }
            let sites = g
                .sites
                .keys()
                .map(|s| self.names.sites[&format!("{name}/{s}")])
                .collect();
            out.push(Gateway {
                name: name.clone(),
                vnet: vnet.unwrap_or(VnetId(0)),
                subnet: subnet.unwrap_or(SubnetId(0)),
                kind: g.kind.unwrap_or_default(),
                ip: Ipv4Addr::UNSPECIFIED,
                sites,
            });
        }
        out
    }

    pub(super) fn sites(&mut self, f: &TopologyFile) -> Vec<Site> {
        let mut out = Vec::new();
        for (gn, g) in &f.gateways {
            for (sn, s) in &g.sites {
                out.push(Site {
                    name: format!("{gn}/{sn}"),
                    short_name: sn.clone(),
                    gateway: self.names.gateways[gn],
                    prefixes: s.prefixes.iter().map(|p| p.value.0).collect(),
                });
            }
        }
        out
    }

    pub(super) fn route_tables(&mut self, f: &TopologyFile) -> Vec<RouteTable> {
        f.route_tables
            .iter()
            .map(|(name, t)| self.route_table(name, t))
            .collect()
    }

    pub(super) fn route_table(&mut self, name: &str, t: &format::RouteTableDef) -> RouteTable {
        {
            let mut routes = Vec::new();
            let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
            let mut prefixes_seen: BTreeMap<String, &str> = BTreeMap::new();
            for r in &t.routes {
                if seen.insert(&r.name.value, ()).is_some() {
                    self.d.error(
                        r.name.span(),
                        "duplicate-name",
                        format!(
                            "route `{}` appears twice in route table `{name}`",
                            r.name.value
                        ),
                    );
                }
                if let Some(other) =
                    prefixes_seen.insert(r.prefix.value.trim().to_ascii_lowercase(), &r.name.value)
                {
                    self.d
                        .error(r.prefix.span(), "duplicate-prefix", format!("route `{}` has the same prefix `{}` as route `{other}` in `{name}`", r.name.value, r.prefix.value))
                        .help("a route table holds one route per address prefix; remove or merge one");
                }
                let (prefixes, is_tag) = match parse_ipv4_net(&r.prefix.value) {
                    Ok(n) => (vec![n], false),
                    Err(Some(fixed)) => {
                        self.d
                            .error(
                                r.prefix.span(),
                                "cidr",
                                format!("`{}` has host bits set", r.prefix.value),
                            )
                            .help(format!("write the network address: `{fixed}`"));
                        (vec![], false)
                    }
                    Err(None) => match self.route_tag(&r.prefix) {
                        Some(set) => (set.to_nets(), true),
                        None => (vec![], true),
                    },
                };
                let next_hop_ip = r.next_hop_ip.as_ref().map(|ip| ip.value.0);
                match (r.next_hop, &r.next_hop_ip) {
                    (NextHopType::VirtualAppliance, None) => {
                        self.d
                            .error(r.pos.0, "next-hop", format!("route `{}` goes to a virtual appliance but has no `next_hop_ip`", r.name.value))
                            .help("add `next_hop_ip:` with the appliance's private IP");
                    }
                    (NextHopType::VirtualAppliance, Some(_)) => {}
                    (other, Some(ip)) => {
                        self.d
                            .error(
                                ip.span(),
                                "next-hop",
                                format!(
                                    "`next_hop_ip` is only for `virtual_appliance`, not `{other}`"
                                ),
                            )
                            .help("remove `next_hop_ip`");
                    }
                    _ => {}
                }
                routes.push(UserRoute {
                    name: r.name.value.clone(),
                    prefix_text: r.prefix.value.clone(),
                    prefixes,
                    is_tag,
                    next_hop: r.next_hop,
                    next_hop_ip,
                });
            }
            RouteTable {
                name: name.to_string(),
                propagate_gateway_routes: t.propagate_gateway_routes.unwrap_or(true),
                routes,
            }
        }
    }

    /// A service tag usable as a route prefix (A6: not the platform or virtual-network tags).
    pub(super) fn route_tag(&mut self, r: &Spanned<String>) -> Option<AddrSet> {
        const NOT_IN_UDR: [&str; 6] = [
            "AzurePlatformDNS",
            "AzurePlatformIMDS",
            "AzurePlatformLKM",
            "VirtualNetwork",
            "AzureLoadBalancer",
            "Internet",
        ];
        if let Some(bad) = NOT_IN_UDR.iter().find(|t| t.eq_ignore_ascii_case(&r.value)) {
            self.d.error(
                r.span(),
                "route-prefix",
                format!("the service tag `{bad}` cannot be used in a user-defined route"),
            );
            return None;
        }
        match self.tags.get(&r.value) {
            Some(s) => Some(s.clone()),
            None => {
                let diag = self.d.error(
                    r.span(),
                    "route-prefix",
                    format!(
                        "`{}` is neither a CIDR prefix nor a known service tag",
                        r.value
                    ),
                );
                match did_you_mean(&r.value, self.tags.names()) {
                    Some(t) => diag.help(format!("did you mean `{t}`?")),
                    None => diag.help("write a CIDR such as 10.0.0.0/16 or a service tag such as AzureMachineLearning"),
                };
                None
            }
        }
    }

    pub(super) fn peerings(&mut self, f: &TopologyFile) -> Vec<PeeringLink> {
        let vnets = self.names.vnets.clone();
        let mut links: Vec<PeeringLink> = Vec::new();
        for p in &f.peerings {
            let pairs: Vec<(&Spanned<String>, &Spanned<String>)> =
                match (&p.between, &p.from, &p.to) {
                    (Some(b), None, None) if b.len() == 2 => vec![(&b[0], &b[1]), (&b[1], &b[0])],
                    (Some(b), None, None) => {
                        self.d.error(
                            p.pos.0,
                            "peering",
                            format!("`between` needs exactly two VNets, found {}", b.len()),
                        );
                        continue;
                    }
                    (None, Some(a), Some(b)) => vec![(a, b)],
                    _ => {
                        self.d
                            .error(
                                p.pos.0,
                                "peering",
                                "a peering needs either `between: [A, B]` or both `from` and `to`",
                            )
                            .help("`between` creates both links; `from`/`to` creates one");
                        continue;
                    }
                };
            let peered = self.peered_subnets(p, &pairs);
            for (a, b) in pairs {
                let (Some(local), Some(remote)) = (
                    self.resolve(a, &vnets, "VNet"),
                    self.resolve(b, &vnets, "VNet"),
                ) else {
                    continue;
                };
                if local == remote {
                    self.d.error(
                        a.span(),
                        "peering",
                        format!("VNet `{}` cannot peer with itself", a.value),
                    );
                    continue;
                }
                if links.iter().any(|l| l.local == local && l.remote == remote) {
                    self.d.error(
                        p.pos.0,
                        "peering",
                        format!("`{}` → `{}` is peered twice", a.value, b.value),
                    );
                    continue;
                }
                links.push(PeeringLink {
                    local,
                    remote,
                    allow_forwarded_traffic: p.allow_forwarded_traffic.unwrap_or(false),
                    allow_virtual_network_access: p.allow_virtual_network_access.unwrap_or(true),
                    allow_gateway_transit: p.allow_gateway_transit.unwrap_or(false),
                    use_remote_gateways: p.use_remote_gateways.unwrap_or(false),
                    connected: false,
                    local_subnets: peered.as_ref().map(|m| m[&a.value].clone()),
                    remote_subnets: peered.as_ref().map(|m| m[&b.value].clone()),
                    span: p.pos.0,
                });
            }
        }
        let pairs: Vec<(VnetId, VnetId)> = links.iter().map(|l| (l.local, l.remote)).collect();
        for l in &mut links {
            l.connected = pairs.contains(&(l.remote, l.local));
        }
        // `between` with one-sided flags: gateway transit is set on the gateway's side and
        // use_remote_gateways on the other. Resolve so each flag lands on the side it can mean.
        let has_gw: Vec<VnetId> = f
            .gateways
            .values()
            .filter_map(|g| vnets.get(&g.vnet.value).copied())
            .collect();
        for l in &mut links {
            let from_between = f
                .peerings
                .iter()
                .any(|p| p.between.is_some() && p.pos.0 == l.span);
            if from_between {
                if l.allow_gateway_transit && !has_gw.contains(&l.local) {
                    l.allow_gateway_transit = false;
                }
                if l.use_remote_gateways
                    && (has_gw.contains(&l.local) || !has_gw.contains(&l.remote))
                {
                    l.use_remote_gateways = false;
                }
            }
        }
        links.sort_by_key(|l| (l.local, l.remote));
        links
    }
}
