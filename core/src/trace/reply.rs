//! The reply's path and the stateful-symmetry check (P10, P12).

use super::*;
use crate::eval::routes::NextHop;
use crate::model::{Design, FirewallId, SubnetId, VnetId};
use std::net::Ipv4Addr;

impl Walk<'_> {
    /// Follows the reply back and checks it crosses the same stateful devices (P10).
    pub(super) fn reply(&mut self, origin: &Origin) -> Step_ {
        let d = self.d;
        if let Origin::Managed {
            name, deployment, ..
        } = origin
        {
            let through = if deployment.is_some() {
                "Microsoft's network, where the managed online endpoint runs"
            } else {
                "its managed network"
            };
            self.hop(
                Hop::new(
                    "reply",
                    Step::Return,
                    true,
                    format!(
                        "the reply returns to {name} through {through} (Microsoft-managed, stateful)"
                    ),
                )
                .element(self.origin_element(origin)),
            );
            return Ok(());
        }
        let mut crossed: Vec<FirewallId> = Vec::new();
        let responder = self.flow.dst;
        // Segment 1: from the responder to where the request appeared from (a SNAT device or
        // the origin itself).
        let first_target = match (self.snat, self.pls_nat, self.reply_to) {
            (Some(f), _, _) => d.firewalls[f.ix()].ip,
            (None, Some(nat), _) => nat,
            (None, None, Some(public)) => public,
            (None, None, None) => origin.ip(),
        };
        let start = self.reply_start(responder);
        let desc1 = self.reply_walk(start, responder, first_target, false, &mut crossed)?;
        let mut desc = vec![desc1];
        if let Some(f) = self.snat {
            // Segment 2: the SNAT device returns the reply to the origin.
            if !crossed.contains(&f) {
                crossed.push(f);
            }
            let fw = &d.firewalls[f.ix()];
            let start = ReplyStart::Subnet(fw.subnet);
            // The reply the device sends on still carries the responder's address: unless the
            // responder is in the device's own VNet, it is forwarded traffic (P13 on replies,
            // docs/semantics.md).
            let fw_vnet = d.subnets[fw.subnet.ix()].vnet;
            let forwarded = !d.vnet_space(fw_vnet).contains(responder);
            desc.push(self.reply_walk(start, fw.ip, origin.ip(), forwarded, &mut crossed)?);
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
            // The stateful device one way and not the other decides the drop.
            let odd = fwd
                .iter()
                .chain(&crossed)
                .find(|f| !(fwd.contains(f) && crossed.contains(f)))
                .copied();
            let detail = format!(
                "reply path: {}; stateful devices on the request: {}, on the reply: {} — asymmetric routing, the reply is dropped (P10)",
                desc.join("; then "),
                names(&fwd),
                names(&crossed)
            );
            self.hop(
                Hop::new("reply", Step::Return, false, detail)
                    .element(self.origin_element(origin))
                    .decided_by(odd.map(|f| ElementRef::firewall(d, f))),
            );
            return Err(Verdict::Dropped {
                reason: format!(
                    "asymmetric routing: request through {}, reply through {}",
                    names(&fwd),
                    names(&crossed)
                ),
            });
        }
        if !self.opts.quiet {
            self.hop(
                Hop::new(
                    "reply",
                    Step::Return,
                    true,
                    format!(
                        "reply path: {} (stateful devices: {})",
                        desc.join("; then "),
                        names(&fwd)
                    ),
                )
                .element(self.origin_element(origin)),
            );
        }
        Ok(())
    }

    pub(super) fn reply_start(&self, responder: Ipv4Addr) -> ReplyStart {
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

    /// Routes a reply from `start` to `to` hop by hop with the effective routes of every subnet
    /// it crosses (P15), collecting the devices it passes; `forwarded`: the reply already left
    /// the VNet it came from through a device (P13). Checks only routing.
    pub(super) fn reply_walk(
        &mut self,
        start: ReplyStart,
        from: Ipv4Addr,
        to: Ipv4Addr,
        forwarded: bool,
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
        let mut forwarded = forwarded;
        for _ in 0..16 {
            self.touch(Touch::Routes(subnet));
            let view = &d.derived.routes[subnet.ix()];
            let Some(choice) = view.lookup(to) else {
                return Err(Verdict::Dropped {
                    reason: format!("the reply from {from} has no route to {to}"),
                });
            };
            let r = &view.routes[choice.index];
            let sname = &d.subnets[subnet.ix()].name;
            if !self.opts.quiet {
                steps.push(format!(
                    "{sname} → {} ({})",
                    r.next_hop.type_name(),
                    r.prefix
                ));
            }
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
                hop => {
                    let here = d.subnets[subnet.ix()].vnet;
                    if let NextHop::VnetPeering { vnet: remote } = hop
                        && forwarded
                        && !d
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
                    if let NextHop::VnetPeering { vnet: remote } = hop
                        && let Some(why) =
                            d.subnet_peering_refuses(subnet, *remote, d.subnet_containing(to))
                    {
                        return Err(Verdict::Dropped {
                            reason: format!("the reply from {from} to {to} is lost: {why}"),
                        });
                    }
                    reply_lands(d, hop, here, to).map_err(|why| Verdict::Dropped {
                        reason: format!("the reply from {from} to {to} is lost: {why} (P15)"),
                    })?;
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

pub(super) enum ReplyStart {
    Subnet(SubnetId),
    Direct(String),
}

/// Whether a reply handed to the last next hop `hop` (from a subnet of VNet `here`) arrives at
/// `to` (P15): a VNet hop only to addresses of that VNet, the `Internet` hop only to public
/// addresses outside every on-premises site, a gateway only to the prefixes of its sites.
fn reply_lands(d: &Design, hop: &NextHop, here: VnetId, to: Ipv4Addr) -> Result<(), String> {
    let site_of = |ip: Ipv4Addr| {
        d.sites
            .iter()
            .find(|s| s.prefixes.iter().any(|p| p.contains(&ip)))
    };
    match hop {
        NextHop::VnetLocal if !d.vnet_space(here).contains(to) => Err(format!(
            "it is routed within VNet {}, which does not hold {to}",
            d.vnets[here.ix()].name
        )),
        NextHop::VnetPeering { vnet } if !d.vnet_space(*vnet).contains(to) => Err(format!(
            "it is routed to the peered VNet {}, which does not hold {to}",
            d.vnets[vnet.ix()].name
        )),
        NextHop::Internet => match site_of(to) {
            Some(site) => Err(format!(
                "it is routed to the Internet next hop, but {to} is on-premises (site {})",
                site.name
            )),
            None if crate::tags::non_public().contains(to) => Err(format!(
                "it is routed to the Internet next hop, but {to} is a private address"
            )),
            None => Ok(()),
        },
        NextHop::VirtualNetworkGateway { gateway: None } => {
            Err("it is routed to a virtual network gateway, but none is reachable".into())
        }
        NextHop::VirtualNetworkGateway { gateway: Some(g) } => {
            if d.sites
                .iter()
                .any(|s| s.gateway == *g && s.prefixes.iter().any(|p| p.contains(&to)))
            {
                Ok(())
            } else {
                Err(format!(
                    "it is routed into gateway {}, which has no route to {to} (forced tunnelling sends it on-premises)",
                    d.gateways[g.ix()].name
                ))
            }
        }
        _ => Ok(()),
    }
}
