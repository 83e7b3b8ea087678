//! An application gateway as a reverse proxy (docs/semantics.md I2): a connection to one of
//! its listeners ends at the gateway, which opens a new connection from its own private address
//! to a member of the listener's backend pool. The second leg is traced like any flow from the
//! gateway's subnet (its NSGs out, routes, the backend's NSGs in, the reply), and its hops
//! follow the first leg's.

use super::*;
use crate::format::WafMode;
use crate::model::{Backend, WorkloadId};
use crate::net::Flow;

/// How many gateways one request may cross in a row (a pool naming a gateway whose pool names
/// the first would otherwise never end).
pub(super) const MAX_PROXIES: u8 = 4;

impl Walk<'_> {
    /// The request has arrived at application gateway `wid` on its public (or private)
    /// frontend, past the gateway subnet's NSGs: a listener on the port takes it and the
    /// gateway forwards it to its backend pool; no listener, no answer.
    pub(super) fn proxy(&mut self, wid: WorkloadId, public: bool) -> Step_ {
        let d = self.d;
        let gw = &d.workloads[wid.ix()];
        let noun = gw.gateway_noun();
        for l in &gw.listeners {
            self.consult_port(u32::from(l.port));
            self.consult_port(u32::from(l.port) + 1);
        }
        let frontend = if public { "public" } else { "private" };
        let listener = gw.listeners.iter().find(|l| {
            self.flow.protocol == Protocol::Tcp
                && l.port == self.flow.dst_port
                && l.public == public
        });
        let Some(l) = listener else {
            let what = self.flow_port_text();
            let detail = self.text(|| format!("{noun} {} has no listener on {what} of its {frontend} frontend: it answers only its listeners", gw.name));
            self.hop(
                Hop::new(&gw.name, Step::Proxy, false, detail)
                    .element(ElementRef::Workload(gw.name.clone())),
            );
            return Err(Verdict::Denied {
                by: format!(
                    "{noun} {} (no listener on {what}, {frontend} frontend)",
                    gw.name
                ),
            });
        };
        if self.proxies >= MAX_PROXIES {
            return Err(Verdict::Dropped {
                reason: format!(
                    "more than {MAX_PROXIES} application gateways in a row (their backend pools name each other)"
                ),
            });
        }
        let waf = match gw.waf {
            WafMode::Off if gw.kind == crate::format::WorkloadKind::ApiManagement => {
                "API Management has no WAF: requests are not inspected"
            }
            mode => waf_words(mode),
        };
        let detail = self.text(|| {
            format!(
                "the listener on TCP {} ({frontend} frontend) ends the connection; {waf}; the gateway opens a new connection from {} to its backend pool on port {}",
                l.port, gw.ip, l.backend_port
            )
        });
        self.hop(
            Hop::new(&gw.name, Step::Proxy, true, detail)
                .element(ElementRef::Workload(gw.name.clone())),
        );
        self.path.push(gw.name.clone());
        let origin = Origin::Nic {
            subnet: gw.subnet,
            ip: gw.ip,
            nsg: gw.nsg,
            name: gw.name.clone(),
        };
        let members: Vec<Ipv4Addr> = l
            .backends
            .iter()
            .map(|b| match *b {
                Backend::Workload(w) => d.workloads[w.ix()].ip,
                Backend::Ip(ip) => ip,
            })
            .filter(|ip| self.opts.backend.is_none_or(|want| want == *ip))
            .collect();
        if let Some(want) = self.opts.backend
            && members.is_empty()
        {
            let detail = self.text(|| {
                format!(
                    "{want} is not a member of the backend pool of the listener on TCP {} of {}",
                    l.port, gw.name
                )
            });
            self.hop(
                Hop::new(&gw.name, Step::Proxy, false, detail)
                    .element(ElementRef::Workload(gw.name.clone())),
            );
            return Err(Verdict::Dropped {
                reason: format!(
                    "{noun} {} does not forward TCP {} to {want}",
                    gw.name, l.port
                ),
            });
        }
        let mut first: Option<Verdict> = None;
        for dst in members {
            let opts = TraceOptions {
                backend: None,
                ..self.opts
            };
            let mut leg = Walk::new(d, opts, &origin);
            leg.rules = self.rules.clone();
            leg.proxies = self.proxies + 1;
            leg.flow = Flow {
                src: gw.ip,
                dst,
                protocol: Protocol::Tcp,
                src_port: DEFAULT_SOURCE_PORT,
                dst_port: l.backend_port,
            };
            leg.port_floor = u32::from(l.backend_port);
            let verdict = leg.run(&origin);
            self.hops.append(&mut leg.hops);
            for t in leg.touched {
                self.touch(t);
            }
            if verdict.allowed() {
                // The gateway's subnet is already on the path.
                self.path.extend(leg.path.into_iter().skip(1));
                return Ok(());
            }
            first.get_or_insert(verdict);
        }
        let detail = self.text(|| {
            format!(
                "no member of the backend pool of {} is reachable: the gateway answers 502 Bad Gateway",
                gw.name
            )
        });
        self.hop(
            Hop::new(&gw.name, Step::Proxy, false, detail)
                .element(ElementRef::Workload(gw.name.clone())),
        );
        Err(first.unwrap_or(Verdict::Dropped {
            reason: format!("{noun} {} has an empty backend pool", gw.name),
        }))
    }

    fn flow_port_text(&self) -> String {
        if self.flow.protocol.has_ports() {
            format!("{}/{}", self.flow.protocol, self.flow.dst_port)
        } else {
            self.flow.protocol.to_string()
        }
    }
}

/// What a reverse proxy's WAF policy in `mode` does to a request, as a trace's hop says it.
pub(super) fn waf_words(mode: WafMode) -> &'static str {
    match mode {
        WafMode::Prevention => {
            "its WAF policy (prevention mode) inspects the request and blocks what its rules detect"
        }
        WafMode::Detection => {
            "its WAF policy is in detection mode: it logs what its rules detect and blocks nothing"
        }
        WafMode::Off => "it has no WAF policy: requests are not inspected",
    }
}
