//! What `check` and `audit` found, per file, gathered once and written in the CI formats: SARIF
//! (`sarif.rs`), JUnit XML (`junit.rs`) and GitHub workflow annotations (`github.rs`). Every
//! item a report lists is an [`Item`]: one test case for JUnit, one result for SARIF, one
//! annotation for GitHub, so the three always say the same.

pub mod github;
pub mod junit;
pub mod rules;
pub mod sarif;

use vnetlab_core::aml::AuditReport;
use vnetlab_core::aml::waivers::WaiverReport;
use vnetlab_core::check::{CheckReport, Outcome};
use vnetlab_core::diag::{Diagnostic, Severity as DiagSeverity, Span};
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
    /// `check --faults 1`'s single edits.
    pub faults: Option<Vec<Fault>>,
    /// `audit`'s report, its `--fail-on` severity and the waivers applied.
    pub audit: Option<(AuditReport, vnetlab_core::aml::Severity, WaiverReport)>,
    /// `check --require-expectations`: a file without expectations fails.
    pub require_expectations: bool,
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
    /// For an accepted finding: the waiver's justification and owner.
    pub waiver: Option<(String, String)>,
}

impl FileRun {
    /// A file that could not be read or had errors: only its diagnostics.
    pub fn invalid(file: String, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            file,
            diagnostics,
            records: None,
            check: None,
            faults: None,
            audit: None,
            require_expectations: false,
        }
    }

    /// Where the element named `name` is written, if it is one.
    fn locate(&self, names: &[String]) -> Span {
        let records = self.records.as_ref();
        names
            .iter()
            .rev()
            .find_map(|n| records.and_then(|r| r.locate(n)))
            .unwrap_or_default()
    }

    /// Every item of the run, in a stable order: diagnostics, expectations, faults, required
    /// flows, findings, waivers.
    pub fn items(&self) -> Vec<Item> {
        let mut v = Vec::new();
        for d in &self.diagnostics {
            v.push(Item {
                rule: format!("vnetlab/{}", d.code),
                name: format!("{}:{}:{} {}", self.file, d.span.line, d.span.col, d.code),
                status: match d.severity {
                    DiagSeverity::Error => Status::Fail,
                    DiagSeverity::Warning => Status::Warn,
                },
                message: d.message.clone(),
                span: d.span,
                detail: d
                    .help
                    .clone()
                    .map(|h| format!("help: {h}"))
                    .unwrap_or_default(),
                waiver: None,
            });
        }
        if let Some(report) = self.check.as_ref().filter(|r| r.results.is_empty()) {
            v.push(Item {
                rule: "no-expectations".into(),
                name: format!("{} has expectations", report.design),
                status: if self.require_expectations {
                    Status::Fail
                } else {
                    Status::Warn
                },
                message: format!("{} has no `expect` entries: nothing was checked", self.file),
                span: Span { line: 1, col: 1 },
                detail: "add `expect` entries that state what must and must not reach what".into(),
                waiver: None,
            });
        }
        if let Some(report) = &self.check {
            for r in &report.results {
                let col = self
                    .records
                    .as_ref()
                    .and_then(|f| f.expect.iter().find(|e| e.pos.0.line == r.line))
                    .map_or(1, |e| e.pos.0.col);
                let (rule, status) = match r.outcome {
                    Outcome::Holds => ("expectation-holds", Status::Pass),
                    Outcome::Fails => ("expectation-fails", Status::Fail),
                    Outcome::Undecided => ("expectation-undecided", Status::Fail),
                };
                v.push(Item {
                    rule: rule.into(),
                    name: r.name.clone(),
                    status,
                    message: format!(
                        "expectation `{}` ({} → {}, expected {}): {}",
                        r.name, r.from, r.to, r.expected, r.summary
                    ),
                    span: Span { line: r.line, col },
                    detail: vnetlab_core::render::evidence(r, "", true),
                    waiver: None,
                });
            }
        }
        if let Some(faults) = &self.faults {
            for f in faults.iter().filter(|f| !f.breaks.is_empty()) {
                v.push(Item {
                    rule: "fault-breaks-expectation".into(),
                    name: format!("fault: {}", f.description),
                    status: Status::Fail,
                    message: format!("{} breaks: {}", f.description, f.breaks.join("; ")),
                    span: Span::default(),
                    detail: String::new(),
                    waiver: None,
                });
            }
        }
        if let Some((report, fail_on, waivers)) = &self.audit {
            for f in &report.flows {
                let mut detail = String::new();
                if let Some(t) = &f.trace {
                    detail.push_str(&vnetlab_core::render::trace(t));
                }
                if let Some(fix) = &f.fix {
                    detail.push_str(&format!("fix: {}\n", fix.change));
                }
                v.push(Item {
                    rule: if f.works {
                        "required-flow-works"
                    } else {
                        "required-flow-broken"
                    }
                    .into(),
                    name: format!("required flow {}", f.flow.id),
                    status: if f.works { Status::Pass } else { Status::Fail },
                    message: format!(
                        "{} → {} {}/{} ({}): {}",
                        f.flow.from,
                        f.flow.to,
                        f.flow.protocol,
                        f.flow.port,
                        f.flow.purpose,
                        f.verdict
                    ),
                    span: self.locate(&[f.flow.from.clone(), f.flow.to.clone()]),
                    detail,
                    waiver: None,
                });
            }
            for (i, f) in report.findings.iter().enumerate() {
                let waiver = waivers.accepting(i);
                let status = if waiver.is_some() {
                    Status::Accepted
                } else if f.severity >= *fail_on {
                    Status::Fail
                } else {
                    Status::Warn
                };
                let mut detail = String::new();
                if let Some(w) = &f.witness {
                    detail.push_str(&format!("witness: {w}\n"));
                }
                if let Some(t) = &f.trace {
                    detail.push_str(&vnetlab_core::render::trace(t));
                }
                detail.push_str(&format!("remediation: {}\n", f.remediation));
                let span = match waivers.expired.iter().find(|(_, at)| *at == i) {
                    Some(&(w, _)) => Span {
                        line: waivers.waivers[w].line,
                        col: waivers.waivers[w].col,
                    },
                    None => self.locate(&f.resources),
                };
                v.push(Item {
                    rule: f.id.to_string(),
                    name: format!("{} {}", f.id, f.resources.join(", ")),
                    status,
                    message: format!("[{}] {}", f.severity, f.title),
                    span,
                    detail,
                    waiver: waiver.map(|w| (w.justification.clone(), w.owner.clone())),
                });
            }
            for &u in &waivers.unused {
                let w = &waivers.waivers[u];
                v.push(Item {
                    rule: "waiver-unused".into(),
                    name: format!("waiver {} {}", w.finding, w.resource),
                    status: Status::Warn,
                    message: format!(
                        "the waiver for {} on {} accepts no finding: the finding is gone, or the waiver names the wrong finding or element",
                        w.finding, w.resource
                    ),
                    span: Span { line: w.line, col: w.col },
                    detail: w
                        .help
                        .clone()
                        .unwrap_or_else(|| "remove the waiver, or correct its `finding` or `resource`".into()),
                    waiver: None,
                });
            }
        }
        v
    }
}
