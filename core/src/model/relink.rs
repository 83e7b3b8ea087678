//! Edits of what links VNets and services together, applied to a built design in place: a
//! `peerings` entry removed or one of its flags flipped, a private endpoint removed. Each
//! changes the records, then exactly the model elements and derived tables that building the
//! edited records would give differently (tests compare with a rebuild after every such edit
//! of every bundled topology):
//!
//! - **peering**: the links are lowered again from the records; `VirtualNetwork` (A7) and the
//!   effective routes (peering routes, gateway transit, private endpoints' /32 routes seen across
//!   the peering) change only for the VNets at either end of a link that changed;
//! - **private endpoint**: it leaves the model and the ids after it move down one; the later
//!   endpoints of its subnet that take dynamic addresses move down one address each (allocation
//!   gives them the first free addresses in order, `alloc.rs`); the endpoints of its service are
//!   named again (`#N` counts within the service); the A records of the zones it or a moved one
//!   registers in are registered again (C3); the effective routes are computed again (their
//!   `/32` routes name endpoints by id).
//!
//! An edit whose result would be invalid changes nothing and says why.

use super::*;
use crate::diag::{Diagnostics, Severity};
use crate::eval::routes::RouteView;
use std::sync::Arc;

/// The first error of a set of diagnostics, if any.
pub(super) fn first_error(diags: Diagnostics) -> Option<String> {
    if !diags.has_errors() {
        return None;
    }
    diags
        .finish()
        .into_iter()
        .find(|x| x.severity == Severity::Error)
        .map(|x| x.message)
}

/// What removing one private endpoint does to the built design (see the module docs).
#[derive(Clone, Debug)]
pub struct EndpointRemoval {
    /// The endpoint removed.
    pub pe: PeId,
    /// Later endpoints of its subnet with dynamic addresses, each with the address it takes.
    pub moved: Vec<(PeId, Ipv4Addr)>,
}

impl Design {
    /// What removing private endpoint `index` (in its `private_endpoints` list) of `service`
    /// does; `None` when there is no such endpoint, or when other elements than endpoints
    /// would take other addresses (then only a rebuild says what it does).
    pub fn endpoint_removal(&self, service: &str, index: usize) -> Option<EndpointRemoval> {
        let sid = self.service_by_name(service)?;
        let pe = *self.services[sid.ix()].private_endpoints.get(index)?;
        // The records in model order (services by name, then each one's list).
        let dynamic: Vec<bool> = self
            .file
            .services
            .values()
            .flat_map(|s| s.private_endpoints.iter().map(|p| p.ip.is_none()))
            .collect();
        if dynamic.len() != self.private_endpoints.len() {
            return None;
        }
        let subnet = self.private_endpoints[pe.ix()].subnet;
        let freed = self.private_endpoints[pe.ix()].ip;
        // Endpoints take their addresses last. A freed address that was given explicitly may
        // be one that a gateway, firewall or workload of the subnet skipped: then those move
        // too, which only a rebuild says.
        if !dynamic[pe.ix()] {
            let others = self
                .gateways
                .iter()
                .filter(|g| g.subnet == subnet)
                .map(|g| g.ip)
                .chain(
                    self.firewalls
                        .iter()
                        .filter(|f| f.subnet == subnet)
                        .map(|f| f.ip),
                )
                .chain(
                    self.workloads
                        .iter()
                        .filter(|w| w.subnet == subnet)
                        .map(|w| {
                            // A workload may hold a run of addresses (AKS): its highest.
                            w.ips
                                .ranges()
                                .last()
                                .map_or(w.ip, |r| Ipv4Addr::from(r.1).max(w.ip))
                        }),
                )
                .collect::<Vec<Ipv4Addr>>();
            if others.iter().any(|&ip| ip > freed) {
                return None;
            }
        }
        // The first endpoint with a dynamic address above the freed one takes it, and each
        // later one the address of the one before.
        let mut moved = Vec::new();
        let mut free = freed;
        for (j, p) in self.private_endpoints.iter().enumerate() {
            if j != pe.ix() && dynamic[j] && p.subnet == subnet && p.ip > freed {
                moved.push((PeId(j as u32), free));
                free = p.ip;
            }
        }
        Some(EndpointRemoval { pe, moved })
    }

    /// The peering links lowered again from the edited records, and what they change.
    pub(crate) fn relink_peerings(&mut self, opts: &BuildOptions) -> Result<(), String> {
        let links = build::lower_peerings(self, &self.file, opts)?;
        let key = |l: &PeeringLink| {
            (
                l.local,
                l.remote,
                l.allow_forwarded_traffic,
                l.allow_virtual_network_access,
                l.allow_gateway_transit,
                l.use_remote_gateways,
                l.connected,
            )
        };
        let mut changed: Vec<VnetId> = Vec::new();
        for (a, b) in [(&self.peerings, &links), (&links, &self.peerings)] {
            for l in a.iter().filter(|l| !b.iter().any(|m| key(m) == key(l))) {
                changed.extend([l.local, l.remote]);
            }
        }
        changed.sort_unstable();
        changed.dedup();
        self.peerings = links;
        let mut diags = Diagnostics::new("edited");
        validate::after_peering_edit(self, &self.file, &mut diags);
        if let Some(m) = first_error(diags) {
            return Err(format!("the edited design is invalid: {m}"));
        }
        for &v in &changed {
            self.derived.virtual_network[v.ix()] = crate::eval::virtual_network(self, v);
        }
        let subnets: Vec<SubnetId> = (0..self.subnets.len())
            .map(|s| SubnetId(s as u32))
            .filter(|s| changed.contains(&self.subnets[s.ix()].vnet))
            .collect();
        self.recompute_routes(&subnets);
        Ok(())
    }

    /// Removes a private endpoint from the model (its records are already edited).
    pub(crate) fn remove_endpoint(
        &mut self,
        r: &EndpointRemoval,
        service: &str,
    ) -> Result<(), String> {
        let k = r.pe;
        let mut zones: Vec<ZoneId> = self.private_endpoints[k.ix()].zones.clone();
        for &(j, ip) in &r.moved {
            self.private_endpoints[j.ix()].ip = ip;
            zones.extend(self.private_endpoints[j.ix()].zones.iter().copied());
        }
        let sid = self.private_endpoints[k.ix()].service;
        self.private_endpoints.remove(k.ix());
        for s in &mut self.services {
            s.private_endpoints.retain(|p| *p != k);
            for p in &mut s.private_endpoints {
                if p.0 > k.0 {
                    p.0 -= 1;
                }
            }
        }
        // Names count within the service's list (`SERVICE/GROUP#N` when a group has several).
        if let Some(def) = self.file.services.get(service) {
            let ids = self.services[sid.ix()].private_endpoints.clone();
            for (i, (id, pdef)) in ids.iter().zip(&def.private_endpoints).enumerate() {
                let count = def
                    .private_endpoints
                    .iter()
                    .filter(|p| p.group.value.eq_ignore_ascii_case(&pdef.group.value))
                    .count();
                let pe = &mut self.private_endpoints[id.ix()];
                pe.name = if count > 1 {
                    format!("{service}/{}#{}", pe.group, i + 1)
                } else {
                    format!("{service}/{}", pe.group)
                };
            }
        }
        // The zones' records: the file's, then every endpoint's in order (a later one
        // overwrites an earlier one's name, as loading does).
        zones.sort_unstable();
        zones.dedup();
        for &z in &zones {
            let zone = &mut self.zones[z.ix()];
            let def = self.file.dns.as_ref().and_then(|dns| {
                dns.private_zones
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(&zone.name))
            });
            zone.records = def
                .map(|(_, zd)| {
                    zd.records
                        .iter()
                        .map(|(k, v)| (k.to_ascii_lowercase(), v.value.0))
                        .collect()
                })
                .unwrap_or_default();
        }
        let mut diags = Diagnostics::new("edited");
        alloc::register_pe_records_in(self, Some(&zones), &mut diags);
        // A virtual machine's auto-registered record gives way to a record the zone has.
        settings::register_vm_records(self);
        let mut diags = Diagnostics::new("edited");
        validate::after_endpoint_edit(self, &mut diags);
        if let Some(m) = first_error(diags) {
            return Err(format!("the edited design is invalid: {m}"));
        }
        let all: Vec<SubnetId> = (0..self.subnets.len())
            .map(|s| SubnetId(s as u32))
            .collect();
        self.recompute_routes(&all);
        Ok(())
    }

    /// The effective routes of `subnets` computed again, once per shared view.
    fn recompute_routes(&mut self, subnets: &[SubnetId]) {
        let mut done = Vec::new();
        for &s in subnets {
            let key = crate::eval::route_key(self, s);
            let view = match done.iter().find(|(k, _): &&(_, Arc<RouteView>)| *k == key) {
                Some((_, v)) => v.clone(),
                None => {
                    let v = Arc::new(crate::eval::routes::effective_routes(self, s));
                    done.push((key, v.clone()));
                    v
                }
            };
            self.derived.routes[s.ix()] = view;
        }
    }
}

/// What [`Design::edit_links`] changed, saved before it to put back
/// ([`LinksSaved::restore`]).
pub struct LinksSaved {
    peerings: Option<(Vec<PeeringLink>, Vec<crate::format::PeeringDef>)>,
    endpoints: Option<EndpointsSaved>,
    derived: crate::eval::Derived,
}

struct EndpointsSaved {
    private_endpoints: Vec<PrivateEndpoint>,
    services: Vec<Vec<PeId>>,
    zones: Vec<PrivateZone>,
    service: String,
    record: Option<crate::format::ServiceDef>,
}

impl LinksSaved {
    pub(crate) fn peerings(d: &Design) -> Self {
        Self {
            peerings: Some((d.peerings.clone(), d.file.peerings.clone())),
            endpoints: None,
            derived: d.derived.clone(),
        }
    }

    pub(crate) fn endpoints(d: &Design, service: &str) -> Self {
        Self {
            peerings: None,
            endpoints: Some(EndpointsSaved {
                private_endpoints: d.private_endpoints.clone(),
                services: d
                    .services
                    .iter()
                    .map(|s| s.private_endpoints.clone())
                    .collect(),
                zones: d.zones.clone(),
                service: service.to_string(),
                record: d.file.services.get(service).cloned(),
            }),
            derived: d.derived.clone(),
        }
    }

    /// Puts the design back as it was before the edit.
    pub fn restore(self, d: &mut Design) {
        if let Some((links, records)) = self.peerings {
            d.peerings = links;
            d.file.peerings = records;
        }
        if let Some(e) = self.endpoints {
            d.private_endpoints = e.private_endpoints;
            for (s, pes) in d.services.iter_mut().zip(e.services) {
                s.private_endpoints = pes;
            }
            d.zones = e.zones;
            if let Some(r) = e.record {
                d.file.services.insert(e.service, r);
            }
        }
        d.derived = self.derived;
    }
}
