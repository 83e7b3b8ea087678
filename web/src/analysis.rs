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

use vnetlab_core::aml::findings::RuleLint;
use vnetlab_core::aml::{AuditReport, Severity as AmlSeverity, audit_with};
use vnetlab_core::reread::{
    Before, Reread, apply, comment_tail_change, common_prefix, common_suffix, reread,
    rule_line_edit, rule_line_insert,
};

use crate::layout::{Diagram, Highlight};

/// The analysis of one source text.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The file name diagnostics are reported against.
    pub name: String,
    /// The records, when the text is well-formed and the design is not valid or was analysed
    /// in full ([`Analysis::records`] gives them in every case).
    pub file: Option<Rc<TopologyFile>>,
    /// The validated design, when there are no errors.
    pub design: Option<Rc<Design>>,
    /// Every diagnostic, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Every expectation's verdict (empty without a design).
    pub report: Option<Rc<CheckReport>>,
    /// The Azure ML audit: required flows with verdicts, and isolation findings.
    pub audit: Option<Rc<AuditReport>>,
    /// The rule lint the audit holds (kept to lint only an edited NSG again).
    pub lint: Option<Rc<RuleLint>>,
    /// The diagram of the design.
    pub diagram: Rc<Diagram>,
    /// The live session what-if edits are applied to, started on the first what-if question.
    pub live: Live,
    /// How this analysis was made from the previous one's.
    pub path: Path,
    /// Whether positions (the lines and columns of findings) may lag behind the text: the
    /// verdicts are exact, but lines moved since the last full analysis (see [`reanalyze`]).
    pub provisional: bool,
}

/// How an analysis was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// From the text alone: read, validated, checked and audited in full.
    Full,
    /// The text changed no record (a comment, blank lines, layout): the previous verdicts stand.
    Same,
    /// NSG rules changed: applied to the previous design in place (`vnetlab_core::reread`).
    Patched,
}

impl Path {
    /// Its name (`full`, `same`, `patched`), shown to the browser tests.
    pub fn as_str(self) -> &'static str {
        match self {
            Path::Full => "full",
            Path::Same => "same",
            Path::Patched => "patched",
        }
    }
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
    analyze_file(name, file, diags)
}

/// The rest of [`analyze`], from the records read (and the diagnostics so far).
fn analyze_file(name: &str, file: Option<TopologyFile>, mut diags: Diagnostics) -> Analysis {
    let design = file
        .as_ref()
        .and_then(|f| model::build(f, &BuildOptions::default(), &mut diags));
    let report = design.as_ref().map(vnetlab_core::check);
    let lint = design.as_ref().map(RuleLint::of);
    let audit = design
        .as_ref()
        .zip(lint.clone())
        .map(|(d, lint)| audit_with(d, lint));
    let diagram = design.as_ref().map(Diagram::of).unwrap_or_default();
    Analysis {
        name: name.to_string(),
        file: file.map(Rc::new),
        design: design.map(Rc::new),
        diagnostics: diags.finish(),
        report: report.map(Rc::new),
        audit: audit.map(Rc::new),
        lint: lint.map(Rc::new),
        diagram: Rc::new(diagram),
        live: Live::default(),
        path: Path::Full,
        provisional: false,
    }
}

/// The analysis of `text`, which `old_text` (analysed as `prev`) was changed into, exactly as
/// [`analyze`] would give it, made from `prev` where it can: when `prev` is a valid design
/// without diagnostics and the new text reads without any, a change that leaves every record
/// as it was keeps `prev`'s verdicts ([`Path::Same`]), and a change of NSG rules is applied to
/// `prev`'s design in place, checking again only the expectations that read those NSGs
/// ([`Path::Patched`], `vnetlab_core::reread`). Anything else is analysed in full. When the
/// change may have moved positions, the result is [`Analysis::provisional`]: its positions are made exact
/// by a full analysis later (the app runs one when the typing pauses).
pub fn reanalyze(prev: &Analysis, old_text: &str, text: &str) -> Analysis {
    // Comments typed at the end of a valid design: nothing else to read.
    if prev.design.is_some() && comment_tail_change(old_text, text) {
        return Analysis {
            path: Path::Same,
            ..prev.clone()
        };
    }
    // One rule written on one line changed: read that line alone, not the whole text (the
    // rule is found by its position, so the positions must be exact).
    if let (Some(file), Some(design), Some(report), Some(lint), true) = (
        prev.records(),
        &prev.design,
        &prev.report,
        &prev.lint,
        prev.diagnostics.is_empty() && !prev.provisional,
    ) && let Some(edit) = rule_line_edit(file, old_text, text)
    {
        let before = Before {
            design,
            report,
            lint,
        };
        // The line holds that rule alone, read with its new positions: a patch moves nothing
        // else; an unchanged rule keeps its old positions.
        let (done, provisional) = match edit {
            None => (Reread::Same, positions_may_move(old_text, text)),
            Some(e) => (
                apply(before, vec![e], None, &BuildOptions::default()),
                false,
            ),
        };
        if let Some(a) = from_reread(prev, done, None, provisional) {
            return a;
        }
    }
    // A rule pasted on a line of its own beside a one-line rule: read that line alone; what
    // follows it moved one line down, so the positions are provisional.
    if let (Some(file), Some(design), Some(report), Some(lint), true) = (
        prev.records(),
        &prev.design,
        &prev.report,
        &prev.lint,
        prev.diagnostics.is_empty() && !prev.provisional,
    ) && let Some(edit) = rule_line_insert(file, old_text, text)
    {
        let before = Before {
            design,
            report,
            lint,
        };
        let done = apply(before, vec![edit], None, &BuildOptions::default());
        if let Some(a) = from_reread(prev, done, None, true) {
            return a;
        }
    }
    let mut diags = Diagnostics::new(&prev.name);
    let file = format::read(text.as_bytes(), &mut diags);
    let (Some(f), Some(design), Some(report), Some(lint)) =
        (&file, &prev.design, &prev.report, &prev.lint)
    else {
        return analyze_file(&prev.name, file, diags);
    };
    let diags = diags.finish();
    if !diags.is_empty() || !prev.diagnostics.is_empty() {
        return analyze(&prev.name, text);
    }
    let before = Before {
        design,
        report,
        lint,
    };
    let provisional = prev.provisional || positions_may_move(old_text, text);
    let done = reread(before, f, &BuildOptions::default());
    from_reread(prev, done, file, provisional).unwrap_or_else(|| analyze(&prev.name, text))
}

/// The analysis a [`reread`] (or [`apply`]) of `prev` gave, with `file` the new records when
/// they were read (else the patched design's); `None` for [`Reread::Other`].
fn from_reread(
    prev: &Analysis,
    done: Reread,
    file: Option<TopologyFile>,
    provisional: bool,
) -> Option<Analysis> {
    match done {
        Reread::Same => Some(Analysis {
            file: file.map(Rc::new).or_else(|| prev.file.clone()),
            path: Path::Same,
            provisional,
            ..prev.clone()
        }),
        Reread::Patched { analysed, .. } => {
            let analysed = *analysed;
            Some(Analysis {
                name: prev.name.clone(),
                file: file.map(Rc::new),
                design: Some(Rc::new(analysed.design)),
                diagnostics: Vec::new(),
                report: Some(Rc::new(analysed.report)),
                audit: Some(Rc::new(analysed.audit)),
                lint: Some(Rc::new(analysed.lint)),
                // The diagram draws no rule.
                diagram: Rc::clone(&prev.diagram),
                live: Live::default(),
                path: Path::Patched,
                provisional,
            })
        }
        Reread::Other => None,
    }
}

/// Whether the change from `a` to `b` may have moved what the text holds after it (the
/// positions of what follows). Nothing moves when the change ends its line (only blanks
/// follow on it) and stays within that line, or when only blank and comment lines follow it.
pub fn positions_may_move(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let head = common_prefix(a, b);
    let (a, b) = (&a[head..], &b[head..]);
    let tail = common_suffix(a, b);
    let (gone, put) = (&a[..a.len() - tail], &b[..b.len() - tail]);
    let mut rest = b[b.len() - tail..].split(|&c| c == b'\n');
    if !rest.next().unwrap_or_default().trim_ascii().is_empty() {
        return true;
    }
    let lines_moved = gone.contains(&b'\n') || put.contains(&b'\n');
    // No node starts on a blank line or one that begins with a comment.
    lines_moved
        && !rest.all(|l| {
            let l = l.trim_ascii();
            l.is_empty() || l.starts_with(b"#")
        })
}

impl Analysis {
    /// The records, when the text is well-formed (even if the design is not valid): the
    /// design's when there is one.
    pub fn records(&self) -> Option<&TopologyFile> {
        self.design
            .as_ref()
            .map(|d| &d.file)
            .or(self.file.as_deref())
    }

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
    let session = live.get_or_insert_with(|| {
        Session::new(&a.name, (**design).clone(), &[], BuildOptions::default())
    });
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
        let edits = vnetlab_core::whatif::single_edits(a.records().unwrap());
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
        let edits = vnetlab_core::whatif::single_edits(a.records().unwrap());
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

    /// What the verdict views show of an analysis (positions aside).
    fn verdicts(a: &Analysis) -> (Vec<String>, String, Vec<String>) {
        let outcomes = a
            .results()
            .iter()
            .map(|r| format!("{}: {:?}", r.name, r.outcome))
            .collect();
        let audit = a.audit.as_ref().unwrap();
        let flows = audit
            .flows
            .iter()
            .map(|f| format!("{:?} {} {}", f.flow, f.works, f.verdict))
            .chain(
                audit
                    .findings
                    .iter()
                    .map(|f| format!("{} {}", f.id, f.title)),
            )
            .collect();
        (outcomes, a.summary(), flows)
    }

    /// Keystrokes as an architect types them in the source: each is analysed from the previous
    /// analysis and must show what analysing the text in full shows.
    #[test]
    fn typed_rule_changes_reanalyse_as_a_full_analysis() {
        let name = "aml-private-endpoints";
        let text = SCENARIOS.iter().find(|(n, _)| *n == name).unwrap().1;
        let typed = [
            // A port digit, a priority, the access, a comment, a rule added, a prefix.
            text.replacen("[443, 18881]", "[4433, 18881]", 1),
            text.replacen("priority: 210", "priority: 2100", 1),
            text.replacen("access: deny", "access: allow", 1),
            text.replacen("\nnsgs:\n", "\n# the NSGs\nnsgs:\n", 1),
            text.replacen(
                "    rules:\n",
                "    rules:\n      - { name: deny-ssh, priority: 300, direction: inbound, access: deny, protocol: tcp, destination_ports: 22 }\n",
                1,
            ),
            text.replacen("prefix: 10.1.3.0/27", "prefix: 10.1.3.0/28", 1),
        ];
        let prev = analyze(name, text);
        let mut paths = Vec::new();
        for t in &typed {
            assert_ne!(t, text);
            let a = reanalyze(&prev, text, t);
            let full = analyze(name, t);
            assert_eq!(verdicts(&a), verdicts(&full), "{t}");
            paths.push(a.path);
        }
        use Path::*;
        assert_eq!(paths, [Patched, Patched, Patched, Same, Patched, Full]);
        // A comment typed at the end: nothing read again, nothing moved.
        let noted = format!("{text}# a note\n");
        let a = reanalyze(&prev, text, &noted);
        assert_eq!((a.path, a.provisional), (Same, false));
        assert_eq!(verdicts(&a), verdicts(&analyze(name, &noted)));
        // A change at the end of a line moves nothing; a new line moves what follows.
        assert!(!reanalyze(&prev, text, &typed[1]).provisional);
        assert!(reanalyze(&prev, text, &typed[3]).provisional);
        assert!(reanalyze(&prev, text, &typed[4]).provisional);
    }

    #[test]
    fn positions_move_with_new_lines_or_text_after_the_change() {
        assert!(!positions_may_move("a: 1\nb: 2\n", "a: 12\nb: 2\n"));
        assert!(positions_may_move("a: 1 # x\n", "a: 12 # x\n"));
        assert!(!positions_may_move("a: 1 # x\n", "a: 1 # xy\n"));
        assert!(positions_may_move("a: [1, 2]\n", "a: [13, 2]\n"));
        assert!(positions_may_move("a: 1\nb: 2\n", "a: 1\n\nb: 2\n"));
        assert!(!positions_may_move("a: 1\n# c\n", "a: 1\n# c\n# d\n"));
        assert!(!positions_may_move("a: 1\n", "a: 1\n# d\n\n"));
        assert!(!positions_may_move("a: 1\n", "a: 1\n"));
    }

    #[test]
    fn matrix_has_a_row_per_subnet() {
        let a = scenario("aml-private-endpoints");
        let m = subnet_matrix(&a).unwrap();
        assert_eq!(m.names.len(), a.design.as_ref().unwrap().subnets.len());
    }
}
