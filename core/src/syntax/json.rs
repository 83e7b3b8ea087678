//! A fast path for JSON documents: strict JSON parsed by `jsonc-parser` (comments, trailing
//! commas and other JSON5 liberties off) into the same spanned nodes the YAML reader gives for
//! the same text (JSON is YAML flow style). Anything it does not accept — malformed JSON,
//! nesting deeper than the YAML reader allows — returns `None`, and the YAML reader reads the
//! text and reports the problems, so diagnostics do not depend on the path taken.

use super::tree::MAX_DEPTH;
use super::{Node, NodeKind};
use crate::diag::Span;
use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

/// Parses `text` when it is one strict JSON value.
pub fn parse_json(text: &str) -> Option<Node> {
    if !text.trim_start().starts_with(['{', '[']) || nesting(text) > MAX_DEPTH {
        return None;
    }
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let ast = parse_to_ast(text, &CollectOptions::default(), &strict).ok()?;
    let mut at = Locator {
        text,
        pos: 0,
        span: Span { line: 1, col: 1 },
    };
    Some(node(&ast.value?, &mut at))
}

/// The deepest nesting of brackets outside strings, or `usize::MAX` when the text holds
/// anything strict JSON does not (outside strings: only JSON's whitespace, punctuation and the
/// characters of numbers and `true`, `false`, `null`; inside: no raw control characters), which
/// the JSON5-leaning parser might read where YAML reads otherwise.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (_, 0..=0x1f) => return usize::MAX,
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' => {}
            b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E' => {}
            b't' | b'r' | b'u' | b'f' | b'a' | b'l' | b's' | b'n' => {}
            _ => return usize::MAX,
        }
    }
    deepest
}

/// Turns byte offsets into lines and columns (in characters), moving forward through the text
/// as the nodes are visited in order.
struct Locator<'a> {
    text: &'a str,
    pos: usize,
    span: Span,
}

impl Locator<'_> {
    fn at(&mut self, offset: usize) -> Span {
        if offset < self.pos {
            self.pos = 0;
            self.span = Span { line: 1, col: 1 };
        }
        // Line breaks are `\n`, `\r\n` or a lone `\r`, as in YAML.
        let mut after_cr = self.pos > 0 && self.text.as_bytes()[self.pos - 1] == b'\r';
        for c in self.text[self.pos..offset].chars() {
            match c {
                '\n' if after_cr => {}
                '\n' | '\r' => {
                    self.span.line += 1;
                    self.span.col = 1;
                }
                _ => self.span.col += 1,
            }
            after_cr = c == '\r';
        }
        self.pos = offset;
        self.span
    }
}

fn node(v: &Value, at: &mut Locator) -> Node {
    let (start, kind) = match v {
        Value::StringLit(s) => (
            s.range.start,
            NodeKind::Scalar {
                text: s.value.to_string(),
                quoted: true,
            },
        ),
        Value::NumberLit(n) => (
            n.range.start,
            NodeKind::Scalar {
                text: n.value.to_string(),
                quoted: false,
            },
        ),
        Value::BooleanLit(b) => (
            b.range.start,
            NodeKind::Scalar {
                text: b.value.to_string(),
                quoted: false,
            },
        ),
        Value::NullKeyword(n) => (n.range.start, NodeKind::Null),
        Value::Array(a) => {
            let span = at.at(a.range.start);
            let items = a.elements.iter().map(|e| node(e, at)).collect();
            return Node {
                kind: NodeKind::Seq(items),
                span,
            };
        }
        Value::Object(o) => {
            let span = at.at(o.range.start);
            let entries = o
                .properties
                .iter()
                .map(|p| {
                    let key = match &p.name {
                        ObjectPropName::String(s) => Node {
                            span: at.at(s.range.start),
                            kind: NodeKind::Scalar {
                                text: s.value.to_string(),
                                quoted: true,
                            },
                        },
                        ObjectPropName::Word(w) => Node {
                            span: at.at(w.range.start),
                            kind: NodeKind::Scalar {
                                text: w.value.to_string(),
                                quoted: false,
                            },
                        },
                    };
                    (key, node(&p.value, at))
                })
                .collect();
            return Node {
                kind: NodeKind::Map(entries),
                span,
            };
        }
    };
    Node {
        span: at.at(start),
        kind,
    }
}
