//! The one place where terminal events become messages: every key binding is here.

use super::message::Message;
use super::model::{Model, Overlay};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

/// The key bindings, for the help overlay and the README: (keys, what they do).
pub const BINDINGS: &[(&str, &str)] = &[
    ("↑↓ j k", "move; scroll the detail; matrix: the cell"),
    ("PgUp PgDn ^u ^d", "page"),
    ("g G Home End", "first / last"),
    (
        "← → h l",
        "fold / unfold; scroll sideways; matrix: the cell",
    ),
    ("Enter", "fold / unfold; open a check; matrix: why the cell"),
    ("Tab ⇧Tab", "next / previous pane (the matrix grid too)"),
    ("Space t", "toggle: allow/deny, a flag, a setting; detach"),
    ("x Del", "remove the rule, route, link or endpoint"),
    ("f", "apply the selected broken flow's verified fix"),
    ("a", "add a rule to the selected NSG (a form)"),
    ("u", "undo the last edit"),
    ("R", "reset: drop every edit"),
    ("w", "write the edited design to FILE.whatif.yaml"),
    ("m", "reachability matrix on / off"),
    (
        "p P b",
        "matrix: next / previous port; by subnet / workload",
    ),
    ("/ n N", "search; next / previous match"),
    ("mouse", "click to select, again to unfold; wheel scrolls"),
    ("?", "this help"),
    ("Esc", "close; back from the matrix"),
    ("q ^c", "quit"),
];

/// The message for a terminal event, if it means anything here.
pub fn message(ev: &Event, m: &Model) -> Option<Message> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => key(k, m),
        Event::Mouse(me) => match me.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Message::Click(me.column, me.row)),
            MouseEventKind::ScrollDown => Some(Message::Wheel(me.column, me.row, 1)),
            MouseEventKind::ScrollUp => Some(Message::Wheel(me.column, me.row, -1)),
            _ => None,
        },
        Event::Resize(w, h) => Some(Message::Resize(*w, *h)),
        _ => None,
    }
}

/// The message for a key.
pub fn key(k: &KeyEvent, m: &Model) -> Option<Message> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && k.code == KeyCode::Char('c') {
        return Some(Message::Quit);
    }
    if let Overlay::Search(_) = m.ui.overlay {
        return match k.code {
            KeyCode::Char(c) if !ctrl => Some(Message::SearchInput(c)),
            KeyCode::Backspace => Some(Message::SearchBackspace),
            KeyCode::Enter => Some(Message::SearchSubmit),
            KeyCode::Esc => Some(Message::Escape),
            _ => None,
        };
    }
    if let Overlay::AddRule(_) = m.ui.overlay {
        return match k.code {
            KeyCode::Char(c) if !ctrl => Some(Message::FormInput(c)),
            KeyCode::Backspace => Some(Message::FormBackspace),
            KeyCode::Tab | KeyCode::Down => Some(Message::FormField(1)),
            KeyCode::BackTab | KeyCode::Up => Some(Message::FormField(-1)),
            KeyCode::Enter => Some(Message::FormSubmit),
            KeyCode::Esc => Some(Message::Escape),
            _ => None,
        };
    }
    if matches!(m.ui.overlay, Overlay::Help | Overlay::Cell) && k.code == KeyCode::Char('q') {
        return Some(Message::Escape);
    }
    Some(match k.code {
        KeyCode::Char('d') if ctrl => Message::Page(1),
        KeyCode::Char('u') if ctrl => Message::Page(-1),
        KeyCode::Char('q') => Message::Quit,
        KeyCode::Char('?') => Message::Help,
        KeyCode::Esc => Message::Escape,
        KeyCode::Down | KeyCode::Char('j') => Message::Move(1),
        KeyCode::Up | KeyCode::Char('k') => Message::Move(-1),
        KeyCode::PageDown => Message::Page(1),
        KeyCode::PageUp => Message::Page(-1),
        KeyCode::Home | KeyCode::Char('g') => Message::Home,
        KeyCode::End | KeyCode::Char('G') => Message::End,
        KeyCode::Left | KeyCode::Char('h') => Message::Left,
        KeyCode::Right | KeyCode::Char('l') => Message::Right,
        KeyCode::Enter => Message::Activate,
        KeyCode::Tab => Message::FocusNext,
        KeyCode::BackTab => Message::FocusPrev,
        KeyCode::Char(' ') | KeyCode::Char('t') => Message::Toggle,
        KeyCode::Char('x') | KeyCode::Delete => Message::Remove,
        KeyCode::Char('u') => Message::Undo,
        KeyCode::Char('R') => Message::Reset,
        KeyCode::Char('w') => Message::Write,
        KeyCode::Char('f') => Message::ApplyFix,
        KeyCode::Char('a') => Message::AddRule,
        KeyCode::Char('m') => Message::ToggleMatrix,
        KeyCode::Char('p') => Message::MatrixPort(1),
        KeyCode::Char('P') => Message::MatrixPort(-1),
        KeyCode::Char('b') => Message::MatrixBy,
        KeyCode::Char('/') => Message::SearchStart,
        KeyCode::Char('n') => Message::SearchAgain(1),
        KeyCode::Char('N') => Message::SearchAgain(-1),
        _ => return None,
    })
}
