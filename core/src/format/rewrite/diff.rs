//! The smallest structural changes from the records before to the records after, found by
//! walking both (as serialized values) alongside the text's layout, each written as a splice
//! of the text: a changed scalar replaces its bytes, a removed entry or item deletes its lines
//! (or, in flow style, itself and a comma), an added one is written beside its siblings in
//! their style.

use super::layout::{Kind, Node, column, line_end, line_start, starts_line};
use super::render::{self, Syntax};
use serde_json::{Map, Value};

/// Replace `start..end` of the text with `with`.
#[derive(Debug)]
pub(super) struct Splice {
    pub start: usize,
    pub end: usize,
    pub with: String,
}

/// Where a node sits: what a block-style replacement of it rewrites.
#[derive(Clone, Copy)]
enum Slot<'a> {
    /// The document itself.
    Root,
    /// The value of the entry with this key.
    Value(&'a Node, &'a str),
    /// An item of a block or flow list.
    Item,
}

/// Walks the changes, collecting splices; `Err` says why the layout cannot be kept.
pub(super) struct Differ<'t> {
    pub text: &'t str,
    pub syntax: Syntax,
    pub splices: Vec<Splice>,
}

type Res = Result<(), String>;

impl<'t> Differ<'t> {
    /// The changes of the whole document.
    pub fn document(&mut self, root: &Node, before: &Value, after: &Value) -> Res {
        self.walk(root, before, after, Slot::Root)
    }

    fn splice(&mut self, start: usize, end: usize, with: impl Into<String>) {
        self.splices.push(Splice {
            start,
            end,
            with: with.into(),
        });
    }

    fn walk(&mut self, node: &Node, before: &Value, after: &Value, slot: Slot) -> Res {
        if before == after {
            return Ok(());
        }
        match (&node.kind, before, after) {
            (Kind::Map(entries), Value::Object(b), Value::Object(a)) => {
                self.map(node, entries, b, a, slot)
            }
            (Kind::Seq(items), b, a) if !b.is_object() && !a.is_object() => {
                // A list of one item reads as that item: `ports: [443]` is `443`.
                let one = |v: &Value| match v {
                    Value::Array(v) => v.clone(),
                    v => vec![v.clone()],
                };
                self.seq(node, items, &one(b), &one(a), slot)
            }
            _ => self.replace(node, after, slot),
        }
    }

    /// `node` rewritten as `v`.
    fn replace(&mut self, node: &Node, v: &Value, slot: Slot) -> Res {
        let one_line = !matches!(v, Value::Object(m) if !m.is_empty())
            && !matches!(v, Value::Array(a) if a.iter().any(|x| x.is_object() || x.is_array()));
        if node.in_flow || self.syntax == Syntax::Json || one_line {
            let block = !node.in_flow && !node.flow && !matches!(node.kind, Kind::Scalar(..));
            match (&node.kind, slot) {
                (Kind::Scalar(_, style), _) => {
                    let pad = if node.is_empty_value() { " " } else { "" };
                    let text = render::scalar(v, *style, self.syntax);
                    self.splice(node.start, node.end, format!("{pad}{text}"));
                }
                // A block collection becoming one line: it follows its key or dash.
                (_, Slot::Value(key, _)) if block => {
                    let colon = self.text[key.end..node.start]
                        .find(':')
                        .map_or(key.end, |i| key.end + i + 1);
                    let text = render::inline(v, self.syntax);
                    self.splice(colon, node.end, format!(" {text}"));
                }
                (_, Slot::Item) if block => {
                    let dash = self.dash(node)? + 1;
                    self.splice(
                        dash,
                        node.end,
                        format!(" {}", render::inline(v, self.syntax)),
                    );
                }
                _ => self.splice(node.start, node.end, render::inline(v, self.syntax)),
            }
            return Ok(());
        }
        // A block value: rewrite its whole entry or item in block style.
        let end = line_end(self.text, node.end);
        match slot {
            Slot::Value(key, name) => {
                let lines = render::block_entry(name, v, column(self.text, key.start));
                self.splice(key.start, end, lines.trim_start_matches(' '));
            }
            Slot::Item => {
                let dash = self.dash(node)?;
                let lines = render::block_item(v, column(self.text, dash));
                self.splice(dash, end, lines.trim_start_matches(' '));
            }
            Slot::Root => return Err("the document's root changed shape".into()),
        }
        Ok(())
    }

    /// The `-` of a block list item.
    fn dash(&self, item: &Node) -> Result<usize, String> {
        let before = self.text[..item.start].trim_end_matches([' ', '\t']);
        match before.strip_suffix('-') {
            Some(rest) => Ok(rest.len()),
            None => Err("a list item without its dash in front of it".into()),
        }
    }

    fn map(
        &mut self,
        node: &Node,
        entries: &[(Node, Node)],
        b: &Map<String, Value>,
        a: &Map<String, Value>,
        slot: Slot,
    ) -> Res {
        if a.is_empty() {
            return self.replace(node, &Value::Object(Map::new()), slot);
        }
        let removed: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
        let mut added: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
        let index = keys(entries);
        let text_key = |k: &str| index.get(k).copied();
        // Elements renamed: an added one with a removed one's value, then, when one removed and
        // one added remain, those two (its value may change too). Their keys are renamed where
        // they are written.
        let mut renamed: Vec<(usize, &String, &String)> = Vec::new();
        let mut left: Vec<(usize, &String)> = Vec::new();
        for old in &removed {
            let Some(i) = text_key(old) else { continue };
            let same = added
                .iter()
                .position(|n| a[*n] == b[*old] && b[*old].is_object());
            match same {
                Some(j) => renamed.push((i, old, added.remove(j))),
                None => left.push((i, old)),
            }
        }
        let mut gone = Vec::new();
        match (left.as_slice(), added.as_slice()) {
            ([(i, old)], [new]) if b[*old].is_object() && a[*new].is_object() => {
                renamed.push((*i, old, added.remove(0)));
            }
            _ => gone.extend(left.iter().map(|&(i, _)| i)),
        }
        for &(i, _, new) in &renamed {
            let k = &entries[i].0;
            let style = match &k.kind {
                Kind::Scalar(_, s) => *s,
                _ => return Err("a complex key".into()),
            };
            self.splice(k.start, k.end, render::key(new, style, self.syntax));
        }
        self.entries(node, entries, (b, a), &gone, &renamed)
    }

    /// Entries removed (`gone`, by text index), changed, renamed and added.
    fn entries(
        &mut self,
        node: &Node,
        entries: &[(Node, Node)],
        (b, a): (&Map<String, Value>, &Map<String, Value>),
        gone: &[usize],
        renamed: &[(usize, &String, &String)],
    ) -> Res {
        let index = keys(entries);
        let text_key = |k: &str| index.get(k).copied();
        let mut gone = gone.to_vec();
        gone.sort_unstable();
        let gone = gone.as_slice();
        let spans: Vec<(usize, usize)> = entries.iter().map(|(k, v)| (k.start, v.end)).collect();
        self.remove(node, &spans, gone, false)?;
        let mut last: Option<usize> = None;
        for (name, after) in a {
            if let Some(&(i, old, _)) = renamed.iter().find(|r| r.2 == name) {
                let (k, v) = &entries[i];
                self.walk(v, &b[old], after, Slot::Value(k, name))?;
                last = Some(i);
                continue;
            }
            let at = text_key(name).filter(|i| gone.binary_search(i).is_err());
            let at = at.filter(|i| !renamed.iter().any(|r| r.0 == *i));
            match at {
                Some(i) => {
                    let (k, v) = &entries[i];
                    let before = b.get(name).unwrap_or(&Value::Null);
                    if b.contains_key(name) {
                        self.walk(v, before, after, Slot::Value(k, name))?;
                    } else {
                        // Written (`rules: []`, `key:`) but read as absent: rewrite its value.
                        self.replace(v, after, Slot::Value(k, name))?;
                    }
                    last = Some(i);
                }
                None => self.add_entry(node, entries, gone, last, name, after)?,
            }
        }
        Ok(())
    }

    /// A new entry after entry `prev` (or before the first one kept).
    fn add_entry(
        &mut self,
        node: &Node,
        entries: &[(Node, Node)],
        gone: &[usize],
        prev: Option<usize>,
        name: &str,
        v: &Value,
    ) -> Res {
        let Some(first) = (0..entries.len()).find(|i| gone.binary_search(i).is_err()) else {
            return Err("every entry of a mapping replaced".into());
        };
        let key = render::key(name, super::layout::Style::Plain, self.syntax);
        if node.flow {
            let entry = format!("{key}: {}", render::inline(v, self.syntax));
            let near = prev.unwrap_or(first);
            let (k, val) = &entries[near];
            return self.flow_insert(k.start, val.end, prev.is_some(), &entry, entries.len());
        }
        // Block: after the previous entry's lines, or before the first entry's line (after it
        // when it shares its line with a list's dash).
        let (near, after_it) = match prev {
            Some(p) => (p, true),
            None => (first, !starts_line(self.text, entries[first].0.start)),
        };
        let (k, val) = &entries[near];
        let indent = column(self.text, k.start);
        let lines = if val.flow && v.is_object() {
            format!(
                "{}{key}: {}\n",
                " ".repeat(indent),
                render::inline(v, self.syntax)
            )
        } else {
            render::block_entry(name, v, indent)
        };
        let at = if after_it {
            line_end(self.text, val.end)
        } else {
            line_start(self.text, k.start)
        };
        self.insert_lines(at, lines);
        Ok(())
    }

    /// Block lines inserted at `at` (a line start, or the end of a text without a final
    /// newline).
    fn insert_lines(&mut self, at: usize, lines: String) {
        let pad = if at == self.text.len() && !self.text.is_empty() && !self.text.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        self.splice(at, at, format!("{pad}{lines}"));
    }

    /// `entry` written into a flow collection after (`after`) or before the element spanning
    /// `start..end`, one per line when its elements are.
    fn flow_insert(&mut self, start: usize, end: usize, after: bool, entry: &str, n: usize) -> Res {
        let own_line = n > 1 && starts_line(self.text, start);
        let sep = if own_line {
            format!(",\n{}", " ".repeat(column(self.text, start)))
        } else {
            ", ".to_string()
        };
        if after {
            self.splice(end, end, format!("{sep}{entry}"));
        } else {
            self.splice(start, start, format!("{entry}{sep}"));
        }
        Ok(())
    }

    /// Deletes the elements `gone` (indexes) of a collection whose elements span `spans`
    /// (a block list's items from their dash): in flow style with one comma each, in block
    /// style with their lines.
    fn remove(&mut self, node: &Node, spans: &[(usize, usize)], gone: &[usize], list: bool) -> Res {
        let n = spans.len();
        // `gone` is sorted: an element is kept after `i` unless all after it are gone.
        let kept_after = |i: usize| {
            let after = gone.len() - gone.partition_point(|&g| g <= i);
            after < n - i - 1
        };
        for &i in gone {
            let (start, end) = spans[i];
            if node.flow {
                if kept_after(i) {
                    self.splice(start, spans[i + 1].0, "");
                } else if i > 0 {
                    self.splice(spans[i - 1].1, end, "");
                } else {
                    return Err("every element of a flow collection removed".into());
                }
            } else if starts_line(self.text, start) {
                let from = line_start(self.text, start);
                self.splice(from, line_end(self.text, end), "");
            } else if !list && i + 1 < n {
                // The first entry on a list item's dash line: the next one moves up.
                self.splice(start, spans[i + 1].0, "");
            } else {
                return Err("an element sharing its line removed".into());
            }
        }
        Ok(())
    }

    fn seq(&mut self, node: &Node, items: &[Node], b: &[Value], a: &[Value], slot: Slot) -> Res {
        if a.is_empty() {
            return self.replace(node, &Value::Array(Vec::new()), slot);
        }
        if items.len() != b.len() {
            return self.replace(node, &Value::Array(a.to_vec()), slot);
        }
        let pairs = lcs(b, a);
        // Between equal items, the removed and added ones that are the same element changed
        // (`gap`) are changed in place; the others are removed and added.
        let mut gone = Vec::new();
        let mut changed = Vec::new();
        let mut added: Vec<(Option<usize>, usize)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        let mut last: Option<usize> = None;
        for &(pi, pj) in pairs.iter().chain(std::iter::once(&(b.len(), a.len()))) {
            let same = gap(&b[i..pi], &a[j..pj]);
            let paired: std::collections::BTreeSet<usize> = same.iter().map(|p| p.0 + i).collect();
            gone.extend((i..pi).filter(|r| !paired.contains(r)));
            let mut same = same.iter().peekable();
            for jj in j..pj {
                match same.next_if(|p| p.1 + j == jj) {
                    Some(p) => {
                        changed.push((p.0 + i, jj));
                        last = Some(p.0 + i);
                    }
                    None => added.push((last, jj)),
                }
            }
            if pi < b.len() {
                last = Some(pi);
            }
            (i, j) = (pi + 1, pj + 1);
        }
        if changed.is_empty() && gone.len() == b.len() {
            // Every item replaced: no item is left to take the style from, so the list is
            // written anew where it stands (the rest of the file untouched).
            return self.replace(node, &Value::Array(a.to_vec()), slot);
        }
        let spans = items
            .iter()
            .map(|x| Ok((if node.flow { x.start } else { self.dash(x)? }, x.end)))
            .collect::<Result<Vec<_>, String>>()?;
        self.remove(node, &spans, &gone, true)?;
        for (i, j) in changed {
            self.walk(&items[i], &b[i], &a[j], Slot::Item)?;
        }
        for (prev, j) in added {
            self.add_item(node, items, &gone, prev, &a[j])?;
        }
        Ok(())
    }

    /// A new item after item `prev` (or before the first one kept).
    fn add_item(
        &mut self,
        node: &Node,
        items: &[Node],
        gone: &[usize],
        prev: Option<usize>,
        v: &Value,
    ) -> Res {
        let Some(first) = (0..items.len()).find(|i| gone.binary_search(i).is_err()) else {
            return Err("every item of a list replaced".into());
        };
        let near = &items[prev.unwrap_or(first)];
        // A new mapping writes its keys in the order its neighbour does.
        let order: Vec<&str> = match &near.kind {
            Kind::Map(entries) => entries.iter().filter_map(|(k, _)| key_text(k)).collect(),
            _ => Vec::new(),
        };
        if node.flow {
            let item = render::inline_like(v, self.syntax, &order);
            return self.flow_insert(near.start, near.end, prev.is_some(), &item, items.len());
        }
        let dash = self.dash(near)?;
        if !starts_line(self.text, dash) {
            return Err("a list inside a list item's line".into());
        }
        let indent = column(self.text, dash);
        let lines = if near.flow || !(v.is_object() || v.is_array()) {
            format!(
                "{}- {}\n",
                " ".repeat(indent),
                render::inline_like(v, self.syntax, &order)
            )
        } else {
            render::block_item_like(v, indent, &order)
        };
        let at = if prev.is_some() {
            line_end(self.text, near.end)
        } else {
            line_start(self.text, dash)
        };
        self.insert_lines(at, lines);
        Ok(())
    }
}

/// The text index of each scalar key.
fn keys(entries: &[(Node, Node)]) -> std::collections::BTreeMap<&str, usize> {
    let mut out = std::collections::BTreeMap::new();
    for (i, (k, _)) in entries.iter().enumerate() {
        if let Some(k) = key_text(k) {
            out.entry(k).or_insert(i);
        }
    }
    out
}

/// A scalar key's text.
fn key_text(n: &Node) -> Option<&str> {
    match &n.kind {
        Kind::Scalar(s, _) => Some(s),
        _ => None,
    }
}

/// The name of a list item that has one (rules, routes, collections).
fn identity(v: &Value) -> Option<&Value> {
    v.as_object()?.get("name")
}

/// Which removed items (`b`) are which added ones (`a`) changed, in order: those with the
/// same name, or, when none has one and as many were added as removed, each in its place.
fn gap(b: &[Value], a: &[Value]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    // Beyond a size, items pair by position (as in `lcs`).
    let small = b.len().saturating_mul(a.len()) <= 1 << 22;
    for (j, x) in a.iter().enumerate().filter(|_| small) {
        let id = identity(x);
        if let Some(i) = (from..b.len()).find(|&i| identity(&b[i]) == id) {
            out.push((i, j));
            from = i + 1;
        }
    }
    if out.is_empty() && a.len() == b.len() && b.iter().chain(a).all(|x| identity(x).is_none()) {
        out = (0..a.len()).map(|i| (i, i)).collect();
    }
    out
}

/// The longest common subsequence of equal items, as index pairs in order.
fn lcs(b: &[Value], a: &[Value]) -> Vec<(usize, usize)> {
    let (n, m) = (b.len(), a.len());
    // Common ends first: most edits touch one place of a long list.
    let head = b.iter().zip(a).take_while(|(x, y)| x == y).count();
    let tail = b[head..]
        .iter()
        .rev()
        .zip(a[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (bm, am) = (&b[head..n - tail], &a[head..m - tail]);
    let mut out: Vec<(usize, usize)> = (0..head).map(|i| (i, i)).collect();
    // Quadratic table on the middle; beyond a size, items pair by position.
    if bm.len().saturating_mul(am.len()) <= 1 << 22 {
        let w = am.len() + 1;
        let mut t = vec![0u32; (bm.len() + 1) * w];
        for i in (0..bm.len()).rev() {
            for j in (0..am.len()).rev() {
                t[i * w + j] = if bm[i] == am[j] {
                    t[(i + 1) * w + j + 1] + 1
                } else {
                    t[(i + 1) * w + j].max(t[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < bm.len() && j < am.len() {
            if bm[i] == am[j] {
                out.push((head + i, head + j));
                i += 1;
                j += 1;
            } else if t[(i + 1) * w + j] >= t[i * w + j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    out.extend((0..tail).map(|k| (n - tail + k, m - tail + k)));
    out
}
