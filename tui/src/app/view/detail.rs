//! The detail of the selected item as lines: a check's hop-by-hop trace with the deciding rule
//! at each hop, a subnet's effective routes, a workload's effective security rules, an NSG
//! rule, a service's settings… All of it is text vnetlab-core computed.

use crate::app::analysis::{
    Analysis, Change, cell_change, expectation_change, finding_is_new, flow_change,
    resolved_findings,
};
use crate::app::model::{Model, Pane, Ready};
use crate::app::rows::{CheckRow, check_rows, visible_tree};
use crate::app::theme::Theme;
use ratatui::text::{Line, Span};
use vnetlab_core::check::{ExpectResult, Outcome};
use vnetlab_core::format::Direction;
use vnetlab_core::model::{Design, SubnetId, WorkloadId};
use vnetlab_core::outline::{Item, Target};
use vnetlab_core::render;

/// The detail pane's title, lines, and whether to wrap them (tables scroll sideways instead).
pub fn detail(m: &Model, r: &Ready) -> (String, Vec<Line<'static>>, bool) {
    let t = m.theme;
    if m.ui.detail_from == Pane::Checks {
        let rows = check_rows(m);
        if let Some(row) = rows.get(m.ui.checks.selected) {
            let (title, lines) = check_detail(t, r, row);
            return (title, lines, true);
        }
    }
    let a = r.shown();
    let vis = visible_tree(&a.outline, &m.ui.collapsed);
    match vis.get(m.ui.tree.selected) {
        Some(&i) => {
            let it = &a.outline[i];
            let table = matches!(
                it.target,
                Target::Subnet(_) | Target::Workload(_) | Target::Nsg(_)
            );
            let (title, lines) = item_detail(t, r, a, it);
            (title, lines, !table)
        }
        None => (
            "Detail".into(),
            vec![Line::raw("The design is empty.")],
            true,
        ),
    }
}

fn kv(t: Theme, k: &str, v: impl Into<String>) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{k}: "), t.dim()),
        Span::raw(v.into()),
    ])
}

fn heading(t: Theme, s: impl Into<String>) -> Line<'static> {
    Line::styled(s.into(), t.heading())
}

fn check_detail(t: Theme, r: &Ready, row: &CheckRow) -> (String, Vec<Line<'static>>) {
    let a = r.shown();
    match row {
        CheckRow::Heading(h) => (h.clone(), Vec::new()),
        CheckRow::Edit(i) => {
            let e = &r.session.edits()[*i];
            let mut lines = vec![
                Line::styled(e.describe(), t.edited()),
                Line::raw(""),
                Line::raw(format!(
                    "Edit {} of {}, applied to the file on disk in order.",
                    i + 1,
                    r.session.edits().len()
                )),
                Line::raw("u undoes the last edit, R drops them all, w writes the result."),
            ];
            lines.push(Line::raw(""));
            lines.extend(changes(t, r));
            ("What-if edit".into(), lines)
        }
        CheckRow::EditError(i) => {
            let d = &r.current.as_ref().expect_err("invalid edited design")[*i];
            let text = d.render(None);
            (
                "The edited design is invalid".into(),
                text.lines()
                    .map(|l| Line::styled(l.to_string(), t.bad()))
                    .collect(),
            )
        }
        CheckRow::Expect(i) => expect_detail(t, r, &a.report.results[*i]),
        CheckRow::Flow(i) => flow_detail(t, r, &a.audit.flows[*i]),
        CheckRow::Finding(i) => finding_detail(t, r, &a.audit.findings[*i]),
        CheckRow::Warning(i) => {
            let d = &a.warnings[*i];
            (
                format!("Warning: {}", d.code),
                d.render(None)
                    .lines()
                    .map(|l| Line::styled(l.to_string(), t.warn()))
                    .collect(),
            )
        }
    }
}

/// Every expectation and matrix cell that changed since the file on disk.
fn changes(t: Theme, r: &Ready) -> Vec<Line<'static>> {
    let Ok(a) = &r.current else {
        return vec![Line::styled("The edited design is invalid.", t.bad())];
    };
    let mut out = vec![heading(t, "Changed since the file on disk")];
    for e in &a.report.results {
        if let Some(c) = expectation_change(&r.base.report, e) {
            out.push(change_line(t, c, &e.name));
        }
    }
    for fr in &a.audit.flows {
        if let Some(c) = flow_change(&r.base.audit, fr) {
            let f = &fr.flow;
            let what = format!(
                "Azure ML flow {} → {} {}/{}",
                f.from, f.to, f.protocol, f.port
            );
            out.push(change_line(t, c, &what));
        }
    }
    for f in &a.audit.findings {
        if finding_is_new(&r.base.audit, f) {
            out.push(Line::styled(
                format!("+ new finding: {}", f.title),
                t.newly_denied(),
            ));
        }
    }
    for f in resolved_findings(&r.base.audit, &a.audit) {
        out.push(Line::styled(
            format!("− resolved finding: {}", f.title),
            t.newly_allowed(),
        ));
    }
    for (pi, (proto, port)) in a.matrix.ports.iter().enumerate() {
        for (ri, rn) in a.matrix.names.iter().enumerate() {
            for (ci, cn) in a.matrix.names.iter().enumerate() {
                if let Some(c) = cell_change(&r.base.matrix, &a.matrix, ri, ci, pi) {
                    out.push(change_line(t, c, &format!("{rn} → {cn} {proto}/{port}")));
                }
            }
        }
    }
    if out.len() == 1 {
        out.push(Line::raw("nothing: every verdict is as before"));
    }
    out
}

/// `▲ newly allowed: …` / `▼ newly denied: …`.
pub fn change_line(t: Theme, c: Change, what: &str) -> Line<'static> {
    let (mark, style) = match c {
        Change::NewlyAllowed => ("▲ newly allowed", t.newly_allowed()),
        Change::NewlyDenied => ("▼ newly denied", t.newly_denied()),
    };
    Line::from(vec![
        Span::styled(mark, style),
        Span::raw(format!(": {what}")),
    ])
}

fn expect_detail(t: Theme, r: &Ready, e: &ExpectResult) -> (String, Vec<Line<'static>>) {
    let (tag, style) = outcome_tag(t, e.outcome);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(tag, style),
            Span::raw(format!("  {}", e.name)),
        ]),
        kv(t, "flow", format!("{} → {}", e.from, e.to)),
        kv(t, "expected", e.expected.to_string()),
        kv(t, "found", e.summary.clone()),
    ];
    if let Some(c) = expectation_change(&r.base.report, e) {
        let before = r.base.report.results.iter().find(|b| b.name == e.name);
        let was = before.map(|b| outcome_tag(t, b.outcome).0).unwrap_or("?");
        lines.push(change_line(t, c, &format!("was {was} in the file on disk")));
    }
    for c in &e.counterexamples {
        lines.push(kv(
            t,
            "counterexample",
            format!(
                "{} → {} {} port {}",
                c.sources, c.destinations, c.protocol, c.ports
            ),
        ));
    }
    if let Some(tr) = &e.trace {
        trace_lines(t, tr, &mut lines);
    }
    (format!("Expectation, line {}", e.line), lines)
}

fn trace_lines(t: Theme, tr: &vnetlab_core::trace::Trace, lines: &mut Vec<Line<'static>>) {
    lines.push(Line::raw(""));
    lines.push(heading(t, "Trace, hop by hop"));
    for l in render::trace(tr).lines() {
        let style = if l.contains(". NO ") {
            t.bad()
        } else if l.starts_with("verdict") {
            if tr.verdict.allowed() {
                t.good()
            } else {
                t.bad()
            }
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(l.to_string(), style));
    }
}

fn flow_detail(
    t: Theme,
    r: &Ready,
    fr: &vnetlab_core::aml::flows::FlowResult,
) -> (String, Vec<Line<'static>>) {
    let f = &fr.flow;
    let (tag, style) = if fr.works {
        ("WORKS", t.good())
    } else {
        ("BROKEN", t.bad())
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(tag, style),
            Span::raw(format!("  {}", f.purpose)),
        ]),
        kv(
            t,
            "flow",
            format!("{} → {} {}/{}", f.from, f.to, f.protocol, f.port),
        ),
        kv(t, "stage", f.stage.title()),
        kv(t, "source", f.source),
        kv(t, "found", fr.verdict.clone()),
    ];
    if let Some(c) = flow_change(&r.base.audit, fr) {
        lines.push(change_line(t, c, "since the file on disk"));
    }
    if let Some(fix) = &fr.fix {
        lines.push(Line::from(vec![
            Span::styled("smallest fix: ", t.heading()),
            Span::raw(fix.change.clone()),
            Span::styled(
                if fix.verified {
                    " (verified by re-tracing)"
                } else {
                    ""
                },
                t.dim(),
            ),
        ]));
    }
    if let Some(tr) = &fr.trace {
        trace_lines(t, tr, &mut lines);
    }
    ("Required Azure ML flow".into(), lines)
}

fn finding_detail(
    t: Theme,
    r: &Ready,
    f: &vnetlab_core::aml::findings::Finding,
) -> (String, Vec<Line<'static>>) {
    let mut lines = vec![
        Line::styled(f.title.clone(), t.heading()),
        kv(t, "severity", f.severity.to_string()),
        kv(t, "resources", f.resources.join(", ")),
    ];
    if finding_is_new(&r.base.audit, f) {
        lines.push(Line::styled(
            "+ new since the file on disk",
            t.newly_denied(),
        ));
    }
    if let Some(w) = &f.witness {
        lines.push(kv(t, "witness", w.clone()));
    }
    lines.push(kv(t, "remediation", f.remediation.clone()));
    if let Some(tr) = &f.trace {
        trace_lines(t, tr, &mut lines);
    }
    (format!("Finding {}", f.id), lines)
}

/// `PASS` / `FAIL` / `UNDECIDED` with its style.
pub fn outcome_tag(t: Theme, o: Outcome) -> (&'static str, ratatui::style::Style) {
    match o {
        Outcome::Holds => ("PASS", t.good()),
        Outcome::Fails => ("FAIL", t.bad()),
        Outcome::Undecided => ("UNDECIDED", t.warn()),
    }
}

fn item_detail(t: Theme, r: &Ready, a: &Analysis, it: &Item) -> (String, Vec<Line<'static>>) {
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
        Edit::FlipNsgRuleAccess { .. } => "flips allow/deny",
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
    lines.push(kv(t, "prefix", sub.prefix.to_string()));
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
