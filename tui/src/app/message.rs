//! Messages (everything that can happen to the app) and effects (the IO that `update` asks the
//! runtime to do).

use std::path::PathBuf;

/// Something that happened: a key mapped to an intent, a mouse action, a resize, the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Move the selection (or scroll) by this many rows; negative is up.
    Move(i32),
    /// One page down (positive) or up (negative).
    Page(i32),
    /// To the first row.
    Home,
    /// To the last row.
    End,
    /// Left: collapse the tree node or go to its parent; scroll the detail left.
    Left,
    /// Right: expand the tree node; scroll the detail right.
    Right,
    /// Enter: expand or collapse a tree node; show a check's detail.
    Activate,
    /// Focus the next pane.
    FocusNext,
    /// Focus the previous pane.
    FocusPrev,
    /// Apply the selected item's toggle edit (flip allow/deny, a flag, a setting; detach).
    Toggle,
    /// Apply the selected item's remove edit.
    Remove,
    /// Undo the last edit.
    Undo,
    /// Drop every edit.
    Reset,
    /// Write the edited design to a new file.
    Write,
    /// Show or hide the reachability matrix.
    ToggleMatrix,
    /// Next matrix port (positive) or previous (negative).
    MatrixPort(i32),
    /// Matrix by subnets ↔ by workloads.
    MatrixBy,
    /// Show or hide the help.
    Help,
    /// Close the overlay or cancel the search.
    Escape,
    /// Open the search prompt.
    SearchStart,
    /// A character typed into the search prompt.
    SearchInput(char),
    /// Backspace in the search prompt.
    SearchBackspace,
    /// Enter in the search prompt.
    SearchSubmit,
    /// Next match (positive) or previous (negative) of the last search.
    SearchAgain(i32),
    /// A mouse click at (column, row).
    Click(u16, u16),
    /// The mouse wheel at (column, row): down (positive) or up (negative).
    Wheel(u16, u16, i32),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// The design file's content, read at start or after it changed on disk.
    FileLoaded(Vec<u8>),
    /// The design file could not be read.
    FileUnreadable(String),
    /// The result of [`Effect::Write`]: the path written, or why not.
    Written(Result<PathBuf, String>),
    /// Leave the app.
    Quit,
}

/// IO that `update` asks the runtime to perform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Write `contents` to a new file next to the design: `stem` plus `.whatif.yaml` (with a
    /// number when that exists); answer with [`Message::Written`].
    Write {
        /// The design file the new one goes beside.
        beside: String,
        /// The YAML text.
        contents: String,
    },
}
