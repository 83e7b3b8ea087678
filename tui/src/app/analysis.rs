//! What the app shows of one design, all computed by vnetlab-core (outline, expectation
//! results, the Azure ML audit's required flows and findings, warnings, reachability matrix),
//! and how the edited design differs from the file on disk (newly allowed / newly denied).

use std::collections::BTreeMap;
use vnetlab_core::aml::AuditReport;
use vnetlab_core::aml::findings::Finding;
use vnetlab_core::aml::flows::FlowResult;
use vnetlab_core::check::{CheckReport, ExpectResult, Outcome};
use vnetlab_core::diag::Diagnostic;
use vnetlab_core::format::ExpectedVerdict;
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol;
use vnetlab_core::outline::{Item, outline};
use vnetlab_core::reach::cell::{InternetEdges, internet_edges};
use vnetlab_core::reach::matrix::{Matrix, MatrixBy, Reach, matrix};
use vnetlab_core::session::Session;

/// The (protocol, port) pairs of the reachability matrix, cycled with `p`: the one default
/// list ([`vnetlab_core::reach::matrix::DEFAULT_PORTS`]).
pub const MATRIX_PORTS: &[(Protocol, u16)] = &vnetlab_core::reach::matrix::DEFAULT_PORTS;

/// The most rows a matrix gets an `internet` row and column for: each port shown needs two set
/// questions per row (the internet is cut into many packet classes), recomputed after an edit.
pub const INTERNET_ROWS_MAX: usize = 200;

/// Everything the app shows about one valid design.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The design.
    pub design: Design,
    /// Its outline (the tree pane).
    pub outline: Vec<Item>,
    /// Its `expect` entries, proven.
    pub report: CheckReport,
    /// The Azure ML audit: required flows and findings.
    pub audit: AuditReport,
    /// The warnings vnetlab-core raised while building it.
    pub warnings: Vec<Diagnostic>,
    /// Who reaches whom.
    pub matrix: Matrix,
    /// The matrix's `internet` row and column, by index into [`MATRIX_PORTS`]: computed for a
    /// port when the matrix shows it ([`Analysis::prepare_internet`]), never above
    /// [`INTERNET_ROWS_MAX`] rows.
    pub internet: BTreeMap<usize, InternetEdges>,
}

impl Analysis {
    /// Analyses a design. The matrix is by subnets (the set engine's, quick); by workloads it
    /// traces every pair and can take minutes, so the app asks a worker thread for it.
    pub fn of(design: Design, warnings: Vec<Diagnostic>) -> Self {
        let report = vnetlab_core::check(&design);
        let matrix = matrix(&design, MatrixBy::Subnet, MATRIX_PORTS);
        Self {
            outline: outline(&design),
            report,
            audit: vnetlab_core::aml::audit(&design),
            warnings,
            matrix,
            internet: BTreeMap::new(),
            design,
        }
    }

    /// What a live session knows of its current design (its analyses are kept up to date edit
    /// by edit: nothing is analysed again here); `None` when the design is invalid.
    pub fn live(session: &Session, warnings: Vec<Diagnostic>) -> Option<Self> {
        let design = session.design()?;
        Some(Self {
            outline: outline(design),
            report: session.report()?.clone(),
            audit: session.audit()?.clone(),
            warnings,
            matrix: session.matrix()?.clone(),
            internet: BTreeMap::new(),
            design: design.clone(),
        })
    }

    /// A matrix worked out elsewhere (by workloads, on a worker thread); the internet row and
    /// column are worked out again for it.
    pub fn set_matrix(&mut self, m: Matrix) {
        self.matrix = m;
        self.internet.clear();
    }

    /// Back to the matrix by subnets (quick; by workloads comes from a worker).
    pub fn by_subnet(&mut self) {
        if self.matrix.by != MatrixBy::Subnet {
            self.set_matrix(matrix(&self.design, MatrixBy::Subnet, MATRIX_PORTS));
        }
    }

    /// Whether the matrix has an `internet` row and column (not above [`INTERNET_ROWS_MAX`]).
    pub fn has_internet(&self) -> bool {
        self.matrix.names.len() <= INTERNET_ROWS_MAX
    }

    /// Computes the `internet` row and column for the `port`-th port, unless done already.
    pub fn prepare_internet(&mut self, port: usize) {
        if self.has_internet() && !self.internet.contains_key(&port) {
            let p = MATRIX_PORTS[port.min(MATRIX_PORTS.len() - 1)];
            let edges = internet_edges(&self.design, self.matrix.by, &[p]);
            self.internet.insert(port, edges);
        }
    }

    /// Rows (= columns) of the matrix shown: its names, then `internet` when computed.
    pub fn rows(&self) -> usize {
        self.matrix.names.len() + usize::from(self.has_internet())
    }

    /// The name of row (= column) `i`: index `names.len()` is the internet.
    pub fn row_name(&self, i: usize) -> &str {
        self.matrix.names.get(i).map_or("internet", String::as_str)
    }

    /// How much of row `row` reaches column `col` on the `port`-th port, where index
    /// `names.len()` is the internet; `None` when not known (too large, or internet to itself).
    pub fn reach(&self, row: usize, col: usize, port: usize) -> Option<Reach> {
        let n = self.matrix.names.len();
        match (row == n, col == n) {
            (false, false) => Some(self.matrix.cell(row, col, port)),
            (true, false) => self.internet.get(&port)?.from[col][0],
            (false, true) => self.internet.get(&port)?.to[row][0],
            (true, true) => None,
        }
    }
}

/// How an answer changed since the file on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Traffic that was not delivered now is.
    NewlyAllowed,
    /// Traffic that was delivered now is not.
    NewlyDenied,
}

impl Change {
    fn between(before: bool, after: bool) -> Option<Self> {
        match (before, after) {
            (false, true) => Some(Change::NewlyAllowed),
            (true, false) => Some(Change::NewlyDenied),
            _ => None,
        }
    }
}

/// Whether an expectation's traffic is delivered (what it found, whatever it wanted).
pub fn delivered(r: &ExpectResult) -> bool {
    (r.expected == ExpectedVerdict::Allowed) == (r.outcome == Outcome::Holds)
}

/// How an expectation changed between the file on disk (`base`) and now.
pub fn expectation_change(base: &CheckReport, now: &ExpectResult) -> Option<Change> {
    let before = base.results.iter().find(|r| r.name == now.name)?;
    if now.outcome == Outcome::Undecided || before.outcome == now.outcome {
        return None;
    }
    Change::between(delivered(before), delivered(now))
}

/// How one matrix cell changed between `base` and `now` (matched by row and column names).
pub fn cell_change(
    base: &Analysis,
    now: &Analysis,
    row: usize,
    col: usize,
    port: usize,
) -> Option<Change> {
    // The internet is the index past the names in either matrix.
    let find = |i: usize| -> Option<usize> {
        match now.matrix.names.get(i) {
            None => Some(base.matrix.names.len()),
            Some(name) => base.matrix.names.iter().position(|n| n == name),
        }
    };
    let (br, bc) = (find(row)?, find(col)?);
    let (b, a) = (
        base.reach(br, bc, port)?.rank(),
        now.reach(row, col, port)?.rank(),
    );
    match a.cmp(&b) {
        std::cmp::Ordering::Greater => Some(Change::NewlyAllowed),
        std::cmp::Ordering::Less => Some(Change::NewlyDenied),
        std::cmp::Ordering::Equal => None,
    }
}

/// How a required Azure ML flow changed between `base` and now (matched by id).
pub fn flow_change(base: &AuditReport, now: &FlowResult) -> Option<Change> {
    let before = base.flows.iter().find(|f| f.flow.id == now.flow.id)?;
    Change::between(before.works, now.works)
}

/// Whether a finding is new since the file on disk (no finding of the same kind and title).
pub fn finding_is_new(base: &AuditReport, now: &Finding) -> bool {
    !base
        .findings
        .iter()
        .any(|f| f.id == now.id && f.title == now.title)
}

/// Findings of `base` that are gone now.
pub fn resolved_findings<'a>(base: &'a AuditReport, now: &AuditReport) -> Vec<&'a Finding> {
    base.findings
        .iter()
        .filter(|f| {
            !now.findings
                .iter()
                .any(|n| n.id == f.id && n.title == f.title)
        })
        .collect()
}
