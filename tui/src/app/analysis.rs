//! What the app shows of one design, all computed by vnetlab-core (outline, expectation
//! results, the Azure ML audit's required flows and findings, warnings, reachability matrix),
//! and how the edited design differs from the file on disk (newly allowed / newly denied).

use vnetlab_core::aml::AuditReport;
use vnetlab_core::aml::findings::Finding;
use vnetlab_core::aml::flows::FlowResult;
use vnetlab_core::check::{CheckReport, ExpectResult, Outcome};
use vnetlab_core::diag::Diagnostic;
use vnetlab_core::format::ExpectedVerdict;
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol;
use vnetlab_core::outline::{Item, outline};
use vnetlab_core::reach::matrix::{Matrix, MatrixBy, matrix};

/// The (protocol, port) pairs of the reachability matrix, cycled with `p`.
pub const MATRIX_PORTS: &[(Protocol, u16)] = &[
    (Protocol::Tcp, 443),
    (Protocol::Tcp, 445),
    (Protocol::Tcp, 22),
    (Protocol::Tcp, 3389),
    (Protocol::Udp, 53),
];

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
            design,
        }
    }

    /// Back to the matrix by subnets (quick; by workloads comes from a worker).
    pub fn by_subnet(&mut self) {
        if self.matrix.by != MatrixBy::Subnet {
            self.matrix = matrix(&self.design, MatrixBy::Subnet, MATRIX_PORTS);
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
    base: &Matrix,
    now: &Matrix,
    row: usize,
    col: usize,
    port: usize,
) -> Option<Change> {
    let (r, c) = (&now.names[row], &now.names[col]);
    let br = base.names.iter().position(|n| n == r)?;
    let bc = base.names.iter().position(|n| n == c)?;
    let (b, a) = (
        base.cell(br, bc, port).rank(),
        now.cell(row, col, port).rank(),
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
