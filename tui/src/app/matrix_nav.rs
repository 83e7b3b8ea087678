//! The matrix grid under the keyboard: a cursor over its cells (the `internet` row and column
//! included) and the cell opened on Enter, explained by vnetlab-core (its packet classes and a
//! witness trace each way), shown in a scrolling overlay.

use super::analysis::MATRIX_PORTS;
use super::message::Message;
use super::model::{CellView, Doc, MainView, Model, Overlay, Pane};
use vnetlab_core::query::EndpointSet;
use vnetlab_core::reach::Atoms;
use vnetlab_core::reach::cell::explain_cell;
use vnetlab_core::reach::matrix::endpoint_sets;

/// Whether the grid has the keyboard: the matrix is shown and its pane is focused.
pub fn focused(m: &Model) -> bool {
    m.ui.main == MainView::Matrix && m.ui.focus == Pane::Detail
}

/// Moves the cursor by rows and columns, staying on the grid.
pub fn move_cursor(m: &mut Model, rows: isize, cols: isize) {
    let Some(n) = m
        .ready()
        .and_then(|r| r.current.as_ref().ok())
        .map(|a| a.rows())
    else {
        return;
    };
    let last = n.saturating_sub(1) as isize;
    let (r, c) = m.ui.matrix_cell;
    m.ui.matrix_cell = (
        (r as isize).saturating_add(rows).clamp(0, last) as usize,
        (c as isize).saturating_add(cols).clamp(0, last) as usize,
    );
}

/// Opens the cell under the cursor on the port shown.
pub fn open(m: &mut Model) {
    let Some(a) = m.ready().and_then(|r| r.current.as_ref().ok()) else {
        return;
    };
    let n = a.matrix.names.len();
    let (row, col) = m.ui.matrix_cell;
    if row >= a.rows() || col >= a.rows() {
        return;
    }
    if row == n && col == n {
        m.status = Some(super::model::Status {
            text: "the internet row and column meet here: pick a subnet or workload".into(),
            error: false,
        });
        return;
    }
    let (proto, port) = MATRIX_PORTS[m.ui.matrix_port.min(MATRIX_PORTS.len() - 1)];
    let d = &a.design;
    let sets = endpoint_sets(d, a.matrix.by);
    let set = |i: usize| -> EndpointSet {
        sets.get(i)
            .map_or(EndpointSet::Internet, |(_, s)| s.clone())
    };
    let (from, to) = (a.row_name(row).to_string(), a.row_name(col).to_string());
    let e = explain_cell(d, &Atoms::of(d), &set(row), &set(col), proto, port);
    m.cell = Some(CellView {
        title: format!("{from} → {to} {proto}/{port}"),
        text: vnetlab_core::render::cell(&from, &to, proto, port, &e),
        scroll: 0,
    });
    m.ui.overlay = Overlay::Cell;
}

/// Scrolls the opened cell; `true` when the message was for it.
pub fn overlay_message(m: &mut Model, msg: &Message) -> bool {
    if m.ui.overlay != Overlay::Cell {
        return false;
    }
    let Some(c) = &mut m.cell else { return false };
    let by = |d: i32| (i32::from(c.scroll) + d).clamp(0, i32::from(u16::MAX)) as u16;
    c.scroll = match msg {
        Message::Move(d) => by(*d),
        Message::Page(d) => by(d * 10),
        Message::Home => 0,
        Message::End => c.text.lines().count().saturating_sub(1) as u16,
        _ => return false,
    };
    true
}

/// While the matrix is shown, computes the `internet` row and column for the port it shows, in
/// the design on disk and the edited one (so that changed cells are marked).
pub fn prepare(m: &mut Model) {
    if m.ui.main != MainView::Matrix {
        return;
    }
    let port = m.ui.matrix_port;
    if let Doc::Ready(r) = &mut m.doc {
        r.base.prepare_internet(port);
        if let Ok(a) = &mut r.current {
            a.prepare_internet(port);
        }
    }
}
