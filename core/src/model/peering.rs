//! Subnet peering (S12): a link that peers only some subnets of its two VNets exchanges only
//! their prefixes, and carries only packets sent from its local subnets to its remote ones.

use super::{Design, PeeringLink, SubnetId, VnetId};
use ipnet::Ipv4Net;

impl PeeringLink {
    /// Whether the link peers only some subnets (ARM `peerCompleteVnets: false`).
    pub fn is_subnet_peering(&self) -> bool {
        self.local_subnets.is_some() || self.remote_subnets.is_some()
    }
}

impl Design {
    /// The prefixes of the remote VNet a link peers: its peered subnets' prefixes, or its
    /// whole address space.
    pub fn peered_remote_prefixes(&self, link: &PeeringLink) -> Vec<Ipv4Net> {
        match &link.remote_subnets {
            Some(subs) => subs
                .iter()
                .flat_map(|s| self.subnets[s.ix()].prefixes.iter().copied())
                .collect(),
            None => self.vnets[link.remote.ix()].address_space.clone(),
        }
    }

    /// Why the peering from subnet `from`'s VNet to `to` does not carry a packet sent from
    /// `from` to subnet `dst` (when known): with subnet peering, "the nonpeered subnets can
    /// send packet to destination node in the peered subnet, although the packet is dropped",
    /// and only the peered subnets are reachable. `None` when the link carries it (or there is
    /// no link: the caller decides that).
    pub fn subnet_peering_refuses(
        &self,
        from: SubnetId,
        to: VnetId,
        dst: Option<SubnetId>,
    ) -> Option<String> {
        let local = self.subnets[from.ix()].vnet;
        let link = self.peering(local, to)?;
        let (a, b) = (&self.vnets[local.ix()].name, &self.vnets[to.ix()].name);
        if let Some(l) = &link.local_subnets
            && !l.contains(&from)
        {
            return Some(format!(
                "subnet {} is not one of the subnets the peering {a} → {b} peers (subnet peering): Azure drops its packets",
                self.subnets[from.ix()].name
            ));
        }
        if let (Some(r), Some(t)) = (&link.remote_subnets, dst)
            && !r.contains(&t)
        {
            return Some(format!(
                "subnet {} is not one of the subnets the peering {a} → {b} peers (subnet peering)",
                self.subnets[t.ix()].name
            ));
        }
        None
    }
}
