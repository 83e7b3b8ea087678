//! The two lists: the design tree (edited elements marked) and the checks (edits,
//! expectations and required Azure ML flows with their verdicts and what changed, findings).

use crate::app::analysis::{Change, expectation_change, finding_is_new, flow_change};
use crate::app::model::{Model, Pane, Ready};
use crate::app::rows::{CheckRow, check_rows, has_children, visible_tree};
use crate::app::view::detail::outcome_tag;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn window<T>(rows: Vec<T>, offset: usize, height: usize) -> impl Iterator<Item = (usize, T)> {
    rows.into_iter().enumerate().skip(offset).take(height)
}

fn select(line: Line<'static>, selected: bool, focused: bool, m: &Model) -> Line<'static> {
    if selected {
        line.patch_style(m.theme.selected(focused))
    } else {
        line
    }
}

/// The design tree.
pub fn tree(m: &Model, r: &Ready, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let a = r.shown();
    let items = &a.outline;
    let vis = visible_tree(items, &m.ui.collapsed);
    let focused = m.ui.focus == Pane::Tree;
    let h = area.height.saturating_sub(2) as usize;
    let lines: Vec<Line> = window(vis, m.ui.tree.offset, h)
        .map(|(pos, i)| {
            let it = &items[i];
            let fold = if has_children(items, i) {
                if m.ui.collapsed.contains(&it.key) {
                    "▸ "
                } else {
                    "▾ "
                }
            } else {
                " "
            };
            let edited = r
                .base
                .outline
                .iter()
                .find(|b| b.key == it.key)
                .is_none_or(|b| b.label != it.label);
            let style = if edited {
                t.edited()
            } else if it.depth == 0 {
                t.heading()
            } else {
                Style::new()
            };
            let mut spans = vec![Span::raw(format!("{}{fold}", " ".repeat(it.depth)))];
            if edited {
                spans.push(Span::styled("✎ ", t.edited()));
            }
            spans.push(Span::styled(it.label.clone(), style));
            select(Line::from(spans), pos == m.ui.tree.selected, focused, m)
        })
        .collect();
    let title = format!("Design ({} items)", items.len());
    f.render_widget(
        Paragraph::new(lines).block(super::block(m, &title, focused)),
        area,
    );
}

/// The tree pane when the file has errors.
pub fn no_tree(m: &Model, f: &mut Frame, area: Rect) {
    f.render_widget(
        Paragraph::new(vec![
            Line::raw("The design cannot be shown"),
            Line::raw("until its errors are fixed."),
        ])
        .block(super::block(m, "Design", false)),
        area,
    );
}

/// Edits, expectations and findings.
pub fn checks(m: &Model, r: &Ready, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let a = r.shown();
    let focused = m.ui.focus == Pane::Checks;
    let rows = check_rows(m);
    let h = area.height.saturating_sub(2) as usize;
    let selected_row = m.ui.checks.selected;
    let follow = m.ui.detail_from == Pane::Checks;
    let title = checks_title(r, &rows, m.ui.checks.offset, h);
    let lines: Vec<Line> = window(rows, m.ui.checks.offset, h)
        .map(|(pos, row)| {
            let line = match &row {
                CheckRow::Heading(s) => Line::styled(s.clone(), t.heading()),
                CheckRow::Edit(i) => Line::styled(
                    format!(" ✎ {}", r.session.edits()[*i].describe()),
                    t.edited(),
                ),
                CheckRow::EditError(i) => {
                    let d = &r.current.as_ref().expect_err("invalid")[*i];
                    Line::styled(
                        format!(" ✗ {}:{} {}", d.span.line, d.span.col, d.message),
                        t.bad(),
                    )
                }
                CheckRow::Expect(i) => {
                    let e = &a.report.results[*i];
                    let (tag, style) = outcome_tag(t, e.outcome);
                    let mark = change_mark(t, expectation_change(&r.base.report, e));
                    Line::from(vec![
                        Span::raw(" "),
                        Span::styled(format!("{tag:<4}"), style),
                        Span::raw(" "),
                        mark,
                        Span::raw(format!(" {}", e.name)),
                    ])
                }
                CheckRow::Flow(i) => {
                    let fr = &a.audit.flows[*i];
                    let (tag, style) = if fr.works {
                        ("OK", t.good())
                    } else {
                        ("BROKEN", t.bad())
                    };
                    let f = &fr.flow;
                    Line::from(vec![
                        Span::raw(" "),
                        Span::styled(format!("{tag:<4}"), style),
                        Span::raw(" "),
                        change_mark(t, flow_change(&r.base.audit, fr)),
                        Span::raw(format!(" {} → {} {}/{}", f.from, f.to, f.protocol, f.port)),
                    ])
                }
                CheckRow::Finding(i) => {
                    let f = &a.audit.findings[*i];
                    let style = match f.severity {
                        vnetlab_core::aml::Severity::Critical
                        | vnetlab_core::aml::Severity::High => t.bad(),
                        vnetlab_core::aml::Severity::Medium => t.warn(),
                        _ => Style::new(),
                    };
                    let mark = if finding_is_new(&r.base.audit, f) {
                        Span::styled("+", t.newly_denied())
                    } else {
                        Span::raw(" ")
                    };
                    Line::from(vec![
                        Span::raw(" "),
                        Span::styled(format!("{:<4}", short(f.severity)), style),
                        Span::raw(" "),
                        mark,
                        Span::raw(format!(" {}", f.title)),
                    ])
                }
                CheckRow::Warning(i) => {
                    let d = &a.warnings[*i];
                    Line::styled(
                        format!(" ! {}:{} {}", d.span.line, d.span.col, d.message),
                        t.warn(),
                    )
                }
            };
            select(line, follow && pos == selected_row, focused, m)
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(super::block(m, &title, focused)),
        area,
    );
}

/// "Checks", with a count of the changed rows scrolled out of view above and below, so that a
/// verdict an edit changed is pointed at even when it is below the fold.
fn checks_title(r: &Ready, rows: &[CheckRow], offset: usize, height: usize) -> String {
    let changed = |row: &CheckRow| row_changed(r, row);
    let above = rows.iter().take(offset).filter(|x| changed(x)).count();
    let below = rows
        .iter()
        .skip(offset + height)
        .filter(|x| changed(x))
        .count();
    let mut title = String::from("Checks");
    if above > 0 {
        title.push_str(&format!(" · ↑{above} changed above"));
    }
    if below > 0 {
        title.push_str(&format!(" · ↓{below} changed below"));
    }
    title
}

/// Whether a row's verdict differs from the file on disk (▲, ▼ or a new finding).
fn row_changed(r: &Ready, row: &CheckRow) -> bool {
    let a = r.shown();
    match row {
        CheckRow::Expect(i) => expectation_change(&r.base.report, &a.report.results[*i]).is_some(),
        CheckRow::Flow(i) => flow_change(&r.base.audit, &a.audit.flows[*i]).is_some(),
        CheckRow::Finding(i) => finding_is_new(&r.base.audit, &a.audit.findings[*i]),
        _ => false,
    }
}

/// `▲` newly allowed, `▼` newly denied, or a space.
fn change_mark(t: crate::app::theme::Theme, c: Option<Change>) -> Span<'static> {
    match c {
        Some(Change::NewlyAllowed) => Span::styled("▲", t.newly_allowed()),
        Some(Change::NewlyDenied) => Span::styled("▼", t.newly_denied()),
        None => Span::raw(" "),
    }
}

/// A severity in four letters.
fn short(s: vnetlab_core::aml::Severity) -> &'static str {
    use vnetlab_core::aml::Severity;
    match s {
        Severity::Critical => "CRIT",
        Severity::High => "HIGH",
        Severity::Medium => "MED",
        Severity::Low => "LOW",
        Severity::Info => "INFO",
    }
}
