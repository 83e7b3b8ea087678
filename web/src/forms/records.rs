//! Reading and writing the file records behind the forms: current values, deletion, the list of
//! editable items.

use super::*;
use std::collections::BTreeMap;
use vnetlab_core::diag::Diagnostics;
use vnetlab_core::syntax::{Node, NodeKind, parse};

/// A field's text as a YAML value: a flow list of scalars, or one scalar.
pub(super) fn yaml_value(v: &str, list: bool) -> String {
    if list {
        format!(
            "[{}]",
            v.split(',')
                .map(|x| scalar(x.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        scalar(v)
    }
}

/// A value as a YAML scalar: plain when that reads back the same, else double-quoted.
pub(super) fn scalar(v: &str) -> String {
    let plain = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/:@*".contains(c))
        && !v.starts_with(['*', '@', ':', '-'])
        && !v.ends_with(':');
    if plain {
        v.to_string()
    } else {
        let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    }
}

/// The element's record fields as text (lists joined by `, `), read back from the core's JSON
/// printing of the records (so every value is written the way the file writes it).
pub(super) fn current_values(
    t: &Target,
    file: &TopologyFile,
) -> Option<BTreeMap<String, (String, bool)>> {
    let mut one = empty_like(file);
    let path: Vec<String> = match t.kind {
        FormKind::Vnet => {
            let mut v = file.vnets.get(&t.name)?.clone();
            v.subnets.clear();
            one.vnets.insert(t.name.clone(), v);
            vec!["vnets".into(), t.name.clone()]
        }
        FormKind::Subnet => {
            let s = file.vnets.get(&t.parent)?.subnets.get(&t.name)?.clone();
            let mut v = file.vnets.get(&t.parent)?.clone();
            v.subnets = BTreeMap::from([(t.name.clone(), s)]);
            one.vnets.insert(t.parent.clone(), v);
            vec![
                "vnets".into(),
                t.parent.clone(),
                "subnets".into(),
                t.name.clone(),
            ]
        }
        FormKind::Workload => {
            one.workloads
                .insert(t.name.clone(), file.workloads.get(&t.name)?.clone());
            vec!["workloads".into(), t.name.clone()]
        }
        FormKind::Service => {
            one.services
                .insert(t.name.clone(), file.services.get(&t.name)?.clone());
            vec!["services".into(), t.name.clone()]
        }
        FormKind::PrivateEndpoint => {
            let i: usize = t.name.parse().ok()?;
            let mut s = file.services.get(&t.parent)?.clone();
            s.private_endpoints = vec![s.private_endpoints.get(i)?.clone()];
            one.services.insert(t.parent.clone(), s);
            vec![
                "services".into(),
                t.parent.clone(),
                "private_endpoints".into(),
                "0".into(),
            ]
        }
        FormKind::FrontDoor => {
            let mut fd = file.front_doors.get(&t.name)?.clone();
            fd.origins.clear();
            one.front_doors.insert(t.name.clone(), fd);
            vec!["front_doors".into(), t.name.clone()]
        }
        FormKind::FrontDoorOrigin => {
            let i: usize = t.name.parse().ok()?;
            let mut fd = file.front_doors.get(&t.parent)?.clone();
            fd.origins = vec![fd.origins.get(i)?.clone()];
            one.front_doors.insert(t.parent.clone(), fd);
            vec![
                "front_doors".into(),
                t.parent.clone(),
                "origins".into(),
                "0".into(),
            ]
        }
        FormKind::Nsg => return file.nsgs.contains_key(&t.name).then(BTreeMap::new),
        FormKind::NsgRule => {
            let r = file
                .nsgs
                .get(&t.parent)?
                .rules
                .iter()
                .find(|r| r.name.value == t.name)?
                .clone();
            one.nsgs.insert(
                t.parent.clone(),
                NsgDef {
                    rules: vec![r],
                    pos: Pos::default(),
                },
            );
            vec!["nsgs".into(), t.parent.clone(), "rules".into(), "0".into()]
        }
        FormKind::RouteTable => {
            let mut r = file.route_tables.get(&t.name)?.clone();
            r.routes.clear();
            one.route_tables.insert(t.name.clone(), r);
            vec!["route_tables".into(), t.name.clone()]
        }
        FormKind::Route => {
            let r = file
                .route_tables
                .get(&t.parent)?
                .routes
                .iter()
                .find(|r| r.name.value == t.name)?
                .clone();
            let mut table = file.route_tables.get(&t.parent)?.clone();
            table.routes = vec![r];
            one.route_tables.insert(t.parent.clone(), table);
            vec![
                "route_tables".into(),
                t.parent.clone(),
                "routes".into(),
                "0".into(),
            ]
        }
        FormKind::Peering => {
            one.peerings = vec![file.peerings.get(t.name.parse::<usize>().ok()?)?.clone()];
            vec!["peerings".into(), "0".into()]
        }
        FormKind::Asg => {
            one.asgs
                .insert(t.name.clone(), file.asgs.get(&t.name)?.clone());
            vec!["asgs".into(), t.name.clone()]
        }
        FormKind::Firewall => {
            one.firewalls
                .insert(t.name.clone(), file.firewalls.get(&t.name)?.clone());
            vec!["firewalls".into(), t.name.clone()]
        }
        FormKind::Gateway => {
            let mut g = file.gateways.get(&t.name)?.clone();
            g.sites.clear();
            one.gateways.insert(t.name.clone(), g);
            vec!["gateways".into(), t.name.clone()]
        }
        FormKind::Site => {
            let mut g = file.gateways.get(&t.parent)?.clone();
            let site = g.sites.get(&t.name)?.clone();
            g.sites = BTreeMap::from([(t.name.clone(), site)]);
            one.gateways.insert(t.parent.clone(), g);
            vec![
                "gateways".into(),
                t.parent.clone(),
                "sites".into(),
                t.name.clone(),
            ]
        }
        FormKind::Client => {
            one.clients
                .insert(t.name.clone(), file.clients.get(&t.name)?.clone());
            vec!["clients".into(), t.name.clone()]
        }
        FormKind::Expectation => {
            one.expect = vec![file.expect.get(t.name.parse::<usize>().ok()?)?.clone()];
            vec!["expect".into(), "0".into()]
        }
        FormKind::Zone => {
            let z = file.dns.as_ref()?.private_zones.get(&t.name)?.clone();
            let mut dns = empty_dns();
            dns.private_zones.insert(t.name.clone(), z);
            one.dns = Some(dns);
            vec!["dns".into(), "private_zones".into(), t.name.clone()]
        }
    };
    let json = to_json(&one);
    let mut diags = Diagnostics::new("record");
    let mut node = parse(&json, &mut diags)?;
    for step in &path {
        node = match node.kind {
            NodeKind::Map(entries) => entries.into_iter().find(|(k, _)| text(k) == *step)?.1,
            NodeKind::Seq(items) => items.into_iter().nth(step.parse().ok()?)?,
            _ => return None,
        };
    }
    let NodeKind::Map(entries) = node.kind else {
        return None;
    };
    let scalar = |n: &Node| matches!(n.kind, NodeKind::Scalar { .. });
    let flat = |n: &Node| match &n.kind {
        NodeKind::Seq(items) => items.iter().all(scalar),
        k => !matches!(k, NodeKind::Map(_)),
    };
    Some(
        entries
            .iter()
            .filter(|(_, v)| flat(v))
            .map(|(k, v)| (text(k), (text(v), matches!(v.kind, NodeKind::Seq(_)))))
            .collect(),
    )
}

pub(super) fn empty_dns() -> DnsDef {
    DnsDef {
        private_zones: BTreeMap::new(),
        resolvers: BTreeMap::new(),
        forwarding_rulesets: BTreeMap::new(),
        servers: BTreeMap::new(),
        pos: Pos::default(),
    }
}

/// A copy of `file` with no elements (name and version kept).
pub(super) fn empty_like(file: &TopologyFile) -> TopologyFile {
    let mut f = file.clone();
    f.vnets.clear();
    f.peerings.clear();
    f.nsgs.clear();
    f.asgs.clear();
    f.security_admin_configurations.clear();
    f.route_tables.clear();
    f.gateways.clear();
    f.firewalls.clear();
    f.nat_gateways.clear();
    f.service_endpoint_policies.clear();
    f.ip_groups.clear();
    f.workloads.clear();
    f.front_doors.clear();
    f.services.clear();
    f.dns = None;
    f.clients.clear();
    f.expect.clear();
    f
}

pub(super) fn text(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar { text, .. } => text.to_string(),
        NodeKind::Seq(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        _ => String::new(),
    }
}

/// The records without the element `t` (references to it are left for validation to report).
pub fn delete(file: &TopologyFile, t: &Target) -> TopologyFile {
    let mut f = file.clone();
    let ix = t.name.parse::<usize>().ok();
    match t.kind {
        FormKind::Vnet => {
            f.vnets.remove(&t.name);
        }
        FormKind::Subnet => {
            if let Some(v) = f.vnets.get_mut(&t.parent) {
                v.subnets.remove(&t.name);
            }
        }
        FormKind::Workload => {
            f.workloads.remove(&t.name);
        }
        FormKind::Service => {
            f.services.remove(&t.name);
        }
        FormKind::PrivateEndpoint => {
            if let (Some(s), Some(i)) = (f.services.get_mut(&t.parent), ix)
                && i < s.private_endpoints.len()
            {
                s.private_endpoints.remove(i);
            }
        }
        FormKind::FrontDoor => {
            f.front_doors.remove(&t.name);
        }
        FormKind::FrontDoorOrigin => {
            if let (Some(fd), Some(i)) = (f.front_doors.get_mut(&t.parent), ix)
                && i < fd.origins.len()
            {
                fd.origins.remove(i);
            }
        }
        FormKind::Nsg => {
            f.nsgs.remove(&t.name);
        }
        FormKind::NsgRule => {
            if let Some(n) = f.nsgs.get_mut(&t.parent) {
                n.rules.retain(|r| r.name.value != t.name);
            }
        }
        FormKind::RouteTable => {
            f.route_tables.remove(&t.name);
        }
        FormKind::Route => {
            if let Some(r) = f.route_tables.get_mut(&t.parent) {
                r.routes.retain(|r| r.name.value != t.name);
            }
        }
        FormKind::Peering => {
            if let Some(i) = ix.filter(|&i| i < f.peerings.len()) {
                f.peerings.remove(i);
            }
        }
        FormKind::Zone => {
            if let Some(d) = f.dns.as_mut() {
                d.private_zones.remove(&t.name);
            }
        }
        FormKind::Asg => {
            f.asgs.remove(&t.name);
        }
        FormKind::Firewall => {
            f.firewalls.remove(&t.name);
        }
        FormKind::Gateway => {
            f.gateways.remove(&t.name);
        }
        FormKind::Site => {
            if let Some(g) = f.gateways.get_mut(&t.parent) {
                g.sites.remove(&t.name);
            }
        }
        FormKind::Client => {
            f.clients.remove(&t.name);
        }
        FormKind::Expectation => {
            if let Some(i) = ix.filter(|&i| i < f.expect.len()) {
                f.expect.remove(i);
            }
        }
    }
    f
}

/// One row of the design's element list: its depth, text, and identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// 0 for top-level elements, 1 for their children.
    pub depth: u8,
    /// What is shown.
    pub label: String,
    /// The element.
    pub target: Target,
}

/// Every editable element of the records, in file order.
pub fn items(f: &TopologyFile) -> Vec<Item> {
    let mut out = Vec::new();
    let mut push = |depth, label: String, kind, parent: &str, name: &str| {
        out.push(Item {
            depth,
            label,
            target: Target {
                kind,
                parent: parent.to_string(),
                name: name.to_string(),
            },
        })
    };
    for (v, vn) in &f.vnets {
        let space: Vec<String> = vn
            .address_space
            .iter()
            .map(|c| c.value.0.to_string())
            .collect();
        push(
            0,
            format!("VNet {v} ({})", space.join(", ")),
            FormKind::Vnet,
            "",
            v,
        );
        for (s, sub) in &vn.subnets {
            push(
                1,
                format!(
                    "subnet {s} {}",
                    sub.all_prefixes()
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                FormKind::Subnet,
                v,
                s,
            );
        }
    }
    for (i, p) in f.peerings.iter().enumerate() {
        let ends: Vec<String> = match (&p.between, &p.from, &p.to) {
            (Some(b), _, _) => b.iter().map(|r| r.value.clone()).collect(),
            (None, Some(a), Some(b)) => vec![a.value.clone(), b.value.clone()],
            _ => vec![],
        };
        push(
            0,
            format!("peering {}", ends.join(" ↔ ")),
            FormKind::Peering,
            "",
            &i.to_string(),
        );
    }
    for (w, wd) in &f.workloads {
        push(
            0,
            format!("workload {w} ({}) in {}", wd.kind, wd.subnet.value),
            FormKind::Workload,
            "",
            w,
        );
    }
    for (n, nsg) in &f.nsgs {
        push(0, format!("NSG {n}"), FormKind::Nsg, "", n);
        for r in &nsg.rules {
            push(
                1,
                format!(
                    "{} {} {} {}",
                    r.priority.value, r.direction, r.access, r.name.value
                ),
                FormKind::NsgRule,
                n,
                &r.name.value,
            );
        }
    }
    for (t, rt) in &f.route_tables {
        push(0, format!("route table {t}"), FormKind::RouteTable, "", t);
        for r in &rt.routes {
            push(
                1,
                format!("{} {} → {}", r.name.value, r.prefix.value, r.next_hop),
                FormKind::Route,
                t,
                &r.name.value,
            );
        }
    }
    for (s, svc) in &f.services {
        push(
            0,
            format!("service {s} ({})", svc.kind),
            FormKind::Service,
            "",
            s,
        );
        for (i, pe) in svc.private_endpoints.iter().enumerate() {
            push(
                1,
                format!("private endpoint {} in {}", pe.group.value, pe.subnet.value),
                FormKind::PrivateEndpoint,
                s,
                &i.to_string(),
            );
        }
    }
    if let Some(dns) = &f.dns {
        for (z, zone) in &dns.private_zones {
            let links: Vec<&str> = zone.links.iter().map(|l| l.value.as_str()).collect();
            push(
                0,
                format!("DNS zone {z} → {}", links.join(", ")),
                FormKind::Zone,
                "",
                z,
            );
        }
    }
    for a in f.asgs.keys() {
        push(0, format!("ASG {a}"), FormKind::Asg, "", a);
    }
    for (n, fw) in &f.firewalls {
        push(
            0,
            format!("firewall {n} ({}) in {}", fw.kind, fw.subnet.value),
            FormKind::Firewall,
            "",
            n,
        );
    }
    for (g, gw) in &f.gateways {
        push(
            0,
            format!("gateway {g} in {}", gw.vnet.value),
            FormKind::Gateway,
            "",
            g,
        );
        for (s, site) in &gw.sites {
            let p: Vec<String> = site
                .prefixes
                .iter()
                .map(|c| c.value.0.to_string())
                .collect();
            push(
                1,
                format!("site {s} ({})", p.join(", ")),
                FormKind::Site,
                g,
                s,
            );
        }
    }
    for (c, cd) in &f.clients {
        push(
            0,
            format!("client {c} ({})", cd.kind),
            FormKind::Client,
            "",
            c,
        );
    }
    for (n, fd) in &f.front_doors {
        push(0, format!("Front Door {n}"), FormKind::FrontDoor, "", n);
        for (i, o) in fd.origins.iter().enumerate() {
            let how = if o.private_link == Some(true) {
                "Private Link"
            } else {
                "public"
            };
            push(
                1,
                format!("origin {} ({how})", o.host.value),
                FormKind::FrontDoorOrigin,
                n,
                &i.to_string(),
            );
        }
    }
    for (i, e) in f.expect.iter().enumerate() {
        push(
            0,
            format!("expectation {} ({})", e.name, e.verdict),
            FormKind::Expectation,
            "",
            &i.to_string(),
        );
    }
    out
}
