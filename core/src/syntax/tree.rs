//! Parses YAML (and therefore JSON, which we read as YAML flow style) into spanned nodes.

use crate::diag::{Diagnostics, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// The most nesting a document may have; deeper input is rejected, never overflowing the stack.
pub(super) const MAX_DEPTH: usize = 64;
/// The most nodes aliases may add by expansion, against "billion laughs". Nodes written out in
/// the text are bounded by its size and not counted. Anchored nodes are kept (copied) only when
/// an alias refers to them, and each kept node is expanded at least once later, so what is kept
/// is bounded by this too.
const MAX_NODES: usize = 2_000_000;

/// A node of the document with its position. Scalars borrow their text from the document
/// where it is written as it reads (no escape, no folding), so reading a file copies each
/// scalar once, into the records.
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'t> {
    /// What the node holds.
    pub kind: NodeKind<'t>,
    /// Where it starts.
    pub span: Span,
}

/// The content of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind<'t> {
    /// `null`, `~` or an empty value.
    Null,
    /// A scalar's text; `quoted` is true for quoted scalars (always strings).
    Scalar {
        /// The text: borrowed from the document, or owned when escapes or folding changed it.
        text: Cow<'t, str>,
        /// Whether it was quoted.
        quoted: bool,
    },
    /// A sequence.
    Seq(Vec<Node<'t>>),
    /// A mapping, in document order.
    Map(Vec<(Node<'t>, Node<'t>)>),
}

impl Node<'_> {
    /// A short name of the node's type for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Null => "null",
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// Parses a whole document. Returns `None` (with diagnostics) when the text is not well-formed
/// or holds no document (only comments, `---` or `...`).
pub fn parse<'t>(text: &'t str, diags: &mut Diagnostics) -> Option<Node<'t>> {
    let mut b = Builder {
        parser: Parser::new_from_str(text),
        wanted: referenced_anchors(text),
        anchors: BTreeMap::new(),
        kept: 0,
        count: 0,
    };
    match b.document() {
        Ok(Some(node)) if node.kind != NodeKind::Null => Some(node),
        Ok(_) => {
            diags
                .error(
                    Span { line: 1, col: 1 },
                    "empty",
                    "the file is empty (no YAML content: only comments, markers or null)",
                )
                .help("a topology starts with `version: 1` and `name: …`");
            None
        }
        Err((mut span, msg)) => {
            // The end of the input is reported one line past the last one: point at the end of
            // the last line instead, where a snippet can show it.
            let lines = crate::diag::LineIndex::new(text);
            if span.line as usize > lines.lines() {
                let last = lines.line(lines.lines()).unwrap_or_default();
                span = Span {
                    line: lines.lines() as u32,
                    col: last.chars().count() as u32 + 1,
                };
            }
            let hint = super::hints::for_syntax_error(&msg);
            let d = diags.error(span, "syntax", msg);
            if let Some(hint) = hint {
                d.help(hint);
            }
            None
        }
    }
}

/// The ids of the anchors some alias refers to: a first pass over the events, only when the
/// text could hold both (`&` and `*`). Anchors no alias uses are then never copied.
fn referenced_anchors(text: &str) -> BTreeSet<usize> {
    if !text.contains('&') || !text.contains('*') {
        return BTreeSet::new();
    }
    let mut out = BTreeSet::new();
    for ev in Parser::new_from_str(text) {
        match ev {
            Ok((Event::Alias(id), _)) => {
                out.insert(id);
            }
            Ok(_) => {}
            // The second pass reports it, at its place.
            Err(_) => break,
        }
    }
    out
}

type Failure = (Span, String);

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    /// Anchors an alias refers to (the others are not kept).
    wanted: BTreeSet<usize>,
    /// Kept anchored nodes by id, with their node counts.
    anchors: BTreeMap<usize, (Node<'a>, usize)>,
    /// Nodes kept in `anchors` so far.
    kept: usize,
    /// Nodes added by alias expansion so far.
    count: usize,
}

fn span_of(m: &saphyr_parser::Marker) -> Span {
    Span {
        line: m.line() as u32,
        col: m.col() as u32 + 1,
    }
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), Failure> {
        match self.parser.next_event() {
            Some(Ok((ev, span))) => Ok((ev, span_of(&span.start))),
            Some(Err(e)) => Err((
                span_of(e.marker()),
                format!("malformed YAML/JSON: {}", e.info()),
            )),
            None => Err((Span { line: 1, col: 1 }, "unexpected end of input".into())),
        }
    }

    fn document(&mut self) -> Result<Option<Node<'a>>, Failure> {
        let mut root = None;
        loop {
            let (ev, span) = self.next()?;
            match ev {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(root),
                Event::DocumentStart(_) => {
                    if root.is_some() {
                        return Err((
                            span,
                            "more than one YAML document; a topology file holds exactly one".into(),
                        ));
                    }
                    let (ev, span) = self.next()?;
                    root = Some(self.node(ev, span, 0)?);
                }
                other => {
                    let node = self.node(other, span, 0)?;
                    root = Some(node);
                }
            }
        }
    }

    /// Keeps an anchored node for the aliases that refer to it. Each kept node is expanded at
    /// least once later, so keeping more than [`MAX_NODES`] means the aliases would expand to
    /// more than that: the same error, only sooner.
    fn remember(&mut self, anchor: usize, node: &Node<'a>, span: Span) -> Result<(), Failure> {
        if anchor == 0 || !self.wanted.contains(&anchor) {
            return Ok(());
        }
        let n = count_nodes(node);
        self.kept = self.kept.saturating_add(n);
        if self.kept > MAX_NODES {
            return Err((
                span,
                format!("aliases expand to more than {MAX_NODES} nodes"),
            ));
        }
        self.anchors.insert(anchor, (node.clone(), n));
        Ok(())
    }

    fn node(&mut self, ev: Event<'a>, span: Span, depth: usize) -> Result<Node<'a>, Failure> {
        if depth > MAX_DEPTH {
            return Err((span, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                let quoted = !matches!(style, ScalarStyle::Plain);
                let kind =
                    if !quoted && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
                        NodeKind::Null
                    } else {
                        NodeKind::Scalar { text, quoted }
                    };
                let node = Node { kind, span };
                self.remember(anchor, &node, span)?;
                Ok(node)
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (ev, s) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, s, depth + 1)?);
                }
                let node = Node {
                    kind: NodeKind::Seq(items),
                    span,
                };
                self.remember(anchor, &node, span)?;
                Ok(node)
            }
            Event::MappingStart(anchor, _) => {
                let mut entries = Vec::new();
                loop {
                    let (ev, s) = self.next()?;
                    if matches!(ev, Event::MappingEnd) {
                        break;
                    }
                    let key = self.node(ev, s, depth + 1)?;
                    let (ev, s) = self.next()?;
                    let value = self.node(ev, s, depth + 1)?;
                    entries.push((key, value));
                }
                let node = Node {
                    kind: NodeKind::Map(entries),
                    span,
                };
                self.remember(anchor, &node, span)?;
                Ok(node)
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((n, size)) => {
                    self.count = self.count.saturating_add(*size);
                    if self.count > MAX_NODES {
                        return Err((
                            span,
                            format!("aliases expand to more than {MAX_NODES} nodes"),
                        ));
                    }
                    let mut n = n.clone();
                    n.span = span;
                    Ok(n)
                }
                None => Err((span, "alias refers to an unknown anchor".into())),
            },
            _ => Err((span, "unexpected YAML event".into())),
        }
    }
}

fn count_nodes(n: &Node) -> usize {
    match &n.kind {
        NodeKind::Seq(v) => 1 + v.iter().map(count_nodes).sum::<usize>(),
        NodeKind::Map(v) => {
            1 + v
                .iter()
                .map(|(k, v)| count_nodes(k) + count_nodes(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> (Option<Node<'_>>, Vec<crate::diag::Diagnostic>) {
        let mut d = Diagnostics::new("t.yaml");
        let n = parse(text, &mut d);
        (n, d.finish())
    }

    #[test]
    fn json_is_read_as_yaml() {
        let (n, d) = p("{\"a\": [1, \"x\"]}");
        assert!(d.is_empty());
        assert!(matches!(n.unwrap().kind, NodeKind::Map(_)));
    }

    #[test]
    fn malformed_input_has_a_location() {
        let (_, d) = p("a: [1, 2\nb: 3\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].span.line >= 1);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let (_, d) = p(&text);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("nesting") || d[0].message.contains("recursion"),
            "{}",
            d[0].message
        );
    }
}
