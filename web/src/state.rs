//! All of the web app's logic: a plain [`State`], the [`Action`]s that change it, and a pure
//! [`State::reduce`]. Nothing here touches the DOM, yew or the browser, so it is unit-tested
//! natively with `cargo test -p vnetlab-web`; the components only render a `State` and dispatch
//! `Action`s, and the edge (storage, timing, files) lives in [`crate::app`] and [`crate::storage`].

use std::rc::Rc;

use vnetlab_core::format::to_yaml;
use vnetlab_core::reach::matrix::Matrix;
use vnetlab_core::whatif::{Edit, single_edits};

use crate::analysis::{Analysis, WhatIf, analyze, subnet_matrix, what_if};
use crate::forms::{Form, FormKind, Target, delete};
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
    /// The design as YAML (or JSON) text; the single source of truth.
    pub source: String,
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
    /// Every single what-if edit of the design.
    pub edits: Vec<Edit>,
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
}

/// Something the user did.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The source text changed to this.
    SetSource(String),
    /// Start a new blank design.
    New,
    /// Load a bundled scenario by name.
    LoadScenario(String),
    /// A file was opened: (name, text).
    Open(String, String),
    /// A file could not be read.
    OpenFailed(String),
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
    /// The edge measured the last analysis.
    Timed(f64),
}

impl State {
    /// A state holding `source`, already analysed.
    pub fn new(name: impl Into<String>, source: impl Into<String>) -> Self {
        let (name, source) = (name.into(), source.into());
        let analysis = Rc::new(analyze(&name, &source));
        let edits = analysis.file.as_ref().map(single_edits).unwrap_or_default();
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
        }
    }

    /// The first bundled scenario (what a first visit shows).
    pub fn first_scenario() -> Self {
        SCENARIOS
            .first()
            .map(|(n, t)| State::new(format!("{n}.yaml"), *t))
            .unwrap_or_else(|| State::new("untitled.yaml", BLANK))
    }

    /// Replaces the source, keeping the panels, re-analysing everything.
    fn with_source(self, name: String, source: String) -> Self {
        let mut next = State::new(name, source);
        next.editor = self.editor;
        next.results = self.results;
        next.selected = self.selected.filter(|&i| i < next.analysis.selectable());
        next.hop = None;
        next.refresh_matrix()
    }

    fn refresh_matrix(mut self) -> Self {
        self.matrix = (self.results == Results::Matrix)
            .then(|| subnet_matrix(&self.analysis).map(Rc::new))
            .flatten();
        self
    }

    /// The edited records written as the new source (YAML).
    fn commit(self, file: &vnetlab_core::format::TopologyFile) -> Self {
        let name = self.name.clone();
        self.with_source(name, to_yaml(file))
    }

    /// The state after `action`. Pure: no IO, no browser.
    #[must_use]
    pub fn reduce(mut self, action: Action) -> Self {
        self.notice = None;
        match action {
            Action::SetSource(s) if s == self.source => self,
            Action::SetSource(s) => {
                let name = self.name.clone();
                self.with_source(name, s)
            }
            Action::New => self.with_source("untitled.yaml".into(), BLANK.into()),
            Action::LoadScenario(n) => match SCENARIOS.iter().find(|(s, _)| *s == n) {
                Some((s, t)) => {
                    let mut next = self.with_source(format!("{s}.yaml"), t.to_string());
                    next.selected = None;
                    next
                }
                None => self,
            },
            Action::Open(name, text) => {
                let mut next = self.with_source(name.clone(), text);
                next.selected = None;
                next.notice = Some(format!("opened {name}"));
                next
            }
            Action::OpenFailed(why) => {
                self.notice = Some(why);
                self
            }
            Action::Select(i) => {
                self.selected = i.filter(|&i| i < self.analysis.selectable());
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
                self.form = self.analysis.file.as_ref().map(|f| Form::new(kind, f));
                self.editor = Editor::Design;
                self
            }
            Action::EditItem(t) => {
                self.form = self.analysis.file.as_ref().and_then(|f| Form::edit(&t, f));
                self.editor = Editor::Design;
                self
            }
            Action::DeleteItem(t) => match self.analysis.file.clone() {
                Some(f) => {
                    let mut next = self.commit(&delete(&f, &t));
                    next.notice = Some(format!("deleted {} {}", t.kind.label(), t.name));
                    next
                }
                None => self,
            },
            Action::FormInput(k, v) => {
                if let Some(f) = self.form.as_mut() {
                    f.set(&k, v);
                }
                self
            }
            Action::SubmitForm => {
                let (Some(form), Some(file)) = (self.form.take(), self.analysis.file.clone())
                else {
                    return self;
                };
                let what = form.kind.label();
                match form.submit(&file) {
                    Ok(f) => {
                        let mut next = self.commit(&f);
                        next.notice = Some(format!("saved the {what}"));
                        next
                    }
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
                let Some(mut f) = self.analysis.file.clone() else {
                    return self;
                };
                for e in self.active_edits() {
                    f = e.apply(&f).unwrap_or(f);
                }
                self.commit(&f)
            }
            Action::Timed(ms) => {
                self.analysis_ms = Some(ms);
                self
            }
        }
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
        assert_eq!(s.analysis.summary(), "0 of 0 expectations hold");
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
        let s = s.reduce(Action::SetSource(broken));
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
        assert!(!s.source.contains("analyst-vm:"));
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
        let yaml = to_yaml(s.analysis.file.as_ref().unwrap());
        let json = vnetlab_core::format::to_json(s.analysis.file.as_ref().unwrap());
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
}
