//! The exhaustive diff (`diff::exhaustive`) against its definition: on two random designs, for
//! every end both have (subnets, workloads, `internet`, clients, site prefixes, services'
//! subresources, private endpoints) and every protocol, a port's answer changed exactly when
//! the two designs' every-packet answers differ there — subnet pairs from the matrices traced
//! class by class (`matrix_by_tracing`), other pairs from `reach_of`, one port at a time — and
//! the change reported for that port says what each answer says. The ports checked are the
//! first and last of every class the diff compares, and random ones. The second design is
//! either unrelated (the diff computes everything) or the first after random single edits
//! (NSG rule edits let the diff compute only what they can change).

use proptest::prelude::*;
use vnetlab_core::diff::exhaustive::{port_classes, reach_changes};
use vnetlab_core::diff::parties::{Party, PartyKind, parties};
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::query::EndpointSet;
use vnetlab_core::reach::Atoms;
use vnetlab_core::reach::matrix::{Matrix, MatrixBy, Reach, matrix_by_tracing, reach_of};
use vnetlab_core::testing::random_designs;

fn load(yaml: &str) -> Design {
    let l = vnetlab_core::load("random.yaml", yaml.as_bytes(), &BuildOptions::default());
    l.design
        .unwrap_or_else(|| panic!("generated design is invalid:\n{yaml}\n{:#?}", l.diagnostics))
}

/// One design's every-packet answers, one port at a time.
struct Reference<'d> {
    d: &'d Design,
    parties: Vec<Party>,
    matrix: Matrix,
    atoms: Atoms,
}

impl Reference<'_> {
    fn answer(&self, src: &Party, dst: &Party, k: usize, proto: Protocol, port: u16) -> Reach {
        match (&src.set, &dst.set) {
            (EndpointSet::Subnet(a), EndpointSet::Subnet(b)) => self.matrix.cell(a.ix(), b.ix(), k),
            (s, t) => reach_of(self.d, &self.atoms, s, t, proto, port).unwrap_or(Reach::None),
        }
    }
}

fn reference<'d>(d: &'d Design, ports: &[(Protocol, u16)]) -> Reference<'d> {
    Reference {
        d,
        parties: parties(d),
        matrix: matrix_by_tracing(d, MatrixBy::Subnet, ports),
        atoms: Atoms::of(d),
    }
}

/// The first disagreement between the diff and the two designs' answers, if any.
fn first_disagreement(a: &Design, b: &Design, extra: &[u16]) -> Option<String> {
    let changes = reach_changes(a, b);
    let mut ports: Vec<(Protocol, u16)> = Vec::new();
    for (p, lo, hi) in port_classes(a, b) {
        ports.push((p, lo));
        if hi != lo && p.has_ports() {
            ports.push((p, hi));
        }
    }
    for &x in extra {
        ports.push((Protocol::Tcp, x));
        ports.push((Protocol::Udp, x));
    }
    ports.sort_by_key(|&(p, n)| (p.as_str(), n));
    ports.dedup();
    let (ra, rb) = (reference(a, &ports), reference(b, &ports));
    let find = |p: &Party| {
        rb.parties
            .iter()
            .find(|q| q.name == p.name && q.kind == p.kind)
    };
    for from in ra.parties.iter().filter(|p| p.source) {
        let Some(bfrom) = find(from).filter(|p| p.source) else {
            continue;
        };
        for to in &ra.parties {
            if from.kind == PartyKind::Internet && to.kind == PartyKind::Internet {
                continue;
            }
            let Some(bto) = find(to) else {
                continue;
            };
            for (k, &(protocol, port)) in ports.iter().enumerate() {
                let x = ra.answer(from, to, k, protocol, port);
                let y = rb.answer(bfrom, bto, k, protocol, port);
                let reported: Vec<_> = changes
                    .iter()
                    .filter(|c| {
                        c.from == from.name
                            && c.from_kind == from.kind
                            && c.to == to.name
                            && c.to_kind == to.kind
                            && c.protocol == protocol
                            && c.ports.iter().any(|s| s.lo <= port && port <= s.hi)
                    })
                    .collect();
                let ok = match reported.as_slice() {
                    [] => x == y,
                    [c] => x != y && c.before == x && c.after == y,
                    _ => false,
                };
                if !ok {
                    return Some(format!(
                        "{} → {} {protocol}/{port}: answers {x:?} → {y:?}, diff {:?}",
                        from.name,
                        to.name,
                        reported.iter().map(|c| c.line()).collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    None
}

#[test]
fn identical_designs_have_no_reach_change() {
    let d = vnetlab_tests::design_file("topologies/hub-spoke-firewall.yaml");
    assert!(reach_changes(&d, &d).is_empty());
}

/// The design after the single edits at the given positions of each turn's edit list (edits
/// the design refuses are skipped).
fn edited(d: &Design, picks: &[usize]) -> Design {
    let opts = BuildOptions::default();
    let mut e = d.clone();
    for &k in picks {
        let edits = vnetlab_core::whatif::single_edits(&e.file);
        if edits.is_empty() {
            break;
        }
        let mut next = e.clone();
        if next.apply_edit(&edits[k % edits.len()], &opts).is_ok() {
            e = next;
        }
    }
    e
}

/// The design after one wiring edit (an NSG or route table detached, a route or a peering
/// removed) at the given position of the design's list of them, if it has one.
fn wired(d: &Design, pick: usize) -> Option<Design> {
    use vnetlab_core::whatif::Edit;
    let edits: Vec<Edit> = vnetlab_core::whatif::single_edits(&d.file)
        .into_iter()
        .filter(|e| {
            matches!(
                e,
                Edit::DetachSubnetNsg { .. }
                    | Edit::DetachRouteTable { .. }
                    | Edit::RemoveRoute { .. }
                    | Edit::RemovePeering { .. }
            )
        })
        .collect();
    let e = edits.get(pick % edits.len().max(1))?;
    let mut next = d.clone();
    next.apply_edit(e, &BuildOptions::default()).ok()?;
    Some(next)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn the_diff_after_a_wiring_edit_is_the_difference_of_two_every_packet_answers(
        a in random_designs(),
        pick in any::<usize>(),
        extra in proptest::collection::vec(any::<u16>(), 0..4),
    ) {
        let da = load(&a);
        if let Some(db) = wired(&da, pick) {
            let bad = first_disagreement(&da, &db, &extra);
            prop_assert!(bad.is_none(), "{}\nDESIGN:\n{a}\nWIRING EDIT: {pick}", bad.unwrap_or_default());
        }
    }

    #[test]
    fn the_diff_is_the_difference_of_two_every_packet_answers(
        a in random_designs(),
        b in random_designs(),
        extra in proptest::collection::vec(any::<u16>(), 0..4),
    ) {
        let (da, db) = (load(&a), load(&b));
        let bad = first_disagreement(&da, &db, &extra);
        prop_assert!(bad.is_none(), "{}\nBEFORE:\n{a}\nAFTER:\n{b}", bad.unwrap_or_default());
    }

    #[test]
    fn the_diff_after_edits_is_the_difference_of_two_every_packet_answers(
        a in random_designs(),
        picks in proptest::collection::vec(any::<usize>(), 1..3),
        extra in proptest::collection::vec(any::<u16>(), 0..4),
    ) {
        let da = load(&a);
        let db = edited(&da, &picks);
        let bad = first_disagreement(&da, &db, &extra);
        prop_assert!(bad.is_none(), "{}\nDESIGN:\n{a}\nEDITS: {picks:?}", bad.unwrap_or_default());
    }
}
