//! Text renderings shared by the command line, the terminal app and the browser app, so all
//! three say the same thing. (JSON renderings are the `Serialize` forms of the results.)

use crate::check::{CheckReport, Outcome};
use crate::eval::routes::RouteSource;
use crate::format::Direction;
use crate::model::{Design, SubnetId, WorkloadId};
use crate::trace::{Step, Trace};
use serde::Serialize;

/// A trace as numbered hops with the verdict.
pub fn trace(t: &Trace) -> String {
    let mut out = format!("trace {} → {}  ({})\n", t.from, t.to, t.flow);
    for (i, h) in t.hops.iter().enumerate() {
        let mark = if h.ok { "ok " } else { "NO " };
        let step = match h.step {
            Step::Dns => "dns",
            Step::NsgOutbound => "nsg-out",
            Step::NsgInbound => "nsg-in",
            Step::AdminRule => "admin",
            Step::Route => "route",
            Step::Peering => "peering",
            Step::Firewall => "firewall",
            Step::Gateway => "gateway",
            Step::ServiceFirewall => "service",
            Step::Proxy => "proxy",
            Step::Deliver => "deliver",
            Step::Return => "return",
        };
        out.push_str(&format!(
            "{:>3}. {mark}{step:<9} {}: {}\n",
            i + 1,
            h.at,
            h.detail
        ));
    }
    out.push_str(&format!("verdict: {}\n", t.verdict));
    out
}

/// A check report.
pub fn check(r: &CheckReport, verbose: bool) -> String {
    let mut out = format!("check {} (service tags: {})\n", r.design, r.service_tags);
    let (mut held, mut failed) = (0, 0);
    for e in &r.results {
        let tag = match e.outcome {
            Outcome::Holds => {
                held += 1;
                "PASS"
            }
            Outcome::Fails => {
                failed += 1;
                "FAIL"
            }
            Outcome::Undecided => {
                failed += 1;
                "UNDECIDED"
            }
        };
        out.push_str(&format!(
            "{tag:<4}  {} ({} → {}, expected {}): {}\n",
            e.name, e.from, e.to, e.expected, e.summary
        ));
        let with_trace = e.outcome != Outcome::Holds || verbose;
        out.push_str(&evidence(e, "        ", with_trace));
    }
    out.push_str(&format!("{}: {held} passed, {failed} failed\n", r.design));
    out
}

/// An expectation's evidence: its counterexample classes and, if asked, its trace, each line
/// indented.
pub fn evidence(e: &crate::check::ExpectResult, indent: &str, with_trace: bool) -> String {
    let mut out = String::new();
    for c in &e.counterexamples {
        out.push_str(&format!(
            "{indent}counterexample: {} → {} {} port {}\n",
            c.sources, c.destinations, c.protocol, c.ports
        ));
    }
    if let Some(t) = e.trace.as_ref().filter(|_| with_trace) {
        for line in trace(t).lines() {
            out.push_str(&format!("{indent}{line}\n"));
        }
    }
    out
}

/// One row of the effective routes table.
#[derive(Clone, Debug, Serialize)]
pub struct RouteRow {
    /// Default, User or VirtualNetworkGateway.
    pub source: String,
    /// Active or Invalid.
    pub state: String,
    /// Prefix.
    pub prefix: String,
    /// Next hop type.
    pub next_hop_type: String,
    /// Next hop IP.
    pub next_hop_ip: String,
    /// Route name or purpose.
    pub name: String,
}

/// The effective routes of a subnet as rows.
pub fn route_rows(d: &Design, s: SubnetId) -> Vec<RouteRow> {
    d.derived.routes[s.ix()]
        .routes
        .iter()
        .map(|r| RouteRow {
            source: match r.source {
                RouteSource::User => "User",
                RouteSource::VirtualNetworkGateway => "VirtualNetworkGateway",
                RouteSource::Default => "Default",
            }
            .into(),
            state: if r.active { "Active" } else { "Invalid" }.into(),
            prefix: r.prefix.to_string(),
            next_hop_type: r.next_hop.type_name().into(),
            next_hop_ip: r.next_hop.ip(d).map(|i| i.to_string()).unwrap_or_default(),
            name: r.name.clone(),
        })
        .collect()
}

/// A table of strings with aligned columns.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    for r in rows {
        out.push_str(&line(r.clone()));
    }
    out
}

/// Effective routes as text.
pub fn routes(d: &Design, s: SubnetId) -> String {
    let rows: Vec<Vec<String>> = route_rows(d, s)
        .into_iter()
        .map(|r| {
            vec![
                r.source,
                r.state,
                r.prefix,
                r.next_hop_type,
                r.next_hop_ip,
                r.name,
            ]
        })
        .collect();
    format!(
        "effective routes of {}\n{}",
        d.subnets[s.ix()].name,
        table(
            &[
                "SOURCE",
                "STATE",
                "PREFIX",
                "NEXT HOP TYPE",
                "NEXT HOP IP",
                "NAME"
            ],
            &rows
        )
    )
}

/// One row of the effective security rules.
#[derive(Clone, Debug, Serialize)]
pub struct RuleRow {
    /// The NSG and where it applies (`subnet` or `nic`).
    pub nsg: String,
    /// Where it is associated.
    pub level: String,
    /// inbound | outbound.
    pub direction: String,
    /// Priority.
    pub priority: u32,
    /// Rule name.
    pub name: String,
    /// allow | deny.
    pub access: String,
    /// Protocol.
    pub protocol: String,
    /// Source as written.
    pub source: String,
    /// Source ports.
    pub source_ports: String,
    /// Destination as written.
    pub destination: String,
    /// Destination ports.
    pub destination_ports: String,
    /// Whether it is a default rule.
    pub default: bool,
}

/// The effective security rules of a workload: the security admin rules of its VNet first
/// (S10), then subnet and NIC NSGs in evaluation order per direction (inbound: subnet then NIC;
/// outbound: NIC then subnet), defaults included.
pub fn rule_rows(d: &Design, w: WorkloadId) -> Vec<RuleRow> {
    let wl = &d.workloads[w.ix()];
    let subnet_nsg = d.subnets[wl.subnet.ix()].nsg;
    let mut out = Vec::new();
    for dir in [Direction::Inbound, Direction::Outbound] {
        for r in crate::eval::admin::rules(d, wl.subnet, dir) {
            out.push(RuleRow {
                nsg: r.collection.clone(),
                level: "security admin".into(),
                direction: dir.to_string(),
                priority: r.rule.priority,
                name: r.rule.name.clone(),
                access: r.access.to_string(),
                protocol: r
                    .rule
                    .protocol
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "any".into()),
                source: crate::eval::nsg::side(d, &r.rule.source),
                source_ports: r.rule.source_ports.to_string(),
                destination: crate::eval::nsg::side(d, &r.rule.destination),
                destination_ports: r.rule.destination_ports.to_string(),
                default: false,
            });
        }
        for (level, nsg) in crate::eval::nsg::order(dir, subnet_nsg, wl.nsg) {
            let level = match level {
                crate::eval::nsg::Level::Subnet => "subnet",
                crate::eval::nsg::Level::Nic => "nic",
            };
            if level == "nic" && dir == Direction::Inbound {
                out.extend(aml_created_rows(d, w));
            }
            let Some(n) = nsg else { continue };
            for r in d.nsgs[n.ix()].rules(dir) {
                out.push(RuleRow {
                    nsg: d.nsgs[n.ix()].name.clone(),
                    level: level.into(),
                    direction: dir.to_string(),
                    priority: r.priority,
                    name: r.name.clone(),
                    access: r.access.to_string(),
                    protocol: r
                        .protocol
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| "any".into()),
                    source: crate::eval::nsg::side(d, &r.source),
                    source_ports: r.source_ports.to_string(),
                    destination: crate::eval::nsg::side(d, &r.destination),
                    destination_ports: r.destination_ports.to_string(),
                    default: r.is_default,
                });
            }
        }
    }
    out
}

/// The rules of the NSG Azure ML creates with a public-IP compute instance or cluster (E1: "This
/// NSG allows inbound TCP traffic on port 44224 from the `AzureMachineLearning` service tag"),
/// as the tracer applies it to the compute's public IP when the NIC has no NSG of its own.
/// Microsoft does not publish the rules' priorities: they are listed as 100 and 101, before the
/// default rules, the order the tracer evaluates them in.
fn aml_created_rows(d: &Design, w: WorkloadId) -> Vec<RuleRow> {
    let wl = &d.workloads[w.ix()];
    if !(crate::trace::is_aml_compute(wl.kind) && wl.public_ip.is_some() && wl.nsg.is_none()) {
        return Vec::new();
    }
    let nsg = format!("{}-auto-nsg", wl.name);
    let row =
        |priority, name: &str, access: &str, protocol: &str, source: &str, ports: &str| RuleRow {
            nsg: nsg.clone(),
            level: "nic, created by Azure ML for the public IP".into(),
            direction: Direction::Inbound.to_string(),
            priority,
            name: name.into(),
            access: access.into(),
            protocol: protocol.into(),
            source: source.into(),
            source_ports: "*".into(),
            destination: "*".into(),
            destination_ports: ports.into(),
            default: priority > 4096,
        };
    let mut rows = vec![row(
        100,
        "AllowAzureMachineLearning",
        "allow",
        "tcp",
        "AzureMachineLearning",
        "44224",
    )];
    if wl.batch_classic {
        rows.push(row(
            101,
            "AllowBatchNodeManagement",
            "allow",
            "tcp",
            "BatchNodeManagement",
            "29876-29877",
        ));
    }
    rows.push(row(65500, "DenyAllInBound", "deny", "any", "*", "*"));
    rows
}

/// Effective security rules as text.
pub fn rules(d: &Design, w: WorkloadId) -> String {
    let wl = &d.workloads[w.ix()];
    let rows = rule_rows(d, w);
    if rows.is_empty() {
        return format!(
            "{} ({}, {}) has no NSG on its subnet or NIC: private and outbound traffic is allowed; inbound from the internet to a Standard public IP is denied (P1)\n",
            wl.name,
            wl.ip,
            d.subnets[wl.subnet.ix()].name
        );
    }
    let cells: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            vec![
                r.direction,
                format!("{} ({})", r.nsg, r.level),
                r.priority.to_string(),
                r.name,
                r.access,
                r.protocol,
                r.source,
                r.source_ports,
                r.destination,
                r.destination_ports,
            ]
        })
        .collect();
    format!(
        "effective security rules of {} ({}, {})\n{}",
        wl.name,
        wl.ip,
        d.subnets[wl.subnet.ix()].name,
        table(
            &[
                "DIRECTION",
                "NSG",
                "PRIORITY",
                "NAME",
                "ACCESS",
                "PROTOCOL",
                "SOURCE",
                "SRC PORTS",
                "DESTINATION",
                "DST PORTS"
            ],
            &cells
        )
    )
}

/// What the names in a workload's effective security rules stand for, like the expanded
/// address prefixes of Azure's effective security rules: every service tag, `VirtualNetwork`
/// (read in the workload's VNet, A3) and application security group the rules name, each with
/// the prefixes it expands to (sorted by name; `*` and plain prefixes need no expansion).
pub fn expanded_prefixes(
    d: &Design,
    w: WorkloadId,
) -> std::collections::BTreeMap<String, Vec<String>> {
    use crate::model::AddrEntry;
    let wl = &d.workloads[w.ix()];
    let vnet = d.subnets[wl.subnet.ix()].vnet;
    let mut out = std::collections::BTreeMap::new();
    let nsgs = [d.subnets[wl.subnet.ix()].nsg, wl.nsg];
    for n in nsgs.into_iter().flatten() {
        for dir in [Direction::Inbound, Direction::Outbound] {
            for r in d.nsgs[n.ix()].rules(dir) {
                for e in r.source.iter().chain(&r.destination) {
                    let (name, set) = match e {
                        AddrEntry::Any | AddrEntry::Prefix(_) => continue,
                        AddrEntry::Tag(t) => {
                            (t.clone(), d.tags.get(t).cloned().unwrap_or_default())
                        }
                        AddrEntry::VirtualNetwork => (
                            "VirtualNetwork".to_string(),
                            d.derived.virtual_network[vnet.ix()].clone(),
                        ),
                        AddrEntry::Asg(a) => (
                            format!("asg:{}", d.asgs[a.ix()].name),
                            d.derived.asg(*a).clone(),
                        ),
                    };
                    out.entry(name)
                        .or_insert_with(|| set.to_nets().iter().map(|n| n.to_string()).collect());
                }
            }
        }
    }
    out
}

/// [`expanded_prefixes`] as text: one name a line with its prefixes.
pub fn expansions(d: &Design, w: WorkloadId) -> String {
    let map = expanded_prefixes(d, w);
    if map.is_empty() {
        return "no service tag, VirtualNetwork or application security group to expand\n".into();
    }
    let mut out = String::from("expanded address prefixes\n");
    for (name, nets) in map {
        let shown = if nets.is_empty() {
            "(none)".to_string()
        } else {
            nets.join(", ")
        };
        let n = nets.len();
        let noun = if n == 1 { "prefix" } else { "prefixes" };
        out.push_str(&format!("  {name} ({n} {noun}): {shown}\n"));
    }
    out
}

/// An opened matrix cell as text: its packet classes, which get through and which do not, and
/// the witness trace each way.
pub fn cell(
    from: &str,
    to: &str,
    proto: crate::net::Protocol,
    port: u16,
    c: &crate::reach::cell::CellExplanation,
) -> String {
    use crate::reach::matrix::Reach;
    let how = match c.reach {
        Some(Reach::All) => "all delivered",
        Some(Reach::Partial) => "partly delivered",
        Some(Reach::None) => "none delivered",
        None => "too many packet classes to prove",
    };
    let mut out = format!(
        "{from} → {to} {proto}/{port}: {how} ({} of {} packet classes)\n",
        c.delivered, c.classes
    );
    let list = |out: &mut String, title: &str, classes: &[crate::reach::Counterexample]| {
        if classes.is_empty() {
            return;
        }
        out.push_str(&format!("{title}:\n"));
        for k in classes {
            out.push_str(&format!(
                "  {} → {} {} {}\n",
                k.sources, k.destinations, k.protocol, k.ports
            ));
        }
    };
    list(&mut out, "not delivered (first five)", &c.blocked_classes);
    if let Some(t) = &c.blocked_witness {
        out.push_str("why not, the first class not delivered:\n");
        out.push_str(&trace(t));
    }
    list(&mut out, "delivered (first five)", &c.delivered_classes);
    if let Some(t) = &c.delivered_witness {
        out.push_str("the first class delivered:\n");
        out.push_str(&trace(t));
    }
    out
}
