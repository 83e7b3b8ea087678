//! Where an element is written: the position of a named element (workload, service, subnet,
//! NSG rule, …) in its file, for reports that point at the element at fault (SARIF, annotations).

use super::types::TopologyFile;
use crate::diag::Span;

impl TopologyFile {
    /// Where the element named `name` is written: a workload, service, client, firewall, NSG,
    /// route table, gateway, ASG, VNet or private DNS zone by its name, a subnet as
    /// `VNET/SUBNET`, an NSG rule as `NSG/RULE`, a route as `TABLE/ROUTE`; a flow endpoint such
    /// as `mlstore:blob` is located at its element. `None` for names that are no element (for
    /// example `internet`) and for records built in code.
    pub fn locate(&self, name: &str) -> Option<Span> {
        let known = |s: Span| (s.line > 0).then_some(s);
        let by_name = self
            .workloads
            .get(name)
            .map(|w| w.pos.0)
            .or_else(|| self.services.get(name).map(|s| s.pos.0))
            .or_else(|| self.clients.get(name).map(|c| c.pos.0))
            .or_else(|| self.firewalls.get(name).map(|f| f.pos.0))
            .or_else(|| self.nsgs.get(name).map(|n| n.pos.0))
            .or_else(|| self.route_tables.get(name).map(|r| r.pos.0))
            .or_else(|| self.gateways.get(name).map(|g| g.pos.0))
            .or_else(|| self.asgs.get(name).map(|a| a.pos.0))
            .or_else(|| self.vnets.get(name).map(|v| v.pos.0))
            .or_else(|| {
                let dns = self.dns.as_ref()?;
                dns.private_zones.get(name).map(|z| z.pos.0)
            });
        if let Some(s) = by_name.and_then(known) {
            return Some(s);
        }
        if let Some((parent, child)) = name.split_once('/') {
            let nested = self
                .vnets
                .get(parent)
                .and_then(|v| v.subnets.get(child))
                .map(|s| s.pos.0)
                .or_else(|| {
                    let nsg = self.nsgs.get(parent)?;
                    let r = nsg.rules.iter().find(|r| r.name.value == child)?;
                    Some(r.pos.0)
                })
                .or_else(|| {
                    let table = self.route_tables.get(parent)?;
                    let r = table.routes.iter().find(|r| r.name.value == child)?;
                    Some(r.pos.0)
                });
            if let Some(s) = nested.and_then(known) {
                return Some(s);
            }
        }
        // `SERVICE:SUBRESOURCE` or `service:TAG`: the element before the colon.
        match name.split_once(':') {
            Some((element, _)) if element != "service" => self.locate(element),
            _ => None,
        }
    }
}
