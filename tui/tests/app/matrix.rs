//! The matrix grid under the keyboard: Tab reaches it, the cursor stays on the grid (the
//! `internet` row and column included), Enter opens a cell, Esc and q close it, and an opened
//! cell follows the edits.

use super::harness::{draw, open, press, text};
use vnetlab_tui::app::model::{MainView, Overlay, Pane};

#[test]
fn tab_reaches_the_grid_and_the_cursor_stays_on_it() {
    let mut m = open((80, 24));
    press(&mut m, "m");
    assert_eq!(m.ui.main, MainView::Matrix);
    press(&mut m, "<tab>");
    assert_eq!(m.ui.focus, Pane::Detail, "the grid has the focus");
    // Three subnets and the internet: the cursor stops at the last row and column.
    press(&mut m, "G l l l l l l");
    assert_eq!(m.ui.matrix_cell, (3, 3));
    press(&mut m, "g h h h h h");
    assert_eq!(m.ui.matrix_cell, (0, 0));
    press(&mut m, "<tab>");
    assert_eq!(m.ui.focus, Pane::Tree, "Tab goes back to the tree");
}

#[test]
fn the_internet_meets_itself_nowhere_and_q_closes_a_cell() {
    let mut m = open((80, 24));
    press(&mut m, "m <tab> G l l l <enter>");
    assert_eq!(m.ui.overlay, Overlay::None);
    let status = m.status.as_ref().expect("a status").text.clone();
    assert!(status.contains("internet row and column meet"), "{status}");
    // internet → ml/endpoints: nothing from the internet gets in.
    press(&mut m, "h h h <enter>");
    assert_eq!(m.ui.overlay, Overlay::Cell);
    let screen = text(&draw(&m));
    assert!(
        screen.contains("internet → ml/endpoints tcp/443: none delivered"),
        "{screen}"
    );
    press(&mut m, "q");
    assert_eq!(m.ui.overlay, Overlay::None);
    assert!(!m.quit, "q closes the cell, not the app");
}

#[test]
fn an_opened_internet_cell_follows_the_edits() {
    let cell = |script: &str| {
        let mut m = open((80, 24));
        press(&mut m, script);
        text(&draw(&m))
    };
    // training → internet on tcp/443: only the service tags' ranges before the deny rule is
    // flipped; every outside host after (the design's own services' public front ends are not
    // `internet`, P14).
    let before = cell("m <tab> j j l l l <enter>");
    assert!(
        before.contains("partly delivered (6 of 40 packet classes)"),
        "{before}"
    );
    let after = cell(r#"/ "deny-int" <enter> <space> m <tab> j j l l l <enter>"#);
    assert!(
        after.contains("all delivered (40 of 40 packet classes)"),
        "{after}"
    );
}
