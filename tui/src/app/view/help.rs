//! The help overlay: every key binding, from [`crate::app::keys::BINDINGS`].

use crate::app::keys::BINDINGS;
use crate::app::model::Model;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// The legend under the keys.
const LEGEND: &str = " ▲ newly allowed  ▼ newly denied  ✎ edited  (vs the file on disk)";

/// Width of the key column.
const KEYS: usize = 17;

/// Draws the help over the screen, centred, as wide as its longest line (it fits 80 columns).
pub fn help(m: &Model, f: &mut Frame) {
    let t = m.theme;
    let area = f.area();
    let widest = BINDINGS
        .iter()
        .map(|(_, what)| 1 + KEYS + what.chars().count())
        .chain([LEGEND.chars().count()])
        .max()
        .unwrap_or(0) as u16;
    let w = (widest + 3).min(area.width);
    let h = (BINDINGS.len() as u16 + 4).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!(" {k:<KEYS$}"), t.heading()),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(LEGEND, t.dim()));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(super::block(m, "Keys — ? or Esc closes", true)),
        r,
    );
}
