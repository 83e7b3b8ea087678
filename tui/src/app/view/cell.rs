//! The opened matrix cell, over the screen: its packet classes and witness traces as
//! vnetlab-core explains them, wrapped and scrolled.

use crate::app::model::Model;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// Draws the opened cell over the body of the screen (header and status bar stay visible).
pub fn cell(m: &Model, f: &mut Frame) {
    let Some(c) = &m.cell else { return };
    let area = f.area();
    if area.height < 3 || area.width < 4 {
        return;
    }
    let r = Rect::new(area.x, area.y + 1, area.width, area.height - 2);
    let lines: Vec<Line> = c.text.lines().map(|l| Line::raw(l.to_string())).collect();
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .block(super::block(
                m,
                &format!("{} — ↑↓ scroll, Esc closes", c.title),
                true,
            ))
            .wrap(Wrap { trim: false })
            .scroll((c.scroll, 0)),
        r,
    );
}
