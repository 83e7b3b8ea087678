//! All of the web app's logic: a plain [`State`], the [`Action`]s that change
//! it, and a pure [`State::reduce`]. Nothing here touches the DOM, yew or the
//! browser, so it is unit-tested natively with `cargo test -p vnetlab-web`;
//! the components in [`crate::app`] only render a `State` and dispatch
//! `Action`s.

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// The topology YAML as typed in the editor.
    pub source: String,
    /// The result of [`analyze`] on `source`; always kept in sync by
    /// [`State::reduce`].
    pub analysis: Analysis,
}

/// Something the user did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The editor's text changed to this.
    SetSource(String),
    /// Empty the editor.
    Clear,
}

/// What [`analyze`] found in the YAML source.
///
/// Placeholder until the UI is wired to `vnetlab-core`: for now it only
/// measures the text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Length of the source in bytes (UTF-8).
    pub bytes: usize,
}

impl Analysis {
    /// The one-line text shown in the results area.
    pub fn summary(&self) -> String {
        match self.bytes {
            1 => "1 byte".to_owned(),
            n => format!("{n} bytes"),
        }
    }
}

/// Analyse the YAML source.
///
/// This is the single place to wire to `vnetlab-core` (parse, validate,
/// reachability); everything else in the UI goes through it.
pub fn analyze(text: &str) -> Analysis {
    Analysis { bytes: text.len() }
}

impl State {
    /// A state holding `source`, already analysed.
    pub fn new(source: impl Into<String>) -> Self {
        let source = source.into();
        let analysis = analyze(&source);
        Self { source, analysis }
    }

    /// The state after `action`. Pure: no IO, no browser.
    #[must_use]
    pub fn reduce(self, action: Action) -> Self {
        match action {
            Action::SetSource(source) if source == self.source => self,
            Action::SetSource(source) => Self::new(source),
            Action::Clear => Self::new(String::new()),
        }
    }
}

impl Default for State {
    fn default() -> Self {
        Self::new(String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_empty_and_analysed() {
        let state = State::default();
        assert_eq!(state.source, "");
        assert_eq!(state.analysis, analyze(""));
        assert_eq!(state.analysis.summary(), "0 bytes");
    }

    #[test]
    fn set_source_reanalyses() {
        let state = State::default().reduce(Action::SetSource("vnets: []\n".into()));
        assert_eq!(state.source, "vnets: []\n");
        assert_eq!(state.analysis.bytes, 10);
        assert_eq!(state.analysis.summary(), "10 bytes");
    }

    #[test]
    fn bytes_are_utf8_bytes_not_chars() {
        assert_eq!(analyze("é").summary(), "2 bytes");
        assert_eq!(analyze("a").summary(), "1 byte");
    }

    #[test]
    fn same_source_is_a_no_op() {
        let state = State::new("a: 1");
        assert_eq!(
            state.clone().reduce(Action::SetSource("a: 1".into())),
            state
        );
    }

    #[test]
    fn clear_empties_the_editor() {
        let state = State::new("a: 1").reduce(Action::Clear);
        assert_eq!(state, State::default());
    }
}
