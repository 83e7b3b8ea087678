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

mod firewall;
mod network;
mod security;
mod services;
mod workloads;

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
