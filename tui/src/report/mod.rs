//! What `check` and `audit` found, per file, gathered once and written in the CI formats: SARIF
//! (`sarif.rs`), JUnit XML (`junit.rs`) and GitHub workflow annotations (`github.rs`). Every
//! item a report lists is an [`Item`]: one test case for JUnit, one result for SARIF, one
//! annotation for GitHub, so the three always say the same.

pub mod github;
mod items;
pub mod junit;
pub mod rules;
pub mod sarif;

use vnetlab_core::aml::AuditReport;
use vnetlab_core::aml::waivers::WaiverReport;
use vnetlab_core::check::CheckReport;
use vnetlab_core::diag::{Diagnostic, Span};
use vnetlab_core::diff::Fault;
use vnetlab_core::format::TopologyFile;

/// One file's run: its diagnostics and, when it was valid, what was computed.
pub struct FileRun {
    /// The file as named on the command line.
    pub file: String,
    /// Every diagnostic of the file.
    pub diagnostics: Vec<Diagnostic>,
    /// The records (for locating elements), when the file was valid.
    pub records: Option<TopologyFile>,
    /// `check`'s report.
    pub check: Option<CheckReport>,
    /// `check --faults 1`'s single edits (those tried).
    pub faults: Option<Vec<Fault>>,
    /// `check --fail-on-fault`: a single edit that breaks an expectation fails the run.
    pub fail_on_fault: bool,
    /// `audit`'s report, its `--fail-on` severity and the waivers applied.
    pub audit: Option<(AuditReport, vnetlab_core::aml::Severity, WaiverReport)>,
    /// `check --require-expectations`: a file without expectations fails.
    pub require_expectations: bool,
    /// The design's text, when it was read (an imported design's `# source:` comments lead
    /// SARIF locations back to the files it came from).
    pub text: Option<String>,
}

/// How an item came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// It holds, works, or is below the failing severity.
    Pass,
    /// It fails the run.
    Fail,
    /// A warning: reported, does not fail the run.
    Warn,
    /// A finding a waiver accepts.
    Accepted,
}

/// One thing a report lists.
pub struct Item {
    /// Rule id (see `rules.rs`).
    pub rule: String,
    /// Test case name.
    pub name: String,
    /// Outcome.
    pub status: Status,
    /// One line.
    pub message: String,
    /// Where (1-based; line 0 when unknown).
    pub span: Span,
    /// The evidence (a trace, counterexamples, a fix), several lines.
    pub detail: String,
    /// Other places involved (where a duplicate was first defined), with what is there.
    pub related: Vec<(Span, String)>,
    /// For an accepted finding: the waiver's justification and owner.
    pub waiver: Option<(String, String)>,
}

impl FileRun {
    /// A file that could not be read: one located `read` error.
    pub fn unreadable(file: String, message: String) -> Self {
        let d = Diagnostic {
            severity: vnetlab_core::diag::Severity::Error,
            file: file.clone(),
            span: vnetlab_core::diag::Span::default(),
            code: "read",
            message,
            help: None,
            related: Vec::new(),
        };
        Self::invalid(file, vec![d])
    }

    /// A file that could not be read or had errors: only its diagnostics.
    pub fn invalid(file: String, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            file,
            diagnostics,
            records: None,
            check: None,
            faults: None,
            fail_on_fault: false,
            audit: None,
            require_expectations: false,
            text: None,
        }
    }
}
