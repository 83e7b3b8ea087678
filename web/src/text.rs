//! A change the source editor reports, applied to the text the app holds: the editor (CodeMirror)
//! counts positions in UTF-16 code units, Rust strings in UTF-8 bytes. Sending the change
//! rather than the whole text spares a copy of a multi-megabyte text across the WebAssembly
//! boundary at every keystroke. Pure and native-tested.

use std::rc::Rc;

use vnetlab_core::reread::common_prefix;

/// One change of the editor's text: the UTF-16 range `from..to` of the text before it replaced
/// by `insert`; `before` and `after` are the text's lengths in UTF-16 code units before and
/// after it (to check that both sides hold the same text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Start of the replaced range, in UTF-16 code units.
    pub from: usize,
    /// End of the replaced range, in UTF-16 code units.
    pub to: usize,
    /// The text put there.
    pub insert: String,
    /// The length of the text before the change, in UTF-16 code units.
    pub before: usize,
    /// The length of the text after the change, in UTF-16 code units.
    pub after: usize,
}

/// Whether `a` and `b` are the same text: the same allocation, or the same bytes compared eight
/// at a time (`==` on strings is a byte-by-byte `memcmp` in WebAssembly, milliseconds on a
/// multi-megabyte text, and an edit that keeps the length compares it all).
pub fn same(a: &Rc<str>, b: &Rc<str>) -> bool {
    Rc::ptr_eq(a, b) || (a.len() == b.len() && common_prefix(a.as_bytes(), b.as_bytes()) == a.len())
}

/// The length of `text` in UTF-16 code units.
pub fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().map(char::len_utf16).sum()
    }
}

/// The byte offset in `text` of UTF-16 position `pos`; `None` past the end or inside a
/// character.
fn byte_offset(text: &str, pos: usize) -> Option<usize> {
    if text.as_bytes().get(..pos).is_some_and(<[u8]>::is_ascii) {
        return Some(pos);
    }
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units == pos {
            return Some(i);
        }
        if units > pos {
            return None;
        }
        units += c.len_utf16();
    }
    (units == pos).then_some(text.len())
}

/// `text` with `change` applied; `None` when the change does not fit `text` (its lengths or
/// positions disagree with it): the caller then takes the editor's whole text instead.
pub fn apply(text: &str, change: &Change) -> Option<String> {
    apply_known(text, text.is_ascii(), change).map(|(out, _)| out)
}

/// [`apply`] to `text`, known to be ASCII when `ascii` (kept from one change to the next, so a
/// multi-megabyte text is not scanned again at every keystroke; `false` is always safe), with
/// whether the result is known to be ASCII.
pub fn apply_known(text: &str, ascii: bool, change: &Change) -> Option<(String, bool)> {
    let len = |t: &str, ascii: bool| if ascii { t.len() } else { utf16_len(t) };
    if change.from > change.to || len(text, ascii) != change.before {
        return None;
    }
    let (from, to) = if ascii {
        (change.from, change.to)
    } else {
        let from = byte_offset(text, change.from)?;
        (
            from,
            from + byte_offset(&text[from..], change.to - change.from)?,
        )
    };
    let (head, tail) = (text.get(..from)?, text.get(to..)?);
    let mut out = String::with_capacity(head.len() + change.insert.len() + tail.len());
    out.push_str(head);
    out.push_str(&change.insert);
    out.push_str(tail);
    let ascii = ascii && change.insert.is_ascii();
    (len(&out, ascii) == change.after).then_some((out, ascii))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The change replacing UTF-16 range `from..to` of `text` by `insert`, as the editor reports
    /// it (positions counted as JavaScript counts them).
    fn change(text: &str, from: usize, to: usize, insert: &str) -> (Change, String) {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut after: Vec<u16> = units[..from].to_vec();
        after.extend(insert.encode_utf16());
        after.extend(&units[to..]);
        let c = Change {
            from,
            to,
            insert: insert.into(),
            before: units.len(),
            after: after.len(),
        };
        (c, String::from_utf16_lossy(&after))
    }

    #[test]
    fn a_change_gives_the_editors_text() {
        let ascii = "version: 1\nname: x\n";
        let wide = "name: é😀 x # ü\nrules: []\n";
        for text in [ascii, wide, ""] {
            let n = text.encode_utf16().count();
            for from in 0..=n {
                for to in from..=n {
                    for insert in ["", "a", "😀", "é\n"] {
                        let (c, want) = change(text, from, to, insert);
                        // Inside a surrogate pair: not a place a change can start or end.
                        let inside = |p: usize| {
                            p < n && (0xDC00..0xE000).contains(&text.encode_utf16().nth(p).unwrap())
                        };
                        let got = apply(text, &c);
                        if inside(from) || inside(to) {
                            assert_eq!(got, None, "{text:?} {from}..{to}");
                        } else {
                            assert_eq!(got.as_deref(), Some(want.as_str()), "{text:?} {c:?}");
                            for ascii in [text.is_ascii(), false] {
                                let (out, still) = apply_known(text, ascii, &c).unwrap();
                                assert_eq!(out, want);
                                // Known to be ASCII only if it is.
                                assert!(!still || want.is_ascii());
                                assert_eq!(still, ascii && insert.is_ascii());
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_change_that_does_not_fit_the_text_is_refused() {
        let text = "abc";
        let (mut c, _) = change(text, 1, 2, "x");
        assert_eq!(apply(text, &c).as_deref(), Some("axc"));
        c.before = 4;
        assert_eq!(apply(text, &c), None, "another text before");
        let (mut c, _) = change(text, 1, 2, "x");
        c.after = 2;
        assert_eq!(apply(text, &c), None, "another text after");
        let (mut c, _) = change(text, 1, 2, "x");
        c.to = 9;
        assert_eq!(apply(text, &c), None, "past the end");
        assert_eq!(utf16_len("é😀"), 3);
    }

    #[test]
    fn the_same_text_is_found_by_address_or_by_bytes() {
        let a: Rc<str> = "name: x # 123456789\n".into();
        assert!(same(&a, &Rc::clone(&a)));
        assert!(same(&a, &Rc::from(&*a)));
        assert!(!same(&a, &Rc::from(a.replace('9', "8"))));
        assert!(!same(&a, &Rc::from(&a[1..])));
        assert!(same(&Rc::from(""), &Rc::from("")));
    }
}
