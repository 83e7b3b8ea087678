//! The smallest fix of a broken required flow: a specific rule, route, zone link or private
//! endpoint proposed from the hop that failed, then proven by rebuilding the edited design and
//! tracing the flow again. Removal edits from [`crate::whatif::single_edits`] are the fallback.
//!
//! The fixes of one audit compose: they are searched one after the other on a [`Plan`], the
//! design with every earlier fix applied, so each new rule takes a name and a priority no earlier
//! fix took, and a flow an earlier fix already repairs says so instead of adding a rule again.
//! Applying all of a report's patches in order gives a valid design in which they all work.

use super::flows::{RequiredFlow, Stage, judge, run};
use crate::format::{
    Access, CollectionKind, Direction, FirewallKind, FirewallRuleDef, FwAction, NextHopType,
    NsgRuleDef, OneOrMany, Port, Pos, RouteDef, RuleCollectionDef, RuleProtocol, Spanned,
    TopologyFile,
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
    /// The change as an edit of the file, applied after the audit's earlier fixes; `None` when
    /// an earlier fix already makes the flow work.
    #[serde(skip)]
    pub patch: Option<Patch>,
}

use super::patch::FIX_GROUP;
pub use super::patch::Patch;

/// The design as the audit's fixes so far leave it: the next fix is searched on it.
#[derive(Clone, Debug)]
pub struct Plan<'d> {
    /// Borrowed from the design until the first fix (an audit with no broken flow, the usual
    /// case, copies nothing).
    file: std::borrow::Cow<'d, TopologyFile>,
    /// The fixes so far, in order: (change, patch).
    applied: Vec<(String, Patch)>,
}

impl<'d> Plan<'d> {
    /// A plan with no fix yet.
    pub fn new(d: &'d Design) -> Self {
        Self {
            file: std::borrow::Cow::Borrowed(&d.file),
            applied: Vec::new(),
        }
    }

    /// The file with every fix so far applied.
    pub fn file(&self) -> &TopologyFile {
        &self.file
    }
}

/// A rule name not taken in `n`, from `want` (Azure: unique in the NSG, at most 80 characters,
/// word characters, `.`, `-` and `_`, ending with a word character).
fn free_rule_name(n: &crate::format::NsgDef, want: &str) -> String {
    let mut base: String = want
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    base.truncate(72);
    let base = base.trim_end_matches('-').to_string();
    let taken = |name: &str| {
        n.rules
            .iter()
            .any(|r| r.name.value.eq_ignore_ascii_case(name))
    };
    (1..)
        .map(|i| {
            if i == 1 {
                base.clone()
            } else {
                format!("{base}-{i}")
            }
        })
        .find(|name| !taken(name))
        .expect("some suffix is free")
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
        // The prefix holding the source (a subnet may have several, S11).
        let s = &d.subnets[sid.ix()];
        return s.prefix_of(ip).unwrap_or(s.prefix).to_string();
    }
    format!("{ip}/32")
}

struct Candidate {
    change: String,
    patch: Patch,
}

fn candidates(d: &Design, f: &RequiredFlow, t: &Trace, base: &TopologyFile) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = super::setting_patch::candidates(d, f)
        .into_iter()
        .map(|(change, patch)| Candidate { change, patch })
        .collect();
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
            out.push(Candidate {
                change: format!("link private DNS zone {} to VNet {vnet}", zones.join(", ")),
                patch: Patch::ZoneLinks {
                    zones,
                    vnet: vnet.clone(),
                },
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
        if let (Some(n), Some(ndef)) = (d.nsgs.iter().find(|n| n.name == nsg), base.nsgs.get(&nsg))
        {
            // The deciding rule, by name; its priority as the earlier fixes left it.
            let decider = n.rules(dir).iter().find(|r| {
                h.detail.contains(&format!("by {} ", r.name))
                    || h.detail.contains(&format!("by {}(", r.name))
            });
            let deny_prio = decider
                .and_then(|r| {
                    ndef.rules
                        .iter()
                        .find(|x| x.direction == dir && x.name.value.eq_ignore_ascii_case(&r.name))
                })
                .map(|r| r.priority.value)
                .unwrap_or(4097)
                .min(4097);
            let used = |p: u32| {
                ndef.rules
                    .iter()
                    .any(|r| r.direction == dir && r.priority.value == p)
            };
            // Just above the deny when a priority is free there; otherwise (a deny at 100, or
            // every number above it taken) the new rule takes the deny's priority and the deny
            // and the rules right after it move down one each.
            let placed = match (100..deny_prio).rev().find(|p| !used(*p)) {
                Some(p) => Some((p, Vec::new())),
                None if deny_prio <= 4096 => {
                    let mut moves = Vec::new();
                    let mut p = deny_prio;
                    while let Some(r) = ndef
                        .rules
                        .iter()
                        .find(|r| r.direction == dir && r.priority.value == p)
                    {
                        moves.push((r.name.value.clone(), p + 1));
                        p += 1;
                    }
                    (p <= 4096).then_some((deny_prio, moves))
                }
                None => None,
            };
            if let Some((prio, renumber)) = placed {
                let source = side(d, src_name, t.flow.src, true);
                let destination = if dir == Direction::Inbound && !f.to.starts_with("service:") {
                    "*".to_string()
                } else {
                    side(d, &f.to, t.flow.dst, false)
                };
                let target = if destination == "*" {
                    f.to.trim_start_matches("service:").to_string()
                } else {
                    destination.clone()
                };
                let name = free_rule_name(
                    ndef,
                    &format!("allow-aml-{target}-{}-{}", f.protocol, f.port),
                );
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
                let moved: Vec<String> = renumber
                    .iter()
                    .map(|(r, p)| format!("{r} to {p}"))
                    .collect();
                out.push(Candidate {
                    change: format!(
                        "add NSG rule {nsg}/{name}: priority {prio}, {dir} allow {} from {source} to {destination} port {}{}",
                        f.protocol,
                        f.port,
                        if moved.is_empty() {
                            String::new()
                        } else {
                            format!(" (moving {} to make room)", moved.join(", "))
                        }
                    ),
                    patch: Patch::NsgRule {
                        nsg: nsg.clone(),
                        rule,
                        renumber,
                    },
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
                    fqdn_tags: Vec::new(),
                    translated_address: None,
                    translated_port: None,
                    translated_fqdn: None,
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
                    fqdn_tags: Vec::new(),
                    translated_address: None,
                    translated_port: None,
                    translated_fqdn: None,
                    pos: Pos::default(),
                },
                format!(
                    "network rule allowing {} {source} → {dest} port {}",
                    f.protocol, f.port
                ),
            )
        };
        if let Some(fd) = base.firewalls.get(&fw.name) {
            let k = fd
                .rule_collection_groups
                .iter()
                .find(|g| g.name == FIX_GROUP)
                .map_or(0, |g| g.collections.len());
            out.push(Candidate {
                change: format!("add to firewall {} an {what}", fw.name),
                patch: Patch::FirewallCollection {
                    firewall: fw.name.clone(),
                    collection: RuleCollectionDef {
                        name: format!("aml-required-{}", k + 1),
                        kind,
                        priority: Spanned::new(100 + k as u32),
                        action: Some(FwAction::Allow),
                        rules: vec![rule],
                        pos: Pos::default(),
                    },
                },
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
            let Some(def) = base.firewalls.get(&fw.name) else {
                continue;
            };
            let (change, policy) = match fw.kind {
                crate::format::FirewallKind::Fortigate => {
                    let rule = h.detail.split(':').next().unwrap_or_default();
                    if !def
                        .policies
                        .iter()
                        .any(|p| p.name == rule && p.nat != Some(true))
                    {
                        continue;
                    }
                    (
                        format!(
                            "enable NAT on FortiGate {} policy {rule} (`nat: true`: the reply returns to the FortiGate, P17)",
                            fw.name
                        ),
                        Some(rule.to_string()),
                    )
                }
                crate::format::FirewallKind::Nva if !fw.snat => (
                    format!(
                        "set `snat: true` on NVA {} (the reply returns to it, P17)",
                        fw.name
                    ),
                    None,
                ),
                _ => continue,
            };
            out.push(Candidate {
                change,
                patch: Patch::SourceNat {
                    firewall: fw.name.clone(),
                    policy,
                },
            });
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
            let name = format!("{}-direct", tag.to_ascii_lowercase());
            let exists = base
                .route_tables
                .get(&rt.value)
                .is_some_and(|t| t.routes.iter().any(|r| r.name.value == name));
            if !exists {
                out.push(Candidate {
                    change: format!("add route {tag} → Internet to route table {} (the inbound from Azure ML skips the firewall, E1/F5)", rt.value),
                    patch: Patch::Route {
                        table: rt.value.clone(),
                        route: RouteDef {
                            name: s(&name),
                            prefix: s(&tag),
                            next_hop: NextHopType::Internet,
                            next_hop_ip: None,
                            pos: Pos::default(),
                        },
                    },
                });
            }
        }
    }
    // 6. Lost in a private subnet: a NAT gateway gives it explicit outbound connectivity (S1).
    if let Some((change, patch)) = super::egress_fix::nat_gateway(d, t, base) {
        out.push(Candidate { change, patch });
    }
    // Last: peering, when the destination is in another VNet of the design that the source's
    // VNet is not peered with and neither subnet has a route table (Microsoft's placement limits
    // accept a dependency's private endpoint, or an AKS cluster, in a peered VNet: D5, E6). A
    // design that routes between VNets (hub and spoke through a firewall) is never offered a
    // peering that would bypass its appliance. Re-tracing proves it (overlapping address
    // spaces make the edited design invalid, so the candidate fails).
    if let (Some(sa), Some(sb)) = (
        d.subnet_containing(t.flow.src),
        d.subnet_containing(t.flow.dst),
    ) && d.subnets[sa.ix()].route_table.is_none()
        && d.subnets[sb.ix()].route_table.is_none()
    {
        let (a, b) = (d.subnets[sa.ix()].vnet, d.subnets[sb.ix()].vnet);
        if a != b && !d.peerings.iter().any(|p| p.local == a && p.remote == b) {
            let (an, bn) = (&d.vnets[a.ix()].name, &d.vnets[b.ix()].name);
            out.push(Candidate {
                change: format!("peer VNet {an} with VNet {bn}"),
                patch: Patch::Peering {
                    between: [an.clone(), bn.clone()],
                },
            });
        }
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

/// The smallest change found that makes `f` work in `d` after the plan's earlier fixes, proven
/// by re-tracing; the plan then includes it. `None` when no single change was found.
pub fn search(d: &Design, f: &RequiredFlow, plan: &mut Plan<'_>) -> Option<Fix> {
    let t = run(d, f)?;
    if !plan.applied.is_empty() && works_in(&plan.file, d, f) {
        // Name the earlier fix that does it, when one alone does.
        let alone = plan.applied.iter().find(|(_, p)| {
            let mut file = d.file.clone();
            p.apply(&mut file).is_ok() && works_in(&file, d, f)
        });
        let change = match alone {
            Some((c, _)) => format!("{c} (proposed above; it makes this flow work too)"),
            None => format!(
                "the fixes above together make this flow work: {}",
                plan.applied
                    .iter()
                    .map(|(c, _)| c.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        return Some(Fix {
            change,
            verified: true,
            patch: None,
        });
    }
    let mut found = None;
    for c in candidates(d, f, &t, &plan.file) {
        let mut file = plan.file.as_ref().clone();
        if c.patch.apply(&mut file).is_ok() && works_in(&file, d, f) {
            found = Some((c.change, c.patch, file));
            break;
        }
    }
    if found.is_none() {
        // Fallback: one removal (a deny rule, a route) from the what-if edits.
        for e in single_edits(&plan.file) {
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
            if let Ok(file) = e.apply(&plan.file)
                && works_in(&file, d, f)
            {
                found = Some((e.describe(), Patch::Edit(e), file));
                break;
            }
        }
    }
    let (change, patch, file) = found?;
    plan.file = std::borrow::Cow::Owned(file);
    plan.applied.push((change.clone(), patch.clone()));
    Some(Fix {
        change,
        verified: true,
        patch: Some(patch),
    })
}
