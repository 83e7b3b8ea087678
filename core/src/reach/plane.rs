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
//! destinations, public IPs of workloads) is left to the tracer, per packet class, so the result
//! is exactly the per-class tracing of [`super::matrix::matrix_by_tracing`]; a property test
//! compares the two.

use super::atoms::AddrAtoms;
use super::bits::{Bits, Window};
use crate::eval::paas::{self, Arrival};
use crate::eval::routes::NextHop;
use crate::format::{Access, CollectionKind, Direction, FirewallKind, FortiAction, FwAction};
use crate::model::{
    AddrEntry, Design, FirewallId, NsgId, PeId, SubnetId, VnetId, WorkloadId, usable_range,
};
use crate::net::{AddrSet, Flow, PortSet, Protocol};
use crate::trace::{TraceOptions, origin_at_ip, trace_packet};
use std::collections::HashMap as StdHashMap;

/// Caches keyed by small integers: a fast hash with a fixed seed (deterministic).
type HashMap<K, V> = StdHashMap<K, V, foldhash::fast::FixedState>;
use std::net::Ipv4Addr;
use std::rc::Rc;

/// Computes the subnet matrix as two bit planes indexed row-major by source subnet,
/// destination subnet and port: every class delivered, some class delivered. `None` when the
/// design uses something the bulk engine does not cover at all (NSG rules on source ports); the
/// caller then traces every class.
pub(super) fn subnet_matrix(d: &Design, ports: &[(Protocol, u16)]) -> Option<(Bits, Bits)> {
    if super::atoms::PortAtoms::source_ports_matter(d) {
        return None;
    }
    let mut p = Plane::new(d, ports);
    let cells = d.subnets.len() * d.subnets.len() * ports.len();
    let mut planes = (Bits::empty(cells), Bits::empty(cells));
    for s in 0..d.subnets.len() {
        p.row(SubnetId(s as u32), &mut planes);
    }
    Some(planes)
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

/// A check on the way that depends on the source and port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Filter {
    /// An NSG, inbound, in a VNet (an NVA's subnet).
    Nsg(NsgId, VnetId),
    /// A firewall's rules.
    Firewall(FirewallId),
}

/// Destination atoms that share a forward path.
struct Path {
    filters: Vec<Filter>,
    /// Stateful devices crossed, sorted.
    stateful: Vec<FirewallId>,
    bits: Bits,
}

/// A source subnet's forward paths.
struct Skeleton {
    paths: Vec<Path>,
    /// Destination atoms the tracer decides.
    unknown: Bits,
}

/// How the reply from a destination to a source ends.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Reply {
    /// Back at the source, having crossed these stateful devices (sorted).
    Back(Vec<FirewallId>),
}

/// An NSG as applied in one direction and VNet.
struct Applied {
    nsg: NsgId,
    dir: Direction,
    vnet: VnetId,
    /// Where source classes change.
    cuts: Vec<u32>,
    /// Destination atoms of each rule (lazily).
    rule_dst: Vec<Option<Rc<Bits>>>,
    /// Allowed destination atoms per (source class, port index).
    allowed: HashMap<(u32, usize), Rc<Bits>>,
    /// Inbound at delivery: the atoms it guards.
    domain: Option<Bits>,
}

/// One destination class of a delivery NSG.
struct Guarded {
    /// Its atoms no other NSG guards.
    alone: Window,
    /// Its atoms another NSG guards too.
    shared: Window,
    /// Per port index, the source atoms allowed.
    allowed: Vec<Bits>,
}

/// One firewall's rules as an ordered first-match list (matrix flows carry no name or identity).
struct Fw {
    entries: Vec<FwEntry>,
    cuts: Vec<u32>,
    allowed: HashMap<(u32, usize), Rc<Bits>>,
    /// Rules that cannot match any packet here are dropped; a plain NVA allows all.
    allow_all: bool,
}

struct FwEntry {
    source: AddrSet,
    destination: AddrSet,
    services: Vec<(Option<Protocol>, PortSet)>,
    /// F1: network rules with protocol Any and explicit ports match TCP and UDP only.
    any_needs_ports: bool,
    allow: bool,
    dst: Option<Rc<Bits>>,
}

impl FwEntry {
    fn matches(&self, proto: Protocol, port: u16, src: Ipv4Addr) -> bool {
        self.source.contains(src)
            && self.services.iter().any(|(p, ports)| {
                let proto_ok = match p {
                    Some(p) => *p == proto,
                    None => !self.any_needs_ports || ports.is_any() || proto.has_ports(),
                };
                proto_ok && (!proto.has_ports() || ports.contains(port))
            })
    }
}

struct Plane<'d> {
    d: &'d Design,
    ports: Vec<(Protocol, u16)>,
    /// Atoms inside subnets' usable ranges, sorted: (first, last).
    atoms: Vec<(u32, u32)>,
    kind: Vec<Kind>,
    /// Per subnet: its atoms `lo..hi`.
    span: Vec<(usize, usize)>,
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
    parts_by_view: HashMap<*const crate::eval::routes::RouteView, Hops>,
    reply_parts: Vec<Option<Replies>>,
    reply_groups: Option<Rc<Vec<(Replies, Bits)>>>,
    /// [`Plane::replies`] by the outcome each reply group gives a source.
    reply_memo: HashMap<Vec<u16>, BackThrough>,
    /// Forward walks from a subnet in a given state (see [`Plane::forward`]).
    walks: HashMap<WalkKey, Rc<Skeleton>>,
    /// Reply walks from a subnet in a given state (see [`Plane::replies_from`]).
    reply_walks: HashMap<WalkKey, Replies>,
    applied: Vec<Applied>,
    applied_ix: HashMap<(NsgId, bool, VnetId), usize>,
    /// Inbound NSGs at delivery, as indices into `applied`.
    delivery: Vec<usize>,
    /// Atoms exactly one delivery NSG guards.
    guarded_once: Bits,
    /// Every delivery NSG's destination classes (see [`Guarded`]).
    guards: Vec<Guarded>,
    /// Per port index, per source atom: the guards that allow it (compressed rows: `offsets`
    /// into `ids`).
    allowed_by: Vec<(Vec<u32>, Vec<u32>)>,
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
}

impl<'d> Plane<'d> {
    fn new(d: &'d Design, ports: &[(Protocol, u16)]) -> Self {
        let cuts = AddrAtoms::of(d);
        let mut atoms: Vec<(u32, u32, SubnetId)> = Vec::new();
        for (i, s) in d.subnets.iter().enumerate() {
            let (lo, hi) = usable_range(s.prefix);
            for (a, b) in cuts.split(&AddrSet::from_ranges(vec![(lo, hi)])) {
                atoms.push((a, b, SubnetId(i as u32)));
            }
        }
        atoms.sort_unstable_by_key(|a| a.0);
        let n = atoms.len();
        let mut span = vec![(0, 0); d.subnets.len()];
        for (i, a) in atoms.iter().enumerate() {
            let sp = &mut span[a.2.ix()];
            if sp.1 == 0 && sp.0 == 0 && (i == 0 || atoms[i - 1].2 != a.2) {
                *sp = (i, i + 1);
            } else {
                sp.1 = i + 1;
            }
        }
        let mut in_vnet = vec![Bits::empty(n); d.vnets.len()];
        for (s, &(lo, hi)) in span.iter().enumerate() {
            in_vnet[d.subnets[s].vnet.ix()].insert_range(lo, hi);
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
            if k == Kind::Special {
                special.insert(i);
            }
            kind.push(k);
        }
        let atoms: Vec<(u32, u32)> = atoms.into_iter().map(|(a, b, _)| (a, b)).collect();
        let mut p = Self {
            d,
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
            applied: Vec::new(),
            applied_ix: HashMap::default(),
            delivery: Vec::new(),
            guarded_once: Bits::empty(n),
            guards: Vec::new(),
            allowed_by: Vec::new(),
            shared_guards: Vec::new(),
            fws: Vec::new(),
            set_bits: HashMap::default(),
            port_denied: Vec::new(),
            public: vec![Vec::new(); d.subnets.len()],
            atoms,
        };
        p.private = (*p.bits_of(&crate::eval::firewall::private_ranges())).clone();
        for (i, k) in p.kind.iter().enumerate() {
            if matches!(k, Kind::Pe(_)) {
                p.pe_atoms.insert(i);
            }
        }
        p.fws = d.firewalls.iter().map(firewall_entries).collect();
        p.delivery_nsgs();
        for k in 0..p.delivery.len() {
            p.guard(p.delivery[k]);
        }
        p.index_guards();
        p.port_denied = p
            .ports
            .iter()
            .map(|&(proto, port)| {
                let mut b = Bits::empty(n);
                let port = if proto.has_ports() { port } else { 0 };
                for (i, k) in p.kind.iter().enumerate() {
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
                p.public[w.subnet.ix()].push(pip);
            }
        }
        p
    }

    /// The atoms inside an address set.
    fn bits_of(&mut self, set: &AddrSet) -> Rc<Bits> {
        if let Some(b) = self.set_bits.get(set) {
            return b.clone();
        }
        let mut b = Bits::empty(self.atoms.len());
        for &(lo, hi) in set.ranges() {
            let a = self.atoms.partition_point(|x| x.0 < lo);
            let z = self.atoms.partition_point(|x| x.0 <= hi);
            if a < z {
                b.insert_range(a, z);
            }
        }
        let b = Rc::new(b);
        self.set_bits.insert(set.clone(), b.clone());
        b
    }

    fn all(&self) -> Bits {
        let mut b = Bits::empty(self.atoms.len());
        b.insert_range(0, self.atoms.len());
        b
    }

    /// Registers every NSG that guards a destination atom on arrival, with its domain.
    fn delivery_nsgs(&mut self) {
        let d = self.d;
        for s in 0..d.subnets.len() {
            let sub = &d.subnets[s];
            let (lo, hi) = self.span[s];
            for i in lo..hi {
                let k = self.kind[i];
                let subnet_nsg = match k {
                    Kind::Host | Kind::Nic { .. } => sub.nsg,
                    Kind::Pe(_) => sub.nsg.filter(|_| {
                        matches!(
                            sub.pe_policies,
                            crate::format::PeNetworkPolicies::Nsg
                                | crate::format::PeNetworkPolicies::Enabled
                        )
                    }),
                    Kind::Firewall(f) => sub
                        .nsg
                        .filter(|_| d.firewalls[f.ix()].kind != FirewallKind::AzureFirewall),
                    Kind::Special => None,
                };
                let nic_nsg = match k {
                    Kind::Nic { nsg } => nsg,
                    _ => None,
                };
                let guards = [subnet_nsg, nic_nsg].into_iter().flatten().count();
                if guards == 1 {
                    self.guarded_once.insert(i);
                }
                for n in [subnet_nsg, nic_nsg].into_iter().flatten() {
                    let a = self.applied_of(n, Direction::Inbound, sub.vnet);
                    let n_atoms = self.atoms.len();
                    if self.applied[a].domain.is_none() {
                        self.applied[a].domain = Some(Bits::empty(n_atoms));
                        self.delivery.push(a);
                    }
                    self.applied[a].domain.as_mut().expect("set").insert(i);
                }
            }
        }
    }

    fn applied_of(&mut self, nsg: NsgId, dir: Direction, vnet: VnetId) -> usize {
        let key = (nsg, dir == Direction::Inbound, vnet);
        if let Some(&i) = self.applied_ix.get(&key) {
            return i;
        }
        let d = self.d;
        let rules = d.nsgs[nsg.ix()].rules(dir);
        let cuts = side_cuts(d, rules.iter().map(|r| &r.source[..]), vnet);
        self.applied.push(Applied {
            nsg,
            dir,
            vnet,
            cuts,
            rule_dst: vec![None; rules.len()],
            allowed: HashMap::default(),
            domain: None,
        });
        self.applied_ix.insert(key, self.applied.len() - 1);
        self.applied.len() - 1
    }

    /// The destination atoms an applied NSG allows from `src` on port index `pi`.
    fn nsg_allows(&mut self, a: usize, src: Ipv4Addr, pi: usize) -> Rc<Bits> {
        let class = self.applied[a]
            .cuts
            .partition_point(|&c| c <= u32::from(src)) as u32;
        if let Some(b) = self.applied[a].allowed.get(&(class, pi)) {
            return b.clone();
        }
        let d = self.d;
        let (nsg, dir, vnet) = (
            self.applied[a].nsg,
            self.applied[a].dir,
            self.applied[a].vnet,
        );
        let (proto, port) = self.ports[pi];
        let flow = Flow {
            src,
            dst: Ipv4Addr::UNSPECIFIED,
            protocol: proto,
            src_port: if proto.has_ports() { 50000 } else { 0 },
            dst_port: if proto.has_ports() { port } else { 0 },
        };
        let mut remaining = self.all();
        let mut allowed = Bits::empty(self.atoms.len());
        for (ri, r) in d.nsgs[nsg.ix()].rules(dir).iter().enumerate() {
            if !rule_matches_source(d, r, vnet, &flow) {
                continue;
            }
            let dst = match &self.applied[a].rule_dst[ri] {
                Some(b) => b.clone(),
                None => {
                    let b = self.side_bits(&r.destination, vnet);
                    self.applied[a].rule_dst[ri] = Some(b.clone());
                    b
                }
            };
            if r.access == Access::Allow {
                allowed.or(&remaining.intersection(&dst));
            }
            remaining.and_not(&dst);
            if remaining.is_empty() {
                break;
            }
        }
        let b = Rc::new(allowed);
        self.applied[a].allowed.insert((class, pi), b.clone());
        b
    }

    /// Indexes the guards by the source atoms they allow, per port, so that each source visits
    /// only the guards that let it through.
    fn index_guards(&mut self) {
        let n = self.atoms.len();
        self.allowed_by = (0..self.ports.len())
            .map(|pi| {
                let mut count = vec![0u32; n + 1];
                for g in &self.guards {
                    for src in g.allowed[pi].ones() {
                        count[src + 1] += 1;
                    }
                }
                for i in 0..n {
                    count[i + 1] += count[i];
                }
                let mut ids = vec![0u32; count[n] as usize];
                let mut next = count.clone();
                for (k, g) in self.guards.iter().enumerate() {
                    for src in g.allowed[pi].ones() {
                        ids[next[src] as usize] = k as u32;
                        next[src] += 1;
                    }
                }
                (count, ids)
            })
            .collect();
        self.shared_guards = (0..self.guards.len())
            .filter(|&k| !self.guards[k].shared.is_empty())
            .collect();
    }

    /// Splits a delivery NSG's guarded atoms into destination classes and computes, for each
    /// class and port, the source atoms it allows: one first-match pass over the rules with
    /// source sides as atom sets, instead of one per source.
    fn guard(&mut self, a: usize) {
        let d = self.d;
        let (nsg, vnet) = (self.applied[a].nsg, self.applied[a].vnet);
        let rules = d.nsgs[nsg.ix()].rules(Direction::Inbound);
        let cuts = side_cuts(d, rules.iter().map(|r| &r.destination[..]), vnet);
        let domain = self.applied[a].domain.clone().expect("delivery NSG");
        let mut classes: Vec<(usize, Bits)> = Vec::new();
        for i in domain.ones() {
            let c = cuts.partition_point(|&c| c <= self.atoms[i].0);
            match classes.iter_mut().find(|(k, _)| *k == c) {
                Some((_, b)) => b.insert(i),
                None => {
                    let mut b = Bits::empty(self.atoms.len());
                    b.insert(i);
                    classes.push((c, b));
                }
            }
        }
        let mut guarded = Vec::new();
        for (_, members) in classes {
            let rep = Ipv4Addr::from(self.atoms[members.ones().next().expect("non-empty")].0);
            let mut per_port = Vec::with_capacity(self.ports.len());
            for pi in 0..self.ports.len() {
                let (proto, port) = self.ports[pi];
                let flow = Flow {
                    src: Ipv4Addr::UNSPECIFIED,
                    dst: rep,
                    protocol: proto,
                    src_port: if proto.has_ports() { 50000 } else { 0 },
                    dst_port: if proto.has_ports() { port } else { 0 },
                };
                let mut remaining = self.all();
                let mut allowed = Bits::empty(self.atoms.len());
                for r in rules {
                    if !crate::eval::nsg::rule_matches_ports(r, &flow)
                        || !r
                            .destination
                            .iter()
                            .any(|e| crate::eval::nsg::entry_matches(d, e, vnet, rep))
                    {
                        continue;
                    }
                    let src = self.side_bits(&r.source, vnet);
                    if r.access == Access::Allow {
                        allowed.or(&remaining.intersection(&src));
                    }
                    remaining.and_not(&src);
                    if remaining.is_empty() {
                        break;
                    }
                }
                per_port.push(allowed);
            }
            guarded.push(Guarded {
                alone: members.intersection(&self.guarded_once).window(),
                shared: {
                    let mut m = members;
                    m.and_not(&self.guarded_once);
                    m.window()
                },
                allowed: per_port,
            });
        }
        self.guards.extend(guarded);
    }

    /// The atoms a rule side stands for in VNet `vnet`.
    fn side_bits(&mut self, side: &[AddrEntry], vnet: VnetId) -> Rc<Bits> {
        let d = self.d;
        let set = if side.iter().any(|e| matches!(e, AddrEntry::Any)) {
            AddrSet::all()
        } else {
            side.iter()
                .filter_map(|e| entry_set(d, e, vnet))
                .fold(AddrSet::empty(), |acc, s| acc.union(&s))
        };
        self.bits_of(&set)
    }

    /// The destination atoms a firewall lets through from `src` on port index `pi`.
    fn fw_allows(&mut self, f: FirewallId, src: Ipv4Addr, pi: usize) -> Rc<Bits> {
        let class = self.fws[f.ix()]
            .cuts
            .partition_point(|&c| c <= u32::from(src)) as u32;
        if let Some(b) = self.fws[f.ix()].allowed.get(&(class, pi)) {
            return b.clone();
        }
        let (proto, port) = self.ports[pi];
        let port = if proto.has_ports() { port } else { 0 };
        let mut remaining = self.all();
        let mut allowed = Bits::empty(self.atoms.len());
        if self.fws[f.ix()].allow_all {
            allowed = remaining.clone();
        } else {
            for e in 0..self.fws[f.ix()].entries.len() {
                if !self.fws[f.ix()].entries[e].matches(proto, port, src) {
                    continue;
                }
                let dst = match &self.fws[f.ix()].entries[e].dst {
                    Some(b) => b.clone(),
                    None => {
                        let set = self.fws[f.ix()].entries[e].destination.clone();
                        let b = self.bits_of(&set);
                        self.fws[f.ix()].entries[e].dst = Some(b.clone());
                        b
                    }
                };
                if self.fws[f.ix()].entries[e].allow {
                    allowed.or(&remaining.intersection(&dst));
                }
                remaining.and_not(&dst);
                if remaining.is_empty() {
                    break;
                }
            }
        }
        let b = Rc::new(allowed);
        self.fws[f.ix()].allowed.insert((class, pi), b.clone());
        b
    }

    /// The next hop each atom gets from a subnet's routes, as (next hop, atoms).
    fn parts(&mut self, s: SubnetId) -> Hops {
        if let Some(p) = &self.parts[s.ix()] {
            return p.clone();
        }
        let view = &self.d.derived.routes[s.ix()];
        // Subnets that share a route view share the result.
        let key = std::sync::Arc::as_ptr(view);
        if let Some(p) = self.parts_by_view.get(&key) {
            self.parts[s.ix()] = Some(p.clone());
            return p.clone();
        }
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
            let a = self.atoms.partition_point(|x| x.0 < lo);
            let z = self.atoms.partition_point(|x| x.0 <= hi);
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
                    let mut b = Bits::empty(self.atoms.len());
                    b.insert_range(a, z);
                    by_hop.push((hop.clone(), b));
                }
            }
        }
        let p = Rc::new(by_hop);
        self.parts[s.ix()] = Some(p.clone());
        self.parts_by_view.insert(key, p.clone());
        p
    }

    /// The forward paths from a subnet to every destination atom.
    fn skeleton(&mut self, s: SubnetId) -> Rc<Skeleton> {
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
        if let Some(s) = self.walks.get(&key) {
            return s.clone();
        }
        let mut out = Skeleton {
            paths: Vec::new(),
            unknown: Bits::empty(self.atoms.len()),
        };
        if depth < 16 {
            self.forward_from(sub, forwarded, seen, depth, &mut out);
        }
        let out = Rc::new(out);
        self.walks.insert(key, out.clone());
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
                    let b = b.intersection(&self.in_vnet[vnet.ix()]);
                    self.deliver(b, &[], &[], out);
                }
                NextHop::VnetPeering { vnet: remote } => {
                    if cross_ok(d, vnet, *remote, forwarded) {
                        let b = b.intersection(&self.in_vnet[remote.ix()]);
                        self.deliver(b, &[], &[], out);
                    }
                }
                NextHop::InterfaceEndpoint { pe } => {
                    let pe_vnet = d.subnets[d.private_endpoints[pe.ix()].subnet.ix()].vnet;
                    if pe_vnet == vnet || cross_ok(d, vnet, pe_vnet, forwarded) {
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
                    if fw_vnet != vnet
                        && (d.peering(vnet, fw_vnet).is_none_or(|p| !p.connected)
                            || !cross_ok(d, vnet, fw_vnet, forwarded))
                    {
                        continue;
                    }
                    let mut filters = Vec::new();
                    if fw.kind != FirewallKind::AzureFirewall
                        && let Some(n) = d.subnets[fw.subnet.ix()].nsg
                    {
                        filters.push(Filter::Nsg(n, fw_vnet));
                    }
                    filters.push(Filter::Firewall(fid));
                    let mut b = b.clone();
                    if fw.kind == FirewallKind::AzureFirewall {
                        // SNAT to public destinations changes the reply's path: traced.
                        let mut public = b.clone();
                        public.and_not(&self.private);
                        out.unknown.or(&public);
                        b.and(&self.private);
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
        out.unknown.or(&b.intersection(&self.special));
        let mut b = b;
        b.and_not(&self.special);
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
        if let Some(p) = &self.reply_parts[s.ix()] {
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
        self.reply_parts[s.ix()] = Some(p.clone());
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
        if let Some(r) = self.reply_walks.get(&key) {
            return r.clone();
        }
        let mut out = Vec::new();
        if depth < 16 {
            self.reply_walk(sub, forwarded, crossed, depth, &mut out);
        }
        let out = Rc::new(merge(out));
        self.reply_walks.insert(key, out.clone());
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
                NextHop::None => {}
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
                    if let Some((&i, _)) = self.fw_atom.iter().find(|(_, g)| **g == fid)
                        && rest.contains(i)
                    {
                        let mut here = Bits::empty(self.atoms.len());
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
                    if d.peering(*remote, here)
                        .is_some_and(|p| p.allow_forwarded_traffic)
                    {
                        out.push((Reply::Back(crossed.to_vec()), b.clone()));
                    }
                }
                _ => self.back_to_sources(crossed, b.clone(), out),
            }
        }
    }

    /// A reply delivered to the source atoms `b`; a firewall's own address counts it as crossed.
    fn back_to_sources(&self, crossed: &[FirewallId], b: Bits, out: &mut Vec<(Reply, Bits)>) {
        let mut b = b;
        for (&i, &f) in &self.fw_atom {
            if b.contains(i) {
                let mut one = Bits::empty(self.atoms.len());
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
        if let Some(g) = &self.reply_groups {
            return g.clone();
        }
        let n = self.atoms.len();
        let mut groups: Vec<(Replies, Bits)> = Vec::new();
        let mut index: HashMap<Vec<(Reply, Bits)>, usize> = HashMap::default();
        for s in 0..self.d.subnets.len() {
            let (lo, hi) = self.span[s];
            if lo == hi {
                continue;
            }
            let rp = self.reply_parts(SubnetId(s as u32));
            let g = *index.entry((*rp).clone()).or_insert_with(|| {
                groups.push((rp.clone(), Bits::empty(n)));
                groups.len() - 1
            });
            groups[g].1.insert_range(lo, hi);
        }
        let g = Rc::new(groups);
        self.reply_groups = Some(g.clone());
        g
    }

    /// For one source atom: the destination atoms whose reply comes back through each set of
    /// stateful devices.
    fn replies(&mut self, src: usize) -> BackThrough {
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
        let fw = self.fw_atom.get(&src).copied();
        sig.push(fw.map_or(u16::MAX, |f| f.0 as u16));
        if let Some(r) = self.reply_memo.get(&sig) {
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
            b.and_not(&self.pe_atoms);
        }
        let pe_back: Vec<FirewallId> = fw
            .filter(|f| d.firewalls[f.ix()].stateful)
            .map(|f| vec![f])
            .unwrap_or_default();
        match sets.iter_mut().find(|(c, _)| *c == pe_back) {
            Some((_, b)) => b.or(&self.pe_atoms),
            None => sets.push((pe_back, self.pe_atoms.clone())),
        }
        let sets = Rc::new(sets);
        self.reply_memo.insert(sig, sets.clone());
        sets
    }

    /// One row of the matrix: from subnet `s` to every subnet, per port, into the planes.
    fn row(&mut self, s: SubnetId, planes: &mut (Bits, Bits)) {
        let d = self.d;
        let ns = d.subnets.len();
        let np = self.ports.len();
        let (lo, hi) = self.span[s.ix()];
        if lo == hi {
            return;
        }
        let skel = self.skeleton(s);
        let n = self.atoms.len();
        let mut all = vec![self.all(); np];
        let mut any = vec![Bits::empty(n); np];
        // Public IPs of workloads (destination subnet, address), decided by the tracer, and per
        // (public IP, port) whether every source reaches it and whether some does.
        let public: Vec<(usize, Ipv4Addr)> = self
            .public
            .iter()
            .enumerate()
            .flat_map(|(t, ips)| ips.iter().map(move |&ip| (t, ip)))
            .collect();
        let mut pub_all = vec![true; public.len() * np];
        let mut pub_any = vec![false; public.len() * np];
        let vnet = d.subnets[s.ix()].vnet;
        let (mut reached, mut out, mut denied, mut b) = (
            Bits::empty(n),
            Bits::empty(n),
            Bits::empty(n),
            Bits::empty(n),
        );
        for src in lo..hi {
            let ip = Ipv4Addr::from(self.atoms[src].0);
            // The source NIC's NSG, as `origin_at_ip` places the address: a workload's NIC, or
            // a host or firewall of this subnet without one.
            let nic = match self.holder[src] {
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
                trace_packet(d, origin, flow, TraceOptions::default())
                    .verdict
                    .allowed()
            };
            // A source the bulk engine does not place (an address of a workload registered in
            // another subnet) has every destination traced.
            let unknown = if nic.is_some() {
                skel.unknown.clone()
            } else {
                self.all()
            };
            for pi in 0..np {
                let (proto, port) = self.ports[pi];
                reached.clear();
                if let Some(nic_nsg) = nic {
                    out.fill(n);
                    for nsg in [nic_nsg, d.subnets[s.ix()].nsg].into_iter().flatten() {
                        let a = self.applied_of(nsg, Direction::Outbound, vnet);
                        out.and(&self.nsg_allows(a, ip, pi));
                    }
                    // Atoms one NSG guards start denied and are let through where it allows;
                    // atoms several guard are denied by any that denies.
                    denied.copy_from(&self.guarded_once);
                    let (offsets, ids) = &self.allowed_by[pi];
                    for &g in &ids[offsets[src] as usize..offsets[src + 1] as usize] {
                        self.guards[g as usize].alone.remove_from(&mut denied);
                    }
                    for &g in &self.shared_guards {
                        let g = &self.guards[g];
                        if !g.allowed[pi].contains(src) {
                            g.shared.add_to(&mut denied);
                        }
                    }
                    denied.or(&self.port_denied[pi]);
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
                            };
                            b.and(&allowed);
                        }
                        b.and_not(&denied);
                        b.and(ok);
                        reached.or(&b);
                    }
                }
                for i in unknown.ones() {
                    if trace(Ipv4Addr::from(self.atoms[i].0), proto, port) {
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
            let (a, z) = self.span[t];
            let pubs = pub_of.get(t).and_then(Option::as_ref);
            if a == z && pubs.is_none() {
                continue;
            }
            let at = row + t * np;
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
                let every = (a == z || all.all_in(a, z)) && pubs.is_none_or(|p| p.0[pi]);
                let some = (a < z && any.any_in(a, z)) || pubs.is_some_and(|p| p.1[pi]);
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

/// Whether crossing the peering `from` → `to` is allowed (P13; no gateway transit here).
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

/// Where membership in some of the sets changes, sorted: the boundaries of source (or
/// destination) classes.
fn range_cuts<'a>(sets: impl Iterator<Item = &'a AddrSet>) -> Vec<u32> {
    let mut cuts: Vec<u32> = Vec::new();
    for set in sets {
        for &(lo, hi) in set.ranges() {
            cuts.push(lo);
            if hi < u32::MAX {
                cuts.push(hi + 1);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// [`range_cuts`] of NSG rule sides in VNet `vnet`.
fn side_cuts<'a>(
    d: &Design,
    sides: impl Iterator<Item = &'a [AddrEntry]>,
    vnet: VnetId,
) -> Vec<u32> {
    let sets: Vec<AddrSet> = sides
        .flat_map(|side| side.iter().filter_map(|e| entry_set(d, e, vnet)))
        .collect();
    range_cuts(sets.iter())
}

/// The addresses of one rule-side entry in VNet `vnet` (`None` for `*`).
fn entry_set(d: &Design, e: &AddrEntry, vnet: VnetId) -> Option<AddrSet> {
    match e {
        AddrEntry::Any => None,
        AddrEntry::Prefix(n) => Some(AddrSet::from_net(*n)),
        AddrEntry::Tag(t) => Some(d.tags.get(t).cloned().unwrap_or_default()),
        AddrEntry::VirtualNetwork => Some(d.derived.virtual_network[vnet.ix()].clone()),
        AddrEntry::Asg(a) => Some(d.derived.asg(*a).clone()),
    }
}

/// [`crate::eval::nsg::rule_matches`] without the destination address.
fn rule_matches_source(d: &Design, r: &crate::model::NsgRule, vnet: VnetId, flow: &Flow) -> bool {
    crate::eval::nsg::rule_matches_ports(r, flow)
        && r.source
            .iter()
            .any(|e| crate::eval::nsg::entry_matches(d, e, vnet, flow.src))
}

/// A firewall's rules in evaluation order, as first-match entries for flows addressed by IP
/// from a NIC (no name, no identity, not to the firewall's public address).
fn firewall_entries(fw: &crate::model::Firewall) -> Fw {
    let mut entries = Vec::new();
    let mut allow_all = false;
    match fw.kind {
        FirewallKind::Nva => allow_all = true,
        FirewallKind::AzureFirewall => {
            for c in &fw.collections {
                // DNAT rules match only traffic to the public address; application rules need
                // a name.
                if c.kind != CollectionKind::Network {
                    continue;
                }
                for r in &c.rules {
                    entries.push(FwEntry {
                        source: r.source.clone(),
                        destination: r.destination.clone(),
                        services: vec![(r.protocol, r.destination_ports.clone())],
                        any_needs_ports: true,
                        allow: c.action == FwAction::Allow,
                        dst: None,
                    });
                }
            }
        }
        FirewallKind::Fortigate => {
            for p in &fw.policies {
                // Identity policies need an authenticated group member (F4).
                if !p.groups.is_empty() {
                    continue;
                }
                entries.push(FwEntry {
                    source: p.source.clone(),
                    destination: p.destination.clone(),
                    services: p.services.clone(),
                    any_needs_ports: false,
                    allow: p.action == FortiAction::Accept,
                    dst: None,
                });
            }
        }
    }
    let cuts = range_cuts(entries.iter().map(|e| &e.source));
    Fw {
        entries,
        cuts,
        allowed: HashMap::default(),
        allow_all,
    }
}
