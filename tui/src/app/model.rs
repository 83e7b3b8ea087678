//! The app's whole state: the document (the design on disk, the what-if session and both
//! analyses, or the file's errors) and the interface (focus, selections, overlays).

use super::analysis::Analysis;
use super::theme::Theme;
use std::collections::BTreeSet;
use vnetlab_core::diag::Diagnostic;
use vnetlab_core::model::BuildOptions;
use vnetlab_core::reach::matrix::MatrixBy;
use vnetlab_core::session::Session;
use vnetlab_core::whatif::Edit;

/// The panes that take the keyboard focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    /// The design tree.
    Tree,
    /// Edits, expectations and findings.
    Checks,
    /// The detail of the selected item (scrolls).
    Detail,
}

/// What covers the screen, if anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// Nothing.
    None,
    /// The key help.
    Help,
    /// The search prompt, with the query typed so far.
    Search(String),
    /// An opened matrix cell ([`Model::cell`]).
    Cell,
    /// The add-rule form.
    AddRule(super::rule_form::RuleForm),
}

/// An opened matrix cell: why it is all, some or none (from vnetlab-core), as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellView {
    /// Row → column and the port.
    pub title: String,
    /// Its packet classes and witness traces.
    pub text: String,
    /// Lines scrolled down.
    pub scroll: u16,
}

/// What the right-hand side shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MainView {
    /// Checks over the selected item's detail.
    Detail,
    /// The reachability matrix.
    Matrix,
}

/// A selection in a list and the first visible row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListNav {
    /// Selected index.
    pub selected: usize,
    /// First row shown.
    pub offset: usize,
}

/// A one-line message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The text.
    pub text: String,
    /// Whether it reports a problem.
    pub error: bool,
}

/// A valid design under what-if analysis.
pub struct Ready {
    /// The edits applied to the file on disk.
    pub session: Session,
    /// The analysis of the file on disk.
    pub base: Analysis,
    /// The analysis after the edits, or the errors the edits caused.
    pub current: Result<Analysis, Vec<Diagnostic>>,
    /// The file's text as read: `w` writes the edits into it, keeping the rest.
    pub source: String,
}

impl Ready {
    /// The analysis to show: the edited design when it is valid, else the one on disk.
    pub fn shown(&self) -> &Analysis {
        self.current.as_ref().unwrap_or(&self.base)
    }
}

/// The design file as last read.
pub enum Doc {
    /// Not read yet.
    Loading,
    /// The file has errors; edits made before are kept for when it is fixed.
    Invalid {
        /// Every problem, with its location.
        diagnostics: Vec<Diagnostic>,
        /// The file's text, for the lines the diagnostics point at.
        source: String,
        /// Edits to re-apply once the file is valid again.
        pending: Vec<Edit>,
    },
    /// The file is valid.
    Ready(Box<Ready>),
}

/// The interface state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ui {
    /// The focused pane.
    pub focus: Pane,
    /// Which list the detail pane follows (tree or checks).
    pub detail_from: Pane,
    /// Tree selection (index into the visible items).
    pub tree: ListNav,
    /// The key of the selected tree item, to keep the selection across edits and reloads.
    pub tree_key: Option<String>,
    /// Keys of collapsed tree items.
    pub collapsed: BTreeSet<String>,
    /// Checks selection (index into the selectable rows).
    pub checks: ListNav,
    /// Detail scroll: (down, right).
    pub detail_scroll: (u16, u16),
    /// The overlay.
    pub overlay: Overlay,
    /// The last search, for `n` / `N`.
    pub last_search: String,
    /// What the right-hand side shows.
    pub main: MainView,
    /// Matrix rows and columns.
    pub matrix_by: MatrixBy,
    /// Index into [`super::analysis::MATRIX_PORTS`].
    pub matrix_port: usize,
    /// The matrix cell under the cursor (row, column); the index past the names is the
    /// internet.
    pub matrix_cell: (usize, usize),
}

impl Default for Ui {
    fn default() -> Self {
        Self {
            focus: Pane::Tree,
            detail_from: Pane::Tree,
            tree: ListNav::default(),
            tree_key: None,
            collapsed: BTreeSet::new(),
            checks: ListNav::default(),
            detail_scroll: (0, 0),
            overlay: Overlay::None,
            last_search: String::new(),
            main: MainView::Detail,
            matrix_by: MatrixBy::Subnet,
            matrix_port: 0,
            matrix_cell: (0, 0),
        }
    }
}

/// Long work running on a worker thread, shown as a progress line (Esc cancels).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Its id (results of other jobs are ignored).
    pub id: u64,
    /// The [`Model::version`] of the analyses it works for.
    pub version: u64,
    /// What it computes, for the progress line.
    pub what: String,
    /// Rows done and in all, as last reported.
    pub done: usize,
    /// Rows in all (0 until the first report).
    pub total: usize,
}

/// The whole state of the app.
pub struct Model {
    /// The file as given on the command line (for titles and diagnostics).
    pub file: String,
    /// Build options (service tags).
    pub opts: BuildOptions,
    /// The document.
    pub doc: Doc,
    /// The interface.
    pub ui: Ui,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Colours or not.
    pub theme: Theme,
    /// The status bar message.
    pub status: Option<Status>,
    /// The opened matrix cell, while [`Overlay::Cell`] shows it.
    pub cell: Option<CellView>,
    /// Set when the user quits.
    pub quit: bool,
    /// The long work the app waits for, if any.
    pub job: Option<Job>,
    /// The id the next job gets.
    pub next_job: u64,
    /// Why the last `w` printed the whole file anew instead of writing the edits into it, for
    /// the status line once it is written.
    pub reprinted: Option<String>,
    /// Counts the times the analyses were recomputed (a reload, an edit), so a job for older
    /// ones is known to be stale.
    pub version: u64,
}

impl Model {
    /// A model for `file`, before it is read.
    pub fn new(file: &str, opts: BuildOptions, theme: Theme, size: (u16, u16)) -> Self {
        Self {
            file: file.to_string(),
            opts,
            doc: Doc::Loading,
            ui: Ui::default(),
            size,
            theme,
            status: None,
            cell: None,
            quit: false,
            job: None,
            next_job: 1,
            reprinted: None,
            version: 0,
        }
    }

    /// The ready document, if the file is valid.
    pub fn ready(&self) -> Option<&Ready> {
        match &self.doc {
            Doc::Ready(r) => Some(r),
            _ => None,
        }
    }

    /// The edits applied so far.
    pub fn edits(&self) -> &[Edit] {
        match &self.doc {
            Doc::Ready(r) => r.session.edits(),
            Doc::Invalid { pending, .. } => pending,
            Doc::Loading => &[],
        }
    }
}
