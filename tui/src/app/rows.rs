//! The rows of the two lists — the visible tree items (collapsed subtrees hidden) and the
//! checks list (edits, expectations, findings under headings) — shared by update and view.

use super::model::{Doc, Model};
use std::collections::BTreeSet;
use vnetlab_core::outline::Item;

/// Indices of the outline items shown, skipping the descendants of collapsed items.
pub fn visible_tree(items: &[Item], collapsed: &BTreeSet<String>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut hide_below: Option<usize> = None;
    for (i, it) in items.iter().enumerate() {
        if let Some(d) = hide_below {
            if it.depth > d {
                continue;
            }
            hide_below = None;
        }
        out.push(i);
        if collapsed.contains(&it.key) {
            hide_below = Some(it.depth);
        }
    }
    out
}

/// Whether the item at `i` has children.
pub fn has_children(items: &[Item], i: usize) -> bool {
    items
        .get(i + 1)
        .is_some_and(|next| next.depth > items[i].depth)
}

/// The index of the parent of the item at `i`.
pub fn parent(items: &[Item], i: usize) -> Option<usize> {
    let d = items[i].depth;
    (0..i).rev().find(|&j| items[j].depth < d)
}

/// A row of the checks list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckRow {
    /// A heading (not selectable).
    Heading(String),
    /// A what-if edit, by index in the session.
    Edit(usize),
    /// An error the edits caused (the edited design is invalid), by index.
    EditError(usize),
    /// An `expect` entry, by index in the report.
    Expect(usize),
    /// A required Azure ML flow, by index in the audit.
    Flow(usize),
    /// An Azure ML audit finding, by index.
    Finding(usize),
    /// A warning from loading the design, by index.
    Warning(usize),
}

impl CheckRow {
    /// Whether the row can be selected.
    pub fn selectable(&self) -> bool {
        !matches!(self, CheckRow::Heading(_))
    }
}

/// The rows of the checks list.
pub fn check_rows(m: &Model) -> Vec<CheckRow> {
    let Doc::Ready(r) = &m.doc else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let edits = r.session.edits();
    if !edits.is_empty() {
        out.push(CheckRow::Heading(format!(
            "What-if edits ({})",
            edits.len()
        )));
        out.extend((0..edits.len()).map(CheckRow::Edit));
    }
    if let Err(diags) = &r.current {
        out.push(CheckRow::Heading(format!(
            "The edited design is invalid ({})",
            diags.len()
        )));
        out.extend((0..diags.len()).map(CheckRow::EditError));
    }
    let a = r.shown();
    let held = a.report.held();
    out.push(CheckRow::Heading(format!(
        "Expectations {held}/{} hold",
        a.report.results.len()
    )));
    out.extend((0..a.report.results.len()).map(CheckRow::Expect));
    let flows = &a.audit.flows;
    if !flows.is_empty() {
        let works = flows.iter().filter(|f| f.works).count();
        out.push(CheckRow::Heading(format!(
            "Required Azure ML flows {works}/{} work",
            flows.len()
        )));
        // Broken flows first: they are what needs attention.
        let mut order: Vec<usize> = (0..flows.len()).collect();
        order.sort_by_key(|&i| flows[i].works);
        out.extend(order.into_iter().map(CheckRow::Flow));
    }
    let findings = &a.audit.findings;
    out.push(CheckRow::Heading(format!("Findings ({})", findings.len())));
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(findings[i].severity));
    out.extend(order.into_iter().map(CheckRow::Finding));
    if !a.warnings.is_empty() {
        out.push(CheckRow::Heading(format!(
            "Warnings ({})",
            a.warnings.len()
        )));
        out.extend((0..a.warnings.len()).map(CheckRow::Warning));
    }
    out
}

/// The text of a row, as searched.
pub fn check_row_text(m: &Model, row: &CheckRow) -> String {
    let Some(r) = m.ready() else {
        return String::new();
    };
    match row {
        CheckRow::Heading(h) => h.clone(),
        CheckRow::Edit(i) => r.session.edits()[*i].describe(),
        CheckRow::EditError(i) => r
            .current
            .as_ref()
            .err()
            .map_or(String::new(), |d| d[*i].message.clone()),
        CheckRow::Expect(i) => r.shown().report.results[*i].name.clone(),
        CheckRow::Flow(i) => {
            let f = &r.shown().audit.flows[*i].flow;
            format!(
                "{} → {} {}/{} {}",
                f.from, f.to, f.protocol, f.port, f.purpose
            )
        }
        CheckRow::Finding(i) => {
            let f = &r.shown().audit.findings[*i];
            format!("{} {} {}", f.severity, f.id, f.title)
        }
        CheckRow::Warning(i) => r.shown().warnings[*i].message.clone(),
    }
}
