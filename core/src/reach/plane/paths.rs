//! Where packets go, from routes alone: the forward paths from each source subnet to every
//! destination atom (direct, through which firewalls, dropped), and the reply paths from each
//! destination subnet back to every source atom, with the stateful devices each crosses (P10).

use super::*;

/// A check on the way that depends on the source and port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Filter {
    /// An NSG, inbound, in a VNet (an NVA's subnet).
    Nsg(NsgId, VnetId),
    /// A firewall's rules.
    Firewall(FirewallId),
    /// An NVA's NIC with security admin rules (S10): those of its subnet's VNet, then,
    /// unless an `always_allow` rule decided, its subnet's NSG.
    Admitted(SubnetId, Option<NsgId>),
}

/// Destination atoms that share a forward path.
pub(super) struct Path {
    pub(super) filters: Vec<Filter>,
    /// Stateful devices crossed, sorted.
    pub(super) stateful: Vec<FirewallId>,
    pub(super) bits: Bits,
}

/// A source subnet's forward paths.
pub(super) struct Skeleton {
    pub(super) paths: Vec<Path>,
    /// Destination atoms the tracer decides.
    pub(super) unknown: Bits,
}

/// How the reply from a destination to a source ends.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Reply {
    /// Back at the source, having crossed these stateful devices (sorted).
    Back(Vec<FirewallId>),
}

/// What a walk read of the design besides the atoms, so that an edit drops the walks it makes
/// stale and recomputes the rows that read them (see [`super::plan_wiring`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Read {
    /// A subnet's effective routes: every atom's next hop from there.
    Routes(SubnetId),
    /// What a path through an appliance's subnet reads of it: its NSG, whether security admin
    /// rules apply there.
    Subnet(SubnetId),
    /// A peering link (either direction, lower VNet first) crossed to reach an appliance: it
    /// decides every atom the appliance forwards.
    Crossing(VnetId, VnetId),
    /// A peering link from the first VNet to the second read for the atoms of the second only
    /// (a peering or private endpoint next hop delivers there).
    Link(VnetId, VnetId),
    /// The `VirtualNetwork` set of a VNet, read by the NSG of an appliance's subnet there.
    VirtualNetwork(VnetId),
}

/// The peering link between two VNets, lower first.
pub(super) fn link(a: VnetId, b: VnetId) -> (VnetId, VnetId) {
    (a.min(b), a.max(b))
}

impl Plane<'_> {
    /// Notes that the walk under way read `r`.
    fn note(&mut self, r: Read) {
        if let Some(top) = self.s.reading.last_mut() {
            top.push(r);
        }
    }

    /// Ends the reads of a walk: sorted, added to the enclosing walk's.
    fn end_reads(&mut self) -> Rc<Vec<Read>> {
        let mut reads = self.s.reading.pop().unwrap_or_default();
        reads.sort_unstable();
        reads.dedup();
        if let Some(top) = self.s.reading.last_mut() {
            top.extend_from_slice(&reads);
        }
        Rc::new(reads)
    }

    /// The next hop each atom gets from a subnet's routes, as (next hop, atoms).
    fn parts(&mut self, s: SubnetId) -> Hops {
        self.note(Read::Routes(s));
        if let Some(p) = &self.s.parts[s.ix()] {
            return p.clone();
        }
        let view = self.d.derived.routes[s.ix()].clone();
        // Subnets that share a route view share the result (the map keeps the view, so its
        // address is not given to another while the entry stands).
        let key = std::sync::Arc::as_ptr(&view);
        if let Some((_, p)) = self.s.parts_by_view.get(&key) {
            self.s.parts[s.ix()] = Some(p.clone());
            return p.clone();
        }
        let p = Rc::new(self.hops_of(&view));
        self.s.parts[s.ix()] = Some(p.clone());
        self.s.parts_by_view.insert(key, (view, p.clone()));
        p
    }

    /// The atoms grouped by the next hop a route view gives them.
    pub(super) fn hops_of(&self, view: &crate::eval::routes::RouteView) -> Vec<(NextHop, Bits)> {
        let mut cuts: Vec<u32> = vec![0];
        for r in &view.routes {
            let (lo, hi) = (
                u32::from(r.prefix.network()),
                u32::from(r.prefix.broadcast()),
            );
            cuts.push(lo);
            if hi < u32::MAX {
                cuts.push(hi + 1);
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut by_hop: Vec<(NextHop, Bits)> = Vec::new();
        for (k, &lo) in cuts.iter().enumerate() {
            let hi = cuts.get(k + 1).map_or(u32::MAX, |c| c - 1);
            let a = self.s.atoms.partition_point(|x| x.0 < lo);
            let z = self.s.atoms.partition_point(|x| x.0 <= hi);
            if a >= z {
                continue;
            }
            let Some(choice) = view.lookup(Ipv4Addr::from(lo)) else {
                continue;
            };
            let hop = &view.routes[choice.index].next_hop;
            match by_hop.iter_mut().find(|(h, _)| h == hop) {
                Some((_, b)) => b.insert_range(a, z),
                None => {
                    let mut b = Bits::empty(self.s.atoms.len());
                    b.insert_range(a, z);
                    by_hop.push((hop.clone(), b));
                }
            }
        }
        by_hop
    }

    /// The forward paths from a subnet to every destination atom.
    pub(super) fn skeleton(&mut self, s: SubnetId) -> Rc<Skeleton> {
        self.forward(s, false, &[], 0)
    }

    /// The paths every destination atom takes from `sub` on: filters and stateful devices are
    /// those met from here. `seen` are the appliances already crossed (a loop drops), `depth`
    /// the routing hops so far (16 drop, as in the tracer). Memoised: every spoke reaches the
    /// hub's firewall subnet in the same state.
    fn forward(
        &mut self,
        sub: SubnetId,
        forwarded: bool,
        seen: &[FirewallId],
        depth: usize,
    ) -> Rc<Skeleton> {
        let key = (sub, forwarded, seen.to_vec(), depth);
        if let Some(s) = self.s.walks.get(&key) {
            let s = s.clone();
            if let Some(top) = self.s.reading.last_mut() {
                top.extend_from_slice(&self.s.walk_reads[&key]);
            }
            return s;
        }
        let mut out = Skeleton {
            paths: Vec::new(),
            unknown: Bits::empty(self.s.atoms.len()),
        };
        self.s.reading.push(Vec::new());
        if depth < 16 {
            self.forward_from(sub, forwarded, seen, depth, &mut out);
        }
        let reads = self.end_reads();
        let out = Rc::new(out);
        self.s.walk_reads.insert(key.clone(), reads);
        self.s.walks.insert(key, out.clone());
        out
    }

    fn forward_from(
        &mut self,
        sub: SubnetId,
        forwarded: bool,
        seen: &[FirewallId],
        depth: usize,
        out: &mut Skeleton,
    ) {
        let d = self.d;
        let vnet = d.subnets[sub.ix()].vnet;
        let parts = self.parts(sub);
        for (hop, b) in parts.iter() {
            match hop {
                NextHop::None | NextHop::Internet => {
                    // Every atom here is a private address: the Internet next hop drops it.
                }
                NextHop::VnetLocal => {
                    let b = b.intersection(&self.s.in_vnet[vnet.ix()]);
                    self.deliver(b, &[], &[], out);
                }
                NextHop::VnetPeering { vnet: remote } => {
                    self.note(Read::Link(vnet, *remote));
                    if cross_ok(d, vnet, *remote, forwarded)
                        && let Some(there) = self.peered_atoms(sub, *remote)
                    {
                        self.deliver(b.intersection(&there), &[], &[], out);
                    }
                }
                NextHop::InterfaceEndpoint { pe } => {
                    let pe_subnet = d.private_endpoints[pe.ix()].subnet;
                    let pe_vnet = d.subnets[pe_subnet.ix()].vnet;
                    self.note(Read::Link(vnet, pe_vnet));
                    if pe_vnet == vnet
                        || (cross_ok(d, vnet, pe_vnet, forwarded)
                            && d.subnet_peering_refuses(sub, pe_vnet, Some(pe_subnet))
                                .is_none())
                    {
                        self.deliver(b.clone(), &[], &[], out);
                    }
                }
                NextHop::VirtualNetworkServiceEndpoint { .. }
                | NextHop::VirtualNetworkGateway { .. } => out.unknown.or(b),
                NextHop::VirtualAppliance { ip } => {
                    let Some(f) = d.firewalls.iter().position(|f| f.ip == *ip) else {
                        if d.workloads.iter().any(|w| w.ip == *ip && w.ip_forwarding) {
                            out.unknown.or(b);
                        }
                        continue;
                    };
                    let fid = FirewallId(f as u32);
                    if seen.contains(&fid) {
                        continue;
                    }
                    let fw = &d.firewalls[f];
                    let fw_vnet = d.subnets[fw.subnet.ix()].vnet;
                    let (a, z) = link(vnet, fw_vnet);
                    self.note(Read::Crossing(a, z));
                    self.note(Read::Subnet(fw.subnet));
                    if fw_vnet != vnet
                        && (d.peering(vnet, fw_vnet).is_none_or(|p| !p.connected)
                            || !cross_ok(d, vnet, fw_vnet, forwarded)
                            || d.subnet_peering_refuses(sub, fw_vnet, Some(fw.subnet))
                                .is_some())
                    {
                        continue;
                    }
                    let mut filters = Vec::new();
                    let nsg = d.subnets[fw.subnet.ix()].nsg;
                    if fw.kind != FirewallKind::AzureFirewall
                        && crate::eval::admin::applies(d, fw.subnet)
                        && !d.vnets[fw_vnet.ix()].admin_rules.inbound.is_empty()
                    {
                        filters.push(Filter::Admitted(fw.subnet, nsg));
                    } else if fw.kind != FirewallKind::AzureFirewall
                        && let Some(n) = nsg
                    {
                        filters.push(Filter::Nsg(n, fw_vnet));
                    }
                    if !filters.is_empty() {
                        // The NSG of the appliance's subnet reads the VNet's `VirtualNetwork`.
                        self.note(Read::VirtualNetwork(fw_vnet));
                    }
                    filters.push(Filter::Firewall(fid));
                    let mut b = b.clone();
                    if fw.snat || fw.policies.iter().any(|p| p.nat) {
                        // A translated source changes the reply's path (P17): traced.
                        out.unknown.or(&b);
                        continue;
                    }
                    if fw.kind == FirewallKind::AzureFirewall {
                        // SNAT to destinations outside its private ranges changes the reply's
                        // path: traced.
                        let private = self.bits_of(&fw.snat_private);
                        let mut public = b.clone();
                        public.and_not(&private);
                        out.unknown.or(&public);
                        b.and(&private);
                    }
                    let mut seen = seen.to_vec();
                    seen.push(fid);
                    let rest = self.forward(fw.subnet, true, &seen, depth + 1);
                    out.unknown.or(&rest.unknown.intersection(&b));
                    for path in &rest.paths {
                        let mut f = filters.clone();
                        f.extend_from_slice(&path.filters);
                        let mut st = path.stateful.clone();
                        if fw.stateful {
                            st.push(fid);
                            st.sort();
                            st.dedup();
                        }
                        self.deliver(path.bits.intersection(&b), &f, &st, out);
                    }
                }
            }
        }
    }

    fn deliver(&self, b: Bits, filters: &[Filter], stateful: &[FirewallId], out: &mut Skeleton) {
        if b.is_empty() {
            return;
        }
        out.unknown.or(&b.intersection(&self.s.special));
        let mut b = b;
        b.and_not(&self.s.special);
        match out
            .paths
            .iter_mut()
            .find(|p| p.filters == filters && p.stateful == stateful)
        {
            Some(p) => p.bits.or(&b),
            None => out.paths.push(Path {
                filters: filters.to_vec(),
                stateful: stateful.to_vec(),
                bits: b,
            }),
        }
    }

    /// How replies from subnet `s` reach each source atom (over source atoms).
    fn reply_parts(&mut self, s: SubnetId) -> Replies {
        if let Some(p) = &self.s.reply_parts[s.ix()] {
            return p.clone();
        }
        let mut out: Vec<(Reply, Bits)> = (*self.replies_from(s, false, &[], 0)).clone();
        let d = self.d;
        for (r, _) in &mut out {
            let Reply::Back(v) = r;
            v.retain(|f| d.firewalls[f.ix()].stateful);
            v.sort();
            v.dedup();
        }
        // Outcomes that became equal are one.
        let p = Rc::new(merge(out));
        self.s.reply_parts[s.ix()] = Some(p.clone());
        p
    }

    /// Where replies routed from `sub` end, over source atoms: `crossed` are the devices
    /// already crossed, `forwarded` whether one of them forwarded it (P13). Memoised.
    fn replies_from(
        &mut self,
        sub: SubnetId,
        forwarded: bool,
        crossed: &[FirewallId],
        depth: usize,
    ) -> Replies {
        let key = (sub, forwarded, crossed.to_vec(), depth);
        if let Some(r) = self.s.reply_walks.get(&key) {
            let r = r.clone();
            if let Some(top) = self.s.reading.last_mut() {
                top.extend_from_slice(&self.s.reply_reads[&key]);
            }
            return r;
        }
        let mut out = Vec::new();
        self.s.reading.push(Vec::new());
        if depth < 16 {
            self.reply_walk(sub, forwarded, crossed, depth, &mut out);
        }
        let reads = self.end_reads();
        let out = Rc::new(merge(out));
        self.s.reply_reads.insert(key.clone(), reads);
        self.s.reply_walks.insert(key, out.clone());
        out
    }

    fn reply_walk(
        &mut self,
        sub: SubnetId,
        forwarded: bool,
        crossed: &[FirewallId],
        depth: usize,
        out: &mut Vec<(Reply, Bits)>,
    ) {
        let d = self.d;
        let parts = self.parts(sub);
        let follow = |out: &mut Vec<(Reply, Bits)>, rest: &[(Reply, Bits)], b: &Bits| {
            for (r, rb) in rest {
                let x = rb.intersection(b);
                if !x.is_empty() {
                    out.push((r.clone(), x));
                }
            }
        };
        for (hop, b) in parts.iter() {
            match hop {
                // Source atoms are addresses of subnets: a reply to them handed to the
                // Internet next hop or into a gateway (which reaches only its sites) is lost
                // (P15), as the tracer's `reply_lands` says.
                NextHop::None | NextHop::Internet | NextHop::VirtualNetworkGateway { .. } => {}
                NextHop::VirtualAppliance { ip } => {
                    let Some(f) = d.firewalls.iter().position(|f| f.ip == *ip) else {
                        if let Some(w) = d.workloads.iter().find(|w| w.ip == *ip && w.ip_forwarding)
                        {
                            let rest = self.replies_from(w.subnet, forwarded, crossed, depth + 1);
                            follow(out, &rest, b);
                        }
                        continue;
                    };
                    let fid = FirewallId(f as u32);
                    let mut with = crossed.to_vec();
                    with.push(fid);
                    // The reply addressed to the firewall itself ends there.
                    let mut rest = b.clone();
                    if let Some((&i, _)) = self.s.fw_atom.iter().find(|(_, g)| **g == fid)
                        && rest.contains(i)
                    {
                        let mut here = Bits::empty(self.s.atoms.len());
                        here.insert(i);
                        rest.and_not(&here);
                        out.push((Reply::Back(with.clone()), here));
                    }
                    if crossed.contains(&fid) || rest.is_empty() {
                        continue;
                    }
                    let fs = d.firewalls[f].subnet;
                    let further = self.replies_from(fs, true, &with, depth + 1);
                    follow(out, &further, &rest);
                }
                NextHop::VnetPeering { vnet: remote } if forwarded => {
                    let here = d.subnets[sub.ix()].vnet;
                    self.note(Read::Link(here, *remote));
                    if d.peering(*remote, here)
                        .is_some_and(|p| p.allow_forwarded_traffic)
                        && let Some(there) = self.peered_atoms(sub, *remote)
                    {
                        self.back_to_sources(crossed, b.intersection(&there), out);
                    }
                }
                // A VNet next hop delivers only to the addresses of that VNet.
                NextHop::VnetLocal => {
                    let here = d.subnets[sub.ix()].vnet;
                    self.back_to_sources(crossed, b.intersection(&self.s.in_vnet[here.ix()]), out)
                }
                NextHop::VnetPeering { vnet: remote } => {
                    let here = d.subnets[sub.ix()].vnet;
                    self.note(Read::Link(here, *remote));
                    if let Some(there) = self.peered_atoms(sub, *remote) {
                        self.back_to_sources(crossed, b.intersection(&there), out)
                    }
                }
                _ => self.back_to_sources(crossed, b.clone(), out),
            }
        }
    }

    /// A reply delivered to the source atoms `b`; a firewall's own address counts it as crossed.
    fn back_to_sources(&self, crossed: &[FirewallId], b: Bits, out: &mut Vec<(Reply, Bits)>) {
        let mut b = b;
        for (&i, &f) in &self.s.fw_atom {
            if b.contains(i) {
                let mut one = Bits::empty(self.s.atoms.len());
                one.insert(i);
                b.and_not(&one);
                let mut with = crossed.to_vec();
                with.push(f);
                out.push((Reply::Back(with), one));
            }
        }
        out.push((Reply::Back(crossed.to_vec()), b));
    }

    /// Destination subnets grouped by how replies from them end (subnets of one VNet with one
    /// route table answer alike), each with its subnets' atoms.
    fn reply_groups(&mut self) -> Rc<Vec<(Replies, Bits)>> {
        if let Some(g) = &self.s.reply_groups {
            return g.clone();
        }
        let n = self.s.atoms.len();
        let mut groups: Vec<(Replies, Bits)> = Vec::new();
        let mut index: HashMap<Vec<(Reply, Bits)>, usize> = HashMap::default();
        for s in 0..self.d.subnets.len() {
            if self.s.span[s].is_empty() {
                continue;
            }
            let rp = self.reply_parts(SubnetId(s as u32));
            let g = *index.entry((*rp).clone()).or_insert_with(|| {
                groups.push((rp.clone(), Bits::empty(n)));
                groups.len() - 1
            });
            for &(lo, hi) in &self.s.span[s] {
                groups[g].1.insert_range(lo, hi);
            }
        }
        let g = Rc::new(groups);
        self.s.reply_groups = Some(g.clone());
        g
    }

    /// For one source atom: the destination atoms whose reply comes back through each set of
    /// stateful devices.
    pub(super) fn replies(&mut self, src: usize) -> BackThrough {
        let d = self.d;
        let groups = self.reply_groups();
        // Which outcome each group gives this source (most sources share one such signature).
        let mut sig: Vec<u16> = groups
            .iter()
            .map(|(rp, _)| {
                rp.iter()
                    .position(|(_, b)| b.contains(src))
                    .map_or(u16::MAX, |i| i as u16)
            })
            .collect();
        let fw = self.s.fw_atom.get(&src).copied();
        sig.push(fw.map_or(u16::MAX, |f| f.0 as u16));
        if let Some(r) = self.s.reply_memo.get(&sig) {
            return r.clone();
        }
        let mut sets: Vec<(Vec<FirewallId>, Bits)> = Vec::new();
        for ((rp, atoms), &o) in groups.iter().zip(&sig) {
            let Some((Reply::Back(k), _)) = rp.get(usize::from(o)) else {
                continue;
            };
            match sets.iter_mut().find(|(c, _)| c == k) {
                Some((_, b)) => b.or(atoms),
                None => sets.push((k.clone(), atoms.clone())),
            }
        }
        // Private endpoints answer straight back (crossing the source if it is a firewall).
        for (_, b) in &mut sets {
            b.and_not(&self.s.pe_atoms);
        }
        let pe_back: Vec<FirewallId> = fw
            .filter(|f| d.firewalls[f.ix()].stateful)
            .map(|f| vec![f])
            .unwrap_or_default();
        match sets.iter_mut().find(|(c, _)| *c == pe_back) {
            Some((_, b)) => b.or(&self.s.pe_atoms),
            None => sets.push((pe_back, self.s.pe_atoms.clone())),
        }
        let sets = Rc::new(sets);
        self.s.reply_memo.insert(sig, sets.clone());
        sets
    }
}

/// Whether crossing the peering `from` → `to` is allowed (P13; no gateway transit here).
impl Plane<'_> {
    /// The atoms of VNet `remote` a packet sent from subnet `sub` reaches over the peering:
    /// all of them, the peered subnets' with subnet peering, none when `sub` is not one of the
    /// link's subnets (S12, as the tracer's `subnet_peering_refuses`).
    fn peered_atoms(&self, sub: SubnetId, remote: VnetId) -> Option<Bits> {
        let d = self.d;
        if d.subnet_peering_refuses(sub, remote, None).is_some() {
            return None;
        }
        let there = &self.s.in_vnet[remote.ix()];
        let link = d.peering(d.subnets[sub.ix()].vnet, remote);
        match link.and_then(|l| l.remote_subnets.as_ref()) {
            None => Some(there.clone()),
            Some(subs) => {
                let mut b = Bits::empty(self.s.atoms.len());
                for s in subs {
                    for &(lo, hi) in &self.s.span[s.ix()] {
                        b.insert_range(lo, hi);
                    }
                }
                Some(b.intersection(there))
            }
        }
    }
}

fn cross_ok(d: &Design, from: VnetId, to: VnetId, forwarded: bool) -> bool {
    !forwarded
        || d.peering(to, from)
            .is_some_and(|p| p.allow_forwarded_traffic)
}

/// One entry per outcome, its atoms the union of the entries' that had it.
fn merge(outcomes: Vec<(Reply, Bits)>) -> Vec<(Reply, Bits)> {
    let mut merged: Vec<(Reply, Bits)> = Vec::new();
    for (r, b) in outcomes {
        match merged.iter_mut().find(|(m, _)| *m == r) {
            Some((_, mb)) => mb.or(&b),
            None => merged.push((r, b)),
        }
    }
    merged
}
