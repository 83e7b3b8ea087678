//! The add-rule form over the screen: one line per field with what it takes, the field being
//! typed in marked, and the problems the last submit found.

use crate::app::model::Model;
use crate::app::rule_form::{FIELDS, RuleForm};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// Width of the key column.
const KEYS: usize = 18;

/// Draws the form, centred.
pub fn form(m: &Model, form: &RuleForm, f: &mut Frame) {
    let t = m.theme;
    let area = f.area();
    let mut lines: Vec<Line> = Vec::new();
    for (i, ((key, what), value)) in FIELDS.iter().zip(&form.values).enumerate() {
        let here = i == form.at;
        let marker = if here { "▸" } else { " " };
        let mut spans = vec![
            Span::styled(format!("{marker}{key:<KEYS$}"), t.heading()),
            Span::styled(value.clone(), t.selected(here)),
        ];
        if here {
            spans.push(Span::styled("▏", t.selected(true)));
        }
        spans.push(Span::styled(format!("  {what}"), t.dim()));
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    if form.errors.is_empty() {
        lines.push(Line::styled(
            " Enter adds the rule as an edit · Tab ↑↓ fields · Esc cancels",
            t.dim(),
        ));
    }
    for e in &form.errors {
        lines.push(Line::styled(format!(" {e}"), t.bad()));
    }
    let w = area.width.min(96);
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(super::block(
                m,
                &format!("Add a rule to NSG {}", form.nsg),
                true,
            )),
        r,
    );
}
