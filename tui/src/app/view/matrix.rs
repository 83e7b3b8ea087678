//! The reachability matrix (row reaches column) for one port, with its `internet` row and
//! column, the cursor when the grid has the focus, and the cells that changed since the file on
//! disk highlighted and listed.

use crate::app::analysis::{Change, cell_change};
use crate::app::matrix_nav;
use crate::app::model::{Model, Ready};
use crate::app::view::detail::change_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use vnetlab_core::reach::matrix::{MatrixBy, Reach};

/// Draws the matrix pane.
pub fn matrix(m: &Model, r: &Ready, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let focused = matrix_nav::focused(m);
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
    let n = a.rows();
    let w = (0..n)
        .map(|i| a.row_name(i).chars().count())
        .max()
        .unwrap_or(4);
    let last = n.saturating_sub(1);
    let cursor = (m.ui.matrix_cell.0.min(last), m.ui.matrix_cell.1.min(last));
    let mut lines = vec![
        Line::styled("row reaches column: ● all  ◐ some  · none", t.dim()),
        Line::raw(format!(
            "{:w$}  {}",
            "",
            (1..=n).map(|i| format!("{i:>3}")).collect::<String>()
        )),
    ];
    let mut changed = Vec::new();
    for ri in 0..n {
        let name = a.row_name(ri);
        let mut spans = vec![Span::raw(format!("{name:w$}  "))];
        for ci in 0..n {
            let reach = a.reach(ri, ci, p);
            let c = cell_change(&r.base, a, ri, ci, p);
            let mut style = match c {
                Some(Change::NewlyAllowed) => t.newly_allowed(),
                Some(Change::NewlyDenied) => t.newly_denied(),
                None if reach.is_none_or(|x| x == Reach::None) => t.dim(),
                None => t.good(),
            };
            if focused && (ri, ci) == cursor {
                style = style.patch(t.selected(true));
            }
            let symbol = match reach {
                Some(x) => x.symbol(),
                None if ri == ci => ' ',
                None => '?',
            };
            spans.push(Span::raw("  "));
            spans.push(Span::styled(symbol.to_string(), style));
            if let Some(c) = c {
                changed.push((c, format!("{name} → {}", a.row_name(ci))));
            }
        }
        spans.push(Span::styled(format!("   {}", ri + 1), t.dim()));
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    if focused {
        let (from, to) = (a.row_name(cursor.0), a.row_name(cursor.1));
        lines.push(Line::raw(format!("{from} → {to}: Enter explains")));
    }
    if !a.has_internet() {
        lines.push(Line::styled(
            format!(
                "no internet row: more than {} rows",
                crate::app::analysis::INTERNET_ROWS_MAX
            ),
            t.dim(),
        ));
    }
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
        "Tab:grid Enter:why p:port b:by m:back",
        t.dim(),
    ));
    let title = format!("Reachability {proto}/{port} by {by}");
    f.render_widget(
        Paragraph::new(lines).block(super::block(m, &title, focused)),
        area,
    );
}
