//! The title line (design, file, verdict counts, edits) and the status line (a message, the
//! search prompt, or key hints).

use crate::app::model::{Doc, Model, Overlay};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The title line.
pub fn header(m: &Model, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let mut spans = vec![Span::styled(" vnetlab ", t.heading())];
    match &m.doc {
        Doc::Loading => spans.push(Span::raw(m.file.clone())),
        Doc::Invalid { diagnostics, .. } => {
            spans.push(Span::raw(format!("{}  ", m.file)));
            spans.push(Span::styled(
                format!("{} problem(s) in the file", diagnostics.len()),
                t.bad(),
            ));
        }
        Doc::Ready(r) => {
            let a = r.shown();
            spans.push(Span::raw(format!("{}  ", a.design.name)));
            let n = a.report.results.len();
            let held = a.report.held();
            let style = if held == n { t.good() } else { t.bad() };
            spans.push(Span::styled(format!("{held}/{n} hold"), style));
            let flows = &a.audit.flows;
            if !flows.is_empty() {
                let works = flows.iter().filter(|f| f.works).count();
                let style = if works == flows.len() {
                    t.good()
                } else {
                    t.bad()
                };
                spans.push(Span::raw(" · "));
                spans.push(Span::styled(
                    format!("{works}/{} flows", flows.len()),
                    style,
                ));
            }
            spans.push(Span::raw(format!(" · {} findings", a.audit.findings.len())));
            let e = r.session.edits().len();
            if e > 0 {
                spans.push(Span::raw("  "));
                spans.push(Span::styled(format!("what-if: {e} edit(s)"), t.edited()));
            }
            if r.current.is_err() {
                spans.push(Span::raw("  "));
                spans.push(Span::styled("edited design invalid", t.bad()));
            }
            spans.push(Span::styled(format!("  {}", m.file), t.dim()));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The status line.
pub fn status(m: &Model, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let line = if let Overlay::Search(q) = &m.ui.overlay {
        Line::from(vec![
            Span::styled("/", t.heading()),
            Span::raw(q.clone()),
            Span::styled("█", t.dim()),
            Span::styled("   Enter: keep  Esc: close", t.dim()),
        ])
    } else if let Some(j) = &m.job {
        let done = if j.total > 0 {
            format!("{}/{} rows", j.done, j.total)
        } else {
            "starting".to_string()
        };
        Line::styled(
            format!(
                " ⏳ computing {} on a worker: {done} · keys work · Esc cancels",
                j.what
            ),
            t.heading(),
        )
    } else if let Some(s) = &m.status {
        Line::styled(
            format!(" {}", s.text),
            if s.error { t.bad() } else { t.edited() },
        )
    } else {
        Line::styled(
            " ?:help Space:toggle x:remove u:undo R:reset w:write m:matrix /:search q:quit",
            t.dim(),
        )
    };
    f.render_widget(Paragraph::new(line), area);
}
