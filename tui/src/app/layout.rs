//! Where each pane goes for a terminal size: one pure function shared by the view (to draw)
//! and by update (to map mouse clicks and page sizes to panes).

use super::model::MainView;
use ratatui::layout::{Constraint, Layout, Rect};

/// The panes' rectangles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    /// The title line.
    pub header: Rect,
    /// The design tree.
    pub tree: Rect,
    /// Edits, expectations and findings (absent in the matrix view).
    pub checks: Rect,
    /// The selected item's detail, or the matrix.
    pub detail: Rect,
    /// The status and key-hint line.
    pub status: Rect,
}

/// Lays out a terminal of `size` (columns, rows).
pub fn areas(size: (u16, u16), main: MainView) -> Areas {
    let full = Rect::new(0, 0, size.0, size.1);
    let [header, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(full);
    let tree_w = if size.0 >= 60 {
        (size.0 * 9 / 20).clamp(30, 56)
    } else {
        size.0 / 2
    };
    let [tree, right] =
        Layout::horizontal([Constraint::Length(tree_w), Constraint::Min(0)]).areas(body);
    let (checks, detail) = match main {
        MainView::Matrix => (Rect::new(right.x, right.y, right.width, 0), right),
        MainView::Detail => {
            let h = (body.height * 2 / 5).max(5).min(body.height);
            let [c, d] = Layout::vertical([Constraint::Length(h), Constraint::Min(0)]).areas(right);
            (c, d)
        }
    };
    Areas {
        header,
        tree,
        checks,
        detail,
        status,
    }
}

/// The rows inside a bordered pane.
pub fn inner_height(r: Rect) -> usize {
    r.height.saturating_sub(2) as usize
}

/// Whether (column, row) is inside `r`'s border.
pub fn inside(r: Rect, col: u16, row: u16) -> bool {
    r.width > 2
        && r.height > 2
        && col > r.x
        && col < r.x + r.width - 1
        && row > r.y
        && row < r.y + r.height - 1
}
