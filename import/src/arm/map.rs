//! ARM resources → vnetlab design records (the mapping table of docs/import.md). Resources refer
//! to each other by resource id; ids are compared case-insensitively, as Azure compares them.
//! Child resources (`virtualNetworks/subnets`, `networkSecurityGroups/securityRules`, …) are
//! merged with their parent's inline lists. `az` output (properties flattened onto the resource),
//! REST and Resource Graph shapes (under `properties`) and `az ml` output (snake_case) are all
//! read. Whatever has no counterpart is reported, never dropped silently.

use super::json::{At, J, V};
use super::template::split_id;
use crate::emit::{DesignBuilder, Namespace};
use crate::report::{ImportReport, Outcome, Source};
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use vnetlab_core::format::*;
use vnetlab_core::net::PortRange;

/// One resource to map.
#[derive(Clone, Debug)]
pub struct Res {
    /// Resource id as written.
    pub id: String,
    /// Full type, lower case (`microsoft.network/virtualnetworks/subnets`).
    pub ty: String,
    /// Full name (`hub/default`).
    pub name: String,
    /// The resource object.
    pub body: J,
    /// Where it is written.
    pub at: At,
}

impl Res {
    fn key(&self) -> String {
        self.id.to_ascii_lowercase()
    }
    fn short(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }
}

/// The resource's settings: `properties` (REST, templates, Resource Graph), or the resource
/// itself (`az` flattens them).
fn props(b: &J) -> &J {
    b.get("properties").unwrap_or(b)
}

/// A setting by any of its names (camelCase, or `az ml`'s snake_case), under `properties` or on
/// the object itself.
fn pget<'a>(b: &'a J, names: &[&str]) -> Option<&'a J> {
    names
        .iter()
        .find_map(|n| props(b).get(n).or_else(|| b.get(n)))
        .filter(|j| !matches!(j.v, V::Null))
}

/// The id a reference holds: `{"id": "…"}` or the id string itself.
fn ref_id(j: &J) -> Option<String> {
    match &j.v {
        V::Str(s) => Some(s.to_ascii_lowercase()),
        V::Obj(_) => j.get("id").and_then(J::as_str).map(str::to_ascii_lowercase),
        _ => None,
    }
}

/// A list of strings: an array, one string, or a comma-separated string (`az` bypass lists).
fn strings(j: Option<&J>) -> Vec<String> {
    match j.map(|j| &j.v) {
        Some(V::Arr(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        Some(V::Str(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn sp<T>(v: T) -> Spanned<T> {
    Spanned::new(v)
}

/// Maps the resources into `b`, reporting into `report`. `files` names the inputs by index.
pub fn map(resources: &[Res], files: &[&str], b: &mut DesignBuilder, report: &mut ImportReport) {
    let mut m = Mapper {
        files,
        b,
        report,
        by_id: BTreeMap::new(),
        children: BTreeMap::new(),
        subnets: BTreeMap::new(),
        subnet_prefix: BTreeMap::new(),
        used: BTreeSet::new(),
        pe_ips: BTreeSet::new(),
    };
    for r in resources {
        let key = r.key();
        if m.by_id.contains_key(&key) {
            continue;
        }
        if let Some(parent) = parent_id(&key) {
            m.children.entry(parent).or_default().push(key.clone());
        }
        m.by_id.insert(key, r.clone());
    }
    m.unknowns();
    m.region();
    m.asgs();
    m.nsgs();
    m.route_tables();
    m.vnets();
    m.peerings();
    m.firewalls();
    m.gateways();
    m.services();
    m.private_dns();
    m.private_endpoints();
    m.workloads();
    m.unmapped();
}

/// The parent's id of a child resource's id (`…/virtualNetworks/v/subnets/s` → `…/virtualNetworks/v`).
fn parent_id(key: &str) -> Option<String> {
    let (_, name) = split_id(key)?;
    if !name.contains('/') {
        return None;
    }
    let mut parts: Vec<&str> = key.split('/').collect();
    parts.truncate(parts.len() - 2);
    Some(parts.join("/"))
}

struct Mapper<'a> {
    files: &'a [&'a str],
    b: &'a mut DesignBuilder,
    report: &'a mut ImportReport,
    by_id: BTreeMap<String, Res>,
    children: BTreeMap<String, Vec<String>>,
    /// subnet id → `VNET/SUBNET`.
    subnets: BTreeMap<String, String>,
    subnet_prefix: BTreeMap<String, Ipv4Net>,
    /// Resource ids mapped (or deliberately consumed by another element).
    used: BTreeSet<String>,
    /// Addresses of imported private endpoints (their A records come from the zone groups).
    pe_ips: BTreeSet<Ipv4Addr>,
}

impl Mapper<'_> {
    fn src(&self, r: &Res, at: At) -> Source {
        Source {
            file: self.files.get(at.file).copied().unwrap_or("").to_string(),
            line: at.span.line,
            col: at.span.col,
            resource: Some(r.id.clone()),
        }
    }

    fn note(
        &mut self,
        r: &Res,
        at: At,
        outcome: Outcome,
        subject: &str,
        message: impl Into<String>,
    ) {
        let s = self.src(r, at);
        self.report.add(&s, outcome, subject, message);
    }

    /// A setting's value when known (unknown values are reported once, by [`Self::unknowns`]).
    fn known<'j>(&mut self, _r: &Res, j: Option<&'j J>, _subject: &str) -> Option<&'j J> {
        j.filter(|j| !j.is_unknown())
    }

    /// Reports every value of every resource that is only known at deployment: the design
    /// leaves each out (or derives it, as a separate item says).
    fn unknowns(&mut self) {
        fn walk(j: &J, path: &str, out: &mut Vec<(At, String, String)>) {
            match &j.v {
                V::Unknown(why) => out.push((j.at, path.to_string(), why.clone())),
                V::Arr(a) => {
                    for (i, x) in a.iter().enumerate() {
                        walk(x, &format!("{path}[{i}]"), out);
                    }
                }
                V::Obj(m) => {
                    for (k, x) in m {
                        let p = if path.is_empty() {
                            k.clone()
                        } else {
                            format!("{path}.{k}")
                        };
                        walk(x, &p, out);
                    }
                }
                _ => {}
            }
        }
        for r in self.by_id.values().cloned().collect::<Vec<_>>() {
            let mut found = Vec::new();
            walk(&r.body, "", &mut found);
            for (at, path, why) in found {
                self.note(
                    &r,
                    at,
                    Outcome::UnknownUntilDeploy,
                    &path,
                    format!("{why}; the design leaves it out"),
                );
            }
        }
    }

    fn of_type(&self, ty: &str) -> Vec<Res> {
        self.by_id
            .values()
            .filter(|r| r.ty == ty)
            .cloned()
            .collect()
    }

    fn kids(&self, parent: &Res, ty: &str) -> Vec<Res> {
        self.children
            .get(&parent.key())
            .into_iter()
            .flatten()
            .filter_map(|k| self.by_id.get(k))
            .filter(|r| r.ty == ty)
            .cloned()
            .collect()
    }

    /// Inline items of `list` plus the child resources of type `ty`, by name (children win).
    fn merged(&mut self, r: &Res, list: &[&str], ty: &str) -> Vec<(String, J, Res)> {
        let mut out: Vec<(String, J, Res)> = Vec::new();
        if let Some(items) = pget(&r.body, list) {
            for it in items.items() {
                let name = it
                    .get("name")
                    .and_then(J::as_str)
                    .unwrap_or_default()
                    .to_string();
                out.push((name, it.clone(), r.clone()));
            }
        }
        for c in self.kids(r, ty) {
            self.used.insert(c.key());
            let name = c.short().to_string();
            match out
                .iter_mut()
                .find(|(n, _, _)| n.eq_ignore_ascii_case(&name))
            {
                Some(slot) => *slot = (name, c.body.clone(), c.clone()),
                None => out.push((name, c.body.clone(), c.clone())),
            }
        }
        out
    }

    fn location(r: &Res) -> Option<String> {
        r.body
            .get("location")
            .and_then(J::as_str)
            .map(|l| l.to_ascii_lowercase().replace(' ', ""))
    }

    fn region(&mut self) {
        let mut count: BTreeMap<String, usize> = BTreeMap::new();
        for r in self.by_id.values() {
            if r.ty == "microsoft.network/virtualnetworks"
                && let Some(l) = Self::location(r)
            {
                *count.entry(l).or_default() += 1;
            }
        }
        let best = count
            .iter()
            .max_by_key(|(l, n)| (**n, std::cmp::Reverse((*l).clone())));
        if let Some((l, _)) = best {
            self.b.file.region = Some(l.clone());
        }
    }

    fn region_of(&self, r: &Res) -> Option<String> {
        let l = Self::location(r)?;
        (Some(&l) != self.b.file.region.as_ref() && l != "global").then_some(l)
    }

    fn asgs(&mut self) {
        for r in self.of_type("microsoft.network/applicationsecuritygroups") {
            let name = self.b.name(Namespace::Asg, &r.key(), r.short());
            let s = self.src(&r, r.at);
            self.b.asg(
                &name,
                AsgDef {
                    description: None,
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    fn asg_ref(&mut self, r: &Res, j: &J) -> Option<String> {
        let id = ref_id(j)?;
        match self.b.name_of(Namespace::Asg, &id) {
            Some(n) => Some(format!("asg:{n}")),
            None => {
                // Not in the input: declare it by its name (membership comes from NICs).
                let short = id.rsplit('/').next().unwrap_or(&id).to_string();
                let name = self.b.name(Namespace::Asg, &id, &short);
                let s = self.src(r, j.at);
                self.b.asg(
                    &name,
                    AsgDef {
                        description: Some("referenced, not in the input".into()),
                        pos: Pos::default(),
                    },
                    &s,
                );
                Some(format!("asg:{name}"))
            }
        }
    }

    fn nsgs(&mut self) {
        for r in self.of_type("microsoft.network/networksecuritygroups") {
            let name = self.b.name(Namespace::Nsg, &r.key(), r.short());
            let mut rules = Vec::new();
            for (rname, body, owner) in self.merged(
                &r,
                &["securityRules"],
                "microsoft.network/networksecuritygroups/securityrules",
            ) {
                if let Some(rule) = self.nsg_rule(&owner, &rname, &body) {
                    rules.push(rule);
                }
            }
            rules.sort_by_key(|x: &NsgRuleDef| (x.direction, x.priority.value));
            let s = self.src(&r, r.at);
            self.b.nsg(
                &name,
                NsgDef {
                    rules,
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    fn nsg_rule(&mut self, r: &Res, name: &str, body: &J) -> Option<NsgRuleDef> {
        let subject = format!("securityRules/{name}");
        let priority = self
            .known(r, pget(body, &["priority"]), &subject)?
            .as_int()?;
        let dir = pget(body, &["direction"]).and_then(J::as_str)?;
        let access = pget(body, &["access"]).and_then(J::as_str)?;
        let direction = if dir.eq_ignore_ascii_case("inbound") {
            Direction::Inbound
        } else {
            Direction::Outbound
        };
        let access = if access.eq_ignore_ascii_case("allow") {
            Access::Allow
        } else {
            Access::Deny
        };
        let protocol = pget(body, &["protocol"])
            .and_then(J::as_str)
            .and_then(protocol);
        let source = self.addresses(r, body, "source", &subject);
        let destination = self.addresses(r, body, "destination", &subject);
        let source_ports = self.ports(r, body, "sourcePortRange", &subject);
        let destination_ports = self.ports(r, body, "destinationPortRange", &subject);
        Some(NsgRuleDef {
            name: sp(name.to_string()),
            priority: sp(priority.clamp(0, u32::MAX as i64) as u32),
            direction,
            access,
            protocol,
            source,
            source_ports,
            destination,
            destination_ports,
            description: pget(body, &["description"])
                .and_then(J::as_str)
                .map(str::to_string),
            pos: Pos::default(),
        })
    }

    fn addresses(&mut self, r: &Res, body: &J, side: &str, subject: &str) -> Option<AddrList> {
        let mut out = Vec::new();
        let one = format!("{side}AddressPrefix");
        let many = format!("{side}AddressPrefixes");
        let asgs = format!("{side}ApplicationSecurityGroups");
        for key in [one.as_str(), many.as_str()] {
            if let Some(j) = self.known(r, pget(body, &[key]), subject) {
                for s in strings(Some(j)) {
                    out.push(sp(self.address(r, j.at, &s, subject)));
                }
            }
        }
        if let Some(list) = pget(body, &[&asgs]) {
            for a in list.items() {
                if let Some(x) = self.asg_ref(r, a) {
                    out.push(sp(x));
                }
            }
        }
        (!out.is_empty()).then_some(OneOrMany(out))
    }

    /// An address entry as vnetlab reads it: a CIDR with host bits set is cut to its network
    /// (Azure does the same), reported.
    fn address(&mut self, r: &Res, at: At, s: &str, subject: &str) -> String {
        if let Some((ip, len)) = s.split_once('/')
            && let (Ok(ip), Ok(len)) = (ip.parse::<Ipv4Addr>(), len.parse::<u8>())
            && let Ok(net) = Ipv4Net::new(ip, len)
            && net.trunc().addr() != ip
        {
            let fixed = net.trunc().to_string();
            self.note(
                r,
                at,
                Outcome::Approximated,
                subject,
                format!("`{s}` has host bits set; read as `{fixed}`"),
            );
            return fixed;
        }
        s.to_string()
    }

    fn ports(&mut self, r: &Res, body: &J, key: &str, subject: &str) -> Option<PortList> {
        let mut out = Vec::new();
        for k in [key.to_string(), format!("{key}s")] {
            if let Some(j) = self.known(r, pget(body, &[&k]), subject) {
                let values: Vec<String> = match &j.v {
                    V::Int(i) => vec![i.to_string()],
                    _ => strings(Some(j)),
                };
                for v in values {
                    match PortRange::parse(v.trim()) {
                        Some(p) => out.push(sp(Port(p))),
                        None => self.note(
                            r,
                            j.at,
                            Outcome::Dropped,
                            subject,
                            format!("`{v}` is not a port or range; left out"),
                        ),
                    }
                }
            }
        }
        (!out.is_empty()).then_some(OneOrMany(out))
    }

    fn route_tables(&mut self) {
        for r in self.of_type("microsoft.network/routetables") {
            let name = self.b.name(Namespace::RouteTable, &r.key(), r.short());
            let mut routes = Vec::new();
            for (rname, body, owner) in
                self.merged(&r, &["routes"], "microsoft.network/routetables/routes")
            {
                let subject = format!("routes/{rname}");
                let Some(prefix) = self
                    .known(&owner, pget(&body, &["addressPrefix"]), &subject)
                    .and_then(J::as_str)
                    .map(str::to_string)
                else {
                    continue;
                };
                let hop = pget(&body, &["nextHopType"])
                    .and_then(J::as_str)
                    .unwrap_or("");
                let next_hop = match hop.to_ascii_lowercase().as_str() {
                    "virtualappliance" => NextHopType::VirtualAppliance,
                    "virtualnetworkgateway" => NextHopType::VirtualNetworkGateway,
                    "vnetlocal" => NextHopType::VnetLocal,
                    "internet" => NextHopType::Internet,
                    "none" => NextHopType::None,
                    other => {
                        self.note(
                            &owner,
                            body.at,
                            Outcome::Dropped,
                            &subject,
                            format!("next hop type `{other}` is not known; route left out"),
                        );
                        continue;
                    }
                };
                let next_hop_ip = self
                    .known(&owner, pget(&body, &["nextHopIpAddress"]), &subject)
                    .and_then(J::as_str)
                    .and_then(|s| s.parse().ok())
                    .map(|ip| sp(Ip(ip)));
                if next_hop == NextHopType::VirtualAppliance && next_hop_ip.is_none() {
                    self.note(
                        &owner,
                        body.at,
                        Outcome::Dropped,
                        &subject,
                        "a virtual appliance route without a known next hop address is left out",
                    );
                    continue;
                }
                let prefix = self.address(&owner, body.at, &prefix, &subject);
                routes.push(RouteDef {
                    name: sp(rname),
                    prefix: sp(prefix),
                    next_hop,
                    next_hop_ip,
                    pos: Pos::default(),
                });
            }
            let propagate = pget(&r.body, &["disableBgpRoutePropagation"])
                .and_then(J::as_bool)
                .map(|d| !d)
                .filter(|p| !p);
            let s = self.src(&r, r.at);
            self.b.route_table(
                &name,
                RouteTableDef {
                    propagate_gateway_routes: propagate,
                    routes,
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    fn vnets(&mut self) {
        for r in self.of_type("microsoft.network/virtualnetworks") {
            let name = self.b.name(Namespace::Vnet, &r.key(), r.short());
            let mut space = Vec::new();
            if let Some(j) = self.known(&r, pget(&r.body, &["addressSpace"]), "addressSpace") {
                for s in strings(j.get("addressPrefixes")) {
                    match s.parse::<Ipv4Net>() {
                        Ok(n) => space.push(sp(Cidr(n.trunc()))),
                        Err(_) => self.note(
                            &r,
                            j.at,
                            Outcome::Dropped,
                            "addressSpace",
                            format!("`{s}` is not an IPv4 prefix (IPv6 is not modelled)"),
                        ),
                    }
                }
            }
            if space.is_empty() {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "addressSpace",
                    "the VNet has no known address space; left out with its subnets",
                );
                continue;
            }
            let dns_servers = pget(&r.body, &["dhcpOptions"])
                .map(|d| strings(d.get("dnsServers")))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| s.parse().ok().map(|ip| sp(Ip(ip))))
                .collect();
            let s = self.src(&r, r.at);
            let region = self.region_of(&r);
            self.b.vnet(
                &name,
                VnetDef {
                    address_space: space,
                    dns_servers,
                    region,
                    subscription: None,
                    resource_group: None,
                    tags: BTreeMap::new(),
                    subnets: BTreeMap::new(),
                    pos: Pos::default(),
                },
                &s,
            );
            for (sname, body, owner) in self.merged(
                &r,
                &["subnets"],
                "microsoft.network/virtualnetworks/subnets",
            ) {
                self.subnet(&r, &name, &sname, &body, &owner);
            }
            if pget(&r.body, &["ddosProtectionPlan"]).is_some() {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "ddosProtectionPlan",
                    "DDoS protection has no counterpart",
                );
            }
            self.used.insert(r.key());
        }
    }

    fn subnet(&mut self, vnet: &Res, vnet_name: &str, name: &str, body: &J, owner: &Res) {
        let subject = format!("subnets/{name}");
        let id = body
            .get("id")
            .and_then(J::as_str)
            .map(str::to_ascii_lowercase)
            .unwrap_or_else(|| format!("{}/subnets/{}", vnet.key(), name.to_ascii_lowercase()));
        let mut prefixes: Vec<String> = Vec::new();
        for k in ["addressPrefix", "addressPrefixes"] {
            if let Some(j) = self.known(owner, pget(body, &[k]), &subject) {
                prefixes.extend(strings(Some(j)));
            }
        }
        let nets: Vec<Ipv4Net> = prefixes.iter().filter_map(|p| p.parse().ok()).collect();
        let Some(first) = nets.first().copied() else {
            self.note(
                owner,
                body.at,
                Outcome::Dropped,
                &subject,
                "the subnet has no known IPv4 prefix; left out",
            );
            return;
        };
        let nsg = pget(body, &["networkSecurityGroup"])
            .and_then(ref_id)
            .and_then(|id| self.named(owner, body.at, Namespace::Nsg, &id, &subject, "NSG"));
        let route_table = pget(body, &["routeTable"]).and_then(ref_id).and_then(|id| {
            self.named(
                owner,
                body.at,
                Namespace::RouteTable,
                &id,
                &subject,
                "route table",
            )
        });
        let service_endpoints = pget(body, &["serviceEndpoints"])
            .map(|l| {
                l.items()
                    .iter()
                    .filter_map(|e| {
                        e.get("service")
                            .and_then(J::as_str)
                            .map(|s| sp(s.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let pe_policies = pget(body, &["privateEndpointNetworkPolicies"])
            .and_then(J::as_str)
            .and_then(|p| match p.to_ascii_lowercase().as_str() {
                "disabled" => Some(PeNetworkPolicies::Disabled),
                "enabled" => Some(PeNetworkPolicies::Enabled),
                "networksecuritygroupenabled" => Some(PeNetworkPolicies::Nsg),
                "routetableenabled" => Some(PeNetworkPolicies::RouteTable),
                _ => None,
            })
            .filter(|p| *p != PeNetworkPolicies::Disabled);
        // Delegations (S5, S13): each entry's `serviceName`.
        let delegations: Vec<Spanned<String>> = pget(body, &["delegations"])
            .map(|l| {
                l.items()
                    .iter()
                    .filter_map(|e| {
                        pget(e, &["serviceName"])
                            .and_then(J::as_str)
                            .map(|s| sp(s.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (key, what) in [
            (
                "serviceEndpointPolicies",
                "service endpoint policies (the storage exfiltration control)",
            ),
            (
                "natGateway",
                "NAT gateway (changes the subnet's outbound address)",
            ),
        ] {
            if let Some(j) = pget(body, &[key])
                && !(matches!(&j.v, V::Arr(a) if a.is_empty()))
            {
                self.note(
                    owner,
                    j.at,
                    Outcome::Dropped,
                    &format!("{subject}.{key}"),
                    format!("{what} has no counterpart"),
                );
            }
        }
        let default_outbound_access = pget(body, &["defaultOutboundAccess"])
            .and_then(J::as_bool)
            .filter(|b| !b)
            .map(|_| false);
        let s = self.src(owner, body.at);
        let ok = self.b.subnet(
            vnet_name,
            name,
            SubnetDef {
                // Several `addressPrefixes` are the subnet's `prefixes` (S11).
                prefix: (nets.len() == 1).then(|| sp(Cidr(first.trunc()))),
                prefixes: if nets.len() > 1 {
                    nets.iter().map(|n| sp(Cidr(n.trunc()))).collect()
                } else {
                    Vec::new()
                },
                nsg: nsg.map(sp),
                route_table: route_table.map(sp),
                service_endpoints,
                private_endpoint_network_policies: pe_policies,
                nat_gateway: None,
                default_outbound_access,
                service_endpoint_policies: Vec::new(),
                delegations,
                pos: Pos::default(),
            },
            &s,
        );
        if ok {
            self.subnets
                .insert(id.clone(), format!("{vnet_name}/{name}"));
            self.subnet_prefix.insert(id, first.trunc());
        }
    }

    /// The design name of the element `id` refers to; reported when it is not in the input.
    fn named(
        &mut self,
        r: &Res,
        at: At,
        ns: Namespace,
        id: &str,
        subject: &str,
        what: &str,
    ) -> Option<String> {
        match self.b.name_of(ns, id) {
            Some(n) => Some(n.to_string()),
            None => {
                self.note(r, at, Outcome::Dropped, subject, format!("refers to {what} `{id}`, which is not in the input; the reference is left out (import that resource too)"));
                None
            }
        }
    }

    /// The id a required reference holds; its absence is reported (unknown values are reported
    /// by [`Self::unknowns`]).
    fn required_id(&mut self, r: &Res, at: At, j: Option<&J>, subject: &str) -> Option<String> {
        match j {
            Some(j) if j.is_unknown() => None,
            Some(j) => ref_id(j).or_else(|| {
                self.note(
                    r,
                    at,
                    Outcome::Dropped,
                    subject,
                    "not a resource id; left out",
                );
                None
            }),
            None => {
                self.note(
                    r,
                    at,
                    Outcome::Dropped,
                    subject,
                    "missing from the input (`az resource list` gives no properties); left out",
                );
                None
            }
        }
    }

    fn subnet_ref(&mut self, r: &Res, at: At, j: Option<&J>, subject: &str) -> Option<String> {
        let id = self.required_id(r, at, j, subject)?;
        match self.subnets.get(&id) {
            Some(s) => Some(s.clone()),
            None => {
                self.note(
                    r,
                    at,
                    Outcome::Dropped,
                    subject,
                    format!("its subnet `{id}` is not in the input; left out"),
                );
                None
            }
        }
    }

    fn vnet_ref(&mut self, r: &Res, at: At, j: Option<&J>, subject: &str) -> Option<String> {
        let id = self.required_id(r, at, j, subject)?;
        self.named(r, at, Namespace::Vnet, &id, subject, "VNet")
    }

    fn peerings(&mut self) {
        for r in self.of_type("microsoft.network/virtualnetworks") {
            let Some(from) = self
                .b
                .name_of(Namespace::Vnet, &r.key())
                .map(str::to_string)
            else {
                continue;
            };
            for (pname, body, owner) in self.merged(
                &r,
                &["virtualNetworkPeerings"],
                "microsoft.network/virtualnetworks/virtualnetworkpeerings",
            ) {
                let subject = format!("virtualNetworkPeerings/{pname}");
                let Some(to) = self.vnet_ref(
                    &owner,
                    body.at,
                    pget(&body, &["remoteVirtualNetwork"]),
                    &subject,
                ) else {
                    continue;
                };
                // Subnet peering (S12): the link's local and remote subnet names.
                let mut subnets = BTreeMap::new();
                if pget(&body, &["peerCompleteVnets"]).and_then(J::as_bool) == Some(false) {
                    let names = |k: &str| -> Vec<Spanned<String>> {
                        strings(pget(&body, &[k])).into_iter().map(sp).collect()
                    };
                    subnets.insert(from.clone(), names("localSubnetNames"));
                    subnets.insert(to.clone(), names("remoteSubnetNames"));
                }
                let flag = |k: &str| pget(&body, &[k]).and_then(J::as_bool);
                let s = self.src(&owner, body.at);
                self.b.peering(
                    PeeringDef {
                        between: None,
                        from: Some(sp(from.clone())),
                        to: Some(sp(to)),
                        allow_forwarded_traffic: flag("allowForwardedTraffic"),
                        allow_virtual_network_access: flag("allowVirtualNetworkAccess"),
                        allow_gateway_transit: flag("allowGatewayTransit"),
                        use_remote_gateways: flag("useRemoteGateways"),
                        subnets,
                        pos: Pos::default(),
                    },
                    &s,
                );
            }
        }
    }

    /// SKU and address of a public IP referenced by id.
    fn public_ip(&mut self, r: &Res, j: Option<&J>) -> Option<(PublicIpSku, Option<Ipv4Addr>)> {
        let id = ref_id(j?)?;
        self.used.insert(id.clone());
        let Some(pip) = self.by_id.get(&id).cloned() else {
            self.note(
                r,
                j?.at,
                Outcome::Approximated,
                "publicIPAddress",
                format!("public IP `{id}` is not in the input: read as a Standard SKU address"),
            );
            return Some((PublicIpSku::Standard, None));
        };
        let sku = pip.body.path(&["sku", "name"]).and_then(J::as_str).map_or(
            PublicIpSku::Standard,
            |s| {
                if s.eq_ignore_ascii_case("basic") {
                    PublicIpSku::Basic
                } else {
                    PublicIpSku::Standard
                }
            },
        );
        let ip = pget(&pip.body, &["ipAddress"])
            .and_then(J::as_str)
            .and_then(|s| s.parse().ok());
        Some((sku, ip))
    }

    fn ip_group(&mut self, r: &Res, j: &J, subject: &str) -> Vec<String> {
        let Some(id) = ref_id(j) else {
            return Vec::new();
        };
        self.used.insert(id.clone());
        match self.by_id.get(&id).cloned() {
            Some(g) => {
                self.note(
                    r,
                    j.at,
                    Outcome::Approximated,
                    subject,
                    format!("IP group `{}` expanded inline", g.short()),
                );
                strings(pget(&g.body, &["ipAddresses"]))
            }
            None => {
                self.note(
                    r,
                    j.at,
                    Outcome::Dropped,
                    subject,
                    format!("IP group `{id}` is not in the input; its addresses are left out"),
                );
                Vec::new()
            }
        }
    }

    /// Firewall rule addresses: IPs, CIDRs, tags, `*`; ranges `a-b` become the CIDRs that
    /// cover exactly that range; IP groups are expanded.
    fn fw_addresses(
        &mut self,
        r: &Res,
        rule: &J,
        key: &str,
        groups: &str,
        subject: &str,
    ) -> Option<AddrList> {
        let mut out = Vec::new();
        let mut raw = strings(pget(rule, &[key]));
        if let Some(gs) = pget(rule, &[groups]) {
            for g in gs.items() {
                raw.extend(self.ip_group(r, g, subject));
            }
        }
        for a in raw {
            match a.split_once('-').and_then(|(x, y)| {
                Some((
                    x.trim().parse::<Ipv4Addr>().ok()?,
                    y.trim().parse::<Ipv4Addr>().ok()?,
                ))
            }) {
                Some((lo, hi)) if lo <= hi => {
                    for n in range_cidrs(lo, hi) {
                        out.push(sp(n.to_string()));
                    }
                }
                _ => out.push(sp(self.address(r, rule.at, &a, subject))),
            }
        }
        (!out.is_empty()).then_some(OneOrMany(out))
    }

    fn fw_rule(
        &mut self,
        r: &Res,
        rule: &J,
        kind: CollectionKind,
        subject: &str,
    ) -> Vec<FirewallRuleDef> {
        let name = rule
            .get("name")
            .and_then(J::as_str)
            .unwrap_or("rule")
            .to_string();
        let subject = format!("{subject}/{name}");
        let source = self.fw_addresses(r, rule, "sourceAddresses", "sourceIpGroups", &subject);
        let destination = self.fw_addresses(
            r,
            rule,
            "destinationAddresses",
            "destinationIpGroups",
            &subject,
        );
        let ports: Vec<Spanned<Port>> = strings(pget(rule, &["destinationPorts"]))
            .iter()
            .filter_map(|p| PortRange::parse(p.trim()).map(|x| sp(Port(x))))
            .collect();
        let destination_ports = (!ports.is_empty()).then_some(OneOrMany(ports));
        for key in ["webCategories", "targetUrls"] {
            if !strings(pget(rule, &[key])).is_empty() {
                self.note(
                    r,
                    rule.at,
                    Outcome::Dropped,
                    &format!("{subject}.{key}"),
                    format!("`{key}` has no counterpart; the rule is imported without it"),
                );
            }
        }
        let base = FirewallRuleDef {
            name: name.clone(),
            source,
            destination,
            source_ip_groups: Vec::new(),
            destination_ip_groups: Vec::new(),
            destination_fqdns: strings(pget(rule, &["destinationFqdns"]))
                .into_iter()
                .map(sp)
                .collect(),
            protocol: None,
            destination_ports,
            fqdns: strings(pget(rule, &["targetFqdns"]))
                .into_iter()
                .map(sp)
                .collect(),
            protocols: Vec::new(),
            fqdn_tags: strings(pget(rule, &["fqdnTags"]))
                .into_iter()
                .map(sp)
                .collect(),
            translated_fqdn: pget(rule, &["translatedFqdn"])
                .and_then(J::as_str)
                .filter(|s| !s.is_empty())
                .map(|s| sp(s.to_string())),
            translated_address: pget(rule, &["translatedAddress"])
                .and_then(J::as_str)
                .and_then(|s| s.parse().ok())
                .map(|ip| sp(Ip(ip))),
            translated_port: pget(rule, &["translatedPort"])
                .and_then(J::as_int)
                .and_then(|p| u16::try_from(p).ok()),
            pos: Pos::default(),
        };
        if kind == CollectionKind::Application {
            let mut rule_def = base;
            for p in pget(rule, &["protocols"]).map(J::items).unwrap_or(&[]) {
                let t = p.get("protocolType").and_then(J::as_str).unwrap_or("");
                let port = p.get("port").and_then(J::as_int).unwrap_or(0);
                rule_def
                    .protocols
                    .push(sp(format!("{}:{port}", t.to_ascii_lowercase())));
            }
            return vec![rule_def];
        }
        // Network and DNAT rules: one protocol per vnetlab rule.
        let protos: Vec<String> = {
            let p = strings(pget(rule, &["ipProtocols"]));
            if p.is_empty() {
                strings(pget(rule, &["protocols"]))
            } else {
                p
            }
        };
        let mapped: Vec<Option<RuleProtocol>> = protos.iter().map(|p| protocol(p)).collect();
        if mapped.is_empty() || mapped.contains(&Some(RuleProtocol::Any)) {
            return vec![FirewallRuleDef {
                protocol: Some(RuleProtocol::Any),
                ..base
            }];
        }
        let mapped: Vec<RuleProtocol> = mapped.into_iter().flatten().collect();
        if mapped.len() == 1 {
            return vec![FirewallRuleDef {
                protocol: Some(mapped[0]),
                ..base
            }];
        }
        self.note(
            r,
            rule.at,
            Outcome::Approximated,
            &subject,
            format!(
                "{} protocols: one rule per protocol (`{name}-tcp`, …)",
                mapped.len()
            ),
        );
        mapped
            .into_iter()
            .map(|p| FirewallRuleDef {
                name: format!("{name}-{p}"),
                protocol: Some(p),
                ..base.clone()
            })
            .collect()
    }

    fn policy_groups(
        &mut self,
        policy_id: &str,
        from_parent: bool,
        depth: usize,
    ) -> (Vec<RuleCollectionGroupDef>, Option<bool>) {
        let Some(p) = self.by_id.get(policy_id).cloned() else {
            return (Vec::new(), None);
        };
        self.used.insert(p.key());
        let mut groups = Vec::new();
        if depth < 4
            && let Some(base) = pget(&p.body, &["basePolicy"]).and_then(ref_id)
        {
            let (g, _) = self.policy_groups(&base, true, depth + 1);
            groups.extend(g);
        }
        let dns_proxy = pget(&p.body, &["dnsSettings"])
            .and_then(|d| d.get("enableProxy"))
            .and_then(J::as_bool);
        for key in [
            "intrusionDetection",
            "transportSecurity",
            "threatIntelWhitelist",
        ] {
            if pget(&p.body, &[key]).is_some() {
                self.note(
                    &p,
                    p.at,
                    Outcome::Dropped,
                    key,
                    "TLS inspection, IDPS and threat intelligence have no counterpart",
                );
            }
        }
        for g in self.kids(
            &p,
            "microsoft.network/firewallpolicies/rulecollectiongroups",
        ) {
            self.used.insert(g.key());
            let subject = format!("ruleCollectionGroups/{}", g.short());
            let priority = pget(&g.body, &["priority"])
                .and_then(J::as_int)
                .unwrap_or(65000);
            let mut collections = Vec::new();
            for c in pget(&g.body, &["ruleCollections"])
                .map(J::items)
                .unwrap_or(&[])
                .to_vec()
            {
                let cname = c
                    .get("name")
                    .and_then(J::as_str)
                    .unwrap_or("collection")
                    .to_string();
                let ctype = c
                    .get("ruleCollectionType")
                    .and_then(J::as_str)
                    .unwrap_or("");
                let action = c
                    .path(&["action", "type"])
                    .and_then(J::as_str)
                    .unwrap_or("");
                let rules_j = c.get("rules").map(J::items).unwrap_or(&[]).to_vec();
                let kind = if ctype.to_ascii_lowercase().contains("nat") {
                    CollectionKind::Dnat
                } else if rules_j.iter().any(|x| {
                    x.get("ruleType")
                        .and_then(J::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case("ApplicationRule"))
                }) {
                    CollectionKind::Application
                } else {
                    CollectionKind::Network
                };
                let mut rules = Vec::new();
                for x in &rules_j {
                    rules.extend(self.fw_rule(&g, x, kind, &format!("{subject}/{cname}")));
                }
                collections.push(RuleCollectionDef {
                    name: cname,
                    kind,
                    priority: sp(c.get("priority").and_then(J::as_int).unwrap_or(65000) as u32),
                    action: (kind != CollectionKind::Dnat).then(|| {
                        if action.eq_ignore_ascii_case("deny") {
                            FwAction::Deny
                        } else {
                            FwAction::Allow
                        }
                    }),
                    rules,
                    pos: Pos::default(),
                });
            }
            groups.push(RuleCollectionGroupDef {
                name: g.short().to_string(),
                priority: sp(priority as u32),
                from_parent_policy: from_parent.then_some(true),
                collections,
                pos: Pos::default(),
            });
        }
        (groups, dns_proxy)
    }

    fn firewalls(&mut self) {
        for r in self.of_type("microsoft.network/azurefirewalls") {
            let cfg = pget(&r.body, &["ipConfigurations"]).and_then(|l| l.items().first().cloned());
            let Some(cfg) = cfg else {
                self.note(&r, r.at, Outcome::Dropped, "ipConfigurations", "a firewall without an IP configuration (virtual hub firewalls) is not modelled");
                continue;
            };
            let Some(subnet) = self.subnet_ref(
                &r,
                cfg.at,
                pget(&cfg, &["subnet"]),
                "ipConfigurations.subnet",
            ) else {
                continue;
            };
            let private_ip = match pget(&cfg, &["privateIPAddress"]) {
                Some(j) if !j.is_unknown() => {
                    j.as_str().and_then(|s| s.parse().ok()).map(|ip| sp(Ip(ip)))
                }
                _ => {
                    self.note(&r, cfg.at, Outcome::UnknownUntilDeploy, "privateIPAddress", "Azure assigns it at deployment: derived as the 4th address of AzureFirewallSubnet (vnetlab's first free address)");
                    None
                }
            };
            let (public_ip, public_ip_address) =
                match self.public_ip(&r, pget(&cfg, &["publicIPAddress"])) {
                    Some((sku, ip)) => (Some(sku), ip.map(|i| sp(Ip(i)))),
                    None => (None, None),
                };
            let mut groups = Vec::new();
            let mut dns_proxy = None;
            if let Some(pid) = pget(&r.body, &["firewallPolicy"]).and_then(ref_id) {
                if self.by_id.contains_key(&pid) {
                    let (g, d) = self.policy_groups(&pid, false, 0);
                    groups = g;
                    dns_proxy = d;
                } else {
                    self.note(&r, r.at, Outcome::Dropped, "firewallPolicy", format!("firewall policy `{pid}` is not in the input: no rules imported, so the firewall denies everything"));
                }
            }
            if let Some(g) = self.classic(&r) {
                groups.push(g);
            }
            let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
            let s = self.src(&r, r.at);
            self.b.firewall(
                &name,
                FirewallDef {
                    kind: FirewallKind::AzureFirewall,
                    subnet: sp(subnet),
                    private_ip,
                    public_ip,
                    public_ip_address,
                    dns_proxy: dns_proxy.filter(|d| *d),
                    stateful: None,
                    snat: None,
                    snat_private_ranges: Vec::new(),
                    rule_collection_groups: groups,
                    policies: Vec::new(),
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    /// Classic rule collections on the firewall itself, as one group.
    fn classic(&mut self, r: &Res) -> Option<RuleCollectionGroupDef> {
        let mut collections = Vec::new();
        for (key, kind) in [
            ("natRuleCollections", CollectionKind::Dnat),
            ("networkRuleCollections", CollectionKind::Network),
            ("applicationRuleCollections", CollectionKind::Application),
        ] {
            for c in pget(&r.body, &[key]).map(J::items).unwrap_or(&[]).to_vec() {
                let cname = c
                    .get("name")
                    .and_then(J::as_str)
                    .unwrap_or("collection")
                    .to_string();
                let action = pget(&c, &["action"])
                    .and_then(|a| a.get("type"))
                    .and_then(J::as_str)
                    .unwrap_or("Allow");
                let mut rules = Vec::new();
                for x in pget(&c, &["rules"]).map(J::items).unwrap_or(&[]).to_vec() {
                    rules.extend(self.fw_rule(r, &x, kind, &format!("{key}/{cname}")));
                }
                collections.push(RuleCollectionDef {
                    name: cname,
                    kind,
                    priority: sp(
                        pget(&c, &["priority"]).and_then(J::as_int).unwrap_or(65000) as u32
                    ),
                    action: (kind != CollectionKind::Dnat).then(|| {
                        if action.eq_ignore_ascii_case("deny") {
                            FwAction::Deny
                        } else {
                            FwAction::Allow
                        }
                    }),
                    rules,
                    pos: Pos::default(),
                });
            }
        }
        if collections.is_empty() {
            return None;
        }
        self.note(r, r.at, Outcome::Approximated, "classic rule collections", "classic rules are imported as one rule collection group `classic` (priority 100); Azure processes DNAT, then network, then application collections by priority as vnetlab does");
        Some(RuleCollectionGroupDef {
            name: "classic".into(),
            priority: sp(100),
            from_parent_policy: None,
            collections,
            pos: Pos::default(),
        })
    }

    fn gateways(&mut self) {
        let connections = self.of_type("microsoft.network/connections");
        for r in self.of_type("microsoft.network/virtualnetworkgateways") {
            let cfg = pget(&r.body, &["ipConfigurations"]).and_then(|l| l.items().first().cloned());
            let Some(subnet) = cfg
                .as_ref()
                .and_then(|c| pget(c, &["subnet"]).and_then(ref_id))
            else {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "ipConfigurations",
                    "the gateway's subnet is not known; left out",
                );
                continue;
            };
            let Some(vnet) = self
                .subnets
                .get(&subnet)
                .and_then(|s| s.split('/').next())
                .map(str::to_string)
            else {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "ipConfigurations.subnet",
                    format!("its subnet `{subnet}` is not in the input; left out"),
                );
                continue;
            };
            let kind = match pget(&r.body, &["gatewayType"]).and_then(J::as_str) {
                Some(t) if t.eq_ignore_ascii_case("expressroute") => GatewayKind::ExpressRoute,
                _ => GatewayKind::Vpn,
            };
            let mut sites = BTreeMap::new();
            for c in &connections {
                if pget(&c.body, &["virtualNetworkGateway1"]).and_then(ref_id) != Some(r.key()) {
                    continue;
                }
                self.used.insert(c.key());
                let Some(lid) = pget(&c.body, &["localNetworkGateway2"]).and_then(ref_id) else {
                    self.note(c, c.at, Outcome::Dropped, "connection", "a connection without a local network gateway (ExpressRoute circuit, VNet-to-VNet): the routes it learns are not known");
                    continue;
                };
                let Some(lgw) = self.by_id.get(&lid).cloned() else {
                    self.note(
                        c,
                        c.at,
                        Outcome::Dropped,
                        "localNetworkGateway2",
                        format!("local network gateway `{lid}` is not in the input"),
                    );
                    continue;
                };
                self.used.insert(lid);
                let prefixes: Vec<Spanned<Cidr>> = pget(&lgw.body, &["localNetworkAddressSpace"])
                    .map(|s| strings(s.get("addressPrefixes")))
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|p| p.parse::<Ipv4Net>().ok().map(|n| sp(Cidr(n.trunc()))))
                    .collect();
                if pget(&lgw.body, &["bgpSettings"]).is_some() {
                    self.note(&lgw, lgw.at, Outcome::Approximated, "bgpSettings", "BGP-learned prefixes are not known offline; only the local address space is advertised");
                }
                sites.insert(
                    crate::emit::clean_name(lgw.short()),
                    SiteDef {
                        prefixes,
                        pos: Pos::default(),
                    },
                );
            }
            let name = self.b.name(Namespace::Gateway, &r.key(), r.short());
            let s = self.src(&r, r.at);
            self.b.gateway(
                &name,
                GatewayDef {
                    vnet: sp(vnet),
                    kind: Some(kind).filter(|k| *k != GatewayKind::Vpn),
                    sites,
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    fn services(&mut self) {
        const KINDS: &[(&str, ServiceKind)] = &[
            ("microsoft.storage/storageaccounts", ServiceKind::Storage),
            ("microsoft.keyvault/vaults", ServiceKind::KeyVault),
            (
                "microsoft.containerregistry/registries",
                ServiceKind::ContainerRegistry,
            ),
            ("microsoft.insights/components", ServiceKind::AppInsights),
            (
                "microsoft.cognitiveservices/accounts",
                ServiceKind::AiServices,
            ),
            ("microsoft.search/searchservices", ServiceKind::AiSearch),
            ("microsoft.sql/servers", ServiceKind::Sql),
            (
                "microsoft.documentdb/databaseaccounts",
                ServiceKind::CosmosDb,
            ),
            (
                "microsoft.machinelearningservices/registries",
                ServiceKind::MlRegistry,
            ),
            (
                "microsoft.machinelearningservices/workspaces",
                ServiceKind::MlWorkspace,
            ),
        ];
        // Workspaces last: they refer to the others.
        for (ty, kind) in KINDS {
            for r in self.of_type(ty) {
                let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
                let def = self.service(&r, *kind);
                let s = self.src(&r, r.at);
                self.b.service(&name, def, &s);
                self.used.insert(r.key());
            }
        }
    }

    fn service(&mut self, r: &Res, kind: ServiceKind) -> ServiceDef {
        let public = self
            .known(r, pget(&r.body, &["publicNetworkAccess", "public_network_access"]), "publicNetworkAccess")
            .and_then(J::as_str)
            .map(|p| {
                let p = p.to_ascii_lowercase();
                if p == "securedbyperimeter" {
                    self.note(r, r.at, Outcome::Approximated, "publicNetworkAccess", "SecuredByPerimeter is read as disabled (a network security perimeter is not modelled)");
                }
                if p == "enabled" { Toggle::Enabled } else { Toggle::Disabled }
            });
        let acls = pget(&r.body, &["networkAcls", "networkRuleSet"]).cloned();
        let mut default_action = None;
        let mut ip_rules = Vec::new();
        let mut vnet_rules = Vec::new();
        let mut access_rules: Vec<ResourceAccessRuleDef> = Vec::new();
        let mut trusted = None;
        if let Some(a) = &acls {
            default_action = a.get("defaultAction").and_then(J::as_str).map(|d| {
                if d.eq_ignore_ascii_case("deny") {
                    DefaultAction::Deny
                } else {
                    DefaultAction::Allow
                }
            });
            for rule in a.get("ipRules").map(J::items).unwrap_or(&[]) {
                let v = rule
                    .get("value")
                    .or_else(|| rule.get("ipAddressOrRange"))
                    .and_then(J::as_str)
                    .unwrap_or("");
                let bare = !v.contains('/');
                let v = if bare {
                    format!("{v}/32")
                } else {
                    v.to_string()
                };
                match v.parse::<Ipv4Net>() {
                    Ok(n) => ip_rules.push(sp(IpOrCidr {
                        net: n.trunc(),
                        bare,
                    })),
                    Err(_) => self.note(
                        r,
                        rule.at,
                        Outcome::Dropped,
                        "ipRules",
                        format!("`{v}` is not an IPv4 prefix"),
                    ),
                }
            }
            for rule in a
                .get("virtualNetworkRules")
                .map(J::items)
                .unwrap_or(&[])
                .to_vec()
            {
                let id = rule
                    .get("id")
                    .or_else(|| rule.get("virtualNetworkResourceId"));
                if let Some(s) = self.subnet_ref(r, rule.at, id, "virtualNetworkRules") {
                    vnet_rules.push(sp(s));
                }
            }
            for rule in a
                .get("resourceAccessRules")
                .map(J::items)
                .unwrap_or(&[])
                .to_vec()
            {
                let raw = rule.get("resourceId").and_then(J::as_str).unwrap_or("");
                let ty = raw.to_ascii_lowercase().find("/providers/").and_then(|i| {
                    let mut parts = raw[i + "/providers/".len()..].split('/');
                    Some(format!("{}/{}", parts.next()?, parts.next()?))
                });
                let Some(ty) = ty else {
                    self.note(
                        r,
                        rule.at,
                        Outcome::Dropped,
                        "networkAcls.resourceAccessRules",
                        format!("resource id `{raw}` names no resource type; left out"),
                    );
                    continue;
                };
                let resource = rule
                    .get("resourceId")
                    .and_then(ref_id)
                    .and_then(|id| self.b.name_of(Namespace::Endpoint, &id).map(str::to_string))
                    .unwrap_or_else(|| raw.to_string());
                access_rules.push(ResourceAccessRuleDef {
                    resource_type: sp(ty),
                    resource: sp(resource),
                    pos: Pos::default(),
                });
            }
            if let Some(bypass) = a.get("bypass").and_then(J::as_str) {
                trusted = Some(bypass.contains("AzureServices"));
            }
        }
        if let Some(b) = pget(&r.body, &["networkRuleBypassOptions"]).and_then(J::as_str) {
            trusted = Some(b.eq_ignore_ascii_case("AzureServices"));
        }
        let mut def = ServiceDef {
            image_build_compute: None,
            online_endpoints: BTreeMap::new(),
            resource_access_rules: std::mem::take(&mut access_rules),
            kind,
            region: self.region_of(r),
            subscription: None,
            resource_group: None,
            tags: BTreeMap::new(),
            public_network_access: public,
            default_action,
            ip_rules,
            virtual_network_rules: vnet_rules,
            trusted_services: trusted.filter(|t| !t),
            storage: None,
            key_vault: None,
            container_registry: None,
            application_insights: None,
            managed_network: None,
            private_endpoints: Vec::new(),
            hub: None,
            ai_services: None,
            search: None,
            studio: None,
            ml_assisted_labeling: None,
            labeling_storage: None,
            pos: Pos::default(),
        };
        if kind == ServiceKind::MlWorkspace {
            let link = |m: &mut Self, keys: &[&str], what: &str| -> Option<Ref> {
                let id = pget(&r.body, keys).and_then(ref_id)?;
                m.named(r, r.at, Namespace::Endpoint, &id, keys[0], what)
                    .map(sp)
            };
            def.storage = link(
                self,
                &["storageAccount", "storage_account"],
                "storage account",
            );
            def.key_vault = link(self, &["keyVault", "key_vault"], "key vault");
            def.container_registry = link(
                self,
                &["containerRegistry", "container_registry"],
                "container registry",
            );
            def.application_insights = link(
                self,
                &["applicationInsights", "application_insights"],
                "Application Insights",
            );
            if let Some(mn) = pget(&r.body, &["managedNetwork", "managed_network"]) {
                let mn = self.managed_network(r, mn);
                if mn.isolation.is_some() || !mn.outbound_rules.is_empty() {
                    def.managed_network = Some(mn);
                }
            }
            def.image_build_compute = pget(&r.body, &["imageBuildCompute", "image_build_compute"])
                .and_then(J::as_str)
                .filter(|c| !c.is_empty())
                .map(|c| sp(c.to_string()));
        }
        def
    }

    fn managed_network(&mut self, r: &Res, mn: &J) -> ManagedNetworkDef {
        let mode = mn
            .get("isolationMode")
            .or_else(|| mn.get("isolation_mode"))
            .and_then(J::as_str)
            .unwrap_or("Disabled");
        let isolation = match mode.to_ascii_lowercase().replace('_', "").as_str() {
            "allowinternetoutbound" => Isolation::AllowInternetOutbound,
            "allowonlyapprovedoutbound" => Isolation::AllowOnlyApprovedOutbound,
            _ => Isolation::Disabled,
        };
        let mut outbound_rules = Vec::new();
        let rules: Vec<(String, J)> = match mn
            .get("outboundRules")
            .or_else(|| mn.get("outbound_rules"))
            .map(|j| j.v.clone())
        {
            Some(V::Obj(m)) => m,
            Some(V::Arr(a)) => a
                .into_iter()
                .map(|x| {
                    (
                        x.get("name")
                            .and_then(J::as_str)
                            .unwrap_or("rule")
                            .to_string(),
                        x,
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        for (name, rule) in rules {
            let ty = rule
                .get("type")
                .and_then(J::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            let dest = rule.get("destination");
            let mut o = OutboundRuleDef {
                name: name.clone(),
                kind: OutboundRuleKind::Fqdn,
                service: None,
                subresource: None,
                service_tag: None,
                protocol: None,
                port_ranges: None,
                destination: None,
                pos: Pos::default(),
            };
            match ty.replace('_', "").as_str() {
                "fqdn" => {
                    o.destination = dest.and_then(J::as_str).map(|s| sp(s.to_string()));
                }
                "servicetag" => {
                    o.kind = OutboundRuleKind::ServiceTag;
                    let d = dest.cloned().unwrap_or(J::new(V::Null, rule.at));
                    o.service_tag = d
                        .get("serviceTag")
                        .or_else(|| d.get("service_tag"))
                        .and_then(J::as_str)
                        .map(|s| sp(s.to_string()));
                    o.protocol = d.get("protocol").and_then(J::as_str).and_then(protocol);
                    let ports: Vec<Spanned<Port>> = d
                        .get("portRanges")
                        .or_else(|| d.get("port_ranges"))
                        .and_then(J::as_str)
                        .unwrap_or("*")
                        .split(',')
                        .filter_map(|p| PortRange::parse(p.trim()).map(|x| sp(Port(x))))
                        .collect();
                    o.port_ranges = (!ports.is_empty()).then_some(OneOrMany(ports));
                }
                "privateendpoint" => {
                    o.kind = OutboundRuleKind::PrivateEndpoint;
                    let d = dest.cloned().unwrap_or(J::new(V::Null, rule.at));
                    let target = d
                        .get("serviceResourceId")
                        .or_else(|| d.get("service_resource_id"))
                        .and_then(ref_id);
                    o.service = target
                        .and_then(|id| {
                            self.named(
                                r,
                                rule.at,
                                Namespace::Endpoint,
                                &id,
                                &format!("outboundRules/{name}"),
                                "service",
                            )
                        })
                        .map(sp);
                    if o.service.is_none() {
                        continue;
                    }
                    o.subresource = d
                        .get("subresourceTarget")
                        .or_else(|| d.get("subresource_target"))
                        .and_then(J::as_str)
                        .map(str::to_string);
                }
                other => {
                    self.note(
                        r,
                        rule.at,
                        Outcome::Dropped,
                        &format!("outboundRules/{name}"),
                        format!("outbound rule type `{other}` is not known"),
                    );
                    continue;
                }
            }
            outbound_rules.push(o);
        }
        ManagedNetworkDef {
            isolation: Some(isolation).filter(|i| *i != Isolation::Disabled),
            outbound_rules,
            pos: Pos::default(),
        }
    }

    fn private_dns(&mut self) {
        for r in self.of_type("microsoft.network/privatednszones") {
            let zone = r.short().to_ascii_lowercase();
            let mut links = Vec::new();
            let mut policy = None;
            let mut redirect = Vec::new();
            for l in self.kids(&r, "microsoft.network/privatednszones/virtualnetworklinks") {
                self.used.insert(l.key());
                let subject = format!("virtualNetworkLinks/{}", l.short());
                if let Some(v) =
                    self.vnet_ref(&l, l.at, pget(&l.body, &["virtualNetwork"]), &subject)
                {
                    links.push(sp(v));
                }
                if pget(&l.body, &["registrationEnabled"]).and_then(J::as_bool) == Some(true) {
                    self.note(
                        &l,
                        l.at,
                        Outcome::Dropped,
                        "registrationEnabled",
                        "auto-registration of VM records is not modelled",
                    );
                }
                redirect.push(
                    pget(&l.body, &["resolutionPolicy"])
                        .and_then(J::as_str)
                        .is_some_and(|p| p.eq_ignore_ascii_case("NxDomainRedirect")),
                );
            }
            // vnetlab has one policy per zone: the fallback to public resolution only when
            // every link has it (the reading that resolves less), reported when links differ.
            if !redirect.is_empty() && redirect.iter().all(|x| *x) {
                policy = Some(ResolutionPolicy::NxDomainRedirect);
            } else if redirect.iter().any(|x| *x) {
                self.note(
                    &r,
                    r.at,
                    Outcome::Approximated,
                    "virtualNetworkLinks.resolutionPolicy",
                    "some links fall back to public resolution (NxDomainRedirect) and some do not; vnetlab keeps one policy per zone and uses the default (NXDOMAIN) for all",
                );
            }
            let s = self.src(&r, r.at);
            self.b.private_zone(
                &zone,
                PrivateZoneDef {
                    links,
                    records: BTreeMap::new(),
                    resolution_policy: policy,
                    link_settings: BTreeMap::new(),
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    /// A records are read after the private endpoints, whose own records vnetlab registers.
    fn a_records(&mut self) {
        for r in self.of_type("microsoft.network/privatednszones/a") {
            self.used.insert(r.key());
            let zone = r.name.split('/').next().unwrap_or("").to_ascii_lowercase();
            let rel = r.short().to_string();
            let ips: Vec<Ipv4Addr> = pget(&r.body, &["aRecords"])
                .map(J::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|a| a.get("ipv4Address").and_then(J::as_str)?.parse().ok())
                .collect();
            let Some(ip) = ips.first().copied() else {
                continue;
            };
            if ips.iter().all(|i| self.pe_ips.contains(i)) {
                continue;
            }
            if ips.len() > 1 {
                self.note(
                    &r,
                    r.at,
                    Outcome::Approximated,
                    "aRecords",
                    "several addresses: only the first is modelled",
                );
            }
            match self.b.private_zone_mut(&zone) {
                Some(z) => {
                    z.records.insert(rel, sp(Ip(ip)));
                }
                None => self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "A record",
                    format!("zone `{zone}` is not in the input"),
                ),
            }
        }
    }

    fn private_endpoints(&mut self) {
        for r in self.of_type("microsoft.network/privateendpoints") {
            self.used.insert(r.key());
            let Some(subnet) = self.subnet_ref(&r, r.at, pget(&r.body, &["subnet"]), "subnet")
            else {
                continue;
            };
            let (conn, manual) = match pget(&r.body, &["privateLinkServiceConnections"])
                .and_then(|l| l.items().first().cloned())
            {
                Some(c) => (c, false),
                None => match pget(&r.body, &["manualPrivateLinkServiceConnections"])
                    .and_then(|l| l.items().first().cloned())
                {
                    Some(c) => (c, true),
                    None => {
                        self.note(
                            &r,
                            r.at,
                            Outcome::Dropped,
                            "privateLinkServiceConnections",
                            "no connection: left out",
                        );
                        continue;
                    }
                },
            };
            let Some(target) = pget(&conn, &["privateLinkServiceId"]).and_then(ref_id) else {
                continue;
            };
            let Some(service) = self
                .b
                .name_of(Namespace::Endpoint, &target)
                .map(str::to_string)
            else {
                self.note(&r, conn.at, Outcome::Dropped, "privateLinkServiceId", format!("the endpoint's service `{target}` is not in the input (or has no counterpart); left out"));
                continue;
            };
            let group = strings(pget(&conn, &["groupIds"]))
                .into_iter()
                .next()
                .unwrap_or_default();
            let kind = self.b.file.services[&service].kind;
            let Some(sub) = vnetlab_core::model::catalog::subresource(kind, &group) else {
                self.note(
                    &r,
                    conn.at,
                    Outcome::Dropped,
                    "groupIds",
                    format!("subresource `{group}` of a {kind} service is not modelled; the endpoint is left out"),
                );
                continue;
            };
            let group = sub.group.to_string();
            let status = pget(&conn, &["privateLinkServiceConnectionState"])
                .and_then(|s| s.get("status"))
                .and_then(J::as_str)
                .map(str::to_ascii_lowercase);
            let state = match status.as_deref() {
                Some("approved") => None,
                Some("rejected") => Some(PeState::Rejected),
                Some("disconnected") => Some(PeState::Disconnected),
                Some(_) => Some(PeState::Pending),
                None if manual => {
                    self.note(
                        &r,
                        conn.at,
                        Outcome::Approximated,
                        "manualPrivateLinkServiceConnections",
                        "a manual connection is read as pending until its status says approved",
                    );
                    Some(PeState::Pending)
                }
                None => None,
            };
            let ip = self.pe_ip(&r);
            if let Some(ip) = ip {
                self.pe_ips.insert(ip);
            }
            let mut zones = Vec::new();
            for g in self.kids(
                &r,
                "microsoft.network/privateendpoints/privatednszonegroups",
            ) {
                self.used.insert(g.key());
                for c in pget(&g.body, &["privateDnsZoneConfigs"])
                    .map(J::items)
                    .unwrap_or(&[])
                {
                    if let Some(z) = pget(c, &["privateDnsZoneId"]).and_then(ref_id) {
                        let zone = z.rsplit('/').next().unwrap_or("").to_string();
                        if !zones.iter().any(|x: &Spanned<String>| x.value == zone) {
                            zones.push(sp(zone));
                        }
                    }
                }
            }
            let pe = PrivateEndpointDef {
                subnet: sp(subnet),
                ip: ip.map(|i| sp(Ip(i))),
                group: sp(group),
                zones,
                state,
                pos: Pos::default(),
            };
            let s = self.src(&r, r.at);
            if let Some(svc) = self.b.file.services.get_mut(&service) {
                let n = svc.private_endpoints.len();
                svc.private_endpoints.push(pe);
                self.b.note(
                    vec![
                        "services".into(),
                        service.clone(),
                        "private_endpoints".into(),
                        n.to_string(),
                    ],
                    &s,
                );
            }
        }
        self.a_records();
    }

    fn pe_ip(&mut self, r: &Res) -> Option<Ipv4Addr> {
        let mut all: Vec<String> = pget(&r.body, &["customDnsConfigs"])
            .map(J::items)
            .unwrap_or(&[])
            .iter()
            .flat_map(|c| strings(c.get("ipAddresses")))
            .collect();
        all.dedup();
        if all.len() > 1 {
            self.note(
                r,
                r.at,
                Outcome::Approximated,
                "customDnsConfigs",
                format!(
                    "the endpoint has {} addresses ({}); vnetlab gives it one, the first, for all its names",
                    all.len(),
                    all.join(", ")
                ),
            );
        }
        let from_dns = all.first().cloned();
        let from_cfg = pget(&r.body, &["ipConfigurations"])
            .and_then(|l| l.items().first().cloned())
            .and_then(|c| {
                pget(&c, &["privateIPAddress"])
                    .and_then(J::as_str)
                    .map(str::to_string)
            });
        let from_nic = pget(&r.body, &["networkInterfaces"])
            .and_then(|l| l.items().first().cloned())
            .and_then(|n| ref_id(&n))
            .and_then(|id| {
                self.used.insert(id.clone());
                let nic = self.by_id.get(&id)?;
                let cfg = pget(&nic.body, &["ipConfigurations"])?
                    .items()
                    .first()?
                    .clone();
                pget(&cfg, &["privateIPAddress"])
                    .and_then(J::as_str)
                    .map(str::to_string)
            });
        from_dns
            .or(from_cfg)
            .or(from_nic)
            .and_then(|s| s.parse().ok())
    }

    fn workloads(&mut self) {
        // Virtual machines, through their first NIC.
        for r in self.of_type("microsoft.compute/virtualmachines") {
            self.used.insert(r.key());
            let nics: Vec<String> = pget(&r.body, &["networkProfile"])
                .and_then(|n| n.get("networkInterfaces"))
                .map(|l| l.items().iter().filter_map(ref_id).collect())
                .unwrap_or_default();
            let Some(nic_id) = nics.first().cloned() else {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "networkProfile",
                    "a VM without a known NIC is left out",
                );
                continue;
            };
            if nics.len() > 1 {
                self.note(
                    &r,
                    r.at,
                    Outcome::Approximated,
                    "networkProfile.networkInterfaces",
                    "several NICs: only the first is modelled",
                );
            }
            let role = r
                .body
                .path(&["tags", "vnetlab-role"])
                .and_then(J::as_str)
                .and_then(WorkloadKind::parse)
                .unwrap_or(WorkloadKind::Vm);
            self.nic_workload(&r, &nic_id, role);
        }
        for r in self.of_type("microsoft.network/bastionhosts") {
            self.used.insert(r.key());
            let cfg = pget(&r.body, &["ipConfigurations"]).and_then(|l| l.items().first().cloned());
            let Some(subnet) = cfg.as_ref().and_then(|c| {
                self.subnet_ref(&r, c.at, pget(c, &["subnet"]), "ipConfigurations.subnet")
            }) else {
                continue;
            };
            let pip = cfg
                .as_ref()
                .and_then(|c| self.public_ip(&r, pget(c, &["publicIPAddress"])));
            let mut w = workload(WorkloadKind::Bastion, subnet);
            w.public_ip = Some(pip.map_or(PublicIpSku::Standard, |p| p.0));
            w.public_ip_address = pip.and_then(|p| p.1).map(|i| sp(Ip(i)));
            let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
            let s = self.src(&r, r.at);
            self.b.workload(&name, w, &s);
        }
        for r in self.of_type("microsoft.network/applicationgateways") {
            self.app_gateway(&r);
        }
        for r in self.of_type("microsoft.apimanagement/service") {
            self.api_management(&r);
        }
        for r in self.of_type("microsoft.network/dnsresolvers/inboundendpoints") {
            self.resolver_inbound(&r);
        }
        for r in self.of_type("microsoft.containerservice/managedclusters") {
            self.aks(&r);
        }
        for r in self.of_type("microsoft.machinelearningservices/workspaces/computes") {
            self.compute(&r);
        }
        for r in self.of_type("microsoft.network/networkinterfaces") {
            if !self.used.contains(&r.key()) && pget(&r.body, &["privateEndpoint"]).is_none() {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "networkInterface",
                    "a NIC not attached to an imported VM is left out",
                );
            }
            self.used.insert(r.key());
        }
    }

    fn nic_workload(&mut self, vm: &Res, nic_id: &str, kind: WorkloadKind) {
        self.used.insert(nic_id.to_string());
        let Some(nic) = self.by_id.get(nic_id).cloned() else {
            self.note(
                vm,
                vm.at,
                Outcome::Dropped,
                "networkInterfaces",
                format!("NIC `{nic_id}` is not in the input; the VM is left out"),
            );
            return;
        };
        let cfgs = pget(&nic.body, &["ipConfigurations"])
            .map(|l| l.items().to_vec())
            .unwrap_or_default();
        let Some(cfg) = cfgs.first() else { return };
        if cfgs.len() > 1 {
            self.note(
                &nic,
                nic.at,
                Outcome::Approximated,
                "ipConfigurations",
                "several IP configurations: only the first is modelled",
            );
        }
        let Some(subnet) = self.subnet_ref(
            &nic,
            cfg.at,
            pget(cfg, &["subnet"]),
            "ipConfigurations.subnet",
        ) else {
            return;
        };
        let mut w = workload(kind, subnet);
        w.ip = match pget(cfg, &["privateIPAddress"]) {
            Some(j) if j.is_unknown() => None,
            Some(j) => j.as_str().and_then(|s| s.parse().ok()).map(|ip| sp(Ip(ip))),
            None => None,
        };
        if let Some((sku, ip)) = self.public_ip(&nic, pget(cfg, &["publicIPAddress"])) {
            w.public_ip = Some(sku);
            w.public_ip_address = ip.map(|i| sp(Ip(i)));
        }
        w.nsg = pget(&nic.body, &["networkSecurityGroup"])
            .and_then(ref_id)
            .and_then(|id| {
                self.named(
                    &nic,
                    nic.at,
                    Namespace::Nsg,
                    &id,
                    "networkSecurityGroup",
                    "NSG",
                )
            })
            .map(sp);
        w.ip_forwarding = pget(&nic.body, &["enableIPForwarding"])
            .and_then(J::as_bool)
            .filter(|f| *f);
        for a in pget(cfg, &["applicationSecurityGroups"])
            .map(J::items)
            .unwrap_or(&[])
            .to_vec()
        {
            if let Some(x) = self.asg_ref(&nic, &a) {
                w.asgs.push(sp(x.trim_start_matches("asg:").to_string()));
            }
        }
        let name = self.b.name(Namespace::Endpoint, &vm.key(), vm.short());
        let s = self.src(vm, vm.at);
        self.b.workload(&name, w, &s);
    }

    /// An application gateway: an `app_gateway` workload in its subnet (listeners, rules and
    /// WAF are not modelled).
    fn app_gateway(&mut self, r: &Res) {
        self.used.insert(r.key());
        let cfg =
            pget(&r.body, &["gatewayIPConfigurations"]).and_then(|l| l.items().first().cloned());
        let Some(subnet) = cfg.as_ref().and_then(|c| {
            self.subnet_ref(
                r,
                c.at,
                pget(c, &["subnet"]),
                "gatewayIPConfigurations.subnet",
            )
        }) else {
            if cfg.is_none() {
                self.note(
                    r,
                    r.at,
                    Outcome::Dropped,
                    "gatewayIPConfigurations",
                    "an application gateway without a subnet is left out",
                );
            }
            return;
        };
        let mut w = workload(WorkloadKind::AppGateway, subnet);
        let frontends = pget(&r.body, &["frontendIPConfigurations"])
            .map(|l| l.items().to_vec())
            .unwrap_or_default();
        for f in &frontends {
            if let Some(ip) = pget(f, &["privateIPAddress"])
                .and_then(J::as_str)
                .and_then(|s| s.parse().ok())
            {
                w.ip = Some(sp(Ip(ip)));
            }
            if pget(f, &["publicIPAddress"]).is_some()
                && let Some((sku, ip)) = self.public_ip(r, pget(f, &["publicIPAddress"]))
            {
                w.public_ip = Some(sku);
                w.public_ip_address = ip.map(|i| sp(Ip(i)));
            }
        }
        self.note(r, r.at, Outcome::Approximated, "applicationGateway", "imported as an app_gateway workload in its subnet: listeners, routing rules, backends and WAF policy are not modelled");
        let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
        let s = self.src(r, r.at);
        self.b.workload(&name, w, &s);
    }

    /// An API Management instance injected in a VNet (`virtualNetworkType` External or
    /// Internal): an `api_management` workload in its subnet (APIs and backends, the listeners,
    /// are not modelled). One outside every VNet (`None`) is left to the unmodelled note.
    fn api_management(&mut self, r: &Res) {
        let mode = pget(&r.body, &["virtualNetworkType"])
            .and_then(J::as_str)
            .unwrap_or("None")
            .to_ascii_lowercase();
        let mode = match mode.as_str() {
            "external" => ApimVnetType::External,
            "internal" => ApimVnetType::Internal,
            _ => return,
        };
        self.used.insert(r.key());
        let Some(subnet) = self.subnet_ref(
            r,
            r.at,
            pget(&r.body, &["virtualNetworkConfiguration"]).and_then(|c| c.get("subnetResourceId")),
            "virtualNetworkConfiguration.subnetResourceId",
        ) else {
            return;
        };
        let mut w = workload(WorkloadKind::ApiManagement, subnet);
        w.virtual_network_type = Some(mode);
        let first = |key: &str| {
            pget(&r.body, &[key])
                .and_then(|l| l.items().first().and_then(J::as_str).map(str::to_string))
                .and_then(|s| s.parse::<Ipv4Addr>().ok())
        };
        w.ip = first("privateIPAddresses").map(|ip| sp(Ip(ip)));
        if mode == ApimVnetType::External {
            match self.public_ip(r, pget(&r.body, &["publicIpAddressId"])) {
                Some((sku, ip)) => {
                    w.public_ip = Some(sku);
                    w.public_ip_address = ip.map(|i| sp(Ip(i)));
                }
                None => {
                    w.public_ip = Some(PublicIpSku::Standard);
                    w.public_ip_address = first("publicIPAddresses").map(|ip| sp(Ip(ip)));
                }
            }
        }
        self.note(r, r.at, Outcome::Approximated, "apiManagement", "imported as an api_management workload in its subnet with its VNet mode: APIs and backends (listeners) are not modelled");
        let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
        let s = self.src(r, r.at);
        self.b.workload(&name, w, &s);
    }

    /// A DNS private resolver's inbound endpoint: a `dns_server` workload at its address that
    /// forwards to Azure DNS (forwarding rulesets are not modelled).
    fn resolver_inbound(&mut self, r: &Res) {
        self.used.insert(r.key());
        if let Some(p) = parent_id(&r.key()) {
            self.used.insert(p);
        }
        let cfg = pget(&r.body, &["ipConfigurations"]).and_then(|l| l.items().first().cloned());
        let Some(subnet) = cfg.as_ref().and_then(|c| {
            self.subnet_ref(r, c.at, pget(c, &["subnet"]), "ipConfigurations.subnet")
        }) else {
            if cfg.is_none() {
                self.note(
                    r,
                    r.at,
                    Outcome::Dropped,
                    "ipConfigurations",
                    "an inbound endpoint without a subnet is left out",
                );
            }
            return;
        };
        let mut w = workload(WorkloadKind::DnsServer, subnet);
        w.ip = cfg
            .as_ref()
            .and_then(|c| pget(c, &["privateIpAddress", "privateIPAddress"]))
            .and_then(J::as_str)
            .and_then(|s| s.parse().ok())
            .map(|ip| sp(Ip(ip)));
        w.forwards_to_azure_dns = Some(true);
        self.note(r, r.at, Outcome::Approximated, "dnsResolvers/inboundEndpoints", "a DNS private resolver's inbound endpoint is imported as a DNS server forwarding to Azure DNS; forwarding rulesets and outbound endpoints are not modelled");
        let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
        let s = self.src(r, r.at);
        self.b.workload(&name, w, &s);
    }

    fn aks(&mut self, r: &Res) {
        self.used.insert(r.key());
        let pool = pget(&r.body, &["agentPoolProfiles"]).and_then(|l| l.items().first().cloned());
        let Some(pool) = pool else {
            self.note(
                r,
                r.at,
                Outcome::Dropped,
                "agentPoolProfiles",
                "an AKS cluster without a node pool is left out",
            );
            return;
        };
        let Some(subnet) = self.subnet_ref(
            r,
            pool.at,
            pool.get("vnetSubnetID"),
            "agentPoolProfiles.vnetSubnetID",
        ) else {
            return;
        };
        let mut w = workload(WorkloadKind::Aks, subnet);
        w.node_count = pool
            .get("count")
            .and_then(J::as_int)
            .map(|n| sp(n.clamp(0, u32::MAX as i64) as u32));
        w.max_nodes = pool
            .get("maxCount")
            .and_then(J::as_int)
            .map(|n| sp(n.clamp(0, u32::MAX as i64) as u32));
        w.max_pods = pool
            .get("maxPods")
            .and_then(J::as_int)
            .map(|n| n.clamp(0, u32::MAX as i64) as u32);
        let np = pget(&r.body, &["networkProfile"]);
        let plugin = np
            .and_then(|n| n.get("networkPlugin"))
            .and_then(J::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let mode = np
            .and_then(|n| n.get("networkPluginMode"))
            .and_then(J::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        w.network_plugin = match (plugin.as_str(), mode.as_str()) {
            ("azure", "overlay") => Some(NetworkPlugin::AzureCniOverlay),
            ("azure", _) => Some(NetworkPlugin::AzureCni),
            ("kubenet", _) => Some(NetworkPlugin::Kubenet),
            _ => None,
        };
        let api = pget(&r.body, &["apiServerAccessProfile"]);
        w.private_cluster = api
            .and_then(|a| a.get("enablePrivateCluster"))
            .and_then(J::as_bool);
        for range in api
            .and_then(|a| a.get("authorizedIPRanges"))
            .map(J::items)
            .unwrap_or_default()
        {
            match range.as_str().and_then(aks_range) {
                Some(net) => w.authorized_ip_ranges.push(sp(Cidr(net))),
                None => self.note(r, range.at, Outcome::Dropped, "apiServerAccessProfile.authorizedIPRanges", "an authorized range that is not an address or a prefix without host bits is left out"),
            }
        }
        if let Some(t) = np.and_then(|n| n.get("outboundType")) {
            let kind = match t.as_str().map(str::to_ascii_lowercase).as_deref() {
                Some("loadbalancer") => Some(AksOutboundType::LoadBalancer),
                Some("userdefinedrouting") => Some(AksOutboundType::UserDefinedRouting),
                Some("managednatgateway") => Some(AksOutboundType::ManagedNatGateway),
                Some("userassignednatgateway") => Some(AksOutboundType::UserAssignedNatGateway),
                _ => None,
            };
            match kind {
                Some(k) => w.outbound_type = Some(k),
                None => self.note(
                    r,
                    t.at,
                    Outcome::Dropped,
                    "networkProfile.outboundType",
                    "an outbound type vnetlab does not know is left out (load_balancer is assumed)",
                ),
            }
        }
        let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
        let s = self.src(r, r.at);
        self.b.workload(&name, w, &s);
    }

    fn compute(&mut self, r: &Res) {
        self.used.insert(r.key());
        let p = props(&r.body);
        let inner = p.get("properties").unwrap_or(p);
        let ctype = p
            .get("computeType")
            .or_else(|| r.body.get("type"))
            .and_then(J::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let ws_id = parent_id(&r.key()).unwrap_or_default();
        let workspace = self
            .b
            .name_of(Namespace::Endpoint, &ws_id)
            .map(str::to_string);
        let kind = match ctype.as_str() {
            "amlcompute" => WorkloadKind::ComputeCluster,
            "computeinstance" => WorkloadKind::ComputeInstance,
            "aks" | "kubernetes" => {
                // An attached cluster: the AKS resource itself is the workload.
                if let Some(aks) = inner
                    .get("resourceId")
                    .or_else(|| p.get("resourceId"))
                    .and_then(ref_id)
                    && let Some(name) = self
                        .b
                        .name_of(Namespace::Endpoint, &aks)
                        .map(str::to_string)
                    && let Some(w) = self.b.file.workloads.get_mut(&name)
                {
                    w.workspace = workspace.map(sp);
                } else {
                    self.note(r, r.at, Outcome::Dropped, "computeType", "an attached Kubernetes compute whose cluster is not in the input is left out");
                }
                return;
            }
            other => {
                self.note(
                    r,
                    r.at,
                    Outcome::Dropped,
                    "computeType",
                    format!("compute type `{other}` has no counterpart"),
                );
                return;
            }
        };
        let subnet_j = inner
            .get("subnet")
            .or_else(|| r.body.path(&["network_settings", "subnet"]));
        let Some(subnet_j) = subnet_j else {
            self.note(r, r.at, Outcome::Dropped, "subnet", "a compute without a subnet runs in the workspace's managed network, which vnetlab models on the workspace; left out");
            return;
        };
        let Some(subnet) = self.subnet_ref(r, subnet_j.at, Some(subnet_j), "subnet") else {
            return;
        };
        let mut w = workload(kind, subnet);
        w.workspace = workspace.map(sp);
        let public = inner
            .get("enableNodePublicIp")
            .or_else(|| r.body.get("enable_node_public_ip"))
            .and_then(J::as_bool);
        w.public_ip = Some(match public {
            Some(false) => PublicIpSku::None,
            Some(true) => PublicIpSku::Standard,
            None => {
                self.note(
                    r,
                    r.at,
                    Outcome::Approximated,
                    "enableNodePublicIp",
                    "not set: Azure's default is a public IP (true), read as a Standard public IP",
                );
                PublicIpSku::Standard
            }
        });
        // Compute instance `sshSettings.sshPublicAccess`, cluster `remoteLoginPortPublicAccess`
        // (`NotSpecified` closes the port for a compute in a VNet, which every imported one is).
        let ssh = inner
            .path(&["sshSettings", "sshPublicAccess"])
            .or_else(|| inner.get("remoteLoginPortPublicAccess"))
            .and_then(J::as_str);
        w.ssh_public_access = match ssh.map(str::to_ascii_lowercase).as_deref() {
            Some("enabled") => Some(Toggle::Enabled),
            Some("disabled") => Some(Toggle::Disabled),
            _ => None,
        };
        if kind == WorkloadKind::ComputeCluster {
            w.max_nodes = inner
                .path(&["scaleSettings", "maxNodeCount"])
                .or_else(|| r.body.get("max_instances"))
                .and_then(J::as_int)
                .map(|n| sp(n.clamp(0, u32::MAX as i64) as u32));
        }
        let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
        let s = self.src(r, r.at);
        self.b.workload(&name, w, &s);
    }

    /// Every resource no element came from: reported by type.
    fn unmapped(&mut self) {
        let quiet = [
            "microsoft.network/publicipaddresses",
            "microsoft.network/ipgroups",
            "microsoft.network/localnetworkgateways",
            "microsoft.resources/deployments",
            "microsoft.network/privatednszones/soa",
        ];
        for r in self.by_id.values().cloned().collect::<Vec<_>>() {
            if self.used.contains(&r.key()) || quiet.contains(&r.ty.as_str()) {
                continue;
            }
            if let Some(p) = parent_id(&r.key())
                && self.used.contains(&p)
                && is_merged_child(&r.ty)
            {
                continue;
            }
            if let Some(p) = parent_id(&r.key())
                && !self.by_id.contains_key(&p)
            {
                let msg = format!(
                    "its parent resource `{p}` is not in the input: import the parent too (e.g. `az network vnet list` with its subnets)"
                );
                self.note(&r, r.at, Outcome::Dropped, &r.ty.clone(), msg);
                continue;
            }
            let what = match r.ty.as_str() {
                "microsoft.network/natgateways" => {
                    "NAT gateways have no counterpart (outbound address semantics)"
                }
                "microsoft.network/loadbalancers" => "load balancers have no counterpart",
                "microsoft.network/privatelinkservices" => {
                    "private link services have no counterpart"
                }
                t if t == "microsoft.network/networkmanagers"
                    || t.starts_with("microsoft.network/networkmanagers/") =>
                {
                    "Azure Virtual Network Manager is not imported yet: write its security admin rules as `security_admin_configurations` (rule collections with the VNets of their network groups; docs/format.md), they change reachability"
                }
                "microsoft.machinelearningservices/workspaces/onlineendpoints"
                | "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments" => {
                    // Managed online endpoints and their deployments go on the workspace
                    // (`online_endpoints`, semantics S24).
                    let deployment = r.ty.ends_with("/deployments");
                    let ep_id = if deployment {
                        parent_id(&r.key())
                    } else {
                        Some(r.key())
                    };
                    let ws = ep_id
                        .as_deref()
                        .and_then(parent_id)
                        .and_then(|w| self.b.name_of(Namespace::Endpoint, &w).map(str::to_string));
                    let ep_name = ep_id
                        .as_deref()
                        .and_then(|e| e.rsplit('/').next())
                        .unwrap_or_default()
                        .to_string();
                    let toggle = |keys: &[&str]| {
                        pget(&r.body, keys)
                            .and_then(J::as_str)
                            .filter(|a| a.eq_ignore_ascii_case("disabled"))
                            .map(|_| Toggle::Disabled)
                    };
                    let Some(wsdef) = ws.and_then(|w| self.b.file.services.get_mut(&w)) else {
                        self.note(
                            &r,
                            r.at,
                            Outcome::Dropped,
                            &r.ty.clone(),
                            "its workspace is not in the input: import the workspace too",
                        );
                        continue;
                    };
                    let ep = wsdef.online_endpoints.entry(ep_name).or_insert_with(|| {
                        OnlineEndpointDef {
                            public_network_access: None,
                            deployments: BTreeMap::new(),
                            pos: Pos::default(),
                        }
                    });
                    if deployment {
                        ep.deployments.insert(
                            r.short().to_string(),
                            DeploymentDef {
                                egress_public_network_access: toggle(&[
                                    "egressPublicNetworkAccess",
                                    "egress_public_network_access",
                                ]),
                                pos: Pos::default(),
                            },
                        );
                    } else {
                        ep.public_network_access =
                            toggle(&["publicNetworkAccess", "public_network_access"]);
                    }
                    continue;
                }
                _ => "no counterpart in vnetlab's format",
            };
            self.note(&r, r.at, Outcome::Dropped, &r.ty.clone(), what);
        }
    }
}

fn is_merged_child(ty: &str) -> bool {
    [
        "microsoft.network/virtualnetworks/subnets",
        "microsoft.network/virtualnetworks/virtualnetworkpeerings",
        "microsoft.network/networksecuritygroups/securityrules",
        "microsoft.network/routetables/routes",
    ]
    .contains(&ty)
}

/// An AKS authorized IP range: an address (a /32) or a prefix without host bits; anything else
/// is not read (widening it would authorize more than written).
fn aks_range(s: &str) -> Option<Ipv4Net> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<Ipv4Addr>() {
        return Ipv4Net::new(ip, 32).ok();
    }
    s.parse::<Ipv4Net>().ok().filter(|n| n.trunc() == *n)
}

fn workload(kind: WorkloadKind, subnet: String) -> WorkloadDef {
    WorkloadDef {
        kind,
        tags: BTreeMap::new(),
        subnet: sp(subnet),
        ip: None,
        max_nodes: None,
        node_count: None,
        max_pods: None,
        network_plugin: None,
        public_ip: None,
        public_ip_address: None,
        nsg: None,
        asgs: Vec::new(),
        ip_forwarding: None,
        workspace: None,
        public_network_access: None,
        forwards_to_azure_dns: None,
        package_hosts: Vec::new(),
        node_communication_mode: None,
        waf: None,
        listeners: Vec::new(),
        virtual_network_type: None,
        private_cluster: None,
        authorized_ip_ranges: Vec::new(),
        outbound_type: None,
        records: BTreeMap::new(),
        forwarders: BTreeMap::new(),
        ssh_public_access: None,
        pos: Pos::default(),
    }
}

fn protocol(p: &str) -> Option<RuleProtocol> {
    match p.to_ascii_lowercase().as_str() {
        "tcp" => Some(RuleProtocol::Tcp),
        "udp" => Some(RuleProtocol::Udp),
        "icmp" => Some(RuleProtocol::Icmp),
        "esp" => Some(RuleProtocol::Esp),
        "ah" => Some(RuleProtocol::Ah),
        "*" | "any" => Some(RuleProtocol::Any),
        _ => None,
    }
}

/// The fewest CIDRs covering exactly `lo..=hi`.
pub fn range_cidrs(lo: Ipv4Addr, hi: Ipv4Addr) -> Vec<Ipv4Net> {
    let (mut a, b) = (u64::from(u32::from(lo)), u64::from(u32::from(hi)));
    let mut out = Vec::new();
    while a <= b {
        let mut len = 32u8;
        while len > 0 {
            let size = 1u64 << (33 - len);
            if a % size != 0 || a + size - 1 > b {
                break;
            }
            len -= 1;
        }
        out.push(Ipv4Net::new(Ipv4Addr::from(a as u32), len).expect("valid length"));
        a += 1u64 << (32 - len);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_become_exact_cidrs() {
        let r = |a: &str, b: &str| {
            range_cidrs(a.parse().unwrap(), b.parse().unwrap())
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(r("10.0.0.0", "10.0.0.255"), ["10.0.0.0/24"]);
        assert_eq!(
            r("10.0.0.1", "10.0.0.6"),
            ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]
        );
        assert_eq!(r("0.0.0.0", "255.255.255.255"), ["0.0.0.0/0"]);
    }

    #[test]
    fn parents_of_child_ids() {
        assert_eq!(
            parent_id("/subscriptions/s/resourcegroups/g/providers/microsoft.network/virtualnetworks/v/subnets/x").as_deref(),
            Some("/subscriptions/s/resourcegroups/g/providers/microsoft.network/virtualnetworks/v")
        );
        assert_eq!(
            parent_id(
                "/subscriptions/s/resourcegroups/g/providers/microsoft.network/virtualnetworks/v"
            ),
            None
        );
    }
}
