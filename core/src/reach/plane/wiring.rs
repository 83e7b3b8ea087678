//! After a wiring edit (a route or route table, a service endpoint, a subnet's NSG attachment,
//! a peering), what the engine worked out that the edit made stale is dropped, and the cells
//! the edit can change are named: whole rows, and columns (destination subnets) in every other
//! row. Each walk records what it read of the design ([`Read`]), so the walks to drop and the
//! rows that read them are known exactly:
//!
//! - **routes**: where a subnet's effective routes changed, only the atoms whose next hop
//!   changed (`moved`) are routed differently; a forward path to an atom depends only on that
//!   atom's next hops along the way, and a reply to a source atom only on the source's. So the
//!   rows whose forward walks read a changed view change only in the columns holding moved
//!   atoms, and the reply paths change only for rows holding moved atoms;
//! - **an NSG detached from a subnet**: that subnet's row (its outbound NSG), the rows whose
//!   paths cross an appliance in that subnet (its NSG filters them), and the subnet's column
//!   (its NSG no longer guards arrival there; the guards of the NICs' NSGs there are split
//!   again, now alone);
//! - **peerings**: the links that changed join VNets whose `VirtualNetwork` and routes changed;
//!   their rows change (outbound NSGs, replies to them), and of their subnets' columns those an
//!   NSG guards on arrival (its rules read `VirtualNetwork`) and those another row's walk
//!   reaches over a changed link (a peering next hop delivers only into the remote VNet); a row
//!   whose walk crosses a changed link to reach an appliance, or meets an appliance subnet's NSG
//!   in one of those VNets, is recomputed whole.
//!
//! A row that leaves a destination to the tracer (which reads the whole design) is recomputed
//! whole after any wiring edit. Whatever cannot be placed this way (a new route that cuts an
//! atom, security admin rules with changed peerings) answers `None`: the caller starts again.

use super::*;
use crate::eval::routes::RouteView;
use crate::model::PeeringLink;
use columns::Columns;
use paths::link;
use std::sync::Arc;

/// Cells in some rows and some columns are recomputed as those rows when they are at most
/// this many (a row costs about as much as a column pass over every row), else as the columns
/// if there are fewer of them.
const ROWS_BEFORE_COLUMNS: usize = 24;

/// Marks the cells of rows `r` × columns `c` to compute again: as rows or as columns.
fn cover(r: &[bool], c: &[bool], rows: &mut [bool], columns: &mut [bool]) {
    let (nr, nc) = (
        r.iter().filter(|&&x| x).count(),
        c.iter().filter(|&&x| x).count(),
    );
    if nr == 0 || nc == 0 {
        return;
    }
    let (from, into) = if nr <= ROWS_BEFORE_COLUMNS || nr <= nc {
        (r, rows)
    } else {
        (c, columns)
    };
    for (x, &y) in into.iter_mut().zip(from) {
        *x |= y;
    }
}

/// A wiring edit, as the engine needs to know it (the design is already edited).
pub(crate) enum Wiring {
    /// Some subnets' effective routes changed: every subnet's view before the edit.
    Routes {
        /// Per subnet, its route view before the edit.
        old: Vec<Arc<RouteView>>,
    },
    /// A subnet's NSG was detached.
    SubnetNsg {
        /// The subnet.
        subnet: SubnetId,
        /// The NSG it had.
        nsg: NsgId,
    },
    /// Peering links changed (and with them `VirtualNetwork` and effective routes).
    Peerings {
        /// The links before the edit.
        links: Vec<PeeringLink>,
        /// Per subnet, its route view before the edit.
        old: Vec<Arc<RouteView>>,
    },
}

/// The cells a wiring edit can change.
pub(crate) struct Plan {
    /// Rows computed again whole, sorted.
    pub(crate) rows: Vec<SubnetId>,
    /// Destination subnets computed again in every other row, sorted.
    pub(crate) columns: Vec<SubnetId>,
}

/// Drops what `w` made stale in `state` (for the edited design `d`) and says which cells to
/// compute again ([`recompute`]); `None` when the state cannot follow the edit (start again).
pub(crate) fn plan_wiring(d: &Design, state: State, w: &Wiring) -> Option<(State, Plan)> {
    let mut p = Plane { d, s: state };
    let ns = d.subnets.len();
    let mut rows = vec![false; ns];
    let mut columns = vec![false; ns];
    let traced: Vec<usize> = (0..ns).filter(|&s| p.s.traced[s]).collect();
    // What the edit changed, to drop the walks that read it once every row is marked.
    let mut stale: Vec<Read> = Vec::new();
    match w {
        Wiring::Routes { old } => {
            let (changed, moved) = p.moved_routes(old)?;
            p.mark_moved(&changed, &moved, &mut rows, &mut columns);
            stale.extend(changed);
        }
        Wiring::SubnetNsg { subnet, nsg } => {
            let changed = [Read::Subnet(*subnet)];
            p.mark_readers(&changed, &mut rows);
            stale.extend(changed);
            rows[subnet.ix()] = true;
            columns[subnet.ix()] = true;
            p.unguard(*subnet, *nsg);
        }
        Wiring::Peerings { links, old } => {
            if d.admin_rules().next().is_some() {
                return None;
            }
            let key = |l: &PeeringLink| {
                (
                    l.local,
                    l.remote,
                    l.allow_forwarded_traffic,
                    l.allow_virtual_network_access,
                    l.allow_gateway_transit,
                    l.use_remote_gateways,
                    l.connected,
                    l.local_subnets.clone(),
                    l.remote_subnets.clone(),
                )
            };
            let mut vnets: Vec<VnetId> = Vec::new();
            for (a, b) in [(links, &d.peerings), (&d.peerings, links)] {
                for l in a.iter().filter(|l| !b.iter().any(|m| key(m) == key(l))) {
                    let (x, y) = link(l.local, l.remote);
                    stale.extend([Read::Link(x, y), Read::Link(y, x), Read::Crossing(x, y)]);
                    vnets.extend([l.local, l.remote]);
                }
            }
            vnets.sort_unstable();
            vnets.dedup();
            stale.extend(vnets.iter().map(|&v| Read::VirtualNetwork(v)));
            // The new `VirtualNetwork` sets must fall on atom boundaries (they are unions of
            // address spaces, which are cut).
            if vnets
                .iter()
                .any(|v| !p.aligned(&d.derived.virtual_network[v.ix()]))
            {
                return None;
            }
            // Rows that cross a changed link to an appliance, or meet an appliance subnet's
            // NSG in a changed VNet, change whole.
            let whole: Vec<Read> = stale
                .iter()
                .copied()
                .filter(|r| matches!(r, Read::Crossing(..) | Read::VirtualNetwork(_)))
                .collect();
            p.mark_readers(&whole, &mut rows);
            for (s, sub) in d.subnets.iter().enumerate() {
                rows[s] |= vnets.contains(&sub.vnet);
            }
            // Columns: the subnets of the VNets another row's walk reaches over a changed
            // link, and those of the changed VNets an NSG guards on arrival (its rules read
            // `VirtualNetwork`).
            let mut into: Vec<VnetId> = Vec::new();
            for r in (0..ns).filter(|&r| !rows[r]) {
                let key = (SubnetId(r as u32), false, Vec::new(), 0);
                for x in p.s.walk_reads.get(&key).map_or(&[][..], |v| &v[..]) {
                    if let Read::Link(_, to) = x
                        && stale.contains(x)
                    {
                        into.push(*to);
                    }
                }
            }
            for (s, sub) in d.subnets.iter().enumerate() {
                let guarded = sub.nsg.is_some()
                    || p.s.span[s]
                        .iter()
                        .flat_map(|&(lo, hi)| lo..hi)
                        .any(|i| matches!(p.s.kind[i], Kind::Nic { nsg: Some(_) }));
                columns[s] |= vnets.contains(&sub.vnet) && (guarded || into.contains(&sub.vnet));
            }
            let (changed, moved) = p.moved_routes(old)?;
            p.mark_moved(&changed, &moved, &mut rows, &mut columns);
            stale.extend(changed);
            // NSGs applied in a changed VNet read its `VirtualNetwork`.
            let mut nsgs: Vec<NsgId> =
                p.s.applied
                    .iter()
                    .filter(|a| vnets.contains(&a.vnet))
                    .map(|a| a.nsg)
                    .collect();
            nsgs.sort_unstable();
            nsgs.dedup();
            for n in nsgs {
                p.forget_nsg(n);
            }
        }
    }
    p.drop_walks(&stale);
    p.drop_replies(&stale);
    for r in &stale {
        if let Read::Routes(s) = r {
            p.s.parts[s.ix()] = None;
        }
    }
    // The tracer reads the whole design (a route for a public address, a name, an NSG on
    // the way): its rows are computed again whatever the edit changed.
    for s in traced {
        rows[s] = true;
    }
    let pick = |v: &[bool]| -> Vec<SubnetId> {
        (0..ns)
            .filter(|&s| v[s])
            .map(|s| SubnetId(s as u32))
            .collect()
    };
    let plan = Plan {
        rows: pick(&rows),
        columns: pick(&columns),
    };
    Some((p.s, plan))
}

/// Computes the cells of `plan` again into `planes`, for the edited design `d`.
pub(crate) fn recompute(d: &Design, state: State, plan: &Plan, planes: &mut (Bits, Bits)) -> State {
    let mut p = Plane { d, s: state };
    let width = d.subnets.len() * p.s.ports.len();
    for &s in &plan.rows {
        let at = s.ix() * width;
        planes.0.remove_range(at, at + width);
        planes.1.remove_range(at, at + width);
        p.row(s, planes);
    }
    if !plan.columns.is_empty() {
        let mut c: Columns = p.columns(plan.columns.clone());
        let mut whole = vec![false; d.subnets.len()];
        for s in &plan.rows {
            whole[s.ix()] = true;
        }
        for (s, &w) in whole.iter().enumerate() {
            if !w {
                p.row_into(SubnetId(s as u32), &mut c, planes);
            }
        }
    }
    #[cfg(all(debug_assertions, feature = "testing"))]
    p.check_guard_index();
    p.s
}

impl Plane<'_> {
    /// Marks the rows whose forward walks read any of `reads`.
    fn mark_readers(&self, reads: &[Read], rows: &mut [bool]) {
        for (s, row) in rows.iter_mut().enumerate() {
            let key = (SubnetId(s as u32), false, Vec::new(), 0);
            if let Some(r) = self.s.walk_reads.get(&key)
                && r.iter().any(|x| reads.contains(x))
            {
                *row = true;
            }
        }
    }

    /// Drops the forward walks that read any of `reads`.
    fn drop_walks(&mut self, reads: &[Read]) {
        let stale: Vec<WalkKey> = self
            .s
            .walk_reads
            .iter()
            .filter(|(_, r)| r.iter().any(|x| reads.contains(x)))
            .map(|(k, _)| k.clone())
            .collect();
        for k in stale {
            self.s.walk_reads.remove(&k);
            self.s.walks.remove(&k);
        }
    }

    /// Drops the reply walks that read any of `reads`, and what was made of them.
    fn drop_replies(&mut self, reads: &[Read]) {
        let stale: Vec<WalkKey> = self
            .s
            .reply_reads
            .iter()
            .filter(|(_, r)| r.iter().any(|x| reads.contains(x)))
            .map(|(k, _)| k.clone())
            .collect();
        if stale.is_empty() {
            return;
        }
        for k in stale {
            if !k.1 && k.2.is_empty() && k.3 == 0 {
                self.s.reply_parts[k.0.ix()] = None;
            }
            self.s.reply_reads.remove(&k);
            self.s.reply_walks.remove(&k);
        }
        self.s.reply_groups = None;
        self.s.reply_memo.clear();
    }

    /// Whether every range of `set` starts and ends on atom boundaries.
    fn aligned(&self, set: &AddrSet) -> bool {
        set.ranges().iter().all(|&(lo, hi)| self.boundary(lo, hi))
    }

    /// Whether no atom holds both `lo - 1`'s side and `lo`, or `hi` and `hi + 1`.
    fn boundary(&self, lo: u32, hi: u32) -> bool {
        let atoms = &self.s.atoms;
        let i = atoms.partition_point(|a| a.0 < lo);
        let cuts_lo = i == 0 || atoms[i - 1].1 < lo;
        let j = atoms.partition_point(|a| a.0 <= hi);
        let cuts_hi = j == 0 || atoms[j - 1].1 <= hi;
        cuts_lo && cuts_hi
    }

    /// After some subnets' effective routes changed (`old`: every view before the edit): the
    /// views read that changed, and the atoms whose next hop changed in one of them (none:
    /// every path stays as it was). `None` when a new route cuts an atom.
    fn moved_routes(&mut self, old: &[Arc<RouteView>]) -> Option<(Vec<Read>, Bits)> {
        let d = self.d;
        let mut moved = Bits::empty(self.s.atoms.len());
        let mut changed: Vec<Read> = Vec::new();
        let mut compared: Vec<(*const RouteView, *const RouteView)> = Vec::new();
        for (s, before) in old.iter().enumerate() {
            let now = &d.derived.routes[s];
            if Arc::ptr_eq(before, now) {
                continue;
            }
            let cut = |r: &crate::eval::routes::EffectiveRoute| {
                self.boundary(
                    u32::from(r.prefix.network()),
                    u32::from(r.prefix.broadcast()),
                )
            };
            if !now.routes.iter().all(cut) {
                return None;
            }
            // A view no walk read needs nothing dropped.
            let Some(hops) = self.s.parts[s].clone() else {
                continue;
            };
            changed.push(Read::Routes(SubnetId(s as u32)));
            let pair = (Arc::as_ptr(before), Arc::as_ptr(now));
            if compared.contains(&pair) {
                continue;
            }
            compared.push(pair);
            let after = self.hops_of(now);
            for (h, b) in hops.iter() {
                let mut x = b.clone();
                if let Some((_, a)) = after.iter().find(|(k, _)| k == h) {
                    x.and_not(a);
                }
                moved.or(&x);
            }
            for (h, a) in &after {
                let mut x = a.clone();
                if let Some((_, b)) = hops.iter().find(|(k, _)| k == h) {
                    x.and_not(b);
                }
                moved.or(&x);
            }
        }
        // Views no subnet uses any more are let go.
        let used: std::collections::HashSet<*const RouteView> =
            d.derived.routes.iter().map(Arc::as_ptr).collect();
        self.s.parts_by_view.retain(|k, _| used.contains(k));
        if moved.is_empty() {
            changed.clear();
        }
        Some((changed, moved))
    }

    /// Marks what atoms whose next hop moved in the `changed` views can change: forward paths
    /// to them, in the rows whose forward walks read a changed view (those rows, or the
    /// columns holding the atoms), and replies to them, from the destination subnets whose
    /// reply walks read a changed view (the rows holding the atoms, or those columns). Each
    /// product of rows and columns is covered by the cheaper of its two sides.
    fn mark_moved(&self, changed: &[Read], moved: &Bits, rows: &mut [bool], columns: &mut [bool]) {
        if moved.is_empty() {
            return;
        }
        let ns = rows.len();
        let mut forward = vec![false; ns];
        self.mark_readers(changed, &mut forward);
        let reply: Vec<bool> = (0..ns)
            .map(|t| {
                let key = (SubnetId(t as u32), false, Vec::new(), 0);
                self.s
                    .reply_reads
                    .get(&key)
                    .is_some_and(|r| r.iter().any(|x| changed.contains(x)))
            })
            .collect();
        let holding: Vec<bool> = (0..ns)
            .map(|t| {
                self.s.span[t]
                    .iter()
                    .any(|&(lo, hi)| (lo..hi).any(|i| moved.contains(i)))
            })
            .collect();
        cover(&forward, &holding, rows, columns);
        cover(&holding, &reply, rows, columns);
    }

    /// After subnet `s`'s NSG `nsg` was detached: its atoms are no longer guarded by it on
    /// arrival, and the guards of the NSGs still there (NICs') are split again.
    fn unguard(&mut self, s: SubnetId, nsg: NsgId) {
        let d = self.d;
        let vnet = d.subnets[s.ix()].vnet;
        let atoms: Vec<usize> = self.s.span[s.ix()]
            .iter()
            .flat_map(|&(lo, hi)| lo..hi)
            .collect();
        // Its domain loses the subnet's atoms, but those whose NIC it is attached to too.
        if let Some(&a) = self.s.applied_ix.get(&(nsg, true, vnet))
            && let Some(domain) = self.s.applied[a].domain.as_mut()
        {
            for &i in &atoms {
                if self.s.kind[i] != (Kind::Nic { nsg: Some(nsg) }) {
                    let mut one = Bits::empty(self.s.atoms.len());
                    one.insert(i);
                    domain.and_not(&one);
                }
            }
        }
        let mut nics: Vec<NsgId> = vec![nsg];
        let mut once = Bits::empty(self.s.atoms.len());
        let mut none = Bits::empty(self.s.atoms.len());
        for &i in &atoms {
            let nic = match self.s.kind[i] {
                Kind::Nic { nsg } => nsg,
                _ => None,
            };
            // The subnet has no NSG now: only a NIC's guards the atom.
            match nic {
                Some(m) => {
                    nics.push(m);
                    once.insert(i);
                }
                None => none.insert(i),
            }
        }
        self.s.guarded_once.or(&once);
        self.s.guarded_once.and_not(&none);
        nics.sort_unstable();
        nics.dedup();
        for m in nics {
            self.forget_nsg(m);
        }
    }
}
