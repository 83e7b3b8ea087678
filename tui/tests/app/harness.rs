//! Drives the app like a user: key presses through the real key map into `update`, the screen
//! drawn by the real `view` into a `TestBackend`, and snapshot comparison.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use std::path::PathBuf;
use vnetlab_core::model::BuildOptions;
use vnetlab_tui::app::theme::Theme;
use vnetlab_tui::app::{Message, Model, keys, update, view};

/// The bundled design the tests use (a copy, so new topologies do not move the snapshots).
pub const FIXTURE: &[u8] = include_bytes!("../fixtures/aml-private-endpoints.yaml");

/// A model of `size` with the fixture loaded.
pub fn open(size: (u16, u16)) -> Model {
    open_bytes(size, FIXTURE)
}

/// A model of `size` with `bytes` loaded.
pub fn open_bytes(size: (u16, u16), bytes: &[u8]) -> Model {
    open_named(size, "aml-private-endpoints.yaml", bytes)
}

/// A model of `size` with `bytes` loaded as the file `name`.
pub fn open_named(size: (u16, u16), name: &str, bytes: &[u8]) -> Model {
    let mut m = Model::new(name, BuildOptions::default(), Theme::new(false), size);
    update(&mut m, Message::FileLoaded(bytes.to_vec()));
    m
}

/// Presses keys. `script` is a space-separated list: single characters, or names in angle
/// brackets (`<enter> <tab> <space> <esc> <down> <up>`); `"text"` types text as characters.
pub fn press(m: &mut Model, script: &str) {
    for word in script.split_whitespace() {
        let codes: Vec<KeyCode> = match word {
            "<enter>" => vec![KeyCode::Enter],
            "<tab>" => vec![KeyCode::Tab],
            "<space>" => vec![KeyCode::Char(' ')],
            "<esc>" => vec![KeyCode::Esc],
            "<down>" => vec![KeyCode::Down],
            "<up>" => vec![KeyCode::Up],
            "<left>" => vec![KeyCode::Left],
            "<right>" => vec![KeyCode::Right],
            w if w.starts_with('"') => w.trim_matches('"').chars().map(KeyCode::Char).collect(),
            w => w.chars().map(KeyCode::Char).collect(),
        };
        for code in codes {
            let k = KeyEvent::new(code, KeyModifiers::NONE);
            if let Some(msg) = keys::key(&k, m) {
                update(m, msg);
            }
        }
    }
}

/// Draws the model into a buffer of its size.
pub fn draw(m: &Model) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(m.size.0, m.size.1)).expect("terminal");
    t.draw(|f| view(m, f)).expect("draw");
    t.backend().buffer().clone()
}

/// The screen as text, one line per row, trailing spaces removed.
pub fn text(b: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..b.area.height {
        let mut line = String::new();
        for x in 0..b.area.width {
            line.push_str(b[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Compares the screen with `tui/tests/snapshots/NAME.txt` (written when `UPDATE_SNAPSHOTS`
/// is set, or when it does not exist yet).
pub fn snapshot(name: &str, m: &Model) {
    let got = text(&draw(m));
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v != "0");
    match std::fs::read_to_string(&path) {
        Ok(want) if !update => {
            if want != got {
                panic!(
                    "screen `{name}` differs from {}\n--- want\n{want}--- got\n{got}\nrerun with UPDATE_SNAPSHOTS=1 to accept",
                    path.display()
                );
            }
        }
        _ => std::fs::write(&path, &got).expect("write snapshot"),
    }
}
