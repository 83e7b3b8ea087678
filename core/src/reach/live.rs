//! The subnet matrix kept up to date across edits (what-if), on the engine state kept from
//! before the edit:
//!
//! - an edit of one NSG rule — removed, or its access flipped — changes only what happens to
//!   packets that match the rule, so only the rows whose source addresses the rule's source
//!   side covers are recomputed (only that NSG's decisions are worked out again);
//! - a wiring edit — a route removed, a route table or a subnet's NSG detached, a service
//!   endpoint removed, a peering removed or one of its flags flipped — drops the walks that
//!   read what it changed and recomputes the rows and columns it can change
//!   ([`super::plane::plan_wiring`] says which and why);
//! - a service setting's flip, and a private DNS zone's link removed, change no cell: the
//!   matrix traces packets by address and resolves no name (unless a firewall's DNAT rule
//!   translates to a name, which its VNet's links resolve; then the zone link recomputes all);
//! - any other edit (a private endpoint removed, an edit that rebuilds the design) recomputes
//!   the whole matrix.
//!
//! Either way the result is the matrix of the edited design; a test compares the two over
//! every single edit of every bundled topology and random designs.

use super::matrix::{Matrix, MatrixBy, Reach, matrix};
use super::plane::{self, State, Wiring};
use crate::edit::Edit;
use crate::format::Direction;
use crate::model::{AddrEntry, BuildOptions, Design, NsgId, SubnetId, VnetId};
use crate::net::{AddrSet, Protocol};
use std::net::Ipv4Addr;

/// A subnet matrix and the engine state behind it, updated edit by edit.
pub struct LiveMatrix {
    matrix: Matrix,
    /// `None` when the design needs every class traced (NSG rules on source ports).
    state: Option<State>,
}

/// One cell that changed: source row, destination column, port index, before, after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellUpdate {
    /// Source subnet (row).
    pub row: usize,
    /// Destination subnet (column).
    pub column: usize,
    /// Index into the matrix's ports.
    pub port: usize,
    /// Before the edit.
    pub before: Reach,
    /// After the edit.
    pub after: Reach,
}

/// What one edit did to the matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatrixUpdate {
    /// Rows computed again (every row when the edit was not one the engine updates in place).
    pub rows_recomputed: usize,
    /// Columns (destination subnets) computed again in every other row.
    pub columns_recomputed: usize,
    /// Cells whose answer changed, in row-major order.
    pub cells: Vec<CellUpdate>,
}

impl LiveMatrix {
    /// The subnet matrix of `d` over `ports`, ready for edits.
    pub fn new(d: &Design, ports: &[(Protocol, u16)]) -> Self {
        match plane::start(d, ports) {
            Some((state, (every, some))) => Self {
                matrix: Matrix::from_bits(MatrixBy::Subnet, names(d), ports.to_vec(), every, some),
                state: Some(state),
            },
            None => Self {
                matrix: matrix(d, MatrixBy::Subnet, ports),
                state: None,
            },
        }
    }

    /// The matrix as it stands.
    pub fn matrix(&self) -> &Matrix {
        &self.matrix
    }

    /// Applies `edit` to `design` in place ([`Design::apply_edit`]; an edit it refuses changes
    /// nothing) and brings the matrix up to date with it.
    pub fn apply_edit(
        &mut self,
        design: &mut Design,
        edit: &Edit,
        opts: &BuildOptions,
    ) -> Result<MatrixUpdate, String> {
        // A service's settings decide requests to its public endpoint, never a packet between
        // subnets: a private endpoint's traffic is not subject to them (D2).
        if matches!(
            edit,
            Edit::FlipPublicNetworkAccess { .. } | Edit::FlipDefaultAction { .. }
        ) {
            design.apply_edit(edit, opts)?;
            return Ok(MatrixUpdate::unchanged());
        }
        // Name resolution is all a zone link decides; the matrix resolves no name unless a
        // firewall's DNAT rule translates to one.
        if matches!(edit, Edit::RemoveZoneLink { .. }) && !dnat_to_names(design) {
            design.apply_edit(edit, opts)?;
            return Ok(MatrixUpdate::unchanged());
        }
        let wiring = match self.state {
            Some(_) => wiring_before(design, edit),
            None => None,
        };
        let in_place = match self.state {
            Some(_) => rows_rule_edit_can_change(design, edit),
            None => None,
        };
        let applied = design.apply_edit(edit, opts)?;
        let width = design.subnets.len() * self.matrix.ports.len();
        if let Some(w) = wiring.filter(|_| applied == crate::incremental::Applied::Incremental)
            && let Some(state) = self.state.take()
            && let Some(update) = self.follow_wiring(design, state, &w)
        {
            return Ok(update);
        }
        match (in_place, self.state.take()) {
            (Some((nsg, rows)), Some(state)) => {
                let before: Vec<Snapshot> = rows
                    .iter()
                    .map(|s| self.matrix.snapshot(s.ix() * width, (s.ix() + 1) * width))
                    .collect();
                let mut planes = self.matrix.take_planes();
                self.state = Some(plane::update_rows(design, state, nsg, &rows, &mut planes));
                self.matrix.put_planes(planes);
                Ok(MatrixUpdate {
                    rows_recomputed: rows.len(),
                    columns_recomputed: 0,
                    cells: before
                        .iter()
                        .flat_map(|b| self.matrix.changes_since(b))
                        .collect(),
                })
            }
            _ => {
                let ports = self.matrix.ports.clone();
                let before = std::mem::replace(self, Self::new(design, &ports));
                // No edit adds or removes a subnet, so both matrices have the same cells.
                debug_assert_eq!(before.matrix.names, self.matrix.names);
                let all = before.matrix.snapshot(0, width * design.subnets.len());
                Ok(MatrixUpdate {
                    rows_recomputed: design.subnets.len(),
                    columns_recomputed: 0,
                    cells: self.matrix.changes_since(&all),
                })
            }
        }
    }

    /// Brings the matrix up to date with a wiring edit applied in place: the rows and columns
    /// it can change, on the state kept. `None` (the state gone) when the engine cannot follow
    /// it; the caller computes everything again.
    fn follow_wiring(&mut self, d: &Design, state: State, w: &Wiring) -> Option<MatrixUpdate> {
        let (state, plan) = plane::plan_wiring(d, state, w)?;
        let (ns, np) = (d.subnets.len(), self.matrix.ports.len());
        let width = ns * np;
        // The cells that can change, row by row: whole rows, or the span of the columns.
        let mut whole = vec![false; ns];
        for s in &plan.rows {
            whole[s.ix()] = true;
        }
        let span = match (plan.columns.first(), plan.columns.last()) {
            (Some(a), Some(z)) => Some((a.ix() * np, (z.ix() + 1) * np)),
            _ => None,
        };
        let before: Vec<Snapshot> = (0..ns)
            .filter_map(|r| match (whole[r], span) {
                (true, _) => Some(self.matrix.snapshot(r * width, (r + 1) * width)),
                (false, Some((a, z))) => Some(self.matrix.snapshot(r * width + a, r * width + z)),
                (false, None) => None,
            })
            .collect();
        let mut planes = self.matrix.take_planes();
        self.state = Some(plane::recompute(d, state, &plan, &mut planes));
        self.matrix.put_planes(planes);
        Some(MatrixUpdate {
            rows_recomputed: plan.rows.len(),
            columns_recomputed: plan.columns.len(),
            cells: before
                .iter()
                .flat_map(|b| self.matrix.changes_since(b))
                .collect(),
        })
    }
}

impl MatrixUpdate {
    fn unchanged() -> Self {
        Self {
            rows_recomputed: 0,
            columns_recomputed: 0,
            cells: Vec::new(),
        }
    }
}

/// For a wiring edit the engine follows in place, what it needs to know from before the edit
/// (`None` for any other edit, and for detaching an NSG from a subnet without one).
fn wiring_before(d: &Design, edit: &Edit) -> Option<Wiring> {
    match edit {
        Edit::RemoveRoute { .. }
        | Edit::DetachRouteTable { .. }
        | Edit::RemoveServiceEndpoint { .. } => Some(Wiring::Routes {
            old: d.derived.routes.clone(),
        }),
        Edit::DetachSubnetNsg { subnet } => {
            let s = d.subnet_by_name(subnet)?;
            let nsg = d.subnets[s.ix()].nsg?;
            Some(Wiring::SubnetNsg { subnet: s, nsg })
        }
        Edit::RemovePeering { .. } | Edit::FlipPeeringFlag { .. } => Some(Wiring::Peerings {
            links: d.peerings.clone(),
            old: d.derived.routes.clone(),
        }),
        _ => None,
    }
}

/// Whether a firewall's DNAT rule translates to a name (resolved through the private zones
/// linked to the firewall's VNet, S21): the only name the matrix's traces resolve.
fn dnat_to_names(d: &Design) -> bool {
    d.firewalls.iter().any(|f| {
        f.collections
            .iter()
            .any(|c| c.rules.iter().any(|r| r.translated_fqdn.is_some()))
    })
}

fn names(d: &Design) -> Vec<String> {
    d.subnets.iter().map(|s| s.name.clone()).collect()
}

/// For an edit of one NSG rule, the NSG and the rows (source subnets) whose cells it can
/// change: those holding an address the rule's source side matches — in any VNet, so the
/// `VirtualNetwork` tag stands for every VNet's — or every row when a packet's source can be
/// translated on the way into an address it matches (SNAT by a firewall, a public source after
/// leaving Azure, a private link service's NAT address). `None` for any other edit.
fn rows_rule_edit_can_change(d: &Design, edit: &Edit) -> Option<(NsgId, Vec<SubnetId>)> {
    let (Edit::RemoveNsgRule { nsg, rule } | Edit::FlipNsgRuleAccess { nsg, rule }) = edit else {
        return None;
    };
    let id = d.nsgs.iter().position(|n| &n.name == nsg)?;
    let n = &d.nsgs[id];
    let r = [Direction::Inbound, Direction::Outbound]
        .into_iter()
        .flat_map(|dir| n.rules(dir))
        .find(|r| !r.is_default && &r.name == rule)?;
    let all = || (0..d.subnets.len()).map(|s| SubnetId(s as u32)).collect();
    let Some(sources) = rule_sources(d, r) else {
        return Some((NsgId(id as u32), all()));
    };
    let rows = (0..d.subnets.len())
        .filter(|&s| sources.intersects(&d.subnets[s].addrs()))
        .map(|s| SubnetId(s as u32))
        .collect();
    Some((NsgId(id as u32), rows))
}

/// The source addresses of the packets an NSG rule can decide: those its source side matches
/// — in any VNet, so the `VirtualNetwork` tag stands for every VNet's — or `None` (every
/// source) when a packet's source can be translated on the way into an address it matches
/// (SNAT by a firewall, a public source after leaving Azure, a private link service's NAT
/// address).
pub(crate) fn rule_sources(d: &Design, r: &crate::model::NsgRule) -> Option<AddrSet> {
    let sources = side_set(d, &r.source)?;
    (!sources.intersects(&translated_sources(d))).then_some(sources)
}

/// The addresses one side of a rule matches in any VNet (`None`: every address).
pub(crate) fn side_set(d: &Design, entries: &[AddrEntry]) -> Option<AddrSet> {
    let mut out = AddrSet::empty();
    for e in entries {
        let set = match e {
            AddrEntry::VirtualNetwork => d
                .derived
                .virtual_network
                .iter()
                .fold(AddrSet::empty(), |acc, v| acc.union(v)),
            e => plane::entry_set(d, e, VnetId(0))?,
        };
        out = out.union(&set);
    }
    Some(out)
}

/// Every address the tracer may give a packet as its source on the way: public addresses (a
/// request to a public IP leaves Azure from one, B8), firewalls' own addresses (SNAT, F3),
/// application gateways' addresses (a proxy's second leg, I2), and the NAT address of each subnet holding an Azure ML compute (private link service, E7) or a Front Door Private Link origin (I9).
fn translated_sources(d: &Design) -> AddrSet {
    let mut ranges: Vec<(u32, u32)> = crate::tags::non_public().complement().ranges().to_vec();
    let mut add = |ip: Ipv4Addr| ranges.push((u32::from(ip), u32::from(ip)));
    for f in &d.firewalls {
        add(f.ip);
    }
    for w in &d.workloads {
        // An application gateway's second leg starts from its own address (I2).
        if w.is_gateway() {
            add(w.ip);
        }
        if crate::trace::is_aml_compute(w.kind) {
            add(d.subnets[w.subnet.ix()].last_usable());
        }
    }
    // A Front Door Private Link origin is entered from its private link service's NAT
    // address in the origin's subnet (I9).
    for fd in &d.front_doors {
        for o in fd.origins.iter().filter(|o| o.private_link) {
            if let crate::model::FrontDoorHost::Workload(w) = o.host {
                add(d.subnets[d.workloads[w.ix()].subnet.ix()].last_usable());
            }
        }
    }
    AddrSet::from_ranges(ranges)
}

/// Both planes' words over cells `lo..hi`, from before an update.
struct Snapshot {
    lo: usize,
    hi: usize,
    every: Vec<u64>,
    some: Vec<u64>,
}

impl Matrix {
    /// Keeps cells `lo..hi` to compare with after an update.
    fn snapshot(&self, lo: usize, hi: usize) -> Snapshot {
        let (every, some) = self.planes();
        let words = lo / 64..hi.div_ceil(64);
        Snapshot {
            lo,
            hi,
            every: every.words()[words.clone()].to_vec(),
            some: some.words()[words].to_vec(),
        }
    }

    /// The cells of a snapshot whose answer is different now.
    fn changes_since(&self, s: &Snapshot) -> Vec<CellUpdate> {
        let (every, some) = self.planes();
        let (n, np) = (self.names.len(), self.ports.len());
        let first = s.lo / 64;
        let reach = |every: u64, some: u64, bit: u64| match (every & bit, some & bit) {
            (0, 0) => Reach::None,
            (0, _) => Reach::Partial,
            _ => Reach::All,
        };
        let mut out = Vec::new();
        for (k, (&oe, &os)) in s.every.iter().zip(&s.some).enumerate() {
            let w = first + k;
            let (ne, ns) = (every.words()[w], some.words()[w]);
            let mut diff = (oe ^ ne) | (os ^ ns);
            while diff != 0 {
                let b = diff.trailing_zeros() as usize;
                diff &= diff - 1;
                let i = w * 64 + b;
                if i < s.lo || i >= s.hi {
                    continue;
                }
                let bit = 1u64 << b;
                out.push(CellUpdate {
                    row: i / (n * np),
                    column: i / np % n,
                    port: i % np,
                    before: reach(oe, os, bit),
                    after: reach(ne, ns, bit),
                });
            }
        }
        out
    }
}
