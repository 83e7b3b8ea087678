//! Isolation audits: path-based security findings, each with an id, a severity, the resources
//! involved, a witness flow with its trace, the remediation and the governance rules it maps to.

use super::Severity;
use super::flows::{FlowResult, Stage, is_ml_target};
use super::mapping::{Reference, references};
use crate::format::{Access, Isolation, NextHopType, ServiceKind, WorkloadKind};
use crate::model::{AddrEntry, Design, ElementRef};
use crate::net::{PortSet, Protocol};
use crate::query::{Endpoint, EndpointSet, Side, parse_endpoint};
use crate::reach::check_set;
use crate::trace::{Trace, TraceOptions, is_aml_compute, origin_of, trace_from};
use serde::Serialize;

/// One finding.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// The finding kind's id (see docs/aml.md).
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// The resources involved.
    pub resources: Vec<String>,
    /// The witness flow (`from → to proto/port`) when the finding is about a path.
    pub witness: Option<String>,
    /// The witness flow's trace.
    pub trace: Option<Trace>,
    /// The element of the file that causes the finding and where it is written, for findings
    /// about an element rather than a path (and for path findings, the element they are about).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Located>,
    /// What to change.
    pub remediation: String,
    /// Azure Policy, PSRule and checkov rules covering the same concern.
    pub references: Vec<Reference>,
    /// The Microsoft cloud security benchmark controls it bears on, with the frameworks
    /// Microsoft maps them to (`compliance.rs`).
    pub controls: Vec<super::compliance::ControlMapping>,
}

impl Finding {
    /// The element of the design the finding is about, when it names one.
    pub fn element(&self) -> Option<&ElementRef> {
        self.at.as_ref().and_then(|a| a.id.as_ref())
    }
}

/// An element of the topology file and its position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Located {
    /// The element (`workload trainer`, `NSG rule training-nsg/deny-all`).
    pub element: String,
    /// The same element as data (JSON: its element id, `nsg:training-nsg/rule:deny-all`);
    /// `None` for what is not a network element (a waiver).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<ElementRef>,
    /// Its line in the file (1-based).
    pub line: u32,
    /// Its column.
    pub column: u32,
}

fn located(element: ElementRef, span: crate::diag::Span) -> Option<Located> {
    (span.line > 0).then(|| Located {
        element: element.to_string(),
        id: Some(element),
        line: span.line,
        column: span.col,
    })
}

/// Where a resource of a finding is written: a workload, subnet, service, NSG rule
/// (`NSG/RULE`), firewall, or a firewall rule (`FIREWALL/GROUP/COLLECTION/RULE`).
fn locate(d: &Design, resource: &str) -> Option<Located> {
    if let Some(w) = d.workload_by_name(resource) {
        return located(ElementRef::workload(d, w), d.workloads[w.ix()].span);
    }
    if let Some(s) = d.subnet_by_name(resource) {
        return located(ElementRef::subnet(d, s), d.subnets[s.ix()].span);
    }
    if let Some(s) = d.service_by_name(resource) {
        return located(ElementRef::service(d, s), d.services[s.ix()].span);
    }
    if let Some(f) = d.front_door_by_name(resource) {
        let fd = &d.front_doors[f.ix()];
        return located(ElementRef::FrontDoor(fd.name.clone()), fd.span);
    }
    if let Some((nsg, rule)) = resource.split_once('/')
        && let Some(n) = d.nsgs.iter().find(|n| n.name == nsg)
        && let Some(r) = n.inbound.iter().chain(&n.outbound).find(|r| r.name == rule)
    {
        let e = ElementRef::NsgRule {
            nsg: nsg.to_string(),
            rule: rule.to_string(),
        };
        return located(e, r.span);
    }
    let mut parts = resource.splitn(4, '/');
    let fw = parts.next()?;
    let def = d.file.firewalls.get(fw)?;
    match (parts.next(), parts.next(), parts.next()) {
        (Some(g), Some(c), Some(r)) => {
            let rule = def
                .rule_collection_groups
                .iter()
                .filter(|x| x.name == g)
                .flat_map(|x| &x.collections)
                .filter(|x| x.name == c)
                .flat_map(|x| &x.rules)
                .find(|x| x.name == r)?;
            let e = ElementRef::FirewallRule {
                firewall: fw.to_string(),
                collection: format!("{g}/{c}"),
                rule: r.to_string(),
            };
            located(e, rule.pos.0)
        }
        _ => located(ElementRef::Firewall(fw.to_string()), def.pos.0),
    }
}

pub(super) fn finding(
    id: &'static str,
    severity: Severity,
    title: String,
    resources: Vec<String>,
    remediation: &str,
) -> Finding {
    Finding {
        id,
        severity,
        title,
        resources,
        witness: None,
        trace: None,
        at: None,
        remediation: remediation.to_string(),
        references: references(id, ""),
        controls: super::compliance::of(id),
    }
}

pub(super) fn trace(d: &Design, from: &str, to: &str, proto: Protocol, port: u16) -> Option<Trace> {
    trace_with(d, from, to, proto, port, TraceOptions::default())
}

/// [`trace`] with options (the live audit records what a witness trace reads).
pub(super) fn trace_with(
    d: &Design,
    from: &str,
    to: &str,
    proto: Protocol,
    port: u16,
    opts: TraceOptions,
) -> Option<Trace> {
    let src = parse_endpoint(d, from, Side::Source).ok()?;
    let dst = parse_endpoint(d, to, Side::Destination).ok()?;
    let origin = origin_of(d, &src).ok()?;
    Some(trace_from(d, origin, &dst, proto, port, from, to, opts))
}

pub(super) fn with_witness(mut f: Finding, t: Trace) -> Finding {
    f.witness = Some(format!(
        "{} → {} {}/{}",
        t.from, t.to, t.flow.protocol, t.flow.dst_port
    ));
    f.trace = Some(t);
    f
}

/// Every finding of a design, in a stable order.
pub fn all(d: &Design, flows: &[FlowResult]) -> Vec<Finding> {
    all_with(d, flows, RuleLint::of(d))
}

/// [`all`], with the findings about rules alone already worked out.
pub fn all_with(d: &Design, flows: &[FlowResult], lint: RuleLint) -> Vec<Finding> {
    assemble(d, flows, &lint, &super::loops::routing_loops(d, None))
}

/// Every finding of a design, in a stable order, with the findings about rules alone and the
/// routing loops' (AML-ROUTING-LOOP, before they are located) already worked out: the live
/// audit (`aml/live.rs`) keeps those across the edits that cannot change them.
pub(super) fn assemble(
    d: &Design,
    flows: &[FlowResult],
    lint: &RuleLint,
    loops: &[Finding],
) -> Vec<Finding> {
    let mut v = Vec::new();
    public_services(d, &mut v);
    super::ai_services::all(d, &mut v);
    super::service_findings::all(d, &mut v);
    internet_inbound(d, &mut v);
    exfiltration(d, &mut v);
    let flagged = v.clone();
    super::azure_egress::all(d, &flagged, &mut v);
    super::limits::all(d, &mut v);
    super::studio::all(d, &mut v);
    dns(d, flows, &mut v);
    service_endpoint_bypass(d, &mut v);
    v.extend_from_slice(loops);
    v.extend(lint.nsgs.iter().flatten().cloned());
    v.extend_from_slice(&lint.firewalls);
    asymmetric(flows, &mut v);
    capacity(d, &mut v);
    inference(d, &mut v);
    super::ingress::all(d, &mut v);
    // Every finding names the element it is about and its line in the file: the first of its
    // resources that is an element of the file.
    for f in &mut v {
        if f.at.is_none() {
            f.at = f.resources.iter().find_map(|r| {
                locate(d, r).or_else(|| locate(d, r.split(':').next().unwrap_or_default()))
            });
        }
    }
    v
}

/// AML-PUBLIC-WORKSPACE, AML-PUBLIC-DEPENDENCY: the internet reaches the workspace or a
/// dependent service (critical when the workspace itself is private).
fn public_services(d: &Design, v: &mut Vec<Finding>) {
    // A project's dependencies are its hub's, reported once with the hub (A1).
    for ws in d
        .services
        .iter()
        .filter(|s| s.kind == ServiceKind::MlWorkspace && s.hub.is_none())
    {
        if let Some(t) = trace(
            d,
            "internet",
            &format!("{}:amlworkspace", ws.name),
            Protocol::Tcp,
            443,
        )
        .filter(|t| t.verdict.allowed())
        {
            v.push(with_witness(
                finding("AML-PUBLIC-WORKSPACE", Severity::High, format!("workspace {} is reachable from the internet", ws.name), vec![ws.name.clone()], "set public_network_access: disabled on the workspace and reach it through a private endpoint (D5)"),
                t,
            ));
        }
        for (dep, group) in [
            (ws.storage, "blob"),
            (ws.key_vault, "vault"),
            (ws.container_registry, "registry"),
        ] {
            let Some(dep) = dep else { continue };
            let s = &d.services[dep.ix()];
            if let Some(t) = trace(
                d,
                "internet",
                &format!("{}:{group}", s.name),
                Protocol::Tcp,
                443,
            )
            .filter(|t| t.verdict.allowed())
            {
                let (sev, title) = if ws.public_network_access {
                    (
                        Severity::High,
                        format!(
                            "{} ({} of workspace {}) is reachable from the internet",
                            s.name, s.kind, ws.name
                        ),
                    )
                } else {
                    (
                        Severity::Critical,
                        format!(
                            "private workspace {}, public {}: {} is reachable from the internet",
                            ws.name, s.kind, s.name
                        ),
                    )
                };
                let mut f = finding(
                    "AML-PUBLIC-DEPENDENCY",
                    sev,
                    title,
                    vec![ws.name.clone(), s.name.clone()],
                    "disable public network access on the service (or default action deny with no broad rules) and use a private endpoint (D2–D4)",
                );
                f.references = references("AML-PUBLIC-DEPENDENCY", s.kind.as_str());
                f.at = locate(d, &s.name);
                v.push(with_witness(f, t));
            }
        }
    }
}

/// AML-INBOUND-INTERNET: a compute, inference target or jumpbox reachable from an ordinary
/// internet address on any port (Azure ML's own 44224 comes from its service tag, not from here).
fn internet_inbound(d: &Design, v: &mut Vec<Finding>) {
    for (i, w) in d.workloads.iter().enumerate() {
        if !(is_ml_target(w.kind) || w.kind == WorkloadKind::Jumpbox) {
            continue;
        }
        // A managed online endpoint's public scoring ingress is AML-INFERENCE-PUBLIC's finding.
        if crate::trace::is_managed_endpoint(d, crate::model::WorkloadId(i as u32)) {
            continue;
        }
        let src = EndpointSet::One(Endpoint::Client(crate::model::ClientId(0)));
        let dst = EndpointSet::One(Endpoint::Workload(crate::model::WorkloadId(i as u32)));
        let res = check_set(
            d,
            &src,
            &dst,
            &[Protocol::Tcp, Protocol::Udp],
            &PortSet::any(),
            false,
        );
        if res.delivered > 0 {
            let ports: Vec<String> = res
                .counterexamples
                .iter()
                .map(|c| format!("{} {}", c.protocol, c.ports))
                .collect();
            let mut f = finding(
                "AML-INBOUND-INTERNET",
                Severity::High,
                format!(
                    "{} ({}) is reachable from the internet on {}",
                    w.name,
                    w.kind,
                    ports.join(", ")
                ),
                vec![w.name.clone()],
                "remove the public IP (no-public-IP compute, private AKS/endpoint) or restrict the inbound rule to the required source tag and port",
            );
            f.references = references("AML-INBOUND-INTERNET", w.kind.as_str());
            if let Some(t) = res.witness {
                f = with_witness(f, t);
            }
            v.push(f);
        }
    }
}

/// AML-EXFILTRATION: a compute or inference target can open connections to an arbitrary
/// internet destination.
fn exfiltration(d: &Design, v: &mut Vec<Finding>) {
    for w in d.workloads.iter().filter(|w| is_ml_target(w.kind)) {
        if let Some(t) = trace(d, &w.name, "exfil.example.net", Protocol::Tcp, 443)
            .filter(|t| t.verdict.allowed())
        {
            let mut f = finding(
                "AML-EXFILTRATION",
                Severity::High,
                format!("{} can reach arbitrary internet destinations", w.name),
                vec![w.name.clone()],
                "deny Internet outbound in the NSG except the required service tags (E2), or route 0.0.0.0/0 through a firewall with an FQDN allow-list",
            );
            f.references = references("AML-EXFILTRATION", w.kind.as_str());
            v.push(with_witness(f, t));
        } else if let Some(f) = storage_exfiltration(d, w) {
            v.push(f);
        }
    }
    // A managed VNet (E4): prove it with a flow to an arbitrary internet host.
    for ws in d
        .services
        .iter()
        .filter(|s| s.kind == ServiceKind::MlWorkspace)
    {
        let managed = ws
            .managed_network
            .as_ref()
            .is_some_and(|m| m.isolation != Isolation::Disabled);
        if !managed {
            continue;
        }
        let q = crate::trace::FlowQuery {
            from: format!("managed:{}", ws.name),
            to: "exfil.example.net".into(),
            protocol: Protocol::Tcp,
            port: 443,
        };
        let Ok(t) = crate::trace::trace(d, &q) else {
            continue;
        };
        if t.verdict.allowed() {
            let mut f = finding(
                "AML-EXFILTRATION",
                Severity::Medium,
                format!(
                    "computes in workspace {}'s managed VNet can reach arbitrary internet hosts",
                    ws.name
                ),
                vec![ws.name.clone()],
                "use isolation allow_only_approved_outbound (data exfiltration protection, E4) and approve only the hosts training needs",
            );
            f.references = references("AML-EXFILTRATION", ServiceKind::MlWorkspace.as_str());
            v.push(with_witness(f, t));
        }
    }
}

/// AML-EXFILTRATION over a storage service endpoint: a compute closed to the internet can
/// still copy data to any storage account its subnet's `Microsoft.Storage` endpoint covers — an
/// account outside the design. A service endpoint policy listing the workspace's accounts is
/// the documented control (docs/semantics.md S2).
fn storage_exfiltration(d: &Design, w: &crate::model::Workload) -> Option<Finding> {
    let sub = &d.subnets[w.subnet.ix()];
    if !sub.endpoint_policies.is_empty()
        || !sub
            .service_endpoints
            .iter()
            .any(|e| e.starts_with("Microsoft.Storage"))
    {
        return None;
    }
    let region = &d.vnets[sub.vnet.ix()].region;
    let storage = d.tags.regional("Storage", region)?;
    let foreign = (0..64)
        .filter_map(|k| storage.nth_wrapping(k))
        .find(|ip| d.services.iter().all(|s| s.public_ip != *ip))?;
    let t = trace(d, &w.name, &foreign.to_string(), Protocol::Tcp, 443)
        .filter(|t| t.verdict.allowed())?;
    let fix = format!(
        "attach to subnet {} a service endpoint policy that lists only the storage accounts the workspace uses (S2)",
        sub.name
    );
    Some(with_witness(
        finding(
            "AML-EXFILTRATION",
            Severity::Medium,
            format!(
                "{} can copy data to any storage account in {region}",
                w.name
            ),
            vec![w.name.clone(), sub.name.clone()],
            &fix,
        ),
        t,
    ))
}

/// AML-DNS-NOT-LINKED: a VNet that uses a private endpoint resolves its name publicly;
/// AML-DNS-ON-PREM: an on-premises ML user does.
fn dns(d: &Design, flows: &[FlowResult], v: &mut Vec<Finding>) {
    for f in flows
        .iter()
        .filter(|f| f.flow.stage == Stage::Dns && !f.works)
    {
        // An on-premises ML user resolves through its own DNS server: the fix is forwarding,
        // not a zone link (A3).
        let on_prem = d
            .client_by_name(&f.flow.from)
            .is_some_and(|c| d.clients[c.ix()].kind == crate::format::ClientKind::OnPrem);
        let on_prem_fix;
        let (id, remediation) = if on_prem {
            on_prem_fix = on_prem_remediation(d, &f.flow.from, &f.flow.to);
            ("AML-DNS-ON-PREM", on_prem_fix.as_str())
        } else {
            (
                "AML-DNS-NOT-LINKED",
                "link the private DNS zone to the VNet the clients resolve from (or forward to 168.63.129.16 from a linked VNet, C3/C4)",
            )
        };
        let mut x = finding(
            id,
            Severity::High,
            format!(
                "{} does not resolve {} to its private endpoint: {}",
                f.flow.from, f.flow.to, f.verdict
            ),
            vec![f.flow.from.clone(), f.flow.to.clone()],
            remediation,
        );
        if let Some(fix) = &f.fix {
            x.remediation = fix.change.clone();
        }
        if let Some(t) = &f.trace {
            x = with_witness(x, t.clone());
        }
        v.push(x);
    }
}

/// What an on-premises client needs to resolve `to` (`SERVICE:GROUP`) privately: a conditional
/// forwarder on its DNS server for the public zones of the subresource (Microsoft: "The
/// conditional forwarding must be made to the recommended public DNS zone forwarder") to an
/// inbound endpoint whose VNet the privatelink zones are linked to, when the design has one.
fn on_prem_remediation(d: &Design, from: &str, to: &str) -> String {
    let client = d.client_by_name(from).map(|c| &d.clients[c.ix()]);
    let (svc, group) = to.split_once(':').unwrap_or((to, ""));
    let svc = d.service_by_name(svc).map(|s| &d.services[s.ix()]);
    let zones: Vec<&str> = svc
        .and_then(|s| crate::model::catalog::subresource(s.kind, group))
        .map(|sub| sub.zones())
        .unwrap_or_default();
    let mut domains: Vec<String> = Vec::new();
    for z in &zones {
        let dom = format!("`{}`", z.trim_start_matches("privatelink."));
        if !domains.contains(&dom) {
            domains.push(dom);
        }
    }
    let inbound = d.dns.resolvers.iter().find_map(|r| {
        let linked = zones.iter().all(|z| {
            d.zones
                .iter()
                .any(|x| x.name.eq_ignore_ascii_case(z) && x.links.contains(&r.vnet))
        });
        r.inbound
            .first()
            .filter(|_| linked)
            .map(|(_, ip)| format!("inbound endpoint {ip} of DNS private resolver {}", r.name))
    });
    let server = match client.and_then(|c| c.dns_server) {
        Some(ip) => format!("DNS server {ip} of {from}"),
        None => format!("the DNS server {from} uses (the design names none: set its `dns_server`)"),
    };
    format!(
        "give {server} a conditional forwarder for {} to {} (A3; Microsoft, \"On-premises workloads using a DNS forwarder\")",
        if domains.is_empty() { "the service's public zone".to_string() } else { domains.join(", ") },
        inbound.unwrap_or_else(|| "the inbound endpoint of a DNS private resolver in a VNet linked to the privatelink zones (add one)".to_string())
    )
}

/// AML-SE-BYPASS: a subnet forced through a firewall also has service endpoints, whose routes
/// win and carry traffic to the service around the firewall (B4, B5).
fn service_endpoint_bypass(d: &Design, v: &mut Vec<Finding>) {
    for (i, s) in d.subnets.iter().enumerate() {
        let Some(rt) = s.route_table else { continue };
        let forced = d.route_tables[rt.ix()].routes.iter().any(|r| {
            r.next_hop == NextHopType::VirtualAppliance
                && r.prefixes.iter().any(|p| p.prefix_len() == 0)
        });
        if !forced || s.service_endpoints.is_empty() {
            continue;
        }
        for se in &s.service_endpoints {
            let tag = crate::tags::service_endpoint_tag(se).unwrap_or("Storage");
            let src = d
                .workloads
                .iter()
                .find(|w| w.subnet.ix() == i)
                .map(|w| w.name.clone())
                .unwrap_or_else(|| s.name.clone());
            let mut f = finding(
                "AML-SE-BYPASS",
                Severity::Medium,
                format!(
                    "{} sends {tag} traffic over service endpoint {se}, around its firewall",
                    s.name
                ),
                vec![s.name.clone(), se.clone()],
                "remove the service endpoint and use a private endpoint (inspected when routed), or accept the bypass explicitly",
            );
            if let Some(t) = trace(d, &src, &format!("service:{tag}"), Protocol::Tcp, 443) {
                f = with_witness(f, t);
            }
            v.push(f);
        }
    }
}

/// The findings about rules alone, with no traffic traced: per NSG, and the firewalls' (the
/// semantic lint of `aml/lint.rs`). An edit changes the rules of one NSG at most and never a
/// firewall's, so a what-if keeps this and lints again only the NSG an edit touches
/// ([`RuleLint::relint_nsg`]), or every NSG when it changes where NSGs apply or what
/// `VirtualNetwork` holds ([`RuleLint::relint_nsgs`]).
#[derive(Clone, Debug)]
pub struct RuleLint {
    nsgs: Vec<Vec<Finding>>,
    firewalls: Vec<Finding>,
}

impl RuleLint {
    /// Lints every NSG and Azure Firewall of the design.
    pub fn of(d: &Design) -> Self {
        let mut firewalls = Vec::new();
        super::lint::firewall_rules(d, &mut firewalls);
        let mut lint = Self {
            nsgs: Vec::new(),
            firewalls,
        };
        lint.relint_nsgs(d);
        lint
    }

    /// Lints one NSG again, after its rules changed.
    pub fn relint_nsg(&mut self, d: &Design, nsg: crate::model::NsgId) {
        self.nsgs[nsg.ix()] = nsg_rules(d, nsg);
    }

    /// Lints the Azure Firewalls and FortiGates again, after one of their rules changed.
    pub fn relint_firewalls(&mut self, d: &Design) {
        self.firewalls.clear();
        super::lint::firewall_rules(d, &mut self.firewalls);
    }

    /// Lints every NSG again, after an edit of where they apply or of peerings.
    pub fn relint_nsgs(&mut self, d: &Design) {
        self.nsgs = (0..d.nsgs.len())
            .map(|i| nsg_rules(d, crate::model::NsgId(i as u32)))
            .collect();
    }
}

/// AML-NSG-ANY-INBOUND, and the semantic lint's AML-RULE-SHADOWED, AML-RULE-REDUNDANT: NSG rules
/// wider than needed or never deciding anything.
fn nsg_rules(d: &Design, nsg: crate::model::NsgId) -> Vec<Finding> {
    let n = &d.nsgs[nsg.ix()];
    let mut v = Vec::new();
    for r in n
        .inbound
        .iter()
        .filter(|r| !r.is_default && r.access == Access::Allow)
    {
        let any_src = r.source.iter().any(|e| {
            matches!(e, AddrEntry::Any) || matches!(e, AddrEntry::Tag(t) if t == "Internet")
        });
        if any_src && r.destination_ports.is_any() {
            v.push(finding(
                "AML-NSG-ANY-INBOUND",
                Severity::High,
                format!(
                    "NSG {} rule {} allows any source to any port inbound",
                    n.name, r.name
                ),
                vec![format!("{}/{}", n.name, r.name)],
                "narrow the rule to the sources and ports the workload needs",
            ));
        }
    }
    v.extend(super::lint::nsg_rules(d, nsg));
    v
}

/// AML-ASYMMETRIC: a required flow whose reply takes another path through a stateful device.
fn asymmetric(flows: &[FlowResult], v: &mut Vec<Finding>) {
    for f in flows {
        let Some(t) = &f.trace else { continue };
        if matches!(&t.verdict, crate::trace::Verdict::Dropped { reason } if reason.contains("asymmetric"))
        {
            let mut x = finding(
                "AML-ASYMMETRIC",
                Severity::High,
                format!(
                    "asymmetric routing through a stateful firewall breaks {} → {}",
                    f.flow.from, f.flow.to
                ),
                vec![f.flow.from.clone(), f.flow.to.clone()],
                "route the reply the way the request came (e.g. AzureMachineLearning → Internet UDR for public-IP compute, E1/F5; SNAT for private endpoints, B6)",
            );
            if let Some(fix) = &f.fix {
                x.remediation = fix.change.clone();
            }
            v.push(with_witness(x, t.clone()));
        }
    }
}

/// Addresses a workload takes at full scale-out (AKS: autoscaler maximum, pods per node with
/// Azure CNI; S42, G).
/// Without `max_nodes` that is what it takes at its `node_count` ([`crate::model::Workload`]'s
/// `addresses`).
pub fn scale_addresses(w: &crate::model::Workload) -> u64 {
    match (w.kind, w.max_nodes) {
        (WorkloadKind::Aks, Some(max)) => aks_addresses(max, w.network_plugin, w.max_pods),
        _ => w.addresses,
    }
}

pub use crate::model::aks_addresses;

/// AML-SUBNET-CAPACITY: a subnet cannot hold its computes at full scale-out.
fn capacity(d: &Design, v: &mut Vec<Finding>) {
    // Per subnet: its workloads, and how many private endpoints and firewalls it holds.
    let mut held: Vec<(Vec<&crate::model::Workload>, u64)> = vec![(Vec::new(), 0); d.subnets.len()];
    for w in &d.workloads {
        held[w.subnet.ix()].0.push(w);
    }
    for s in d
        .private_endpoints
        .iter()
        .map(|p| p.subnet)
        .chain(d.firewalls.iter().map(|f| f.subnet))
    {
        held[s.ix()].1 += 1;
    }
    for (s, (ws, others)) in d.subnets.iter().zip(held) {
        if !ws.iter().any(|w| is_ml_target(w.kind)) {
            continue;
        }
        let need = ws
            .iter()
            .map(|w| scale_addresses(w))
            .fold(others, u64::saturating_add);
        let usable = s.usable_count();
        if need > usable {
            let len = crate::model::fitting_prefix(need);
            let parts: Vec<String> = ws
                .iter()
                .map(|w| {
                    format!(
                        "{} {}",
                        w.name,
                        crate::model::address_count(scale_addresses(w))
                    )
                })
                .collect();
            v.push(finding(
                "AML-SUBNET-CAPACITY",
                Severity::High,
                format!(
                    "subnet {} ({}) has {usable} usable addresses ({}) but scale-out needs {}: {}",
                    s.name,
                    s.prefixes_text(),
                    if s.prefixes.len() > 1 {
                        "5 reserved in each prefix"
                    } else {
                        "5 reserved"
                    },
                    crate::model::address_count(need),
                    parts.join(", ")
                ),
                vec![s.name.clone()],
                &format!(
                    "{}, lower max_nodes/max_pods, or use Azure CNI Overlay",
                    crate::model::resize_advice(len)
                ),
            ));
        }
    }
}

/// AML-INFERENCE-PUBLIC: an inference endpoint with public ingress, outside the VNet: only when
/// the trace shows a scoring request from the internet delivered (HTTPS, or HTTP for AKS), and
/// with that trace as the witness. An AKS public IP that its NSGs keep closed is not exposed.
fn inference(d: &Design, v: &mut Vec<Finding>) {
    for w in &d.workloads {
        let ports: &[u16] = match w.kind {
            WorkloadKind::OnlineEndpoint if w.public_network_access => &[443],
            WorkloadKind::Aks if w.public_ip.is_some() => &[443, 80],
            _ => &[],
        };
        if w.workspace.is_none() {
            continue;
        }
        let open = ports.iter().find_map(|&port| {
            trace(d, "internet", &w.name, Protocol::Tcp, port).filter(|t| t.verdict.allowed())
        });
        if let Some(t) = open {
            v.push(with_witness(finding("AML-INFERENCE-PUBLIC", Severity::High, format!("inference endpoint {} ({}) accepts scoring from the internet, outside the VNet", w.name, w.kind), vec![w.name.clone()], "set public_network_access: disabled on the managed online endpoint (scoring then uses the workspace private endpoint, E5), or use an internal load balancer for AKS (E6)"), t));
        }
    }
    let _ = is_aml_compute;
}
