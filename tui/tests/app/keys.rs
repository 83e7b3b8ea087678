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
