//! The side-effect-free view: draws a [`Model`] into a frame. Nothing here changes state; the
//! scroll offsets it uses were settled by `update`.

mod bars;
mod cell;
pub mod detail;
mod form;
mod help;
mod item;
mod lists;
mod matrix;

use super::layout::areas;
use super::model::{Doc, MainView, Model, Overlay, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Draws the whole screen.
pub fn view(m: &Model, f: &mut Frame) {
    let a = areas(m.size, m.ui.main);
    bars::header(m, f, a.header);
    bars::status(m, f, a.status);
    match &m.doc {
        Doc::Loading => {
            f.render_widget(Paragraph::new(format!("reading {}…", m.file)), a.tree);
        }
        Doc::Invalid {
            diagnostics,
            source,
            ..
        } => {
            let right = Rect::new(
                a.checks.x,
                a.checks.y,
                a.checks.width,
                a.checks.height + a.detail.height,
            );
            lists::no_tree(m, f, a.tree);
            errors(m, f, right, diagnostics, source);
        }
        Doc::Ready(r) => {
            lists::tree(m, r, f, a.tree);
            match m.ui.main {
                MainView::Detail => {
                    lists::checks(m, r, f, a.checks);
                    let (title, lines, wrap) = detail::detail(m, r);
                    let focused = m.ui.focus == Pane::Detail;
                    text_pane(m, f, a.detail, &title, lines, wrap, focused);
                }
                MainView::Matrix => matrix::matrix(m, r, f, a.detail),
            }
        }
    }
    match &m.ui.overlay {
        Overlay::Help => help::help(m, f),
        Overlay::Cell => cell::cell(m, f),
        Overlay::AddRule(form) => form::form(m, form, f),
        Overlay::None | Overlay::Search(_) => {}
    }
}

/// A bordered pane.
pub(crate) fn block(m: &Model, title: &str, focused: bool) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(m.theme.border(focused))
        .title(Line::styled(format!(" {title} "), m.theme.border(focused)))
}

fn text_pane(
    m: &Model,
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    wrap: bool,
    focused: bool,
) {
    let mut p = Paragraph::new(lines).block(block(m, title, focused));
    if wrap {
        p = p
            .wrap(Wrap { trim: false })
            .scroll((m.ui.detail_scroll.0, 0));
    } else {
        p = p.scroll(m.ui.detail_scroll);
    }
    f.render_widget(p, area);
}

fn errors(
    m: &Model,
    f: &mut Frame,
    area: Rect,
    diagnostics: &[vnetlab_core::diag::Diagnostic],
    source: &str,
) {
    let t = m.theme;
    let mut lines = vec![Line::raw(
        "The file has errors; nothing was analysed. Fix it and save: the app reloads it.",
    )];
    for d in diagnostics {
        lines.push(Line::raw(""));
        for (i, l) in d.render(Some(source)).lines().enumerate() {
            let style = match (i, d.severity) {
                (0, vnetlab_core::diag::Severity::Error) => t.bad(),
                (0, _) => t.warn(),
                _ => ratatui::style::Style::new(),
            };
            lines.push(Line::styled(l.to_string(), style));
        }
    }
    let p = Paragraph::new(lines)
        .block(block(m, &format!("Errors in {}", m.file), true))
        .wrap(Wrap { trim: false })
        .scroll(m.ui.detail_scroll);
    f.render_widget(p, area);
}
