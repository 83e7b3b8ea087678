//! The JSON documents `check`, `audit` and `import` write (docs/cli-json.md), as typed structs.
//! Fields are declared in alphabetical order, the order these documents have always had.

use serde::Serialize;
use vnetlab_core::aml::findings::Finding;
use vnetlab_core::aml::flows::FlowResult;
use vnetlab_core::aml::waivers::WaiverReport;
use vnetlab_core::aml::{AuditReport, Governance};
use vnetlab_core::check::CheckReport;
use vnetlab_core::diag::Diagnostic;
use vnetlab_core::diff::Fault;

/// Every file of one run: `{"files": [...]}`, plus the portfolio for `audit`.
#[derive(Serialize)]
pub struct Files<'a, R: Serialize, P: Serialize = ()> {
    /// One entry per file, in command-line order.
    pub files: Vec<FileEntry<'a, R>>,
    /// `audit` over many designs: the portfolio figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portfolio: Option<P>,
}

/// One file of a run: its diagnostics and, when it was valid, its report.
#[derive(Serialize)]
pub struct FileEntry<'a, R: Serialize> {
    /// Every diagnostic of the file.
    pub diagnostics: &'a [Diagnostic],
    /// `check --faults 1`: the single edits tried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faults: Option<&'a [Fault]>,
    /// The file as named on the command line.
    pub file: &'a str,
    /// The report, when the file was valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<R>,
    /// Whether the file loaded without errors.
    pub valid: bool,
}

/// `check`'s report of one file.
pub type CheckEntry<'a> = FileEntry<'a, &'a CheckReport>;

/// One design's audit: the report, each accepted finding naming its waiver, and the waivers.
#[derive(Serialize)]
pub struct AuditDocument<'a> {
    /// The design's name.
    pub design: &'a str,
    /// Every isolation finding.
    pub findings: Vec<AuditedFinding<'a>>,
    /// Every required flow with its verdict, trace and fix.
    pub flows: &'a [FlowResult],
    /// Governance figures.
    pub governance: &'a Governance,
    /// The waivers applied and what became of each.
    pub waivers: &'a WaiverReport,
}

impl<'a> AuditDocument<'a> {
    /// The audit `audit` found, with the waivers `waived` applied.
    pub fn new(audit: &'a AuditReport, waived: &'a WaiverReport) -> Self {
        AuditDocument {
            design: &audit.design,
            findings: audit
                .findings
                .iter()
                .enumerate()
                .map(|(i, finding)| AuditedFinding {
                    finding,
                    accepted_by: waived
                        .accepted
                        .iter()
                        .find(|&&(f, _)| f == i)
                        .map(|&(_, w)| w),
                })
                .collect(),
            flows: &audit.flows,
            governance: &audit.governance,
            waivers: waived,
        }
    }
}

/// A finding and the waiver that accepts it, if one does.
#[derive(Serialize)]
pub struct AuditedFinding<'a> {
    /// The finding.
    #[serde(flatten)]
    pub finding: &'a Finding,
    /// The index in `waivers.waivers` of the waiver accepting it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_by: Option<usize>,
}

/// `import`'s document: the import report, the design (or where it was written) and what the
/// imported design's validation found.
#[derive(Serialize)]
pub struct ImportDocument<'a> {
    /// The imported design, when it was not written to a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub design: Option<&'a str>,
    /// The imported design's validation errors (to fix before `vnetlab check`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub design_diagnostics: Option<Vec<&'a Diagnostic>>,
    /// Diagnostics of the source files, when nothing could be imported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<&'a [Diagnostic]>,
    /// The file the design was written to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// What was dropped, approximated or unknown until deployment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<vnetlab_import::report::Summary<'a>>,
    /// Whether the sources were imported.
    pub valid: bool,
}
