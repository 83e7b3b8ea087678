//! Messages (everything that can happen to the app) and effects (the IO that `update` asks the
//! runtime to do).

use std::path::PathBuf;
use vnetlab_core::model::Design;
use vnetlab_core::reach::matrix::{Matrix, MatrixBy};

/// Long work for a worker thread: the matrix by workloads of the design on disk and, when
/// edits changed it, of the edited design. Compared by `id` only.
#[derive(Clone, Debug)]
pub struct MatrixJob {
    /// Which job (the model knows the one it waits for).
    pub id: u64,
    /// Rows and columns.
    pub by: MatrixBy,
    /// The design on disk.
    pub base: Design,
    /// The edited design, when it differs.
    pub current: Option<Design>,
}

impl PartialEq for MatrixJob {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
    }
}
impl Eq for MatrixJob {}

/// A finished [`MatrixJob`]. Compared by `id` only.
#[derive(Clone, Debug)]
pub struct MatrixDone {
    /// The job.
    pub id: u64,
    /// The matrix of the design on disk.
    pub base: Matrix,
    /// The edited design's, when the job had one.
    pub current: Option<Matrix>,
}

impl PartialEq for MatrixDone {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
    }
}
impl Eq for MatrixDone {}

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
    /// Apply the verified fix of the selected required flow.
    ApplyFix,
    /// Open the add-rule form for the selected NSG.
    AddRule,
    /// A character typed into the form's field.
    FormInput(char),
    /// Backspace in the form's field.
    FormBackspace,
    /// The next (positive) or previous (negative) field of the form.
    FormField(i32),
    /// Enter in the form: add the rule.
    FormSubmit,
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
    /// A worker's progress on job `id`: `done` rows of `total`.
    Progress {
        /// The job.
        id: u64,
        /// Rows done.
        done: usize,
        /// Rows in all.
        total: usize,
    },
    /// A worker finished a matrix job.
    MatrixDone(Box<MatrixDone>),
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
    /// Compute matrices on a worker thread, answering with [`Message::Progress`] and
    /// [`Message::MatrixDone`]; the runtime stops it when the model no longer waits for it.
    Matrix(Box<MatrixJob>),
}
