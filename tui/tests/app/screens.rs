//! Whole screens after scripted key sequences: open, navigate, toggle a rule, see a verdict
//! flip, undo; help, matrix, errors in the file, a larger terminal.

use super::harness::{FIXTURE, draw, open, open_bytes, press, snapshot, text};
use ratatui::style::{Color, Modifier};
use vnetlab_tui::app::theme::Theme;

#[test]
fn open_80x24() {
    let m = open((80, 24));
    snapshot("open_80x24", &m);
}

#[test]
fn navigate_to_a_rule_80x24() {
    let mut m = open((80, 24));
    press(&mut m, r#"/ "deny-int" <enter>"#);
    snapshot("rule_80x24", &m);
}

#[test]
fn toggle_a_rule_and_see_the_verdict_flip_then_undo_80x24() {
    let mut m = open((80, 24));
    press(&mut m, r#"/ "deny-int" <enter> <space>"#);
    snapshot("toggled_80x24", &m);
    // The verdicts that flipped are below the fold of the checks list: the title counts them.
    assert!(text(&draw(&m)).contains("Checks · ↓7 changed below"));
    // To the checks, then to the expectation that flipped.
    press(&mut m, r#"<tab> / "browse" <enter>"#);
    snapshot("flipped_verdict_80x24", &m);
    assert!(text(&draw(&m)).contains("FAIL ▲ training cannot browse"));
    press(&mut m, "u");
    snapshot("undone_80x24", &m);
    assert!(!text(&draw(&m)).contains("▲"));
}

#[test]
fn help_overlay_80x24() {
    let mut m = open((80, 24));
    press(&mut m, "?");
    snapshot("help_80x24", &m);
    // Every binding is shown whole: nothing is cut off at 80 columns.
    let screen = text(&draw(&m));
    for (keys, what) in vnetlab_tui::app::keys::BINDINGS {
        let line = format!("{keys:<17}{what}");
        assert!(screen.contains(&line), "help cut off: `{line}`\n{screen}");
    }
    assert!(screen.contains("(vs the file on disk)"), "{screen}");
}

#[test]
fn matrix_cell_drill_down_80x24() {
    let mut m = open((80, 24));
    // The matrix, then the grid: training (row 3) → internet (column 4) on tcp/443.
    press(&mut m, "m <tab> j j l l l");
    snapshot("matrix_cursor_80x24", &m);
    let grid = text(&draw(&m));
    assert!(grid.contains("internet"), "{grid}");
    assert!(
        grid.contains("ml/training → internet: Enter explains"),
        "{grid}"
    );
    press(&mut m, "<enter>");
    snapshot("matrix_cell_80x24", &m);
    let cell = text(&draw(&m));
    assert!(
        cell.contains("ml/training → internet tcp/443: partly delivered"),
        "{cell}"
    );
    assert!(
        cell.contains("why not, the first class not delivered"),
        "{cell}"
    );
    assert!(cell.contains("deny-internet-out"), "{cell}");
    // The witness is scrolled to, and the overlay closes back onto the grid.
    press(&mut m, "G");
    assert_ne!(text(&draw(&m)), cell);
    press(&mut m, "<esc>");
    assert!(text(&draw(&m)).contains("ml/training → internet: Enter explains"));
}

#[test]
fn matrix_after_unlinking_a_dns_zone_120x40() {
    let mut m = open((120, 40));
    press(&mut m, r#"/ "privatelink.blob" <enter> j x m"#);
    snapshot("matrix_120x40", &m);
}

#[test]
fn workload_rules_and_routes_120x40() {
    let mut m = open((120, 40));
    press(&mut m, r#"/ "trainer" <enter>"#);
    snapshot("workload_120x40", &m);
    press(&mut m, r#"/ "subnet training" <enter>"#);
    snapshot("subnet_routes_120x40", &m);
}

#[test]
fn errors_in_the_file_are_shown_with_their_locations_80x24() {
    let broken = String::from_utf8_lossy(FIXTURE)
        .replace("prefix: 10.1.1.0/24", "prefix: 10.1.1.0/99")
        .replace("subnet: ml/jump", "subnet: ml/jmp");
    let m = open_bytes((80, 24), broken.as_bytes());
    snapshot("errors_80x24", &m);
}

#[test]
fn a_tiny_terminal_does_not_panic() {
    for size in [(20, 5), (1, 1), (0, 0), (40, 12)] {
        let mut m = open(size);
        press(&mut m, r#"j j <space> m ? <esc> / "x" <enter> <tab> <tab>"#);
        draw(&m);
    }
}

#[test]
fn changes_are_coloured_and_marked_without_colour_too() {
    let mut m = open((80, 24));
    press(
        &mut m,
        r#"/ "deny-int" <enter> <space> <tab> / "browse" <enter>"#,
    );
    m.theme = Theme::new(true);
    let b = draw(&m);
    let (x, y) = find(&b, "▲").expect("mark");
    assert!(b[(x, y)].modifier.contains(Modifier::UNDERLINED));
    assert_eq!(b[(x, y)].fg, Color::Reset, "NO_COLOR: no colour");
    m.theme = Theme::new(false);
    let b = draw(&m);
    let (x, y) = find(&b, "▲").expect("mark");
    assert_eq!(b[(x, y)].fg, Color::Green);
}

fn find(b: &ratatui::buffer::Buffer, sym: &str) -> Option<(u16, u16)> {
    (0..b.area.height)
        .flat_map(|y| (0..b.area.width).map(move |x| (x, y)))
        .find(|&(x, y)| b[(x, y)].symbol() == sym)
}
