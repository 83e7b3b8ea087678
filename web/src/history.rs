//! Undo and redo over every change of the design: each change pushes the (name, text) it
//! replaced; undo steps back, redo steps forward, and a new change forgets the redo steps.
//! Bounded, so a long session cannot exhaust the page's memory. The texts are shared with the
//! state (a version is a pointer, not a copy of a multi-megabyte text).

use std::rc::Rc;

/// A version of the design: its file name and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// The file name.
    pub name: String,
    /// The text.
    pub source: Rc<str>,
}

/// How many versions are kept for undo.
pub const LIMIT: usize = 200;

/// The undo and redo stacks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    undo: Vec<Version>,
    redo: Vec<Version>,
}

impl History {
    /// Records `replaced`, the version a new change replaces; the redo steps are forgotten.
    pub fn record(&mut self, replaced: Version) {
        let again = self.undo.last().is_some_and(|v| {
            v.name == replaced.name && crate::text::same(&v.source, &replaced.source)
        });
        if !again {
            self.undo.push(replaced);
        }
        if self.undo.len() > LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// The version before `current`, which becomes a redo step.
    pub fn undo(&mut self, current: Version) -> Option<Version> {
        let back = self.undo.pop()?;
        self.redo.push(current);
        Some(back)
    }

    /// The version undone last, `current` becoming an undo step again.
    pub fn redo(&mut self, current: Version) -> Option<Version> {
        let forward = self.redo.pop()?;
        self.undo.push(current);
        Some(forward)
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version {
            name: "d.yaml".into(),
            source: s.into(),
        }
    }

    #[test]
    fn undo_then_redo_walks_the_versions_and_a_new_change_forgets_redo() {
        let mut h = History::default();
        h.record(v("a"));
        h.record(v("b"));
        assert_eq!(h.undo(v("c")), Some(v("b")));
        assert_eq!(h.undo(v("b")), Some(v("a")));
        assert_eq!(h.undo(v("a")), None);
        assert_eq!(h.redo(v("a")), Some(v("b")));
        h.record(v("b"));
        assert!(!h.can_redo());
        assert!(h.can_undo());
    }

    #[test]
    fn history_is_bounded() {
        let mut h = History::default();
        for i in 0..LIMIT + 10 {
            h.record(v(&i.to_string()));
        }
        let mut n = 0;
        let mut cur = v("x");
        while let Some(prev) = h.undo(cur.clone()) {
            cur = prev;
            n += 1;
        }
        assert_eq!(n, LIMIT);
        assert_eq!(cur, v("10"));
    }
}
