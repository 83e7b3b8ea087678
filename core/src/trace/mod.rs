//! One concrete flow, fully explained: DNS from the source's resolver, then every hop in order
//! (NSGs out, the route chosen, peerings, firewalls, gateways, the PaaS firewall, NSGs in),
//! then the reply along its own path, which must cross the same stateful devices (P10, P12).

use crate::format::ClientKind;
use crate::model::{
    ClientId, Design, ElementRef, FirewallId, NsgId, ServiceId, SiteId, SubnetId, VnetId,
    WorkloadId,
};
use crate::net::{Flow, Protocol};
use crate::query::{Endpoint, QueryError, Side, parse_endpoint};
use serde::Serialize;
use std::collections::HashMap;
use std::net::Ipv4Addr;

/// What a hop checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Name resolution.
    Dns,
    /// An NSG, outbound.
    NsgOutbound,
    /// An NSG, inbound.
    NsgInbound,
    /// An Azure Virtual Network Manager security admin rule (before the NSGs).
    AdminRule,
    /// The effective route chosen.
    Route,
    /// Crossing a peering.
    Peering,
    /// A firewall or NVA.
    Firewall,
    /// A VPN/ExpressRoute gateway.
    Gateway,
    /// The PaaS service's firewall.
    ServiceFirewall,
    /// An application gateway's listener: the connection ends there and the gateway opens a
    /// new one to its backend pool.
    Proxy,
    /// Arrival at the destination.
    Deliver,
    /// The reply's path.
    Return,
}

/// One hop of a trace.
#[derive(Clone, Debug, Serialize)]
pub struct Hop {
    /// The element (subnet, NSG, firewall, service…) as the explanation names it.
    pub at: String,
    /// What was checked.
    pub step: Step,
    /// Whether the packet passed.
    pub ok: bool,
    /// The deciding rule or route and why.
    pub detail: String,
    /// The element the hop happened at, as data (JSON: its text id).
    pub element: ElementRef,
    /// The element that decided — the NSG rule, route, firewall rule or policy, private DNS
    /// zone, setting — when one did (JSON: its text id, or `null`).
    pub decided_by: Option<ElementRef>,
}

/// A hop being written: what [`Hop::new`] gives until [`HopDraft::element`] says where it
/// happened.
#[derive(Clone, Debug)]
#[must_use = "a hop needs its element"]
pub struct HopDraft {
    at: String,
    step: Step,
    ok: bool,
    detail: String,
}

impl Hop {
    /// A hop shown as `at`, checking `step`, with its outcome and explanation; its element
    /// follows (`Hop::new(at, step, ok, detail).element(e).decided_by(rule)`): a draft until
    /// then, so no hop can leave out where it happened.
    #[allow(clippy::new_ret_no_self)]
    pub fn new(at: impl Into<String>, step: Step, ok: bool, detail: impl Into<String>) -> HopDraft {
        HopDraft {
            at: at.into(),
            step,
            ok,
            detail: detail.into(),
        }
    }

    /// The element that decided the hop.
    pub fn decided_by(mut self, by: impl Into<Option<ElementRef>>) -> Self {
        self.decided_by = by.into();
        self
    }
}

impl HopDraft {
    /// The element the hop happened at.
    pub fn element(self, element: ElementRef) -> Hop {
        Hop {
            at: self.at,
            step: self.step,
            ok: self.ok,
            detail: self.detail,
            element,
            decided_by: None,
        }
    }
}

/// The outcome of a flow (P12: only `Delivered` is "allowed").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The request arrives and the reply returns.
    Delivered,
    /// A rule denied it.
    Denied {
        /// What denied it.
        by: String,
    },
    /// Routing dropped it (no route, `None` route, loop, asymmetric return).
    Dropped {
        /// Why.
        reason: String,
    },
    /// DNS did not give an address.
    Unresolved {
        /// The name.
        name: String,
    },
}

impl Verdict {
    /// Whether the flow works.
    pub fn allowed(&self) -> bool {
        matches!(self, Verdict::Delivered)
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Delivered => f.write_str("delivered"),
            Verdict::Denied { by } => write!(f, "denied by {by}"),
            Verdict::Dropped { reason } => write!(f, "dropped: {reason}"),
            Verdict::Unresolved { name } => write!(f, "unresolved: {name}"),
        }
    }
}

/// A traced flow.
#[derive(Clone, Debug, Serialize)]
pub struct Trace {
    /// The source as asked.
    pub from: String,
    /// The destination as asked.
    pub to: String,
    /// The packet as it left the source.
    pub flow: Flow,
    /// Every hop, forward then return.
    pub hops: Vec<Hop>,
    /// The outcome.
    pub verdict: Verdict,
    /// Subnets and firewalls the request crossed, in order.
    pub path: Vec<String>,
    /// The same elements as data (JSON: element ids); empty for a quiet trace.
    pub path_elements: Vec<ElementRef>,
    /// The lowest destination port above this flow's where a decision this trace consulted may
    /// change (65536 when none): every port from the flow's up to it gets the same decisions,
    /// hence the same trace (`reach` relies on it).
    #[serde(skip)]
    pub next_port_class: u32,
    /// The parts of the design the trace's decisions read, sorted (for re-checking only what
    /// an edit touches), when [`TraceOptions::record_touches`] asked for them.
    #[serde(skip)]
    pub touched: Vec<Touch>,
}

/// A part of the design a trace's decisions read. An edit that changes none of a trace's
/// parts cannot change the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Touch {
    /// Which NSG is attached to a subnet.
    SubnetNsg(SubnetId),
    /// An NSG's rules.
    Nsg(NsgId),
    /// A subnet's effective routes.
    Routes(SubnetId),
    /// A service's settings.
    Service(ServiceId),
    /// Settings of services in general (Azure ML's own paths read several).
    Services,
    /// Private DNS zone links.
    Dns,
    /// What a service's DNS names (public or privatelink form) resolve to: the records its
    /// private endpoints register, and whether it has one (the CNAME to the privatelink name).
    /// Recorded besides [`Touch::Dns`] when a name of the service is resolved.
    ServiceNames(ServiceId),
}

pub use crate::tags::DEFAULT_OUTBOUND_IP;

/// Ports the tracer itself compares with (DNS proxy, PaaS listeners, Azure ML, Bastion, the
/// managed network's required rules): always boundaries of a port class.
pub(crate) const FIXED_PORT_CUTS: [u32; 24] = [
    53, 54, 80, 81, 443, 444, 445, 446, 1433, 1434, 5831, 5832, 10250, 10257, 11000, 12000, 18881,
    18882, 29876, 29878, 44224, 44225, 8787, 8788,
];

/// A flow to trace, by name.
#[derive(Clone, Debug)]
pub struct FlowQuery {
    /// Source.
    pub from: String,
    /// Destination.
    pub to: String,
    /// Protocol.
    pub protocol: Protocol,
    /// Destination port (ignored for protocols without ports).
    pub port: u16,
}

/// Where a flow starts.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A NIC (or an unnamed host) in a subnet.
    Nic {
        /// Its subnet.
        subnet: SubnetId,
        /// Its address.
        ip: Ipv4Addr,
        /// Its NIC NSG.
        nsg: Option<NsgId>,
        /// What it is called.
        name: String,
    },
    /// A client behind an on-premises site.
    OnPrem {
        /// The site.
        site: SiteId,
        /// Its address.
        ip: Ipv4Addr,
        /// Authenticated identity groups.
        groups: Vec<String>,
        /// The DNS server it uses.
        dns_server: Option<Ipv4Addr>,
        /// Name.
        name: String,
    },
    /// The internet or an Azure service's backbone address.
    Outside {
        /// Its address.
        ip: Ipv4Addr,
        /// The Azure service tag it comes from, if any.
        tag: Option<String>,
        /// The service instance whose managed identity makes the request (`identity:`, S22).
        instance: Option<ServiceId>,
        /// Identity groups.
        groups: Vec<String>,
        /// Name.
        name: String,
    },
    /// A compute in a workspace's managed virtual network.
    Managed {
        /// The workspace.
        ws: ServiceId,
        /// The address its traffic appears from on the public side (inside `AzureMachineLearning`).
        ip: Ipv4Addr,
        /// Name (`managed:WORKSPACE`, `deployment:ENDPOINT/DEPLOYMENT`).
        name: String,
        /// A managed online endpoint's deployment, with whether its outbound to public
        /// networks is enabled (S24); `None`: a compute of the managed VNet.
        deployment: Option<bool>,
    },
}

impl Origin {
    fn ip(&self) -> Ipv4Addr {
        match self {
            Origin::Nic { ip, .. }
            | Origin::OnPrem { ip, .. }
            | Origin::Outside { ip, .. }
            | Origin::Managed { ip, .. } => *ip,
        }
    }
}

/// Options of a trace.
#[derive(Clone, Copy, Debug, Default)]
pub struct TraceOptions {
    /// Treat firewall rules that depend on a name (application rules) or an identity (FortiGate
    /// groups) as matching whatever name or identity a packet could carry. Used to prove that
    /// no packet of a set gets through.
    pub any_name_or_identity: bool,
    /// Record the parts of the design the decisions read in [`Trace::touched`] (for
    /// re-checking only what an edit touches); off, `touched` stays empty.
    pub record_touches: bool,
    /// Skip the explanation: `hops` stays empty (the verdict, path and port boundaries are
    /// the same). For questions over many packet classes, whose witness is traced again in full.
    pub quiet: bool,
    /// Forward a request an application gateway's listener takes to this member of the
    /// listener's backend pool only (an expectation that names the gateway in `via` and the
    /// member as `to`); `None`: to the first member that answers.
    pub backend: Option<Ipv4Addr>,
}

/// Traces a flow given by name.
pub fn trace(d: &Design, q: &FlowQuery) -> Result<Trace, QueryError> {
    trace_with_source_port(d, q, DEFAULT_SOURCE_PORT)
}

pub use crate::net::DEFAULT_SOURCE_PORT;

/// [`trace`] from a given source port (NSG rules can name source ports; ignored for protocols
/// without ports).
pub fn trace_with_source_port(
    d: &Design,
    q: &FlowQuery,
    src_port: u16,
) -> Result<Trace, QueryError> {
    let src = parse_endpoint(d, &q.from, Side::Source)?;
    let dst = parse_endpoint(d, &q.to, Side::Destination)?;
    let origin = origin_of(d, &src)?;
    let t = trace_from_port(
        d,
        origin,
        &dst,
        (q.protocol, src_port, q.port),
        (&q.from, &q.to),
        TraceOptions::default(),
        None,
    );
    Ok(drop_at_reserved(d, &dst, t))
}

/// The origin of a source endpoint.
pub fn origin_of(d: &Design, e: &Endpoint) -> Result<Origin, QueryError> {
    Ok(match e {
        Endpoint::Workload(w) => {
            let w = &d.workloads[w.ix()];
            Origin::Nic {
                subnet: w.subnet,
                ip: w.ip,
                nsg: w.nsg,
                name: w.name.clone(),
            }
        }
        Endpoint::Firewall(f) => {
            let f = &d.firewalls[f.ix()];
            Origin::Nic {
                subnet: f.subnet,
                ip: f.ip,
                nsg: None,
                name: f.name.clone(),
            }
        }
        Endpoint::Client(c) => client_origin(d, *c),
        Endpoint::Managed(ws) => Origin::Managed {
            ws: *ws,
            ip: d
                .tags
                .regional("AzureMachineLearning", &d.services[ws.ix()].region)
                .and_then(|s| s.nth_wrapping(7))
                .unwrap_or(Ipv4Addr::UNSPECIFIED),
            name: format!("managed:{}", d.services[ws.ix()].name),
            deployment: None,
        },
        Endpoint::Deployment(ws, e, dep) => {
            let s = &d.services[ws.ix()];
            let ep = &s.online_endpoints[*e];
            let (dn, egress) = &ep.deployments[*dep];
            Origin::Managed {
                ws: *ws,
                ip: d
                    .tags
                    .regional("AzureMachineLearning", &s.region)
                    .and_then(|set| set.nth_wrapping(11))
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                name: format!("deployment:{}/{dn}", ep.name),
                deployment: Some(*egress),
            }
        }
        Endpoint::ServiceTag(t) => Origin::Outside {
            ip: d
                .tags
                .get(t)
                .and_then(|s| s.nth_wrapping(4))
                .unwrap_or(Ipv4Addr::UNSPECIFIED),
            tag: Some(t.clone()),
            instance: None,
            groups: Vec::new(),
            name: format!("service:{t}"),
        },
        Endpoint::Identity(sid) => {
            let s = &d.services[sid.ix()];
            let tag = crate::model::catalog::public_tag(s.kind);
            Origin::Outside {
                ip: d
                    .tags
                    .regional(tag, &s.region)
                    .and_then(|set| set.nth_wrapping(9))
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                tag: Some(tag.to_string()),
                instance: Some(*sid),
                groups: Vec::new(),
                name: format!("identity:{}", s.name),
            }
        }
        Endpoint::Subnet(s) => {
            let sub = &d.subnets[s.ix()];
            let ip = sub.first_usable();
            origin_at_ip(d, ip).unwrap_or(Origin::Nic {
                subnet: *s,
                ip,
                nsg: None,
                name: sub.name.clone(),
            })
        }
        Endpoint::Ip(ip) => origin_at_ip(d, *ip).ok_or_else(|| QueryError {
            message: format!("{ip} is not inside any subnet"),
            help: None,
        })?,
        Endpoint::Service(..) | Endpoint::Fqdn(_) => {
            return Err(QueryError {
                message: "a service or name cannot be a source".into(),
                help: None,
            });
        }
    })
}

fn client_origin(d: &Design, c: ClientId) -> Origin {
    let c = &d.clients[c.ix()];
    match (c.kind, c.site) {
        (ClientKind::OnPrem, Some(site)) => Origin::OnPrem {
            site,
            ip: c.ip,
            groups: c.groups.clone(),
            dns_server: c.dns_server,
            name: c.name.clone(),
        },
        _ => Origin::Outside {
            ip: c.ip,
            tag: c.service_tag.clone(),
            instance: None,
            groups: c.groups.clone(),
            name: c.name.clone(),
        },
    }
}

/// The origin for a raw source address: a workload's NIC, a host in a subnet, an on-premises
/// host, or the outside. `None` only for 0.0.0.0.
pub fn origin_at_ip(d: &Design, ip: Ipv4Addr) -> Option<Origin> {
    if let Some(w) = d.workloads.iter().find(|w| w.ips.contains(ip)) {
        return Some(Origin::Nic {
            subnet: w.subnet,
            ip,
            nsg: w.nsg,
            name: w.name.clone(),
        });
    }
    if let Some(f) = d.firewalls.iter().find(|f| f.ip == ip) {
        return Some(Origin::Nic {
            subnet: f.subnet,
            ip,
            nsg: None,
            name: f.name.clone(),
        });
    }
    if let Some(s) = d.subnet_containing(ip) {
        return Some(Origin::Nic {
            subnet: s,
            ip,
            nsg: None,
            name: format!("host {ip} in {}", d.subnets[s.ix()].name),
        });
    }
    if let Some((i, _)) = d
        .sites
        .iter()
        .enumerate()
        .find(|(_, s)| s.prefixes.iter().any(|p| p.contains(&ip)))
    {
        return Some(Origin::OnPrem {
            site: SiteId(i as u32),
            ip,
            groups: Vec::new(),
            dns_server: None,
            name: format!("on-premises host {ip}"),
        });
    }
    if ip.is_unspecified() {
        return None;
    }
    // An address inside a service tag is not that service's identity: trusted-service
    // exceptions are granted by identity (D2), so a raw address is plain public traffic.
    Some(Origin::Outside {
        ip,
        tag: None,
        instance: None,
        groups: Vec::new(),
        name: format!("{ip}"),
    })
}

mod aml;
mod deployment;
mod egress;
mod endpoint_policy;
mod front_door;
mod proxy;
mod reply;
mod reserved;
mod route;
mod target;
mod walk;

use aml::aml_private_compute;
pub use aml::{is_aml_compute, is_managed_endpoint};
pub use reserved::{drop_at_reserved, reserved_role};
use target::{Target, target_at, target_subnet};

/// The NSG rules that match a packet's protocol and addresses, remembered across the traces of
/// one question: its packet classes differ only in ports, so each trace visits those rules
/// alone instead of every rule of every NSG on the way; and the answers of name resolution
/// (the traces of one question to a name ask the same resolvers the same name). A handle:
/// clones share the memory.
#[derive(Clone, Debug, Default)]
pub struct RuleCache(std::rc::Rc<std::cell::RefCell<Remembered>>);

/// What a [`RuleCache`] remembers.
#[derive(Debug, Default)]
struct Remembered {
    rules: HashMap<RuleKey, std::rc::Rc<[u32]>>,
    dns: HashMap<(crate::eval::dns::Resolver, String), std::rc::Rc<crate::eval::dns::DnsAnswer>>,
}

/// An NSG as applied (direction, VNet) to a packet's source, destination and protocol.
type RuleKey = (
    NsgId,
    bool,
    crate::model::VnetId,
    Ipv4Addr,
    Ipv4Addr,
    Protocol,
);

impl RuleCache {
    /// The rules for `key`, computed by `find` the first time.
    fn rules(&self, key: RuleKey, find: impl FnOnce() -> Vec<u32>) -> std::rc::Rc<[u32]> {
        self.0
            .borrow_mut()
            .rules
            .entry(key)
            .or_insert_with(|| find().into())
            .clone()
    }

    /// What `resolver` answers for `name` (a design's answers depend on nothing else),
    /// computed by `resolve` the first time.
    fn dns(
        &self,
        resolver: crate::eval::dns::Resolver,
        name: &str,
        resolve: impl FnOnce() -> crate::eval::dns::DnsAnswer,
    ) -> std::rc::Rc<crate::eval::dns::DnsAnswer> {
        let key = (resolver, name.to_string());
        if let Some(a) = self.0.borrow().dns.get(&key) {
            return a.clone();
        }
        let a = std::rc::Rc::new(resolve());
        self.0.borrow_mut().dns.insert(key, a.clone());
        a
    }
}

/// Traces a flow from an origin to a destination endpoint.
#[allow(clippy::too_many_arguments)]
pub fn trace_from(
    d: &Design,
    origin: Origin,
    dst: &Endpoint,
    protocol: Protocol,
    port: u16,
    from: &str,
    to: &str,
    opts: TraceOptions,
) -> Trace {
    trace_from_reusing(d, origin, dst, protocol, port, from, to, opts, None)
}

/// [`trace_from`], keeping in `cache` what the other traces of the same question reuse.
#[allow(clippy::too_many_arguments)]
pub fn trace_from_reusing(
    d: &Design,
    origin: Origin,
    dst: &Endpoint,
    protocol: Protocol,
    port: u16,
    from: &str,
    to: &str,
    opts: TraceOptions,
    cache: Option<&RuleCache>,
) -> Trace {
    trace_from_port(
        d,
        origin,
        dst,
        (protocol, DEFAULT_SOURCE_PORT, port),
        (from, to),
        opts,
        cache,
    )
}

/// [`trace_from_reusing`] with the (protocol, source port, destination port) given.
fn trace_from_port(
    d: &Design,
    origin: Origin,
    dst: &Endpoint,
    (protocol, src_port, port): (Protocol, u16, u16),
    (from, to): (&str, &str),
    opts: TraceOptions,
    cache: Option<&RuleCache>,
) -> Trace {
    let mut w = Walk::new(d, opts, &origin);
    w.rules = cache.cloned();
    let outside = matches!(origin, Origin::Outside { .. } | Origin::Managed { .. });
    // Resolve the destination to an address (DNS where it is a name).
    let (dst_ip, fqdn) = match dst {
        Endpoint::Workload(id) if aml::is_managed_endpoint(d, *id) => {
            // A managed online endpoint is scored through its workspace (E5): by name, which
            // resolves to the workspace's private endpoint or to Azure ML's public front end.
            let wl = &d.workloads[id.ix()];
            let region = &d.services[wl.workspace.expect("checked").ix()].region;
            w.scoring = Some(*id);
            w.resolve(
                &origin,
                &format!("{}.{region}.inference.ml.azure.com", wl.name),
            )
        }
        Endpoint::Workload(id) => {
            let wl = &d.workloads[id.ix()];
            match (outside, wl.public_ip) {
                (true, Some((_, pip))) => (Some(pip), None),
                _ => (Some(wl.ip), None),
            }
        }
        Endpoint::Firewall(id) => {
            let fw = &d.firewalls[id.ix()];
            (
                Some(if outside {
                    fw.public_ip.unwrap_or(fw.ip)
                } else {
                    fw.ip
                }),
                None,
            )
        }
        Endpoint::Client(c) => (Some(d.clients[c.ix()].ip), None),
        Endpoint::Managed(_) | Endpoint::Identity(_) | Endpoint::Deployment(..) => (None, None),
        Endpoint::ServiceTag(t) => (d.tags.get(t).and_then(|s| s.nth_wrapping(4)), None),
        Endpoint::Ip(ip) => (Some(*ip), None),
        Endpoint::Subnet(s) => (Some(d.subnets[s.ix()].first_usable()), None),
        Endpoint::Service(sid, group) => {
            let s = &d.services[sid.ix()];
            let sub = crate::model::catalog::subresource(s.kind, group).expect("parsed group");
            let name = crate::model::catalog::fill(sub.names[0].0, &s.name, &s.region)
                .replace('*', "score");
            w.resolve(&origin, &name)
        }
        Endpoint::Fqdn(name) => w.resolve(&origin, name),
    };
    let Some(dst_ip) = dst_ip else {
        let name = match dst {
            Endpoint::Fqdn(n) => n.clone(),
            Endpoint::Service(..) => to.to_string(),
            _ => to.to_string(),
        };
        return w.finish(
            from,
            to,
            Flow {
                src: origin.ip(),
                dst: origin.ip(),
                protocol,
                src_port: 0,
                dst_port: 0,
            },
            Verdict::Unresolved { name },
        );
    };
    w.fqdn = fqdn;
    let (src_port, dst_port) = if protocol.has_ports() {
        (src_port, port)
    } else {
        (0, 0)
    };
    let flow = Flow {
        src: origin.ip(),
        dst: dst_ip,
        protocol,
        src_port,
        dst_port,
    };
    w.flow = flow;
    w.port_floor = u32::from(flow.dst_port);
    let verdict = w.run(&origin);
    w.finish(from, to, flow, verdict)
}

/// Traces one concrete packet from a raw source address (used for sets of packets).
pub fn trace_packet(d: &Design, origin: Origin, flow: Flow, opts: TraceOptions) -> Trace {
    trace_packet_reusing(d, origin, flow, opts, None)
}

/// [`trace_packet`], keeping in `cache` what the other traces of the same question reuse.
pub fn trace_packet_reusing(
    d: &Design,
    origin: Origin,
    flow: Flow,
    opts: TraceOptions,
    cache: Option<&RuleCache>,
) -> Trace {
    let mut w = Walk::new(d, opts, &origin);
    w.rules = cache.cloned();
    w.flow = flow;
    w.port_floor = u32::from(flow.dst_port);
    let verdict = w.run(&origin);
    w.finish(&flow.src.to_string(), &flow.dst.to_string(), flow, verdict)
}

struct Walk<'d> {
    d: &'d Design,
    opts: TraceOptions,
    hops: Vec<Hop>,
    path: Vec<String>,
    path_elements: Vec<ElementRef>,
    flow: Flow,
    fqdn: Option<String>,
    groups: Vec<String>,
    /// Stateful devices the request crossed.
    stateful: Vec<FirewallId>,
    /// Where the destination's reply must go first (a SNAT device).
    snat: Option<FirewallId>,
    /// The source is an Azure service acting with its own identity (`service:TAG`).
    trusted: bool,
    /// The service instance whose identity makes the request (S22).
    instance: Option<ServiceId>,
    /// The subnet whose service endpoint carried the request to a PaaS service, if one did.
    service_endpoint_subnet: Option<SubnetId>,
    /// The public address a request appeared from when it left Azure to come back in through a
    /// workload's public IP (the reply goes there first).
    reply_to: Option<Ipv4Addr>,
    /// The public source an explicit outbound method (NAT gateway, the sender's public IP)
    /// gave the request when it left Azure.
    egress_ip: Option<Ipv4Addr>,
    /// The flow's destination port when the walk started, and the lowest consulted boundary
    /// above it so far.
    port_floor: u32,
    next_port_cut: u32,
    /// The service and subresource the destination name belongs to (from DNS).
    dns_service: Option<(ServiceId, &'static str)>,
    /// The managed online endpoint being scored, when the destination is one (E5).
    scoring: Option<WorkloadId>,
    /// The Azure ML private link service's NAT address the request entered the VNet from
    /// (no-public-IP compute, E3): the reply goes back to it.
    pls_nat: Option<Ipv4Addr>,
    /// What the decisions so far read.
    touched: Vec<Touch>,
    /// The VNet a request from a NIC started in (its Azure region decides storage IP rules, P16).
    origin_vnet: Option<VnetId>,
    /// NSG rules matching this question's packets, shared with its other traces.
    rules: Option<RuleCache>,
    /// Application gateways the request crossed before this leg.
    proxies: u8,
}

type Step_ = Result<(), Verdict>;
