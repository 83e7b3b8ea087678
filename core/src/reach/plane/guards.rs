//! The NSGs that guard each destination on arrival: every delivery NSG's destination classes
//! with the source atoms each allows per port ([`Guarded`]), and the index of those classes by
//! the sources they let through ([`GuardIndex`]). After an NSG's rules change, its classes are
//! worked out again and the index is kept up to date class by class: a class keeps its slot, and
//! only the sources whose answer changed are touched, so the index always equals the one built
//! from scratch (checked after every edit in debug builds with the `testing` feature).

use super::filters::side_cuts;
use super::*;

/// One destination class of a delivery NSG.
pub(super) struct Guarded {
    /// Its atoms no other NSG guards.
    pub(super) alone: Window,
    /// Its atoms another NSG guards too.
    pub(super) shared: Window,
    /// Per port index, the source atoms allowed (empty in a slot no class holds).
    pub(super) allowed: Vec<Bits>,
}

/// The guards by the sources they allow: for one port and source atom, the slots (indices into
/// the engine's guards) whose class lets that source through, as a bit per slot.
#[derive(Default)]
pub(super) struct GuardIndex {
    /// Source atoms.
    n: usize,
    /// Ports.
    ports: usize,
    /// Words of 64 slots per port and source.
    words: usize,
    /// Laid out by port, source, then word: bit `g % 64` of word `g / 64` is set when guard `g`
    /// allows the source on the port. A source's slots for one port are one run of `words`
    /// words (a row of the matrix reads them for each of its sources and ports).
    bits: Vec<u64>,
    /// Slots no class holds, taken again first.
    free: Vec<usize>,
}

impl GuardIndex {
    /// An empty index over `n` source atoms and `ports` ports, with room for `slots` guards.
    fn with_room(n: usize, ports: usize, slots: usize) -> Self {
        let words = slots.div_ceil(64).max(1);
        Self {
            n,
            ports,
            words,
            bits: vec![0; ports * words * n],
            free: Vec::new(),
        }
    }

    /// The index of `guards` built from scratch.
    fn of(guards: &[Guarded], n: usize, ports: usize) -> Self {
        let mut ix = Self::with_room(n, ports, guards.len());
        for (g, guard) in guards.iter().enumerate() {
            if guard.allowed.is_empty() {
                ix.free.push(g);
            }
            for (pi, allowed) in guard.allowed.iter().enumerate() {
                ix.change(pi, g, None, Some(allowed));
            }
        }
        ix
    }

    /// Makes room for slot `g`, moving the words it has into the wider layout.
    fn make_room(&mut self, g: usize) {
        if g < self.words * 64 {
            return;
        }
        let words = (g + 1).div_ceil(64).max(self.words + self.words / 4);
        let mut bits = vec![0; self.ports * self.n * words];
        if self.words > 0 {
            for (to, from) in bits
                .chunks_exact_mut(words)
                .zip(self.bits.chunks_exact(self.words))
            {
                to[..self.words].copy_from_slice(from);
            }
        }
        (self.words, self.bits) = (words, bits);
    }

    /// Slot `g` allowed `before` on port `pi` and now allows `after` (`None`: nothing): flips
    /// the sources that differ.
    fn change(&mut self, pi: usize, g: usize, before: Option<&Bits>, after: Option<&Bits>) {
        let (b, a) = (
            before.map_or(&[][..], Bits::words),
            after.map_or(&[][..], Bits::words),
        );
        let (first, word, bit) = (pi * self.n, g / 64, 1u64 << (g % 64));
        for i in 0..b.len().max(a.len()) {
            let mut x = b.get(i).copied().unwrap_or(0) ^ a.get(i).copied().unwrap_or(0);
            while x != 0 {
                let src = i * 64 + x.trailing_zeros() as usize;
                self.bits[(first + src) * self.words + word] ^= bit;
                x &= x - 1;
            }
        }
    }

    /// The slots whose class allows source atom `src` on port `pi`, in slot order.
    pub(super) fn allowing(&self, pi: usize, src: usize) -> impl Iterator<Item = usize> + '_ {
        let at = (pi * self.n + src) * self.words;
        self.bits[at..at + self.words]
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| {
                let mut word = word;
                std::iter::from_fn(move || {
                    (word != 0).then(|| {
                        let g = w * 64 + word.trailing_zeros() as usize;
                        word &= word - 1;
                        g
                    })
                })
            })
    }
}

impl State {
    /// Into `denied`, the destination atoms whose delivery NSGs refuse source atom `src` on port
    /// `pi`: atoms one NSG guards start denied and are let through where it allows; atoms
    /// several guard are denied by any that denies.
    pub(super) fn delivery_denied(&self, pi: usize, src: usize, denied: &mut Bits) {
        denied.copy_from(&self.guarded_once);
        for g in self.allowed_by.allowing(pi, src) {
            self.guards[g].alone.remove_from(denied);
        }
        for &g in &self.shared_guards {
            let g = &self.guards[g];
            if !g.allowed[pi].contains(src) {
                g.shared.add_to(denied);
            }
        }
    }
}

impl Plane<'_> {
    /// Works out delivery NSG `a`'s classes and gives each a new slot (the index is built
    /// afterwards, by [`Plane::index_guards`]).
    pub(super) fn guard(&mut self, a: usize) {
        let classes = self.guard_classes(a);
        let first = self.s.guards.len();
        self.s.guards.extend(classes);
        self.s.applied[a].guards = (first..self.s.guards.len()).collect();
    }

    /// Works out delivery NSG `a`'s classes again (after its rules changed) and brings the
    /// index up to date: each new class takes the slot of an old one where there is one (the
    /// classes come in the order of their first atom, so with the same destination cuts each
    /// takes its own old slot), and only the sources whose answer changed are flipped.
    pub(super) fn guard_again(&mut self, a: usize) {
        let classes = self.guard_classes(a);
        let old = std::mem::take(&mut self.s.applied[a].guards);
        let mut slots = Vec::with_capacity(classes.len());
        for (k, class) in classes.into_iter().enumerate() {
            let g = match old.get(k) {
                Some(&g) => g,
                None => match self.s.allowed_by.free.pop() {
                    Some(g) => g,
                    None => {
                        self.s.guards.push(Guarded {
                            alone: Window::default(),
                            shared: Window::default(),
                            allowed: Vec::new(),
                        });
                        self.s.guards.len() - 1
                    }
                },
            };
            self.s.allowed_by.make_room(g);
            let was = std::mem::replace(&mut self.s.guards[g], class);
            for pi in 0..self.s.ports.len() {
                let now = &self.s.guards[g].allowed[pi];
                self.s
                    .allowed_by
                    .change(pi, g, was.allowed.get(pi), Some(now));
            }
            slots.push(g);
        }
        for &g in old.iter().skip(slots.len()) {
            let was = std::mem::replace(
                &mut self.s.guards[g],
                Guarded {
                    alone: Window::default(),
                    shared: Window::default(),
                    allowed: Vec::new(),
                },
            );
            for (pi, allowed) in was.allowed.iter().enumerate() {
                self.s.allowed_by.change(pi, g, Some(allowed), None);
            }
            self.s.allowed_by.free.push(g);
        }
        self.s.applied[a].guards = slots;
    }

    /// Indexes the guards by the source atoms they allow, per port, so that each source visits
    /// only the guards that let it through.
    pub(super) fn index_guards(&mut self) {
        self.s.allowed_by = GuardIndex::of(&self.s.guards, self.s.atoms.len(), self.s.ports.len());
        self.index_shared_guards();
    }

    /// Lists the guards with atoms another NSG guards too.
    pub(super) fn index_shared_guards(&mut self) {
        self.s.shared_guards = (0..self.s.guards.len())
            .filter(|&k| !self.s.guards[k].shared.is_empty())
            .collect();
    }

    /// Splits a delivery NSG's guarded atoms into destination classes (in the order of their
    /// first atom) and computes, for each class and port, the source atoms it allows: one
    /// first-match pass over the rules with source sides as atom sets, instead of one per
    /// source.
    fn guard_classes(&mut self, a: usize) -> Vec<Guarded> {
        let d = self.d;
        let (nsg, vnet) = (self.s.applied[a].nsg, self.s.applied[a].vnet);
        let rules = d.nsgs[nsg.ix()].rules(Direction::Inbound);
        let cuts = side_cuts(d, rules.iter().map(|r| &r.destination[..]), vnet);
        let domain = self.s.applied[a].domain.clone().expect("delivery NSG");
        let mut classes: Vec<(usize, Bits)> = Vec::new();
        for i in domain.ones() {
            let c = cuts.partition_point(|&c| c <= self.s.atoms[i].0);
            match classes.iter_mut().find(|(k, _)| *k == c) {
                Some((_, b)) => b.insert(i),
                None => {
                    let mut b = Bits::empty(self.s.atoms.len());
                    b.insert(i);
                    classes.push((c, b));
                }
            }
        }
        let mut guarded = Vec::new();
        for (_, members) in classes {
            let rep = Ipv4Addr::from(self.s.atoms[members.ones().next().expect("non-empty")].0);
            let mut per_port = Vec::with_capacity(self.s.ports.len());
            for pi in 0..self.s.ports.len() {
                let (proto, port) = self.s.ports[pi];
                let flow = Flow {
                    src: Ipv4Addr::UNSPECIFIED,
                    dst: rep,
                    protocol: proto,
                    src_port: if proto.has_ports() { 50000 } else { 0 },
                    dst_port: if proto.has_ports() { port } else { 0 },
                };
                let mut remaining = self.all();
                let mut allowed = Bits::empty(self.s.atoms.len());
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
                alone: members.intersection(&self.s.guarded_once).window(),
                shared: {
                    let mut m = members;
                    m.and_not(&self.s.guarded_once);
                    m.window()
                },
                allowed: per_port,
            });
        }
        guarded
    }

    /// Panics unless every source's delivery verdicts from the index kept across edits equal
    /// those of an engine started afresh on the design (whose atoms the kept ones refine: an
    /// edit of a rule can only take cuts away).
    #[cfg(all(debug_assertions, feature = "testing"))]
    pub(super) fn check_guard_index(&self) {
        let fresh = Plane::new(self.d, &self.s.ports).s;
        let (kept, n) = (&self.s.atoms, self.s.atoms.len());
        let within = |x: u32| {
            let j = fresh.atoms.partition_point(|a| a.0 <= x).checked_sub(1)?;
            (fresh.atoms[j].1 >= x).then_some(j)
        };
        let to_fresh: Vec<usize> = kept
            .iter()
            .map(|a| within(a.0).expect("a kept atom lies in a fresh one"))
            .collect();
        let (mut got, mut want) = (Bits::empty(n), Bits::empty(fresh.atoms.len()));
        for pi in 0..self.s.ports.len() {
            for src in 0..n {
                self.s.delivery_denied(pi, src, &mut got);
                fresh.delivery_denied(pi, to_fresh[src], &mut want);
                if let Some(i) = (0..n).find(|&i| got.contains(i) != want.contains(to_fresh[i])) {
                    panic!(
                        "the delivery-guard index kept across edits differs from a rebuilt one: \
                         port {:?}, source {}, destination {}: kept {}, rebuilt {}",
                        self.s.ports[pi],
                        Ipv4Addr::from(kept[src].0),
                        Ipv4Addr::from(kept[i].0),
                        if got.contains(i) {
                            "denies"
                        } else {
                            "lets through"
                        },
                        if want.contains(to_fresh[i]) {
                            "denies"
                        } else {
                            "lets through"
                        },
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A guard allowing `srcs` on each port (one set per port).
    fn guard(n: usize, srcs: &[&[usize]]) -> Guarded {
        let allowed = srcs
            .iter()
            .map(|s| {
                let mut b = Bits::empty(n);
                s.iter().for_each(|&i| b.insert(i));
                b
            })
            .collect();
        Guarded {
            alone: Window::default(),
            shared: Window::default(),
            allowed,
        }
    }

    /// What the index says, for every port and source: the slots allowing it.
    fn answers(ix: &GuardIndex, n: usize, ports: usize) -> Vec<Vec<usize>> {
        (0..ports)
            .flat_map(|pi| (0..n).map(move |src| ix.allowing(pi, src).collect()))
            .collect()
    }

    #[test]
    fn an_index_kept_through_changes_and_growth_equals_one_built_afresh() {
        let (n, ports) = (130, 2);
        let mut guards: Vec<Guarded> = (0..70)
            .map(|g| guard(n, &[&[g, g + 1, 129], &[(g * 7) % n]]))
            .collect();
        guards[3].allowed.clear();
        let mut ix = GuardIndex::of(&guards, n, ports);
        assert_eq!(ix.words, 2);
        assert_eq!(ix.free, vec![3]);
        assert_eq!(ix.allowing(0, 129).count(), 69);
        // Slot 5 changes, slot 3 is taken again, slot 200 is new (the index grows).
        for (g, now) in [
            (5, guard(n, &[&[0, 64, 128], &[]])),
            (3, guard(n, &[&[3], &[3, 4]])),
            (200, guard(n, &[&[1], &[127]])),
        ] {
            ix.make_room(g);
            while guards.len() <= g {
                guards.push(guard(n, &[]));
            }
            let was = std::mem::replace(&mut guards[g], now);
            for pi in 0..ports {
                ix.change(pi, g, was.allowed.get(pi), Some(&guards[g].allowed[pi]));
            }
        }
        assert!(ix.words >= 4);
        let fresh = GuardIndex::of(&guards, n, ports);
        assert_eq!(answers(&ix, n, ports), answers(&fresh, n, ports));
        assert_eq!(ix.allowing(1, 127).collect::<Vec<_>>(), vec![200]);
        assert!(ix.allowing(0, 5).all(|g| g != 5));
    }
}
