//! Who reaches whom: a grid of subnets (or workloads) × the same, per protocol and port, each
//! cell proven over every packet class between the two.

use super::{Atoms, check_set_with};
use crate::model::{Design, SubnetId, WorkloadId};
use crate::net::{PortRange, PortSet, Protocol};
use crate::query::{Endpoint, EndpointSet};
use serde::Serialize;

/// What the rows and columns are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatrixBy {
    /// Subnets (every address in them).
    Subnet,
    /// Workloads.
    Workload,
}

/// How much of a cell gets through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Every packet class is delivered.
    All,
    /// Some are, some are not.
    Partial,
    /// None is.
    None,
}

impl Reach {
    /// One character for grids.
    pub fn symbol(self) -> char {
        match self {
            Reach::All => '●',
            Reach::Partial => '◐',
            Reach::None => '·',
        }
    }
}

/// The reachability matrix.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    /// Rows and columns.
    pub by: MatrixBy,
    /// Names of the rows (= columns).
    pub names: Vec<String>,
    /// The (protocol, port) pairs of each cell.
    pub ports: Vec<(Protocol, u16)>,
    /// `cells[source][destination][port]`.
    pub cells: Vec<Vec<Vec<Reach>>>,
}

/// Computes the matrix for the given ports.
pub fn matrix(d: &Design, by: MatrixBy, ports: &[(Protocol, u16)]) -> Matrix {
    let atoms = Atoms::of(d);
    let sets: Vec<(String, EndpointSet)> = match by {
        MatrixBy::Subnet => (0..d.subnets.len())
            .map(|i| {
                (
                    d.subnets[i].name.clone(),
                    EndpointSet::Subnet(SubnetId(i as u32)),
                )
            })
            .collect(),
        MatrixBy::Workload => (0..d.workloads.len())
            .map(|i| {
                (
                    d.workloads[i].name.clone(),
                    EndpointSet::One(Endpoint::Workload(WorkloadId(i as u32))),
                )
            })
            .collect(),
    };
    let cells = sets
        .iter()
        .map(|(_, src)| {
            sets.iter()
                .map(|(_, dst)| {
                    ports
                        .iter()
                        .map(|&(proto, port)| {
                            let ps = PortSet::from_ranges(vec![PortRange::single(port)]);
                            let r = check_set_with(d, &atoms, src, dst, &[proto], &ps, true);
                            match r.delivered {
                                0 => Reach::None,
                                n if n == r.classes => Reach::All,
                                _ => Reach::Partial,
                            }
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    Matrix {
        by,
        names: sets.into_iter().map(|(n, _)| n).collect(),
        ports: ports.to_vec(),
        cells,
    }
}

impl Matrix {
    /// The grid as text: one block per port.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let w = self
            .names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(4);
        for (pi, (proto, port)) in self.ports.iter().enumerate() {
            out.push_str(&format!(
                "{proto}/{port}  (row reaches column: ● all, ◐ some, · none)\n"
            ));
            out.push_str(&format!("{:w$}  ", ""));
            for i in 0..self.names.len() {
                out.push_str(&format!("{:>3}", i + 1));
            }
            out.push('\n');
            for (r, name) in self.names.iter().enumerate() {
                out.push_str(&format!("{name:w$}  "));
                for c in 0..self.names.len() {
                    out.push_str(&format!("  {}", self.cells[r][c][pi].symbol()));
                }
                out.push_str(&format!("   {}\n", r + 1));
            }
            out.push('\n');
        }
        out
    }
}
