//! An opened matrix cell says what the matrix says: on every bundled topology, by subnet and by
//! workload, `explain_cell` finds the cell's reach, its counts add up, the classes it lists get
//! the verdict they are listed under, and its witness traces have the verdict they stand for;
//! the `internet` row and column are the same questions with `internet` on one side.

use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol;
use vnetlab_core::query::EndpointSet;
use vnetlab_core::reach::Atoms;
use vnetlab_core::reach::cell::{explain_cell, internet_edges};
use vnetlab_core::reach::matrix::{MatrixBy, Reach, endpoint_sets, matrix};
use vnetlab_tests::{design_file, topology_files};

const PORTS: &[(Protocol, u16)] = &[(Protocol::Tcp, 443), (Protocol::Udp, 53)];

fn check_design(name: &str, d: &Design, by: MatrixBy) {
    let atoms = Atoms::of(d);
    let m = matrix(d, by, PORTS);
    let sets = endpoint_sets(d, by);
    assert_eq!(
        sets.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        m.names.iter().collect::<Vec<_>>()
    );
    let internet = internet_edges(d, by, PORTS);
    let n = sets.len();
    for (pi, &(proto, port)) in PORTS.iter().enumerate() {
        // The grid, then the internet's row (source n) and column (destination n).
        for s in 0..=n {
            for t in 0..=n {
                if s == n && t == n {
                    continue;
                }
                let set = |i: usize| sets.get(i).map_or(EndpointSet::Internet, |x| x.1.clone());
                let e = explain_cell(d, &atoms, &set(s), &set(t), proto, port);
                let want = match (s == n, t == n) {
                    (false, false) => Some(m.cell(s, t, pi)),
                    (true, _) => internet.from[t][pi],
                    (_, true) => internet.to[s][pi],
                };
                let at = format!("{name} {by:?} {s}→{t} {proto}/{port}");
                assert_eq!(e.reach, want, "{at}");
                assert!(e.delivered <= e.classes, "{at}");
                match e.reach {
                    Some(Reach::All) => assert!(e.blocked_classes.is_empty(), "{at}"),
                    Some(Reach::None) => {
                        assert!(
                            e.delivered_classes.is_empty() && e.delivered_witness.is_none(),
                            "{at}"
                        )
                    }
                    _ => {}
                }
                if e.delivered < e.classes && e.reach.is_some() {
                    let w = e.blocked_witness.as_ref().expect("a blocked witness");
                    assert!(
                        !w.verdict.allowed(),
                        "{at}: the blocked witness is delivered"
                    );
                    assert!(!e.blocked_classes.is_empty(), "{at}");
                }
                if e.delivered > 0 {
                    let w = e.delivered_witness.as_ref().expect("a delivered witness");
                    assert!(
                        w.verdict.allowed(),
                        "{at}: the delivered witness is not delivered"
                    );
                }
            }
        }
    }
}

#[test]
fn opened_cells_and_the_internet_agree_with_the_matrix_on_every_topology() {
    for f in topology_files() {
        let d = design_file(&f);
        check_design(&f, &d, MatrixBy::Subnet);
        check_design(&f, &d, MatrixBy::Workload);
    }
}
