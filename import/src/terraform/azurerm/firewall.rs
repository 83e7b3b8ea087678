//! Azure Firewall: the firewall, its classic rule collections (one implicit group), firewall
//! policies with their rule collection groups (a base policy's groups first), IP groups
//! expanded to their CIDRs.

use super::{Attrs, Mapper, record};
use crate::arm::map::range_cidrs;
use crate::emit::Namespace;
use crate::report::{Outcome, Source};
use serde_json::{Value as J, json};
use std::collections::BTreeMap;
use vnetlab_core::format::{FirewallDef, RuleCollectionDef};
use vnetlab_core::net::parse_ipv4;

/// A policy's groups and settings.
#[derive(Default)]
struct Policy {
    groups: Vec<(u64, J)>,
    dns_proxy: Option<bool>,
    base: Option<String>,
}

/// Firewalls, their policies and classic collections.
pub fn map(m: &mut Mapper) {
    let ip_groups: BTreeMap<String, Vec<String>> = m
        .insts
        .iter()
        .filter(|i| i.rtype == "azurerm_ip_group")
        .filter_map(|i| {
            let a = Attrs(&i.attrs);
            Some((a.s("id")?.to_ascii_lowercase(), a.strs("cidrs")))
        })
        .collect();
    let mut policies: BTreeMap<String, Policy> = BTreeMap::new();
    for inst in m.take("azurerm_firewall_policy") {
        let a = Attrs(&inst.attrs);
        let Some(id) = a.s("id") else { continue };
        let p = policies.entry(id.to_ascii_lowercase()).or_default();
        p.dns_proxy = a.block("dns").and_then(|d| d.b("proxy_enabled"));
        p.base = a.s("base_policy_id").map(str::to_ascii_lowercase);
        m.drop_args(
            inst,
            a,
            &[
                ("intrusion_detection", "IDPS has no counterpart"),
                ("tls_certificate", "TLS inspection has no counterpart"),
                (
                    "threat_intelligence_mode",
                    "threat intelligence has no counterpart",
                ),
            ],
        );
    }
    for inst in m.take("azurerm_firewall_policy_rule_collection_group") {
        let a = Attrs(&inst.attrs);
        let Some(pid) = a.s("firewall_policy_id") else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                "no firewall_policy_id; left out",
            );
            continue;
        };
        let Some(p) = policies.get_mut(&pid.to_ascii_lowercase()) else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "firewall_policy_id",
                format!("`{pid}` names no firewall policy of the configuration; left out"),
            );
            continue;
        };
        let mut collections = Vec::new();
        for (block, kind) in [
            ("nat_rule_collection", "dnat"),
            ("network_rule_collection", "network"),
            ("application_rule_collection", "application"),
        ] {
            for c in a.blocks(block) {
                collections.extend(collection(m, &inst.source, c, kind, &ip_groups));
            }
        }
        let priority = a.n("priority").unwrap_or(0);
        let name = a.s("name").unwrap_or("group");
        p.groups.push((
            priority,
            json!({ "name": name, "priority": priority, "collections": collections }),
        ));
    }
    let classic = classic_collections(m, &ip_groups);
    for inst in m.take("azurerm_firewall") {
        let a = Attrs(&inst.attrs);
        if a.s("sku_name").is_some_and(|s| s != "AZFW_VNet") {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "sku_name",
                "a Virtual WAN hub firewall has no counterpart; left out",
            );
            continue;
        }
        let name = m.name_for(Namespace::Endpoint, inst);
        let cfgs = a.blocks("ip_configuration");
        let Some(cfg) = cfgs.iter().find(|c| c.present("subnet_id")) else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_firewall",
                "no ip_configuration with a subnet_id; left out",
            );
            continue;
        };
        let Some(subnet) = m.lookup(
            "subnet",
            cfg.s("subnet_id").unwrap_or(""),
            &inst.source,
            "ip_configuration.subnet_id",
        ) else {
            continue;
        };
        let mut def = json!({ "kind": "azure_firewall", "subnet": subnet });
        if let Some(ip) = cfg.s("private_ip_address") {
            def["private_ip"] = json!(ip);
        }
        if let Some(pip) = cfgs.iter().find_map(|c| c.s("public_ip_address_id")) {
            def["public_ip"] = json!("standard");
            if let Some(addr) = m
                .resolve(pip)
                .and_then(|p| Attrs(&p.attrs).s("ip_address").map(str::to_string))
            {
                def["public_ip_address"] = json!(addr);
            }
        }
        let mut groups: Vec<J> = Vec::new();
        if let Some(pid) = a.s("firewall_policy_id") {
            let pid = pid.to_ascii_lowercase();
            match policies.get(&pid) {
                Some(p) => {
                    if let Some(base) = p.base.as_ref().and_then(|b| policies.get(b)) {
                        for (_, g) in sorted(&base.groups) {
                            let mut g = g.clone();
                            g["from_parent_policy"] = json!(true);
                            groups.push(g);
                        }
                    }
                    groups.extend(sorted(&p.groups).into_iter().map(|(_, g)| g.clone()));
                    if let Some(d) = p.dns_proxy {
                        def["dns_proxy"] = json!(d);
                    }
                }
                None => m.note(
                    &inst.source,
                    Outcome::Dropped,
                    "firewall_policy_id",
                    format!("`{pid}` names no firewall policy of the configuration"),
                ),
            }
        }
        let fw_name = a.s("name").unwrap_or("").to_ascii_lowercase();
        if let Some(cols) = classic.get(&fw_name) {
            if !groups.is_empty() {
                m.note(&inst.source, Outcome::Approximated, "azurerm_firewall", "classic rule collections and a policy on one firewall: Azure refuses this; both are kept");
            }
            groups.push(json!({ "name": "classic", "priority": 100, "collections": cols }));
            m.note(
                &inst.source,
                Outcome::Approximated,
                "classic rule collections",
                "classic rule collections become one rule collection group `classic` (priority 100)",
            );
        }
        if a.present("dns_servers") && def.get("dns_proxy").is_none() {
            m.note(
                &inst.source,
                Outcome::Approximated,
                "dns_servers",
                "custom DNS servers of the firewall are not modelled; the DNS proxy is on",
            );
            def["dns_proxy"] = json!(true);
        }
        if !groups.is_empty() {
            def["rule_collection_groups"] = J::Array(groups);
        }
        match record::<FirewallDef>(def) {
            Ok(d) => {
                m.b.firewall(&name, d, &inst.source);
                m.register("firewall", inst, &name);
            }
            Err(e) => m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_firewall",
                format!("left out: {e}"),
            ),
        }
    }
}

fn sorted(groups: &[(u64, J)]) -> Vec<&(u64, J)> {
    let mut g: Vec<&(u64, J)> = groups.iter().collect();
    g.sort_by_key(|(p, _)| *p);
    g
}

/// `azurerm_firewall_*_rule_collection` by firewall name (lower case).
fn classic_collections(
    m: &mut Mapper,
    ip_groups: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, Vec<J>> {
    let mut out: BTreeMap<String, Vec<J>> = BTreeMap::new();
    for (rtype, kind) in [
        ("azurerm_firewall_nat_rule_collection", "dnat"),
        ("azurerm_firewall_network_rule_collection", "network"),
        (
            "azurerm_firewall_application_rule_collection",
            "application",
        ),
    ] {
        for inst in m.take(rtype) {
            let a = Attrs(&inst.attrs);
            let Some(fw) = a.s("azure_firewall_name") else {
                m.note(
                    &inst.source,
                    Outcome::Dropped,
                    &inst.rtype,
                    "no azure_firewall_name; left out",
                );
                continue;
            };
            let cols = collection(m, &inst.source, a, kind, ip_groups);
            out.entry(fw.to_ascii_lowercase()).or_default().extend(cols);
        }
    }
    out
}

/// Addresses and IP groups of one side of a rule; a range `a-b` becomes the CIDRs covering
/// exactly it (as the ARM importer does).
fn addrs(
    m: &mut Mapper,
    src: &Source,
    r: Attrs,
    keys: &[&str],
    groups_key: &str,
    ip_groups: &BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for k in keys {
        for s in r.strs(k) {
            let Some((lo, hi)) = s.split_once('-') else {
                out.push(s);
                continue;
            };
            match (parse_ipv4(lo.trim()), parse_ipv4(hi.trim())) {
                (Some(lo), Some(hi)) if lo <= hi => {
                    out.extend(range_cidrs(lo, hi).iter().map(|n| n.to_string()));
                }
                _ => m.note(
                    src,
                    Outcome::Dropped,
                    k,
                    format!("`{s}` is not an address range; left out of the rule"),
                ),
            }
        }
    }
    for id in r.strs(groups_key) {
        match ip_groups.get(&id.to_ascii_lowercase()) {
            Some(cidrs) => {
                out.extend(cidrs.iter().cloned());
                m.note(
                    src,
                    Outcome::Approximated,
                    groups_key,
                    "IP group expanded to its CIDRs",
                );
            }
            None => m.note(
                src,
                Outcome::Dropped,
                groups_key,
                format!("`{id}` names no IP group of the configuration; left out of the rule"),
            ),
        }
    }
    out
}

/// One rule collection (classic resource or a policy group's block), split where a rule has
/// several protocols (the format has one protocol per network rule).
fn collection(
    m: &mut Mapper,
    src: &Source,
    c: Attrs,
    kind: &str,
    ip_groups: &BTreeMap<String, Vec<String>>,
) -> Vec<J> {
    let name = c.s("name").unwrap_or("collection");
    let mut rules = Vec::new();
    for r in c.blocks("rule") {
        let rname = r.s("name").unwrap_or("rule");
        let source = addrs(
            m,
            src,
            r,
            &["source_addresses"],
            "source_ip_groups",
            ip_groups,
        );
        let mut base = json!({ "name": rname });
        if !source.is_empty() {
            base["source"] = json!(source);
        }
        match kind {
            "application" => {
                let mut fqdns = r.strs("target_fqdns");
                fqdns.extend(r.strs("destination_fqdns"));
                if !fqdns.is_empty() {
                    base["fqdns"] = json!(fqdns);
                }
                let mut tags = r.strs("fqdn_tags");
                tags.extend(r.strs("destination_fqdn_tags"));
                if !tags.is_empty() {
                    base["fqdn_tags"] = json!(tags);
                }
                let protocols: Vec<String> = r
                    .blocks("protocol")
                    .into_iter()
                    .chain(r.blocks("protocols"))
                    .filter_map(|p| {
                        Some(format!(
                            "{}:{}",
                            p.s("type")?.to_ascii_lowercase(),
                            p.text("port")?
                        ))
                    })
                    .collect();
                if !protocols.is_empty() {
                    base["protocols"] = json!(protocols);
                }
                for k in ["web_categories", "destination_urls", "terminate_tls"] {
                    if r.present(k) {
                        m.note(
                            src,
                            Outcome::Dropped,
                            k,
                            format!("rule `{rname}`: {k} has no counterpart"),
                        );
                    }
                }
                if fqdns.is_empty() && tags.is_empty() {
                    m.note(
                        src,
                        Outcome::Dropped,
                        "rule",
                        format!("rule `{rname}` has no FQDN the format can express; left out"),
                    );
                    continue;
                }
                rules.push(base);
            }
            _ => {
                let dest_keys: &[&str] = if kind == "dnat" {
                    &["destination_addresses", "destination_address"]
                } else {
                    &["destination_addresses"]
                };
                let dest = addrs(m, src, r, dest_keys, "destination_ip_groups", ip_groups);
                if !dest.is_empty() {
                    base["destination"] = json!(dest);
                }
                let fqdns = r.strs("destination_fqdns");
                if !fqdns.is_empty() {
                    base["destination_fqdns"] = json!(fqdns);
                }
                let ports: Vec<J> = r
                    .strs("destination_ports")
                    .into_iter()
                    .map(|p| {
                        p.parse::<u16>()
                            .map(|n| json!(n))
                            .unwrap_or_else(|_| json!(p))
                    })
                    .collect();
                if !ports.is_empty() {
                    base["destination_ports"] = J::Array(ports);
                }
                if let Some(t) = r.s("translated_address") {
                    base["translated_address"] = json!(t);
                }
                if let Some(p) = r.n("translated_port") {
                    base["translated_port"] = json!(p);
                }
                if let Some(t) = r.s("translated_fqdn") {
                    base["translated_fqdn"] = json!(t);
                }
                let mut protos: Vec<String> = r
                    .strs("protocols")
                    .iter()
                    .map(|p| p.to_ascii_lowercase())
                    .collect();
                if protos.iter().any(|p| p == "any") || protos.is_empty() {
                    protos = vec!["any".into()];
                }
                if protos.len() > 1 {
                    m.note(
                        src,
                        Outcome::Approximated,
                        "protocols",
                        format!(
                            "rule `{rname}` has {} protocols: one rule per protocol",
                            protos.len()
                        ),
                    );
                }
                let many = protos.len() > 1;
                for p in protos {
                    let mut rule = base.clone();
                    rule["protocol"] = json!(p);
                    if many {
                        rule["name"] = json!(format!("{rname}-{p}"));
                    }
                    rules.push(rule);
                }
            }
        }
    }
    let mut v = json!({ "name": name, "kind": kind, "priority": c.n("priority").unwrap_or(0), "rules": rules });
    if kind != "dnat"
        && let Some(action) = c.s("action")
    {
        v["action"] = json!(action.to_ascii_lowercase());
    }
    match record::<RuleCollectionDef>(v.clone()) {
        Ok(_) => vec![v],
        Err(e) => {
            m.note(
                src,
                Outcome::Dropped,
                "rule collection",
                format!("collection `{name}` left out: {e}"),
            );
            Vec::new()
        }
    }
}
