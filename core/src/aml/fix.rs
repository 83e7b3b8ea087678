//! The smallest fix of a broken required flow: a specific rule, route, zone link or private
//! endpoint proposed from the hop that failed, then proven by rebuilding the edited design and
//! tracing the flow again. Removal edits from [`crate::whatif::single_edits`] are the fallback.

use super::flows::{RequiredFlow, Stage, judge, run};
use crate::format::{
    Access, CollectionKind, Direction, FirewallKind, FirewallRuleDef, FwAction, NextHopType,
    NsgRuleDef, OneOrMany, Port, Pos, RouteDef, RuleCollectionDef, RuleCollectionGroupDef,
    RuleProtocol, Spanned, TopologyFile,
};
use crate::model::{BuildOptions, Design};
use crate::net::{PortRange, Protocol};
use crate::trace::{Step, Trace, Verdict};
use crate::whatif::{Edit, single_edits};
use serde::Serialize;

/// A change that makes a broken flow work.
#[derive(Clone, Debug, Serialize)]
pub struct Fix {
    /// The change, in words (the rule, route, link or setting).
    pub change: String,
    /// Whether re-tracing the edited design proved the flow then works.
    pub verified: bool,
}

fn s(v: &str) -> Spanned<String> {
    Spanned::new(v.to_string())
}

fn rule_protocol(p: Protocol) -> RuleProtocol {
    match p {
        Protocol::Tcp => RuleProtocol::Tcp,
        Protocol::Udp => RuleProtocol::Udp,
        Protocol::Icmp => RuleProtocol::Icmp,
        _ => RuleProtocol::Any,
    }
}

/// The address a fix names for one end of the flow: the tag for `service:TAG`, the source's
/// subnet prefix for a NIC, the packet's address otherwise.
fn side(d: &Design, name: &str, ip: std::net::Ipv4Addr, subnet_of_source: bool) -> String {
    if let Some(tag) = name.strip_prefix("service:") {
        return tag.to_string();
    }
    if subnet_of_source && let Some(sid) = d.subnet_containing(ip) {
        return d.subnets[sid.ix()].prefix.to_string();
    }
    format!("{ip}/32")
}

struct Candidate {
    change: String,
    file: TopologyFile,
}

fn candidates(d: &Design, f: &RequiredFlow, t: &Trace) -> Vec<Candidate> {
    let mut out = Vec::new();
    let base = &d.file;
    let src_name = &f.from;
    // 1. DNS: link the private zones of the destination's private endpoint to the source VNet.
    if let (Some((svc, group)), Some(sub)) = (f.to.split_once(':'), d.subnet_containing(t.flow.src))
        && let Some(sid) = d.service_by_name(svc)
    {
        let vnet = &d.vnets[d.subnets[sub.ix()].vnet.ix()].name;
        let mut zones: Vec<String> = Vec::new();
        for p in &d.services[sid.ix()].private_endpoints {
            let pe = &d.private_endpoints[p.ix()];
            if !pe.group.eq_ignore_ascii_case(group) {
                continue;
            }
            for z in &pe.zones {
                let zone = &d.zones[z.ix()];
                if !zone.links.iter().any(|l| &d.vnets[l.ix()].name == vnet)
                    && !zones.contains(&zone.name)
                {
                    zones.push(zone.name.clone());
                }
            }
        }
        if !zones.is_empty() {
            let mut file = base.clone();
            if let Some(dns) = file.dns.as_mut() {
                for z in &zones {
                    if let Some(zd) = dns.private_zones.get_mut(z) {
                        zd.links.push(s(vnet));
                    }
                }
            }
            out.push(Candidate {
                change: format!("link private DNS zone {} to VNet {vnet}", zones.join(", ")),
                file,
            });
        }
    }
    let failed = t.hops.iter().find(|h| !h.ok);
    // 2. An NSG denied it: an allow rule just above the deny.
    if let (Verdict::Denied { by }, Some(h)) = (&t.verdict, failed)
        && let (Some(rest), true) = (
            by.strip_prefix("NSG "),
            matches!(h.step, Step::NsgInbound | Step::NsgOutbound),
        )
    {
        let nsg = rest.split(" rule ").next().unwrap_or_default().to_string();
        let dir = if h.step == Step::NsgInbound {
            Direction::Inbound
        } else {
            Direction::Outbound
        };
        if let Some(n) = d.nsgs.iter().find(|n| n.name == nsg)
            && base.nsgs.contains_key(&nsg)
        {
            let rules = n.rules(dir);
            let deny_prio = rules
                .iter()
                .find(|r| {
                    h.detail.contains(&format!("by {} ", r.name))
                        || h.detail.contains(&format!("by {}(", r.name))
                })
                .map(|r| r.priority)
                .unwrap_or(4097)
                .min(4097);
            let used = |p: u32| rules.iter().any(|r| r.priority == p && !r.is_default);
            let prio = (100..deny_prio).rev().find(|p| !used(*p));
            if let Some(prio) = prio {
                let source = side(d, src_name, t.flow.src, true);
                let destination = if dir == Direction::Inbound && !f.to.starts_with("service:") {
                    "*".to_string()
                } else {
                    side(d, &f.to, t.flow.dst, false)
                };
                let name = format!("allow-aml-{}-{}", f.protocol, f.port);
                let mut file = base.clone();
                let rule = NsgRuleDef {
                    name: s(&name),
                    priority: Spanned::new(prio),
                    direction: dir,
                    access: Access::Allow,
                    protocol: Some(rule_protocol(f.protocol)),
                    source: Some(OneOrMany(vec![s(&source)])),
                    source_ports: None,
                    destination: Some(OneOrMany(vec![s(&destination)])),
                    destination_ports: Some(OneOrMany(vec![Spanned::new(Port(
                        PortRange::single(f.port),
                    ))])),
                    description: Some("added by vnetlab audit: required Azure ML flow".into()),
                    pos: Pos::default(),
                };
                file.nsgs.get_mut(&nsg).expect("exists").rules.push(rule);
                out.push(Candidate {
                            change: format!(
                                "add NSG rule {nsg}/{name}: priority {prio}, {dir} allow {} from {source} to {destination} port {}",
                                f.protocol, f.port
                            ),
                            file,
                        });
            }
        }
    }
    // 3. A firewall denied it: an allow rule in a new rule collection group.
    if let Some(h) = failed.filter(|h| h.step == Step::Firewall)
        && let Some(fw) = d
            .firewalls
            .iter()
            .find(|x| x.name == h.at && x.kind == FirewallKind::AzureFirewall)
    {
        let source = side(d, src_name, t.flow.src, true);
        let is_fqdn = !f.to.contains(':')
            && f.to.contains('.')
            && f.to.parse::<std::net::Ipv4Addr>().is_err();
        let (kind, rule, what) = if is_fqdn {
            (
                CollectionKind::Application,
                FirewallRuleDef {
                    name: "allow-aml-fqdn".into(),
                    source: Some(OneOrMany(vec![s(&source)])),
                    destination: None,
                    destination_fqdns: Vec::new(),
                    source_ip_groups: Vec::new(),
                    destination_ip_groups: Vec::new(),
                    protocol: None,
                    destination_ports: None,
                    fqdns: vec![s(&f.to)],
                    protocols: vec![s(&format!("https:{}", f.port))],
                    translated_address: None,
                    translated_port: None,
                    pos: Pos::default(),
                },
                format!(
                    "application rule allowing {source} to {} (https:{})",
                    f.to, f.port
                ),
            )
        } else {
            let dest = side(d, &f.to, t.flow.dst, false);
            (
                CollectionKind::Network,
                FirewallRuleDef {
                    name: "allow-aml-required".into(),
                    source: Some(OneOrMany(vec![s(&source)])),
                    destination: Some(OneOrMany(vec![s(&dest)])),
                    destination_fqdns: Vec::new(),
                    source_ip_groups: Vec::new(),
                    destination_ip_groups: Vec::new(),
                    protocol: Some(rule_protocol(f.protocol)),
                    destination_ports: Some(OneOrMany(vec![Spanned::new(Port(
                        PortRange::single(f.port),
                    ))])),
                    fqdns: Vec::new(),
                    protocols: Vec::new(),
                    translated_address: None,
                    translated_port: None,
                    pos: Pos::default(),
                },
                format!(
                    "network rule allowing {} {source} → {dest} port {}",
                    f.protocol, f.port
                ),
            )
        };
        let mut file = base.clone();
        if let Some(fd) = file.firewalls.get_mut(&fw.name) {
            fd.rule_collection_groups.push(RuleCollectionGroupDef {
                name: "vnetlab-fix".into(),
                from_parent_policy: None,
                priority: Spanned::new(64900),
                collections: vec![RuleCollectionDef {
                    name: "aml-required".into(),
                    kind,
                    priority: Spanned::new(100),
                    action: Some(FwAction::Allow),
                    rules: vec![rule],
                    pos: Pos::default(),
                }],
                pos: Pos::default(),
            });
            out.push(Candidate {
                change: format!("add to firewall {} an {what}", fw.name),
                file,
            });
        }
    }
    // 4. The reply misses an appliance the request crossed: source NAT on it brings the reply
    //    back (P17) — enabling NAT on the accepting FortiGate policy, or SNAT on an NVA —
    //    rather than taking the appliance off the path.
    if matches!(&t.verdict, Verdict::Dropped { reason } if reason.contains("asymmetric")) {
        for h in t.hops.iter().filter(|h| h.ok && h.step == Step::Firewall) {
            let Some(fw) = d.firewalls.iter().find(|fw| fw.name == h.at) else {
                continue;
            };
            let mut file = base.clone();
            let Some(def) = file.firewalls.get_mut(&fw.name) else {
                continue;
            };
            let change = match fw.kind {
                crate::format::FirewallKind::Fortigate => {
                    let rule = h.detail.split(':').next().unwrap_or_default();
                    let Some(p) = def.policies.iter_mut().find(|p| p.name == rule) else {
                        continue;
                    };
                    if p.nat == Some(true) {
                        continue;
                    }
                    p.nat = Some(true);
                    format!(
                        "enable NAT on FortiGate {} policy {rule} (`nat: true`: the reply returns to the FortiGate, P17)",
                        fw.name
                    )
                }
                crate::format::FirewallKind::Nva if !fw.snat => {
                    def.snat = Some(true);
                    format!(
                        "set `snat: true` on NVA {} (the reply returns to it, P17)",
                        fw.name
                    )
                }
                _ => continue,
            };
            out.push(Candidate { change, file });
        }
    }
    // 5. Azure ML's inbound to a public-IP compute returns through a firewall: the
    //    AzureMachineLearning → Internet route of E1/F5.
    if matches!(&t.verdict, Verdict::Dropped { reason } if reason.contains("asymmetric"))
        && f.stage == Stage::ComputeInbound
        && let Some(w) = d.workload_by_name(&f.to)
    {
        let sub = &d.subnets[d.workloads[w.ix()].subnet.ix()];
        let (v, sn) = sub.name.split_once('/').unwrap_or_default();
        let rt = base
            .vnets
            .get(v)
            .and_then(|x| x.subnets.get(sn))
            .and_then(|x| x.route_table.clone());
        if let Some(rt) = rt {
            let tag = f.from.trim_start_matches("service:").to_string();
            let mut file = base.clone();
            if let Some(t) = file.route_tables.get_mut(&rt.value) {
                t.routes.push(RouteDef {
                    name: s(&format!("{}-direct", tag.to_ascii_lowercase())),
                    prefix: s(&tag),
                    next_hop: NextHopType::Internet,
                    next_hop_ip: None,
                    pos: Pos::default(),
                });
                out.push(Candidate {
                        change: format!("add route {tag} → Internet to route table {} (the inbound from Azure ML skips the firewall, E1/F5)", rt.value),
                        file,
                    });
            }
        }
    }
    // 6. Lost in a private subnet: a NAT gateway gives it explicit outbound connectivity (S1).
    if let Some((change, file)) = super::egress_fix::nat_gateway(d, t) {
        out.push(Candidate { change, file });
    }
    out
}

fn works_in(file: &TopologyFile, d: &Design, f: &RequiredFlow) -> bool {
    let loaded = crate::rebuild(
        &d.name,
        file,
        &BuildOptions {
            tags: d.tags.clone(),
        },
    );
    let Some(d2) = loaded.design else {
        return false;
    };
    run(&d2, f).is_some_and(|t| judge(&d2, f, &t).0)
}

/// The smallest change found that makes `f` work in `d`, proven by re-tracing; `None` when no
/// single change was found.
pub fn search(d: &Design, f: &RequiredFlow) -> Option<Fix> {
    let t = run(d, f)?;
    for c in candidates(d, f, &t) {
        if works_in(&c.file, d, f) {
            return Some(Fix {
                change: c.change,
                verified: true,
            });
        }
    }
    // Fallback: one removal (a deny rule, a route) from the what-if edits.
    for e in single_edits(&d.file) {
        let keep = match &e {
            Edit::RemoveNsgRule { nsg, rule } => d
                .nsgs
                .iter()
                .find(|n| &n.name == nsg)
                .and_then(|n| {
                    n.inbound
                        .iter()
                        .chain(&n.outbound)
                        .find(|r| &r.name == rule)
                })
                .is_some_and(|r| r.access == Access::Deny),
            Edit::RemoveRoute { .. } => true,
            _ => false,
        };
        if !keep {
            continue;
        }
        if let Ok(file) = e.apply(&d.file)
            && works_in(&file, d, f)
        {
            return Some(Fix {
                change: e.describe(),
                verified: true,
            });
        }
    }
    None
}
