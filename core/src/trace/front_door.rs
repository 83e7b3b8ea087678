//! Azure Front Door as a reverse proxy (docs/semantics.md I8–I9): a connection to its endpoint
//! (TCP 80 or 443) ends at Front Door, which opens a new connection to one of its origins —
//! from its backend addresses (`AzureFrontDoor.Backend`) to a public origin, or through the
//! private endpoint it manages to a Private Link origin (premium). The second leg is traced as
//! any flow (the origin's NSGs in, its service firewall, the reply) and its hops follow the
//! first leg's.

use super::proxy::MAX_PROXIES;
use super::*;
use crate::eval::paas::Arrival;
use crate::model::{FrontDoorHost, FrontDoorId, FrontDoorOrigin};
use crate::net::Flow;

/// The ports a Front Door endpoint answers: HTTP and HTTPS on their standard ports.
const FRONT_DOOR_PORTS: [u16; 2] = [80, 443];

impl Walk<'_> {
    /// The request has reached Front Door `fid`'s endpoint: its route takes HTTP and HTTPS and
    /// forwards it to the first origin that answers.
    pub(super) fn front_door(&mut self, fid: FrontDoorId) -> Step_ {
        let d = self.d;
        let fd = &d.front_doors[fid.ix()];
        let el = || ElementRef::FrontDoor(fd.name.clone());
        for p in FRONT_DOOR_PORTS {
            self.consult_port(u32::from(p));
            self.consult_port(u32::from(p) + 1);
        }
        let port = self.flow.dst_port;
        if self.flow.protocol != Protocol::Tcp || !FRONT_DOOR_PORTS.contains(&port) {
            let what = if self.flow.protocol.has_ports() {
                format!("{}/{port}", self.flow.protocol)
            } else {
                self.flow.protocol.to_string()
            };
            let detail = self.text(|| {
                format!(
                    "Front Door {} answers HTTP and HTTPS on TCP 80 and 443 only, not {what}",
                    fd.name
                )
            });
            self.hop(Hop::new(&fd.name, Step::Proxy, false, detail).element(el()));
            return Err(Verdict::Denied {
                by: format!("Front Door {} (no route on {what})", fd.name),
            });
        }
        if self.proxies >= MAX_PROXIES {
            return Err(Verdict::Dropped {
                reason: format!(
                    "more than {MAX_PROXIES} reverse proxies in a row (their origins name each other)"
                ),
            });
        }
        let waf = super::proxy::waf_words(fd.waf);
        let detail = self.text(|| {
            format!(
                "Front Door {} ({}) ends the connection on TCP {port}; {waf}; it opens a new connection to an origin",
                fd.name, fd.sku
            )
        });
        self.hop(
            Hop::new(&fd.name, Step::Proxy, true, detail)
                .element(el())
                .decided_by(el().setting("waf")),
        );
        self.path.push(fd.name.clone());
        let members: Vec<&FrontDoorOrigin> = fd
            .origins
            .iter()
            .filter(|o| self.opts.backend.is_none_or(|want| is_origin(d, o, want)))
            .collect();
        if let Some(want) = self.opts.backend
            && members.is_empty()
        {
            let detail = self.text(|| format!("{want} is not an origin of Front Door {}", fd.name));
            self.hop(Hop::new(&fd.name, Step::Proxy, false, detail).element(el()));
            return Err(Verdict::Dropped {
                reason: format!("Front Door {} does not forward to {want}", fd.name),
            });
        }
        let mut first: Option<Verdict> = None;
        for o in members {
            let origin = Origin::Outside {
                ip: d.front_door_backend_ip(),
                tag: None,
                instance: None,
                groups: Vec::new(),
                name: format!("Front Door {}", fd.name),
            };
            let opts = TraceOptions {
                backend: None,
                ..self.opts
            };
            let mut leg = Walk::new(d, opts, &origin);
            leg.rules = self.rules.clone();
            leg.proxies = self.proxies + 1;
            leg.flow = Flow {
                src: d.front_door_backend_ip(),
                dst: origin_ip(d, o),
                protocol: Protocol::Tcp,
                src_port: DEFAULT_SOURCE_PORT,
                dst_port: o.port,
            };
            leg.port_floor = u32::from(o.port);
            if let FrontDoorHost::Service(s) = o.host {
                leg.dns_service = Some((s, "blob"));
            }
            let verdict = if o.private_link {
                match leg.private_link_leg(fid, o) {
                    Ok(()) => match leg.reply(&origin) {
                        Ok(()) => Verdict::Delivered,
                        Err(v) => v,
                    },
                    Err(v) => v,
                }
            } else {
                leg.run(&origin)
            };
            self.hops.append(&mut leg.hops);
            for t in leg.touched {
                self.touch(t);
            }
            if verdict.allowed() {
                self.path.extend(leg.path);
                return Ok(());
            }
            first.get_or_insert(verdict);
        }
        let detail = self.text(|| {
            format!(
                "no origin of Front Door {} is reachable: it answers 5xx (the origin is unreachable)",
                fd.name
            )
        });
        self.hop(Hop::new(&fd.name, Step::Proxy, false, detail).element(el()));
        Err(first.unwrap_or(Verdict::Dropped {
            reason: format!("Front Door {} has no origin", fd.name),
        }))
    }

    /// The second leg to a Private Link origin: through the private endpoint Front Door
    /// manages in its own network, approved on the origin — the private link service of the
    /// internal load balancer in front of a workload (entering its subnet from the service's
    /// NAT address), or a storage account's private link resource.
    fn private_link_leg(&mut self, fid: FrontDoorId, o: &FrontDoorOrigin) -> Step_ {
        let d = self.d;
        let fd = &d.front_doors[fid.ix()];
        match o.host {
            FrontDoorHost::Workload(w) => {
                let wl = &d.workloads[w.ix()];
                let sub = &d.subnets[wl.subnet.ix()];
                let nat = Ipv4Addr::from(crate::model::usable_range(sub.prefix).1);
                let detail = self.text(|| format!("Front Door {} reaches {} over Private Link: the private endpoint it manages connects to the private link service of the internal load balancer in front of {}, which enters {} from its NAT address {nat}", fd.name, wl.name, wl.name, sub.name));
                self.hop(
                    Hop::new(&fd.name, Step::Route, true, detail)
                        .element(ElementRef::FrontDoor(fd.name.clone()))
                        .decided_by(ElementRef::FrontDoor(fd.name.clone()).setting("private_link")),
                );
                self.flow.src = nat;
                self.flow.dst = wl.ip;
                self.pls_nat = Some(nat);
                let target = target_at(d, wl.ip);
                self.deliver(target)
            }
            FrontDoorHost::Service(s) => self.service(s, Arrival::FrontDoorPrivateLink(&fd.name)),
            FrontDoorHost::Ip(_) => Err(Verdict::Dropped {
                reason: "a Private Link origin is not an address".into(),
            }),
        }
    }
}

/// Whether `ip` is origin `o`: the address Front Door connects to, or a workload's private
/// address (how an expectation names it).
pub(crate) fn is_origin(d: &crate::model::Design, o: &FrontDoorOrigin, ip: Ipv4Addr) -> bool {
    origin_ip(d, o) == ip
        || matches!(o.host, FrontDoorHost::Workload(w) if d.workloads[w.ix()].ip == ip)
}

/// The address an origin is reached at: a workload's public IP (its private address when
/// reached over Private Link or when it has none), a storage account's public endpoint, or the
/// address itself.
pub(crate) fn origin_ip(d: &crate::model::Design, o: &FrontDoorOrigin) -> Ipv4Addr {
    match o.host {
        FrontDoorHost::Workload(w) => {
            let wl = &d.workloads[w.ix()];
            match (o.private_link, wl.public_ip) {
                (false, Some((_, pip))) => pip,
                _ => wl.ip,
            }
        }
        FrontDoorHost::Service(s) => d.services[s.ix()].public_ip,
        FrontDoorHost::Ip(ip) => ip,
    }
}
