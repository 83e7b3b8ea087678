//! A fast path for JSON documents: strict JSON (RFC 8259) read in one pass straight into the
//! spanned nodes the YAML reader gives for the same text (JSON is YAML flow style), each
//! position counted as the reader moves forward. Anything it does not accept returns `None`,
//! and the YAML reader reads the text and reports the problems, so diagnostics do not depend on
//! the path taken: malformed JSON, nesting deeper than the YAML reader allows, and the few
//! things strict JSON allows that YAML reads otherwise or refuses (a surrogate `\u` escape,
//! control, byte order mark and line separator characters in a string, a line break between a
//! key and its colon).

//!
//! Strings without escapes, numbers and `true`/`false` borrow their text from the document;
//! the items of each container are gathered on a stack the reader reuses and moved into a
//! vector of exactly their number, so a container costs one allocation.

use super::tree::MAX_DEPTH;
use super::{Node, NodeKind};
use crate::diag::Span;
use std::borrow::Cow;

/// Parses `text` when it is one strict JSON object or array.
pub fn parse_json(text: &str) -> Option<Node<'_>> {
    let mut r = Reader {
        text,
        b: text.as_bytes(),
        pos: 0,
        line: 1,
        col: 1,
        items: Vec::new(),
        entries: Vec::new(),
    };
    r.space();
    if !matches!(r.peek(), Some(b'{' | b'[')) {
        return None;
    }
    let root = r.value(0)?;
    r.space();
    (r.pos == r.b.len()).then_some(root)
}

/// The reader's place in the text: a byte offset, and the line and column (in characters)
/// it stands at, as the YAML reader counts them.
struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    line: u32,
    col: u32,
    /// The items of the arrays being read, innermost last.
    items: Vec<Node<'a>>,
    /// The entries of the objects being read, innermost last.
    entries: Vec<(Node<'a>, Node<'a>)>,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn span(&self) -> Span {
        Span {
            line: self.line,
            col: self.col,
        }
    }

    /// Moves past `n` bytes of ASCII that is not a line break.
    fn ascii(&mut self, n: usize) {
        self.pos += n;
        self.col = self.col.saturating_add(n as u32);
    }

    /// Skips JSON's whitespace; `true` when it held a line break (`\n`, `\r\n` or a lone `\r`,
    /// as in YAML).
    fn space(&mut self) -> bool {
        let mut broke = false;
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' => {
                    // An indentation's run of blanks at once.
                    let from = self.pos;
                    self.pos += 1;
                    while matches!(self.b.get(self.pos), Some(b' ' | b'\t')) {
                        self.pos += 1;
                    }
                    self.col = self.col.saturating_add((self.pos - from) as u32);
                }
                b'\n' | b'\r' => {
                    self.pos += if c == b'\r' && self.b.get(self.pos + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    self.line = self.line.saturating_add(1);
                    self.col = 1;
                    broke = true;
                }
                _ => break,
            }
        }
        broke
    }

    /// One value at nesting `depth` (the number of containers around it).
    fn value(&mut self, depth: usize) -> Option<Node<'a>> {
        let span = self.span();
        let kind = match self.peek()? {
            b'{' => self.object(depth + 1)?,
            b'[' => self.array(depth + 1)?,
            b'"' => NodeKind::Scalar {
                text: self.string()?,
                quoted: true,
            },
            b't' => self.word("true")?,
            b'f' => self.word("false")?,
            b'n' => {
                self.literal("null")?;
                NodeKind::Null
            }
            _ => NodeKind::Scalar {
                text: Cow::Borrowed(self.number()?),
                quoted: false,
            },
        };
        Some(Node { kind, span })
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        self.b[self.pos..].starts_with(word.as_bytes()).then(|| {
            self.ascii(word.len());
        })
    }

    fn word(&mut self, word: &'static str) -> Option<NodeKind<'a>> {
        self.literal(word)?;
        Some(NodeKind::Scalar {
            text: Cow::Borrowed(word),
            quoted: false,
        })
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as written.
    fn number(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.pos += 1;
            }
            r.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            digits(self).then_some(())?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            digits(self).then_some(())?;
        }
        let n = self.pos - start;
        self.col = self.col.saturating_add(n as u32);
        Some(&self.text[start..self.pos])
    }

    /// A string's value, escapes decoded; the reader stands on its opening quote.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.ascii(1);
        let mut out: Option<String> = None;
        let mut run = self.pos;
        loop {
            // Printable ASCII other than a quote or a backslash, one column each: most of a
            // string, skipped in a tight loop.
            let from = self.pos;
            while let Some(&c) = self.b.get(self.pos) {
                if !(0x20..0x7f).contains(&c) || c == b'"' || c == b'\\' {
                    break;
                }
                self.pos += 1;
            }
            self.col = self.col.saturating_add((self.pos - from) as u32);
            let c = *self.b.get(self.pos)?;
            match c {
                b'"' => break,
                b'\\' => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..self.pos]);
                    let esc = *self.b.get(self.pos + 1)?;
                    let e = match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self.text.get(self.pos + 2..self.pos + 6)?;
                            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                                return None;
                            }
                            // A surrogate is no character for YAML: its reader says so.
                            char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                        }
                        _ => return None,
                    };
                    s.push(e);
                    self.ascii(if esc == b'u' { 6 } else { 2 });
                    run = self.pos;
                    continue;
                }
                // Control characters are not allowed raw; DEL is no printable character.
                0..=0x1f | 0x7f => return None,
                // U+0080–U+009F (C1 controls and NEL), U+2028–U+2029 and U+FEFF: YAML reads
                // these as breaks or refuses them.
                0xc2 if self.b[self.pos + 1] < 0xa0 => return None,
                0xe2 if self.b[self.pos + 1] == 0x80
                    && matches!(self.b[self.pos + 2], 0xa8 | 0xa9) =>
                {
                    return None;
                }
                0xef if self.b[self.pos + 1] == 0xbb && self.b[self.pos + 2] == 0xbf => {
                    return None;
                }
                // A UTF-8 continuation byte is part of the character already counted.
                0x80..=0xbf => self.pos += 1,
                _ => {
                    self.pos += 1;
                    self.col = self.col.saturating_add(1);
                }
            }
        }
        let text: &'a str = self.text;
        let last = &text[run..self.pos];
        self.ascii(1);
        Some(match out {
            Some(mut s) => {
                s.push_str(last);
                Cow::Owned(s)
            }
            None => Cow::Borrowed(last),
        })
    }

    /// `[ value (, value)* ]` or `[ ]`; the reader stands on the bracket.
    fn array(&mut self, depth: usize) -> Option<NodeKind<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ascii(1);
        self.space();
        if self.peek() == Some(b']') {
            self.ascii(1);
            return Some(NodeKind::Seq(Vec::new()));
        }
        let start = self.items.len();
        loop {
            let item = self.value(depth)?;
            self.items.push(item);
            self.space();
            match self.peek()? {
                b',' => {
                    self.ascii(1);
                    self.space();
                }
                b']' => {
                    self.ascii(1);
                    return Some(NodeKind::Seq(self.items.drain(start..).collect()));
                }
                _ => return None,
            }
        }
    }

    /// `{ "key": value (, "key": value)* }` or `{ }`; the reader stands on the brace.
    fn object(&mut self, depth: usize) -> Option<NodeKind<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ascii(1);
        self.space();
        if self.peek() == Some(b'}') {
            self.ascii(1);
            return Some(NodeKind::Map(Vec::new()));
        }
        let start = self.entries.len();
        loop {
            if self.peek()? != b'"' {
                return None;
            }
            let key = Node {
                span: self.span(),
                kind: NodeKind::Scalar {
                    text: self.string()?,
                    quoted: true,
                },
            };
            // YAML wants an implicit key's colon on the key's line.
            if self.space() || self.peek()? != b':' {
                return None;
            }
            self.ascii(1);
            self.space();
            let value = self.value(depth)?;
            self.entries.push((key, value));
            self.space();
            match self.peek()? {
                b',' => {
                    self.ascii(1);
                    self.space();
                }
                b'}' => {
                    self.ascii(1);
                    return Some(NodeKind::Map(self.entries.drain(start..).collect()));
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;

    /// What the YAML reader makes of `text`.
    fn yaml(text: &str) -> Option<Node<'_>> {
        super::super::tree::parse(text, &mut Diagnostics::new("t.json"))
    }

    #[test]
    fn reads_what_the_yaml_reader_reads_spans_included() {
        for text in [
            "{}",
            "[]",
            " \r\n\t{ \"a\" : [ 1 , -0.5e+3, 2E7, 0, true, false, null, \"\" ] }\n",
            "{\"a\":{\"b\":[{\"c\":\"d\"}]},\"e\":\"f\"}",
            "{\n  \"é ü\": \"日本 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 \\u0041\",\n  \"x\": 1\n}",
            "{\"a\": 1,\r\n\"b\": [\r\"c\",\n\r\"d\"]}",
            "[\"emoji 😀 then\", {\"k\": \"v\"}]",
            "{\"dup\": 1, \"dup\": 2}",
        ] {
            let fast = parse_json(text);
            assert!(fast.is_some(), "refused {text:?}");
            assert_eq!(fast, yaml(text), "{text:?}");
        }
    }

    #[test]
    fn hands_the_rest_to_the_yaml_reader() {
        for text in [
            "",
            "1",
            "\"a\"",
            "{\"a\": 1,}",
            "{\"a\": 1 // no\n}",
            "{'a': 1}",
            "{a: 1}",
            "{\"a\": 0x10}",
            "{\"a\": 01}",
            "{\"a\": 1.}",
            "{\"a\": .5}",
            "{\"a\": 1e}",
            "{\"a\": -}",
            "{\"a\": +1}",
            "{\"a\": tru}",
            "{\"a\" 1}",
            "{\"a\": 1} x",
            "{\"a\": 1}}",
            "[1 2]",
            "[1,]",
            "{\"a\": \"\\x41\"}",
            "{\"a\": \"\\u12\"}",
            "{\"a\": \"tab\there\"}",
            "{\"a\": \"unterminated}",
            // Strict JSON, but YAML reads it otherwise or refuses it.
            "{\"a\": \"\\ud83d\\ude00\"}",
            "{\"a\": \"bom \u{feff}\"}",
            "{\"a\": \"line sep \u{2028}\"}",
            "{\"a\": \"nel \u{85}\"}",
            "{\"a\": \"del \u{7f}\"}",
            "{\"a\"\n: 1}",
            "\u{a0}{}",
        ] {
            assert_eq!(parse_json(text), None, "{text:?}");
        }
    }

    #[test]
    fn nesting_is_bounded_as_in_the_yaml_reader() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(parse_json(&ok), yaml(&ok));
        assert!(parse_json(&ok).is_some());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse_json(&deep), None);
    }
}
