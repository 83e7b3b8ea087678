//! The request's walk: where it starts, the NSGs it meets, delivery at its target.

use super::egress::Sender;
use super::*;
use crate::eval::dns::{self, Resolver};
use crate::eval::firewall::Context;
use crate::eval::paas::{self, Arrival};
use crate::eval::{admin, nsg};
use crate::format::{Access, AdminAccess, Direction, PublicIpSku};
use crate::model::{Design, NsgId, ServiceId, SubnetId, VnetId};
use crate::net::{Flow, Protocol};
use crate::tags::AZURE_HOST_IP;
use std::net::Ipv4Addr;

impl<'d> Walk<'d> {
    pub(super) fn new(d: &'d Design, opts: TraceOptions, origin: &Origin) -> Self {
        let groups = match origin {
            Origin::OnPrem { groups, .. } | Origin::Outside { groups, .. } => groups.clone(),
            Origin::Nic { .. } | Origin::Managed { .. } => Vec::new(),
        };
        Self {
            d,
            opts,
            hops: Vec::new(),
            path: Vec::new(),
            path_elements: Vec::new(),
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
            instance: match origin {
                Origin::Outside { instance, .. } => *instance,
                _ => None,
            },
            pls_nat: None,
            scoring: None,
            dns_service: None,
            port_floor: 0,
            reply_to: None,
            egress_ip: None,
            service_endpoint_subnet: None,
            next_port_cut: 65536,
            touched: Vec::new(),
            origin_vnet: match origin {
                Origin::Nic { subnet, .. } => Some(d.subnets[subnet.ix()].vnet),
                _ => None,
            },
            rules: None,
            proxies: 0,
        }
    }

    /// Explanation text, made only when the trace explains itself.
    pub(super) fn text(&self, f: impl FnOnce() -> String) -> String {
        if self.opts.quiet { String::new() } else { f() }
    }

    /// Records a part of the design a decision read.
    pub(super) fn touch(&mut self, t: Touch) {
        if self.opts.record_touches && self.touched.last() != Some(&t) {
            self.touched.push(t);
        }
    }

    /// Records a hop (unless the trace is quiet).
    pub(super) fn hop(&mut self, hop: Hop) {
        if self.opts.quiet {
            return;
        }
        self.hops.push(hop);
    }

    pub(super) fn finish(mut self, from: &str, to: &str, flow: Flow, verdict: Verdict) -> Trace {
        self.touched.sort_unstable();
        self.touched.dedup();
        Trace {
            touched: self.touched,
            from: from.to_string(),
            to: to.to_string(),
            flow,
            hops: self.hops,
            verdict,
            path: self.path,
            path_elements: self.path_elements,
            next_port_class: FIXED_PORT_CUTS
                .into_iter()
                .filter(|&c| c > self.port_floor)
                .fold(self.next_port_cut, u32::min),
        }
    }

    /// Records an element the request crosses, for [`Trace::path`] and — unless the trace is
    /// quiet — [`Trace::path_elements`].
    pub(super) fn pass(&mut self, name: String, element: impl FnOnce() -> ElementRef) {
        self.path.push(name);
        if !self.opts.quiet {
            self.path_elements.push(element());
        }
    }

    /// [`Walk::pass`] for a subnet.
    pub(super) fn pass_subnet(&mut self, s: SubnetId) {
        let d = self.d;
        self.pass(d.subnets[s.ix()].name.clone(), || ElementRef::subnet(d, s));
    }

    /// The delivery hop.
    pub(super) fn delivered(&mut self, name: &str, element: ElementRef) {
        self.hop(
            Hop::new(name, Step::Deliver, true, format!("delivered to {name}")).element(element),
        );
    }

    /// The element a flow starts at: the workload, firewall or subnet holding the source
    /// address, the on-premises site, the client or service tag, or the workspace of a managed
    /// compute.
    pub(super) fn origin_element(&self, origin: &Origin) -> ElementRef {
        let d = self.d;
        match origin {
            Origin::Nic { ip, .. } => ElementRef::at_address(d, *ip),
            Origin::OnPrem { site, .. } => ElementRef::site(d, *site),
            Origin::Outside { tag: Some(t), .. } => ElementRef::ServiceTag(t.clone()),
            Origin::Outside { name, ip, .. } => match d.clients.iter().find(|c| &c.name == name) {
                Some(c) => ElementRef::Client(c.name.clone()),
                None => ElementRef::Address(*ip),
            },
            Origin::Managed { ws, .. } => ElementRef::service(d, *ws),
        }
    }

    /// Records one port boundary as consulted.
    pub(super) fn consult_port(&mut self, cut: u32) {
        if cut > self.port_floor && cut < self.next_port_cut {
            self.next_port_cut = cut;
        }
    }

    /// Records the boundaries of a port set as consulted.
    pub(super) fn consult_ports(&mut self, ports: &crate::net::PortSet) {
        for r in ports.ranges() {
            self.consult_port(u32::from(r.lo));
            self.consult_port(u32::from(r.hi) + 1);
        }
    }

    pub(super) fn resolve(
        &mut self,
        origin: &Origin,
        name: &str,
    ) -> (Option<Ipv4Addr>, Option<String>) {
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
            Origin::Managed { name: n, .. } => (
                Resolver::Public,
                format!(
                    "{n} resolves through Azure DNS of the managed network (names of managed private endpoints lead to them)"
                ),
            ),
            Origin::Outside { name: n, .. } => {
                (Resolver::Public, format!("{n} resolves through public DNS"))
            }
        };
        self.touch(Touch::Dns);
        let answer = match &self.rules {
            Some(c) => c.dns(resolver, name, || dns::resolve(d, name, resolver)),
            None => std::rc::Rc::new(dns::resolve(d, name, resolver)),
        };
        if self.opts.record_touches
            && let Some(sid) = answer
                .service
                .map(|s| s.0)
                .or_else(|| dns::service_of_name(d, name))
        {
            self.touch(Touch::ServiceNames(sid));
        }
        self.dns_service = answer.service;
        let mut detail = why;
        for s in &answer.steps {
            detail.push_str("; ");
            detail.push_str(s);
        }
        let ok = answer.address.is_ok();
        self.hop(
            Hop::new(name, Step::Dns, ok, detail)
                .element(ElementRef::DnsName(name.to_string()))
                .decided_by(answer.decided_by.clone()),
        );
        (answer.address.clone().ok(), Some(answer.name.clone()))
    }

    pub(super) fn cx(&self) -> Context<'_> {
        Context {
            fqdn: self.fqdn.as_deref(),
            groups: &self.groups,
            any: self.opts.any_name_or_identity,
        }
    }

    pub(super) fn nsg(
        &mut self,
        nsg: NsgId,
        dir: Direction,
        vnet: VnetId,
        at: &str,
        element: impl FnOnce(&Design) -> ElementRef,
    ) -> Step_ {
        let d = self.d;
        self.touch(Touch::Nsg(nsg));
        // One pass (`nsg::first_match`, which `nsg::evaluate` uses too) decides and collects
        // the port boundaries that can change the decision.
        let rules = d.nsgs[nsg.ix()].rules(dir);
        let flow = self.flow;
        // Within one question the rules matching the packet's addresses are found once.
        let cached = self.rules.as_ref().map(|c| {
            let key = (
                nsg,
                dir == Direction::Inbound,
                vnet,
                flow.src,
                flow.dst,
                flow.protocol,
            );
            c.rules(key, || {
                (0..rules.len())
                    .filter(|&i| nsg::rule_matches_addresses(d, &rules[i], vnet, &flow))
                    .map(|i| i as u32)
                    .collect()
            })
        });
        let consult = |p: &crate::net::PortSet| self.consult_ports(p);
        let decided = match &cached {
            Some(c) => nsg::first_match(
                d,
                rules,
                vnet,
                &flow,
                c.iter().map(|&i| i as usize),
                consult,
            ),
            None => nsg::first_match(d, rules, vnet, &flow, 0..rules.len(), consult),
        }
        .unwrap_or(rules.len() - 1);
        let rule = &rules[decided];
        let ok = rule.access == Access::Allow;
        let step = if dir == Direction::Inbound {
            Step::NsgInbound
        } else {
            Step::NsgOutbound
        };
        let name = &d.nsgs[nsg.ix()].name;
        if !self.opts.quiet {
            self.hop(
                Hop::new(
                    format!("{name} ({at})"),
                    step,
                    ok,
                    format!(
                        "{} {} by {}",
                        if ok { "allowed" } else { "denied" },
                        dir,
                        nsg::describe(d, rule)
                    ),
                )
                .element(element(d))
                .decided_by(ElementRef::NsgRule {
                    nsg: name.clone(),
                    rule: rule.name.clone(),
                }),
            );
        }
        if ok {
            Ok(())
        } else {
            Err(Verdict::Denied {
                by: format!("NSG {name} rule {} ({dir})", rule.name),
            })
        }
    }

    /// The security admin rules of a NIC's subnet, before its NSGs (S10): `Ok(true)` when an
    /// `always_allow` rule decided (the NSGs are not evaluated), `Ok(false)` when the NSGs
    /// decide (an `allow` rule or none matched), the verdict when a `deny` rule matched.
    pub(super) fn admin(&mut self, subnet: SubnetId, dir: Direction) -> Result<bool, Verdict> {
        let d = self.d;
        if !admin::applies(d, subnet) {
            return Ok(false);
        }
        let flow = self.flow;
        let decided = admin::first_match(d, subnet, dir, &flow, |p| self.consult_ports(p));
        let Some(i) = decided else {
            return Ok(false);
        };
        let r = &admin::rules(d, subnet, dir)[i];
        let ok = r.access != AdminAccess::Deny;
        if !self.opts.quiet {
            let vnet = &d.vnets[d.subnets[subnet.ix()].vnet.ix()].name;
            let then = match r.access {
                AdminAccess::AlwaysAllow => ": the NSGs are not evaluated",
                AdminAccess::Allow => ": the NSGs decide next",
                AdminAccess::Deny => "",
            };
            let detail = format!(
                "{} {dir} by security admin rule {}{then}",
                if ok { "allowed" } else { "denied" },
                admin::describe(d, r)
            );
            self.hop(
                Hop::new(
                    format!("security admin rules ({vnet})"),
                    Step::AdminRule,
                    ok,
                    detail,
                )
                .element(ElementRef::subnet(d, subnet))
                .decided_by(ElementRef::AdminRule {
                    collection: r.collection.clone(),
                    rule: r.rule.name.clone(),
                }),
            );
        }
        if ok {
            Ok(admin::skips_nsgs(r.access))
        } else {
            Err(Verdict::Denied {
                by: format!(
                    "security admin rule {} of {} ({dir})",
                    r.rule.name, r.collection
                ),
            })
        }
    }

    /// Outbound NSGs of a NIC, in Azure's order ([`nsg::order`], A4), after the security admin
    /// rules.
    pub(super) fn nsgs_out(
        &mut self,
        subnet: SubnetId,
        nic_nsg: Option<NsgId>,
        who: &str,
    ) -> Step_ {
        self.nsgs(Direction::Outbound, subnet, nic_nsg, who)
    }

    /// Inbound NSGs of a NIC, in Azure's order ([`nsg::order`], A4), after the security admin
    /// rules.
    pub(super) fn nsgs_in(&mut self, subnet: SubnetId, nic_nsg: Option<NsgId>, who: &str) -> Step_ {
        self.nsgs(Direction::Inbound, subnet, nic_nsg, who)
    }

    fn nsgs(
        &mut self,
        dir: Direction,
        subnet: SubnetId,
        nic_nsg: Option<NsgId>,
        who: &str,
    ) -> Step_ {
        let vnet = self.d.subnets[subnet.ix()].vnet;
        self.touch(Touch::SubnetNsg(subnet));
        if self.admin(subnet, dir)? {
            return Ok(());
        }
        let subnet_nsg = self.d.subnets[subnet.ix()].nsg;
        for (level, n) in nsg::order(dir, subnet_nsg, nic_nsg) {
            let Some(n) = n else { continue };
            match level {
                nsg::Level::Nic => {
                    let at = self.text(|| format!("NIC of {who}"));
                    self.nsg(n, dir, vnet, &at, |_| ElementRef::Workload(who.to_string()))?;
                }
                nsg::Level::Subnet => {
                    let at = self.text(|| format!("subnet {}", self.d.subnets[subnet.ix()].name));
                    self.nsg(n, dir, vnet, &at, |d| ElementRef::subnet(d, subnet))?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn run(&mut self, origin: &Origin) -> Verdict {
        match self.forward(origin) {
            Ok(()) => {}
            Err(v) => return v,
        }
        match self.reply(origin) {
            Ok(()) => Verdict::Delivered,
            Err(v) => {
                // Where the reply is lost is a hop of its own (P15).
                if self.hops.last().is_none_or(|h| h.step != Step::Return) {
                    let detail = self.text(|| v.to_string());
                    self.hop(
                        Hop::new("reply", Step::Return, false, detail)
                            .element(self.origin_element(origin)),
                    );
                }
                v
            }
        }
    }

    pub(super) fn forward(&mut self, origin: &Origin) -> Step_ {
        let d = self.d;
        match origin {
            Origin::Managed {
                ws,
                deployment: Some(egress),
                name,
                ..
            } => self.deployment_egress(*ws, name, *egress),
            Origin::Managed { ws, .. } => self.managed_egress(*ws),
            Origin::Nic {
                subnet, nsg, name, ..
            } => {
                self.pass_subnet(*subnet);
                if self.flow.dst == AZURE_HOST_IP {
                    self.hop(Hop::new("168.63.129.16", Step::Deliver, true, "the Azure host address (DNS, health probes) is not subject to NSGs or routes (P11)").element(ElementRef::Address(AZURE_HOST_IP)));
                    return Ok(());
                }
                self.nsgs_out(*subnet, *nsg, name)?;
                let reached = self.route_from(*subnet, false, false, Sender::Origin)?;
                self.deliver(reached)
            }
            Origin::OnPrem { site, name, .. } => {
                let gw = &d.gateways[d.sites[site.ix()].gateway.ix()];
                self.hop(
                    Hop::new(
                        &gw.name,
                        Step::Gateway,
                        true,
                        format!(
                            "{name} enters Azure through gateway {} from site {}",
                            gw.name,
                            d.sites[site.ix()].name
                        ),
                    )
                    .element(ElementRef::gateway(d, d.sites[site.ix()].gateway)),
                );
                self.pass_subnet(gw.subnet);
                let reached = self.route_from(gw.subnet, true, true, Sender::Gateway)?;
                self.deliver(reached)
            }
            Origin::Outside { name, tag, .. } => {
                let target = target_at(d, self.flow.dst);
                if let Some(w) = aml_private_compute(d, tag.as_deref(), self.flow.dst) {
                    return self.aml_private_link(w, name, target);
                }
                match target {
                    Target::Nic { .. } | Target::Host { .. } | Target::Pe(_) => {
                        self.hop(Hop::new(
                            name,
                            Step::Route,
                            false,
                            format!(
                                "{} is a private address: it cannot be reached from outside Azure",
                                self.flow.dst
                            )).element(self.origin_element(origin)));
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

    pub(super) fn deliver(&mut self, target: Target) -> Step_ {
        let d = self.d;
        match target {
            Target::Nic {
                subnet,
                nsg,
                name,
                firewall,
                workload,
            } => {
                self.pass_subnet(subnet);
                if let Some(f) = firewall
                    && d.firewalls[f.ix()].kind == crate::format::FirewallKind::AzureFirewall
                {
                    let ok = d.firewalls[f.ix()].dns_proxy && self.flow.dst_port == 53;
                    self.hop(Hop::new(&name, Step::Deliver, ok, if ok { "the firewall's DNS proxy answers on port 53" } else { "Azure Firewall accepts traffic to its private address only for its DNS proxy" }).element(ElementRef::firewall(d, f)).decided_by(ElementRef::firewall(d, f).setting("dns_proxy")));
                    return if ok {
                        Ok(())
                    } else {
                        Err(Verdict::Denied {
                            by: format!("firewall {name}"),
                        })
                    };
                }
                self.nsgs_in(subnet, nsg, &name)?;
                if let Some(w) = workload
                    && d.workloads[w.ix()].is_gateway()
                {
                    return self.proxy(w, false);
                }
                let detail = self.text(|| format!("delivered to {name} ({})", self.flow.dst));
                self.hop(
                    Hop::new(&name, Step::Deliver, true, detail).element(match firewall {
                        Some(f) => ElementRef::firewall(d, f),
                        None => ElementRef::Workload(name.clone()),
                    }),
                );
                Ok(())
            }
            Target::Host { subnet } => {
                self.pass_subnet(subnet);
                self.nsgs_in(subnet, None, "host")?;
                let detail = self.text(|| {
                    format!(
                        "delivered to {} (no named workload holds it)",
                        self.flow.dst
                    )
                });
                self.hop(
                    Hop::new(&d.subnets[subnet.ix()].name, Step::Deliver, true, detail)
                        .element(ElementRef::subnet(d, subnet)),
                );
                Ok(())
            }
            Target::Pe(pe) => {
                let p = &d.private_endpoints[pe.ix()];
                self.touch(Touch::SubnetNsg(p.subnet));
                self.pass_subnet(p.subnet);
                let subnet = &d.subnets[p.subnet.ix()];
                let nsg_applies = matches!(
                    subnet.pe_policies,
                    crate::format::PeNetworkPolicies::Nsg
                        | crate::format::PeNetworkPolicies::Enabled
                );
                match (subnet.nsg, nsg_applies) {
                    (Some(n), true) => {
                        let at = format!("subnet {}", subnet.name);
                        let sid = p.subnet;
                        self.nsg(n, Direction::Inbound, subnet.vnet, &at, |d| {
                            ElementRef::subnet(d, sid)
                        })?;
                    }
                    (Some(_), false) => {
                        let at = subnet.name.clone();
                        self.hop(Hop::new(at, Step::NsgInbound, true, "private endpoint network policies are disabled: the subnet NSG does not apply to private endpoints (A10)").element(ElementRef::subnet(d, p.subnet)).decided_by(ElementRef::subnet(d, p.subnet).setting("private_endpoint_network_policies")));
                    }
                    _ => {}
                }
                self.service(p.service, Arrival::PrivateEndpoint(pe))
            }
            Target::ServicePublic(sid) => {
                let arrival = match (self.service_endpoint_subnet, self.trusted) {
                    (Some(s), _) => {
                        if d.services[sid.ix()].kind == crate::format::ServiceKind::Storage {
                            self.endpoint_policy(s, Some(sid))?;
                        }
                        Arrival::ServiceEndpoint(s)
                    }
                    (None, true) => match self.instance {
                        Some(i) => Arrival::Instance(i),
                        None => Arrival::Trusted,
                    },
                    _ => {
                        // A request leaving Azure from a SNAT device comes from the device's
                        // region, otherwise from the source's own.
                        let from_vnet = self
                            .snat
                            .map(|f| d.subnets[d.firewalls[f.ix()].subnet.ix()].vnet)
                            .or(self.origin_vnet);
                        let region = from_vnet.map(|v| d.vnets[v.ix()].region.as_str());
                        Arrival::Public(self.public_source(), region)
                    }
                };
                self.service(sid, arrival)
            }
            Target::WorkloadPublic(wid) => {
                let wl = &d.workloads[wid.ix()];
                let (sku, pip) = wl.public_ip.expect("target has a public IP");
                self.hop(Hop::new(
                    &wl.name,
                    Step::Route,
                    true,
                    format!(
                        "{pip} is the {sku} public IP of {}; translated to {} before the NSGs (A1)",
                        wl.name, wl.ip
                    )).element(ElementRef::workload(d, wid)));
                // A request from a private address reaches a public IP from the internet side:
                // its source is the sender's public IP, its firewall's, or the address of
                // default outbound access (B8).
                if crate::tags::non_public().contains(self.flow.src) {
                    let public = Some(self.public_source())
                        .filter(|p| !crate::tags::non_public().contains(*p))
                        .unwrap_or(DEFAULT_OUTBOUND_IP);
                    self.hop(Hop::new(
                        &wl.name,
                        Step::Route,
                        true,
                        format!("the request leaves Azure from {public} (source translated from {}) and returns to {pip}", self.flow.src)).element(ElementRef::workload(d, wid)));
                    self.flow.src = public;
                    if self.snat.is_none() {
                        self.reply_to = Some(public);
                    }
                }
                self.flow.dst = wl.ip;
                self.pass_subnet(wl.subnet);
                if is_aml_compute(wl.kind) && wl.nsg.is_none() {
                    return self.aml_public_compute(wid);
                }
                self.touch(Touch::SubnetNsg(wl.subnet));
                let any_nsg = wl.nsg.is_some() || d.subnets[wl.subnet.ix()].nsg.is_some();
                if wl.is_gateway() {
                    // The frontend public IP is the gateway's own: its listeners answer with
                    // or without an NSG on its subnet (I1).
                    if any_nsg {
                        self.nsgs_in(wl.subnet, wl.nsg, &wl.name.clone())?;
                    }
                    return self.proxy(wid, true);
                }
                if wl.kind == crate::format::WorkloadKind::Bastion {
                    // Azure Bastion's public IP accepts HTTPS (TCP 443) from the internet for
                    // its sessions and nothing else; an NSG on AzureBastionSubnet must also
                    // allow 443 from Internet (docs/semantics.md, decision 18).
                    let https = self.flow.protocol == Protocol::Tcp && self.flow.dst_port == 443;
                    self.hop(Hop::new(&wl.name, Step::NsgInbound, https, if https {
                        "Azure Bastion accepts HTTPS (TCP 443) from the internet on its public IP"
                    } else {
                        "Azure Bastion's public IP accepts only HTTPS (TCP 443)"
                    }).element(ElementRef::workload(d, wid)));
                    if !https {
                        return Err(Verdict::Denied {
                            by: format!("Azure Bastion {} (only TCP 443)", wl.name),
                        });
                    }
                    if any_nsg {
                        self.nsgs_in(wl.subnet, wl.nsg, &wl.name.clone())?;
                    }
                    self.hop(
                        Hop::new(
                            &wl.name,
                            Step::Deliver,
                            true,
                            format!("delivered to Azure Bastion {}", wl.name),
                        )
                        .element(ElementRef::workload(d, wid)),
                    );
                    return Ok(());
                }
                if !any_nsg {
                    // A deny admin rule stops it; an allowing one does not open a Standard
                    // public IP no NSG opens (S10: the reading that allows less).
                    self.admin(wl.subnet, Direction::Inbound)?;
                    return if sku == PublicIpSku::Standard {
                        self.hop(Hop::new(&wl.name, Step::NsgInbound, false, "no NSG on the subnet or NIC: a Standard public IP is closed to inbound traffic until an NSG allows it (P1)").element(ElementRef::workload(d, wid)).decided_by(ElementRef::workload(d, wid).setting("public_ip_sku")));
                        Err(Verdict::Denied {
                            by: format!(
                                "Standard public IP of {} (secure by default, P1)",
                                wl.name
                            ),
                        })
                    } else {
                        self.hop(
                            Hop::new(
                                &wl.name,
                                Step::NsgInbound,
                                true,
                                "no NSG, Basic public IP: open by default (P1)",
                            )
                            .element(ElementRef::workload(d, wid))
                            .decided_by(ElementRef::workload(d, wid).setting("public_ip_sku")),
                        );
                        self.delivered(&wl.name, ElementRef::workload(d, wid));
                        Ok(())
                    };
                }
                self.nsgs_in(wl.subnet, wl.nsg, &wl.name.clone())?;
                self.delivered(&wl.name, ElementRef::workload(d, wid));
                Ok(())
            }
            Target::FirewallPublic(fid) => {
                let fw = &d.firewalls[fid.ix()];
                self.hop(
                    Hop::new(
                        &fw.name,
                        Step::Route,
                        true,
                        format!("{} is the public IP of firewall {}", self.flow.dst, fw.name),
                    )
                    .element(ElementRef::firewall(d, fid)),
                );
                self.appliance(fid)?;
                if self.flow.dst == fw.public_ip.unwrap_or(fw.ip) {
                    return Err(Verdict::Denied {
                        by: format!("firewall {} (no DNAT)", fw.name),
                    });
                }
                let reached = self.route_from(fw.subnet, true, false, Sender::Firewall(fid))?;
                self.deliver(reached)
            }
            Target::OnPrem(site) => {
                self.hop(
                    Hop::new(
                        &d.sites[site.ix()].name,
                        Step::Deliver,
                        true,
                        format!("delivered on premises at site {}", d.sites[site.ix()].name),
                    )
                    .element(ElementRef::site(d, site)),
                );
                Ok(())
            }
            Target::Platform => {
                self.hop(
                    Hop::new(
                        "168.63.129.16",
                        Step::Deliver,
                        true,
                        "the Azure host address is not subject to NSGs or routes (P11)",
                    )
                    .element(ElementRef::Address(AZURE_HOST_IP)),
                );
                Ok(())
            }
            Target::FrontDoor(f) => self.front_door(f),
            Target::NatGatewayPublic(n) => {
                let name = &d.nat_gateways[n.ix()].name;
                self.hop(Hop::new(
                    name,
                    Step::Deliver,
                    false,
                    format!("{} is a public IP of NAT gateway {name}, which is outbound only: no inbound-originated connection is accepted", self.flow.dst)).element(ElementRef::nat_gateway(d, n)));
                Err(Verdict::Denied {
                    by: format!("NAT gateway {name} (outbound only)"),
                })
            }
            Target::Internet => {
                self.hop(
                    Hop::new(
                        self.flow.dst.to_string(),
                        Step::Deliver,
                        true,
                        format!("leaves Azure to {} on the internet", self.flow.dst),
                    )
                    .element(ElementRef::Address(self.flow.dst)),
                );
                Ok(())
            }
        }
    }

    pub(super) fn service(&mut self, sid: ServiceId, arrival: Arrival) -> Step_ {
        let d = self.d;
        self.touch(Touch::Service(sid));
        if let Some(wid) = self.scoring
            && d.workloads[wid.ix()].workspace == Some(sid)
        {
            return self.score(wid, sid, arrival);
        }
        let svc = &d.services[sid.ix()];
        let group = match arrival {
            Arrival::PrivateEndpoint(pe) => d.private_endpoints[pe.ix()].group.clone(),
            _ => self
                .dns_service
                .filter(|(s, _)| *s == sid)
                .map(|(_, g)| g.to_string())
                .unwrap_or_default(),
        };
        if !crate::model::catalog::listens(svc.kind, &group, self.flow.protocol, self.flow.dst_port)
        {
            let what = if self.flow.protocol.has_ports() {
                format!("{}/{}", self.flow.protocol, self.flow.dst_port)
            } else {
                self.flow.protocol.to_string()
            };
            self.hop(Hop::new(&svc.name, Step::ServiceFirewall, false, format!("{} ({}) does not listen on {what}: a PaaS endpoint answers only its service ports", svc.name, svc.kind)).element(ElementRef::service(d, sid)));
            return Err(Verdict::Denied {
                by: format!("{} (no service on {what})", svc.name),
            });
        }
        let dec = paas::evaluate(d, sid, arrival);
        let name = d.services[sid.ix()].name.clone();
        self.hop(
            Hop::new(&name, Step::ServiceFirewall, dec.allowed, dec.reason)
                .element(ElementRef::service(d, sid))
                .decided_by(dec.decided_by.clone()),
        );
        if dec.allowed {
            self.pass(name.clone(), || ElementRef::service(d, sid));
            self.hop(
                Hop::new(&name, Step::Deliver, true, format!("delivered to {name}"))
                    .element(ElementRef::service(d, sid)),
            );
            Ok(())
        } else {
            Err(Verdict::Denied {
                by: format!("service firewall of {name}"),
            })
        }
    }

    /// The public address a request appears from once it leaves Azure.
    pub(super) fn public_source(&self) -> Ipv4Addr {
        let d = self.d;
        if let Some(ip) = self.egress_ip {
            return ip;
        }
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
}
