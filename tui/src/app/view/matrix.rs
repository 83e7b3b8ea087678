//! The reachability matrix (row reaches column) for one port, with the cells that changed
//! since the file on disk highlighted and listed.

use crate::app::analysis::{Change, cell_change};
use crate::app::model::{Model, Ready};
use crate::app::view::detail::change_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use vnetlab_core::reach::matrix::MatrixBy;

/// Draws the matrix pane.
pub fn matrix(m: &Model, r: &Ready, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let Ok(a) = &r.current else {
        f.render_widget(
            Paragraph::new("The edited design is invalid; u undoes the last edit.")
                .block(super::block(m, "Reachability", true)),
            area,
        );
        return;
    };
    let mx = &a.matrix;
    let p = m.ui.matrix_port.min(mx.ports.len().saturating_sub(1));
    let (proto, port) = mx.ports[p];
    let by = match mx.by {
        MatrixBy::Subnet => "subnet",
        MatrixBy::Workload => "workload",
    };
    let w = mx
        .names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4);
    let mut lines = vec![
        Line::styled("row reaches column: ● all  ◐ some  · none", t.dim()),
        Line::raw(format!(
            "{:w$}  {}",
            "",
            (1..=mx.names.len())
                .map(|i| format!("{i:>3}"))
                .collect::<String>()
        )),
    ];
    let mut changed = Vec::new();
    for (ri, name) in mx.names.iter().enumerate() {
        let mut spans = vec![Span::raw(format!("{name:w$}  "))];
        for ci in 0..mx.names.len() {
            let reach = mx.cell(ri, ci, p);
            let c = cell_change(&r.base.matrix, mx, ri, ci, p);
            let style = match c {
                Some(Change::NewlyAllowed) => t.newly_allowed(),
                Some(Change::NewlyDenied) => t.newly_denied(),
                None if reach == vnetlab_core::reach::matrix::Reach::None => t.dim(),
                None => t.good(),
            };
            spans.push(Span::raw("  "));
            spans.push(Span::styled(reach.symbol().to_string(), style));
            if let Some(c) = c {
                changed.push((c, format!("{name} → {}", mx.names[ci])));
            }
        }
        spans.push(Span::styled(format!("   {}", ri + 1), t.dim()));
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    if changed.is_empty() {
        lines.push(Line::styled(
            "no cell changed since the file on disk",
            t.dim(),
        ));
    } else {
        for (c, what) in changed {
            lines.push(change_line(t, c, &what));
        }
    }
    lines.push(Line::styled(
        "p/P: port  b: by subnet/workload  m/Esc: back",
        t.dim(),
    ));
    let title = format!("Reachability {proto}/{port} by {by}");
    f.render_widget(
        Paragraph::new(lines).block(super::block(m, &title, false)),
        area,
    );
}
