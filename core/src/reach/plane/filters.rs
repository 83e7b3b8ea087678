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
    /// Inbound at delivery: the slots of its destination classes among the engine's guards.
    pub(super) guards: Vec<usize>,
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
            let atoms: Vec<usize> = self.s.span[s].iter().flat_map(|&(lo, hi)| lo..hi).collect();
            for i in atoms {
                let k = self.s.kind[i];
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
                    self.s.guarded_once.insert(i);
                }
                let order = crate::eval::nsg::order(Direction::Inbound, subnet_nsg, nic_nsg);
                for n in order.into_iter().filter_map(|(_, n)| n) {
                    let a = self.applied_of(n, Direction::Inbound, sub.vnet);
                    let n_atoms = self.s.atoms.len();
                    if self.s.applied[a].domain.is_none() {
                        self.s.applied[a].domain = Some(Bits::empty(n_atoms));
                        self.s.delivery.push(a);
                    }
                    self.s.applied[a].domain.as_mut().expect("set").insert(i);
                }
            }
        }
    }

    pub(super) fn applied_of(&mut self, nsg: NsgId, dir: Direction, vnet: VnetId) -> usize {
        let key = (nsg, dir == Direction::Inbound, vnet);
        if let Some(&i) = self.s.applied_ix.get(&key) {
            return i;
        }
        let d = self.d;
        let rules = d.nsgs[nsg.ix()].rules(dir);
        let cuts = side_cuts(d, rules.iter().map(|r| &r.source[..]), vnet);
        self.s.applied.push(Applied {
            nsg,
            dir,
            vnet,
            cuts,
            rule_dst: vec![None; rules.len()],
            allowed: HashMap::default(),
            domain: None,
            guards: Vec::new(),
        });
        self.s.applied_ix.insert(key, self.s.applied.len() - 1);
        self.s.applied.len() - 1
    }

    /// The destination atoms an applied NSG allows from `src` on port index `pi`.
    pub(super) fn nsg_allows(&mut self, a: usize, src: Ipv4Addr, pi: usize) -> Rc<Bits> {
        let class = self.s.applied[a]
            .cuts
            .partition_point(|&c| c <= u32::from(src)) as u32;
        if let Some(b) = self.s.applied[a].allowed.get(&(class, pi)) {
            return b.clone();
        }
        let d = self.d;
        let (nsg, dir, vnet) = (
            self.s.applied[a].nsg,
            self.s.applied[a].dir,
            self.s.applied[a].vnet,
        );
        let (proto, port) = self.s.ports[pi];
        let flow = Flow {
            src,
            dst: Ipv4Addr::UNSPECIFIED,
            protocol: proto,
            src_port: if proto.has_ports() { 50000 } else { 0 },
            dst_port: if proto.has_ports() { port } else { 0 },
        };
        let mut remaining = self.all();
        let mut allowed = Bits::empty(self.s.atoms.len());
        for (ri, r) in d.nsgs[nsg.ix()].rules(dir).iter().enumerate() {
            if !rule_matches_source(d, r, vnet, &flow) {
                continue;
            }
            let dst = match &self.s.applied[a].rule_dst[ri] {
                Some(b) => b.clone(),
                None => {
                    let b = self.side_bits(&r.destination, vnet);
                    self.s.applied[a].rule_dst[ri] = Some(b.clone());
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
        self.s.applied[a].allowed.insert((class, pi), b.clone());
        b
    }

    /// Drops what was worked out from one NSG's rules (after they changed) and works out its
    /// guards again.
    pub(super) fn forget_nsg(&mut self, nsg: NsgId) {
        let d = self.d;
        let mut guarding = Vec::new();
        for (i, a) in self.s.applied.iter_mut().enumerate() {
            if a.nsg != nsg {
                continue;
            }
            let rules = d.nsgs[nsg.ix()].rules(a.dir);
            a.cuts = side_cuts(d, rules.iter().map(|r| &r.source[..]), a.vnet);
            a.rule_dst = vec![None; rules.len()];
            a.allowed.clear();
            if a.domain.is_some() {
                guarding.push(i);
            }
        }
        if guarding.is_empty() {
            return;
        }
        // Each guard keeps its slot; the index changes where the guards' answers did.
        for a in guarding {
            self.guard_again(a);
        }
        self.index_shared_guards();
    }

    /// The atoms a rule side stands for in VNet `vnet`.
    pub(super) fn side_bits(&mut self, side: &[AddrEntry], vnet: VnetId) -> Rc<Bits> {
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
        let class = self.s.fws[f.ix()]
            .cuts
            .partition_point(|&c| c <= u32::from(src)) as u32;
        if let Some(b) = self.s.fws[f.ix()].allowed.get(&(class, pi)) {
            return b.clone();
        }
        let (proto, port) = self.s.ports[pi];
        let port = if proto.has_ports() { port } else { 0 };
        let mut remaining = self.all();
        let mut allowed = Bits::empty(self.s.atoms.len());
        if self.s.fws[f.ix()].allow_all {
            allowed = remaining.clone();
        } else {
            for e in 0..self.s.fws[f.ix()].entries.len() {
                if !self.s.fws[f.ix()].entries[e].matches(proto, port, src) {
                    continue;
                }
                let dst = match &self.s.fws[f.ix()].entries[e].dst {
                    Some(b) => b.clone(),
                    None => {
                        let set = self.s.fws[f.ix()].entries[e].destination.clone();
                        let b = self.bits_of(&set);
                        self.s.fws[f.ix()].entries[e].dst = Some(b.clone());
                        b
                    }
                };
                if self.s.fws[f.ix()].entries[e].allow {
                    allowed.or(&remaining.intersection(&dst));
                }
                remaining.and_not(&dst);
                if remaining.is_empty() {
                    break;
                }
            }
        }
        let b = Rc::new(allowed);
        self.s.fws[f.ix()].allowed.insert((class, pi), b.clone());
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
pub(super) fn side_cuts<'a>(
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
pub(in crate::reach) fn entry_set(d: &Design, e: &AddrEntry, vnet: VnetId) -> Option<AddrSet> {
    match e {
        AddrEntry::Any => None,
        AddrEntry::Prefix(n) => Some(AddrSet::from_net(*n)),
        AddrEntry::Tag(t) => Some(d.tags.get(t).cloned().unwrap_or_default()),
        AddrEntry::VirtualNetwork => Some(d.derived.virtual_network[vnet.ix()].clone()),
        AddrEntry::Asg(a) => Some(d.derived.asg(*a).clone()),
    }
}

/// [`crate::eval::nsg::rule_matches`] without the destination address.
pub(super) fn rule_matches_source(
    d: &Design,
    r: &crate::model::NsgRule,
    vnet: VnetId,
    flow: &Flow,
) -> bool {
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
