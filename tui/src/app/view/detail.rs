//! The detail of the selected item as lines: a check's hop-by-hop trace with the deciding rule
//! at each hop, a subnet's effective routes, a workload's effective security rules, an NSG
//! rule, a service's settings… All of it is text vnetlab-core computed.

use super::item::item_detail;
use crate::app::analysis::{
    Change, cell_change, expectation_change, finding_is_new, flow_change, resolved_findings,
};
use crate::app::model::{Model, Pane, Ready};
use crate::app::rows::{CheckRow, check_rows, visible_tree};
use crate::app::theme::Theme;
use ratatui::text::{Line, Span};
use vnetlab_core::check::{ExpectResult, Outcome};
use vnetlab_core::outline::Target;
use vnetlab_core::render;

/// The detail pane's title, lines, and whether to wrap them (tables scroll sideways instead).
pub fn detail(m: &Model, r: &Ready) -> (String, Vec<Line<'static>>, bool) {
    let t = m.theme;
    if m.ui.detail_from == Pane::Checks {
        let rows = check_rows(m);
        if let Some(row) = rows.get(m.ui.checks.selected) {
            let (title, lines) = check_detail(t, r, row);
            return (title, lines, true);
        }
    }
    let a = r.shown();
    let vis = visible_tree(&a.outline, &m.ui.collapsed);
    match vis.get(m.ui.tree.selected) {
        Some(&i) => {
            let it = &a.outline[i];
            let table = matches!(
                it.target,
                Target::Subnet(_) | Target::Workload(_) | Target::Nsg(_)
            );
            let (title, lines) = item_detail(t, r, a, it);
            (title, lines, !table)
        }
        None => (
            "Detail".into(),
            vec![Line::raw("The design is empty.")],
            true,
        ),
    }
}

pub(super) fn kv(t: Theme, k: &str, v: impl Into<String>) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{k}: "), t.dim()),
        Span::raw(v.into()),
    ])
}

pub(super) fn heading(t: Theme, s: impl Into<String>) -> Line<'static> {
    Line::styled(s.into(), t.heading())
}

fn check_detail(t: Theme, r: &Ready, row: &CheckRow) -> (String, Vec<Line<'static>>) {
    let a = r.shown();
    match row {
        CheckRow::Heading(h) => (h.clone(), Vec::new()),
        CheckRow::Edit(i) => {
            let e = &r.session.edits()[*i];
            let mut lines = vec![
                Line::styled(e.describe(), t.edited()),
                Line::raw(""),
                Line::raw(format!(
                    "Edit {} of {}, applied to the file on disk in order.",
                    i + 1,
                    r.session.edits().len()
                )),
                Line::raw("u undoes the last edit, R drops them all, w writes the result."),
            ];
            lines.push(Line::raw(""));
            lines.extend(changes(t, r));
            ("What-if edit".into(), lines)
        }
        CheckRow::EditError(i) => {
            let d = &r.current.as_ref().expect_err("invalid edited design")[*i];
            let text = d.render(None);
            (
                "The edited design is invalid".into(),
                text.lines()
                    .map(|l| Line::styled(l.to_string(), t.bad()))
                    .collect(),
            )
        }
        CheckRow::Expect(i) => expect_detail(t, r, &a.report.results[*i]),
        CheckRow::Flow(i) => flow_detail(t, r, &a.audit.flows[*i]),
        CheckRow::Finding(i) => finding_detail(t, r, &a.audit.findings[*i]),
        CheckRow::Warning(i) => {
            let d = &a.warnings[*i];
            (
                format!("Warning: {}", d.code),
                d.render(None)
                    .lines()
                    .map(|l| Line::styled(l.to_string(), t.warn()))
                    .collect(),
            )
        }
    }
}

/// Every expectation and matrix cell that changed since the file on disk.
fn changes(t: Theme, r: &Ready) -> Vec<Line<'static>> {
    let Ok(a) = &r.current else {
        return vec![Line::styled("The edited design is invalid.", t.bad())];
    };
    let mut out = vec![heading(t, "Changed since the file on disk")];
    for e in &a.report.results {
        if let Some(c) = expectation_change(&r.base.report, e) {
            out.push(change_line(t, c, &e.name));
        }
    }
    for fr in &a.audit.flows {
        if let Some(c) = flow_change(&r.base.audit, fr) {
            let f = &fr.flow;
            let what = format!(
                "Azure ML flow {} → {} {}/{}",
                f.from, f.to, f.protocol, f.port
            );
            out.push(change_line(t, c, &what));
        }
    }
    for f in &a.audit.findings {
        if finding_is_new(&r.base.audit, f) {
            out.push(Line::styled(
                format!("+ new finding: {}", f.title),
                t.newly_denied(),
            ));
        }
    }
    for f in resolved_findings(&r.base.audit, &a.audit) {
        out.push(Line::styled(
            format!("− resolved finding: {}", f.title),
            t.newly_allowed(),
        ));
    }
    for (pi, (proto, port)) in a.matrix.ports.iter().enumerate() {
        // The subnet (or workload) cells: the internet's are computed only for the port the
        // matrix shows, and listed there.
        for (ri, rn) in a.matrix.names.iter().enumerate() {
            for (ci, cn) in a.matrix.names.iter().enumerate() {
                if let Some(c) = cell_change(&r.base, a, ri, ci, pi) {
                    out.push(change_line(t, c, &format!("{rn} → {cn} {proto}/{port}")));
                }
            }
        }
    }
    if out.len() == 1 {
        out.push(Line::raw("nothing: every verdict is as before"));
    }
    out
}

/// `▲ newly allowed: …` / `▼ newly denied: …`.
pub fn change_line(t: Theme, c: Change, what: &str) -> Line<'static> {
    let (mark, style) = match c {
        Change::NewlyAllowed => ("▲ newly allowed", t.newly_allowed()),
        Change::NewlyDenied => ("▼ newly denied", t.newly_denied()),
    };
    Line::from(vec![
        Span::styled(mark, style),
        Span::raw(format!(": {what}")),
    ])
}

fn expect_detail(t: Theme, r: &Ready, e: &ExpectResult) -> (String, Vec<Line<'static>>) {
    let (tag, style) = outcome_tag(t, e.outcome);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(tag, style),
            Span::raw(format!("  {}", e.name)),
        ]),
        kv(t, "flow", format!("{} → {}", e.from, e.to)),
        kv(t, "expected", e.expected.to_string()),
        kv(t, "found", e.summary.clone()),
    ];
    if let Some(c) = expectation_change(&r.base.report, e) {
        let before = r.base.report.results.iter().find(|b| b.name == e.name);
        let was = before.map(|b| outcome_tag(t, b.outcome).0).unwrap_or("?");
        lines.push(change_line(t, c, &format!("was {was} in the file on disk")));
    }
    for c in &e.counterexamples {
        lines.push(kv(
            t,
            "counterexample",
            format!(
                "{} → {} {} port {}",
                c.sources, c.destinations, c.protocol, c.ports
            ),
        ));
    }
    if let Some(tr) = &e.trace {
        trace_lines(t, tr, &mut lines);
    }
    (format!("Expectation, line {}", e.line), lines)
}

fn trace_lines(t: Theme, tr: &vnetlab_core::trace::Trace, lines: &mut Vec<Line<'static>>) {
    lines.push(Line::raw(""));
    lines.push(heading(t, "Trace, hop by hop"));
    for l in render::trace(tr).lines() {
        let style = if l.contains(". NO ") {
            t.bad()
        } else if l.starts_with("verdict") {
            if tr.verdict.allowed() {
                t.good()
            } else {
                t.bad()
            }
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(l.to_string(), style));
    }
}

fn flow_detail(
    t: Theme,
    r: &Ready,
    fr: &vnetlab_core::aml::flows::FlowResult,
) -> (String, Vec<Line<'static>>) {
    let f = &fr.flow;
    let (tag, style) = if fr.works {
        ("WORKS", t.good())
    } else {
        ("BROKEN", t.bad())
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(tag, style),
            Span::raw(format!("  {}", f.purpose)),
        ]),
        kv(
            t,
            "flow",
            format!("{} → {} {}/{}", f.from, f.to, f.protocol, f.port),
        ),
        kv(t, "stage", f.stage.title()),
        kv(t, "source", f.source),
        kv(t, "found", fr.verdict.clone()),
    ];
    if let Some(c) = flow_change(&r.base.audit, fr) {
        lines.push(change_line(t, c, "since the file on disk"));
    }
    if let Some(fix) = &fr.fix {
        lines.push(Line::from(vec![
            Span::styled("smallest fix: ", t.heading()),
            Span::raw(fix.change.clone()),
            Span::styled(
                if fix.verified {
                    " (verified by re-tracing)"
                } else {
                    ""
                },
                t.dim(),
            ),
        ]));
        if !fr.works && fix.verified && fix.patch.is_some() {
            lines.push(Line::styled("f applies it as a what-if edit", t.dim()));
        }
    }
    if let Some(tr) = &fr.trace {
        trace_lines(t, tr, &mut lines);
    }
    ("Required Azure ML flow".into(), lines)
}

fn finding_detail(
    t: Theme,
    r: &Ready,
    f: &vnetlab_core::aml::findings::Finding,
) -> (String, Vec<Line<'static>>) {
    let mut lines = vec![
        Line::styled(f.title.clone(), t.heading()),
        kv(t, "severity", f.severity.to_string()),
        kv(t, "resources", f.resources.join(", ")),
    ];
    if finding_is_new(&r.base.audit, f) {
        lines.push(Line::styled(
            "+ new since the file on disk",
            t.newly_denied(),
        ));
    }
    if let Some(w) = &f.witness {
        lines.push(kv(t, "witness", w.clone()));
    }
    lines.push(kv(t, "remediation", f.remediation.clone()));
    if let Some(tr) = &f.trace {
        trace_lines(t, tr, &mut lines);
    }
    (format!("Finding {}", f.id), lines)
}

/// `PASS` / `FAIL` / `UNDECIDED` with its style.
pub fn outcome_tag(t: Theme, o: Outcome) -> (&'static str, ratatui::style::Style) {
    match o {
        Outcome::Holds => ("PASS", t.good()),
        Outcome::Fails => ("FAIL", t.bad()),
        Outcome::Undecided => ("UNDECIDED", t.warn()),
    }
}
