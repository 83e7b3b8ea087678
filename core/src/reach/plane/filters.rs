//! The checks on the way that depend on the source and port: NSGs out and in, firewall rules,
//! and the NSGs that guard each destination on arrival, as first-match passes over rules whose
//! sides are atom sets.

use super::*;

/// An NSG as applied in one direction and VNet.
pub(super) struct Applied {
    pub(super) nsg: NsgId,
    pub(super) dir: Direction,
    pub(super) vnet: VnetId,
    /// Where source classes change.
    pub(super) cuts: Vec<u32>,
    /// Destination atoms of each rule (lazily).
    pub(super) rule_dst: Vec<Option<Rc<Bits>>>,
    /// Allowed destination atoms per (source class, port index).
    pub(super) allowed: HashMap<(u32, usize), Rc<Bits>>,
    /// Inbound at delivery: the atoms it guards.
    pub(super) domain: Option<Bits>,
}

/// One destination class of a delivery NSG.
pub(super) struct Guarded {
    /// Its atoms no other NSG guards.
    pub(super) alone: Window,
    /// Its atoms another NSG guards too.
    pub(super) shared: Window,
    /// Per port index, the source atoms allowed.
    pub(super) allowed: Vec<Bits>,
}

/// One firewall's rules as an ordered first-match list (matrix flows carry no name or identity).
pub(super) struct Fw {
    pub(super) entries: Vec<FwEntry>,
    pub(super) cuts: Vec<u32>,
    pub(super) allowed: HashMap<(u32, usize), Rc<Bits>>,
    /// Rules that cannot match any packet here are dropped; a plain NVA allows all.
    pub(super) allow_all: bool,
}

pub(super) struct FwEntry {
    pub(super) source: AddrSet,
    pub(super) destination: AddrSet,
    pub(super) services: Vec<(Option<Protocol>, PortSet)>,
    /// F1: network rules with protocol Any and explicit ports match TCP and UDP only.
    pub(super) any_needs_ports: bool,
    pub(super) allow: bool,
    pub(super) dst: Option<Rc<Bits>>,
}

impl FwEntry {
    pub(super) fn matches(&self, proto: Protocol, port: u16, src: Ipv4Addr) -> bool {
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

impl Plane<'_> {
    /// Registers every NSG that guards a destination atom on arrival, with its domain.
    pub(super) fn delivery_nsgs(&mut self) {
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

    pub(super) fn applied_of(&mut self, nsg: NsgId, dir: Direction, vnet: VnetId) -> usize {
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
    pub(super) fn nsg_allows(&mut self, a: usize, src: Ipv4Addr, pi: usize) -> Rc<Bits> {
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
    pub(super) fn index_guards(&mut self) {
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
    pub(super) fn guard(&mut self, a: usize) {
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
    pub(super) fn fw_allows(&mut self, f: FirewallId, src: Ipv4Addr, pi: usize) -> Rc<Bits> {
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
pub(super) fn firewall_entries(fw: &crate::model::Firewall) -> Fw {
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
