//! Typed decoding of a [`Node`] tree. Decoders record a diagnostic for every problem and carry
//! on, so one bad line does not hide ten others.

use super::tree::{Node, NodeKind};
use crate::diag::{Diagnostics, Span, did_you_mean};
use std::collections::BTreeMap;

/// The decoding context: where diagnostics go.
pub struct Decoder<'d> {
    /// The diagnostics sink.
    pub diags: &'d mut Diagnostics,
}

impl Decoder<'_> {
    /// Records a type mismatch.
    pub fn expected(&mut self, node: &Node, what: &str) {
        let found = match &node.kind {
            NodeKind::Scalar { text, .. } => format!("`{}`", truncate(text)),
            _ => node.type_name().to_string(),
        };
        self.diags
            .error(node.span, "type", format!("expected {what}, found {found}"));
    }

    /// The text of a scalar, or a recorded error.
    pub fn scalar<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        match &node.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => {
                self.expected(node, what);
                None
            }
        }
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// A type that can be read from a node.
pub trait Decode: Sized {
    /// Reads the value, recording diagnostics; `None` when it could not be read.
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self>;
}

impl Decode for String {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        d.scalar(node, "a string").map(str::to_string)
    }
}

macro_rules! decode_int {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
                let text = d.scalar(node, "a whole number")?;
                match text.trim().parse::<$t>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        d.diags.error(node.span, "type", format!(
                            "expected a whole number from {} to {}, found `{}`", <$t>::MIN, <$t>::MAX, truncate(text)));
                        None
                    }
                }
            }
        }
    )*};
}
decode_int!(u8, u16, u32);

impl Decode for bool {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match d.scalar(node, "true or false")? {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            other => {
                d.diags.error(
                    node.span,
                    "type",
                    format!("expected true or false, found `{}`", truncate(other)),
                );
                None
            }
        }
    }
}

/// Reports `[]` where an empty list would silently mean "any" (an NSG rule's addresses or
/// ports, an expectation's ports, a FortiGate policy's sources); `true` when it did.
pub fn reject_empty_list(node: &Node, d: &mut Decoder) -> bool {
    if !matches!(&node.kind, NodeKind::Seq(items) if items.is_empty()) {
        return false;
    }
    d.diags
        .error(
            node.span,
            "empty-list",
            "an empty list here matches nothing in Azure (its API rejects it); vnetlab will not read it as \"any\"",
        )
        .help("list at least one value, write `*` for any, or leave the key out for its default");
    true
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Seq(items) => {
                let mut ok = true;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match T::decode(item, d) {
                        Some(v) => out.push(v),
                        None => ok = false,
                    }
                }
                ok.then_some(out)
            }
            NodeKind::Null => Some(Vec::new()),
            _ => {
                d.expected(node, "a list");
                None
            }
        }
    }
}

impl<T: Decode> Decode for BTreeMap<String, T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Map(entries) => {
                let mut ok = true;
                // Names written in increasing order (as vnetlab writes them) are new without a
                // lookup, and the map is built from them at once; from the first name out of
                // order on, each is looked up and inserted.
                let mut sorted: Vec<(String, T)> = Vec::with_capacity(entries.len());
                let mut out: Option<BTreeMap<String, T>> = None;
                for (k, v) in entries {
                    let Some(key) = d.scalar(k, "a name") else {
                        ok = false;
                        continue;
                    };
                    let map = match &mut out {
                        None if sorted.last().is_none_or(|(last, _)| key > last.as_str()) => {
                            match T::decode(v, d) {
                                Some(val) => sorted.push((key.to_string(), val)),
                                None => ok = false,
                            }
                            continue;
                        }
                        Some(map) => map,
                        None => out.insert(std::mem::take(&mut sorted).into_iter().collect()),
                    };
                    if map.contains_key(key) {
                        d.diags
                            .error(k.span, "duplicate-key", format!("`{key}` is defined twice"));
                        ok = false;
                        continue;
                    }
                    match T::decode(v, d) {
                        Some(val) => {
                            map.insert(key.to_string(), val);
                        }
                        None => ok = false,
                    }
                }
                ok.then(|| out.unwrap_or_else(|| sorted.into_iter().collect()))
            }
            NodeKind::Null => Some(BTreeMap::new()),
            _ => {
                d.expected(node, "a mapping of names");
                None
            }
        }
    }
}

/// Reads the keys of one mapping, remembering which were asked for so that the rest can be
/// reported as unknown (with a "did you mean"). It allocates nothing for a mapping of up to
/// 64 entries read as a record of up to [`KNOWN`] keys: each record of a large file is read
/// without a trip to the allocator.
pub struct MapReader<'n> {
    node: &'n Node<'n>,
    what: &'static str,
    /// The mapping's entries as written.
    raw: &'n [(Node<'n>, Node<'n>)],
    /// The entries done with: asked for, or already reported (a key that is no scalar, a key
    /// written twice). Never reported as unknown, and a key written twice is never read.
    done: Flags,
    /// The keys asked for, in order: the first [`KNOWN`] here, the rest in `more_known`.
    known: [&'static str; KNOWN],
    known_len: usize,
    more_known: Vec<&'static str>,
    ok: bool,
}

/// The keys a [`MapReader`] remembers without allocating (the largest record has 27).
const KNOWN: usize = 32;

/// One flag per entry: the first 64 in a word, the rest in a vector.
struct Flags {
    low: u64,
    high: Vec<bool>,
}

impl Flags {
    fn new(len: usize) -> Self {
        Flags {
            low: 0,
            high: vec![false; len.saturating_sub(64)],
        }
    }

    fn get(&self, i: usize) -> bool {
        if i < 64 {
            self.low & (1 << i) != 0
        } else {
            self.high[i - 64]
        }
    }

    fn set(&mut self, i: usize) {
        if i < 64 {
            self.low |= 1 << i;
        } else {
            self.high[i - 64] = true;
        }
    }
}

/// The key of an entry when it is a scalar.
fn key_text<'n>(k: &'n Node<'_>) -> Option<&'n str> {
    match &k.kind {
        NodeKind::Scalar { text, .. } => Some(text),
        _ => None,
    }
}

impl<'n> MapReader<'n> {
    /// Starts reading `node` as a mapping describing `what` (e.g. "subnet").
    pub fn new(node: &'n Node<'_>, what: &'static str, d: &mut Decoder) -> Option<Self> {
        let NodeKind::Map(raw) = &node.kind else {
            d.expected(node, &format!("a mapping (the {what})"));
            return None;
        };
        let raw: &'n [(Node<'n>, Node<'n>)] = raw;
        let mut done = Flags::new(raw.len());
        let mut ok = true;
        for (i, (k, _)) in raw.iter().enumerate() {
            let Some(key) = d.scalar(k, "a key") else {
                done.set(i);
                ok = false;
                continue;
            };
            if raw[..i]
                .iter()
                .enumerate()
                .any(|(j, (e, _))| !done.get(j) && key_text(e) == Some(key))
            {
                d.diags.error(
                    k.span,
                    "duplicate-key",
                    format!("key `{key}` appears twice in this {what}"),
                );
                done.set(i);
                ok = false;
            }
        }
        Some(Self {
            node,
            what,
            raw,
            done,
            known: [""; KNOWN],
            known_len: 0,
            more_known: Vec::new(),
            ok,
        })
    }

    /// The keys asked for so far, in order.
    fn known(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.known[..self.known_len]
            .iter()
            .chain(&self.more_known)
            .copied()
    }

    /// The first entry written with `key` (a key written twice was reported; its second entry
    /// is never read).
    fn find(&self, key: &str) -> Option<usize> {
        self.raw.iter().position(|(k, _)| key_text(k) == Some(key))
    }

    /// Where the mapping starts.
    pub fn span(&self) -> Span {
        self.node.span
    }

    fn take(&mut self, key: &'static str) -> Option<&'n Node<'n>> {
        if self.known_len < KNOWN {
            self.known[self.known_len] = key;
            self.known_len += 1;
        } else {
            self.more_known.push(key);
        }
        let i = self.find(key)?;
        self.done.set(i);
        Some(&self.raw[i].1).filter(|v| v.kind != NodeKind::Null)
    }

    /// Whether the key is present (and not null).
    pub fn has(&self, key: &str) -> bool {
        self.find(key)
            .is_some_and(|i| self.raw[i].1.kind != NodeKind::Null)
    }

    /// A required key.
    pub fn req<T: Decode>(&mut self, key: &'static str, d: &mut Decoder) -> Option<T> {
        match self.take(key) {
            Some(v) => {
                let r = T::decode(v, d);
                self.ok &= r.is_some();
                r
            }
            None => {
                d.diags
                    .error(
                        self.node.span,
                        "missing-key",
                        format!("the {} needs `{key}`", self.what),
                    )
                    .help(format!("add `{key}: …` to this {}", self.what));
                self.ok = false;
                None
            }
        }
    }

    /// An optional key: `None` when absent or null.
    pub fn opt<T: Decode>(&mut self, key: &'static str, d: &mut Decoder) -> Option<T> {
        let v = self.take(key)?;
        let r = T::decode(v, d);
        self.ok &= r.is_some();
        r
    }

    /// An optional key with a default.
    pub fn or<T: Decode>(&mut self, key: &'static str, default: T, d: &mut Decoder) -> T {
        self.opt(key, d).unwrap_or(default)
    }

    /// An optional key whose absence means the type's default.
    pub fn def<T: Decode + Default>(&mut self, key: &'static str, d: &mut Decoder) -> T {
        self.opt(key, d).unwrap_or_default()
    }

    /// An optional list whose absence means "any" and which must not be written empty: Azure's
    /// API rejects an empty list there, and reading `[]` as "any" would open what its author
    /// meant to keep shut.
    pub fn nonempty<T: Decode>(&mut self, key: &'static str, d: &mut Decoder) -> Vec<T> {
        match self.take(key) {
            Some(v) if reject_empty_list(v, d) => {
                self.ok = false;
                Vec::new()
            }
            Some(v) => {
                let r = Vec::<T>::decode(v, d);
                self.ok &= r.is_some();
                r.unwrap_or_default()
            }
            None => Vec::new(),
        }
    }

    /// Reports unknown keys; returns whether every key decoded cleanly.
    pub fn finish(self, d: &mut Decoder) -> bool {
        let mut ok = self.ok;
        for (i, (knode, _)) in self.raw.iter().enumerate() {
            if self.done.get(i) {
                continue;
            }
            let Some(key) = key_text(knode) else {
                continue;
            };
            ok = false;
            let diag = d.diags.error(
                knode.span,
                "unknown-key",
                format!("unknown key `{key}` in {}", self.what),
            );
            match did_you_mean(key, self.known()) {
                Some(s) => diag.help(format!("did you mean `{s}`?")),
                None => diag.help(format!(
                    "known keys here: {}",
                    self.known().collect::<Vec<_>>().join(", ")
                )),
            };
        }
        ok
    }
}
