//! All of the web app's logic: a plain [`State`], the [`Action`]s that change it, and a pure
//! [`State::reduce`]. Nothing here touches the DOM, yew or the browser, so it is unit-tested
//! natively with `cargo test -p vnetlab-web`; the components only render a `State` and dispatch
//! `Action`s, and the edge (storage, timing, files) lives in [`crate::app`] and [`crate::storage`].

use std::rc::Rc;

use vnetlab_core::format::rewrite;
use vnetlab_core::reach::matrix::Matrix;
use vnetlab_core::whatif::{Edit, single_edits};

use crate::analysis::{Analysis, Path, WhatIf, analyze, reanalyze, subnet_matrix, what_if};
use crate::forms::{
    Form, FormKind, Target, alternatives, delete, delete_repointing, delete_with_referrers,
    referrers, target_of_node,
};
use crate::history::{History, Version};
use crate::scenarios::SCENARIOS;

/// The text of a new, empty design.
pub const BLANK: &str = "version: 1\nname: untitled\n";

/// The panel on the left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Editor {
    /// The YAML source.
    Source,
    /// The element list and forms.
    Design,
    /// What-if toggles.
    WhatIf,
}

/// The panel on the right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Results {
    /// Expectations with verdicts, findings and the trace.
    Verdicts,
    /// The reachability matrix.
    Matrix,
}

/// Everything the page shows.
#[derive(Clone, Debug)]
pub struct State {
    /// The design's file name.
    pub name: String,
    /// The design as YAML (or JSON) text; the single source of truth. Shared (with the undo
    /// history, the baseline, the edge's saving): a multi-megabyte text is never copied for that.
    pub source: Rc<str>,
    /// The analysis of `source`, always in sync.
    pub analysis: Rc<Analysis>,
    /// The selected expectation (its trace is shown and drawn).
    pub selected: Option<usize>,
    /// The selected hop of that trace.
    pub hop: Option<usize>,
    /// The left panel.
    pub editor: Editor,
    /// The right panel.
    pub results: Results,
    /// The open form.
    pub form: Option<Form>,
    /// Every single what-if edit of the design (tens of thousands on a large design: shared, so
    /// a new state per keystroke does not copy them).
    pub edits: Rc<Vec<Edit>>,
    /// Indices into `edits` that are switched on.
    pub toggled: Vec<usize>,
    /// What the switched-on edits change.
    pub what_if: Option<WhatIf>,
    /// The matrix, computed when its view is open.
    pub matrix: Option<Rc<Matrix>>,
    /// A one-line message (file opened, import failed…).
    pub notice: Option<String>,
    /// How long the last analysis took, in ms (measured by the app's edge).
    pub analysis_ms: Option<f64>,
    /// Undo and redo over every change of the source.
    pub history: History,
    /// The text as last opened or saved; the design has unsaved changes when `source` differs.
    pub baseline: Rc<str>,
    /// A replacement waiting for the user's confirmation (the current design has unsaved
    /// changes, or a named design would be overwritten).
    pub confirm: Option<Replace>,
    /// The names of the designs kept in the browser, sorted.
    pub designs: Vec<String>,
    /// A design to keep in the browser as (name, text): written by the app's edge, then cleared.
    pub to_store: Option<(String, String)>,
    /// A delete waiting for a decision about what refers to the element.
    pub deleting: Option<Deleting>,
    /// The analysis of the last version without errors, shown while the source has errors.
    pub last_good: Option<Rc<Analysis>>,
    /// The diagram's zoom (1 = natural size).
    pub zoom: f64,
    /// The diagram box selected by a click (its id).
    pub node: Option<String>,
    /// Whether the source was last changed by typing in the source view: the editor holds the
    /// text already, and saving it can wait until the typing pauses (see [`crate::autosave`]).
    pub typed: bool,
}

/// A delete of an element others refer to: remove them too, re-point them, or cancel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deleting {
    /// The element to delete.
    pub target: Target,
    /// The elements that refer to it, as the element list shows them.
    pub referrers: Vec<String>,
    /// The elements of its kind they could be re-pointed to.
    pub alternatives: Vec<String>,
}

/// Something that replaces the current design or a kept one, so it is confirmed first when
/// work would be lost.
#[derive(Clone, Debug, PartialEq)]
pub enum Replace {
    /// Start a new blank design.
    New,
    /// Load a bundled scenario by name.
    Scenario(String),
    /// Open (name, text): a file, or a design kept in the browser.
    Open(String, String),
    /// Keep the current design in the browser under this name, over the one kept there.
    Keep(String),
}

impl Replace {
    /// The question asked before doing it.
    pub fn question(&self, current: &str) -> String {
        match self {
            Replace::Keep(name) => format!(
                "Replace the design kept in this browser as {} with {current}?",
                kept_name(name)
            ),
            Replace::New => format!("Start a new design? {current} has unsaved changes."),
            Replace::Scenario(n) => {
                format!("Load the bundled design {n}? {current} has unsaved changes.")
            }
            Replace::Open(n, _) => format!("Open {n}? {current} has unsaved changes."),
        }
    }
}

/// Something the user did.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The source text changed to this (typed in the source view).
    SetSource(Rc<str>),
    /// Start a new blank design.
    New,
    /// Load a bundled scenario by name.
    LoadScenario(String),
    /// A file was opened: (name, text).
    Open(String, String),
    /// A file could not be read.
    OpenFailed(String),
    /// Show a one-line message.
    Notice(String),
    /// Select an expectation (or none).
    Select(Option<usize>),
    /// Select a hop of the selected trace.
    SelectHop(Option<usize>),
    /// Show a left panel.
    ShowEditor(Editor),
    /// Show a right panel.
    ShowResults(Results),
    /// Open an empty form.
    NewForm(FormKind),
    /// Open a form on an existing element.
    EditItem(Target),
    /// Delete an element.
    DeleteItem(Target),
    /// A form field changed: (key, value).
    FormInput(String, String),
    /// Submit the open form.
    SubmitForm,
    /// Close the open form.
    CancelForm,
    /// Switch a what-if edit on or off.
    Toggle(usize),
    /// Switch every what-if edit off.
    ResetWhatIf,
    /// Make the switched-on edits part of the design.
    ApplyWhatIf,
    /// Apply the verified fix of the broken required flow with this index (in the analysis's
    /// flows) to the design.
    ApplyFix(usize),
    /// The edge measured the last analysis.
    Timed(f64),
    /// The typing paused: analyse a [provisional](Analysis::provisional) analysis's text in
    /// full, so its positions are exact too.
    Refresh,
    /// Step back to the version before the last change.
    Undo,
    /// Step forward again after an undo.
    Redo,
    /// Keep the current design in the browser under this name.
    Keep(String),
    /// Do the replacement waiting for confirmation.
    Confirm,
    /// Drop the replacement waiting for confirmation.
    Dismiss,
    /// The designs kept in the browser are now these (another tab may have changed them).
    Designs(Vec<String>),
    /// A diagram box was clicked (its id): select it and open its element's form.
    SelectNode(String),
    /// Set the diagram's zoom (clamped to 10 %–400 %).
    Zoom(f64),
    /// Delete the element waiting in [`State::deleting`] and everything that refers to it.
    DeleteWithReferrers,
    /// Re-point what refers to the element waiting in [`State::deleting`] to this one, then
    /// delete it.
    DeleteRepointing(String),
}

impl State {
    /// A state holding `source`, already analysed.
    pub fn new(name: impl Into<String>, source: impl Into<Rc<str>>) -> Self {
        let (name, source) = (name.into(), source.into());
        let analysis = analyze(&name, &source);
        Self::analysed(name, source, analysis, None)
    }

    /// A state holding `source` and its `analysis`, with the what-if edits `edits` (`None`:
    /// every single edit of its records).
    fn analysed(
        name: String,
        source: Rc<str>,
        analysis: Analysis,
        edits: Option<Rc<Vec<Edit>>>,
    ) -> Self {
        let analysis = Rc::new(analysis);
        let edits = edits
            .unwrap_or_else(|| Rc::new(analysis.records().map(single_edits).unwrap_or_default()));
        let baseline = Rc::clone(&source);
        Self {
            name,
            source,
            analysis,
            selected: None,
            hop: None,
            editor: Editor::Source,
            results: Results::Verdicts,
            form: None,
            edits,
            toggled: vec![],
            what_if: None,
            matrix: None,
            notice: None,
            analysis_ms: None,
            history: History::default(),
            baseline,
            confirm: None,
            designs: Vec::new(),
            to_store: None,
            deleting: None,
            last_good: None,
            zoom: 1.0,
            node: None,
            typed: false,
        }
    }

    /// A working copy restored after a reload: unsaved unless it is blank, a bundled design or
    /// the text `kept` in the browser under its name.
    pub fn restored(
        name: impl Into<String>,
        source: impl Into<Rc<str>>,
        kept: Option<&str>,
    ) -> Self {
        let mut s = Self::new(name, source);
        if &*s.source != BLANK
            && kept != Some(&*s.source)
            && !SCENARIOS.iter().any(|(_, t)| *t == &*s.source)
        {
            s.baseline = Rc::from("");
        }
        s
    }

    /// Whether the design has changes not kept anywhere (a replacement asks first).
    pub fn unsaved(&self) -> bool {
        !crate::text::same(&self.source, &self.baseline)
    }

    /// The analysis the verdicts and the diagram show: the current one, or while the source
    /// has errors the last one without.
    pub fn shown(&self) -> &Analysis {
        match (&self.analysis.design, &self.last_good) {
            (None, Some(good)) => good,
            _ => &self.analysis,
        }
    }

    /// Whether the verdicts and the diagram show the last valid version, not the current text.
    pub fn stale(&self) -> bool {
        self.analysis.design.is_none() && self.last_good.is_some()
    }

    fn version(&self) -> Version {
        Version {
            name: self.name.clone(),
            source: Rc::clone(&self.source),
        }
    }

    /// The generated benchmark design a page address asks for (`?generated=t1`, `t2` or `t4`;
    /// T3's 40 MB is refused), e.g. to try the studio on 1,000 subnets.
    pub fn generated(query: &str) -> Option<Self> {
        let w = query
            .trim_start_matches('?')
            .split('&')
            .find_map(|kv| kv.strip_prefix("generated="))?;
        let workload = vnetlab_core::generate::Workload::parse(w)
            .filter(|w| *w != vnetlab_core::generate::Workload::T3)?;
        let text = vnetlab_core::generate::generate(workload, 1);
        Some(State::new(format!("{}.yaml", w.to_ascii_lowercase()), text))
    }

    /// The first bundled scenario (what a first visit shows).
    pub fn first_scenario() -> Self {
        SCENARIOS
            .first()
            .map(|(n, t)| State::new(format!("{n}.yaml"), *t))
            .unwrap_or_else(|| State::new("untitled.yaml", BLANK))
    }

    /// Replaces the source, keeping the panels and the history (recording the replaced version),
    /// re-analysing everything.
    fn with_source(mut self, name: String, source: Rc<str>) -> Self {
        let mut history = std::mem::take(&mut self.history);
        if name != self.name || !crate::text::same(&source, &self.source) {
            history.record(self.version());
        }
        self.step_to(name, source, history)
    }

    /// Moves to (name, source) with `history` as given (undo and redo record nothing).
    fn step_to(mut self, name: String, source: Rc<str>, history: History) -> Self {
        // The same design's text changed: analysed from the previous analysis where the change
        // allows (`reanalyze`); records left as they were keep their what-if edits.
        let mut next = if name == self.name {
            let analysis = reanalyze(&self.analysis, &self.source, &source);
            // The single edits name elements (rules by name): a patch of rules that keeps
            // every rule's name keeps them all.
            let kept = match analysis.path {
                Path::Same => true,
                Path::Patched => {
                    matches!((self.analysis.records(), analysis.records()), (Some(a), Some(b)) if same_rule_names(a, b))
                }
                Path::Full => false,
            };
            let edits = kept.then(|| std::mem::take(&mut self.edits));
            State::analysed(name, source, analysis, edits)
        } else {
            State::new(name, source)
        };
        next.history = history;
        next.baseline = self.baseline;
        next.designs = self.designs;
        if next.analysis.design.is_none() {
            next.last_good = match self.analysis.design {
                Some(_) => Some(Rc::clone(&self.analysis)),
                None => self.last_good.clone(),
            };
        }
        next.editor = self.editor;
        next.results = self.results;
        next.zoom = self.zoom;
        next.selected = self.selected.filter(|&i| i < next.shown().selectable());
        next.hop = None;
        next.refresh_matrix()
    }

    fn refresh_matrix(mut self) -> Self {
        self.matrix = (self.results == Results::Matrix)
            .then(|| subnet_matrix(&self.analysis).map(Rc::new))
            .flatten();
        self
    }

    /// The edited records written into the source: only the text of what changed is
    /// rewritten, so the source keeps its comments, key order and style (`format::rewrite`).
    /// When the file had to be printed anew instead, the notice says why.
    fn commit(self, file: &vnetlab_core::format::TopologyFile) -> Self {
        let name = self.name.clone();
        let out = rewrite(&self.source, file);
        let mut next = self.with_source(name, out.text.into());
        next.notice = out
            .reprinted
            .map(|why| format!("the design was printed anew, comments and layout not kept: {why}"));
        next
    }

    /// `msg` as the notice, before what the commit noted.
    fn say(mut self, msg: String) -> Self {
        self.notice = Some(match self.notice.take() {
            Some(more) => format!("{msg}; {more}"),
            None => msg,
        });
        self
    }

    /// The state after `action`. Pure: no IO, no browser.
    #[must_use]
    pub fn reduce(mut self, action: Action) -> Self {
        if action != Action::Refresh {
            self.notice = None;
        }
        match action {
            Action::SetSource(s) if crate::text::same(&s, &self.source) => self,
            Action::SetSource(s) => {
                let name = self.name.clone();
                let mut next = self.with_source(name, s);
                next.typed = true;
                next
            }
            Action::New => self.replace(Replace::New, false),
            Action::LoadScenario(n) => self.replace(Replace::Scenario(n), false),
            Action::Open(name, text) => self.replace(Replace::Open(name, text), false),
            Action::Keep(name) => self.replace(Replace::Keep(name), false),
            Action::Confirm => match self.confirm.take() {
                Some(r) => self.replace(r, true),
                None => self,
            },
            Action::Dismiss => {
                self.confirm = None;
                self.deleting = None;
                self
            }
            Action::SelectNode(id) => {
                let form =
                    target_of_node(&id).and_then(|t| Form::edit(&t, self.analysis.records()?));
                if form.is_some() {
                    self.form = form;
                    self.editor = Editor::Design;
                }
                self.node = Some(id);
                self
            }
            Action::Zoom(z) => {
                if z.is_finite() {
                    self.zoom = z.clamp(0.1, 4.0);
                }
                self
            }
            Action::DeleteWithReferrers => {
                let (Some(d), Some(f)) = (self.deleting.take(), self.analysis.records().cloned())
                else {
                    return self;
                };
                let n = d.referrers.len();
                self.commit(&delete_with_referrers(&f, &d.target))
                    .say(format!(
                        "deleted {} {} and {n} element(s) referring to it",
                        d.target.kind.label(),
                        d.target.name
                    ))
            }
            Action::DeleteRepointing(to) => {
                let (Some(d), Some(f)) = (self.deleting.take(), self.analysis.records().cloned())
                else {
                    return self;
                };
                match delete_repointing(&f, &d.target, &to) {
                    Ok(out) => self.commit(&out).say(format!(
                        "deleted {} {}; its references now point to {to}",
                        d.target.kind.label(),
                        d.target.name
                    )),
                    Err(form) => {
                        let why = form
                            .fields
                            .iter()
                            .flat_map(|f| f.errors.iter())
                            .chain(form.errors.iter())
                            .next()
                            .cloned()
                            .unwrap_or_default();
                        self.notice = Some(format!("cannot re-point to {to}: {why}"));
                        self
                    }
                }
            }
            Action::Designs(mut names) => {
                names.sort();
                names.dedup();
                self.designs = names;
                self
            }
            Action::Undo | Action::Redo => {
                let mut history = std::mem::take(&mut self.history);
                let current = self.version();
                let step = if action == Action::Undo {
                    history.undo(current)
                } else {
                    history.redo(current)
                };
                match step {
                    Some(v) => self.step_to(v.name, v.source, history),
                    None => {
                        self.history = history;
                        self
                    }
                }
            }
            Action::OpenFailed(why) | Action::Notice(why) => {
                self.notice = Some(why);
                self
            }
            Action::Select(i) => {
                self.selected = i.filter(|&i| i < self.shown().selectable());
                self.hop = None;
                self
            }
            Action::SelectHop(h) => {
                self.hop = h;
                self
            }
            Action::ShowEditor(e) => {
                self.editor = e;
                self
            }
            Action::ShowResults(r) => {
                self.results = r;
                self.refresh_matrix()
            }
            Action::NewForm(kind) => {
                self.form = self.analysis.records().map(|f| Form::new(kind, f));
                self.editor = Editor::Design;
                self
            }
            Action::EditItem(t) => {
                self.form = self.analysis.records().and_then(|f| Form::edit(&t, f));
                self.editor = Editor::Design;
                self
            }
            Action::DeleteItem(t) => match self.analysis.records().cloned() {
                Some(f) if !referrers(&f, &t).is_empty() => {
                    self.deleting = Some(Deleting {
                        referrers: referrers(&f, &t).into_iter().map(|i| i.label).collect(),
                        alternatives: alternatives(&f, &t),
                        target: t,
                    });
                    self
                }
                Some(f) => self.commit(&delete(&f, &t)).say(format!(
                    "deleted {} {}",
                    t.kind.label(),
                    t.name
                )),
                None => self,
            },
            Action::FormInput(k, v) => {
                if let Some(f) = self.form.as_mut() {
                    f.set(&k, v);
                }
                self
            }
            Action::SubmitForm => {
                let (Some(form), Some(file)) = (self.form.take(), self.analysis.records().cloned())
                else {
                    return self;
                };
                let what = form.kind.label();
                match form.submit(&file) {
                    Ok(f) => self.commit(&f).say(format!("saved the {what}")),
                    Err(form) => {
                        self.form = Some(*form);
                        self
                    }
                }
            }
            Action::CancelForm => {
                self.form = None;
                self
            }
            Action::Toggle(i) if i < self.edits.len() => {
                match self.toggled.iter().position(|&t| t == i) {
                    Some(p) => {
                        self.toggled.remove(p);
                    }
                    None => self.toggled.push(i),
                }
                self.toggled.sort_unstable();
                self.recompute_what_if()
            }
            Action::Toggle(_) => self,
            Action::ResetWhatIf => {
                self.toggled.clear();
                self.recompute_what_if()
            }
            Action::ApplyWhatIf => {
                let Some(mut f) = self.analysis.records().cloned() else {
                    return self;
                };
                for e in self.active_edits() {
                    f = e.apply(&f).unwrap_or(f);
                }
                self.commit(&f)
            }
            Action::ApplyFix(i) => {
                let patch = self
                    .analysis
                    .audit
                    .as_ref()
                    .and_then(|a| a.flows.get(i))
                    .and_then(|f| f.fix.as_ref())
                    .and_then(|fix| fix.patch.clone());
                let (Some(patch), Some(mut f)) = (patch, self.analysis.records().cloned()) else {
                    return self;
                };
                match patch.apply(&mut f) {
                    Ok(()) => self.commit(&f),
                    Err(e) => {
                        self.notice = Some(format!("The fix could not be applied: {e}"));
                        self
                    }
                }
            }
            Action::Timed(ms) => {
                self.analysis_ms = Some(ms);
                self
            }
            Action::Refresh if self.analysis.provisional => {
                let full = analyze(&self.name, &self.source);
                // Only positions can differ; what-if toggles and the selection stay.
                let live = self.analysis.live.clone();
                self.analysis = Rc::new(Analysis { live, ..full });
                self
            }
            Action::Refresh => self,
        }
    }

    /// Does `r` now if `confirmed` or nothing would be lost; otherwise asks first.
    fn replace(mut self, r: Replace, confirmed: bool) -> Self {
        let asks = match &r {
            Replace::Keep(name) => {
                let name = kept_name(name);
                name != self.name && self.designs.contains(&name)
            }
            Replace::Scenario(n) if !SCENARIOS.iter().any(|(s, _)| s == n) => return self,
            _ => self.unsaved(),
        };
        if asks && !confirmed {
            self.confirm = Some(r);
            return self;
        }
        self.confirm = None;
        let (name, text, notice) = match r {
            Replace::Keep(name) => {
                let name = kept_name(&name);
                if name.is_empty() {
                    self.notice = Some("give the design a name to keep it".into());
                    return self;
                }
                if !self.designs.contains(&name) {
                    self.designs.push(name.clone());
                    self.designs.sort();
                }
                let text = Rc::clone(&self.source);
                let mut next = self.with_source(name.clone(), text);
                next.baseline = Rc::clone(&next.source);
                next.to_store = Some((name.clone(), next.source.to_string()));
                next.notice = Some(format!("kept {name} in this browser"));
                return next;
            }
            Replace::New => ("untitled.yaml".to_string(), BLANK.to_string(), None),
            Replace::Scenario(n) => {
                let text = SCENARIOS
                    .iter()
                    .find(|(s, _)| *s == n)
                    .map(|(_, t)| t.to_string())
                    .unwrap_or_default();
                (format!("{n}.yaml"), text, None)
            }
            Replace::Open(name, text) => {
                let notice = Some(format!("opened {name}"));
                (name, text, notice)
            }
        };
        let mut next = self.with_source(name, text.into());
        next.baseline = Rc::clone(&next.source);
        next.selected = None;
        // Another design: the previous one's verdicts would mislead.
        next.last_good = None;
        next.notice = notice;
        next
    }

    /// The switched-on what-if edits.
    pub fn active_edits(&self) -> Vec<Edit> {
        self.toggled
            .iter()
            .filter_map(|&i| self.edits.get(i).cloned())
            .collect()
    }

    fn recompute_what_if(mut self) -> Self {
        self.what_if = if self.toggled.is_empty() {
            None
        } else {
            what_if(&self.analysis, &self.active_edits())
        };
        self
    }
}

/// Whether two versions of the records have the same NSGs with the same rule names in order.
fn same_rule_names(
    a: &vnetlab_core::format::TopologyFile,
    b: &vnetlab_core::format::TopologyFile,
) -> bool {
    a.nsgs.len() == b.nsgs.len()
        && a.nsgs.iter().zip(&b.nsgs).all(|((ka, na), (kb, nb))| {
            ka == kb
                && na.rules.len() == nb.rules.len()
                && na
                    .rules
                    .iter()
                    .zip(&nb.rules)
                    .all(|(x, y)| x.name.value == y.name.value)
        })
}

/// A kept design's name: trimmed, ending in `.yaml`.
pub fn kept_name(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() || name.ends_with(".yaml") || name.ends_with(".yml") {
        name.to_string()
    } else {
        format!("{name}.yaml")
    }
}

/// Two states are equal only when they are the same value (yew re-renders on every new state).
impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Default for State {
    fn default() -> Self {
        Self::new("untitled.yaml", BLANK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vnetlab_core::check::Outcome;

    fn scenario() -> State {
        State::default().reduce(Action::LoadScenario("aml-private-endpoints".into()))
    }

    #[test]
    fn blank_design_is_valid_and_empty() {
        let s = State::default();
        assert_eq!(s.analysis.errors(), 0, "{:?}", s.analysis.diagnostics);
        assert_eq!(
            s.analysis.summary(),
            "0 of 0 expectations hold · no findings"
        );
    }

    #[test]
    fn loading_a_scenario_shows_its_verdicts() {
        let s = scenario();
        assert_eq!(s.name, "aml-private-endpoints.yaml");
        assert!(!s.analysis.results().is_empty());
        assert!(s.analysis.summary().contains("expectations hold"));
    }

    #[test]
    fn an_error_in_the_source_becomes_a_diagnostic() {
        let s = scenario();
        let broken = s.source.replacen("10.1.1.0/24", "10.1.1.0/33", 1);
        let s = s.reduce(Action::SetSource(broken.into()));
        assert_eq!(s.analysis.errors(), 1);
        assert!(s.analysis.design.is_none());
    }

    #[test]
    fn selecting_an_expectation_and_a_hop() {
        let s = scenario()
            .reduce(Action::Select(Some(0)))
            .reduce(Action::SelectHop(Some(1)));
        assert_eq!((s.selected, s.hop), (Some(0), Some(1)));
        let s = s.reduce(Action::Select(Some(999)));
        assert_eq!(s.selected, None);
    }

    #[test]
    fn a_form_adds_a_subnet_and_the_source_follows() {
        let s = scenario().reduce(Action::NewForm(FormKind::Subnet));
        assert_eq!(s.editor, Editor::Design);
        let s = s
            .reduce(Action::FormInput("vnet".into(), "ml".into()))
            .reduce(Action::FormInput("name".into(), "extra".into()))
            .reduce(Action::FormInput("prefix".into(), "10.1.50.0/24".into()))
            .reduce(Action::SubmitForm);
        assert!(s.form.is_none(), "{:?}", s.form);
        assert!(s.source.contains("extra:"), "{}", s.source);
        assert_eq!(s.analysis.errors(), 0);
    }

    #[test]
    fn a_form_with_errors_stays_open_and_the_design_is_unchanged() {
        let before = scenario();
        let s = before
            .clone()
            .reduce(Action::NewForm(FormKind::Subnet))
            .reduce(Action::FormInput("name".into(), "extra".into()))
            .reduce(Action::FormInput("prefix".into(), "nonsense".into()))
            .reduce(Action::SubmitForm);
        assert!(s.form.as_ref().is_some_and(Form::has_errors));
        assert_eq!(s.source, before.source);
    }

    #[test]
    fn a_what_if_toggle_shows_the_change_and_can_be_applied() {
        let s = scenario();
        let i = (0..s.edits.len())
            .find(|&i| {
                s.clone()
                    .reduce(Action::Toggle(i))
                    .what_if
                    .is_some_and(|w| !w.changes.is_empty())
            })
            .expect("some edit changes a verdict");
        let on = s.clone().reduce(Action::Toggle(i));
        assert_eq!(on.toggled, vec![i]);
        let off = on.clone().reduce(Action::Toggle(i));
        assert!(off.what_if.is_none());
        let applied = on.reduce(Action::ApplyWhatIf);
        assert!(
            applied
                .analysis
                .results()
                .iter()
                .any(|r| r.outcome != Outcome::Holds)
        );
        assert!(applied.toggled.is_empty());
    }

    #[test]
    fn deleting_an_element_rewrites_the_source() {
        let s = scenario().reduce(Action::DeleteItem(Target {
            kind: FormKind::Workload,
            parent: String::new(),
            name: "analyst-vm".into(),
        }));
        // An expectation starts from it: the delete asks what to do with it first.
        let d = s.deleting.clone().unwrap();
        assert_eq!(d.referrers.len(), 1, "{d:?}");
        assert!(s.source.contains("analyst-vm:"));
        let kept = s.clone().reduce(Action::Dismiss);
        assert!(kept.deleting.is_none() && kept.source.contains("analyst-vm:"));
        let s = s.reduce(Action::DeleteWithReferrers);
        assert!(!s.source.contains("analyst-vm"));
        assert_eq!(s.analysis.errors(), 0, "{:?}", s.analysis.diagnostics);
        // Nothing refers to an NSG rule: deleted at once.
        let s = s.reduce(Action::DeleteItem(Target {
            kind: FormKind::NsgRule,
            parent: "training-nsg".into(),
            name: "deny-internet-out".into(),
        }));
        assert!(s.deleting.is_none());
        assert!(!s.source.contains("deny-internet-out"));
    }

    #[test]
    fn undo_and_redo_cover_typing_forms_deletes_and_loads() {
        let s = scenario();
        let original = s.source.clone();
        let typed = s.reduce(Action::SetSource(format!("{original}# note\n").into()));
        let deleted = typed
            .clone()
            .reduce(Action::DeleteItem(Target {
                kind: FormKind::Workload,
                parent: String::new(),
                name: "analyst-vm".into(),
            }))
            .reduce(Action::DeleteWithReferrers);
        assert!(!deleted.source.contains("analyst-vm:"));
        let back = deleted.reduce(Action::Undo);
        assert_eq!(back.source, typed.source);
        let back = back.reduce(Action::Undo);
        assert_eq!(back.source, original);
        let again = back.reduce(Action::Redo).reduce(Action::Redo);
        assert!(!again.source.contains("analyst-vm:"));
        assert!(!again.history.can_redo());
        // Undo reaches past a confirmed replacement too.
        let replaced = again.reduce(Action::New).reduce(Action::Confirm);
        assert_eq!(&*replaced.source, BLANK);
        let restored = replaced.reduce(Action::Undo);
        assert!(!restored.source.contains("analyst-vm:"));
        assert_eq!(restored.name, "aml-private-endpoints.yaml");
    }

    #[test]
    fn replacing_unsaved_work_asks_first() {
        // A bundled design as loaded has nothing to lose: no question.
        let s = scenario().reduce(Action::LoadScenario("aml-public-default".into()));
        assert!(s.confirm.is_none());
        assert_eq!(s.name, "aml-public-default.yaml");
        let edited = s.reduce(Action::SetSource("version: 1\nname: mine\n".into()));
        assert!(edited.unsaved());
        for action in [
            Action::New,
            Action::LoadScenario("aml-private-endpoints".into()),
            Action::Open("x.yaml".into(), BLANK.into()),
        ] {
            let asked = edited.clone().reduce(action);
            assert!(asked.confirm.is_some());
            assert_eq!(asked.source, edited.source, "replaced without asking");
            let kept = asked.clone().reduce(Action::Dismiss);
            assert!(kept.confirm.is_none());
            assert_eq!(kept.source, edited.source);
            let done = asked.reduce(Action::Confirm);
            assert_ne!(done.source, edited.source);
            assert!(!done.unsaved());
        }
        // Kept in the browser, it is saved: no question any more.
        let kept = edited.reduce(Action::Keep("mine".into()));
        assert_eq!(
            kept.to_store,
            Some(("mine.yaml".into(), "version: 1\nname: mine\n".into()))
        );
        assert_eq!(kept.name, "mine.yaml");
        assert_eq!(kept.designs, vec!["mine.yaml".to_string()]);
        assert!(!kept.unsaved());
        assert!(kept.reduce(Action::New).confirm.is_none());
    }

    #[test]
    fn keeping_over_another_kept_design_asks_first() {
        let text = "version: 1\nname: b\n";
        assert!(!State::restored("b.yaml", text, Some(text)).unsaved());
        let s = State::restored("b.yaml", text, None)
            .reduce(Action::Designs(vec!["a.yaml".into(), "b.yaml".into()]));
        assert!(s.unsaved(), "a restored working copy counts as unsaved");
        // Its own name: no question.
        let own = s.clone().reduce(Action::Keep("b".into()));
        assert!(own.confirm.is_none() && own.to_store.is_some());
        let asked = s.reduce(Action::Keep("a.yaml".into()));
        assert_eq!(asked.confirm, Some(Replace::Keep("a.yaml".into())));
        assert!(asked.to_store.is_none());
        let done = asked.reduce(Action::Confirm);
        assert_eq!(done.to_store.as_ref().map(|t| t.0.as_str()), Some("a.yaml"));
    }

    #[test]
    fn the_last_valid_analysis_stays_shown_while_the_source_has_errors() {
        let s = scenario().reduce(Action::Select(Some(0)));
        let results = s.analysis.results().len();
        let broken = s.clone().reduce(Action::SetSource(
            s.source.replace("10.1.1.0/24", "10.1.1.0/33").into(),
        ));
        assert!(broken.analysis.design.is_none());
        assert!(broken.stale());
        assert_eq!(broken.shown().results().len(), results);
        assert_eq!(broken.selected, Some(0), "the selection survives");
        // Still broken after another keystroke: still the last valid version.
        let worse = broken.reduce(Action::SetSource("version: 1\nname: [\n".into()));
        assert_eq!(worse.shown().results().len(), results);
        let fixed = worse.reduce(Action::SetSource(Rc::clone(&s.source)));
        assert!(!fixed.stale());
        assert!(fixed.last_good.is_none());
    }

    #[test]
    fn a_broken_flows_fix_applies_with_one_action_and_repairs_it() {
        // Every bundled design with a broken flow whose fix is a patch: applying it through the
        // app repairs that flow (the fix was verified by re-tracing in core).
        let mut tried = 0;
        for (name, text) in SCENARIOS {
            let s = State::new(*name, *text);
            let Some(audit) = s.analysis.audit.as_ref() else {
                continue;
            };
            let Some(i) = audit.flows.iter().position(|f| {
                !f.works
                    && f.fix
                        .as_ref()
                        .is_some_and(|x| x.verified && x.patch.is_some())
            }) else {
                continue;
            };
            let id = audit.flows[i].flow.id.clone();
            let after = s.clone().reduce(Action::ApplyFix(i));
            assert!(after.unsaved(), "{name}: the design changed");
            let a = after.analysis.audit.as_ref().unwrap();
            let f = a.flows.iter().find(|f| f.flow.id == id).unwrap();
            assert!(f.works, "{name}: {id} works after its fix");
            tried += 1;
        }
        assert!(
            tried > 0,
            "some bundled design has a broken flow with a fix"
        );
    }

    #[test]
    fn clicking_a_diagram_box_opens_its_elements_form() {
        let s = scenario();
        for n in &s.analysis.diagram.nodes {
            let next = s.clone().reduce(Action::SelectNode(n.id.clone()));
            assert_eq!(next.node.as_deref(), Some(n.id.as_str()));
            if n.id.starts_with("pe:") {
                continue;
            }
            let form = next.form.as_ref().unwrap_or_else(|| panic!("{}", n.id));
            assert_eq!(next.editor, Editor::Design);
            assert!(
                n.name.ends_with(&form.editing.as_ref().unwrap().name),
                "{} opened {:?}",
                n.id,
                form.editing
            );
        }
        let z = s.reduce(Action::Zoom(100.0));
        assert_eq!(z.zoom, 4.0);
    }

    #[test]
    fn a_generated_design_opens_from_the_address() {
        let s = State::generated("?x=1&generated=t1").unwrap();
        assert_eq!(s.name, "t1.yaml");
        assert_eq!(s.analysis.errors(), 0);
        assert!(State::generated("?generated=t3").is_none());
        assert!(State::generated("?generated=t9").is_none());
        assert!(State::generated("").is_none());
    }

    #[test]
    fn the_matrix_is_computed_only_when_shown() {
        let s = scenario();
        assert!(s.matrix.is_none());
        let s = s.reduce(Action::ShowResults(Results::Matrix));
        assert!(s.matrix.is_some());
    }

    #[test]
    fn export_and_reimport_gives_the_same_analysis() {
        let s = scenario();
        let yaml = vnetlab_core::format::to_yaml(s.analysis.records().unwrap());
        let json = vnetlab_core::format::to_json(s.analysis.records().unwrap());
        for text in [yaml, json] {
            let t = State::default().reduce(Action::Open("x".into(), text));
            let a: Vec<_> = s
                .analysis
                .results()
                .iter()
                .map(|r| (r.name.clone(), r.outcome))
                .collect();
            let b: Vec<_> = t
                .analysis
                .results()
                .iter()
                .map(|r| (r.name.clone(), r.outcome))
                .collect();
            assert_eq!(a, b);
        }
    }

    /// The scenario's text with a modeline and comments, as a user's file has them.
    fn annotated() -> State {
        let text = scenario().source;
        let text = format!("# yaml-language-server: $schema=topology.schema.json\n{text}")
            .replacen(
                "nsgs:\n",
                "nsgs:   # reviewed\n  # the training subnet's rules\n",
                1,
            );
        State::new("mine.yaml", text)
    }

    /// The lines of `after` the text `before` does not have, and how many it lost.
    fn line_changes(before: &str, after: &str) -> (Vec<String>, usize) {
        let old: Vec<&str> = before.lines().collect();
        let new: Vec<&str> = after.lines().collect();
        let added = new
            .iter()
            .filter(|l| !old.contains(l))
            .map(|l| l.to_string())
            .collect();
        (added, old.len().saturating_sub(new.len()))
    }

    fn comments_kept(before: &str, after: &str) {
        for line in before.lines().filter(|l| l.contains('#')) {
            assert!(after.contains(line), "lost {line:?}:\n{after}");
        }
    }

    #[test]
    fn a_form_save_rewrites_only_what_it_changed() {
        let s = annotated();
        let rule = Target {
            kind: FormKind::NsgRule,
            parent: "training-nsg".into(),
            name: "deny-internet-out".into(),
        };
        let saved = s
            .clone()
            .reduce(Action::EditItem(rule))
            .reduce(Action::FormInput("priority".into(), "4001".into()))
            .reduce(Action::SubmitForm);
        assert!(saved.form.is_none(), "{:?}", saved.form);
        assert_eq!(saved.notice.as_deref(), Some("saved the NSG rule"));
        let (added, lost) = line_changes(&s.source, &saved.source);
        assert_eq!(
            (added, lost),
            (vec!["        priority: 4001".to_string()], 0)
        );
        comments_kept(&s.source, &saved.source);
        // A new element joins its siblings; the rest stays as written.
        let added = saved
            .reduce(Action::NewForm(FormKind::Subnet))
            .reduce(Action::FormInput("vnet".into(), "ml".into()))
            .reduce(Action::FormInput("name".into(), "extra".into()))
            .reduce(Action::FormInput("prefix".into(), "10.1.50.0/24".into()))
            .reduce(Action::SubmitForm);
        assert_eq!(added.analysis.errors(), 0);
        let (new, lost) = line_changes(&s.source, &added.source);
        assert_eq!(lost, 0, "{}", added.source);
        assert!(new.len() <= 3, "{new:?}");
        comments_kept(&s.source, &added.source);
    }

    #[test]
    fn deletes_and_applied_what_ifs_keep_the_rest_of_the_file() {
        let s = annotated();
        let deleted = s.clone().reduce(Action::DeleteItem(Target {
            kind: FormKind::NsgRule,
            parent: "training-nsg".into(),
            name: "deny-internet-out".into(),
        }));
        let (added, lost) = line_changes(&s.source, &deleted.source);
        assert_eq!((added.len(), lost), (0, 7), "{}", deleted.source);
        comments_kept(&s.source, &deleted.source);
        for i in 0..s.edits.len() {
            let applied = s
                .clone()
                .reduce(Action::Toggle(i))
                .reduce(Action::ApplyWhatIf);
            let what = s.edits[i].describe();
            assert_ne!(applied.source, s.source, "{what}");
            assert!(applied.notice.is_none(), "{what}: {:?}", applied.notice);
            let (added, _) = line_changes(&s.source, &applied.source);
            assert!(added.len() <= 1, "{what}: {added:?}");
            comments_kept(&s.source, &applied.source);
        }
    }
}
