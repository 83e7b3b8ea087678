//! Incremental what-if: an edit of a built design recomputes only what it touches. NSG rule
//! removals and flips change that one lowered rule, a rule replaced or added lowers its NSG
//! again; a route removal drops that route and recomputes the
//! effective routes of the subnets that use its table, once per shared view; attachment and service-setting edits patch
//! fields; DNS link edits patch the zone; removing a service endpoint recomputes that subnet's
//! routes; a firewall rule or FortiGate policy edit changes that lowered rule or policy. Peering
//! edits and private endpoint removals lower the links again and recompute what they feed
//! (`model/relink.rs`). Edits that add records (an [`Edit::Patch`]) rebuild the design.

use crate::edit::Edit;
use crate::eval::routes::RouteView;
use crate::model::{BuildOptions, Design, SubnetId};
use std::sync::Arc;

/// How an edit was applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Only the touched parts were recomputed.
    Incremental,
    /// The design was rebuilt from its records.
    Rebuilt,
}

fn is_error(d: &crate::diag::Diagnostic) -> bool {
    d.severity == crate::diag::Severity::Error
}

impl Design {
    /// Applies a peering edit or a private endpoint's removal in place (see the module docs),
    /// returning what it changed to put back; `Ok(None)` (nothing changed) for any other edit
    /// and for a removal that moves other elements' addresses: the caller rebuilds. On error
    /// nothing changed.
    pub fn edit_links(
        &mut self,
        e: &Edit,
        opts: &BuildOptions,
    ) -> Result<Option<crate::model::relink::LinksSaved>, String> {
        match e {
            Edit::RemovePeering { .. } | Edit::FlipPeeringFlag { .. } => {
                let saved = crate::model::relink::LinksSaved::peerings(self);
                e.apply_mut(&mut self.file)?;
                match self.relink_peerings(opts) {
                    Ok(()) => Ok(Some(saved)),
                    Err(m) => {
                        saved.restore(self);
                        Err(m)
                    }
                }
            }
            Edit::RemovePrivateEndpoint { service, index } => {
                let Some(r) = self.endpoint_removal(service, *index) else {
                    return Ok(None);
                };
                let saved = crate::model::relink::LinksSaved::endpoints(self, service);
                e.apply_mut(&mut self.file)?;
                match self.remove_endpoint(&r, service) {
                    Ok(()) => Ok(Some(saved)),
                    Err(m) => {
                        saved.restore(self);
                        Err(m)
                    }
                }
            }
            _ => Ok(None),
        }
    }

    /// Applies an edit in place. On error (the element does not exist, or the edited design is
    /// invalid) the design is unchanged.
    pub fn apply_edit(&mut self, e: &Edit, opts: &BuildOptions) -> Result<Applied, String> {
        let subnet = |d: &Design, name: &str| {
            d.subnet_by_name(name)
                .ok_or_else(|| format!("no subnet {name}"))
        };
        match e {
            Edit::RemoveNsgRule { nsg, rule } | Edit::FlipNsgRuleAccess { nsg, rule } => {
                // One rule of one NSG changes: remove or flip it where it was lowered (rules
                // keep their priority order; names are unique in an NSG).
                let i = self
                    .nsgs
                    .iter()
                    .position(|x| &x.name == nsg)
                    .ok_or_else(|| format!("no NSG {nsg}"))?;
                e.apply_mut(&mut self.file)?;
                let n = &mut self.nsgs[i];
                for rules in [&mut n.inbound, &mut n.outbound] {
                    if let Some(k) = rules.iter().position(|r| !r.is_default && &r.name == rule) {
                        if matches!(e, Edit::RemoveNsgRule { .. }) {
                            rules.remove(k);
                        } else {
                            rules[k].access = match rules[k].access {
                                crate::format::Access::Allow => crate::format::Access::Deny,
                                crate::format::Access::Deny => crate::format::Access::Allow,
                            };
                        }
                    }
                }
            }
            Edit::ReplaceNsgRule { nsg, .. } | Edit::AddNsgRule { nsg, .. } => {
                // The NSG is lowered again from its edited records, as a build lowers it; rule
                // sides read names (ASGs) and tags that an edit of the rules does not change.
                let i = self
                    .nsgs
                    .iter()
                    .position(|x| &x.name == nsg)
                    .ok_or_else(|| format!("no NSG {nsg}"))?;
                let saved = self.file.nsgs.get(nsg).cloned();
                e.apply_mut(&mut self.file)?;
                let mut diags = crate::diag::Diagnostics::new("edited");
                let lowered = crate::model::relower_nsg(self, nsg, opts, &mut diags);
                let mut problems = diags.finish();
                if let Some(n) = lowered.filter(|_| !problems.iter().any(is_error)) {
                    // Some whole-design checks read rules too (two ASGs of different VNets).
                    let old = std::mem::replace(&mut self.nsgs[i], n);
                    let mut diags = crate::diag::Diagnostics::new("edited");
                    crate::model::nsg_rule_checks(self, crate::model::NsgId(i as u32), &mut diags);
                    problems = diags.finish();
                    if !problems.iter().any(is_error) {
                        return Ok(Applied::Incremental);
                    }
                    self.nsgs[i] = old;
                }
                if let Some(saved) = saved {
                    self.file.nsgs.insert(nsg.clone(), saved);
                }
                let first = problems.into_iter().find(is_error);
                return Err(format!(
                    "the edited design is invalid: {}",
                    first.map(|x| x.message).unwrap_or_else(|| "?".into())
                ));
            }
            Edit::RemoveRoute { route_table, route } => {
                // Removing a route cannot make the table invalid: drop it where it was lowered.
                let i = self
                    .route_tables
                    .iter()
                    .position(|x| &x.name == route_table)
                    .ok_or_else(|| format!("no route table {route_table}"))?;
                e.apply_mut(&mut self.file)?;
                self.route_tables[i].routes.retain(|r| &r.name != route);
                let users: Vec<SubnetId> = (0..self.subnets.len())
                    .map(|s| SubnetId(s as u32))
                    .filter(|s| self.subnets[s.ix()].route_table.map(|r| r.ix()) == Some(i))
                    .collect();
                // Subnets that shared a view share the edited one: compute it once per view.
                let mut done: Vec<(*const RouteView, Arc<RouteView>)> = Vec::new();
                for s in users {
                    let old = &self.derived.routes[s.ix()];
                    let view = match done
                        .iter()
                        .find(|(p, _)| std::ptr::eq(*p, Arc::as_ptr(old)))
                    {
                        Some((_, v)) => v.clone(),
                        None => {
                            let v = Arc::new(
                                crate::eval::routes::without_user_route(self, old, route)
                                    .unwrap_or_else(|| {
                                        crate::eval::routes::effective_routes(self, s)
                                    }),
                            );
                            done.push((Arc::as_ptr(old), v.clone()));
                            v
                        }
                    };
                    self.derived.routes[s.ix()] = view;
                }
            }
            Edit::DetachRouteTable { subnet: name } => {
                let s = subnet(self, name)?;
                e.apply_mut(&mut self.file)?;
                self.subnets[s.ix()].route_table = None;
                self.refresh_routes(&[s]);
            }
            Edit::RemoveServiceEndpoint {
                subnet: name,
                endpoint,
            } => {
                // Only that subnet's routes change (and the service firewalls read its list).
                let s = subnet(self, name)?;
                e.apply_mut(&mut self.file)?;
                self.subnets[s.ix()]
                    .service_endpoints
                    .retain(|x| !x.eq_ignore_ascii_case(endpoint));
                self.refresh_routes(&[s]);
            }
            Edit::DetachSubnetNsg { subnet: name } => {
                let s = subnet(self, name)?;
                e.apply_mut(&mut self.file)?;
                self.subnets[s.ix()].nsg = None;
            }
            Edit::FlipPublicNetworkAccess { service } | Edit::FlipDefaultAction { service } => {
                let s = self
                    .service_by_name(service)
                    .ok_or_else(|| format!("no service {service}"))?;
                e.apply_mut(&mut self.file)?;
                let def = &self.file.services[service];
                let (public, allow) = (
                    def.public_network_access
                        .is_none_or(|t| t == crate::format::Toggle::Enabled),
                    def.default_action
                        .is_none_or(|a| a == crate::format::DefaultAction::Allow),
                );
                let svc = &mut self.services[s.ix()];
                svc.public_network_access = public;
                svc.default_allow = allow;
            }
            Edit::RemoveZoneLink { zone, vnet } => {
                let v = self
                    .vnet_by_name(vnet)
                    .ok_or_else(|| format!("no VNet {vnet}"))?;
                let z = self
                    .zones
                    .iter()
                    .position(|x| x.name.eq_ignore_ascii_case(zone))
                    .ok_or_else(|| format!("no zone {zone}"))?;
                e.apply_mut(&mut self.file)?;
                self.zones[z].links.retain(|l| *l != v);
            }
            Edit::RemoveFirewallRule { .. }
            | Edit::FlipCollectionAction { .. }
            | Edit::RemoveFortiPolicy { .. }
            | Edit::FlipFortiPolicyAction { .. }
            | Edit::FlipFortiPolicyNat { .. } => {
                // The firewall's rules are lowered as written: change that one in place.
                crate::edit::firewall_apply_to_design(e, self)?;
            }
            Edit::RemovePeering { .. }
            | Edit::FlipPeeringFlag { .. }
            | Edit::RemovePrivateEndpoint { .. } => {
                // `None`: a removal that would move other elements' addresses changed nothing.
                if self.edit_links(e, opts)?.is_none() {
                    return self.rebuild_with(e, opts);
                }
            }
            _ => return self.rebuild_with(e, opts),
        }
        Ok(Applied::Incremental)
    }

    /// Applies `e` to the records and builds the design again from them.
    fn rebuild_with(&mut self, e: &Edit, opts: &BuildOptions) -> Result<Applied, String> {
        let mut file = self.file.clone();
        e.apply_mut(&mut file)?;
        let loaded = crate::rebuild("edited", &file, opts);
        *self = loaded.design.ok_or_else(|| {
            let first = loaded
                .diagnostics
                .iter()
                .find(|x| x.severity == crate::diag::Severity::Error);
            format!(
                "the edited design is invalid: {}",
                first.map(|x| x.message.as_str()).unwrap_or("?")
            )
        })?;
        Ok(Applied::Rebuilt)
    }

    fn refresh_routes(&mut self, subnets: &[SubnetId]) {
        for &s in subnets {
            let view = crate::eval::routes::effective_routes(self, s);
            self.derived.routes[s.ix()] = Arc::new(view);
        }
    }
}
