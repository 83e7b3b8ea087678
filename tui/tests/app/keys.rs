//! The key map: vim and arrow keys mean the same, search mode takes text, Ctrl-C always quits.

use super::harness::open;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use vnetlab_tui::app::{Message, keys, update};

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

#[test]
fn vim_and_arrow_keys_map_to_the_same_messages() {
    let m = open((80, 24));
    for (a, b) in [
        (KeyCode::Char('j'), KeyCode::Down),
        (KeyCode::Char('k'), KeyCode::Up),
        (KeyCode::Char('h'), KeyCode::Left),
        (KeyCode::Char('l'), KeyCode::Right),
        (KeyCode::Char('g'), KeyCode::Home),
        (KeyCode::Char('G'), KeyCode::End),
    ] {
        assert_eq!(keys::key(&key(a), &m), keys::key(&key(b), &m));
    }
}

#[test]
fn search_mode_takes_letters_as_text_and_ctrl_c_still_quits() {
    let mut m = open((80, 24));
    update(&mut m, Message::SearchStart);
    assert_eq!(
        keys::key(&key(KeyCode::Char('q')), &m),
        Some(Message::SearchInput('q'))
    );
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(keys::key(&ctrl_c, &m), Some(Message::Quit));
}

#[test]
fn every_binding_in_the_help_is_documented() {
    assert!(keys::BINDINGS.iter().any(|(k, _)| k.contains('?')));
    assert!(keys::BINDINGS.len() >= 15);
}

/// A design with nothing in the checks list but headings: no expectations, no findings.
const EMPTY_CHECKS: &[u8] = b"version: 1
name: empty-checks
vnets:
  lab:
    address_space: [10.0.0.0/16]
    subnets:
      app: { prefix: 10.0.1.0/24 }
";

/// Every key that moves a selection or scrolls (issue #20: Tab then `k` on an empty checks
/// list looped for ever between two headings).
fn navigation_keys() -> Vec<KeyEvent> {
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    let mut keys: Vec<KeyEvent> = [
        KeyCode::Char('j'),
        KeyCode::Char('k'),
        KeyCode::Down,
        KeyCode::Up,
        KeyCode::PageDown,
        KeyCode::PageUp,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Char('g'),
        KeyCode::Char('G'),
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Char('h'),
        KeyCode::Char('l'),
        KeyCode::Enter,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Char('n'),
        KeyCode::Char('N'),
    ]
    .into_iter()
    .map(key)
    .collect();
    keys.extend([ctrl('d'), ctrl('u')]);
    keys
}

#[test]
fn an_empty_checks_list_takes_every_navigation_key_in_every_pane() {
    use vnetlab_tui::app::model::Pane;
    // The loop ran for ever before the fix, so the keys run on a thread and a hang fails the
    // test instead of stalling the suite (this bounds a hang, it does not time anything).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut m = super::harness::open_bytes((100, 30), EMPTY_CHECKS);
        let rows = vnetlab_tui::app::rows::check_rows(&m);
        assert!(!rows.is_empty() && rows.iter().all(|r| !r.selectable()));
        // The report's sequence: Tab to the checks, then up.
        super::harness::press(&mut m, "<tab>");
        assert_eq!(m.ui.focus, Pane::Checks);
        super::harness::press(&mut m, "k <up>");
        let mut tried = 0;
        for pane in [Pane::Tree, Pane::Checks, Pane::Detail] {
            for k in navigation_keys() {
                m.ui.focus = pane;
                if let Some(msg) = keys::key(&k, &m) {
                    update(&mut m, msg);
                    tried += 1;
                }
                assert!(!m.quit, "{k:?} quit the app");
                super::harness::draw(&m);
            }
        }
        tx.send(tried).expect("send");
    });
    let tried = rx
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("the navigation keys did not return (a hang)");
    assert_eq!(
        tried,
        3 * navigation_keys().len(),
        "every key maps to a message"
    );
}
