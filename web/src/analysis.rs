//! Everything the app shows about a design, computed by `vnetlab-core` (the very code the command
//! line runs): diagnostics, the records, the validated design, every expectation's verdict with
//! its trace, the diagram, what-if differences and the reachability matrix. Pure and native-tested.

use std::cell::RefCell;
use std::rc::Rc;
use vnetlab_core::check::{CheckReport, ExpectResult, Outcome};
use vnetlab_core::diag::{Diagnostic, Diagnostics, Severity};
use vnetlab_core::format::{self, TopologyFile};
use vnetlab_core::model::{self, BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::query::{Side, parse_endpoint};
use vnetlab_core::reach::matrix::{Matrix, MatrixBy, matrix};
use vnetlab_core::session::Session;
use vnetlab_core::trace::Trace;
use vnetlab_core::whatif::{Edit, ExpectChange, expectation_changes};

use vnetlab_core::aml::{AuditReport, Severity as AmlSeverity, audit};

use crate::layout::{Diagram, Highlight};

/// The analysis of one source text.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The file name diagnostics are reported against.
    pub name: String,
    /// The records, when the text is well-formed (even if the design is not valid).
    pub file: Option<TopologyFile>,
    /// The validated design, when there are no errors.
    pub design: Option<Design>,
    /// Every diagnostic, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Every expectation's verdict (empty without a design).
    pub report: Option<CheckReport>,
    /// The Azure ML audit: required flows with verdicts, and isolation findings.
    pub audit: Option<AuditReport>,
    /// The diagram of the design.
    pub diagram: Diagram,
    /// The live session what-if edits are applied to, started on the first what-if question.
    pub live: Live,
}

/// A live session over an analysed design, shared by the clones of its [`Analysis`] (which is
/// immutable once made: the session's base is always its design).
#[derive(Clone, Default)]
pub struct Live(Rc<RefCell<Option<Session>>>);

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Live")
    }
}

impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// Reads, validates and checks `text` (YAML or JSON) exactly as `vnetlab check` does.
pub fn analyze(name: &str, text: &str) -> Analysis {
    let mut diags = Diagnostics::new(name);
    let file = format::read(text.as_bytes(), &mut diags);
    let design = file
        .as_ref()
        .and_then(|f| model::build(f, &BuildOptions::default(), &mut diags));
    let report = design.as_ref().map(vnetlab_core::check);
    let audit = design.as_ref().map(audit);
    let diagram = design.as_ref().map(Diagram::of).unwrap_or_default();
    Analysis {
        name: name.to_string(),
        file,
        design,
        diagnostics: diags.finish(),
        report,
        audit,
        diagram,
        live: Live::default(),
    }
}

impl Analysis {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// The expectation results (empty without a design).
    pub fn results(&self) -> &[ExpectResult] {
        self.report
            .as_ref()
            .map(|r| r.results.as_slice())
            .unwrap_or_default()
    }

    /// The status bar's parts, worst news kept visible: expectations held, required Azure ML
    /// flows broken, audit findings by severity (highest first) and source warnings, e.g.
    /// `8 of 8 expectations hold · 5 of 20 required flows broken · findings: 2 high, 1 low`.
    /// Each part says whether it is bad news (drawn as such).
    pub fn status(&self) -> Vec<StatusPart> {
        if self.errors() > 0 {
            return vec![StatusPart::bad(
                "errors",
                plural(self.errors(), "error") + " · fix them to analyse",
            )];
        }
        let results = self.results();
        let held = results
            .iter()
            .filter(|r| r.outcome == Outcome::Holds)
            .count();
        let mut parts = vec![StatusPart {
            key: "expectations",
            text: format!("{held} of {} expectations hold", results.len()),
            bad: held < results.len(),
        }];
        if let Some(a) = self.audit.as_ref().filter(|a| !a.flows.is_empty()) {
            parts.push(StatusPart {
                key: "flows",
                text: format!("{} of {} required flows broken", a.broken(), a.flows.len()),
                bad: a.broken() > 0,
            });
        }
        if let Some(a) = &self.audit {
            let by: Vec<String> = AmlSeverity::ALL
                .iter()
                .rev()
                .filter_map(|&sev| {
                    let n = a.findings.iter().filter(|f| f.severity == sev).count();
                    (n > 0).then(|| format!("{n} {}", sev.as_str()))
                })
                .collect();
            parts.push(if by.is_empty() {
                StatusPart {
                    key: "findings",
                    text: "no findings".into(),
                    bad: false,
                }
            } else {
                StatusPart::bad("findings", format!("findings: {}", by.join(", ")))
            });
        }
        if self.warnings() > 0 {
            parts.push(StatusPart::bad(
                "warnings",
                plural(self.warnings(), "warning"),
            ));
        }
        parts
    }

    /// [`Analysis::status`] as one line.
    pub fn summary(&self) -> String {
        self.status()
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Findings: warnings and the expectations that do not hold, as one-line texts.
    pub fn findings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| format!("line {}: {} [{}]", d.span.line, d.message, d.code))
            .collect();
        out.extend(
            self.results()
                .iter()
                .filter(|r| r.outcome != Outcome::Holds)
                .map(|r| format!("{}: {}", r.name, r.summary)),
        );
        out
    }

    /// How many things can be selected: expectations, then required Azure ML flows, then
    /// audit findings (the index of [`Analysis::trace`]).
    pub fn selectable(&self) -> usize {
        self.results().len()
            + self
                .audit
                .as_ref()
                .map_or(0, |a| a.flows.len() + a.findings.len())
    }

    /// The trace of selectable `i`: expectation `i`, else required flow, else finding.
    pub fn trace(&self, i: usize) -> Option<&Trace> {
        let n = self.results().len();
        if i < n {
            return self.results()[i].trace.as_ref();
        }
        let a = self.audit.as_ref()?;
        let i = i - n;
        match a.flows.get(i) {
            Some(f) => f.trace.as_ref(),
            None => a.findings.get(i - a.flows.len())?.trace.as_ref(),
        }
    }

    /// The diagram highlight for a trace, with `hop` (0-based) as the current hop. Boxes are
    /// matched by element id: the flow's ends as the core resolves them, the elements the
    /// request crossed, each hop's element.
    pub fn highlight(&self, t: &Trace, hop: Option<usize>) -> Highlight {
        let g = &self.diagram;
        let end = |text: &str, side: Side| {
            let d = self.design.as_ref()?;
            let e = parse_endpoint(d, text, side).ok()?.element(d);
            g.node_for(&e)
        };
        let mut path: Vec<String> = Vec::new();
        let mut push = |id: &str| {
            if path.last().map(String::as_str) != Some(id) {
                path.push(id.to_string());
            }
        };
        if let Some(n) = end(&t.from, Side::Source) {
            push(&n.id);
        }
        for e in &t.path_elements {
            if let Some(n) = g.node_for(e) {
                push(&n.id);
            }
        }
        if t.verdict.allowed()
            && let Some(n) = end(&t.to, Side::Destination)
        {
            push(&n.id);
        }
        let hops = t
            .hops
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                g.node_for(&h.element)
                    .map(|n| (n.id.clone(), i + 1, h.ok, h.detail.clone()))
            })
            .collect();
        let current = hop
            .and_then(|i| t.hops.get(i))
            .and_then(|h| g.node_for(&h.element))
            .map(|n| n.id.clone());
        let denied = !t.verdict.allowed();
        let blocked = denied
            .then(|| end(&t.to, Side::Destination))
            .flatten()
            .map(|n| n.id.clone())
            .filter(|id| path.last() != Some(id));
        Highlight {
            path,
            hops,
            current,
            denied,
            blocked,
            selected: None,
        }
    }
}

/// One part of the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusPart {
    /// What it counts (`expectations`, `flows`, `findings`, `warnings`, `errors`).
    pub key: &'static str,
    /// The text shown.
    pub text: String,
    /// Whether it is bad news.
    pub bad: bool,
}

impl StatusPart {
    fn bad(key: &'static str, text: String) -> Self {
        Self {
            key,
            text,
            bad: true,
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// What a set of what-if edits changes.
#[derive(Clone, Debug)]
pub struct WhatIf {
    /// Expectations whose outcome changed.
    pub changes: Vec<ExpectChange>,
    /// Errors the edits introduced (the edited design does not validate).
    pub errors: Vec<String>,
    /// Everything the edits change: matrix cells on [`MATRIX_PORTS`], expectations, required
    /// flows and findings (`None` when the edited design does not validate).
    pub diff: Option<vnetlab_core::diff::DesignDiff>,
}

/// Applies `edits` on the analysis's live session (kept from one question to the next, so
/// switching one edit on or off applies or undoes only that much, each edit recomputing only
/// what it touches) and compares the expectations with the current verdicts.
pub fn what_if(a: &Analysis, edits: &[Edit]) -> Option<WhatIf> {
    let (design, before) = (a.design.as_ref()?, a.report.as_ref()?);
    let mut live = a.live.0.borrow_mut();
    let session = live
        .get_or_insert_with(|| Session::new(&a.name, design.clone(), &[], BuildOptions::default()));
    let mut errors: Vec<String> = session
        .set_edits(edits)
        .into_iter()
        .map(|(e, msg)| format!("{}: {msg}", e.describe()))
        .collect();
    let changes = match session.report() {
        Some(after) => expectation_changes(before, after),
        None => {
            errors.extend(
                session
                    .diagnostics()
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .map(|d| d.message),
            );
            Vec::new()
        }
    };
    let diff = session
        .design()
        .map(|after| vnetlab_core::diff::diff(design, after, MATRIX_PORTS));
    Some(WhatIf {
        changes,
        errors,
        diff,
    })
}

/// The ports of the matrix view: the one default list
/// ([`vnetlab_core::reach::matrix::DEFAULT_PORTS`]).
pub const MATRIX_PORTS: &[(Protocol, u16)] = &vnetlab_core::reach::matrix::DEFAULT_PORTS;

/// The subnet × subnet reachability matrix on [`MATRIX_PORTS`].
pub fn subnet_matrix(a: &Analysis) -> Option<Matrix> {
    a.design
        .as_ref()
        .map(|d| matrix(d, MatrixBy::Subnet, MATRIX_PORTS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::SCENARIOS;

    fn scenario(name: &str) -> Analysis {
        analyze(name, SCENARIOS.iter().find(|(n, _)| *n == name).unwrap().1)
    }

    #[test]
    fn every_bundled_scenario_loads_and_its_expectations_hold() {
        assert!(!SCENARIOS.is_empty());
        for (name, text) in SCENARIOS {
            let a = analyze(name, text);
            assert_eq!(a.errors(), 0, "{name}: {:?}", a.diagnostics);
            assert!(!a.results().is_empty(), "{name} has no expectations");
            assert!(a.summary().contains("expectations hold"), "{}", a.summary());
        }
    }

    #[test]
    fn required_flows_and_findings_are_selectable_traces() {
        for (name, text) in SCENARIOS {
            let a = analyze(name, text);
            let audit = a.audit.as_ref().unwrap();
            assert_eq!(
                a.selectable(),
                a.results().len() + audit.flows.len() + audit.findings.len()
            );
            for (i, f) in audit.flows.iter().enumerate() {
                assert_eq!(a.trace(a.results().len() + i).is_some(), f.trace.is_some());
            }
        }
    }

    #[test]
    fn the_status_line_counts_broken_flows_and_findings_by_severity() {
        // Every expectation of aml-private-endpoints holds, yet 5 required flows are broken.
        let a = scenario("aml-private-endpoints");
        let audit = a.audit.as_ref().unwrap();
        assert!(audit.broken() > 0);
        let s = a.summary();
        assert!(
            s.contains(&format!(
                "{} of {} required flows broken",
                audit.broken(),
                audit.flows.len()
            )),
            "{s}"
        );
        assert!(a.status().iter().any(|p| p.key == "flows" && p.bad));
        // aml-public-default: its high findings are counted by severity.
        let a = scenario("aml-public-default");
        let high = a
            .audit
            .as_ref()
            .unwrap()
            .findings
            .iter()
            .filter(|f| f.severity == AmlSeverity::High)
            .count();
        assert!(high > 0);
        assert!(
            a.summary().contains(&format!("{high} high")),
            "{}",
            a.summary()
        );
    }

    #[test]
    fn verdicts_are_the_command_lines() {
        let text = SCENARIOS[0].1;
        let a = analyze(SCENARIOS[0].0, text);
        let cli = vnetlab_core::load(SCENARIOS[0].0, text.as_bytes(), &BuildOptions::default());
        let cli = vnetlab_core::check(&cli.design.unwrap());
        assert_eq!(
            vnetlab_core::render::check(a.report.as_ref().unwrap(), true),
            vnetlab_core::render::check(&cli, true)
        );
    }

    #[test]
    fn a_syntax_error_is_a_diagnostic_at_its_line() {
        let a = analyze(
            "t.yaml",
            "version: 1\nname: x\nvnets:\n  a:\n    address_space: [10.0.0.0/33]\n",
        );
        assert!(a.design.is_none());
        assert_eq!(a.diagnostics[0].span.line, 5);
        assert!(a.summary().starts_with("1 error"));
    }

    #[test]
    fn a_trace_highlights_its_path_on_the_diagram() {
        let a = scenario("aml-private-endpoints");
        let (i, t) = a
            .results()
            .iter()
            .enumerate()
            .find_map(|(i, r)| r.trace.as_ref().map(|t| (i, t)))
            .unwrap();
        assert!(a.trace(i).is_some());
        let hl = a.highlight(t, Some(0));
        assert!(!hl.path.is_empty(), "{:?}", t.path);
        assert!(!hl.hops.is_empty());
    }

    #[test]
    fn every_hop_at_a_drawn_element_finds_its_box_by_id() {
        use vnetlab_core::model::ElementRef;
        let mut matched = 0;
        for (name, text) in SCENARIOS {
            let a = analyze(name, text);
            for i in 0..a.selectable() {
                let Some(t) = a.trace(i) else { continue };
                for h in &t.hops {
                    let drawn = matches!(
                        h.element.owner(),
                        ElementRef::Vnet(_)
                            | ElementRef::Subnet(_)
                            | ElementRef::Workload(_)
                            | ElementRef::Firewall(_)
                            | ElementRef::Gateway(_)
                            | ElementRef::Service(_)
                            | ElementRef::Site(_)
                            | ElementRef::Peering { .. }
                    );
                    if drawn {
                        let n = a.diagram.node_for(&h.element);
                        assert!(n.is_some(), "{name}: no box for {}", h.element.id());
                        matched += 1;
                    }
                }
            }
        }
        assert!(matched > 50, "only {matched} hops matched");
    }

    #[test]
    fn a_denied_flow_is_drawn_as_denied() {
        let mut crossed = 0;
        for (name, text) in SCENARIOS {
            let a = analyze(name, text);
            for i in 0..a.selectable() {
                let Some(t) = a.trace(i) else { continue };
                let hl = a.highlight(t, None);
                let svg = crate::layout::to_svg(&a.diagram, &hl);
                if t.verdict.allowed() {
                    assert!(!hl.denied && hl.blocked.is_none());
                    assert!(!svg.contains("denied-hop"), "{name} #{i}");
                    continue;
                }
                assert!(hl.denied);
                assert!(
                    !svg.contains(r#"<path class="path" "#),
                    "{name} #{i}: drawn as allowed"
                );
                if hl.blocked.is_some() && !hl.path.is_empty() {
                    assert!(svg.contains("denied-hop"), "{name} #{i}");
                    crossed += 1;
                }
            }
        }
        assert!(
            crossed > 0,
            "no denied flow with its destination on a diagram"
        );
    }

    #[test]
    fn what_if_reports_the_flipped_expectations() {
        let a = scenario("aml-private-endpoints");
        let edits = vnetlab_core::whatif::single_edits(a.file.as_ref().unwrap());
        let changed = edits.iter().any(|e| {
            !what_if(&a, std::slice::from_ref(e))
                .unwrap()
                .changes
                .is_empty()
        });
        assert!(changed, "no single edit changes a verdict");
        assert!(what_if(&a, &[]).unwrap().changes.is_empty());
    }

    /// The live session follows the switched-on edits as they change (applying or undoing
    /// only the difference) and answers what a fresh analysis of the same edits answers.
    #[test]
    fn what_if_on_the_kept_session_equals_a_fresh_one() {
        let a = scenario("aml-private-endpoints");
        let edits = vnetlab_core::whatif::single_edits(a.file.as_ref().unwrap());
        let picks: Vec<Vec<Edit>> = vec![
            edits.iter().take(3).cloned().collect(),
            edits.iter().take(1).cloned().collect(),
            edits.iter().skip(4).step_by(5).take(4).cloned().collect(),
            Vec::new(),
            edits.iter().rev().take(3).cloned().collect(),
        ];
        let text = |w: WhatIf| {
            let c: Vec<String> = w
                .changes
                .iter()
                .map(|c| format!("{}: {:?} → {:?}", c.name, c.before, c.after))
                .collect();
            (c, w.errors)
        };
        let mut changed = 0;
        for p in &picks {
            let kept = text(what_if(&a, p).unwrap());
            let fresh = text(what_if(&scenario("aml-private-endpoints"), p).unwrap());
            changed += usize::from(!kept.0.is_empty());
            assert_eq!(kept, fresh, "{p:?}");
        }
        assert!(changed > 0, "no pick changes a verdict");
    }

    #[test]
    fn matrix_has_a_row_per_subnet() {
        let a = scenario("aml-private-endpoints");
        let m = subnet_matrix(&a).unwrap();
        assert_eq!(m.names.len(), a.design.as_ref().unwrap().subnets.len());
    }
}
