//! Security admin rules on sets (S10): per VNet and direction, for one source and port, the
//! destination atoms a `deny` rule decides and those an `always_allow` rule decides, as one
//! first-match pass over rules whose destinations are atom sets (cached per class of sources
//! the rules cannot tell apart). What an `allow` rule or no rule decides is left to the NSGs.

use super::filters::rule_matches_source;
use super::*;
use crate::format::AdminAccess;

/// One VNet's admin rules of one direction, as worked out so far.
pub(super) struct AdminApplied {
    /// Where source classes change.
    cuts: Vec<u32>,
    /// Destination atoms of each rule (lazily).
    rule_dst: Vec<Option<Rc<Bits>>>,
    /// (denied, always allowed) destination atoms per (source class, port index).
    decided: HashMap<(u32, usize), Rc<(Bits, Bits)>>,
}

impl Plane<'_> {
    /// The atoms whose NICs get the inbound admin rules of their VNet on arrival, per VNet
    /// with inbound rules: its subnets' atoms, without the exempt subnets, private endpoints
    /// (Microsoft: admin rules "don't apply to Azure Private Endpoints") and the Azure host
    /// address.
    pub(super) fn admin_domains(&mut self) {
        let d = self.d;
        let n = self.s.atoms.len();
        for (v, vnet) in d.vnets.iter().enumerate() {
            if vnet.admin_rules.inbound.is_empty() {
                continue;
            }
            let mut b = Bits::empty(n);
            for &s in &vnet.subnets {
                if d.subnets[s.ix()].admin_exempt {
                    continue;
                }
                for &(lo, hi) in &self.s.span[s.ix()] {
                    b.insert_range(lo, hi);
                }
            }
            b.and_not(&self.s.pe_atoms);
            b.and_not(&self.s.special);
            self.s.admin_domains.push((VnetId(v as u32), b));
        }
    }

    /// The (denied, always allowed) destination atoms by the admin rules of `vnet` in `dir`,
    /// for packets from `src` on port index `pi`, whatever the destination's VNet.
    pub(super) fn admin_sets(
        &mut self,
        vnet: VnetId,
        dir: Direction,
        src: Ipv4Addr,
        pi: usize,
    ) -> Rc<(Bits, Bits)> {
        let d = self.d;
        let rules = d.vnets[vnet.ix()].admin_rules.rules(dir);
        let key = (vnet, dir == Direction::Inbound);
        let applied = self.s.admin.entry(key).or_insert_with(|| AdminApplied {
            cuts: filters::side_cuts(d, rules.iter().map(|r| &r.rule.source[..]), vnet),
            rule_dst: vec![None; rules.len()],
            decided: HashMap::default(),
        });
        let class = applied.cuts.partition_point(|&c| c <= u32::from(src)) as u32;
        if let Some(b) = applied.decided.get(&(class, pi)) {
            return b.clone();
        }
        let (proto, port) = self.s.ports[pi];
        let flow = Flow {
            src,
            dst: Ipv4Addr::UNSPECIFIED,
            protocol: proto,
            src_port: if proto.has_ports() { 50000 } else { 0 },
            dst_port: if proto.has_ports() { port } else { 0 },
        };
        let n = self.s.atoms.len();
        let mut remaining = self.all();
        let (mut deny, mut always) = (Bits::empty(n), Bits::empty(n));
        for (ri, r) in rules.iter().enumerate() {
            if !rule_matches_source(d, &r.rule, vnet, &flow) {
                continue;
            }
            let cached = self.s.admin[&key].rule_dst[ri].clone();
            let dst = match cached {
                Some(b) => b,
                None => {
                    let b = self.side_bits(&r.rule.destination, vnet);
                    self.s.admin.get_mut(&key).expect("entry").rule_dst[ri] = Some(b.clone());
                    b
                }
            };
            match r.access {
                AdminAccess::Deny => deny.or(&remaining.intersection(&dst)),
                AdminAccess::AlwaysAllow => always.or(&remaining.intersection(&dst)),
                AdminAccess::Allow => {}
            }
            remaining.and_not(&dst);
            if remaining.is_empty() {
                break;
            }
        }
        let b = Rc::new((deny, always));
        self.s
            .admin
            .get_mut(&key)
            .expect("entry")
            .decided
            .insert((class, pi), b.clone());
        b
    }

    /// On arrival, the destination atoms an inbound admin rule denies and those one always
    /// allows, for packets from `src` on port index `pi`: each VNet's decisions on its own
    /// atoms.
    pub(super) fn admin_delivery(&mut self, src: Ipv4Addr, pi: usize) -> (Bits, Bits) {
        let n = self.s.atoms.len();
        let (mut deny, mut always) = (Bits::empty(n), Bits::empty(n));
        for k in 0..self.s.admin_domains.len() {
            let v = self.s.admin_domains[k].0;
            let sets = self.admin_sets(v, Direction::Inbound, src, pi);
            let domain = &self.s.admin_domains[k].1;
            deny.or(&sets.0.intersection(domain));
            always.or(&sets.1.intersection(domain));
        }
        (deny, always)
    }

    /// The destination atoms a NIC of `subnet` lets through on arrival from `src` on port
    /// index `pi` (an NVA forwarding them): its admin rules, then, unless an `always_allow`
    /// rule decided, its subnet's NSG.
    pub(super) fn admitted(
        &mut self,
        subnet: SubnetId,
        nsg: Option<NsgId>,
        src: Ipv4Addr,
        pi: usize,
    ) -> Bits {
        let vnet = self.d.subnets[subnet.ix()].vnet;
        let mut allowed = match nsg {
            Some(n) => {
                let a = self.applied_of(n, Direction::Inbound, vnet);
                (*self.nsg_allows(a, src, pi)).clone()
            }
            None => self.all(),
        };
        let sets = self.admin_sets(vnet, Direction::Inbound, src, pi);
        allowed.and_not(&sets.0);
        allowed.or(&sets.1);
        allowed
    }
}
