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
}

impl Diagnostic {
    /// Renders `file:line:col: severity[code]: message`, the source line with a caret, and the help.
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
}

/// The closest candidate to `word` (edit distance at most a third of its length, at least 1).
pub fn did_you_mean<'a, I: IntoIterator<Item = &'a str>>(
    word: &str,
    candidates: I,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
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
    }
}
