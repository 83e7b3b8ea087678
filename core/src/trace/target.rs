//! What a destination address is: a NIC, a host, a private endpoint, a public endpoint, a site…

use crate::model::{
    Design, FirewallId, FrontDoorId, NatGatewayId, NsgId, PeId, ServiceId, SiteId, SubnetId,
    WorkloadId,
};
use crate::tags::AZURE_HOST_IP;
use std::net::Ipv4Addr;

/// What the packet is addressed to, once resolved.
#[derive(Clone, Debug)]
pub(super) enum Target {
    Nic {
        subnet: SubnetId,
        nsg: Option<NsgId>,
        name: String,
        firewall: Option<FirewallId>,
        workload: Option<WorkloadId>,
    },
    Host {
        subnet: SubnetId,
    },
    Pe(PeId),
    ServicePublic(ServiceId),
    WorkloadPublic(WorkloadId),
    FirewallPublic(FirewallId),
    OnPrem(SiteId),
    NatGatewayPublic(NatGatewayId),
    FrontDoor(FrontDoorId),
    Platform,
    Internet,
}

pub(super) fn target_at(d: &Design, ip: Ipv4Addr) -> Target {
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
            workload: Some(WorkloadId(w as u32)),
        };
    }
    if let Some(f) = d.firewalls.iter().position(|f| f.ip == ip) {
        let fw = &d.firewalls[f];
        return Target::Nic {
            subnet: fw.subnet,
            nsg: None,
            name: fw.name.clone(),
            firewall: Some(FirewallId(f as u32)),
            workload: None,
        };
    }
    if let Some(s) = d.subnet_containing(ip) {
        return Target::Host { subnet: s };
    }
    if let Some(f) = d.front_door_at(ip) {
        return Target::FrontDoor(f);
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
    if let Some(n) = d
        .nat_gateways
        .iter()
        .position(|n| n.public_ips.contains(&ip))
    {
        return Target::NatGatewayPublic(NatGatewayId(n as u32));
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

pub(super) fn target_subnet(d: &Design, t: &Target) -> Option<SubnetId> {
    match t {
        Target::Nic { subnet, .. } | Target::Host { subnet } => Some(*subnet),
        Target::Pe(p) => Some(d.private_endpoints[p.ix()].subnet),
        _ => None,
    }
}
