//! The detail of a design element selected in the tree: its settings, its effective routes or
//! security rules, and the what-if edits it offers.

use super::detail::{heading, kv};
use crate::app::analysis::Analysis;
use crate::app::model::Ready;
use crate::app::theme::Theme;
use ratatui::text::{Line, Span};
use vnetlab_core::format::Direction;
use vnetlab_core::model::{Design, SubnetId, WorkloadId};
use vnetlab_core::outline::{Item, Target};
use vnetlab_core::render;

pub(super) fn item_detail(
    t: Theme,
    r: &Ready,
    a: &Analysis,
    it: &Item,
) -> (String, Vec<Line<'static>>) {
    let d = &a.design;
    let mut lines = Vec::new();
    if it.editable() {
        let mut hint = vec![Span::styled("what-if: ", t.heading())];
        if let Some(e) = &it.toggle {
            hint.push(Span::raw(format!("Space {}", verb(e))));
        }
        if let Some(e) = &it.remove
            && it.toggle.as_ref() != Some(e)
        {
            if it.toggle.is_some() {
                hint.push(Span::raw(" · "));
            }
            hint.push(Span::raw(format!("x {}", verb(e))));
        }
        lines.push(Line::from(hint));
        if let Some(b) = r.base.outline.iter().find(|b| b.key == it.key)
            && b.label != it.label
        {
            lines.push(Line::styled(
                format!("edited: was “{}” in the file on disk", b.label.trim()),
                t.edited(),
            ));
        }
        lines.push(Line::raw(""));
    }
    let title = match &it.target {
        Target::Section => {
            lines.push(Line::raw(
                "Select an element below; Enter or ← → fold the tree.",
            ));
            it.label.clone()
        }
        Target::Vnet(v) => {
            let vn = &d.vnets[v.ix()];
            let space: Vec<String> = vn.address_space.iter().map(|n| n.to_string()).collect();
            lines.push(kv(t, "address space", space.join(", ")));
            lines.push(kv(t, "region", vn.region.clone()));
            lines.push(kv(
                t,
                "DNS",
                if vn.dns_servers.is_empty() {
                    "Azure-provided (168.63.129.16)".to_string()
                } else {
                    list(vn.dns_servers.iter())
                },
            ));
            let peers: Vec<String> = d
                .peerings
                .iter()
                .filter(|p| p.local == *v)
                .map(|p| d.vnets[p.remote.ix()].name.clone())
                .collect();
            lines.push(kv(t, "peered with", none_or(peers.join(", "))));
            format!("VNet {}", vn.name)
        }
        Target::Subnet(s) => {
            subnet_lines(t, d, *s, &mut lines);
            format!("Subnet {}", d.subnets[s.ix()].name)
        }
        Target::Workload(w) => {
            workload_lines(t, d, *w, &mut lines);
            format!("Workload {}", d.workloads[w.ix()].name)
        }
        Target::Firewall(f) => {
            let fw = &d.firewalls[f.ix()];
            lines.push(kv(t, "kind", fw.kind.to_string()));
            lines.push(kv(t, "subnet", d.subnets[fw.subnet.ix()].name.clone()));
            lines.push(kv(t, "private IP", fw.ip.to_string()));
            lines.push(kv(
                t,
                "public IP",
                fw.public_ip.map_or("none".into(), |i| i.to_string()),
            ));
            lines.push(kv(t, "stateful", yes(fw.stateful)));
            lines.push(kv(t, "DNS proxy", yes(fw.dns_proxy)));
            for c in &fw.collections {
                lines.push(Line::raw(format!(
                    "  {} {} ({} {}/{}, {} rules)",
                    c.kind,
                    c.name,
                    c.action,
                    c.group_priority,
                    c.priority,
                    c.rules.len()
                )));
            }
            for p in &fw.policies {
                lines.push(Line::raw(format!("  policy {} {}", p.name, p.action)));
            }
            format!("Firewall {}", fw.name)
        }
        Target::Gateway(g) => {
            let gw = &d.gateways[g.ix()];
            lines.push(kv(t, "kind", gw.kind.to_string()));
            lines.push(kv(t, "IP", gw.ip.to_string()));
            let sites: Vec<String> = gw
                .sites
                .iter()
                .map(|s| {
                    let site = &d.sites[s.ix()];
                    format!("{} ({})", site.name, list(site.prefixes.iter()))
                })
                .collect();
            lines.push(kv(t, "sites", none_or(sites.join(", "))));
            format!("Gateway {}", gw.name)
        }
        Target::PrivateEndpoint(p) => {
            let pe = &d.private_endpoints[p.ix()];
            lines.push(kv(t, "service", d.services[pe.service.ix()].name.clone()));
            lines.push(kv(t, "subresource", pe.group.clone()));
            lines.push(kv(t, "subnet", d.subnets[pe.subnet.ix()].name.clone()));
            lines.push(kv(t, "IP", pe.ip.to_string()));
            lines.push(kv(t, "state", pe.state.to_string()));
            let zones: Vec<String> = pe
                .zones
                .iter()
                .map(|z| d.zones[z.ix()].name.clone())
                .collect();
            lines.push(kv(t, "DNS zones", none_or(zones.join(", "))));
            format!("Private endpoint {}", pe.name)
        }
        Target::Nsg(n) => {
            let nsg = &d.nsgs[n.ix()];
            lines.push(kv(t, "applied to", none_or(nsg_users(d, *n))));
            for dir in [Direction::Inbound, Direction::Outbound] {
                lines.push(Line::raw(""));
                lines.push(heading(t, format!("{dir} (evaluation order)")));
                for r in nsg.rules(dir) {
                    lines.push(Line::raw(format!(
                        "{:>5} {:<5} {:<4} {} → {}:{}  {}",
                        r.priority,
                        r.access.to_string(),
                        r.protocol.map_or("any".to_string(), |p| p.to_string()),
                        vnetlab_core::eval::nsg::side(d, &r.source),
                        vnetlab_core::eval::nsg::side(d, &r.destination),
                        r.destination_ports,
                        r.name
                    )));
                }
            }
            format!("NSG {}", nsg.name)
        }
        Target::NsgRule {
            nsg,
            direction,
            index,
        } => {
            let n = &d.nsgs[nsg.ix()];
            let rule = &n.rules(*direction)[*index];
            let access_style = if rule.access == vnetlab_core::format::Access::Allow {
                t.good()
            } else {
                t.bad()
            };
            lines.push(Line::from(vec![
                Span::styled("access: ", t.dim()),
                Span::styled(rule.access.to_string(), access_style),
            ]));
            lines.push(kv(t, "priority", rule.priority.to_string()));
            lines.push(kv(t, "direction", rule.direction.to_string()));
            lines.push(kv(
                t,
                "protocol",
                rule.protocol.map_or("any".to_string(), |p| p.to_string()),
            ));
            lines.push(kv(
                t,
                "source",
                format!(
                    "{} ports {}",
                    vnetlab_core::eval::nsg::side(d, &rule.source),
                    rule.source_ports
                ),
            ));
            lines.push(kv(
                t,
                "destination",
                format!(
                    "{} ports {}",
                    vnetlab_core::eval::nsg::side(d, &rule.destination),
                    rule.destination_ports
                ),
            ));
            lines.push(kv(t, "line", rule.span.line.to_string()));
            lines.push(kv(t, "NSG applied to", none_or(nsg_users(d, *nsg))));
            format!("NSG rule {}/{}", n.name, rule.name)
        }
        Target::RouteTable(rt) => {
            let table = &d.route_tables[rt.ix()];
            lines.push(kv(
                t,
                "propagate gateway routes",
                yes(table.propagate_gateway_routes),
            ));
            let users: Vec<String> = d
                .subnets
                .iter()
                .filter(|s| s.route_table == Some(*rt))
                .map(|s| s.name.clone())
                .collect();
            lines.push(kv(t, "associated with", none_or(users.join(", "))));
            for r in &table.routes {
                lines.push(Line::raw(format!(
                    "  {} {} → {}{}",
                    r.name,
                    r.prefix_text,
                    r.next_hop,
                    r.next_hop_ip.map_or(String::new(), |i| format!(" {i}"))
                )));
            }
            format!("Route table {}", table.name)
        }
        Target::Route { table, index } => {
            let rt = &d.route_tables[table.ix()];
            let r = &rt.routes[*index];
            lines.push(kv(t, "prefix", r.prefix_text.clone()));
            lines.push(kv(t, "next hop", r.next_hop.to_string()));
            if let Some(ip) = r.next_hop_ip {
                lines.push(kv(t, "next hop IP", ip.to_string()));
            }
            format!("Route {}/{}", rt.name, r.name)
        }
        Target::Peering(i) => {
            if let Some(p) = d.file.peerings.get(*i) {
                let flag =
                    |name: &str, v: Option<bool>, def: bool| kv(t, name, yes(v.unwrap_or(def)));
                lines.push(flag(
                    "allow_virtual_network_access",
                    p.allow_virtual_network_access,
                    true,
                ));
                lines.push(flag(
                    "allow_forwarded_traffic",
                    p.allow_forwarded_traffic,
                    false,
                ));
                lines.push(flag(
                    "allow_gateway_transit",
                    p.allow_gateway_transit,
                    false,
                ));
                lines.push(flag("use_remote_gateways", p.use_remote_gateways, false));
            }
            for l in &d.peerings {
                lines.push(Line::raw(format!(
                    "  link {} → {} ({})",
                    d.vnets[l.local.ix()].name,
                    d.vnets[l.remote.ix()].name,
                    if l.connected {
                        "Connected"
                    } else {
                        "Initiated"
                    }
                )));
            }
            it.label.clone()
        }
        Target::Service(s) => {
            let svc = &d.services[s.ix()];
            lines.push(kv(t, "kind", svc.kind.to_string()));
            lines.push(kv(t, "region", svc.region.clone()));
            lines.push(kv(
                t,
                "public network access",
                if svc.public_network_access {
                    "enabled"
                } else {
                    "disabled"
                },
            ));
            lines.push(kv(
                t,
                "default action",
                if svc.default_allow { "allow" } else { "deny" },
            ));
            lines.push(kv(t, "trusted services bypass", yes(svc.trusted_services)));
            let vr: Vec<String> = svc
                .vnet_rules
                .iter()
                .map(|s| d.subnets[s.ix()].name.clone())
                .collect();
            lines.push(kv(t, "VNet rules", none_or(vr.join(", "))));
            lines.push(kv(t, "public endpoint", svc.public_ip.to_string()));
            for p in &svc.private_endpoints {
                let pe = &d.private_endpoints[p.ix()];
                lines.push(Line::raw(format!(
                    "  private endpoint {} {} in {} ({})",
                    pe.group,
                    pe.ip,
                    d.subnets[pe.subnet.ix()].name,
                    pe.state
                )));
            }
            format!("Service {}", svc.name)
        }
        Target::Zone(z) => {
            let zone = &d.zones[z.ix()];
            let links: Vec<String> = zone
                .links
                .iter()
                .map(|v| d.vnets[v.ix()].name.clone())
                .collect();
            lines.push(kv(t, "linked to", none_or(links.join(", "))));
            lines.push(kv(
                t,
                "resolution policy",
                zone.resolution_policy.to_string(),
            ));
            for (name, ip) in &zone.records {
                lines.push(Line::raw(format!("  A {name} → {ip}")));
            }
            format!("Private DNS zone {}", zone.name)
        }
    };
    (title, lines)
}

/// What an edit does, in two words.
fn verb(e: &vnetlab_core::whatif::Edit) -> &'static str {
    use vnetlab_core::whatif::Edit;
    match e {
        Edit::FlipNsgRuleAccess { .. } | Edit::FlipCollectionAction { .. } => "flips allow/deny",
        Edit::FlipFortiPolicyAction { .. } => "flips accept/deny",
        Edit::FlipFortiPolicyNat { .. } => "flips source NAT",
        Edit::FlipPeeringFlag { .. } => "flips the flag",
        Edit::FlipPublicNetworkAccess { .. } | Edit::FlipDefaultAction { .. } => "flips it",
        Edit::DetachRouteTable { .. } | Edit::DetachSubnetNsg { .. } => "detaches it",
        Edit::RemoveZoneLink { .. } => "unlinks it",
        _ => "removes it",
    }
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

fn none_or(s: String) -> String {
    if s.is_empty() { "none".into() } else { s }
}

fn list<T: ToString>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

fn nsg_users(d: &Design, n: vnetlab_core::model::NsgId) -> String {
    let mut users: Vec<String> = d
        .subnets
        .iter()
        .filter(|s| s.nsg == Some(n))
        .map(|s| format!("subnet {}", s.name))
        .collect();
    users.extend(
        d.workloads
            .iter()
            .filter(|w| w.nsg == Some(n))
            .map(|w| format!("NIC of {}", w.name)),
    );
    users.join(", ")
}

fn subnet_lines(t: Theme, d: &Design, s: SubnetId, lines: &mut Vec<Line<'static>>) {
    let sub = &d.subnets[s.ix()];
    lines.push(kv(t, "prefix", sub.prefixes_text()));
    lines.push(kv(
        t,
        "NSG",
        sub.nsg
            .map_or("none".into(), |n| d.nsgs[n.ix()].name.clone()),
    ));
    lines.push(kv(
        t,
        "route table",
        sub.route_table
            .map_or("none".into(), |r| d.route_tables[r.ix()].name.clone()),
    ));
    lines.push(kv(
        t,
        "service endpoints",
        none_or(sub.service_endpoints.join(", ")),
    ));
    lines.push(Line::raw(""));
    lines.push(heading(t, "Effective routes"));
    lines.push(Line::styled(
        format!(
            "{:<18} {:<21} {:<15} {:<7} {:<8} NAME",
            "PREFIX", "NEXT HOP", "NEXT HOP IP", "STATE", "SOURCE"
        ),
        t.dim(),
    ));
    for r in render::route_rows(d, s) {
        let style = if r.state == "Active" {
            ratatui::style::Style::new()
        } else {
            t.dim()
        };
        lines.push(Line::styled(
            format!(
                "{:<18} {:<21} {:<15} {:<7} {:<8} {}",
                r.prefix, r.next_hop_type, r.next_hop_ip, r.state, r.source, r.name
            ),
            style,
        ));
    }
}

fn workload_lines(t: Theme, d: &Design, w: WorkloadId, lines: &mut Vec<Line<'static>>) {
    let wl = &d.workloads[w.ix()];
    lines.push(kv(t, "kind", wl.kind.to_string()));
    lines.push(kv(t, "subnet", d.subnets[wl.subnet.ix()].name.clone()));
    lines.push(kv(
        t,
        "IP",
        format!("{} ({} addresses at full scale)", wl.ip, wl.addresses),
    ));
    lines.push(kv(
        t,
        "public IP",
        wl.public_ip
            .map_or("none".into(), |(sku, ip)| format!("{ip} ({sku})")),
    ));
    lines.push(kv(
        t,
        "NIC NSG",
        wl.nsg
            .map_or("none".into(), |n| d.nsgs[n.ix()].name.clone()),
    ));
    lines.push(Line::raw(""));
    lines.push(heading(t, "Effective security rules"));
    let rows = render::rule_rows(d, w);
    if rows.is_empty() {
        for l in render::rules(d, w).lines() {
            lines.push(Line::raw(l.to_string()));
        }
        return;
    }
    for r in rows {
        let style = match (r.access.as_str(), r.default) {
            (_, true) => t.dim(),
            ("deny", _) => t.bad(),
            _ => t.good(),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{:<3} {:>5} {:<5}",
                    if r.direction == "inbound" {
                        "in"
                    } else {
                        "out"
                    },
                    r.priority,
                    r.access
                ),
                style,
            ),
            Span::raw(format!(
                " {:<4} {}:{} → {}:{}  {} ({} {})",
                r.protocol,
                r.source,
                r.source_ports,
                r.destination,
                r.destination_ports,
                r.name,
                r.nsg,
                r.level
            )),
        ]));
    }
}
