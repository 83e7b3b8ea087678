//! The subnet matrix on sets of packets. For one source atom and one port, the destinations a
//! packet delivers to are a set of destination atoms ([`Bits`]) moved in bulk through the
//! decisions the tracer makes one packet at a time:
//!
//! - **forward paths** per source subnet, from routes alone: which destination atoms go
//!   directly, which through which firewalls (and the NSG of an NVA's subnet), which are dropped;
//! - **filters** per source atom and port: outbound NSGs, firewall rules, inbound NSGs at the
//!   destination, the private endpoint's service checks — each a first match over rules whose
//!   destinations are atom sets, cached per class of sources the rules cannot tell apart;
//! - **reply paths** per destination subnet, over source atoms: which stateful devices the reply
//!   crosses (P10), compared with the forward path's.
//!
//! Whatever this engine does not model in bulk (service endpoints and gateways as next hops,
//! IP-forwarding NICs, a firewall's own address as destination, SNAT by Azure Firewall to public
//! destinations, public IPs of workloads, application gateways' frontends) is left to the tracer, per packet class, so the result
//! is exactly the per-class tracing of [`super::matrix::matrix_by_tracing`]; a property test
//! compares the two.

use super::atoms::AddrAtoms;
use super::bits::{Bits, Window};
use crate::eval::paas::{self, Arrival};
use crate::eval::routes::NextHop;
use crate::format::{Access, CollectionKind, Direction, FirewallKind, FortiAction, FwAction};
use crate::model::{AddrEntry, Design, FirewallId, NsgId, PeId, SubnetId, VnetId, WorkloadId};
use crate::net::{AddrSet, Flow, PortSet, Protocol};
use crate::trace::{TraceOptions, origin_at_ip, trace_packet};
use std::collections::HashMap as StdHashMap;

/// Caches keyed by small integers: a fast hash with a fixed seed (deterministic).
type HashMap<K, V> = StdHashMap<K, V, foldhash::fast::FixedState>;
use std::net::Ipv4Addr;
use std::rc::Rc;

mod admin;
mod columns;
mod filters;
mod guards;
mod paths;
mod wiring;

pub(super) use filters::entry_set;
use filters::{Applied, Fw, firewall_entries};
use guards::{GuardIndex, Guarded};
use paths::{Filter, Read, Reply, Skeleton};
pub(super) use wiring::{Wiring, plan_wiring, recompute};

/// Computes the subnet matrix as two bit planes indexed row-major by source subnet,
/// destination subnet and port: every class delivered, some class delivered. `None` when the
/// design uses something the bulk engine does not cover at all (NSG rules on source ports); the
/// caller then traces every class.
pub(super) fn subnet_matrix(d: &Design, ports: &[(Protocol, u16)]) -> Option<(Bits, Bits)> {
    start(d, ports).map(|(_, planes)| planes)
}

/// [`subnet_matrix`] for the given rows only (the planes' other rows stay `none`): the
/// exhaustive diff computes the rows an edit can change (`diff::exhaustive`).
pub(crate) fn subnet_rows(
    d: &Design,
    ports: &[(Protocol, u16)],
    rows: &[SubnetId],
) -> Option<(Bits, Bits)> {
    if super::atoms::PortAtoms::source_ports_matter(d) {
        return None;
    }
    let mut p = Plane::new(d, ports);
    let cells = d.subnets.len() * d.subnets.len() * ports.len();
    let mut planes = (Bits::empty(cells), Bits::empty(cells));
    for &s in rows {
        p.row(s, &mut planes);
    }
    Some(planes)
}

/// [`subnet_matrix`], also returning what the engine worked out, for [`update_rows`].
pub(super) fn start(d: &Design, ports: &[(Protocol, u16)]) -> Option<(State, (Bits, Bits))> {
    if super::atoms::PortAtoms::source_ports_matter(d) {
        return None;
    }
    let mut p = Plane::new(d, ports);
    let cells = d.subnets.len() * d.subnets.len() * ports.len();
    let mut planes = (Bits::empty(cells), Bits::empty(cells));
    for s in 0..d.subnets.len() {
        p.row(SubnetId(s as u32), &mut planes);
    }
    Some((p.s, planes))
}

/// After one NSG's rules changed (a rule removed or its access flipped, so the atoms still cut
/// at every prefix the rules use), recomputes the given rows of `planes` for the edited design
/// `d`, reusing what `state` worked out before the edit except that NSG's decisions.
pub(super) fn update_rows(
    d: &Design,
    state: State,
    nsg: NsgId,
    rows: &[SubnetId],
    planes: &mut (Bits, Bits),
) -> State {
    let mut p = Plane { d, s: state };
    p.forget_nsg(nsg);
    let width = d.subnets.len() * p.s.ports.len();
    for &s in rows {
        let at = s.ix() * width;
        planes.0.remove_range(at, at + width);
        planes.1.remove_range(at, at + width);
        p.row(s, planes);
    }
    // Once the edit is whole (a wiring edit forgets several NSGs one after another).
    #[cfg(all(debug_assertions, feature = "testing"))]
    p.check_guard_index();
    p.s
}

/// Atoms grouped by the next hop a subnet's routes give them.
type Hops = Rc<Vec<(NextHop, Bits)>>;
/// Source atoms grouped by how the reply to them ends.
type Replies = Rc<Vec<(Reply, Bits)>>;
/// Destination atoms by the stateful devices their reply to one source crosses.
type BackThrough = Rc<Vec<(Vec<FirewallId>, Bits)>>;
/// A walk's state: where it is, whether an appliance forwarded it, the appliances crossed, and
/// the routing hops so far.
type WalkKey = (SubnetId, bool, Vec<FirewallId>, usize);

/// What an atom is as a destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Host,
    Nic {
        nsg: Option<NsgId>,
    },
    Pe(PeId),
    /// A firewall's own address.
    Firewall(FirewallId),
    /// Decided by the tracer (the Azure host address).
    Special,
}

/// The engine on one design: the design and what it has worked out about it so far.
struct Plane<'d> {
    d: &'d Design,
    s: State,
}

/// Everything the engine works out about a design, kept apart from the design so that it can
/// outlive one borrow of it: after an edit, [`State::forget_nsg`] drops what the edit made
/// stale and the rest is reused (see [`super::live`]).
pub(super) struct State {
    ports: Vec<(Protocol, u16)>,
    /// Atoms inside subnets' usable ranges, sorted: (first, last).
    atoms: Vec<(u32, u32)>,
    kind: Vec<Kind>,
    /// Per subnet: its atoms, as runs `lo..hi` (one per prefix at most, S11; none for a
    /// subnet without usable addresses).
    span: Vec<Vec<(usize, usize)>>,
    in_vnet: Vec<Bits>,
    /// Atoms Azure Firewall does not SNAT (F3).
    private: Bits,
    special: Bits,
    /// Private endpoints' addresses.
    pe_atoms: Bits,
    /// The first workload holding each atom (the source NIC of packets from it).
    holder: Vec<Option<WorkloadId>>,
    /// The firewall whose own address an atom is (ordered: replies are built by walking it).
    fw_atom: std::collections::BTreeMap<usize, FirewallId>,
    /// The next hop of each atom, per subnet (lazily).
    parts: Vec<Option<Hops>>,
    /// [`State::parts`] by route view (the view is kept so that its address stays its own).
    parts_by_view: HashMap<
        *const crate::eval::routes::RouteView,
        (std::sync::Arc<crate::eval::routes::RouteView>, Hops),
    >,
    reply_parts: Vec<Option<Replies>>,
    reply_groups: Option<Rc<Vec<(Replies, Bits)>>>,
    /// [`Plane::replies`] by the outcome each reply group gives a source.
    reply_memo: HashMap<Vec<u16>, BackThrough>,
    /// Forward walks from a subnet in a given state (see [`Plane::forward`]).
    walks: HashMap<WalkKey, Rc<Skeleton>>,
    /// Reply walks from a subnet in a given state (see [`Plane::replies_from`]).
    reply_walks: HashMap<WalkKey, Replies>,
    /// What each forward walk read, its inner walks' reads included.
    walk_reads: HashMap<WalkKey, Rc<Vec<Read>>>,
    /// What each reply walk read, its inner walks' reads included.
    reply_reads: HashMap<WalkKey, Rc<Vec<Read>>>,
    /// The reads of the walks under way, innermost last.
    reading: Vec<Vec<Read>>,
    /// Per subnet: whether its row leaves some destination to the tracer (which reads the
    /// whole design, so any wiring edit computes the row again).
    traced: Vec<bool>,
    applied: Vec<Applied>,
    applied_ix: HashMap<(NsgId, bool, VnetId), usize>,
    /// Inbound NSGs at delivery, as indices into `applied`.
    delivery: Vec<usize>,
    /// Atoms exactly one delivery NSG guards.
    guarded_once: Bits,
    /// Every delivery NSG's destination classes (see [`Guarded`]).
    guards: Vec<Guarded>,
    /// Per port index and source atom: the guards that allow it, kept up to date across edits.
    allowed_by: GuardIndex,
    /// Guards with atoms another NSG guards too.
    shared_guards: Vec<usize>,
    fws: Vec<Fw>,
    set_bits: HashMap<AddrSet, Rc<Bits>>,
    /// Atoms that refuse the port whatever the source (per port index): private endpoints
    /// whose service does not listen on it or refuses the endpoint, Azure Firewall's own
    /// address except for its DNS proxy.
    port_denied: Vec<Bits>,
    /// Public IPs of workloads per subnet (destinations the tracer decides).
    public: Vec<Vec<Ipv4Addr>>,
    /// Security admin rules per (VNet, inbound) as worked out so far (S10).
    admin: HashMap<(VnetId, bool), admin::AdminApplied>,
    /// Per VNet with inbound admin rules, the atoms they guard on arrival.
    admin_domains: Vec<(VnetId, Bits)>,
}

impl<'d> Plane<'d> {
    fn new(d: &'d Design, ports: &[(Protocol, u16)]) -> Self {
        let cuts = AddrAtoms::of(d);
        let mut atoms: Vec<(u32, u32, SubnetId)> = Vec::new();
        for (i, s) in d.subnets.iter().enumerate() {
            for (a, b) in cuts.split(&s.usable_addrs()) {
                atoms.push((a, b, SubnetId(i as u32)));
            }
        }
        atoms.sort_unstable_by_key(|a| a.0);
        let n = atoms.len();
        let mut span: Vec<Vec<(usize, usize)>> = vec![Vec::new(); d.subnets.len()];
        for (i, a) in atoms.iter().enumerate() {
            let runs = &mut span[a.2.ix()];
            match runs.last_mut() {
                Some(r) if r.1 == i => r.1 = i + 1,
                _ => runs.push((i, i + 1)),
            }
        }
        let mut in_vnet = vec![Bits::empty(n); d.vnets.len()];
        for (s, runs) in span.iter().enumerate() {
            for &(lo, hi) in runs {
                in_vnet[d.subnets[s].vnet.ix()].insert_range(lo, hi);
            }
        }
        // The first workload holding each atom (workloads with one address by lookup, those
        // with address ranges by scan), private endpoints and firewalls by address.
        let mut single: HashMap<u32, usize> = HashMap::default();
        let mut ranged: Vec<usize> = Vec::new();
        for (w, wl) in d.workloads.iter().enumerate() {
            match wl.ips.ranges() {
                [(lo, hi)] if lo == hi => {
                    single.entry(*lo).or_insert(w);
                }
                _ => ranged.push(w),
            }
        }
        let pe_at: HashMap<u32, usize> = d
            .private_endpoints
            .iter()
            .enumerate()
            .rev()
            .map(|(i, p)| (u32::from(p.ip), i))
            .collect();
        let fw_at: HashMap<u32, usize> = d
            .firewalls
            .iter()
            .enumerate()
            .rev()
            .map(|(i, f)| (u32::from(f.ip), i))
            .collect();
        let mut kind = Vec::with_capacity(n);
        let mut holder = Vec::with_capacity(n);
        let mut special = Bits::empty(n);
        let mut fw_atom = std::collections::BTreeMap::new();
        for (i, &(lo, _, _)) in atoms.iter().enumerate() {
            let ip = Ipv4Addr::from(lo);
            let in_range = ranged
                .iter()
                .copied()
                .find(|&w| d.workloads[w].ips.contains(ip));
            let w = match (single.get(&lo).copied(), in_range) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            holder.push(w.map(|w| WorkloadId(w as u32)));
            let k = if ip == crate::tags::AZURE_HOST_IP {
                Kind::Special
            } else if let Some(&pe) = pe_at.get(&lo) {
                Kind::Pe(PeId(pe as u32))
            } else if let Some(w) = w {
                Kind::Nic {
                    nsg: d.workloads[w].nsg,
                }
            } else if let Some(&f) = fw_at.get(&lo) {
                Kind::Firewall(FirewallId(f as u32))
            } else {
                Kind::Host
            };
            if let Some(&f) = fw_at.get(&lo) {
                fw_atom.insert(i, FirewallId(f as u32));
            }
            // An application gateway's frontend proxies to its backend pool: decided by the
            // tracer (both legs), packet class by packet class.
            let proxy = w.is_some_and(|w| d.workloads[w].is_gateway() && d.workloads[w].ip == ip);
            if k == Kind::Special || proxy {
                special.insert(i);
            }
            kind.push(k);
        }
        let atoms: Vec<(u32, u32)> = atoms.into_iter().map(|(a, b, _)| (a, b)).collect();
        let mut p = Self {
            d,
            s: State {
                ports: ports.to_vec(),
                private: Bits::empty(n),
                kind,
                span,
                in_vnet,
                pe_atoms: Bits::empty(n),
                special,
                fw_atom,
                holder,
                parts: vec![None; d.subnets.len()],
                parts_by_view: HashMap::default(),
                reply_parts: vec![None; d.subnets.len()],
                reply_groups: None,
                reply_memo: HashMap::default(),
                walks: HashMap::default(),
                reply_walks: HashMap::default(),
                walk_reads: HashMap::default(),
                reply_reads: HashMap::default(),
                reading: Vec::new(),
                traced: vec![false; d.subnets.len()],
                applied: Vec::new(),
                applied_ix: HashMap::default(),
                delivery: Vec::new(),
                guarded_once: Bits::empty(n),
                guards: Vec::new(),
                allowed_by: GuardIndex::default(),
                shared_guards: Vec::new(),
                fws: Vec::new(),
                set_bits: HashMap::default(),
                port_denied: Vec::new(),
                public: vec![Vec::new(); d.subnets.len()],
                admin: HashMap::default(),
                admin_domains: Vec::new(),
                atoms,
            },
        };
        p.s.private = (*p.bits_of(&crate::eval::firewall::private_ranges())).clone();
        for (i, k) in p.s.kind.iter().enumerate() {
            if matches!(k, Kind::Pe(_)) {
                p.s.pe_atoms.insert(i);
            }
        }
        p.admin_domains();
        p.s.fws = d.firewalls.iter().map(firewall_entries).collect();
        p.delivery_nsgs();
        for k in 0..p.s.delivery.len() {
            p.guard(p.s.delivery[k]);
        }
        p.index_guards();
        p.s.port_denied = p
            .s
            .ports
            .iter()
            .map(|&(proto, port)| {
                let mut b = Bits::empty(n);
                let port = if proto.has_ports() { port } else { 0 };
                for (i, k) in p.s.kind.iter().enumerate() {
                    let ok = match *k {
                        Kind::Pe(pe) => {
                            let e = &d.private_endpoints[pe.ix()];
                            let svc = &d.services[e.service.ix()];
                            crate::model::catalog::listens(svc.kind, &e.group, proto, port)
                                && paas::evaluate(d, e.service, Arrival::PrivateEndpoint(pe))
                                    .allowed
                        }
                        Kind::Firewall(f) => {
                            let fw = &d.firewalls[f.ix()];
                            fw.kind != FirewallKind::AzureFirewall || (fw.dns_proxy && port == 53)
                        }
                        _ => true,
                    };
                    if !ok {
                        b.insert(i);
                    }
                }
                b
            })
            .collect();
        for w in &d.workloads {
            if let Some((_, pip)) = w.public_ip {
                p.s.public[w.subnet.ix()].push(pip);
            }
        }
        p
    }

    /// The atoms inside an address set.
    fn bits_of(&mut self, set: &AddrSet) -> Rc<Bits> {
        if let Some(b) = self.s.set_bits.get(set) {
            return b.clone();
        }
        let mut b = Bits::empty(self.s.atoms.len());
        for &(lo, hi) in set.ranges() {
            let a = self.s.atoms.partition_point(|x| x.0 < lo);
            let z = self.s.atoms.partition_point(|x| x.0 <= hi);
            if a < z {
                b.insert_range(a, z);
            }
        }
        let b = Rc::new(b);
        self.s.set_bits.insert(set.clone(), b.clone());
        b
    }

    fn all(&self) -> Bits {
        let mut b = Bits::empty(self.s.atoms.len());
        b.insert_range(0, self.s.atoms.len());
        b
    }

    /// One row of the matrix: from subnet `s` to every subnet, per port, into the planes.
    fn row(&mut self, s: SubnetId, planes: &mut (Bits, Bits)) {
        let d = self.d;
        let ns = d.subnets.len();
        let np = self.s.ports.len();
        if self.s.span[s.ix()].is_empty() {
            return;
        }
        let skel = self.skeleton(s);
        let n = self.s.atoms.len();
        let mut all = vec![self.all(); np];
        let mut any = vec![Bits::empty(n); np];
        // Public IPs of workloads (destination subnet, address), decided by the tracer, and per
        // (public IP, port) whether every source reaches it and whether some does.
        let public: Vec<(usize, Ipv4Addr)> = self
            .s
            .public
            .iter()
            .enumerate()
            .flat_map(|(t, ips)| ips.iter().map(move |&ip| (t, ip)))
            .collect();
        let mut pub_all = vec![true; public.len() * np];
        let mut pub_any = vec![false; public.len() * np];
        let vnet = d.subnets[s.ix()].vnet;
        let admin_out = crate::eval::admin::applies(d, s)
            && !d.vnets[vnet.ix()].admin_rules.outbound.is_empty();
        let (mut reached, mut out, mut denied, mut b) = (
            Bits::empty(n),
            Bits::empty(n),
            Bits::empty(n),
            Bits::empty(n),
        );
        let sources: Vec<usize> = self.s.span[s.ix()]
            .iter()
            .flat_map(|&(lo, hi)| lo..hi)
            .collect();
        self.s.traced[s.ix()] = !public.is_empty()
            || !skel.unknown.is_empty()
            || sources
                .iter()
                .any(|&src| self.s.holder[src].is_some_and(|w| d.workloads[w.ix()].subnet != s));
        for src in sources {
            let ip = Ipv4Addr::from(self.s.atoms[src].0);
            // The source NIC's NSG, as `origin_at_ip` places the address: a workload's NIC, or
            // a host or firewall of this subnet without one.
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
            // A source the bulk engine does not place (an address of a workload registered in
            // another subnet) has every destination traced.
            let unknown = if nic.is_some() {
                skel.unknown.clone()
            } else {
                self.all()
            };
            for pi in 0..np {
                let (proto, port) = self.s.ports[pi];
                reached.clear();
                if let Some(nic_nsg) = nic {
                    out.fill(n);
                    let order = crate::eval::nsg::order(
                        Direction::Outbound,
                        d.subnets[s.ix()].nsg,
                        nic_nsg,
                    );
                    for nsg in order.into_iter().filter_map(|(_, n)| n) {
                        let a = self.applied_of(nsg, Direction::Outbound, vnet);
                        out.and(&self.nsg_allows(a, ip, pi));
                    }
                    // Security admin rules come first (S10): deny stops, always-allow skips
                    // the NSGs.
                    if admin_out {
                        let sets = self.admin_sets(vnet, Direction::Outbound, ip, pi);
                        out.and_not(&sets.0);
                        out.or(&sets.1);
                    }
                    self.s.delivery_denied(pi, src, &mut denied);
                    if !self.s.admin_domains.is_empty() {
                        let (deny, always) = self.admin_delivery(ip, pi);
                        denied.and_not(&always);
                        denied.or(&deny);
                    }
                    denied.or(&self.s.port_denied[pi]);
                    for path in &skel.paths {
                        let Some((_, ok)) = replies.iter().find(|(k, _)| *k == path.stateful)
                        else {
                            continue;
                        };
                        b.copy_from(&path.bits);
                        b.and(&out);
                        for f in &path.filters {
                            if b.is_empty() {
                                break;
                            }
                            let allowed = match *f {
                                Filter::Nsg(nsg, v) => {
                                    let a = self.applied_of(nsg, Direction::Inbound, v);
                                    self.nsg_allows(a, ip, pi)
                                }
                                Filter::Firewall(fid) => self.fw_allows(fid, ip, pi),
                                Filter::Admitted(sub, nsg) => {
                                    Rc::new(self.admitted(sub, nsg, ip, pi))
                                }
                            };
                            b.and(&allowed);
                        }
                        b.and_not(&denied);
                        b.and(ok);
                        reached.or(&b);
                    }
                }
                for i in unknown.ones() {
                    if trace(Ipv4Addr::from(self.s.atoms[i].0), proto, port) {
                        reached.insert(i);
                    }
                }
                all[pi].and(&reached);
                any[pi].or(&reached);
                for (k, &(_, pip)) in public.iter().enumerate() {
                    let ok = trace(pip, proto, port);
                    pub_all[k * np + pi] &= ok;
                    pub_any[k * np + pi] |= ok;
                }
            }
        }
        // Public IPs join their subnet's classes: per destination subnet and port, whether
        // every source reached all of them, and whether one reached some.
        let mut pub_of: Vec<Option<(Vec<bool>, Vec<bool>)>> = Vec::new();
        if !public.is_empty() {
            pub_of.resize(ns, None);
        }
        for (k, &(t, _)) in public.iter().enumerate() {
            let e = pub_of[t].get_or_insert_with(|| (vec![true; np], vec![false; np]));
            for pi in 0..np {
                e.0[pi] &= pub_all[k * np + pi];
                e.1[pi] |= pub_any[k * np + pi];
            }
        }
        let row = s.ix() * ns * np;
        // The ports' sets interleaved word by word, so that one destination subnet's answers
        // for every port come from consecutive words and land in the planes in one write.
        let words = n.div_ceil(64);
        let interleave = |sets: &[Bits]| {
            let mut v = vec![0u64; words * np];
            for (pi, b) in sets.iter().enumerate() {
                for (w, &x) in b.words().iter().enumerate() {
                    v[w * np + pi] = x;
                }
            }
            v
        };
        let (all_w, any_w) = (interleave(&all), interleave(&any));
        // Words no port reaches anything in: their subnets are `none` everywhere.
        let reached_w: Vec<u64> = (0..words)
            .map(|w| any_w[w * np..(w + 1) * np].iter().fold(0, |a, x| a | x))
            .collect();
        for t in 0..ns {
            let runs = &self.s.span[t];
            let pubs = pub_of.get(t).and_then(Option::as_ref);
            if runs.is_empty() && pubs.is_none() {
                continue;
            }
            let at = row + t * np;
            let (a, z) = match runs.as_slice() {
                [one] => *one,
                _ => (0, 0),
            };
            if a < z && (a / 64 == (z - 1) / 64) && np <= 64 && pubs.is_none() {
                let (w, m) = (a / 64, Bits::mask(a % 64, z - a));
                if reached_w[w] & m == 0 {
                    continue;
                }
                let (mut every, mut some) = (0u64, 0u64);
                for pi in 0..np {
                    every |= u64::from(all_w[w * np + pi] & m == m) << pi;
                    some |= u64::from(any_w[w * np + pi] & m != 0) << pi;
                }
                planes.0.or_bits_at(at, every, np);
                planes.1.or_bits_at(at, some, np);
                continue;
            }
            for (pi, (all, any)) in all.iter().zip(&any).enumerate() {
                let every = runs.iter().all(|&(a, z)| a == z || all.all_in(a, z))
                    && pubs.is_none_or(|p| p.0[pi]);
                let some = runs.iter().any(|&(a, z)| a < z && any.any_in(a, z))
                    || pubs.is_some_and(|p| p.1[pi]);
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
