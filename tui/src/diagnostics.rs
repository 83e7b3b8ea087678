//! Diagnostics on the terminal, rendered with annotate-snippets: `file:line:col:
//! severity[code]: message`, the source line with the column marked, secondary labels (where a
//! duplicate was first defined), and the help. Colour follows `--color` (`auto`: a terminal,
//! unless `NO_COLOR` is set) through anstream. The file's line index is built once per file;
//! at most [`SHOWN`] diagnostics are drawn, then how many more there are; a very long line is
//! cut around the column.

use crate::cli::ColorChoice;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::io::Write;
use vnetlab_core::diag::{Diagnostic, LineIndex, Severity, Span};

/// How many diagnostics of one file are drawn; the rest are counted.
pub const SHOWN: usize = 20;

/// Characters of a long line shown on each side of the column.
const CONTEXT: usize = 60;

/// Prints `diags` of a file whose bytes are `bytes` to standard error.
pub fn eprint(diags: &[Diagnostic], bytes: &[u8], color: ColorChoice) {
    if diags.is_empty() {
        return;
    }
    let text = String::from_utf8_lossy(bytes);
    let choice = match color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    let mut err = anstream::AutoStream::new(std::io::stderr().lock(), choice);
    let _ = err.write_all(render(diags, &text).as_bytes());
}

/// The diagnostics as styled text (ANSI escapes; the stream strips them when colour is off).
pub fn render(diags: &[Diagnostic], text: &str) -> String {
    let index = LineIndex::new(text.strip_prefix('\u{feff}').unwrap_or(text));
    let renderer = Renderer::styled();
    let mut out = String::new();
    for d in diags.iter().take(SHOWN) {
        out.push_str(&one(d, &index, &renderer));
    }
    if diags.len() > SHOWN {
        let file = &diags[0].file;
        out.push_str(&format!(
            "{file}: … and {} more diagnostic(s) not shown (--format json lists them all)\n",
            diags.len() - SHOWN
        ));
    }
    out
}

/// A window of `line` around character column `col` (1-based): the text shown, the byte range
/// of the marked character in it, and whether the line was cut.
fn window(line: &str, col: usize) -> (String, std::ops::Range<usize>) {
    let chars: Vec<char> = line.chars().collect();
    let at = col.saturating_sub(1).min(chars.len());
    let (from, to) = if chars.len() > 2 * CONTEXT + 20 {
        (at.saturating_sub(CONTEXT), (at + CONTEXT).min(chars.len()))
    } else {
        (0, chars.len())
    };
    let mut shown = String::new();
    if from > 0 {
        shown.push('…');
    }
    let mut start = shown.len();
    for (i, c) in chars[from..to].iter().enumerate() {
        if from + i == at {
            start = shown.len();
        }
        // Tabs would shift the marker; show them as one space.
        shown.push(if *c == '\t' { ' ' } else { *c });
    }
    if at >= to {
        start = shown.len();
    }
    let end = chars
        .get(at)
        .filter(|_| at < to)
        .map_or(start, |c| start + c.len_utf8());
    if to < chars.len() {
        shown.push('…');
    }
    (shown, start..end)
}

/// How far apart (in lines) a diagnostic's places may be to be drawn in one snippet.
const NEAR: u32 = 6;

fn one(d: &Diagnostic, index: &LineIndex, renderer: &Renderer) -> String {
    let (label, level, style) = match d.severity {
        Severity::Error => ("error", Level::ERROR, anstyle::AnsiColor::Red),
        Severity::Warning => ("warning", Level::WARNING, anstyle::AnsiColor::Yellow),
    };
    let bold = anstyle::Style::new().bold();
    let coloured = bold.fg_color(Some(style.into()));
    let mut out = format!(
        "{bold}{}:{}:{}:{bold:#} {coloured}{label}[{}]{coloured:#}{bold}: {}{bold:#}\n",
        d.file, d.span.line, d.span.col, d.code, d.message
    );
    // The places to mark: the primary one, then each related one with its label.
    let mut marks: Vec<(Span, Option<&str>)> = vec![(d.span, None)];
    marks.extend(d.related.iter().map(|r| (r.span, Some(r.label.as_str()))));
    marks.retain(|(s, _)| index.line(s.line as usize).is_some());
    let mut group = Group::with_level(level.clone());
    let near = marks
        .iter()
        .all(|(s, _)| s.line.abs_diff(d.span.line) <= NEAR);
    if !marks.is_empty() && near {
        let first = marks.iter().map(|(s, _)| s.line).min().unwrap_or(1);
        let last = marks.iter().map(|(s, _)| s.line).max().unwrap_or(1);
        group = group.element(snippet(index, first, last, &marks, None));
    } else {
        for (i, m) in marks.iter().enumerate() {
            let path = (i > 0).then(|| d.file.clone());
            group = group.element(snippet(index, m.0.line, m.0.line, &[*m], path));
        }
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.clone()));
    }
    if !marks.is_empty() || d.help.is_some() {
        out.push_str(&renderer.render(&[group]));
        out.push('\n');
    }
    out
}

/// Lines `first..=last` with `marks` annotated (the first mark primary, the others context);
/// every line is cut around its mark (or its start) when very long.
fn snippet(
    index: &LineIndex,
    first: u32,
    last: u32,
    marks: &[(Span, Option<&str>)],
    path: Option<String>,
) -> Snippet<'static, annotate_snippets::Annotation<'static>> {
    let mut source = String::new();
    let mut annotations = Vec::new();
    for n in first..=last {
        let line = index.line(n as usize).unwrap_or_default();
        let col = marks
            .iter()
            .find(|(s, _)| s.line == n)
            .map_or(1, |(s, _)| s.col as usize);
        let (shown, _) = window(line, col);
        for (i, (s, label)) in marks.iter().enumerate() {
            if s.line != n {
                continue;
            }
            let (_, range) = window(line, s.col as usize);
            let range = token(&shown, range);
            let range = source.len() + range.start..source.len() + range.end;
            let kind = if i == 0 {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            annotations.push(match label {
                Some(l) => kind.span(range).label(l.to_string()),
                None => kind.span(range),
            });
        }
        source.push_str(&shown);
        if n < last {
            source.push('\n');
        }
    }
    let mut s = Snippet::source(source)
        .line_start(first as usize)
        .annotations(annotations);
    if let Some(p) = path {
        s = s.path(p);
    }
    s
}

/// Widens the marked character to the token it starts (a key, a value, a quoted string).
fn token(shown: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let rest = &shown[range.start..];
    let len = match rest.chars().next() {
        None => 0,
        Some(q @ ('"' | '\'')) => rest[1..].find(q).map_or(rest.len(), |i| i + 2),
        Some(_) => rest
            .find([' ', ',', '}', ']', ':', '#', '\t', '…'])
            .unwrap_or(rest.len())
            .max(range.end - range.start),
    };
    range.start..range.start + len
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(1000), "b".repeat(1000));
        let (shown, range) = window(&line, 1001);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert!(shown.chars().count() < 2 * super::CONTEXT + 4);
        assert_eq!(&shown[range], "X");
        let (shown, range) = window("short", 3);
        assert_eq!((shown.as_str(), range), ("short", 2..3));
        let (shown, range) = window("end", 4);
        assert_eq!((shown.as_str(), range), ("end", 3..3));
    }

    #[test]
    fn marks_cover_the_token() {
        assert_eq!(super::token("  adress_space: x", 2..3), 2..14);
        assert_eq!(super::token("a: \"q x\" y", 3..4), 3..8);
        assert_eq!(super::token("end", 3..3), 3..3);
    }
}
