//! Following routes hop by hop: next hops, peerings (forwarded traffic, P13) and appliances.

use super::egress::Sender;
use super::*;
use crate::eval::firewall::{self};
use crate::eval::routes::NextHop;
use crate::format::Direction;
use crate::model::{FirewallId, SiteId, SubnetId, VnetId, WorkloadId};

impl Walk<'_> {
    /// Follows routes from `subnet` until the packet reaches its target.
    /// `forwarded`: the packet did not originate in this subnet's VNet (P13).
    pub(super) fn route_from(
        &mut self,
        subnet: SubnetId,
        mut forwarded: bool,
        mut from_gateway: bool,
        mut sender: Sender,
    ) -> Result<Target, Verdict> {
        let d = self.d;
        let mut subnet = subnet;
        let mut seen: Vec<FirewallId> = Vec::new();
        for _ in 0..16 {
            self.touch(Touch::Routes(subnet));
            let view = &d.derived.routes[subnet.ix()];
            let sname = d.subnets[subnet.ix()].name.clone();
            let Some(choice) = view.lookup(self.flow.dst) else {
                self.hop(
                    Hop::new(
                        &sname,
                        Step::Route,
                        false,
                        format!("no route for {}", self.flow.dst),
                    )
                    .element(ElementRef::Subnet(sname.clone())),
                );
                return Err(Verdict::Dropped {
                    reason: format!("no route for {} in {sname}", self.flow.dst),
                });
            };
            let r = &view.routes[choice.index];
            let route_el = (!self.opts.quiet).then(|| r.element(d, subnet));
            let via = match r.next_hop.ip(d) {
                Some(ip) if !self.opts.quiet => format!(" {ip}"),
                _ => String::new(),
            };
            let detail = self.text(|| {
                format!(
                    "{} matches {} → {}{via} ({:?} route \"{}\"; {})",
                    self.flow.dst,
                    r.prefix,
                    r.next_hop.type_name(),
                    r.source,
                    r.name,
                    choice.why
                )
            });
            let vnet = d.subnets[subnet.ix()].vnet;
            match r.next_hop.clone() {
                NextHop::None => {
                    self.hop(
                        Hop::new(&sname, Step::Route, false, detail)
                            .element(ElementRef::Subnet(sname.clone()))
                            .decided_by(route_el.clone()),
                    );
                    return Err(Verdict::Dropped {
                        reason: format!("route {} in {sname} has next hop None", r.prefix),
                    });
                }
                NextHop::VnetLocal => {
                    self.hop(
                        Hop::new(&sname, Step::Route, true, detail)
                            .element(ElementRef::Subnet(sname.clone()))
                            .decided_by(route_el.clone()),
                    );
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
                    self.hop(
                        Hop::new(&sname, Step::Route, true, detail)
                            .element(ElementRef::Subnet(sname.clone()))
                            .decided_by(route_el.clone()),
                    );
                    let dst = d.subnet_containing(self.flow.dst);
                    self.cross_peering(subnet, remote, dst, forwarded, from_gateway)?;
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
                    self.hop(
                        Hop::new(&sname, Step::Route, true, detail)
                            .element(ElementRef::Subnet(sname.clone()))
                            .decided_by(route_el.clone()),
                    );
                    let pe_subnet = d.private_endpoints[pe.ix()].subnet;
                    let pe_vnet = d.subnets[pe_subnet.ix()].vnet;
                    if pe_vnet != vnet {
                        self.cross_peering(
                            subnet,
                            pe_vnet,
                            Some(pe_subnet),
                            forwarded,
                            from_gateway,
                        )?;
                    }
                    return Ok(Target::Pe(pe));
                }
                NextHop::Internet => {
                    self.hop(
                        Hop::new(&sname, Step::Route, true, detail)
                            .element(ElementRef::Subnet(sname.clone()))
                            .decided_by(route_el.clone()),
                    );
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
                        Target::Platform => Ok(Target::Platform),
                        t => {
                            self.egress(subnet, sender)?;
                            Ok(t)
                        }
                    };
                }
                NextHop::VirtualNetworkServiceEndpoint { tag } => {
                    self.hop(
                        Hop::new(&sname, Step::Route, true, detail)
                            .element(ElementRef::Subnet(sname.clone()))
                            .decided_by(route_el.clone()),
                    );
                    self.service_endpoint_subnet = Some(subnet);
                    return match target_at(d, self.flow.dst) {
                        Target::ServicePublic(s) => Ok(Target::ServicePublic(s)),
                        _ => {
                            if tag == "Storage" {
                                self.endpoint_policy(subnet, None)?;
                            }
                            self.hop(
                                Hop::new(
                                    &tag,
                                    Step::Deliver,
                                    true,
                                    format!("reaches the {tag} service over the service endpoint"),
                                )
                                .element(ElementRef::ServiceTag(tag.clone())),
                            );
                            Ok(Target::Internet)
                        }
                    };
                }
                NextHop::VirtualNetworkGateway { gateway } => {
                    let Some(g) = gateway else {
                        self.hop(
                            Hop::new(&sname, Step::Route, false, detail)
                                .element(ElementRef::Subnet(sname.clone()))
                                .decided_by(route_el.clone()),
                        );
                        return Err(Verdict::Dropped {
                            reason: format!(
                                "{sname} routes to a virtual network gateway, but none is reachable"
                            ),
                        });
                    };
                    self.hop(
                        Hop::new(&sname, Step::Route, true, detail)
                            .element(ElementRef::Subnet(sname.clone()))
                            .decided_by(route_el.clone()),
                    );
                    let gw = &d.gateways[g.ix()];
                    match d.sites.iter().position(|s| {
                        s.gateway == g && s.prefixes.iter().any(|p| p.contains(&self.flow.dst))
                    }) {
                        Some(site) => {
                            self.hop(
                                Hop::new(
                                    &gw.name,
                                    Step::Gateway,
                                    true,
                                    format!(
                                        "gateway {} sends it to site {}",
                                        gw.name, d.sites[site].name
                                    ),
                                )
                                .element(ElementRef::gateway(d, g))
                                .decided_by(ElementRef::site(d, SiteId(site as u32))),
                            );
                            return Ok(Target::OnPrem(SiteId(site as u32)));
                        }
                        None => {
                            self.hop(
                                Hop::new(
                                    &gw.name,
                                    Step::Gateway,
                                    false,
                                    format!(
                                        "gateway {} has no site route for {}",
                                        gw.name, self.flow.dst
                                    ),
                                )
                                .element(ElementRef::gateway(d, g)),
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
                        let wi = d
                            .workloads
                            .iter()
                            .position(|w| w.ip == ip && w.ip_forwarding);
                        if let Some(wi) = wi {
                            let wl = &d.workloads[wi];
                            // A workload with IP forwarding acts as a stateless router.
                            self.hop(
                                Hop::new(&sname, Step::Route, true, detail)
                                    .element(ElementRef::Subnet(sname.clone()))
                                    .decided_by(route_el.clone()),
                            );
                            let wsub = wl.subnet;
                            let wvnet = d.subnets[wsub.ix()].vnet;
                            if wvnet != vnet {
                                self.cross_peering(
                                    subnet,
                                    wvnet,
                                    Some(wsub),
                                    forwarded,
                                    from_gateway,
                                )?;
                            }
                            self.hop(
                                Hop::new(
                                    &wl.name,
                                    Step::Firewall,
                                    true,
                                    format!("{} forwards it (IP forwarding on its NIC)", wl.name),
                                )
                                .element(ElementRef::Workload(wl.name.clone()))
                                .decided_by(
                                    ElementRef::Workload(wl.name.clone()).setting("ip_forwarding"),
                                ),
                            );
                            self.pass(wl.name.clone(), || ElementRef::Workload(wl.name.clone()));
                            sender = Sender::Forwarder(WorkloadId(wi as u32));
                            subnet = wsub;
                            forwarded = true;
                            from_gateway = false;
                            continue;
                        }
                        self.hop(
                            Hop::new(
                                &sname,
                                Step::Route,
                                false,
                                format!("{detail}; but no firewall or IP-forwarding NIC has {ip}"),
                            )
                            .element(ElementRef::Subnet(sname.clone()))
                            .decided_by(route_el.clone()),
                        );
                        return Err(Verdict::Dropped {
                            reason: format!("next hop {ip} is not a firewall or NVA"),
                        });
                    };
                    self.hop(
                        Hop::new(&sname, Step::Route, true, detail)
                            .element(ElementRef::Subnet(sname.clone()))
                            .decided_by(route_el.clone()),
                    );
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
                        self.cross_peering(
                            subnet,
                            fw_vnet,
                            Some(fw_subnet),
                            forwarded,
                            from_gateway,
                        )?;
                    }
                    self.appliance(fid)?;
                    sender = Sender::Firewall(fid);
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

    /// Crossing the peering from `from_subnet`'s VNet to `to` toward subnet `dst` (S12: a
    /// subnet peering carries only its subnets' packets; P13: forwarded traffic needs the
    /// receiving side's allow_forwarded_traffic, unless it comes from a gateway the receiver
    /// uses by transit).
    pub(super) fn cross_peering(
        &mut self,
        from_subnet: SubnetId,
        to: VnetId,
        dst: Option<SubnetId>,
        forwarded: bool,
        from_gateway: bool,
    ) -> Step_ {
        let d = self.d;
        let from = d.subnets[from_subnet.ix()].vnet;
        let (a, b) = (&d.vnets[from.ix()].name, &d.vnets[to.ix()].name);
        if let Some(why) = d.subnet_peering_refuses(from_subnet, to, dst) {
            self.hop(
                Hop::new(
                    format!("peering {a} → {b}"),
                    Step::Peering,
                    false,
                    why.clone(),
                )
                .element(ElementRef::peering(d, from, to))
                .decided_by(ElementRef::peering(d, from, to).setting("subnets")),
            );
            return Err(Verdict::Dropped { reason: why });
        }
        let back = d.peering(to, from);
        if forwarded {
            let transit =
                from_gateway && d.peering(to, from).is_some_and(|p| p.use_remote_gateways);
            let allowed = back.is_some_and(|p| p.allow_forwarded_traffic);
            if !(allowed || transit) {
                self.hop(Hop::new(format!("peering {a} → {b}"), Step::Peering, false,
                    format!("the packet was forwarded (it did not originate in {a}), and {b}'s link to {a} does not allow forwarded traffic (P13)")).element(ElementRef::peering(d, from, to)).decided_by(ElementRef::peering(d, to, from).setting("allow_forwarded_traffic")));
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
                Hop::new(
                    format!("peering {a} → {b}"),
                    Step::Peering,
                    true,
                    format!("forwarded traffic accepted by {b} ({why})"),
                )
                .element(ElementRef::peering(d, from, to))
                .decided_by(ElementRef::peering(d, to, from).setting(if transit {
                    "use_remote_gateways"
                } else {
                    "allow_forwarded_traffic"
                })),
            );
        } else {
            self.hop(
                Hop::new(
                    format!("peering {a} → {b}"),
                    Step::Peering,
                    true,
                    "crosses the peering".to_string(),
                )
                .element(ElementRef::peering(d, from, to)),
            );
        }
        Ok(())
    }

    pub(super) fn appliance(&mut self, fid: FirewallId) -> Step_ {
        let d = self.d;
        self.touch(Touch::SubnetNsg(d.firewalls[fid.ix()].subnet));
        let fw = &d.firewalls[fid.ix()];
        self.pass(fw.name.clone(), || ElementRef::firewall(d, fid));
        let skip_nsg = fw.kind != crate::format::FirewallKind::AzureFirewall
            && self.admin(fw.subnet, Direction::Inbound)?;
        if fw.kind != crate::format::FirewallKind::AzureFirewall
            && !skip_nsg
            && let Some(n) = d.subnets[fw.subnet.ix()].nsg
        {
            let vnet = d.subnets[fw.subnet.ix()].vnet;
            let at = format!("subnet {}", d.subnets[fw.subnet.ix()].name);
            let sid = fw.subnet;
            self.nsg(n, Direction::Inbound, vnet, &at, |d| {
                ElementRef::subnet(d, sid)
            })?;
        }
        let (src, dst) = (self.flow.src, self.flow.dst);
        for c in &fw.collections {
            // Rules whose sources do not hold the flow's source cannot decide it on any port.
            for r in c.rules.iter().filter(|r| r.source.contains(src)) {
                self.consult_ports(&r.destination_ports);
                for (_, p) in &r.app_protocols {
                    self.consult_port(u32::from(*p));
                    self.consult_port(u32::from(*p) + 1);
                }
            }
        }
        for p in fw
            .policies
            .iter()
            .filter(|p| p.source.contains(src) && p.destination.contains(dst))
        {
            for (_, ports) in &p.services {
                self.consult_ports(ports);
            }
        }
        let dec = firewall::evaluate(d, fid, &self.flow, &self.cx());
        let detail = self.text(|| format!("{}: {}", dec.rule, dec.reason));
        self.hop(
            Hop::new(&fw.name, Step::Firewall, dec.allowed, detail)
                .element(ElementRef::firewall(d, fid))
                .decided_by(dec.decided_by.clone()),
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
}
