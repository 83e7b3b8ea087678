//! One cell of the reachability matrix opened up: why it is all, some or none — its packet
//! classes (how many, which get through, which do not) and a witness trace each way — and the
//! `internet` row and column the subnet grid does not hold.

use super::matrix::{MatrixBy, Reach, endpoint_sets, reach_of};
use super::{Atoms, Counterexample, check_set_with};
use crate::model::Design;
use crate::net::{PortRange, PortSet, Protocol};
use crate::query::EndpointSet;
use crate::trace::Trace;
use serde::Serialize;

/// Why a cell is what it is.
#[derive(Clone, Debug, Serialize)]
pub struct CellExplanation {
    /// Packet classes between the two ends on this protocol and port.
    pub classes: u64,
    /// Classes delivered (and their reply returned).
    pub delivered: u64,
    /// How much gets through (`None` when the question was too large to prove).
    pub reach: Option<Reach>,
    /// Up to five classes that get through.
    pub delivered_classes: Vec<Counterexample>,
    /// Up to five classes that do not.
    pub blocked_classes: Vec<Counterexample>,
    /// The trace of the first class that gets through.
    pub delivered_witness: Option<Trace>,
    /// The trace of the first class that does not: what stops it.
    pub blocked_witness: Option<Trace>,
}

/// Opens the cell `src` → `dst` on one protocol and port. The counts and the blocked classes
/// are the matrix's own reading (names and identities match nothing, as when proving that
/// everything gets through); the delivered classes are listed from the opposite question, so
/// that both lists come with a witness.
pub fn explain_cell(
    d: &Design,
    atoms: &Atoms,
    src: &EndpointSet,
    dst: &EndpointSet,
    proto: Protocol,
    port: u16,
) -> CellExplanation {
    let ps = PortSet::from_ranges(vec![PortRange::single(port)]);
    let all = check_set_with(d, atoms, src, dst, &[proto], &ps, true);
    let reach = match (all.too_large, all.delivered) {
        (Some(_), _) => None,
        (None, 0) => Some(Reach::None),
        (None, n) if n == all.classes => Some(Reach::All),
        (None, _) => Some(Reach::Partial),
    };
    let (delivered_classes, delivered_witness) = if all.delivered > 0 {
        let some = check_set_with(d, atoms, src, dst, &[proto], &ps, false);
        (some.counterexamples, some.witness)
    } else {
        (Vec::new(), None)
    };
    CellExplanation {
        classes: all.classes,
        delivered: all.delivered,
        reach,
        delivered_classes,
        blocked_classes: all.counterexamples,
        delivered_witness,
        blocked_witness: all.witness,
    }
}

/// The `internet` row and column of a matrix: for each of its rows, per port, how much of the
/// internet reaches it (`from`) and how much of it reaches the internet (`to`). `None` marks a
/// question too large to prove.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InternetEdges {
    /// `from[row][port]`: the internet → the row.
    pub from: Vec<Vec<Option<Reach>>>,
    /// `to[row][port]`: the row → the internet.
    pub to: Vec<Vec<Option<Reach>>>,
}

/// Computes the `internet` row and column for a matrix by `by` on `ports`.
pub fn internet_edges(d: &Design, by: MatrixBy, ports: &[(Protocol, u16)]) -> InternetEdges {
    let atoms = Atoms::of(d);
    let sets = endpoint_sets(d, by);
    let edges = |inbound: bool| -> Vec<Vec<Option<Reach>>> {
        sets.iter()
            .map(|(_, s)| {
                ports
                    .iter()
                    .map(|&(proto, port)| {
                        let (a, b) = if inbound {
                            (&EndpointSet::Internet, s)
                        } else {
                            (s, &EndpointSet::Internet)
                        };
                        reach_of(d, &atoms, a, b, proto, port)
                    })
                    .collect()
            })
            .collect()
    };
    InternetEdges {
        from: edges(true),
        to: edges(false),
    }
}
