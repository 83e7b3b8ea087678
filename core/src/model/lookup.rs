//! Looking things up in a design by name or address, and the address sets derived from it
//! (the design's public addresses, `internet` as the outside world, P14).

use super::*;

impl Design {
    /// Every security admin rule applied to some VNet, as the NSG-shaped rule it matches with
    /// (each once per VNet it is applied to).
    pub fn admin_rules(&self) -> impl Iterator<Item = &NsgRule> {
        self.vnets.iter().flat_map(|v| {
            v.admin_rules
                .inbound
                .iter()
                .chain(&v.admin_rules.outbound)
                .map(|r| &r.rule)
        })
    }

    /// A subnet by `VNET/SUBNET` name.
    pub fn subnet_by_name(&self, name: &str) -> Option<SubnetId> {
        self.subnets
            .iter()
            .position(|s| s.name == name)
            .map(|i| SubnetId(i as u32))
    }
    /// A VNet by name.
    pub fn vnet_by_name(&self, name: &str) -> Option<VnetId> {
        self.vnets
            .iter()
            .position(|v| v.name == name)
            .map(|i| VnetId(i as u32))
    }
    /// A workload by name.
    pub fn workload_by_name(&self, name: &str) -> Option<WorkloadId> {
        self.workloads
            .iter()
            .position(|v| v.name == name)
            .map(|i| WorkloadId(i as u32))
    }
    /// A service by name.
    pub fn service_by_name(&self, name: &str) -> Option<ServiceId> {
        self.services
            .iter()
            .position(|v| v.name == name)
            .map(|i| ServiceId(i as u32))
    }
    /// A firewall by name.
    pub fn firewall_by_name(&self, name: &str) -> Option<FirewallId> {
        self.firewalls
            .iter()
            .position(|v| v.name == name)
            .map(|i| FirewallId(i as u32))
    }
    /// A client by name.
    pub fn client_by_name(&self, name: &str) -> Option<ClientId> {
        self.clients
            .iter()
            .position(|v| v.name == name)
            .map(|i| ClientId(i as u32))
    }
    /// The subnet that contains `ip`, if any.
    pub fn subnet_containing(&self, ip: Ipv4Addr) -> Option<SubnetId> {
        self.subnets
            .iter()
            .position(|s| s.contains(&ip))
            .map(|i| SubnetId(i as u32))
    }
    /// The VNet whose address space contains `ip`, if any.
    pub fn vnet_containing(&self, ip: Ipv4Addr) -> Option<VnetId> {
        self.vnets
            .iter()
            .position(|v| v.address_space.iter().any(|n| n.contains(&ip)))
            .map(|i| VnetId(i as u32))
    }
    /// The peering link from `local` to `remote`, if any.
    pub fn peering(&self, local: VnetId, remote: VnetId) -> Option<&PeeringLink> {
        self.peerings
            .iter()
            .find(|p| p.local == local && p.remote == remote)
    }
    /// The VNet's address space as a set.
    pub fn vnet_space(&self, v: VnetId) -> AddrSet {
        AddrSet::from_nets(self.vnets[v.ix()].address_space.iter().copied())
    }
    /// The storage accounts the subnet's service endpoint policies allow over its storage
    /// service endpoint; `None` when it has no policy (every account is reachable).
    pub fn endpoint_policy_allows(&self, s: SubnetId) -> Option<Vec<ServiceId>> {
        let subnet = &self.subnets[s.ix()];
        if subnet.endpoint_policies.is_empty() {
            return None;
        }
        let mut ids: Vec<ServiceId> = subnet
            .endpoint_policies
            .iter()
            .flat_map(|p| {
                self.endpoint_policies[p.ix()]
                    .storage_accounts
                    .iter()
                    .copied()
            })
            .collect();
        ids.sort();
        ids.dedup();
        Some(ids)
    }
    /// The public addresses the design owns or assigns: its workloads' (Bastion's too),
    /// firewalls', NAT gateways' and services' public endpoints, and the default outbound
    /// address.
    pub fn public_addresses(&self) -> AddrSet {
        let workloads = self
            .workloads
            .iter()
            .filter_map(|w| w.public_ip.map(|(_, ip)| ip));
        let firewalls = self.firewalls.iter().filter_map(|f| f.public_ip);
        let services = self.services.iter().map(|s| s.public_ip);
        let nat = self
            .nat_gateways
            .iter()
            .flat_map(|n| n.public_ips.iter().copied());
        let mut ips: Vec<Ipv4Addr> = workloads
            .chain(firewalls)
            .chain(nat)
            .chain(services)
            .chain([crate::tags::DEFAULT_OUTBOUND_IP])
            .collect();
        ips.sort_unstable();
        ips.dedup();
        AddrSet::from_ranges(ips.into_iter().map(|ip| (ip.into(), ip.into())).collect())
    }
    /// What the `internet` endpoint stands for (P14): hosts on the public internet outside the
    /// design — the `Internet` tag minus the Azure platform addresses (reachable only from
    /// inside Azure), every public address of the design and its on-premises sites' prefixes
    /// (named, they stay reachable).
    pub fn outside_internet(&self) -> AddrSet {
        let sites = AddrSet::from_nets(self.sites.iter().flat_map(|s| s.prefixes.iter().copied()));
        let platform = AddrSet::from_addr(crate::tags::AZURE_HOST_IP)
            .union(&AddrSet::from_addr(crate::tags::AZURE_METADATA_IP));
        self.tags
            .get("Internet")
            .cloned()
            .unwrap_or_default()
            .difference(&platform)
            .difference(&self.public_addresses())
            .difference(&sites)
    }
}
