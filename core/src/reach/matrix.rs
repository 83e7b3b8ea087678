//! Who reaches whom: a grid of subnets (or workloads) × the same, per protocol and port, each
//! cell proven over every packet class between the two.

use super::bits::Bits;
use super::{Atoms, check_set_with};
use crate::model::{Design, SubnetId, WorkloadId};
use crate::net::{PortRange, PortSet, Protocol};
use crate::query::{Endpoint, EndpointSet};
use serde::Serialize;

/// The ports a reachability matrix shows unless told otherwise — the one default list of the
/// command line's `matrix`, the terminal app and the browser: SSH, HTTPS, RDP, SMB (Azure
/// Files), SQL, Azure ML's compute port (E1) and DNS.
pub const DEFAULT_PORTS: [(Protocol, u16); 7] = [
    (Protocol::Tcp, 443),
    (Protocol::Tcp, 22),
    (Protocol::Tcp, 3389),
    (Protocol::Tcp, 445),
    (Protocol::Tcp, 1433),
    (Protocol::Tcp, 44224),
    (Protocol::Udp, 53),
];

/// [`DEFAULT_PORTS`] as the command line writes ports: `443,22,…,udp/53`.
pub fn default_ports_text() -> String {
    DEFAULT_PORTS
        .iter()
        .map(|(p, n)| match p {
            Protocol::Tcp => n.to_string(),
            p => format!("{p}/{n}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

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
    /// How much gets through, as a number that grows with it: none 0, some 1, all 2.
    pub fn rank(self) -> u8 {
        match self {
            Reach::None => 0,
            Reach::Partial => 1,
            Reach::All => 2,
        }
    }

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
#[derive(Clone, Debug)]
pub struct Matrix {
    /// Rows and columns.
    pub by: MatrixBy,
    /// Names of the rows (= columns).
    pub names: Vec<String>,
    /// The (protocol, port) pairs of each cell.
    pub ports: Vec<(Protocol, u16)>,
    /// Cells where every packet class is delivered, and where some is, as bits indexed
    /// row-major by source, destination and port (two bits a cell: T3's 400 million cells fit in
    /// 100 MB).
    every: Bits,
    some: Bits,
}

impl Matrix {
    /// The element of row (and column) `i`: a subnet or a workload.
    pub fn element(&self, i: usize) -> crate::model::ElementRef {
        use crate::model::ElementRef;
        let name = self.names[i].clone();
        match self.by {
            MatrixBy::Subnet => ElementRef::Subnet(name),
            MatrixBy::Workload => ElementRef::Workload(name),
        }
    }

    /// The elements a cell is about: its source and its destination.
    pub fn cell_elements(
        &self,
        src: usize,
        dst: usize,
    ) -> (crate::model::ElementRef, crate::model::ElementRef) {
        (self.element(src), self.element(dst))
    }

    /// Builds a matrix from its cells in row-major order (source, destination, port).
    pub fn new(
        by: MatrixBy,
        names: Vec<String>,
        ports: Vec<(Protocol, u16)>,
        cells: Vec<Reach>,
    ) -> Self {
        assert_eq!(cells.len(), names.len() * names.len() * ports.len());
        let (mut every, mut some) = (Bits::empty(cells.len()), Bits::empty(cells.len()));
        for (i, c) in cells.iter().enumerate() {
            match c {
                Reach::All => {
                    every.insert(i);
                    some.insert(i);
                }
                Reach::Partial => some.insert(i),
                Reach::None => {}
            }
        }
        Self::from_bits(by, names, ports, every, some)
    }

    /// Builds a matrix from its two bit planes (see the fields).
    pub(crate) fn from_bits(
        by: MatrixBy,
        names: Vec<String>,
        ports: Vec<(Protocol, u16)>,
        every: Bits,
        some: Bits,
    ) -> Self {
        Self {
            by,
            names,
            ports,
            every,
            some,
        }
    }

    /// The two bit planes (see the fields).
    pub(super) fn planes(&self) -> (&Bits, &Bits) {
        (&self.every, &self.some)
    }

    /// Moves the bit planes out, for an update in place ([`Matrix::put_planes`] puts them back).
    pub(super) fn take_planes(&mut self) -> (Bits, Bits) {
        (
            std::mem::take(&mut self.every),
            std::mem::take(&mut self.some),
        )
    }

    /// Puts back the planes [`Matrix::take_planes`] moved out.
    pub(super) fn put_planes(&mut self, (every, some): (Bits, Bits)) {
        (self.every, self.some) = (every, some);
    }

    /// How much of row `source` reaches column `destination` on the `port`-th port.
    pub fn cell(&self, source: usize, destination: usize, port: usize) -> Reach {
        let i = (source * self.names.len() + destination) * self.ports.len() + port;
        if self.every.contains(i) {
            Reach::All
        } else if self.some.contains(i) {
            Reach::Partial
        } else {
            Reach::None
        }
    }

    /// One cell's answers, one per port.
    pub fn reaches(&self, source: usize, destination: usize) -> Vec<Reach> {
        (0..self.ports.len())
            .map(|p| self.cell(source, destination, p))
            .collect()
    }
}

/// JSON: `cells[source][destination][port]`, as docs/cli-json.md documents.
impl Serialize for Matrix {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let n = self.names.len();
        let rows: Vec<Vec<Vec<Reach>>> = (0..n)
            .map(|i| (0..n).map(|j| self.reaches(i, j)).collect())
            .collect();
        let mut st = s.serialize_struct("Matrix", 4)?;
        st.serialize_field("by", &self.by)?;
        st.serialize_field("names", &self.names)?;
        st.serialize_field("ports", &self.ports)?;
        st.serialize_field("cells", &rows)?;
        st.end()
    }
}

/// Computes the matrix for the given ports. By subnet, every cell is computed on sets of
/// packet classes at once (`plane`); the result is the same as [`matrix_by_tracing`]'s.
pub fn matrix(d: &Design, by: MatrixBy, ports: &[(Protocol, u16)]) -> Matrix {
    matrix_with(d, by, ports, &mut |_, _| true).expect("never stopped")
}

/// [`matrix`], telling `go_on` how many rows of how many are done before each row it traces
/// (a front end shows progress) and stopping with `None` as soon as `go_on` says `false` (a
/// front end cancels). The set engine's subnet matrix is one step.
pub fn matrix_with(
    d: &Design,
    by: MatrixBy,
    ports: &[(Protocol, u16)],
    go_on: &mut dyn FnMut(usize, usize) -> bool,
) -> Option<Matrix> {
    if by == MatrixBy::Subnet
        && let Some((every, some)) = super::plane::subnet_matrix(d, ports)
    {
        let names = d.subnets.iter().map(|s| s.name.clone()).collect();
        return Some(Matrix::from_bits(by, names, ports.to_vec(), every, some));
    }
    tracing_with(d, by, ports, go_on)
}

/// The subnet matrix with only the given rows computed (the others read `none`), on sets of
/// packet classes; `None` when the set engine does not cover the design (then trace).
pub(crate) fn subnet_rows(
    d: &Design,
    ports: &[(Protocol, u16)],
    rows: &[SubnetId],
) -> Option<Matrix> {
    let (every, some) = super::plane::subnet_rows(d, ports, rows)?;
    let names = d.subnets.iter().map(|s| s.name.clone()).collect();
    Some(Matrix::from_bits(
        MatrixBy::Subnet,
        names,
        ports.to_vec(),
        every,
        some,
    ))
}

/// The matrix by tracing one packet per class for every cell: the reference the set-based
/// engine is tested and benchmarked against.
pub fn matrix_by_tracing(d: &Design, by: MatrixBy, ports: &[(Protocol, u16)]) -> Matrix {
    tracing_with(d, by, ports, &mut |_, _| true).expect("never stopped")
}

fn tracing_with(
    d: &Design,
    by: MatrixBy,
    ports: &[(Protocol, u16)],
    go_on: &mut dyn FnMut(usize, usize) -> bool,
) -> Option<Matrix> {
    let atoms = Atoms::of(d);
    let sets = endpoint_sets(d, by);
    let mut cells = Vec::with_capacity(sets.len() * sets.len() * ports.len());
    for (row, (_, src)) in sets.iter().enumerate() {
        if !go_on(row, sets.len()) {
            return None;
        }
        for (_, dst) in &sets {
            for &(proto, port) in ports {
                cells.push(reach_of(d, &atoms, src, dst, proto, port).unwrap_or(Reach::None));
            }
        }
    }
    Some(Matrix::new(
        by,
        sets.into_iter().map(|(n, _)| n).collect(),
        ports.to_vec(),
        cells,
    ))
}

/// How much of `src` reaches `dst` on one protocol and port, proven over every packet class;
/// `None` when the question has more classes than [`super::BUDGET`].
pub fn reach_of(
    d: &Design,
    atoms: &Atoms,
    src: &EndpointSet,
    dst: &EndpointSet,
    proto: Protocol,
    port: u16,
) -> Option<Reach> {
    let ps = PortSet::from_ranges(vec![PortRange::single(port)]);
    let r = check_set_with(d, atoms, src, dst, &[proto], &ps, true);
    if r.too_large.is_some() {
        return None;
    }
    Some(match r.delivered {
        0 => Reach::None,
        n if n == r.classes => Reach::All,
        _ => Reach::Partial,
    })
}

/// The rows (= columns) of a matrix: each name with the set of packets' ends it stands for.
pub fn endpoint_sets(d: &Design, by: MatrixBy) -> Vec<(String, EndpointSet)> {
    match by {
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
                    out.push_str(&format!("  {}", self.cell(r, c, pi).symbol()));
                }
                out.push_str(&format!("   {}\n", r + 1));
            }
            out.push('\n');
        }
        out
    }
}
