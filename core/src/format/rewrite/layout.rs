//! The layout of a YAML or JSON text: every node with the bytes it is written in, its scalar
//! style and whether it sits in flow style, for splicing edits into the text.

use saphyr_parser::{Event, Parser, ScalarStyle};

/// How a scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    /// Plain (unquoted).
    Plain,
    /// `'single'`.
    Single,
    /// `"double"`.
    Double,
    /// `|` or `>`.
    Block,
}

/// What a node holds.
#[derive(Debug)]
pub(super) enum Kind {
    /// A scalar's text and style (an empty plain scalar is an empty value: `key:`).
    Scalar(String, Style),
    /// A sequence's items.
    Seq(Vec<Node>),
    /// A mapping's entries in text order.
    Map(Vec<(Node, Node)>),
    /// `*alias`: its content is written elsewhere.
    Alias,
}

/// A node and where it is written.
#[derive(Debug)]
pub(super) struct Node {
    /// What it holds.
    pub kind: Kind,
    /// The first byte (a block scalar's `|`/`>`, a flow collection's anchor or bracket).
    pub start: usize,
    /// One past the last byte of its content (trailing spaces and comments excluded).
    pub end: usize,
    /// A flow collection (`[…]`, `{…}`).
    pub flow: bool,
    /// Inside a flow collection.
    pub in_flow: bool,
}

impl Node {
    /// An empty plain scalar: `key:` with nothing after it.
    pub fn is_empty_value(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s, Style::Plain) if s.is_empty())
            && self.start == self.end
    }
}

/// Nesting deeper than this is not laid out (the reader rejects it too).
const MAX_DEPTH: usize = 64;

/// The layout of `text`'s one document, or `None` when it is not one well-formed document.
pub(super) fn layout(text: &str) -> Option<Node> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[bom..];
    // Character indexes (the parser's) to byte offsets.
    let mut bytes: Vec<usize> = body.char_indices().map(|(i, _)| i + bom).collect();
    bytes.push(text.len());
    let mut b = Builder {
        parser: Parser::new_from_str(body),
        text,
        bytes,
        prev_end: bom,
    };
    let mut root = None;
    loop {
        let (ev, start, end) = b.next()?;
        match ev {
            Event::StreamEnd => return root,
            Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {}
            ev if root.is_none() => root = Some(b.node(ev, start, end, 0, false)?),
            _ => return None,
        }
    }
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    text: &'a str,
    bytes: Vec<usize>,
    /// Where the previous event ended (a block scalar's indicator follows it).
    prev_end: usize,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Option<(Event<'a>, usize, usize)> {
        let (ev, span) = self.parser.next_event()?.ok()?;
        let at = |m: saphyr_parser::Marker| self.bytes.get(m.index()).copied();
        let (start, end) = (at(span.start)?, at(span.end)?);
        let (start, end) = (start, trim_end(self.text, start, end));
        Some((ev, start, end))
    }

    fn node(
        &mut self,
        ev: Event<'a>,
        start: usize,
        end: usize,
        depth: usize,
        in_flow: bool,
    ) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let text = self.text;
        let node = match ev {
            Event::Scalar(value, style, _, _) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::Single,
                    ScalarStyle::DoubleQuoted => Style::Double,
                    ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
                };
                let mut start = start;
                let mut end = end;
                if style == Style::Block {
                    // The span starts at the content; the header (`>-`, `|2`) comes first.
                    start = text[self.prev_end..start]
                        .find(['|', '>'])
                        .map_or(start, |i| self.prev_end + i);
                } else if style == Style::Plain && value.is_empty() && start == end {
                    // `key:` with no value: the parser points at the colon.
                    if text[start..].starts_with(':') {
                        start += 1;
                        end = start;
                    }
                }
                Node {
                    kind: Kind::Scalar(value.into_owned(), style),
                    start,
                    end,
                    flow: false,
                    in_flow,
                }
            }
            Event::Alias(_) => Node {
                kind: Kind::Alias,
                start,
                end,
                flow: false,
                in_flow,
            },
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let seq = matches!(ev, Event::SequenceStart(..));
                let flow = text[start..end].ends_with(['[', '{']);
                let inner = in_flow || flow;
                self.prev_end = end;
                let mut items = Vec::new();
                let mut entries = Vec::new();
                let close = loop {
                    let (ev, s, e) = self.next()?;
                    if matches!(ev, Event::SequenceEnd | Event::MappingEnd) {
                        break e;
                    }
                    let n = self.node(ev, s, e, depth + 1, inner)?;
                    if seq {
                        items.push(n);
                    } else {
                        let (ev, s, e) = self.next()?;
                        let v = self.node(ev, s, e, depth + 1, inner)?;
                        entries.push((n, v));
                    }
                };
                let last = if seq {
                    items.last().map(|n| n.end)
                } else {
                    entries.last().map(|(_, v)| v.end)
                };
                let end = if flow { close } else { last.unwrap_or(end) };
                Node {
                    kind: if seq {
                        Kind::Seq(items)
                    } else {
                        Kind::Map(entries)
                    },
                    start,
                    end,
                    flow,
                    in_flow,
                }
            }
            _ => return None,
        };
        self.prev_end = self.prev_end.max(node.end);
        Some(node)
    }
}

/// `end` moved back over trailing whitespace, not before `start`.
fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

/// The start of the line holding `at`.
pub(super) fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Whether only spaces come before `at` on its line.
pub(super) fn starts_line(text: &str, at: usize) -> bool {
    text[line_start(text, at)..at]
        .chars()
        .all(|c| c == ' ' || c == '\t')
}

/// Past the end of the line holding `at` (its comment and newline included), or `at` itself
/// when it is already at a line's start.
pub(super) fn line_end(text: &str, at: usize) -> usize {
    if at == 0 || text[..at].ends_with('\n') {
        return at;
    }
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The column (in characters) of `at`.
pub(super) fn column(text: &str, at: usize) -> usize {
    text[line_start(text, at)..at].chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'t>(text: &'t str, n: &Node) -> &'t str {
        &text[n.start..n.end]
    }

    #[test]
    fn nodes_know_their_bytes() {
        let text = "# c\na: 1   # x\nb:\n  - { name: \"y\" , q: 'z' }\nd: >\n  folded é\n\ne:\n";
        let root = layout(text).unwrap();
        let Kind::Map(e) = &root.kind else { panic!() };
        assert_eq!(slice(text, &e[0].1), "1");
        let Kind::Seq(items) = &e[1].1.kind else {
            panic!()
        };
        assert_eq!(slice(text, &items[0]), "{ name: \"y\" , q: 'z' }");
        assert!(items[0].flow && !e[1].1.flow);
        let Kind::Map(m) = &items[0].kind else {
            panic!()
        };
        assert_eq!(slice(text, &m[0].1), "\"y\"");
        assert_eq!(slice(text, &m[1].1), "'z'");
        assert_eq!(slice(text, &e[2].1), ">\n  folded é");
        assert!(e[3].1.is_empty_value());
        assert_eq!(e[3].1.start, text.len() - 1);
        assert_eq!(line_end(text, e[0].1.end), text.find("b:").unwrap());
    }
}
