//! The items of one file's run, kind by kind: diagnostics, expectations, single-edit faults,
//! required flows, findings (accepted, failing or below `--fail-on`) and unused waivers.

use super::{FileRun, Item, Status};
use vnetlab_core::check::Outcome;
use vnetlab_core::diag::{Severity, Span};

impl FileRun {
    /// Every item of the run, in a stable order: diagnostics, expectations, faults, required
    /// flows, findings, waivers.
    pub fn items(&self) -> Vec<Item> {
        let mut v = Vec::new();
        self.diagnostic_items(&mut v);
        self.check_items(&mut v);
        self.audit_items(&mut v);
        v
    }

    /// Where the first of `names` (from the last) that is an element is written; line 0 when
    /// none is.
    fn locate(&self, names: &[String]) -> Span {
        let records = self.records.as_ref();
        names
            .iter()
            .rev()
            .find_map(|n| records.and_then(|r| r.locate(n)))
            .unwrap_or_default()
    }

    fn diagnostic_items(&self, v: &mut Vec<Item>) {
        for d in &self.diagnostics {
            v.push(Item {
                rule: format!("vnetlab/{}", d.code),
                name: format!("{}:{}:{} {}", self.file, d.span.line, d.span.col, d.code),
                status: match d.severity {
                    Severity::Error => Status::Fail,
                    Severity::Warning => Status::Warn,
                },
                message: d.message.clone(),
                span: d.span,
                detail: d
                    .help
                    .clone()
                    .map(|h| format!("help: {h}"))
                    .unwrap_or_default(),
                related: d
                    .related
                    .iter()
                    .map(|r| (r.span, r.label.clone()))
                    .collect(),
                waiver: None,
            });
        }
    }

    fn check_items(&self, v: &mut Vec<Item>) {
        let Some(report) = &self.check else {
            return;
        };
        if report.results.is_empty() {
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
                related: Vec::new(),
                waiver: None,
            });
        }
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
                related: Vec::new(),
                waiver: None,
            });
        }
        for f in self
            .faults
            .iter()
            .flatten()
            .filter(|f| !f.breaks.is_empty())
        {
            v.push(Item {
                rule: "fault-breaks-expectation".into(),
                name: format!("fault: {}", f.description),
                status: if self.fail_on_fault {
                    Status::Fail
                } else {
                    Status::Warn
                },
                message: format!("{} breaks: {}", f.description, f.breaks.join("; ")),
                span: Span::default(),
                detail: String::new(),
                related: Vec::new(),
                waiver: None,
            });
        }
    }

    fn audit_items(&self, v: &mut Vec<Item>) {
        let Some((report, fail_on, waivers)) = &self.audit else {
            return;
        };
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
                    f.flow.from, f.flow.to, f.flow.protocol, f.flow.port, f.flow.purpose, f.verdict
                ),
                span: self.locate(&[f.flow.from.clone(), f.flow.to.clone()]),
                detail,
                related: Vec::new(),
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
                related: Vec::new(),
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
                related: Vec::new(),
                waiver: None,
            });
        }
    }
}
