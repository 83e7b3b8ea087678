//! One concrete flow, fully explained: DNS from the source's resolver, then every hop in order
//! (NSGs out, the route chosen, peerings, firewalls, gateways, the PaaS firewall, NSGs in),
//! then the reply along its own path, which must cross the same stateful devices (P10, P12).

use crate::eval::dns::{self, Resolver};
use crate::eval::firewall::{self, Context};
use crate::eval::nsg;
use crate::eval::paas::{self, Arrival};
use crate::eval::routes::NextHop;
use crate::format::{Access, ClientKind, Direction, PublicIpSku};
use crate::model::{
    ClientId, Design, FirewallId, NsgId, PeId, ServiceId, SiteId, SubnetId, VnetId, WorkloadId,
};
use crate::net::{Flow, Protocol};
use crate::query::{Endpoint, QueryError, Side, parse_endpoint};
use crate::tags::AZURE_HOST_IP;
use serde::Serialize;
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
    /// Arrival at the destination.
    Deliver,
    /// The reply's path.
    Return,
}

/// One hop of a trace.
#[derive(Clone, Debug, Serialize)]
pub struct Hop {
    /// The element (subnet, NSG, firewall, service…).
    pub at: String,
    /// What was checked.
    pub step: Step,
    /// Whether the packet passed.
    pub ok: bool,
    /// The deciding rule or route and why.
    pub detail: String,
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
}

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
        /// Identity groups.
        groups: Vec<String>,
        /// Name.
        name: String,
    },
}

impl Origin {
    fn ip(&self) -> Ipv4Addr {
        match self {
            Origin::Nic { ip, .. } | Origin::OnPrem { ip, .. } | Origin::Outside { ip, .. } => *ip,
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
}

/// Traces a flow given by name.
pub fn trace(d: &Design, q: &FlowQuery) -> Result<Trace, QueryError> {
    let src = parse_endpoint(d, &q.from, Side::Source)?;
    let dst = parse_endpoint(d, &q.to, Side::Destination)?;
    let origin = origin_of(d, &src)?;
    Ok(trace_from(
        d,
        origin,
        &dst,
        q.protocol,
        q.port,
        &q.from,
        &q.to,
        TraceOptions::default(),
    ))
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
        Endpoint::ServiceTag(t) => Origin::Outside {
            ip: d
                .tags
                .get(t)
                .and_then(|s| s.nth_wrapping(4))
                .unwrap_or(Ipv4Addr::UNSPECIFIED),
            tag: Some(t.clone()),
            groups: Vec::new(),
            name: format!("service:{t}"),
        },
        Endpoint::Subnet(s) => {
            let sub = &d.subnets[s.ix()];
            let ip = Ipv4Addr::from(crate::model::usable_range(sub.prefix).0);
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
        groups: Vec::new(),
        name: format!("{ip}"),
    })
}

/// What the packet is addressed to, once resolved.
#[derive(Clone, Debug)]
enum Target {
    Nic {
        subnet: SubnetId,
        nsg: Option<NsgId>,
        name: String,
        firewall: Option<FirewallId>,
    },
    Host {
        subnet: SubnetId,
    },
    Pe(PeId),
    ServicePublic(ServiceId),
    WorkloadPublic(WorkloadId),
    FirewallPublic(FirewallId),
    OnPrem(SiteId),
    Platform,
    Internet,
}

fn target_at(d: &Design, ip: Ipv4Addr) -> Target {
    if ip == AZURE_HOST_IP {
        return Target::Platform;
    }
    if let Some(i) = d.private_endpoints.iter().position(|p| p.ip == ip) {
        return Target::Pe(PeId(i as u32));
    }
    if let Some(w) = d.workloads.iter().position(|w| w.ips.contains(ip)) {
        let wl = &d.workloads[w];
        return Target::Nic {
            subnet: wl.subnet,
            nsg: wl.nsg,
            name: wl.name.clone(),
            firewall: None,
        };
    }
    if let Some(f) = d.firewalls.iter().position(|f| f.ip == ip) {
        let fw = &d.firewalls[f];
        return Target::Nic {
            subnet: fw.subnet,
            nsg: None,
            name: fw.name.clone(),
            firewall: Some(FirewallId(f as u32)),
        };
    }
    if let Some(s) = d.subnet_containing(ip) {
        return Target::Host { subnet: s };
    }
    if let Some(s) = d.services.iter().position(|s| s.public_ip == ip) {
        return Target::ServicePublic(ServiceId(s as u32));
    }
    if let Some(w) = d
        .workloads
        .iter()
        .position(|w| w.public_ip.is_some_and(|(_, a)| a == ip))
    {
        return Target::WorkloadPublic(WorkloadId(w as u32));
    }
    if let Some(f) = d.firewalls.iter().position(|f| f.public_ip == Some(ip)) {
        return Target::FirewallPublic(FirewallId(f as u32));
    }
    if let Some(i) = d
        .sites
        .iter()
        .position(|s| s.prefixes.iter().any(|p| p.contains(&ip)))
    {
        return Target::OnPrem(SiteId(i as u32));
    }
    Target::Internet
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
    let mut w = Walk::new(d, opts, &origin);
    let outside = matches!(origin, Origin::Outside { .. });
    // Resolve the destination to an address (DNS where it is a name).
    let (dst_ip, fqdn) = match dst {
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
        Endpoint::ServiceTag(t) => (d.tags.get(t).and_then(|s| s.nth_wrapping(4)), None),
        Endpoint::Ip(ip) => (Some(*ip), None),
        Endpoint::Subnet(s) => (
            Some(Ipv4Addr::from(
                crate::model::usable_range(d.subnets[s.ix()].prefix).0,
            )),
            None,
        ),
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
        (50000, port)
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
    let verdict = w.run(&origin);
    w.finish(from, to, flow, verdict)
}

/// Traces one concrete packet from a raw source address (used for sets of packets).
pub fn trace_packet(d: &Design, origin: Origin, flow: Flow, opts: TraceOptions) -> Trace {
    let mut w = Walk::new(d, opts, &origin);
    w.flow = flow;
    let verdict = w.run(&origin);
    w.finish(&flow.src.to_string(), &flow.dst.to_string(), flow, verdict)
}

struct Walk<'d> {
    d: &'d Design,
    opts: TraceOptions,
    hops: Vec<Hop>,
    path: Vec<String>,
    flow: Flow,
    fqdn: Option<String>,
    groups: Vec<String>,
    /// Stateful devices the request crossed.
    stateful: Vec<FirewallId>,
    /// Where the destination's reply must go first (a SNAT device).
    snat: Option<FirewallId>,
    /// The source is an Azure service acting with its own identity (`service:TAG`).
    trusted: bool,
    /// The Azure ML private link service's NAT address the request entered the VNet from
    /// (no-public-IP compute, E3): the reply goes back to it.
    pls_nat: Option<Ipv4Addr>,
}

type Step_ = Result<(), Verdict>;

impl<'d> Walk<'d> {
    fn new(d: &'d Design, opts: TraceOptions, origin: &Origin) -> Self {
        let groups = match origin {
            Origin::OnPrem { groups, .. } | Origin::Outside { groups, .. } => groups.clone(),
            Origin::Nic { .. } => Vec::new(),
        };
        Self {
            d,
            opts,
            hops: Vec::new(),
            path: Vec::new(),
            flow: Flow {
                src: Ipv4Addr::UNSPECIFIED,
                dst: Ipv4Addr::UNSPECIFIED,
                protocol: Protocol::Tcp,
                src_port: 0,
                dst_port: 0,
            },
            fqdn: None,
            groups,
            stateful: Vec::new(),
            snat: None,
            trusted: matches!(origin, Origin::Outside { tag: Some(_), .. }),
            pls_nat: None,
        }
    }

    fn hop(&mut self, at: impl Into<String>, step: Step, ok: bool, detail: impl Into<String>) {
        self.hops.push(Hop {
            at: at.into(),
            step,
            ok,
            detail: detail.into(),
        });
    }

    fn finish(self, from: &str, to: &str, flow: Flow, verdict: Verdict) -> Trace {
        Trace {
            from: from.to_string(),
            to: to.to_string(),
            flow,
            hops: self.hops,
            verdict,
            path: self.path,
        }
    }

    fn resolve(&mut self, origin: &Origin, name: &str) -> (Option<Ipv4Addr>, Option<String>) {
        let d = self.d;
        let (resolver, why) = match origin {
            Origin::Nic { subnet, .. } => dns::resolver_for_vnet(d, d.subnets[subnet.ix()].vnet),
            Origin::OnPrem {
                dns_server: Some(ip),
                name: n,
                ..
            } => dns::resolver_at(d, *ip, n),
            Origin::OnPrem { name: n, .. } => (
                Resolver::Public,
                format!(
                    "{n} uses an on-premises resolver without conditional forwarding: public DNS only"
                ),
            ),
            Origin::Outside { name: n, .. } => {
                (Resolver::Public, format!("{n} resolves through public DNS"))
            }
        };
        let answer = dns::resolve(d, name, resolver);
        let mut detail = why;
        for s in &answer.steps {
            detail.push_str("; ");
            detail.push_str(s);
        }
        let ok = answer.address.is_ok();
        self.hop(name, Step::Dns, ok, detail);
        (answer.address.ok(), Some(answer.name))
    }

    fn cx(&self) -> Context<'_> {
        Context {
            fqdn: self.fqdn.as_deref(),
            groups: &self.groups,
            any: self.opts.any_name_or_identity,
        }
    }

    fn nsg(&mut self, nsg: NsgId, dir: Direction, vnet: VnetId, at: &str) -> Step_ {
        let d = self.d;
        let dec = nsg::evaluate(d, nsg, dir, vnet, &self.flow);
        let rule = &d.nsgs[nsg.ix()].rules(dir)[dec.rule];
        let ok = dec.access == Access::Allow;
        let step = if dir == Direction::Inbound {
            Step::NsgInbound
        } else {
            Step::NsgOutbound
        };
        let name = &d.nsgs[nsg.ix()].name;
        self.hop(
            format!("{name} ({at})"),
            step,
            ok,
            format!(
                "{} {} by {}",
                if ok { "allowed" } else { "denied" },
                dir,
                nsg::describe(d, rule)
            ),
        );
        if ok {
            Ok(())
        } else {
            Err(Verdict::Denied {
                by: format!("NSG {name} rule {} ({dir})", rule.name),
            })
        }
    }

    /// Outbound NSGs of a NIC: NIC first, then subnet (A4).
    fn nsgs_out(&mut self, subnet: SubnetId, nic_nsg: Option<NsgId>, who: &str) -> Step_ {
        let vnet = self.d.subnets[subnet.ix()].vnet;
        if let Some(n) = nic_nsg {
            self.nsg(n, Direction::Outbound, vnet, &format!("NIC of {who}"))?;
        }
        if let Some(n) = self.d.subnets[subnet.ix()].nsg {
            let at = format!("subnet {}", self.d.subnets[subnet.ix()].name);
            self.nsg(n, Direction::Outbound, vnet, &at)?;
        }
        Ok(())
    }

    /// Inbound NSGs: subnet first, then NIC (A4).
    fn nsgs_in(&mut self, subnet: SubnetId, nic_nsg: Option<NsgId>, who: &str) -> Step_ {
        let vnet = self.d.subnets[subnet.ix()].vnet;
        if let Some(n) = self.d.subnets[subnet.ix()].nsg {
            let at = format!("subnet {}", self.d.subnets[subnet.ix()].name);
            self.nsg(n, Direction::Inbound, vnet, &at)?;
        }
        if let Some(n) = nic_nsg {
            self.nsg(n, Direction::Inbound, vnet, &format!("NIC of {who}"))?;
        }
        Ok(())
    }

    fn run(&mut self, origin: &Origin) -> Verdict {
        match self.forward(origin) {
            Ok(()) => {}
            Err(v) => return v,
        }
        match self.reply(origin) {
            Ok(()) => Verdict::Delivered,
            Err(v) => v,
        }
    }

    fn forward(&mut self, origin: &Origin) -> Step_ {
        let d = self.d;
        match origin {
            Origin::Nic {
                subnet, nsg, name, ..
            } => {
                self.path.push(d.subnets[subnet.ix()].name.clone());
                if self.flow.dst == AZURE_HOST_IP {
                    self.hop("168.63.129.16", Step::Deliver, true, "the Azure host address (DNS, health probes) is not subject to NSGs or routes (P11)");
                    return Ok(());
                }
                self.nsgs_out(*subnet, *nsg, name)?;
                let reached = self.route_from(*subnet, false, false)?;
                self.deliver(reached)
            }
            Origin::OnPrem { site, name, .. } => {
                let gw = &d.gateways[d.sites[site.ix()].gateway.ix()];
                self.hop(
                    &gw.name,
                    Step::Gateway,
                    true,
                    format!(
                        "{name} enters Azure through gateway {} from site {}",
                        gw.name,
                        d.sites[site.ix()].name
                    ),
                );
                self.path.push(d.subnets[gw.subnet.ix()].name.clone());
                let reached = self.route_from(gw.subnet, true, true)?;
                self.deliver(reached)
            }
            Origin::Outside { name, tag, .. } => {
                let target = target_at(d, self.flow.dst);
                if let Some(w) = aml_private_compute(d, tag.as_deref(), self.flow.dst) {
                    return self.aml_private_link(w, name, target);
                }
                match target {
                    Target::Nic { .. } | Target::Host { .. } | Target::Pe(_) => {
                        self.hop(
                            name,
                            Step::Route,
                            false,
                            format!(
                                "{} is a private address: it cannot be reached from outside Azure",
                                self.flow.dst
                            ),
                        );
                        Err(Verdict::Dropped {
                            reason: format!(
                                "{} is private and not reachable from {name}",
                                self.flow.dst
                            ),
                        })
                    }
                    Target::OnPrem(_) => Err(Verdict::Dropped {
                        reason: "on-premises addresses are not reachable from outside".into(),
                    }),
                    t => self.deliver(t),
                }
            }
        }
    }

    /// Follows routes from `subnet` until the packet reaches its target.
    /// `forwarded`: the packet did not originate in this subnet's VNet (P13).
    fn route_from(
        &mut self,
        subnet: SubnetId,
        mut forwarded: bool,
        mut from_gateway: bool,
    ) -> Result<Target, Verdict> {
        let d = self.d;
        let mut subnet = subnet;
        let mut seen: Vec<FirewallId> = Vec::new();
        for _ in 0..16 {
            let view = &d.derived.routes[subnet.ix()];
            let sname = d.subnets[subnet.ix()].name.clone();
            let Some(choice) = view.lookup(self.flow.dst) else {
                self.hop(
                    &sname,
                    Step::Route,
                    false,
                    format!("no route for {}", self.flow.dst),
                );
                return Err(Verdict::Dropped {
                    reason: format!("no route for {} in {sname}", self.flow.dst),
                });
            };
            let r = &view.routes[choice.index];
            let via = match r.next_hop.ip(d) {
                Some(ip) => format!(" {ip}"),
                None => String::new(),
            };
            let detail = format!(
                "{} matches {} → {}{via} ({:?} route \"{}\"; {})",
                self.flow.dst,
                r.prefix,
                r.next_hop.type_name(),
                r.source,
                r.name,
                choice.why
            );
            let vnet = d.subnets[subnet.ix()].vnet;
            match r.next_hop.clone() {
                NextHop::None => {
                    self.hop(&sname, Step::Route, false, detail);
                    return Err(Verdict::Dropped {
                        reason: format!("route {} in {sname} has next hop None", r.prefix),
                    });
                }
                NextHop::VnetLocal => {
                    self.hop(&sname, Step::Route, true, detail);
                    let target = target_at(d, self.flow.dst);
                    return match target_subnet(d, &target) {
                        Some(s) if d.subnets[s.ix()].vnet == vnet => Ok(target),
                        _ => Err(Verdict::Dropped {
                            reason: format!(
                                "{} is not in VNet {}",
                                self.flow.dst,
                                d.vnets[vnet.ix()].name
                            ),
                        }),
                    };
                }
                NextHop::VnetPeering { vnet: remote } => {
                    self.hop(&sname, Step::Route, true, detail);
                    self.cross_peering(vnet, remote, forwarded, from_gateway)?;
                    let target = target_at(d, self.flow.dst);
                    return match target_subnet(d, &target) {
                        Some(s) if d.subnets[s.ix()].vnet == remote => Ok(target),
                        _ => Err(Verdict::Dropped {
                            reason: format!(
                                "no subnet of VNet {} holds {}",
                                d.vnets[remote.ix()].name,
                                self.flow.dst
                            ),
                        }),
                    };
                }
                NextHop::InterfaceEndpoint { pe } => {
                    self.hop(&sname, Step::Route, true, detail);
                    let pe_vnet = d.subnets[d.private_endpoints[pe.ix()].subnet.ix()].vnet;
                    if pe_vnet != vnet {
                        self.cross_peering(vnet, pe_vnet, forwarded, from_gateway)?;
                    }
                    return Ok(Target::Pe(pe));
                }
                NextHop::Internet => {
                    self.hop(&sname, Step::Route, true, detail);
                    let target = target_at(d, self.flow.dst);
                    return match target {
                        Target::Nic { .. }
                        | Target::Host { .. }
                        | Target::Pe(_)
                        | Target::OnPrem(_) => Err(Verdict::Dropped {
                            reason: format!(
                                "{} is private but routed to the Internet next hop",
                                self.flow.dst
                            ),
                        }),
                        t => Ok(t),
                    };
                }
                NextHop::VirtualNetworkServiceEndpoint { tag } => {
                    self.hop(&sname, Step::Route, true, detail);
                    return match target_at(d, self.flow.dst) {
                        Target::ServicePublic(s) => Ok(Target::ServicePublic(s)),
                        _ => {
                            self.hop(
                                &tag,
                                Step::Deliver,
                                true,
                                format!("reaches the {tag} service over the service endpoint"),
                            );
                            Ok(Target::Internet)
                        }
                    };
                }
                NextHop::VirtualNetworkGateway { gateway } => {
                    let Some(g) = gateway else {
                        self.hop(&sname, Step::Route, false, detail);
                        return Err(Verdict::Dropped {
                            reason: format!(
                                "{sname} routes to a virtual network gateway, but none is reachable"
                            ),
                        });
                    };
                    self.hop(&sname, Step::Route, true, detail);
                    let gw = &d.gateways[g.ix()];
                    match d.sites.iter().position(|s| {
                        s.gateway == g && s.prefixes.iter().any(|p| p.contains(&self.flow.dst))
                    }) {
                        Some(site) => {
                            self.hop(
                                &gw.name,
                                Step::Gateway,
                                true,
                                format!(
                                    "gateway {} sends it to site {}",
                                    gw.name, d.sites[site].name
                                ),
                            );
                            return Ok(Target::OnPrem(SiteId(site as u32)));
                        }
                        None => {
                            self.hop(
                                &gw.name,
                                Step::Gateway,
                                false,
                                format!(
                                    "gateway {} has no site route for {}",
                                    gw.name, self.flow.dst
                                ),
                            );
                            return Err(Verdict::Dropped {
                                reason: format!(
                                    "gateway {} has no route to {}",
                                    gw.name, self.flow.dst
                                ),
                            });
                        }
                    }
                }
                NextHop::VirtualAppliance { ip } => {
                    let appliance = d
                        .firewalls
                        .iter()
                        .position(|f| f.ip == ip)
                        .map(|i| FirewallId(i as u32));
                    let Some(fid) = appliance else {
                        let wl = d.workloads.iter().find(|w| w.ip == ip && w.ip_forwarding);
                        if let Some(wl) = wl {
                            // A workload with IP forwarding acts as a stateless router.
                            self.hop(&sname, Step::Route, true, detail);
                            let wsub = wl.subnet;
                            let wvnet = d.subnets[wsub.ix()].vnet;
                            if wvnet != vnet {
                                self.cross_peering(vnet, wvnet, forwarded, from_gateway)?;
                            }
                            self.hop(
                                &wl.name,
                                Step::Firewall,
                                true,
                                format!("{} forwards it (IP forwarding on its NIC)", wl.name),
                            );
                            self.path.push(wl.name.clone());
                            subnet = wsub;
                            forwarded = true;
                            from_gateway = false;
                            continue;
                        }
                        self.hop(
                            &sname,
                            Step::Route,
                            false,
                            format!("{detail}; but no firewall or IP-forwarding NIC has {ip}"),
                        );
                        return Err(Verdict::Dropped {
                            reason: format!("next hop {ip} is not a firewall or NVA"),
                        });
                    };
                    self.hop(&sname, Step::Route, true, detail);
                    if seen.contains(&fid) {
                        return Err(Verdict::Dropped {
                            reason: format!("routing loop through {}", d.firewalls[fid.ix()].name),
                        });
                    }
                    seen.push(fid);
                    let fw_subnet = d.firewalls[fid.ix()].subnet;
                    let fw_vnet = d.subnets[fw_subnet.ix()].vnet;
                    if fw_vnet != vnet {
                        if d.peering(vnet, fw_vnet).is_none_or(|p| !p.connected) {
                            return Err(Verdict::Dropped {
                                reason: format!(
                                    "next hop {ip} is in VNet {}, which is not directly peered (B3)",
                                    d.vnets[fw_vnet.ix()].name
                                ),
                            });
                        }
                        self.cross_peering(vnet, fw_vnet, forwarded, from_gateway)?;
                    }
                    self.appliance(fid)?;
                    subnet = fw_subnet;
                    forwarded = true;
                    from_gateway = false;
                }
            }
        }
        Err(Verdict::Dropped {
            reason: "more than 16 routing hops (loop)".into(),
        })
    }

    /// Crossing the peering `from` → `to` (P13: forwarded traffic needs the receiving side's
    /// allow_forwarded_traffic, unless it comes from a gateway the receiver uses by transit).
    fn cross_peering(
        &mut self,
        from: VnetId,
        to: VnetId,
        forwarded: bool,
        from_gateway: bool,
    ) -> Step_ {
        let d = self.d;
        let (a, b) = (&d.vnets[from.ix()].name, &d.vnets[to.ix()].name);
        let back = d.peering(to, from);
        if forwarded {
            let transit =
                from_gateway && d.peering(to, from).is_some_and(|p| p.use_remote_gateways);
            let allowed = back.is_some_and(|p| p.allow_forwarded_traffic);
            if !(allowed || transit) {
                self.hop(format!("peering {a} → {b}"), Step::Peering, false,
                    format!("the packet was forwarded (it did not originate in {a}), and {b}'s link to {a} does not allow forwarded traffic (P13)"));
                return Err(Verdict::Dropped {
                    reason: format!("peering {b} ← {a} does not allow forwarded traffic"),
                });
            }
            let why = if transit {
                "gateway transit"
            } else {
                "allow_forwarded_traffic"
            };
            self.hop(
                format!("peering {a} → {b}"),
                Step::Peering,
                true,
                format!("forwarded traffic accepted by {b} ({why})"),
            );
        } else {
            self.hop(
                format!("peering {a} → {b}"),
                Step::Peering,
                true,
                "crosses the peering".to_string(),
            );
        }
        Ok(())
    }

    fn appliance(&mut self, fid: FirewallId) -> Step_ {
        let d = self.d;
        let fw = &d.firewalls[fid.ix()];
        self.path.push(fw.name.clone());
        if fw.kind != crate::format::FirewallKind::AzureFirewall
            && let Some(n) = d.subnets[fw.subnet.ix()].nsg
        {
            let vnet = d.subnets[fw.subnet.ix()].vnet;
            let at = format!("subnet {}", d.subnets[fw.subnet.ix()].name);
            self.nsg(n, Direction::Inbound, vnet, &at)?;
        }
        let dec = firewall::evaluate(d, fid, &self.flow, &self.cx());
        self.hop(
            &fw.name,
            Step::Firewall,
            dec.allowed,
            format!("{}: {}", dec.rule, dec.reason),
        );
        if !dec.allowed {
            return Err(Verdict::Denied {
                by: format!("firewall {} ({})", fw.name, dec.rule),
            });
        }
        if fw.stateful {
            self.stateful.push(fid);
        }
        if let Some((addr, port)) = dec.dnat {
            self.flow.dst = addr;
            self.flow.dst_port = port;
        }
        if dec.snat {
            self.flow.src = fw.ip;
            self.snat = Some(fid);
        }
        Ok(())
    }

    fn deliver(&mut self, target: Target) -> Step_ {
        let d = self.d;
        match target {
            Target::Nic {
                subnet,
                nsg,
                name,
                firewall,
                ..
            } => {
                self.path.push(d.subnets[subnet.ix()].name.clone());
                if let Some(f) = firewall
                    && d.firewalls[f.ix()].kind == crate::format::FirewallKind::AzureFirewall
                {
                    let ok = d.firewalls[f.ix()].dns_proxy && self.flow.dst_port == 53;
                    self.hop(&name, Step::Deliver, ok, if ok { "the firewall's DNS proxy answers on port 53" } else { "Azure Firewall accepts traffic to its private address only for its DNS proxy" });
                    return if ok {
                        Ok(())
                    } else {
                        Err(Verdict::Denied {
                            by: format!("firewall {name}"),
                        })
                    };
                }
                self.nsgs_in(subnet, nsg, &name)?;
                self.hop(
                    &name,
                    Step::Deliver,
                    true,
                    format!("delivered to {name} ({})", self.flow.dst),
                );
                Ok(())
            }
            Target::Host { subnet } => {
                self.path.push(d.subnets[subnet.ix()].name.clone());
                self.nsgs_in(subnet, None, "host")?;
                self.hop(
                    &d.subnets[subnet.ix()].name,
                    Step::Deliver,
                    true,
                    format!(
                        "delivered to {} (no named workload holds it)",
                        self.flow.dst
                    ),
                );
                Ok(())
            }
            Target::Pe(pe) => {
                let p = &d.private_endpoints[pe.ix()];
                self.path.push(d.subnets[p.subnet.ix()].name.clone());
                let subnet = &d.subnets[p.subnet.ix()];
                let nsg_applies = matches!(
                    subnet.pe_policies,
                    crate::format::PeNetworkPolicies::Nsg
                        | crate::format::PeNetworkPolicies::Enabled
                );
                match (subnet.nsg, nsg_applies) {
                    (Some(n), true) => {
                        let at = format!("subnet {}", subnet.name);
                        self.nsg(n, Direction::Inbound, subnet.vnet, &at)?;
                    }
                    (Some(_), false) => {
                        let at = subnet.name.clone();
                        self.hop(at, Step::NsgInbound, true, "private endpoint network policies are disabled: the subnet NSG does not apply to private endpoints (A10)");
                    }
                    _ => {}
                }
                self.service(p.service, Arrival::PrivateEndpoint(pe))
            }
            Target::ServicePublic(sid) => {
                let arrival = match (self.last_se_subnet(), self.trusted) {
                    (Some(s), _) => Arrival::ServiceEndpoint(s),
                    (None, true) => Arrival::Trusted,
                    _ => Arrival::Public(self.public_source()),
                };
                self.service(sid, arrival)
            }
            Target::WorkloadPublic(wid) => {
                let wl = &d.workloads[wid.ix()];
                let (sku, pip) = wl.public_ip.expect("target has a public IP");
                self.hop(
                    &wl.name,
                    Step::Route,
                    true,
                    format!(
                        "{pip} is the {sku} public IP of {}; translated to {} before the NSGs (A1)",
                        wl.name, wl.ip
                    ),
                );
                self.flow.dst = wl.ip;
                self.path.push(d.subnets[wl.subnet.ix()].name.clone());
                if is_aml_compute(wl.kind) && wl.nsg.is_none() {
                    return self.aml_public_compute(wid);
                }
                let any_nsg = wl.nsg.is_some() || d.subnets[wl.subnet.ix()].nsg.is_some();
                if !any_nsg {
                    return if sku == PublicIpSku::Standard {
                        self.hop(&wl.name, Step::NsgInbound, false, "no NSG on the subnet or NIC: a Standard public IP is closed to inbound traffic until an NSG allows it (P1)");
                        Err(Verdict::Denied {
                            by: format!(
                                "Standard public IP of {} (secure by default, P1)",
                                wl.name
                            ),
                        })
                    } else {
                        self.hop(
                            &wl.name,
                            Step::NsgInbound,
                            true,
                            "no NSG, Basic public IP: open by default (P1)",
                        );
                        self.hop(
                            &wl.name,
                            Step::Deliver,
                            true,
                            format!("delivered to {}", wl.name),
                        );
                        Ok(())
                    };
                }
                self.nsgs_in(wl.subnet, wl.nsg, &wl.name.clone())?;
                self.hop(
                    &wl.name,
                    Step::Deliver,
                    true,
                    format!("delivered to {}", wl.name),
                );
                Ok(())
            }
            Target::FirewallPublic(fid) => {
                let fw = &d.firewalls[fid.ix()];
                self.hop(
                    &fw.name,
                    Step::Route,
                    true,
                    format!("{} is the public IP of firewall {}", self.flow.dst, fw.name),
                );
                self.appliance(fid)?;
                if self.flow.dst == fw.public_ip.unwrap_or(fw.ip) {
                    return Err(Verdict::Denied {
                        by: format!("firewall {} (no DNAT)", fw.name),
                    });
                }
                let reached = self.route_from(fw.subnet, true, false)?;
                self.deliver(reached)
            }
            Target::OnPrem(site) => {
                self.hop(
                    &d.sites[site.ix()].name,
                    Step::Deliver,
                    true,
                    format!("delivered on premises at site {}", d.sites[site.ix()].name),
                );
                Ok(())
            }
            Target::Platform => {
                self.hop(
                    "168.63.129.16",
                    Step::Deliver,
                    true,
                    "the Azure host address is not subject to NSGs or routes (P11)",
                );
                Ok(())
            }
            Target::Internet => {
                self.hop(
                    self.flow.dst.to_string(),
                    Step::Deliver,
                    true,
                    format!("leaves Azure to {} on the internet", self.flow.dst),
                );
                Ok(())
            }
        }
    }

    /// Azure ML's service reaching a no-public-IP compute: through the private link service
    /// created with the compute (E7 tip, E3), which needs the workspace's private endpoint. The
    /// connection enters the VNet from the private link service's NAT address in the compute's
    /// subnet, so the subnet and NIC NSGs see a `VirtualNetwork` source (why the docs list no
    /// inbound rule for it: `AllowVNetInBound` covers it unless a rule denies it).
    fn aml_private_link(&mut self, wid: WorkloadId, name: &str, target: Target) -> Step_ {
        let d = self.d;
        let wl = &d.workloads[wid.ix()];
        let ws = wl.workspace.map(|s| &d.services[s.ix()]);
        let pe = ws.and_then(|s| {
            s.private_endpoints
                .iter()
                .find(|p| d.private_endpoints[p.ix()].state == crate::format::PeState::Approved)
        });
        let Some(_) = pe else {
            let why = format!(
                "{} has no public IP, so {name} can reach it only through the private link service, which needs an approved private endpoint of workspace {} (E3)",
                wl.name,
                ws.map(|s| s.name.as_str()).unwrap_or("(none)")
            );
            self.hop(name, Step::Route, false, why);
            return Err(Verdict::Dropped {
                reason: format!(
                    "no-public-IP compute {} without a workspace private endpoint (E3)",
                    wl.name
                ),
            });
        };
        let sub = &d.subnets[wl.subnet.ix()];
        let nat = Ipv4Addr::from(crate::model::usable_range(sub.prefix).1);
        self.hop(
            name,
            Step::Route,
            true,
            format!(
                "{} has no public IP: {name} reaches it through its private link service (E7 tip), entering {} from the NAT address {nat}",
                wl.name, sub.name
            ),
        );
        self.flow.src = nat;
        self.pls_nat = Some(nat);
        self.deliver(target)
    }

    /// Inbound to the public IP of an Azure ML compute: the subnet NSG (A4), then the NSG Azure
    /// ML creates with the compute, which allows TCP 44224 from `AzureMachineLearning` (E1) and,
    /// with classic Batch node communication, 29876-29877 from `BatchNodeManagement` (P7).
    fn aml_public_compute(&mut self, wid: WorkloadId) -> Step_ {
        let d = self.d;
        let wl = &d.workloads[wid.ix()];
        let vnet = d.subnets[wl.subnet.ix()].vnet;
        if let Some(n) = d.subnets[wl.subnet.ix()].nsg {
            let at = format!("subnet {}", d.subnets[wl.subnet.ix()].name);
            self.nsg(n, Direction::Inbound, vnet, &at)?;
        }
        let f = self.flow;
        let in_tag = |t: &str| d.tags.get(t).is_some_and(|s| s.contains(f.src));
        let tcp = f.protocol == Protocol::Tcp;
        let at = format!("{}-auto-nsg (NIC of {})", wl.name, wl.name);
        let allowed = if tcp && f.dst_port == 44224 && in_tag("AzureMachineLearning") {
            Some("AllowAzureMachineLearning: TCP 44224 from AzureMachineLearning (E1)")
        } else if wl.batch_classic
            && tcp
            && (29876..=29877).contains(&f.dst_port)
            && in_tag("BatchNodeManagement")
        {
            Some(
                "AllowBatchNodeManagement: TCP 29876-29877 from BatchNodeManagement (classic node communication, P7)",
            )
        } else {
            None
        };
        match allowed {
            Some(rule) => {
                self.hop(
                    at,
                    Step::NsgInbound,
                    true,
                    format!(
                        "allowed inbound by the NSG Azure ML creates with the compute, rule {rule}"
                    ),
                );
                self.hop(
                    &wl.name,
                    Step::Deliver,
                    true,
                    format!("delivered to {}", wl.name),
                );
                Ok(())
            }
            None => {
                self.hop(at, Step::NsgInbound, false, "denied inbound by the NSG Azure ML creates with the compute (it opens only TCP 44224 from AzureMachineLearning, E1): DenyAllInBound");
                Err(Verdict::Denied {
                    by: format!("NSG {}-auto-nsg rule DenyAllInBound (inbound)", wl.name),
                })
            }
        }
    }

    fn service(&mut self, sid: ServiceId, arrival: Arrival) -> Step_ {
        let d = self.d;
        let dec = paas::evaluate(d, sid, arrival);
        let name = d.services[sid.ix()].name.clone();
        self.hop(&name, Step::ServiceFirewall, dec.allowed, dec.reason);
        if dec.allowed {
            self.path.push(name.clone());
            self.hop(&name, Step::Deliver, true, format!("delivered to {name}"));
            Ok(())
        } else {
            Err(Verdict::Denied {
                by: format!("service firewall of {name}"),
            })
        }
    }

    fn last_se_subnet(&self) -> Option<SubnetId> {
        let h = self.hops.iter().rev().find(|h| h.step == Step::Route)?;
        (h.ok && h.detail.contains("VirtualNetworkServiceEndpoint"))
            .then(|| self.d.subnet_by_name(&h.at))
            .flatten()
    }

    /// The public address a request appears from once it leaves Azure.
    fn public_source(&self) -> Ipv4Addr {
        let d = self.d;
        if let Some(f) = self.snat
            && let Some(p) = d.firewalls[f.ix()].public_ip
        {
            return p;
        }
        if let Some(w) = d.workloads.iter().find(|w| w.ips.contains(self.flow.src))
            && let Some((_, pip)) = w.public_ip
        {
            return pip;
        }
        self.flow.src
    }

    /// Follows the reply back and checks it crosses the same stateful devices (P10).
    fn reply(&mut self, origin: &Origin) -> Step_ {
        let d = self.d;
        let mut crossed: Vec<FirewallId> = Vec::new();
        let responder = self.flow.dst;
        // Segment 1: from the responder to where the request appeared from (a SNAT device or
        // the origin itself).
        let first_target = match (self.snat, self.pls_nat) {
            (Some(f), _) => d.firewalls[f.ix()].ip,
            (None, Some(nat)) => nat,
            (None, None) => origin.ip(),
        };
        let start = self.reply_start(responder);
        let desc1 = self.reply_walk(start, responder, first_target, &mut crossed)?;
        let mut desc = vec![desc1];
        if let Some(f) = self.snat {
            // Segment 2: the SNAT device returns the reply to the origin.
            if !crossed.contains(&f) {
                crossed.push(f);
            }
            let fw = &d.firewalls[f.ix()];
            let start = ReplyStart::Subnet(fw.subnet);
            desc.push(self.reply_walk(start, fw.ip, origin.ip(), &mut crossed)?);
        }
        let mut fwd = self.stateful.clone();
        fwd.sort();
        fwd.dedup();
        crossed.retain(|f| d.firewalls[f.ix()].stateful);
        crossed.sort();
        crossed.dedup();
        let names = |v: &[FirewallId]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.iter()
                    .map(|f| d.firewalls[f.ix()].name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        if fwd != crossed {
            let detail = format!(
                "reply path: {}; stateful devices on the request: {}, on the reply: {} — asymmetric routing, the reply is dropped (P10)",
                desc.join("; then "),
                names(&fwd),
                names(&crossed)
            );
            self.hop("reply", Step::Return, false, detail);
            return Err(Verdict::Dropped {
                reason: format!(
                    "asymmetric routing: request through {}, reply through {}",
                    names(&fwd),
                    names(&crossed)
                ),
            });
        }
        self.hop(
            "reply",
            Step::Return,
            true,
            format!(
                "reply path: {} (stateful devices: {})",
                desc.join("; then "),
                names(&fwd)
            ),
        );
        Ok(())
    }

    fn reply_start(&self, responder: Ipv4Addr) -> ReplyStart {
        let d = self.d;
        match target_at(d, responder) {
            Target::Nic { subnet, .. } | Target::Host { subnet } => ReplyStart::Subnet(subnet),
            Target::OnPrem(site) => {
                ReplyStart::Subnet(d.gateways[d.sites[site.ix()].gateway.ix()].subnet)
            }
            Target::Pe(_) => ReplyStart::Direct(
                "the private endpoint answers straight back to the source address".into(),
            ),
            Target::ServicePublic(_) => {
                ReplyStart::Direct("the service answers over the Azure backbone".into())
            }
            Target::WorkloadPublic(w) => ReplyStart::Subnet(d.workloads[w.ix()].subnet),
            _ => ReplyStart::Direct("the reply comes back from outside".into()),
        }
    }

    /// Routes a reply from `start` to `to`, collecting devices; checks only routing.
    fn reply_walk(
        &self,
        start: ReplyStart,
        from: Ipv4Addr,
        to: Ipv4Addr,
        crossed: &mut Vec<FirewallId>,
    ) -> Result<String, Verdict> {
        let d = self.d;
        let mut subnet = match start {
            ReplyStart::Direct(why) => {
                // Direct replies reach `to` without routing; if `to` is a device, it is crossed.
                if let Some(f) = d
                    .firewalls
                    .iter()
                    .position(|f| f.ip == to || f.public_ip == Some(to))
                {
                    crossed.push(FirewallId(f as u32));
                }
                return Ok(why);
            }
            ReplyStart::Subnet(s) => s,
        };
        let mut steps: Vec<String> = Vec::new();
        // Whether the reply has passed through an appliance (then peerings must accept
        // forwarded traffic, P13).
        let mut forwarded = false;
        for _ in 0..16 {
            let view = &d.derived.routes[subnet.ix()];
            let Some(choice) = view.lookup(to) else {
                return Err(Verdict::Dropped {
                    reason: format!("the reply from {from} has no route to {to}"),
                });
            };
            let r = &view.routes[choice.index];
            let sname = &d.subnets[subnet.ix()].name;
            steps.push(format!(
                "{sname} → {} ({})",
                r.next_hop.type_name(),
                r.prefix
            ));
            match &r.next_hop {
                NextHop::None => {
                    return Err(Verdict::Dropped {
                        reason: format!(
                            "the reply to {to} hits a None route ({}) in {sname}",
                            r.prefix
                        ),
                    });
                }
                NextHop::VirtualAppliance { ip } => {
                    let Some(f) = d.firewalls.iter().position(|f| f.ip == *ip) else {
                        if let Some(w) = d.workloads.iter().find(|w| w.ip == *ip && w.ip_forwarding)
                        {
                            subnet = w.subnet;
                            continue;
                        }
                        return Err(Verdict::Dropped {
                            reason: format!("the reply's next hop {ip} is not a firewall or NVA"),
                        });
                    };
                    let fid = FirewallId(f as u32);
                    if crossed.contains(&fid) && d.firewalls[f].ip != to {
                        return Err(Verdict::Dropped {
                            reason: "the reply loops".into(),
                        });
                    }
                    crossed.push(fid);
                    if d.firewalls[f].ip == to {
                        return Ok(steps.join(", "));
                    }
                    subnet = d.firewalls[f].subnet;
                    forwarded = true;
                }
                NextHop::VnetPeering { vnet: remote } if forwarded => {
                    let here = d.subnets[subnet.ix()].vnet;
                    if !d
                        .peering(*remote, here)
                        .is_some_and(|p| p.allow_forwarded_traffic)
                    {
                        return Err(Verdict::Dropped {
                            reason: format!(
                                "the reply is forwarded into VNet {}, whose link to {} does not allow forwarded traffic (P13)",
                                d.vnets[remote.ix()].name,
                                d.vnets[here.ix()].name
                            ),
                        });
                    }
                    return Ok(steps.join(", "));
                }
                _ => {
                    // Any other next hop delivers the reply.
                    if let Some(f) = d.firewalls.iter().position(|f| f.ip == to) {
                        crossed.push(FirewallId(f as u32));
                    }
                    return Ok(steps.join(", "));
                }
            }
        }
        Err(Verdict::Dropped {
            reason: "the reply loops".into(),
        })
    }
}

enum ReplyStart {
    Subnet(SubnetId),
    Direct(String),
}

fn target_subnet(d: &Design, t: &Target) -> Option<SubnetId> {
    match t {
        Target::Nic { subnet, .. } | Target::Host { subnet } => Some(*subnet),
        Target::Pe(p) => Some(d.private_endpoints[p.ix()].subnet),
        _ => None,
    }
}

/// Azure ML compute instances and clusters.
pub fn is_aml_compute(k: crate::format::WorkloadKind) -> bool {
    matches!(
        k,
        crate::format::WorkloadKind::ComputeInstance | crate::format::WorkloadKind::ComputeCluster
    )
}

/// The no-public-IP Azure ML compute at `dst`, when the packet comes from Azure ML's service
/// (or, for Batch, its node management) and so uses the compute's private link service.
fn aml_private_compute(d: &Design, tag: Option<&str>, dst: Ipv4Addr) -> Option<WorkloadId> {
    let tag = tag?;
    if !(tag.eq_ignore_ascii_case("AzureMachineLearning")
        || tag.to_ascii_lowercase().starts_with("batchnodemanagement"))
    {
        return None;
    }
    d.workloads
        .iter()
        .position(|w| is_aml_compute(w.kind) && w.public_ip.is_none() && w.ips.contains(dst))
        .map(|i| WorkloadId(i as u32))
}
