//! Fault tolerance (`check --faults 1`): which expectations each single edit breaks. Only the
//! expectations that hold can break, and an edit can break one only when it changes something
//! the expectation's traces read ([`Edit::touches`]), so every other edit is skipped without
//! being applied. The others are applied in place to one working copy of the design and undone
//! after the re-check ([`Saved`]; peering edits and private endpoint removals with
//! [`crate::model::relink::LinksSaved`]). An edit that makes the design invalid is tried on a
//! rebuilt copy, which says why.

use crate::check::{CheckReport, Outcome, recheck_touching};
use crate::format::TopologyFile;
use crate::model::{BuildOptions, Design};
use crate::whatif::{Edit, single_edits};
use serde::Serialize;

/// Which expectations one single edit breaks.
#[derive(Clone, Debug, Serialize)]
pub struct Fault {
    /// The edit.
    pub edit: Edit,
    /// Its description.
    pub description: String,
    /// Expectations that held before and fail after.
    pub breaks: Vec<String>,
    /// Set when the edited design is invalid (for example, removing a link that a peering
    /// needs); then nothing was checked.
    pub invalid: Option<String>,
}

/// What `check --faults 1` found: the edits tried (each with what it breaks) and how many were
/// skipped because they change nothing a holding expectation reads.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Faults {
    /// Every edit tried, in [`single_edits`] order.
    pub tried: Vec<Fault>,
    /// Edits not tried: none of them changes anything a holding expectation's traces read.
    pub skipped: usize,
}

impl Faults {
    /// The edits that break an expectation.
    pub fn fragile(&self) -> impl Iterator<Item = &Fault> {
        self.tried.iter().filter(|f| !f.breaks.is_empty())
    }
}

/// Tries every single edit that can change what a holding expectation reads and reports the
/// expectations each breaks; tries nothing when no expectation holds (none can break).
/// `progress(done, total)` is called as the edits are looked at (for a progress line).
pub fn faults(
    d: &Design,
    base: &CheckReport,
    opts: &BuildOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Faults {
    let held: Vec<&crate::check::ExpectResult> = base
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Holds)
        .collect();
    // No edit can break an expectation that does not hold (or exist): nothing to try.
    if held.is_empty() {
        return Faults::default();
    }
    let broken = |report: &CheckReport| -> Vec<String> {
        report
            .results
            .iter()
            .filter(|r| r.outcome != Outcome::Holds && held.iter().any(|h| h.name == r.name))
            .map(|r| r.name.clone())
            .collect()
    };
    let edits = single_edits(&d.file);
    let total = edits.len();
    let mut out = Faults::default();
    let mut work = d.clone();
    for (i, edit) in edits.into_iter().enumerate() {
        if i % 64 == 0 {
            progress(i, total);
        }
        let touches = edit.touches(d);
        if let Some(t) = &touches
            && !held.iter().any(|r| r.touched.iter().any(|x| t.contains(x)))
        {
            out.skipped += 1;
            continue;
        }
        let description = edit.describe();
        // Links between VNets and private endpoints: changed in place, then put back.
        if touches.is_some()
            && matches!(
                edit,
                Edit::RemovePeering { .. }
                    | Edit::FlipPeeringFlag { .. }
                    | Edit::RemovePrivateEndpoint { .. }
            )
            && let Ok(Some(saved)) = work.edit_links(&edit, opts)
        {
            let report = recheck_touching(base, &work, touches.as_deref());
            saved.restore(&mut work);
            out.tried.push(Fault {
                breaks: broken(&report),
                edit,
                description,
                invalid: None,
            });
            continue;
        }
        // Applied in place to the working copy, and only the expectations whose traces read
        // what the edit changes are checked again; then undone.
        if touches.is_some()
            && let Some(saved) = Saved::of(&work, &edit)
        {
            match work.apply_edit(&edit, opts) {
                Ok(crate::incremental::Applied::Incremental) => {
                    let report = recheck_touching(base, &work, touches.as_deref());
                    saved.restore(&mut work);
                    out.tried.push(Fault {
                        breaks: broken(&report),
                        edit,
                        description,
                        invalid: None,
                    });
                    continue;
                }
                // Rebuilt in place: start again from the design.
                Ok(crate::incremental::Applied::Rebuilt) => work = d.clone(),
                // Refused: nothing changed; the rebuild below says why.
                Err(_) => {}
            }
        }
        out.tried.push(rebuilt(d, edit, description, opts, &broken));
    }
    progress(total, total);
    out
}

/// Tries an edit on a design rebuilt from the edited records.
fn rebuilt(
    d: &Design,
    edit: Edit,
    description: String,
    opts: &BuildOptions,
    broken: &dyn Fn(&CheckReport) -> Vec<String>,
) -> Fault {
    let file = match edit.apply(&d.file) {
        Ok(f) => f,
        Err(e) => {
            return Fault {
                edit,
                description,
                breaks: Vec::new(),
                invalid: Some(e),
            };
        }
    };
    let loaded = crate::rebuild("edited", &file, opts);
    match loaded.design {
        None => {
            let first = loaded
                .diagnostics
                .iter()
                .find(|x| x.severity == crate::diag::Severity::Error)
                .map(|x| x.message.clone())
                .unwrap_or_default();
            Fault {
                edit,
                description,
                breaks: Vec::new(),
                invalid: Some(first),
            }
        }
        Some(nd) => Fault {
            breaks: broken(&crate::check(&nd)),
            edit,
            description,
            invalid: None,
        },
    }
}

/// What an edit [`Design::apply_edit`] applies in place changes, saved before it to put back
/// after: the records and model elements it edits, and the effective routes.
enum Saved {
    Nsg {
        key: String,
        i: usize,
        model: Box<crate::model::Nsg>,
        record: Box<crate::format::NsgDef>,
    },
    RouteTable {
        key: String,
        i: usize,
        model: Box<crate::model::RouteTable>,
        record: Box<crate::format::RouteTableDef>,
        routes: Vec<std::sync::Arc<crate::eval::routes::RouteView>>,
    },
    Subnet {
        key: String,
        i: usize,
        model: Box<crate::model::Subnet>,
        record: Box<crate::format::SubnetDef>,
        routes: std::sync::Arc<crate::eval::routes::RouteView>,
    },
    Service {
        key: String,
        i: usize,
        model: Box<crate::model::Service>,
        record: Box<crate::format::ServiceDef>,
    },
    Zone {
        key: String,
        i: usize,
        model: Box<crate::model::PrivateZone>,
        record: Box<crate::format::PrivateZoneDef>,
    },
}

impl Saved {
    /// Saves what `e` changes in `d`; `None` for an edit applied by rebuilding, or whose
    /// element does not exist.
    fn of(d: &Design, e: &Edit) -> Option<Self> {
        let f = &d.file;
        Some(match e {
            Edit::RemoveNsgRule { nsg, .. }
            | Edit::FlipNsgRuleAccess { nsg, .. }
            | Edit::ReplaceNsgRule { nsg, .. }
            | Edit::AddNsgRule { nsg, .. } => {
                let i = d.nsgs.iter().position(|x| &x.name == nsg)?;
                Saved::Nsg {
                    key: nsg.clone(),
                    i,
                    model: Box::new(d.nsgs[i].clone()),
                    record: Box::new(f.nsgs.get(nsg)?.clone()),
                }
            }
            Edit::RemoveRoute { route_table, .. } => {
                let i = d.route_tables.iter().position(|x| &x.name == route_table)?;
                Saved::RouteTable {
                    key: route_table.clone(),
                    i,
                    model: Box::new(d.route_tables[i].clone()),
                    record: Box::new(f.route_tables.get(route_table)?.clone()),
                    routes: d.derived.routes.clone(),
                }
            }
            Edit::DetachRouteTable { subnet }
            | Edit::DetachSubnetNsg { subnet }
            | Edit::RemoveServiceEndpoint { subnet, .. } => {
                let s = d.subnet_by_name(subnet)?;
                Saved::Subnet {
                    key: subnet.clone(),
                    i: s.ix(),
                    model: Box::new(d.subnets[s.ix()].clone()),
                    record: Box::new(subnet_record(f, subnet)?.clone()),
                    routes: d.derived.routes[s.ix()].clone(),
                }
            }
            Edit::FlipPublicNetworkAccess { service } | Edit::FlipDefaultAction { service } => {
                let s = d.service_by_name(service)?;
                Saved::Service {
                    key: service.clone(),
                    i: s.ix(),
                    model: Box::new(d.services[s.ix()].clone()),
                    record: Box::new(f.services.get(service)?.clone()),
                }
            }
            Edit::RemoveZoneLink { zone, .. } => {
                let i = d
                    .zones
                    .iter()
                    .position(|x| x.name.eq_ignore_ascii_case(zone))?;
                Saved::Zone {
                    key: zone.clone(),
                    i,
                    model: Box::new(d.zones[i].clone()),
                    record: Box::new(f.dns.as_ref()?.private_zones.get(zone)?.clone()),
                }
            }
            _ => return None,
        })
    }

    /// Puts back what was saved.
    fn restore(self, d: &mut Design) {
        match self {
            Saved::Nsg {
                key,
                i,
                model,
                record,
            } => {
                d.nsgs[i] = *model;
                d.file.nsgs.insert(key, *record);
            }
            Saved::RouteTable {
                key,
                i,
                model,
                record,
                routes,
            } => {
                d.route_tables[i] = *model;
                d.file.route_tables.insert(key, *record);
                d.derived.routes = routes;
            }
            Saved::Subnet {
                key,
                i,
                model,
                record,
                routes,
            } => {
                if let Some(slot) = subnet_record_mut(&mut d.file, &key) {
                    *slot = *record;
                }
                d.subnets[i] = *model;
                d.derived.routes[i] = routes;
            }
            Saved::Service {
                key,
                i,
                model,
                record,
            } => {
                d.file.services.insert(key, *record);
                d.services[i] = *model;
            }
            Saved::Zone {
                key,
                i,
                model,
                record,
            } => {
                if let Some(dns) = d.file.dns.as_mut() {
                    dns.private_zones.insert(key, *record);
                }
                d.zones[i] = *model;
            }
        }
    }
}

fn subnet_record<'f>(f: &'f TopologyFile, name: &str) -> Option<&'f crate::format::SubnetDef> {
    let (v, s) = name.split_once('/')?;
    f.vnets.get(v)?.subnets.get(s)
}

fn subnet_record_mut<'f>(
    f: &'f mut TopologyFile,
    name: &str,
) -> Option<&'f mut crate::format::SubnetDef> {
    let (v, s) = name.split_once('/')?;
    f.vnets.get_mut(v)?.subnets.get_mut(s)
}
