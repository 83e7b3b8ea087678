//! Writing edited records back into the user's text: only the text of what changed is
//! rewritten, so comments, key order, flow or block style, quoting and a first-line modeline
//! survive, and flipping one rule changes one line.
//!
//! The records the text reads as and the records wanted are compared as serialized values,
//! alongside the text's layout (`layout.rs`, every node with its bytes); each change becomes a
//! splice of the text (`diff.rs`), written in the style of what it replaces or sits beside
//! (`render.rs`). The result is read back and must give exactly the records wanted; when it
//! does not, or the text's structure cannot take the change, the whole file is printed again
//! and [`Rewritten::reprinted`] says why.

mod diff;
mod layout;
mod render;

use super::{TopologyFile, read, to_json, to_yaml};
use crate::diag::Diagnostics;
use diff::{Differ, Splice};
use render::Syntax;
use serde_json::Value;

/// A design written over the text it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewritten {
    /// The new text.
    pub text: String,
    /// `None` when only the changed parts of the text were rewritten; otherwise why the whole
    /// file was printed again (comments and layout are then lost).
    pub reprinted: Option<String>,
}

/// `after` written over `text` (a topology file that reads without format errors): the
/// text of what differs from what `text` reads as is rewritten, the rest kept byte for byte.
/// Reading the result gives `after`'s records, whichever way it was written.
pub fn rewrite(text: &str, after: &TopologyFile) -> Rewritten {
    let json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    match splice_in(text, after, json) {
        Ok(text) => Rewritten {
            text,
            reprinted: None,
        },
        Err(why) => Rewritten {
            text: if json { to_json(after) } else { to_yaml(after) },
            reprinted: Some(why),
        },
    }
}

/// The records `text` reads as, as a value (`None` when it does not read).
fn records(text: &str) -> Option<Value> {
    let mut diags = Diagnostics::new("rewrite");
    let f = read(text.as_bytes(), &mut diags)?;
    serde_json::to_value(f).ok()
}

fn splice_in(text: &str, after: &TopologyFile, json: bool) -> Result<String, String> {
    let before = records(text).ok_or("the file does not read as a topology")?;
    let after = serde_json::to_value(after).map_err(|e| e.to_string())?;
    if before == after {
        return Ok(text.to_string());
    }
    let root = layout::layout(text).ok_or("the file's layout could not be read")?;
    let mut d = Differ {
        text,
        syntax: if json { Syntax::Json } else { Syntax::Yaml },
        splices: Vec::new(),
    };
    d.document(&root, &before, &after)?;
    let out = apply(text, d.splices)?;
    match records(&out) {
        Some(v) if v == after => Ok(out),
        _ => Err("the edit could not be written in the file's own layout".into()),
    }
}

/// The text with every splice made; they must not overlap (insertions at one place keep
/// their order).
fn apply(text: &str, mut splices: Vec<Splice>) -> Result<String, String> {
    splices.sort_by_key(|s| (s.start, s.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in splices {
        if s.start < at {
            return Err("two changes overlap in the text".into());
        }
        out.push_str(&text[at..s.start]);
        out.push_str(&s.with);
        at = s.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests;
