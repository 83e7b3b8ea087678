//! One row's cells into a few destination subnets only: what [`Plane::row`] computes, over the
//! words of the atom sets that hold those subnets' atoms instead of every atom. A wiring edit
//! that changes what happens on arrival at some subnets (an NSG detached, a peering changed)
//! recomputes their columns this way in every row it does not recompute whole.

use super::*;

/// The destination subnets a column pass computes and the words of atom sets their atoms lie
/// in.
pub(super) struct Columns {
    /// Destination subnets, sorted.
    pub(super) subnets: Vec<SubnetId>,
    /// First word of the window.
    w0: usize,
    /// The window's atoms that belong to the columns (one word per window word).
    mask: Vec<u64>,
    /// Delivery guards with atoms in the window (not emptied by an edit).
    guards: Vec<usize>,
    /// Per firewall (lazily): the sources one of its allowing rules could let into the
    /// columns' atoms (a path through it from elsewhere delivers nothing there).
    fw_into: Vec<Option<AddrSet>>,
    /// The addresses of the columns' atoms.
    addrs: AddrSet,
}

/// `v &= b` over the window.
fn and(v: &mut [u64], b: &[u64]) {
    for (x, y) in v.iter_mut().zip(b) {
        *x &= y;
    }
}

/// `v |= b` over the window.
fn or(v: &mut [u64], b: &[u64]) {
    for (x, y) in v.iter_mut().zip(b) {
        *x |= y;
    }
}

/// `v &= !b` over the window.
fn and_not(v: &mut [u64], b: &[u64]) {
    for (x, y) in v.iter_mut().zip(b) {
        *x &= !y;
    }
}

/// Whether every atom `lo..hi` is set in window `v` starting at word `w0`.
fn all_in(v: &[u64], w0: usize, lo: usize, hi: usize) -> bool {
    (lo..hi).all(|i| v[i / 64 - w0] & (1 << (i % 64)) != 0)
}

/// Whether some atom `lo..hi` is set in window `v` starting at word `w0`.
fn any_in(v: &[u64], w0: usize, lo: usize, hi: usize) -> bool {
    (lo..hi).any(|i| v[i / 64 - w0] & (1 << (i % 64)) != 0)
}

impl Plane<'_> {
    /// The window for columns `subnets`: the words their atoms lie in, and the guards there.
    pub(super) fn columns(&self, mut subnets: Vec<SubnetId>) -> Columns {
        subnets.sort_unstable();
        subnets.dedup();
        let runs = || subnets.iter().flat_map(|t| self.s.span[t.ix()].iter());
        let w0 = runs().map(|&(lo, _)| lo / 64).min().unwrap_or(0);
        let w1 = runs()
            .map(|&(_, hi)| hi.div_ceil(64))
            .max()
            .unwrap_or(0)
            .max(w0);
        let mut mask = vec![0u64; w1 - w0];
        for &(lo, hi) in runs() {
            for i in lo..hi {
                mask[i / 64 - w0] |= 1 << (i % 64);
            }
        }
        let addrs = AddrSet::from_ranges(
            runs()
                .map(|&(lo, hi)| (self.s.atoms[lo].0, self.s.atoms[hi - 1].1))
                .collect(),
        );
        let np = self.s.ports.len();
        let guards = (0..self.s.guards.len())
            .filter(|&g| {
                let g = &self.s.guards[g];
                g.allowed.len() == np && (g.alone.touches(w0, w1) || g.shared.touches(w0, w1))
            })
            .collect();
        Columns {
            subnets,
            w0,
            mask,
            guards,
            fw_into: vec![None; self.s.fws.len()],
            addrs,
        }
    }

    /// Whether a path through firewall `f` can deliver a packet from `sources` into the
    /// columns: some rule of it that allows, matching one of them, has a destination there.
    fn fw_can_deliver(&self, f: FirewallId, sources: &AddrSet, c: &mut Columns) -> bool {
        let fw = &self.s.fws[f.ix()];
        if fw.allow_all {
            return true;
        }
        let into = c.fw_into[f.ix()].get_or_insert_with(|| {
            fw.entries
                .iter()
                .filter(|e| e.allow && e.destination.intersects(&c.addrs))
                .fold(AddrSet::empty(), |acc, e| acc.union(&e.source))
        });
        into.intersects(sources)
    }

    /// The cells of row `s` into the columns of `c`, written into the planes (those cells are
    /// cleared first; no other cell is touched).
    pub(super) fn row_into(&mut self, s: SubnetId, c: &mut Columns, planes: &mut (Bits, Bits)) {
        let d = self.d;
        let ns = d.subnets.len();
        let np = self.s.ports.len();
        let row = s.ix() * ns * np;
        for t in &c.subnets {
            let at = row + t.ix() * np;
            planes.0.remove_range(at, at + np);
            planes.1.remove_range(at, at + np);
        }
        if self.s.span[s.ix()].is_empty() {
            return;
        }
        let (w0, nw) = (c.w0, c.mask.len());
        let w1 = w0 + nw;
        let skel = self.skeleton(s);
        // The paths that can deliver into the columns: with atoms there, and through
        // firewalls that allow something from this subnet there.
        let from = d.subnets[s.ix()].usable_addrs();
        let paths: Vec<&paths::Path> = skel
            .paths
            .iter()
            .filter(|path| {
                path.bits.words()[w0..w1]
                    .iter()
                    .zip(&c.mask)
                    .any(|(x, m)| x & m != 0)
                    && path.filters.iter().all(|f| match *f {
                        Filter::Firewall(fid) => self.fw_can_deliver(fid, &from, c),
                        _ => true,
                    })
            })
            .collect();
        // Public IPs of the columns' workloads, decided by the tracer.
        let public: Vec<(usize, Ipv4Addr)> = c
            .subnets
            .iter()
            .flat_map(|t| self.s.public[t.ix()].iter().map(move |&ip| (t.ix(), ip)))
            .collect();
        self.s.traced[s.ix()] |= !public.is_empty() || !skel.unknown.is_empty();
        let unplaced = self.s.span[s.ix()]
            .iter()
            .flat_map(|&(lo, hi)| lo..hi)
            .any(|src| self.s.holder[src].is_some_and(|w| d.workloads[w.ix()].subnet != s));
        let unknown_here = skel.unknown.words()[w0..w1]
            .iter()
            .zip(&c.mask)
            .any(|(x, m)| x & m != 0);
        if paths.is_empty() && public.is_empty() && !unknown_here && !unplaced {
            // Nothing from this row can arrive in the columns: their cells stay `none`.
            return;
        }
        let mut pub_all = vec![true; public.len() * np];
        let mut pub_any = vec![false; public.len() * np];
        let mut all = vec![u64::MAX; nw * np];
        let mut any = vec![0u64; nw * np];
        let vnet = d.subnets[s.ix()].vnet;
        let admin_out = crate::eval::admin::applies(d, s)
            && !d.vnets[vnet.ix()].admin_rules.outbound.is_empty();
        let (mut reached, mut out, mut denied, mut b) = (
            vec![0u64; nw],
            vec![0u64; nw],
            vec![0u64; nw],
            vec![0u64; nw],
        );
        let sources: Vec<usize> = self.s.span[s.ix()]
            .iter()
            .flat_map(|&(lo, hi)| lo..hi)
            .collect();
        for src in sources {
            let ip = Ipv4Addr::from(self.s.atoms[src].0);
            let nic = match self.s.holder[src] {
                Some(w) if d.workloads[w.ix()].subnet == s => Some(d.workloads[w.ix()].nsg),
                Some(_) => None,
                None => Some(None),
            };
            let replies = self.replies(src);
            let trace = |dst: Ipv4Addr, proto: Protocol, port: u16| {
                let flow = Flow {
                    src: ip,
                    dst,
                    protocol: proto,
                    src_port: if proto.has_ports() { 50000 } else { 0 },
                    dst_port: if proto.has_ports() { port } else { 0 },
                };
                let origin = origin_at_ip(d, ip).expect("an address inside a subnet");
                let quiet = TraceOptions {
                    quiet: true,
                    ..TraceOptions::default()
                };
                trace_packet(d, origin, flow, quiet).verdict.allowed()
            };
            // The columns' atoms the tracer decides.
            let mut unknown: Vec<usize> = Vec::new();
            for (k, &m) in c.mask.iter().enumerate() {
                let mut x = match nic {
                    Some(_) => skel.unknown.words()[w0 + k] & m,
                    None => m,
                };
                while x != 0 {
                    unknown.push((w0 + k) * 64 + x.trailing_zeros() as usize);
                    x &= x - 1;
                }
            }
            for pi in 0..np {
                let (proto, port) = self.s.ports[pi];
                reached.fill(0);
                if let Some(nic_nsg) = nic {
                    out.fill(u64::MAX);
                    let order = crate::eval::nsg::order(
                        Direction::Outbound,
                        d.subnets[s.ix()].nsg,
                        nic_nsg,
                    );
                    for nsg in order.into_iter().filter_map(|(_, n)| n) {
                        let a = self.applied_of(nsg, Direction::Outbound, vnet);
                        and(&mut out, &self.nsg_allows(a, ip, pi).words()[w0..w1]);
                    }
                    if admin_out {
                        let sets = self.admin_sets(vnet, Direction::Outbound, ip, pi);
                        and_not(&mut out, &sets.0.words()[w0..w1]);
                        or(&mut out, &sets.1.words()[w0..w1]);
                    }
                    // As in a row: atoms one NSG guards start denied and are let through where
                    // it allows; atoms several guard are denied by any that denies.
                    denied.copy_from_slice(&self.s.guarded_once.words()[w0..w1]);
                    for &g in &c.guards {
                        let g = &self.s.guards[g];
                        if g.allowed[pi].contains(src) {
                            g.alone.remove_from_words(&mut denied, w0);
                        } else {
                            g.shared.add_to_words(&mut denied, w0);
                        }
                    }
                    if !self.s.admin_domains.is_empty() {
                        let (deny, always) = self.admin_delivery(ip, pi);
                        and_not(&mut denied, &always.words()[w0..w1]);
                        or(&mut denied, &deny.words()[w0..w1]);
                    }
                    or(&mut denied, &self.s.port_denied[pi].words()[w0..w1]);
                    for path in &paths {
                        let Some((_, ok)) = replies.iter().find(|(k, _)| *k == path.stateful)
                        else {
                            continue;
                        };
                        b.copy_from_slice(&path.bits.words()[w0..w1]);
                        and(&mut b, &out);
                        for f in &path.filters {
                            if b.iter().all(|&x| x == 0) {
                                break;
                            }
                            let allowed: Rc<Bits> = match *f {
                                Filter::Nsg(nsg, v) => {
                                    let a = self.applied_of(nsg, Direction::Inbound, v);
                                    self.nsg_allows(a, ip, pi)
                                }
                                Filter::Firewall(fid) => self.fw_allows(fid, ip, pi),
                                Filter::Admitted(sub, nsg) => {
                                    Rc::new(self.admitted(sub, nsg, ip, pi))
                                }
                            };
                            and(&mut b, &allowed.words()[w0..w1]);
                        }
                        and_not(&mut b, &denied);
                        and(&mut b, &ok.words()[w0..w1]);
                        or(&mut reached, &b);
                    }
                }
                for &i in &unknown {
                    if trace(Ipv4Addr::from(self.s.atoms[i].0), proto, port) {
                        reached[i / 64 - w0] |= 1u64 << (i % 64);
                    }
                }
                and(&mut all[pi * nw..(pi + 1) * nw], &reached);
                or(&mut any[pi * nw..(pi + 1) * nw], &reached);
                for (k, &(_, pip)) in public.iter().enumerate() {
                    let ok = trace(pip, proto, port);
                    pub_all[k * np + pi] &= ok;
                    pub_any[k * np + pi] |= ok;
                }
            }
        }
        for t in &c.subnets {
            let runs = &self.s.span[t.ix()];
            let pubs: Vec<usize> = (0..public.len())
                .filter(|&k| public[k].0 == t.ix())
                .collect();
            if runs.is_empty() && pubs.is_empty() {
                continue;
            }
            let at = row + t.ix() * np;
            for pi in 0..np {
                let (a, z) = (&all[pi * nw..(pi + 1) * nw], &any[pi * nw..(pi + 1) * nw]);
                let every = runs
                    .iter()
                    .all(|&(lo, hi)| lo == hi || all_in(a, w0, lo, hi))
                    && pubs.iter().all(|&k| pub_all[k * np + pi]);
                let some = runs
                    .iter()
                    .any(|&(lo, hi)| lo < hi && any_in(z, w0, lo, hi))
                    || pubs.iter().any(|&k| pub_any[k * np + pi]);
                if every {
                    planes.0.insert(at + pi);
                }
                if some {
                    planes.1.insert(at + pi);
                }
            }
        }
    }
}
