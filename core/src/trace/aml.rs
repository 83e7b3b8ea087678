//! Azure ML's own ways into a compute: the private link service of a no-public-IP compute and
//! the NSG Azure ML creates with a public-IP compute (E1, E3, P7).

use super::*;
use crate::eval::paas::Arrival;
use crate::format::Direction;
use crate::model::{Design, ServiceId, WorkloadId};
use crate::net::Protocol;
use std::net::Ipv4Addr;

impl Walk<'_> {
    /// Azure ML's service reaching a no-public-IP compute: through the private link service
    /// created with the compute (E7 tip, E3), which needs the workspace's private endpoint. The
    /// connection enters the VNet from the private link service's NAT address in the compute's
    /// subnet, so the subnet and NIC NSGs see a `VirtualNetwork` source (why the docs list no
    /// inbound rule for it: `AllowVNetInBound` covers it unless a rule denies it).
    pub(super) fn aml_private_link(
        &mut self,
        wid: WorkloadId,
        name: &str,
        target: Target,
    ) -> Step_ {
        self.touch(Touch::Services);
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
            self.hop(Hop::new(name, Step::Route, false, why).element(ElementRef::workload(d, wid)));
            return Err(Verdict::Dropped {
                reason: format!(
                    "no-public-IP compute {} without a workspace private endpoint (E3)",
                    wl.name
                ),
            });
        };
        let sub = &d.subnets[wl.subnet.ix()];
        let nat = sub.last_usable();
        self.hop(Hop::new(
            name,
            Step::Route,
            true,
            format!(
                "{} has no public IP: {name} reaches it through its private link service (E7 tip), entering {} from the NAT address {nat}",
                wl.name, sub.name
            )).element(ElementRef::workload(d, wid)));
        self.flow.src = nat;
        self.pls_nat = Some(nat);
        self.deliver(target)
    }

    /// Inbound to the public IP of an Azure ML compute: the subnet NSG (A4), then the NSG Azure
    /// ML creates with the compute, which allows TCP 44224 from `AzureMachineLearning` (E1) and,
    /// with classic Batch node communication, 29876-29877 from `BatchNodeManagement` (P7).
    pub(super) fn aml_public_compute(&mut self, wid: WorkloadId) -> Step_ {
        self.touch(Touch::Services);
        let d = self.d;
        let wl = &d.workloads[wid.ix()];
        let vnet = d.subnets[wl.subnet.ix()].vnet;
        self.touch(Touch::SubnetNsg(wl.subnet));
        if self.admin(wl.subnet, Direction::Inbound)? {
            self.delivered(&wl.name, ElementRef::workload(d, wid));
            return Ok(());
        }
        if let Some(n) = d.subnets[wl.subnet.ix()].nsg {
            let at = format!("subnet {}", d.subnets[wl.subnet.ix()].name);
            let sid = wl.subnet;
            self.nsg(n, Direction::Inbound, vnet, &at, |d| {
                ElementRef::subnet(d, sid)
            })?;
        }
        let f = self.flow;
        let in_tag = |t: &str| d.tags.get(t).is_some_and(|s| s.contains(f.src));
        let tcp = f.protocol == Protocol::Tcp;
        let at = format!("{}-auto-nsg (NIC of {})", wl.name, wl.name);
        if wl.ssh_public {
            self.consult_port(22);
            self.consult_port(23);
        }
        let allowed = if wl.ssh_public && tcp && f.dst_port == 22 {
            Some("AllowSSH: TCP 22 from any source (ssh_public_access enabled, S23)")
        } else if tcp && f.dst_port == 44224 && in_tag("AzureMachineLearning") {
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
                self.hop(Hop::new(
                    at,
                    Step::NsgInbound,
                    true,
                    format!(
                        "allowed inbound by the NSG Azure ML creates with the compute, rule {rule}"
                    )).element(ElementRef::workload(d, wid)).decided_by(ElementRef::NsgRule { nsg: format!("{}-auto-nsg", wl.name), rule: rule.split(':').next().unwrap_or(rule).to_string() }));
                self.delivered(&wl.name, ElementRef::workload(d, wid));
                Ok(())
            }
            None => {
                self.hop(Hop::new(at, Step::NsgInbound, false, "denied inbound by the NSG Azure ML creates with the compute (it opens only TCP 44224 from AzureMachineLearning, E1): DenyAllInBound").element(ElementRef::workload(d, wid)).decided_by(ElementRef::NsgRule { nsg: format!("{}-auto-nsg", wl.name), rule: "DenyAllInBound".to_string() }));
                Err(Verdict::Denied {
                    by: format!("NSG {}-auto-nsg rule DenyAllInBound (inbound)", wl.name),
                })
            }
        }
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
pub(super) fn aml_private_compute(
    d: &Design,
    tag: Option<&str>,
    dst: Ipv4Addr,
) -> Option<WorkloadId> {
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

/// Whether the workload is a managed online endpoint of a workspace (scored through the
/// workspace's ingress, not through a NIC of its own).
pub fn is_managed_endpoint(d: &Design, w: WorkloadId) -> bool {
    let wl = &d.workloads[w.ix()];
    wl.kind == crate::format::WorkloadKind::OnlineEndpoint && wl.workspace.is_some()
}

impl Walk<'_> {
    /// A scoring request that reached the endpoint's workspace ingress (E5, WE-AML-1): through
    /// the workspace's approved private endpoint it reaches the endpoint whatever the public
    /// settings; on the public front end only when the endpoint's own `public_network_access`
    /// is enabled (the workspace's public setting does not decide for the endpoint).
    pub(super) fn score(&mut self, wid: WorkloadId, ws: ServiceId, arrival: Arrival) -> Step_ {
        self.touch(Touch::Services);
        let d = self.d;
        let ep = &d.workloads[wid.ix()];
        let https = self.flow.protocol == Protocol::Tcp && self.flow.dst_port == 443;
        let by = match arrival {
            _ if !https => None,
            Arrival::PrivateEndpoint(pe) => Some(ElementRef::private_endpoint(d, pe)),
            _ => Some(ElementRef::workload(d, wid).setting("public_network_access")),
        };
        let (ok, why) = match arrival {
            _ if !https => (
                false,
                format!(
                    "{} accepts scoring requests on HTTPS (TCP 443) only",
                    ep.name
                ),
            ),
            Arrival::PrivateEndpoint(pe) => {
                let pe = &d.private_endpoints[pe.ix()];
                match pe.state {
                    crate::format::PeState::Approved => (
                        true,
                        format!(
                            "scoring arrives over the workspace's private endpoint {}: managed online endpoints receive private scoring requests through it (E5)",
                            pe.name
                        ),
                    ),
                    other => (
                        false,
                        format!(
                            "the workspace's private endpoint {} is {other}: only Approved endpoints carry traffic (C1)",
                            pe.name
                        ),
                    ),
                }
            }
            _ if ep.public_network_access => (
                true,
                format!(
                    "{} accepts public scoring requests (public_network_access enabled), whatever the workspace's public setting (WE-AML-1)",
                    ep.name
                ),
            ),
            _ => (
                false,
                format!(
                    "{} has public_network_access disabled: scoring is accepted only through the private endpoint of workspace {} (E5)",
                    ep.name,
                    d.services[ws.ix()].name
                ),
            ),
        };
        self.hop(
            Hop::new(&ep.name, Step::ServiceFirewall, ok, why)
                .element(ElementRef::workload(d, wid))
                .decided_by(by),
        );
        if !ok {
            return Err(Verdict::Denied {
                by: format!("ingress of managed online endpoint {}", ep.name),
            });
        }
        self.pass(ep.name.clone(), || ElementRef::workload(d, wid));
        self.hop(
            Hop::new(
                &ep.name,
                Step::Deliver,
                true,
                format!("delivered to managed online endpoint {}", ep.name),
            )
            .element(ElementRef::workload(d, wid)),
        );
        Ok(())
    }
}

impl Walk<'_> {
    /// A request from a compute in a workspace's managed network (E4): the managed network's
    /// outbound decision, then the service (over a managed private endpoint) or the public path.
    pub(super) fn managed_egress(&mut self, ws: ServiceId) -> Step_ {
        self.touch(Touch::Services);
        use crate::eval::managed::{Egress, outbound};
        let d = self.d;
        // Only a name leads to a managed private endpoint; a packet addressed to a service's
        // public IP goes the public way.
        let service = self.dns_service;
        for r in d.services[ws.ix()]
            .managed_network
            .iter()
            .flat_map(|m| &m.outbound_rules)
        {
            if let crate::model::OutboundTarget::ServiceTag { ports, .. } = &r.target {
                self.consult_ports(ports);
            }
        }
        let dec = outbound(
            d,
            ws,
            &self.flow,
            service,
            self.fqdn.as_deref(),
            self.opts.any_name_or_identity,
        );
        let at = format!("managed network of {}", d.services[ws.ix()].name);
        let Some(egress) = dec.egress else {
            self.hop(
                Hop::new(&at, Step::Firewall, false, dec.reason)
                    .element(ElementRef::service(d, ws))
                    .decided_by(ElementRef::service(d, ws).setting("managed_network")),
            );
            return Err(Verdict::Denied { by: at });
        };
        self.hop(
            Hop::new(&at, Step::Firewall, true, dec.reason)
                .element(ElementRef::service(d, ws))
                .decided_by(ElementRef::service(d, ws).setting("managed_network")),
        );
        self.pass(at, || ElementRef::service(d, ws));
        match (egress, service) {
            (Egress::PrivateEndpoint, Some((sid, _))) => {
                self.service(sid, Arrival::ManagedPrivateEndpoint)
            }
            _ => match target_at(d, self.flow.dst) {
                Target::Nic { .. } | Target::Host { .. } | Target::Pe(_) | Target::OnPrem(_) => {
                    Err(Verdict::Dropped {
                        reason:
                            "a managed network has no private connection to customer networks (E4)"
                                .into(),
                    })
                }
                t => self.deliver(t),
            },
        }
    }
}
