//! Diagnostics: every problem found while loading a design, with its location and a fix.

use serde::Serialize;

/// A position in a source file (1-based line and column, in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// Line, starting at 1.
    pub line: u32,
    /// Column, starting at 1.
    pub col: u32,
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The design cannot be analysed until this is fixed.
    Error,
    /// Legal, but probably not what was meant.
    Warning,
}

/// One problem in a topology file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in.
    pub file: String,
    /// Where in the file.
    #[serde(flatten)]
    pub span: Span,
    /// A stable machine-readable code, e.g. `unknown-key`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it, where the fix is obvious.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Other places the problem involves, e.g. where a duplicate was first defined.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

/// A secondary location of a diagnostic, with what it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Related {
    /// Where.
    #[serde(flatten)]
    pub span: Span,
    /// What is there, e.g. "first defined here".
    pub label: String,
}

impl Diagnostic {
    /// Renders `file:line:col: severity[code]: message`, the source line with a caret, the
    /// related places and the help (plain text, for the terminal app and the browser; the
    /// command line draws richer snippets).
    pub fn render(&self, source: Option<&str>) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{}:{}:{}: {}[{}]: {}\n",
            self.file, self.span.line, self.span.col, sev, self.code, self.message
        );
        if let Some(line) =
            source.and_then(|s| s.lines().nth(self.span.line.saturating_sub(1) as usize))
        {
            let gutter = self.span.line.to_string();
            out.push_str(&format!("{gutter} | {line}\n"));
            let pad: String = line
                .chars()
                .take(self.span.col.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("{} | {pad}^\n", " ".repeat(gutter.len())));
        }
        for r in &self.related {
            out.push_str(&format!(
                "  = note: {}:{}:{}: {}\n",
                self.file, r.span.line, r.span.col, r.label
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
        out
    }
}

/// The most diagnostics one file collects; the rest are counted, and [`Diagnostics::finish`]
/// ends the list with one that says how many there were (a hostile file can hold millions).
pub const MAX_COLLECTED: usize = 10_000;

/// Collects diagnostics for one file (at most [`MAX_COLLECTED`]; the rest are counted).
#[derive(Debug, Default)]
pub struct Diagnostics {
    file: String,
    items: Vec<Diagnostic>,
    /// Errors recorded, collected or not.
    errors: usize,
    /// Diagnostics past the cap: how many, how many of them errors, where the first was.
    dropped: usize,
    dropped_errors: usize,
    first_dropped: Option<Span>,
    /// Where a diagnostic past the cap is written (so `.help(…)` still has a target).
    spare: Option<Diagnostic>,
}

impl Diagnostics {
    /// A collector for `file`.
    pub fn new(file: &str) -> Self {
        Self {
            file: file.to_string(),
            ..Self::default()
        }
    }

    /// Records an error.
    pub fn error(
        &mut self,
        span: Span,
        code: &'static str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(Severity::Error, span, code, message.into())
    }

    /// Records a warning.
    pub fn warning(
        &mut self,
        span: Span,
        code: &'static str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(Severity::Warning, span, code, message.into())
    }

    fn push(
        &mut self,
        severity: Severity,
        span: Span,
        code: &'static str,
        message: String,
    ) -> &mut Diagnostic {
        let errors = usize::from(severity == Severity::Error);
        self.errors = self.errors.saturating_add(errors);
        let d = Diagnostic {
            severity,
            file: if self.items.len() < MAX_COLLECTED {
                self.file.clone()
            } else {
                String::new()
            },
            span,
            code,
            message,
            help: None,
            related: Vec::new(),
        };
        if self.items.len() < MAX_COLLECTED {
            self.items.push(d);
            return self.items.last_mut().expect("just pushed");
        }
        self.dropped = self.dropped.saturating_add(1);
        self.dropped_errors = self.dropped_errors.saturating_add(errors);
        self.first_dropped.get_or_insert(span);
        self.spare.insert(d)
    }

    /// Whether any error (not warning) was recorded, collected or not.
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// The diagnostics sorted by position, then severity, duplicates removed; past
    /// [`MAX_COLLECTED`], a last one (code `too-many-problems`, an error when any of the rest
    /// was) says how many more there were.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (a.span, a.severity, &a.message).cmp(&(b.span, b.severity, &b.message))
        });
        self.items.dedup();
        if let Some(span) = self.first_dropped {
            let severity = if self.dropped_errors > 0 {
                Severity::Error
            } else {
                Severity::Warning
            };
            self.items.push(Diagnostic {
                severity,
                file: self.file.clone(),
                span,
                code: "too-many-problems",
                message: format!(
                    "{} more problem(s) ({} error(s)) not collected: vnetlab keeps the first {MAX_COLLECTED}, and this is where the next one was",
                    self.dropped, self.dropped_errors
                ),
                help: Some("fix the problems above and run again".to_string()),
                related: Vec::new(),
            });
        }
        self.items
    }
}

impl Diagnostic {
    /// Adds a help text.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary location (ignored when the position is unknown).
    pub fn related(&mut self, span: Span, label: impl Into<String>) -> &mut Self {
        if span.line > 0 {
            self.related.push(Related {
                span,
                label: label.into(),
            });
        }
        self
    }
}

/// The closest candidate to `word`: edit distance at most a third of its length (at least 1),
/// or, for words that begin alike (three characters or more), at most half the longer one
/// (`deny` → `denied`, `allow` → `allowed`).
pub fn did_you_mean<'a, I: IntoIterator<Item = &'a str>>(
    word: &str,
    candidates: I,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    let w = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let l = c.to_lowercase();
            let common = w.chars().zip(l.chars()).take_while(|(a, b)| a == b).count();
            let longer = w.chars().count().max(l.chars().count());
            let d = edit_distance(&w, &l);
            let near = d <= limit || (common >= 3 && d <= longer / 2);
            (d, near, c)
        })
        .filter(|(_, near, _)| *near)
        .min_by_key(|(d, _, c)| (*d, *c))
        .map(|(_, _, c)| c)
}

/// Where each line of a text starts, built once so that any number of diagnostics find their
/// line in constant time. Lines end at `\n`, `\r\n` or a lone `\r`, as YAML counts them.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        // A final line break ends the last line; it does not start another.
        if starts.len() > 1 && *starts.last().expect("one") == text.len() {
            starts.pop();
        }
        Self { text, starts }
    }

    /// How many lines the text has (an empty text has one, empty, line).
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// Line `n` (1-based) without its line break; `None` past the end.
    pub fn line(&self, n: usize) -> Option<&'a str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).copied().unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("adress_space", ["address_space", "subnets"]),
            Some("address_space")
        );
        assert_eq!(did_you_mean("zzz", ["address_space", "subnets"]), None);
        assert_eq!(did_you_mean("deny", ["allowed", "denied"]), Some("denied"));
        assert_eq!(
            did_you_mean("allow", ["allowed", "denied"]),
            Some("allowed")
        );
        assert_eq!(did_you_mean("de", ["allowed", "denied"]), None);
    }

    #[test]
    fn line_index_counts_every_kind_of_line_break() {
        let i = LineIndex::new("a\nb\r\nc\rd");
        assert_eq!(i.lines(), 4);
        assert_eq!(
            (1..=5).map(|n| i.line(n)).collect::<Vec<_>>(),
            vec![Some("a"), Some("b"), Some("c"), Some("d"), None]
        );
        let i = LineIndex::new("x\n");
        assert_eq!((i.lines(), i.line(1), i.line(2)), (1, Some("x"), None));
        assert_eq!(LineIndex::new("").line(1), Some(""));
        assert_eq!(LineIndex::new("x").line(0), None);
    }
}
