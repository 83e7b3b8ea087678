//! Leaving Azure for a public address: the outbound method that gives the packet its public
//! source. Microsoft's precedence ("Design virtual networks with Azure NAT Gateway"): the
//! subnet's NAT gateway first ("the NAT gateway takes precedence" over load balancers and
//! instance-level public IPs), then the sending NIC's own public IP, then default outbound
//! access — which a private subnet (`default_outbound_access: false`) does not have. A UDR
//! sending 0.0.0.0/0 to an appliance bypasses the NAT gateway: the packet then leaves from
//! the appliance's subnet, with the appliance as the sender.

use super::*;
use crate::model::{FirewallId, SubnetId, WorkloadId};

/// The NIC handing a packet to the `Internet` next hop.
#[derive(Clone, Copy, Debug)]
pub(super) enum Sender {
    /// The request's own source.
    Origin,
    /// A firewall or NVA that forwarded it.
    Firewall(FirewallId),
    /// A workload with IP forwarding that forwarded it.
    Forwarder(WorkloadId),
    /// A VPN or ExpressRoute gateway (no NIC public IP of its own for this traffic).
    Gateway,
}

impl Walk<'_> {
    /// Decides how a packet sent by `sender` from `subnet` leaves Azure; records the public
    /// source when an explicit method gives one. Dropped in a private subnet without one.
    pub(super) fn egress(&mut self, subnet: SubnetId, sender: Sender) -> Step_ {
        let d = self.d;
        let s = &d.subnets[subnet.ix()];
        if let Some(n) = s.nat_gateway {
            let nat = &d.nat_gateways[n.ix()];
            let Some(&ip) = nat.public_ips.first() else {
                return Err(Verdict::Dropped {
                    reason: format!("NAT gateway {} has no public IP", nat.name),
                });
            };
            let detail = self.text(|| {
                format!(
                    "{} leaves Azure through NAT gateway {} from {ip}: the subnet's NAT gateway takes precedence over public IPs on the NIC and load balancer outbound rules",
                    self.flow.src, nat.name
                )
            });
            self.hop(
                Hop::new(&nat.name, Step::Route, true, detail)
                    .element(ElementRef::nat_gateway(d, n))
                    .decided_by(ElementRef::subnet(d, subnet).setting("nat_gateway")),
            );
            self.egress_ip = Some(ip);
            return Ok(());
        }
        let pip = match sender {
            Sender::Origin => d
                .workloads
                .iter()
                .find(|w| w.ips.contains(self.flow.src))
                .and_then(|w| w.public_ip.map(|(_, ip)| ip))
                .or_else(|| {
                    d.firewalls
                        .iter()
                        .find(|f| f.ip == self.flow.src)
                        .and_then(|f| f.public_ip)
                }),
            Sender::Firewall(f) => d.firewalls[f.ix()].public_ip,
            Sender::Forwarder(w) => d.workloads[w.ix()].public_ip.map(|(_, ip)| ip),
            Sender::Gateway => None,
        };
        if let Some(ip) = pip {
            self.egress_ip = Some(ip);
            return Ok(());
        }
        if s.default_outbound_access {
            return Ok(());
        }
        let detail = self.text(|| {
            format!(
                "{} is a private subnet (default outbound access disabled) and the sender has no explicit outbound method (NAT gateway on the subnet, public IP on the NIC): no path to public endpoints",
                s.name
            )
        });
        self.hop(
            Hop::new(&s.name, Step::Route, false, detail)
                .element(ElementRef::subnet(d, subnet))
                .decided_by(ElementRef::subnet(d, subnet).setting("default_outbound_access")),
        );
        Err(Verdict::Dropped {
            reason: format!(
                "{} is a private subnet without an outbound method to {}",
                s.name, self.flow.dst
            ),
        })
    }
}
