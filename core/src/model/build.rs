//! Lowers the file records into a validated [`Design`]: resolves every reference, applies
//! Azure's defaults, allocates addresses and collects every problem.

use super::*;
use crate::diag::{Diagnostics, did_you_mean};
use crate::format::{self, Cidr, OneOrMany, Port, RuleProtocol, Spanned, Toggle};
use crate::net::{PortRange, parse_ipv4, parse_ipv4_net};
use std::collections::BTreeMap;

/// Builds the model. `None` when there are errors; warnings may come with a design.
pub fn build(file: &TopologyFile, opts: &BuildOptions, diags: &mut Diagnostics) -> Option<Design> {
    let mut b = Builder {
        d: diags,
        tags: &opts.tags,
        names: Names::default(),
    };
    let design = b.lower(file);
    if b.d.has_errors() {
        // References did not all resolve, but the address plan stands on its own: report its
        // problems too, so one run shows them all.
        if let Some(d) = &design {
            super::validate::address_plan_only(d, file, b.d);
        }
        return None;
    }
    let design = design.map(|mut d| {
        super::alloc::allocate(&mut d, file, b.d);
        super::alloc::register_pe_records(&mut d, b.d);
        d
    });
    let design = design.filter(|_| !b.d.has_errors());
    if let Some(d) = &design {
        super::validate::validate(d, file, b.d);
    }
    design.filter(|_| !b.d.has_errors()).map(|mut d| {
        d.derived = crate::eval::Derived::compute(&d);
        d
    })
}

#[derive(Default)]
struct Names {
    vnets: BTreeMap<String, VnetId>,
    subnets: BTreeMap<String, SubnetId>,
    nsgs: BTreeMap<String, NsgId>,
    asgs: BTreeMap<String, AsgId>,
    route_tables: BTreeMap<String, RouteTableId>,
    gateways: BTreeMap<String, GatewayId>,
    sites: BTreeMap<String, SiteId>,
    services: BTreeMap<String, ServiceId>,
    zones: BTreeMap<String, ZoneId>,
}

struct Builder<'a, 'd> {
    d: &'d mut Diagnostics,
    tags: &'a ServiceTags,
    names: Names,
}

fn ids<V, T>(map: &BTreeMap<String, V>, f: impl Fn(u32) -> T) -> BTreeMap<String, T> {
    map.keys()
        .enumerate()
        .map(|(i, k)| (k.clone(), f(i as u32)))
        .collect()
}

/// The documentation address used for a public IP that the file does not give.
fn doc_public_ip(n: usize) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, 10 + (n % 240) as u8)
}

impl Builder<'_, '_> {
    fn resolve<T: Copy>(
        &mut self,
        r: &Spanned<String>,
        map: &BTreeMap<String, T>,
        what: &str,
    ) -> Option<T> {
        if let Some(id) = map.get(&r.value) {
            return Some(*id);
        }
        let diag = self.d.error(
            r.span(),
            "reference",
            format!("no {what} named `{}`", r.value),
        );
        match did_you_mean(&r.value, map.keys().map(String::as_str)) {
            Some(s) => diag.help(format!("did you mean `{s}`?")),
            None if map.is_empty() => diag.help(format!("declare the {what} first")),
            None => diag.help(format!(
                "known: {}",
                map.keys().take(12).cloned().collect::<Vec<_>>().join(", ")
            )),
        };
        None
    }

    fn lower(&mut self, f: &TopologyFile) -> Option<Design> {
        if f.version.value != 1 {
            self.d
                .error(
                    f.version.span(),
                    "version",
                    format!("unsupported format version {}", f.version.value),
                )
                .help("this vnetlab reads `version: 1`");
        }
        let region = f
            .region
            .clone()
            .unwrap_or_else(|| "eastus".into())
            .to_ascii_lowercase();

        // Name → id tables first, so every reference below resolves whatever the order.
        self.names.vnets = ids(&f.vnets, VnetId);
        let mut subnet_names = BTreeMap::new();
        for (vn, v) in &f.vnets {
            for sn in v.subnets.keys() {
                subnet_names.insert(format!("{vn}/{sn}"), ());
            }
        }
        self.names.subnets = ids(&subnet_names, SubnetId);
        self.names.nsgs = ids(&f.nsgs, NsgId);
        let mut asg_names: BTreeMap<String, ()> = f.asgs.keys().map(|k| (k.clone(), ())).collect();
        for w in f.workloads.values() {
            for a in &w.asgs {
                asg_names.insert(a.value.clone(), ());
            }
        }
        self.names.asgs = ids(&asg_names, AsgId);
        self.names.route_tables = ids(&f.route_tables, RouteTableId);
        self.names.gateways = ids(&f.gateways, GatewayId);
        let mut site_names = BTreeMap::new();
        for (gn, g) in &f.gateways {
            for sn in g.sites.keys() {
                site_names.insert(format!("{gn}/{sn}"), ());
            }
        }
        self.names.sites = ids(&site_names, SiteId);
        self.names.services = ids(&f.services, ServiceId);
        let empty = BTreeMap::new();
        let zones = f.dns.as_ref().map(|d| &d.private_zones).unwrap_or(&empty);
        self.names.zones = ids(zones, ZoneId);

        let vnets = self.vnets(f, &region);
        let subnets = self.subnets(f);
        let gateways = self.gateways(f);
        let sites = self.sites(f);
        let route_tables = self.route_tables(f);
        let services = self.services(f, &region);
        let workloads = self.workloads(f);
        let asgs = asg_names
            .keys()
            .map(|name| Asg {
                name: name.clone(),
                members: workloads
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.asgs.iter().any(|a| self.names.asgs.get(name) == Some(a)))
                    .map(|(i, _)| WorkloadId(i as u32))
                    .collect(),
            })
            .collect();
        let nsgs = self.nsgs(f);
        let firewalls = self.firewalls(f);
        let private_endpoints = self.private_endpoints(f);
        let zones = self.zones(f);
        let clients = self.clients(f);
        let peerings = self.peerings(f);
        let expectations = self.expectations(f);

        let mut vnets = vnets;
        for (i, s) in subnets.iter().enumerate() {
            vnets[s.vnet.ix()].subnets.push(SubnetId(i as u32));
        }
        for (i, g) in gateways.iter().enumerate() {
            vnets[g.vnet.ix()].gateway = Some(GatewayId(i as u32));
        }
        let mut services = services;
        for (i, pe) in private_endpoints.iter().enumerate() {
            services[pe.service.ix()]
                .private_endpoints
                .push(PeId(i as u32));
        }

        Some(Design {
            name: f.name.clone(),
            description: f.description.clone().unwrap_or_default(),
            region,
            vnets,
            subnets,
            peerings,
            nsgs,
            asgs,
            route_tables,
            gateways,
            sites,
            firewalls,
            workloads,
            services,
            private_endpoints,
            zones,
            clients,
            expectations,
            tags: self.tags.clone(),
            file: f.clone(),
            derived: Default::default(),
        })
    }

    fn vnets(&mut self, f: &TopologyFile, region: &str) -> Vec<Vnet> {
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
                subnets: Vec::new(),
                gateway: None,
            })
            .collect()
    }

    fn subnets(&mut self, f: &TopologyFile) -> Vec<Subnet> {
        let mut out = Vec::new();
        let nsgs = self.names.nsgs.clone();
        let rts = self.names.route_tables.clone();
        for (vn, v) in &f.vnets {
            for (sn, s) in &v.subnets {
                let nsg = s.nsg.as_ref().and_then(|r| self.resolve(r, &nsgs, "NSG"));
                let route_table = s
                    .route_table
                    .as_ref()
                    .and_then(|r| self.resolve(r, &rts, "route table"));
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
                out.push(Subnet {
                    name: format!("{vn}/{sn}"),
                    short_name: sn.clone(),
                    vnet: self.names.vnets[vn],
                    prefix: s.prefix.value.0,
                    nsg,
                    route_table,
                    service_endpoints,
                    pe_policies: s.private_endpoint_network_policies.unwrap_or_default(),
                    span: s.pos.0,
                });
            }
        }
        out
    }

    fn gateways(&mut self, f: &TopologyFile) -> Vec<Gateway> {
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

    fn sites(&mut self, f: &TopologyFile) -> Vec<Site> {
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

    fn route_tables(&mut self, f: &TopologyFile) -> Vec<RouteTable> {
        let mut out = Vec::new();
        for (name, t) in &f.route_tables {
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
            out.push(RouteTable {
                name: name.clone(),
                propagate_gateway_routes: t.propagate_gateway_routes.unwrap_or(true),
                routes,
            });
        }
        out
    }

    /// A service tag usable as a route prefix (A6: not the platform or virtual-network tags).
    fn route_tag(&mut self, r: &Spanned<String>) -> Option<AddrSet> {
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

    fn nsgs(&mut self, f: &TopologyFile) -> Vec<Nsg> {
        let mut out = Vec::new();
        for (name, n) in &f.nsgs {
            let mut inbound = Vec::new();
            let mut outbound = Vec::new();
            let mut names: BTreeMap<String, ()> = BTreeMap::new();
            let mut prios: BTreeMap<(Direction, u32), &str> = BTreeMap::new();
            for r in &n.rules {
                if names
                    .insert(r.name.value.to_ascii_lowercase(), ())
                    .is_some()
                {
                    self.d.error(
                        r.name.span(),
                        "duplicate-name",
                        format!("rule `{}` appears twice in NSG `{name}`", r.name.value),
                    );
                }
                let p = r.priority.value;
                if !(100..=4096).contains(&p) {
                    self.d
                        .error(r.priority.span(), "priority", format!("priority {p} is outside 100..4096"))
                        .help("custom NSG rules take priorities from 100 to 4096; lower numbers are evaluated first");
                } else if let Some(other) = prios.insert((r.direction, p), &r.name.value) {
                    self.d
                        .error(
                            r.priority.span(),
                            "priority",
                            format!(
                                "priority {p} is already used by {} rule `{other}` in NSG `{name}`",
                                r.direction
                            ),
                        )
                        .help("priorities must be unique per direction");
                }
                let source = self.rule_side(r.source.as_ref());
                let destination = self.rule_side(r.destination.as_ref());
                let rule = NsgRule {
                    name: r.name.value.clone(),
                    priority: p,
                    direction: r.direction,
                    access: r.access,
                    protocol: protocol(r.protocol),
                    source,
                    source_ports: ports(r.source_ports.as_ref()),
                    destination,
                    destination_ports: ports(r.destination_ports.as_ref()),
                    is_default: false,
                    span: r.pos.0,
                };
                match r.direction {
                    Direction::Inbound => inbound.push(rule),
                    Direction::Outbound => outbound.push(rule),
                }
            }
            inbound.sort_by_key(|r| r.priority);
            outbound.sort_by_key(|r| r.priority);
            inbound.extend(default_rules(Direction::Inbound));
            outbound.extend(default_rules(Direction::Outbound));
            out.push(Nsg {
                name: name.clone(),
                inbound,
                outbound,
            });
        }
        out
    }

    fn rule_side(&mut self, side: Option<&OneOrMany<Spanned<String>>>) -> Vec<AddrEntry> {
        let Some(side) = side else {
            return vec![AddrEntry::Any];
        };
        let entries: Vec<AddrEntry> = side.0.iter().filter_map(|e| self.addr_entry(e)).collect();
        if side.0.len() > 1 {
            let asgs = entries
                .iter()
                .filter(|e| matches!(e, AddrEntry::Asg(_)))
                .count();
            let prefixes = entries
                .iter()
                .filter(|e| matches!(e, AddrEntry::Prefix(_)))
                .count();
            if asgs != entries.len() && prefixes != entries.len() && entries.len() == side.0.len() {
                self.d
                    .error(side.0[0].span(), "augmented-rule", "a rule side with several entries may hold only addresses/CIDRs, or only ASGs")
                    .help("Azure does not accept several service tags, or tags mixed with addresses, in one rule side: split it into several rules");
            }
            if asgs > 10 {
                self.d.error(
                    side.0[0].span(),
                    "asg-limit",
                    format!("{asgs} ASGs in one rule side; Azure allows at most 10 (P4)"),
                );
            }
            if side.0.len() > 4000 {
                self.d.error(
                    side.0[0].span(),
                    "address-limit",
                    "more than 4,000 addresses in one rule side",
                );
            }
        }
        if entries.is_empty() && side.0.is_empty() {
            vec![AddrEntry::Any]
        } else {
            entries
        }
    }

    fn addr_entry(&mut self, e: &Spanned<String>) -> Option<AddrEntry> {
        let t = e.value.trim();
        if t == "*" || t.eq_ignore_ascii_case("any") || t == "0.0.0.0/0" {
            return Some(AddrEntry::Any);
        }
        if let Some(name) = t.strip_prefix("asg:") {
            let asgs = self.names.asgs.clone();
            return self
                .resolve(
                    &Spanned {
                        value: name.to_string(),
                        pos: e.pos,
                    },
                    &asgs,
                    "application security group",
                )
                .map(AddrEntry::Asg);
        }
        if t.eq_ignore_ascii_case("VirtualNetwork") {
            return Some(AddrEntry::VirtualNetwork);
        }
        if let Some(ip) = parse_ipv4(t) {
            return Some(AddrEntry::Prefix(Ipv4Net::from(ip)));
        }
        match parse_ipv4_net(t) {
            Ok(n) => return Some(AddrEntry::Prefix(n)),
            Err(Some(fixed)) => {
                self.d
                    .error(e.span(), "cidr", format!("`{t}` has host bits set"))
                    .help(format!("write the network address: `{fixed}`"));
                return None;
            }
            Err(None) => {}
        }
        if let Some(c) = self.tags.canonical(t) {
            return Some(AddrEntry::Tag(c.to_string()));
        }
        let diag = self.d.error(
            e.span(),
            "address",
            format!("`{t}` is not an address, CIDR, service tag or `asg:NAME`"),
        );
        let mut candidates: Vec<&str> = self.tags.names().collect();
        candidates.push("VirtualNetwork");
        match did_you_mean(t, candidates) {
            Some(s) => diag.help(format!("did you mean `{s}`?")),
            None => diag.help(
                "use `*`, an IPv4 address or CIDR, a service tag such as `Internet`, or `asg:NAME`",
            ),
        };
        None
    }

    /// An address set for firewall rules and FortiGate policies: `*`/`all`, IPs, CIDRs, service
    /// tags (destination only for Azure Firewall), site names, subnets, VNets, clients.
    fn fw_addrs(
        &mut self,
        entries: &[Spanned<String>],
        f: &TopologyFile,
        allow_tags: bool,
    ) -> AddrSet {
        if entries.is_empty() {
            return AddrSet::all();
        }
        let mut set = AddrSet::empty();
        for e in entries {
            let t = e.value.trim();
            if t == "*" || t.eq_ignore_ascii_case("all") || t.eq_ignore_ascii_case("any") {
                return AddrSet::all();
            }
            if let Some(ip) = parse_ipv4(t) {
                set = set.union(&AddrSet::from_addr(ip));
                continue;
            }
            match parse_ipv4_net(t) {
                Ok(n) => {
                    set = set.union(&AddrSet::from_net(n));
                    continue;
                }
                Err(Some(fixed)) => {
                    self.d
                        .error(e.span(), "cidr", format!("`{t}` has host bits set"))
                        .help(format!("write `{fixed}`"));
                    continue;
                }
                Err(None) => {}
            }
            if let Some((vn, sn)) = t.split_once('/')
                && let Some(s) = f.vnets.get(vn).and_then(|v| v.subnets.get(sn))
            {
                set = set.union(&AddrSet::from_net(s.prefix.value.0));
                continue;
            }
            if let Some(v) = f.vnets.get(t) {
                set = set.union(&AddrSet::from_nets(
                    v.address_space.iter().map(|c| c.value.0),
                ));
                continue;
            }
            let site = f.gateways.iter().find_map(|(gn, g)| {
                g.sites
                    .iter()
                    .find(|(sn, _)| *sn == t || format!("{gn}/{sn}") == t)
                    .map(|(_, s)| s)
            });
            if let Some(s) = site {
                set = set.union(&AddrSet::from_nets(s.prefixes.iter().map(|p| p.value.0)));
                continue;
            }
            if let Some(ip) = f.clients.get(t).and_then(|c| c.ip.as_ref()) {
                set = set.union(&AddrSet::from_addr(ip.value.0));
                continue;
            }
            if let Some(tag) = self.tags.get(t) {
                if allow_tags {
                    set = set.union(tag);
                } else {
                    self.d
                        .error(e.span(), "firewall-tag", format!("service tag `{t}` as a source: Azure Firewall accepts service tags only as destinations"))
                        .help("name the source addresses, subnets or VNets instead");
                }
                continue;
            }
            let diag = self.d.error(
                e.span(),
                "address",
                format!("`{t}` is not an address, CIDR, service tag, subnet, VNet, site or client"),
            );
            let mut candidates: Vec<String> = self.tags.names().map(str::to_string).collect();
            candidates.extend(f.vnets.keys().cloned());
            candidates.extend(f.clients.keys().cloned());
            if let Some(s) = did_you_mean(t, candidates.iter().map(String::as_str)) {
                diag.help(format!("did you mean `{s}`?"));
            }
        }
        set
    }

    fn firewalls(&mut self, f: &TopologyFile) -> Vec<Firewall> {
        let subnets = self.names.subnets.clone();
        let mut out = Vec::new();
        for (i, (name, fw)) in f.firewalls.iter().enumerate() {
            let subnet = self.resolve(&fw.subnet, &subnets, "subnet");
            if fw.kind == FirewallKind::AzureFirewall
                && !fw.subnet.value.ends_with("/AzureFirewallSubnet")
                && subnet.is_some()
            {
                self.d
                    .error(fw.subnet.span(), "required-subnet", format!("Azure Firewall `{name}` must be in a subnet named `AzureFirewallSubnet`, not `{}`", fw.subnet.value))
                    .help("add an `AzureFirewallSubnet` (a /26) to the VNet and place the firewall there");
            }
            if fw.kind != FirewallKind::AzureFirewall && !fw.rule_collection_groups.is_empty() {
                self.d.error(
                    fw.pos.0,
                    "firewall-kind",
                    format!(
                        "`rule_collection_groups` are for azure_firewall, but `{name}` is a {}",
                        fw.kind
                    ),
                );
            }
            if fw.kind != FirewallKind::Fortigate && !fw.policies.is_empty() {
                self.d.error(
                    fw.pos.0,
                    "firewall-kind",
                    format!(
                        "`policies` are for fortigate, but `{name}` is a {}",
                        fw.kind
                    ),
                );
            }
            let mut collections = Vec::new();
            for g in &fw.rule_collection_groups {
                for c in &g.collections {
                    let action = match (c.kind, c.action) {
                        (CollectionKind::Dnat, _) => FwAction::Allow,
                        (_, Some(a)) => a,
                        (_, None) => {
                            self.d.error(
                                c.pos.0,
                                "missing-key",
                                format!(
                                    "rule collection `{}` needs `action` (allow | deny)",
                                    c.name
                                ),
                            );
                            FwAction::Deny
                        }
                    };
                    let mut rules = Vec::new();
                    for r in &c.rules {
                        rules.push(self.firewall_rule(c.kind, r, f, fw.dns_proxy.unwrap_or(false)));
                    }
                    collections.push(RuleCollection {
                        name: format!("{}/{}", g.name, c.name),
                        kind: c.kind,
                        group_priority: g.priority.value,
                        from_parent: g.from_parent_policy.unwrap_or(false),
                        priority: c.priority.value,
                        action,
                        rules,
                    });
                }
            }
            // F1: all groups are walked once per kind (DNAT, network, application); within a
            // kind, by group priority, then collection priority.
            collections.sort_by_key(|c| {
                let kind = match c.kind {
                    CollectionKind::Dnat => 0,
                    CollectionKind::Network => 1,
                    CollectionKind::Application => 2,
                };
                (kind, !c.from_parent, c.group_priority, c.priority)
            });
            let policies = fw
                .policies
                .iter()
                .map(|p| FortiPolicy {
                    name: p.name.clone(),
                    source: self.fw_addrs(&p.source, f, true),
                    destination: self.fw_addrs(&p.destination, f, true),
                    services: p
                        .service
                        .iter()
                        .filter_map(|s| self.forti_service(s))
                        .collect(),
                    groups: p.groups.iter().map(|g| g.value.clone()).collect(),
                    action: p.action,
                })
                .collect();
            let has_public = fw.public_ip.unwrap_or_default() != PublicIpSku::None
                || fw.public_ip_address.is_some();
            out.push(Firewall {
                name: name.clone(),
                kind: fw.kind,
                subnet: subnet.unwrap_or(SubnetId(0)),
                ip: fw
                    .private_ip
                    .as_ref()
                    .map(|i| i.value.0)
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                public_ip: has_public.then(|| {
                    fw.public_ip_address
                        .as_ref()
                        .map(|i| i.value.0)
                        .unwrap_or(doc_public_ip(200 + i))
                }),
                dns_proxy: fw.dns_proxy.unwrap_or(false),
                stateful: match fw.kind {
                    FirewallKind::Nva => fw.stateful.unwrap_or(false),
                    _ => true,
                },
                collections,
                policies,
            });
        }
        out
    }

    fn firewall_rule(
        &mut self,
        kind: CollectionKind,
        r: &format::FirewallRuleDef,
        f: &TopologyFile,
        dns_proxy: bool,
    ) -> FirewallRule {
        let source = self.fw_addrs(
            r.source.as_ref().map(|s| s.0.as_slice()).unwrap_or(&[]),
            f,
            false,
        );
        let destination = match &r.destination {
            Some(d) => self.fw_addrs(&d.0, f, true),
            None if r.destination_fqdns.is_empty() => AddrSet::all(),
            None => AddrSet::empty(),
        };
        if !r.destination_fqdns.is_empty() && !dns_proxy {
            self.d
                .error(
                    r.destination_fqdns[0].span(),
                    "dns-proxy",
                    format!(
                        "network rule `{}` uses FQDNs, which need DNS proxy on the firewall",
                        r.name
                    ),
                )
                .help("set `dns_proxy: true` on the firewall (F2)");
        }
        let mut app_protocols = Vec::new();
        for p in &r.protocols {
            let parsed = p.value.split_once(':').and_then(|(proto, port)| {
                let proto = proto.to_ascii_lowercase();
                (["http", "https", "mssql"].contains(&proto.as_str())).then_some(())?;
                Some((proto, port.parse::<u16>().ok()?))
            });
            match parsed {
                Some(v) => app_protocols.push(v),
                None => {
                    self.d
                        .error(
                            p.span(),
                            "app-protocol",
                            format!("`{}` is not an application rule protocol", p.value),
                        )
                        .help("write `https:443`, `http:80` or `mssql:1433`");
                }
            }
        }
        if kind == CollectionKind::Application && r.fqdns.is_empty() {
            self.d.error(
                r.pos.0,
                "missing-key",
                format!("application rule `{}` needs `fqdns`", r.name),
            );
        }
        if kind == CollectionKind::Application && app_protocols.is_empty() && r.protocols.is_empty()
        {
            app_protocols = vec![("http".into(), 80), ("https".into(), 443)];
        }
        let translated = match (kind, &r.translated_address) {
            (CollectionKind::Dnat, Some(a)) => Some((a.value.0, r.translated_port.unwrap_or(0))),
            (CollectionKind::Dnat, None) => {
                self.d.error(
                    r.pos.0,
                    "missing-key",
                    format!("DNAT rule `{}` needs `translated_address`", r.name),
                );
                None
            }
            _ => None,
        };
        FirewallRule {
            name: r.name.clone(),
            source,
            destination,
            destination_fqdns: r
                .destination_fqdns
                .iter()
                .map(|s| s.value.to_ascii_lowercase())
                .collect(),
            protocol: protocol(r.protocol),
            destination_ports: ports(r.destination_ports.as_ref()),
            fqdns: r
                .fqdns
                .iter()
                .map(|s| s.value.to_ascii_lowercase())
                .collect(),
            app_protocols,
            translated,
        }
    }

    fn forti_service(&mut self, s: &Spanned<String>) -> Option<(Option<Protocol>, PortSet)> {
        let t = s.value.trim().to_ascii_lowercase();
        if t == "*" || t == "all" || t == "any" {
            return Some((None, PortSet::any()));
        }
        if t == "icmp" {
            return Some((Some(Protocol::Icmp), PortSet::any()));
        }
        let parsed = t.split_once('/').and_then(|(p, ports)| {
            let proto = Protocol::parse(p).filter(|p| p.has_ports())?;
            Some((
                Some(proto),
                PortSet::from_ranges(vec![PortRange::parse(ports)?]),
            ))
        });
        if parsed.is_none() {
            self.d
                .error(
                    s.span(),
                    "service",
                    format!("`{}` is not a FortiGate service", s.value),
                )
                .help("write `*`, `tcp/443`, `udp/53`, `tcp/8000-8100` or `icmp`");
        }
        parsed
    }

    fn workloads(&mut self, f: &TopologyFile) -> Vec<Workload> {
        let subnets = self.names.subnets.clone();
        let nsgs = self.names.nsgs.clone();
        let services = self.names.services.clone();
        let mut out = Vec::new();
        for (i, (name, w)) in f.workloads.iter().enumerate() {
            let subnet = self.resolve(&w.subnet, &subnets, "subnet");
            let nsg = w.nsg.as_ref().and_then(|r| self.resolve(r, &nsgs, "NSG"));
            let workspace = w
                .workspace
                .as_ref()
                .and_then(|r| self.resolve(r, &services, "service"));
            if let (Some(ws), Some(r)) = (workspace, &w.workspace)
                && f.services.values().nth(ws.ix()).map(|s| s.kind)
                    != Some(ServiceKind::MlWorkspace)
            {
                self.d.error(
                    r.span(),
                    "workspace",
                    format!("`{}` is not an ml_workspace", r.value),
                );
            }
            let required = match w.kind {
                WorkloadKind::Bastion => Some("AzureBastionSubnet"),
                WorkloadKind::AppGateway => None,
                _ => None,
            };
            if let (Some(req), Some(_)) = (required, subnet)
                && !w.subnet.value.ends_with(&format!("/{req}"))
            {
                self.d
                    .error(
                        w.subnet.span(),
                        "required-subnet",
                        format!("a bastion must be in a subnet named `{req}`"),
                    )
                    .help(format!("add `{req}` (a /26 or larger) to the VNet"));
            }
            let addresses = match w.kind {
                WorkloadKind::ComputeCluster => w.max_nodes.as_ref().map(|n| n.value).unwrap_or(1),
                WorkloadKind::Aks => {
                    let nodes = w.node_count.as_ref().map(|n| n.value).unwrap_or(3) + 1;
                    match w.network_plugin.unwrap_or(NetworkPlugin::AzureCniOverlay) {
                        NetworkPlugin::AzureCni => nodes + nodes * w.max_pods.unwrap_or(110),
                        NetworkPlugin::Kubenet | NetworkPlugin::AzureCniOverlay => nodes,
                    }
                }
                _ => 1,
            };
            let sku = w.public_ip.unwrap_or_default();
            let public_ip = match (sku, &w.public_ip_address) {
                (PublicIpSku::None, Some(a)) => {
                    self.d
                        .error(
                            a.span(),
                            "public-ip",
                            "`public_ip_address` given but `public_ip` is none",
                        )
                        .help("set `public_ip: standard`");
                    None
                }
                (PublicIpSku::None, None) => None,
                (sku, a) => Some((
                    sku,
                    a.as_ref().map(|a| a.value.0).unwrap_or(doc_public_ip(i)),
                )),
            };
            out.push(Workload {
                name: name.clone(),
                kind: w.kind,
                subnet: subnet.unwrap_or(SubnetId(0)),
                ip: w
                    .ip
                    .as_ref()
                    .map(|i| i.value.0)
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                ips: AddrSet::empty(),
                addresses,
                public_ip,
                nsg,
                asgs: w.asgs.iter().map(|a| self.names.asgs[&a.value]).collect(),
                ip_forwarding: w.ip_forwarding.unwrap_or(false),
                workspace,
                public_network_access: w
                    .public_network_access
                    .map(|t| t == Toggle::Enabled)
                    .unwrap_or(true),
                forwards_to_azure_dns: w.forwards_to_azure_dns.unwrap_or(true),
                package_hosts: w
                    .package_hosts
                    .iter()
                    .map(|h| h.value.to_ascii_lowercase())
                    .collect(),
                network_plugin: w.network_plugin,
                batch_classic: w.node_communication_mode
                    == Some(crate::format::NodeCommunicationMode::Classic),
                max_nodes: w.max_nodes.as_ref().map(|n| n.value),
                max_pods: w.max_pods,
                span: w.pos.0,
            });
        }
        out
    }

    fn services(&mut self, f: &TopologyFile, region: &str) -> Vec<Service> {
        let services = self.names.services.clone();
        let subnets = self.names.subnets.clone();
        let mut out = Vec::new();
        for (name, s) in &f.services {
            let region = s
                .region
                .clone()
                .map(|r| r.to_ascii_lowercase())
                .unwrap_or_else(|| region.to_string());
            let dep = |b: &mut Self, r: &Option<Spanned<String>>, want: ServiceKind| {
                let id = r
                    .as_ref()
                    .and_then(|r| b.resolve(r, &services, "service"))?;
                let kind = f.services.values().nth(id.ix()).map(|s| s.kind);
                if kind != Some(want) {
                    let r = r.as_ref().expect("resolved");
                    b.d.error(
                        r.span(),
                        "dependency",
                        format!(
                            "`{}` is a {}, not a {want}",
                            r.value,
                            kind.map(|k| k.as_str()).unwrap_or("?")
                        ),
                    );
                }
                Some(id)
            };
            let storage = dep(self, &s.storage, ServiceKind::Storage);
            let key_vault = dep(self, &s.key_vault, ServiceKind::KeyVault);
            let container_registry =
                dep(self, &s.container_registry, ServiceKind::ContainerRegistry);
            let application_insights = dep(self, &s.application_insights, ServiceKind::AppInsights);
            if s.kind != ServiceKind::MlWorkspace {
                for (key, present) in [
                    ("storage", s.storage.is_some()),
                    ("key_vault", s.key_vault.is_some()),
                    ("container_registry", s.container_registry.is_some()),
                    ("managed_network", s.managed_network.is_some()),
                ] {
                    if present {
                        self.d.error(
                            s.pos.0,
                            "service-key",
                            format!(
                                "`{key}` is only for ml_workspace services, and `{name}` is a {}",
                                s.kind
                            ),
                        );
                    }
                }
            }
            let mut ip_rules = AddrSet::empty();
            for r in &s.ip_rules {
                let net: Cidr = r.value;
                if crate::tags::non_public().intersects(&AddrSet::from_net(net.0)) {
                    self.d
                        .error(r.span(), "ip-rule", format!("IP rule `{}` is a private or reserved range", net.0))
                        .help("PaaS IP rules accept only public internet addresses (D2); use virtual network rules or a private endpoint for private sources");
                }
                ip_rules = ip_rules.union(&AddrSet::from_net(net.0));
            }
            let vnet_rules = s
                .virtual_network_rules
                .iter()
                .filter_map(|r| self.resolve(r, &subnets, "subnet"))
                .collect();
            let tag = catalog::public_tag(s.kind);
            let public_ip = self
                .tags
                .regional(tag, &region)
                .and_then(|set| set.nth_wrapping(u64::from(fnv(name)) + 4))
                .unwrap_or(Ipv4Addr::new(192, 0, 2, 250));
            out.push(Service {
                name: name.clone(),
                kind: s.kind,
                region,
                public_network_access: s
                    .public_network_access
                    .map(|t| t == Toggle::Enabled)
                    .unwrap_or(true),
                default_allow: s
                    .default_action
                    .map(|a| a == format::DefaultAction::Allow)
                    .unwrap_or(true),
                ip_rules,
                vnet_rules,
                trusted_services: s.trusted_services.unwrap_or(true),
                storage,
                key_vault,
                container_registry,
                application_insights,
                managed_network: s
                    .managed_network
                    .as_ref()
                    .map(|m| self.managed_network(m, f, &services)),
                private_endpoints: Vec::new(),
                public_ip,
                span: s.pos.0,
            });
        }
        out
    }

    fn managed_network(
        &mut self,
        m: &format::ManagedNetworkDef,
        f: &TopologyFile,
        services: &BTreeMap<String, ServiceId>,
    ) -> ManagedNetwork {
        use crate::format::OutboundRuleKind as K;
        let isolation = m.isolation.unwrap_or_default();
        let mut outbound_rules = Vec::new();
        for r in &m.outbound_rules {
            if r.kind != K::PrivateEndpoint && isolation != Isolation::AllowOnlyApprovedOutbound {
                self.d
                    .error(r.pos.0, "outbound-rule", format!("outbound rule `{}`: service-tag and FQDN rules are only valid with allow_only_approved_outbound (E4)", r.name))
                    .help("remove the rule, or set `isolation: allow_only_approved_outbound`");
            }
            let target = match r.kind {
                K::PrivateEndpoint => {
                    let Some(sref) = &r.service else {
                        self.d.error(
                            r.pos.0,
                            "missing-key",
                            format!("private_endpoint rule `{}` needs `service`", r.name),
                        );
                        continue;
                    };
                    let Some(sid) = self.resolve(sref, services, "service") else {
                        continue;
                    };
                    let kind = f.services[&sref.value].kind;
                    let group = match &r.subresource {
                        None => catalog::subresources(kind)[0].group.to_string(),
                        Some(g) => match catalog::subresource(kind, g) {
                            Some(sub) => sub.group.to_string(),
                            None => {
                                self.d.error(
                                    r.pos.0,
                                    "pe-group",
                                    format!("a {kind} has no subresource `{g}`"),
                                );
                                continue;
                            }
                        },
                    };
                    OutboundTarget::PrivateEndpoint {
                        service: sid,
                        group,
                    }
                }
                K::ServiceTag => {
                    let Some(t) = &r.service_tag else {
                        self.d.error(
                            r.pos.0,
                            "missing-key",
                            format!("service_tag rule `{}` needs `service_tag`", r.name),
                        );
                        continue;
                    };
                    let Some(tag) = self.tags.canonical(&t.value).map(str::to_string) else {
                        self.d.error(
                            t.span(),
                            "service-tag",
                            format!("unknown service tag `{}`", t.value),
                        );
                        continue;
                    };
                    OutboundTarget::ServiceTag {
                        tag,
                        protocol: protocol(r.protocol),
                        ports: ports(r.port_ranges.as_ref()),
                    }
                }
                K::Fqdn => {
                    let Some(dst) = &r.destination else {
                        self.d.error(
                            r.pos.0,
                            "missing-key",
                            format!("fqdn rule `{}` needs `destination`", r.name),
                        );
                        continue;
                    };
                    let fqdn = dst.value.trim().to_ascii_lowercase();
                    if fqdn.ends_with(".core.windows.net") {
                        self.d
                            .error(dst.span(), "outbound-rule", format!("FQDN rule `{}` targets a storage account; with allow_only_approved_outbound storage needs a private endpoint rule (E4)", r.name))
                            .help("use `kind: private_endpoint` with the storage service");
                    }
                    OutboundTarget::Fqdn { fqdn }
                }
            };
            outbound_rules.push(OutboundRule {
                name: r.name.clone(),
                target,
            });
        }
        ManagedNetwork {
            isolation,
            outbound_rules,
        }
    }

    fn private_endpoints(&mut self, f: &TopologyFile) -> Vec<PrivateEndpoint> {
        let subnets = self.names.subnets.clone();
        let zones = self.names.zones.clone();
        let mut out = Vec::new();
        for (sname, s) in &f.services {
            for (i, pe) in s.private_endpoints.iter().enumerate() {
                let subnet = self.resolve(&pe.subnet, &subnets, "subnet");
                let sub = catalog::subresource(s.kind, &pe.group.value);
                let group = match sub {
                    Some(sub) => sub.group.to_string(),
                    None => {
                        let groups: Vec<&str> = catalog::subresources(s.kind)
                            .iter()
                            .map(|g| g.group)
                            .collect();
                        let diag = self.d.error(
                            pe.group.span(),
                            "pe-group",
                            format!("a {} has no subresource `{}`", s.kind, pe.group.value),
                        );
                        match did_you_mean(&pe.group.value, groups.iter().copied()) {
                            Some(g) => diag.help(format!("did you mean `{g}`?")),
                            None => diag.help(format!("its subresources: {}", groups.join(", "))),
                        };
                        pe.group.value.clone()
                    }
                };
                let mut zone_ids = Vec::new();
                for z in &pe.zones {
                    if let Some(sub) = sub {
                        let expected = sub.zones();
                        if !expected.iter().any(|e| e.eq_ignore_ascii_case(&z.value)) {
                            self.d
                                .error(
                                    z.span(),
                                    "pe-zone",
                                    format!(
                                        "zone `{}` does not serve the `{}` subresource of a {}",
                                        z.value, sub.group, s.kind
                                    ),
                                )
                                .help(format!("use {}", expected.join(" or ")));
                            continue;
                        }
                    }
                    if let Some(id) =
                        self.resolve(z, &zones, "private DNS zone (under dns.private_zones)")
                    {
                        zone_ids.push(id);
                    }
                }
                let count = s
                    .private_endpoints
                    .iter()
                    .filter(|p| p.group.value.eq_ignore_ascii_case(&pe.group.value))
                    .count();
                let name = if count > 1 {
                    format!("{sname}/{group}#{}", i + 1)
                } else {
                    format!("{sname}/{group}")
                };
                out.push(PrivateEndpoint {
                    name,
                    service: self.names.services[sname],
                    subnet: subnet.unwrap_or(SubnetId(0)),
                    ip: pe
                        .ip
                        .as_ref()
                        .map(|i| i.value.0)
                        .unwrap_or(Ipv4Addr::UNSPECIFIED),
                    group,
                    zones: zone_ids,
                    state: pe.state.unwrap_or_default(),
                });
            }
        }
        out
    }

    fn zones(&mut self, f: &TopologyFile) -> Vec<PrivateZone> {
        let vnets = self.names.vnets.clone();
        let mut out = Vec::new();
        if let Some(dns) = &f.dns {
            for (name, z) in &dns.private_zones {
                let mut links = Vec::new();
                for l in &z.links {
                    if let Some(v) = self.resolve(l, &vnets, "VNet") {
                        if links.contains(&v) {
                            self.d.error(
                                l.span(),
                                "duplicate-link",
                                format!("VNet `{}` is linked twice to zone `{name}`", l.value),
                            );
                        }
                        links.push(v);
                    }
                }
                out.push(PrivateZone {
                    name: name.to_ascii_lowercase(),
                    links,
                    records: z
                        .records
                        .iter()
                        .map(|(k, v)| (k.to_ascii_lowercase(), v.value.0))
                        .collect(),
                    resolution_policy: z.resolution_policy.unwrap_or_default(),
                });
            }
        }
        out
    }

    fn clients(&mut self, f: &TopologyFile) -> Vec<Client> {
        let sites = self.names.sites.clone();
        let mut out = vec![Client {
            name: "internet".into(),
            kind: ClientKind::Internet,
            site: None,
            ip: Ipv4Addr::new(198, 51, 100, 1),
            groups: Vec::new(),
            dns_server: None,
            service_tag: None,
        }];
        for (name, c) in &f.clients {
            if name == "internet" {
                self.d
                    .error(c.pos.0, "reserved-name", "`internet` is a built-in client")
                    .help("choose another name");
                continue;
            }
            let site = c
                .site
                .as_ref()
                .and_then(|s| self.resolve(s, &sites, "site (GATEWAY/SITE)"));
            if c.kind == ClientKind::OnPrem && c.site.is_none() {
                self.d.error(
                    c.pos.0,
                    "missing-key",
                    format!("on-premises client `{name}` needs `site: GATEWAY/SITE`"),
                );
            }
            let service_tag = match (&c.kind, &c.service_tag) {
                (ClientKind::AzureService, Some(t)) => match self.tags.canonical(&t.value) {
                    Some(c) => Some(c.to_string()),
                    None => {
                        self.d.error(
                            t.span(),
                            "service-tag",
                            format!("unknown service tag `{}`", t.value),
                        );
                        None
                    }
                },
                (ClientKind::AzureService, None) => {
                    self.d.error(
                        c.pos.0,
                        "missing-key",
                        format!("Azure service client `{name}` needs `service_tag`"),
                    );
                    None
                }
                _ => None,
            };
            let ip = match (&c.ip, c.kind) {
                (Some(ip), _) => ip.value.0,
                (None, ClientKind::OnPrem) => site
                    .and_then(|s| {
                        f.gateways
                            .values()
                            .flat_map(|g| g.sites.values())
                            .nth(s.ix())
                    })
                    .and_then(|s| s.prefixes.first())
                    .and_then(|p| AddrSet::from_net(p.value.0).nth_wrapping(10))
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                (None, ClientKind::AzureService) => service_tag
                    .as_deref()
                    .and_then(|t| self.tags.get(t))
                    .and_then(|s| s.nth_wrapping(4))
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                (None, ClientKind::Internet) => {
                    Ipv4Addr::new(198, 51, 100, 2 + (out.len() % 200) as u8)
                }
            };
            if let (Some(site), Some(ipv)) = (site, &c.ip) {
                let inside = f
                    .gateways
                    .values()
                    .flat_map(|g| g.sites.values())
                    .nth(site.ix())
                    .is_some_and(|s| s.prefixes.iter().any(|p| p.value.0.contains(&ipv.value.0)));
                if !inside {
                    self.d.error(
                        ipv.span(),
                        "client-ip",
                        format!(
                            "{} is not inside the prefixes of site `{}`",
                            ipv.value.0,
                            c.site.as_ref().expect("site").value
                        ),
                    );
                }
            }
            out.push(Client {
                name: name.clone(),
                kind: c.kind,
                site,
                ip,
                groups: c.groups.clone(),
                dns_server: c.dns_server.as_ref().map(|d| d.value.0),
                service_tag,
            });
        }
        out
    }

    fn peerings(&mut self, f: &TopologyFile) -> Vec<PeeringLink> {
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

    fn expectations(&mut self, f: &TopologyFile) -> Vec<Expectation> {
        let mut out = Vec::new();
        for e in &f.expect {
            let protocol = match e.protocol {
                Some(p) => protocol(Some(p)),
                None => Some(Protocol::Tcp),
            };
            let ports = match (&e.port, &e.ports) {
                (Some(_), Some(_)) => {
                    self.d
                        .error(
                            e.pos.0,
                            "expect",
                            format!("expectation `{}` has both `port` and `ports`", e.name),
                        )
                        .help("keep one");
                    PortSet::any()
                }
                (Some(p), None) => PortSet::from_ranges(vec![p.value.0]),
                (None, Some(ps)) => ports(Some(ps)),
                (None, None) if protocol.is_some_and(Protocol::has_ports) => {
                    self.d
                        .error(
                            e.pos.0,
                            "expect",
                            format!("expectation `{}` needs `port: N` or `ports: …`", e.name),
                        )
                        .help("add `port: 443`, or `ports: \"*\"` for every port");
                    PortSet::any()
                }
                (None, None) => PortSet::any(),
            };
            out.push(Expectation {
                name: e.name.clone(),
                from: e.from.value.clone(),
                to: e.to.value.clone(),
                protocol,
                ports,
                verdict: e.verdict,
                via: e.via.iter().map(|v| v.value.clone()).collect(),
                span: e.pos.0,
            });
        }
        out
    }
}

/// The protocol of a rule; `None` is Any.
pub(crate) fn protocol(p: Option<RuleProtocol>) -> Option<Protocol> {
    match p.unwrap_or(RuleProtocol::Any) {
        RuleProtocol::Any => None,
        RuleProtocol::Tcp => Some(Protocol::Tcp),
        RuleProtocol::Udp => Some(Protocol::Udp),
        RuleProtocol::Icmp => Some(Protocol::Icmp),
        RuleProtocol::Esp => Some(Protocol::Esp),
        RuleProtocol::Ah => Some(Protocol::Ah),
    }
}

pub(crate) fn ports(p: Option<&OneOrMany<Spanned<Port>>>) -> PortSet {
    match p {
        None => PortSet::any(),
        Some(list) if list.is_empty() => PortSet::any(),
        Some(list) => PortSet::from_ranges(list.0.iter().map(|p| p.value.0).collect()),
    }
}

/// The six default rules of one direction (A3).
fn default_rules(dir: Direction) -> Vec<NsgRule> {
    let rule = |name: &str, priority, source, destination, access| NsgRule {
        name: name.to_string(),
        priority,
        direction: dir,
        access,
        protocol: None,
        source,
        source_ports: PortSet::any(),
        destination,
        destination_ports: PortSet::any(),
        is_default: true,
        span: Span::default(),
    };
    use AddrEntry::*;
    match dir {
        Direction::Inbound => vec![
            rule(
                "AllowVNetInBound",
                65000,
                vec![VirtualNetwork],
                vec![VirtualNetwork],
                Access::Allow,
            ),
            rule(
                "AllowAzureLoadBalancerInBound",
                65001,
                vec![Tag("AzureLoadBalancer".into())],
                vec![Any],
                Access::Allow,
            ),
            rule("DenyAllInBound", 65500, vec![Any], vec![Any], Access::Deny),
        ],
        Direction::Outbound => vec![
            rule(
                "AllowVnetOutBound",
                65000,
                vec![VirtualNetwork],
                vec![VirtualNetwork],
                Access::Allow,
            ),
            rule(
                "AllowInternetOutBound",
                65001,
                vec![Any],
                vec![Tag("Internet".into())],
                Access::Allow,
            ),
            rule("DenyAllOutBound", 65500, vec![Any], vec![Any], Access::Deny),
        ],
    }
}

/// A small stable hash (FNV-1a) for deterministic synthetic addresses.
pub(crate) fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}
