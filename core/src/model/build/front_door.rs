//! Lowering Azure Front Door profiles: origins resolved to workloads, storage accounts or
//! addresses, Private Link only on premium and only to origins Microsoft supports, an anycast
//! frontend address from `AzureFrontDoor.Frontend` (docs/semantics.md I8–I9).

use super::*;
use crate::format::{FrontDoorSku, WafMode};
use crate::model::front_door::private_link_workload;

impl Builder<'_, '_> {
    pub(super) fn front_doors(
        &mut self,
        f: &TopologyFile,
        workloads: &[Workload],
        services: &[Service],
    ) -> Vec<FrontDoor> {
        let workload_names: BTreeMap<String, WorkloadId> = ids(&f.workloads, WorkloadId);
        let frontend = self.tags.get("AzureFrontDoor.Frontend").cloned();
        let mut out = Vec::new();
        for (i, (name, fd)) in f.front_doors.iter().enumerate() {
            if f.workloads.contains_key(name) || f.services.contains_key(name) {
                self.d
                    .error(
                        fd.pos.0,
                        "front-door",
                        format!(
                            "`{name}` names both a Front Door profile and a workload or service"
                        ),
                    )
                    .help("give the Front Door profile a name of its own");
            }
            let sku = fd.sku.unwrap_or_default();
            if fd.origins.is_empty() {
                self.d
                    .warning(fd.pos.0, "front-door", format!("Front Door `{name}` has no origin: it forwards nothing"))
                    .help("name the workloads, storage accounts or addresses it forwards to in `origins`");
            }
            let mut origins = Vec::new();
            for o in &fd.origins {
                let private_link = o.private_link.unwrap_or(false);
                let port = o.https_port.as_ref().map_or(443, |p| p.value);
                if port == 0 {
                    self.d.error(
                        o.https_port.as_ref().map_or(o.pos.0, |p| p.span()),
                        "front-door",
                        "an origin's port is 1 to 65535",
                    );
                }
                if private_link && sku != FrontDoorSku::Premium {
                    self.d
                        .error(o.pos.0, "front-door", format!("origin `{}` uses Private Link, which only Front Door Premium supports", o.host.value))
                        .help("set `sku: premium` on the profile, or `private_link: false`");
                }
                let host = if let Some(ip) = crate::net::parse_ipv4(&o.host.value) {
                    if private_link {
                        self.d
                            .error(o.host.span(), "front-door", "a Private Link origin is a workload or a storage account, not an address")
                            .help("name the workload behind the internal load balancer's private link service");
                    }
                    if crate::tags::non_public().contains(ip) {
                        self.d
                            .warning(o.host.span(), "front-door", format!("origin {ip} is a private address: Front Door reaches origins at public addresses or through Private Link"))
                            .help("use `private_link: true` with the workload's name, or its public IP");
                    }
                    FrontDoorHost::Ip(ip)
                } else if let Some(&w) = workload_names.get(&o.host.value) {
                    let kind = workloads.get(w.ix()).map(|w| w.kind);
                    if private_link && kind.is_some_and(|k| !private_link_workload(k)) {
                        self.d
                            .error(o.host.span(), "front-door", format!("`{}` is a {}: Front Door's Private Link reaches a VNet through an internal load balancer's private link service (a vm or aks origin)", o.host.value, kind.expect("checked")))
                            .help("use the origin's public address (`private_link: false`)");
                    }
                    FrontDoorHost::Workload(w)
                } else if let Some(&s) = self.names.services.get(&o.host.value) {
                    let kind = services.get(s.ix()).map(|s| s.kind);
                    if kind.is_some_and(|k| k != ServiceKind::Storage) {
                        self.d
                            .error(o.host.span(), "front-door", format!("`{}` is a {}: of the design's services, Front Door origins are storage accounts", o.host.value, kind.expect("checked")))
                            .help("name a workload, a storage account or a public address");
                    }
                    FrontDoorHost::Service(s)
                } else {
                    let known = workload_names
                        .keys()
                        .chain(self.names.services.keys())
                        .map(String::as_str);
                    let diag = self.d.error(
                        o.host.span(),
                        "reference",
                        format!("no workload or service named `{}`", o.host.value),
                    );
                    if let Some(s) = crate::diag::did_you_mean(&o.host.value, known) {
                        diag.help(format!("did you mean `{s}`?"));
                    }
                    continue;
                };
                origins.push(FrontDoorOrigin {
                    host,
                    private_link,
                    port,
                    span: o.pos.0,
                });
            }
            out.push(FrontDoor {
                name: name.clone(),
                sku,
                waf: fd.waf.unwrap_or(WafMode::Off),
                ip: frontend
                    .as_ref()
                    .and_then(|s| s.nth_wrapping(100 + i as u64))
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                origins,
                span: fd.pos.0,
            });
        }
        out
    }
}
