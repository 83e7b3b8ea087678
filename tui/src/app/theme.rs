//! Colours that survive light and dark terminals (the 16 named ANSI colours, which follow the
//! terminal's palette, and no backgrounds except reverse video), and none at all under
//! `NO_COLOR`: then meaning is carried by text marks and bold / underline / reverse.

use ratatui::style::{Color, Modifier, Style};

/// The app's styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Whether to use colours.
    pub color: bool,
}

impl Theme {
    /// Colours unless `no_color` (the `NO_COLOR` convention: set and not empty).
    pub fn new(no_color: bool) -> Self {
        Self { color: !no_color }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// Something that holds or is delivered.
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    /// Something that fails or is denied.
    pub fn bad(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// A warning.
    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// Changed since the file on disk: now delivered.
    pub fn newly_allowed(self) -> Style {
        self.fg(Color::Green)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Changed since the file on disk: now not delivered.
    pub fn newly_denied(self) -> Style {
        self.fg(Color::Red)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// An element the edits changed.
    pub fn edited(self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::ITALIC)
    }

    /// Headings and titles.
    pub fn heading(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Secondary text.
    pub fn dim(self) -> Style {
        if self.color {
            Style::new().add_modifier(Modifier::DIM)
        } else {
            Style::new()
        }
    }

    /// The selected row.
    pub fn selected(self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    /// A pane border.
    pub fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        }
    }
}
