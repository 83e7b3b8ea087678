//! A design's text changed: what the change does to its records, and the analysis of the new
//! text from the old one when the change is one the edits express. The browser studio reads its
//! source again at every keystroke (issue #19); a comment or layout change leaves the records as
//! they were ([`Reread::Same`]: nothing to analyse), and a rule of an NSG changed, added or
//! removed is applied to the analysed design in place ([`Design::apply_edit`]), its expectations
//! checked again where they read that NSG ([`check::recheck_touching`]) and the Azure ML audit
//! made again with only that NSG's rules linted again. Anything else ([`Reread::Other`]) is for a
//! full analysis.
//!
//! What [`reread`] gives equals loading the new text: the same expectation outcomes and the same
//! audit (`tests/tests/all/reread.rs` compares them on random rule edits of every topology). An
//! expectation the change does not touch keeps its evidence from before (as in the live
//! session).

use crate::aml::AuditReport;
use crate::aml::findings::RuleLint;
use crate::check::{self, CheckReport};
use crate::diag::Diagnostics;
use crate::edit::Edit;
use crate::format::{NsgDef, NsgRuleDef, TopologyFile};
use crate::model::{BuildOptions, Design, NsgId};
use crate::syntax::{Decode, Decoder, Node, NodeKind};
use crate::trace::Touch;

/// What new records change from old ones.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordChange {
    /// Nothing: the records are equal (a comment, blank lines, quoting or layout changed).
    Same,
    /// These edits, applied in order, turn the old records into the new ones.
    Edits(Vec<Edit>),
    /// Something no edit expresses changed.
    Other,
}

/// The edits from `old` to `new` records: the NSG rules replaced, added or removed when only
/// NSGs' rules differ (the same NSGs), [`RecordChange::Same`] when nothing does, else
/// [`RecordChange::Other`]. Positions are not compared.
pub fn record_edits(old: &TopologyFile, new: &TopologyFile) -> RecordChange {
    // Every field named, so a field added to the format is compared here too.
    let TopologyFile {
        version,
        name,
        description,
        region,
        subscription,
        resource_group,
        vnets,
        peerings,
        nsgs,
        security_admin_configurations,
        asgs,
        route_tables,
        gateways,
        firewalls,
        front_doors,
        nat_gateways,
        ip_groups,
        service_endpoint_policies,
        workloads,
        services,
        dns,
        clients,
        expect,
        accept,
        pos: _,
    } = old;
    let rest_same = *version == new.version
        && *name == new.name
        && *description == new.description
        && *region == new.region
        && *subscription == new.subscription
        && *resource_group == new.resource_group
        && *vnets == new.vnets
        && *peerings == new.peerings
        && *security_admin_configurations == new.security_admin_configurations
        && *asgs == new.asgs
        && *route_tables == new.route_tables
        && *gateways == new.gateways
        && *firewalls == new.firewalls
        && *front_doors == new.front_doors
        && *nat_gateways == new.nat_gateways
        && *ip_groups == new.ip_groups
        && *service_endpoint_policies == new.service_endpoint_policies
        && *workloads == new.workloads
        && *services == new.services
        && *dns == new.dns
        && *clients == new.clients
        && *expect == new.expect
        && *accept == new.accept;
    if !rest_same || !nsgs.keys().eq(new.nsgs.keys()) {
        return RecordChange::Other;
    }
    let mut edits = Vec::new();
    for ((nsg, o), n) in nsgs.iter().zip(new.nsgs.values()) {
        let NsgDef { rules, pos: _ } = o;
        if rules != &n.rules && !rule_edits(nsg, rules, &n.rules, &mut edits) {
            return RecordChange::Other;
        }
    }
    if edits.is_empty() {
        RecordChange::Same
    } else {
        RecordChange::Edits(edits)
    }
}

/// The edits turning `old` rules into `new` ones: the unequal middle (after the common first
/// and last rules) pairs rules by place; extra new rules are added, extra old ones removed (by
/// name, first, so the places of the others hold). False when an old name appears twice (a
/// removal by name would take both).
fn rule_edits(nsg: &str, old: &[NsgRuleDef], new: &[NsgRuleDef], out: &mut Vec<Edit>) -> bool {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (o, n) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let paired = o.len().min(n.len());
    for gone in &o[paired..] {
        if old
            .iter()
            .filter(|r| r.name.value == gone.name.value)
            .count()
            != 1
        {
            return false;
        }
        out.push(Edit::RemoveNsgRule {
            nsg: nsg.to_string(),
            rule: gone.name.value.clone(),
        });
    }
    for (i, (a, b)) in o.iter().zip(n).enumerate() {
        if a != b {
            out.push(Edit::ReplaceNsgRule {
                nsg: nsg.to_string(),
                index: head + i,
                rule: Box::new(b.clone()),
            });
        }
    }
    for (i, added) in n.iter().enumerate().skip(paired) {
        out.push(Edit::AddNsgRule {
            nsg: nsg.to_string(),
            index: head + i,
            rule: Box::new(added.clone()),
        });
    }
    true
}

/// A change of text within one line that holds exactly one NSG rule written as a flow mapping
/// item (`      - { name: r1, priority: 100, … }`, the way generated and imported designs write
/// rules), read from that line alone instead of the whole text: what reading the whole new text
/// would give (the rest of the text is the same, and a flow mapping on one line holds all of
/// its record), found in a time that does not grow with the file. `None` when the change is not
/// of that shape — it crosses a line, starts before the mapping's `{`, the line holds an anchor,
/// either version of the line does not read alone as one rule without any diagnostic — and the
/// whole text is to be read.
///
/// `Some(Ok(None))`: the rule's record did not change (a comment at the end of its line);
/// `Some(Ok(Some(edit)))`: the rule's new record, as an [`Edit::ReplaceNsgRule`].
pub fn rule_line_edit(old: &TopologyFile, old_text: &str, new_text: &str) -> Option<Option<Edit>> {
    let (a, b) = (old_text.as_bytes(), new_text.as_bytes());
    let head = common_prefix(a, b);
    let tail = common_suffix(&a[head..], &b[head..]);
    let (gone, put) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    if gone.contains(&b'\n')
        || put.contains(&b'\n')
        || gone.contains(&b'\r')
        || put.contains(&b'\r')
    {
        return None;
    }
    let start = a[..head]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let end_in = |t: &[u8]| {
        t[head..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(t.len(), |i| head + i)
    };
    // Whole lines, and the change is within UTF-8 characters' bounds on both sides.
    let old_line = old_text.get(start..end_in(a))?;
    let new_line = new_text.get(start..end_in(b))?;
    let line = u32::try_from(count_newlines(&a[..start])).ok()? + 1;
    let brace = old_line.find('{')?;
    if head <= start + brace
        || !old_line[..brace].trim_start().starts_with('-')
        || !old_line[..brace].trim().eq("-")
        || old_line.contains('&')
        || new_line.contains('&')
    {
        return None;
    }
    let col = u32::try_from(old_line[..brace].chars().count()).ok()? + 1;
    let (nsg, index, before) = old.nsgs.iter().find_map(|(name, n)| {
        n.rules
            .iter()
            .position(|r| r.pos.0.line == line && r.pos.0.col == col)
            .map(|i| (name, i, &n.rules[i]))
    })?;
    // The old line read alone must be exactly that rule (nothing else written on it).
    if line_rule(old_line, line)? != *before {
        return None;
    }
    let after = line_rule(new_line, line)?;
    Some((after != *before).then(|| Edit::ReplaceNsgRule {
        nsg: nsg.clone(),
        index,
        rule: Box::new(after),
    }))
}

/// One whole line inserted next to a line that holds exactly one NSG rule written as a flow
/// mapping item, at the same indentation (`      - { name: r2, … }` pasted above or below
/// `      - { name: r1, … }`), read from that line alone: the new rule as an
/// [`Edit::AddNsgRule`] of that NSG, at its place in the list. The new rule's record carries its
/// positions in the new text; what follows it in the text is one line further down, so the
/// caller treats positions read before as provisional (a full reading makes them exact). `None`
/// when the change is not of that shape — not one whole line added, no such rule beside it, an
/// anchor, either line not reading alone as one rule without any diagnostic — and the whole
/// text is to be read.
pub fn rule_line_insert(old: &TopologyFile, old_text: &str, new_text: &str) -> Option<Edit> {
    let (a, b) = (old_text.as_bytes(), new_text.as_bytes());
    let k = b.len().checked_sub(a.len()).filter(|&k| k > 1)?;
    // Where the texts part, taken back to the start of its line: the insertion is the `k`
    // bytes from there when the rest of the old text follows them unchanged.
    let start = a[..common_prefix(a, b)]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let put = &b[start..start + k];
    if put.last() != Some(&b'\n')
        || count_newlines(put) != 1
        || put.contains(&b'\r')
        || common_suffix(&a[start..], &b[start + k..]) != a.len() - start
    {
        return None;
    }
    let new_line = new_text.get(start..start + k - 1)?;
    let brace = new_line.find('{')?;
    if new_line[..brace].trim() != "-" || new_line.contains('&') {
        return None;
    }
    let line = u32::try_from(count_newlines(&a[..start])).ok()? + 1;
    let col = u32::try_from(new_line[..brace].chars().count()).ok()? + 1;
    // The old line above the insertion (the new rule goes after its rule), else the one below
    // (the new rule goes before it).
    let above = start.checked_sub(1).map(|end| {
        let from = a[..end]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1);
        (from, end, line - 1, 1)
    });
    let below = (start < a.len()).then(|| {
        let end = a[start..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(a.len(), |i| start + i);
        (start, end, line, 0)
    });
    let (nsg, index) =
        [above, below]
            .into_iter()
            .flatten()
            .find_map(|(from, end, at, after)| {
                let neighbour = old_text.get(from..end)?;
                if !neighbour.starts_with(&new_line[..=brace]) || neighbour.contains('&') {
                    return None;
                }
                let (nsg, i, rule) = old.nsgs.iter().find_map(|(name, n)| {
                    n.rules
                        .iter()
                        .position(|r| r.pos.0.line == at && r.pos.0.col == col)
                        .map(|i| (name, i, &n.rules[i]))
                })?;
                (line_rule(neighbour, at)? == *rule).then(|| (nsg.clone(), i + after))
            })?;
    Some(Edit::AddNsgRule {
        nsg,
        index,
        rule: Box::new(line_rule(new_line, line)?),
    })
}

/// Whether the change from `old_text` to `new_text` is within the comment lines that end the
/// text — lines beginning with `#`, holding no quote — in both versions: comments typed at the
/// end of a design. Such lines follow everything the text holds (a `#` at the start of a line
/// ends any block or plain scalar, and a quoted one would have to close on a line with a
/// quote), so the records and all their positions are those of the old text. Blank lines are
/// not taken (a scalar kept with `|+` holds its trailing blank lines).
pub fn comment_tail_change(old_text: &str, new_text: &str) -> bool {
    let head = common_prefix(old_text.as_bytes(), new_text.as_bytes());
    let (a, b) = (comment_tail(old_text), comment_tail(new_text));
    // Both tails start at the same line start, at or before the change (so what precedes them
    // is the same).
    a == b && a <= head
}

/// How many bytes `a` and `b` have in common at their start. Compared eight bytes at a time:
/// these texts are megabytes long, compared at every keystroke, and a byte-by-byte loop (or
/// `memcmp`, byte by byte in WebAssembly) takes milliseconds there.
pub fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut i = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let d = word(x) ^ word(y);
        if d != 0 {
            // Little-endian words: the first differing byte is the lowest set one.
            return i + (d.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + a[i..]
        .iter()
        .zip(&b[i..])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `a` and `b` have in common at their end (see [`common_prefix`]).
pub fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    for (x, y) in a.rchunks_exact(8).zip(b.rchunks_exact(8)) {
        let d = word(x) ^ word(y);
        if d != 0 {
            // Little-endian words: the last differing byte is the highest set one.
            return i + (d.leading_zeros() / 8) as usize;
        }
        i += 8;
    }
    let (a, b) = (&a[..n - i], &b[..n - i]);
    i + a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many line feeds `text` holds, counted eight bytes at a time (see [`common_prefix`]).
fn count_newlines(text: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const LOW7: u64 = u64::from_le_bytes([0x7f; 8]);
    let chunks = text.chunks_exact(8);
    let rest = chunks.remainder();
    let mut n = 0;
    for c in chunks {
        // A zero byte where `text` has a line feed; its high bit set exactly there.
        let x = word(c) ^ (ONES * u64::from(b'\n'));
        let zero = !(((x & LOW7) + LOW7) | x | LOW7) & HIGH;
        n += zero.count_ones() as usize;
    }
    n + rest.iter().filter(|&&c| c == b'\n').count()
}

/// Eight bytes as one little-endian word.
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(bytes);
    u64::from_le_bytes(w)
}

/// Where the comment lines ending `text` start (its length when there are none); see
/// [`comment_tail_change`].
fn comment_tail(text: &str) -> usize {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let (mut start, mut end) = (text.len(), body.len());
    loop {
        let line_start = body[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &body[line_start..end];
        if !line.starts_with('#') || line.contains(['"', '\'']) {
            return start;
        }
        start = line_start;
        if line_start == 0 {
            return start;
        }
        end = line_start - 1;
    }
}

/// `text`, one line of a file (line `line`), read alone as a block sequence of one flow
/// mapping decoded as an NSG rule, with the positions it has in the file; `None` on any
/// diagnostic.
fn line_rule(text: &str, line: u32) -> Option<NsgRuleDef> {
    let mut diags = Diagnostics::new("line");
    let mut root = crate::syntax::parse(text, &mut diags)?;
    shift_lines(&mut root, line - 1);
    let NodeKind::Seq(items) = &root.kind else {
        return None;
    };
    let [item] = items.as_slice() else {
        return None;
    };
    if !matches!(item.kind, NodeKind::Map(_)) {
        return None;
    }
    let rule = NsgRuleDef::decode(item, &mut Decoder { diags: &mut diags });
    diags.finish().is_empty().then_some(rule).flatten()
}

fn shift_lines(n: &mut Node, by: u32) {
    n.span.line += by;
    match &mut n.kind {
        NodeKind::Seq(items) => items.iter_mut().for_each(|i| shift_lines(i, by)),
        NodeKind::Map(pairs) => pairs.iter_mut().for_each(|(k, v)| {
            shift_lines(k, by);
            shift_lines(v, by);
        }),
        NodeKind::Null | NodeKind::Scalar { .. } => {}
    }
}

/// An analysed design: its expectations' report, its audit and the audit's rule lint.
#[derive(Clone, Debug)]
pub struct Analysed {
    /// The design.
    pub design: Design,
    /// Its expectations' outcomes.
    pub report: CheckReport,
    /// Its Azure ML audit.
    pub audit: AuditReport,
    /// The rule lint the audit holds, kept to lint only an edited NSG again.
    pub lint: RuleLint,
}

impl Analysed {
    /// Analyses a valid design in full.
    pub fn new(design: Design) -> Self {
        let lint = RuleLint::of(&design);
        Self {
            report: crate::check(&design),
            audit: crate::aml::audit_with(&design, lint.clone()),
            lint,
            design,
        }
    }
}

/// An analysis [`reread`] starts from (the parts of an [`Analysed`], wherever they are kept).
#[derive(Clone, Copy, Debug)]
pub struct Before<'a> {
    /// The design.
    pub design: &'a Design,
    /// Its expectations' outcomes.
    pub report: &'a CheckReport,
    /// Its rule lint.
    pub lint: &'a RuleLint,
}

impl Analysed {
    /// This analysis as the start of a [`reread`].
    pub fn before(&self) -> Before<'_> {
        Before {
            design: &self.design,
            report: &self.report,
            lint: &self.lint,
        }
    }
}

/// What the new records of a changed text make of an analysed design.
#[derive(Debug)]
pub enum Reread {
    /// The records did not change: the analysis stands.
    Same,
    /// The records changed by `edits`, applied in place: the new analysis (its design holds the
    /// new records, with their new positions).
    Patched {
        /// The design, report, audit and lint of the new records.
        analysed: Box<Analysed>,
        /// What changed.
        edits: Vec<Edit>,
    },
    /// A change no edit expresses, or an edit that leaves the design invalid or with problems
    /// to report: analyse the new text in full.
    Other,
}

/// The analysis of `new` records from the analysis of the records they were read from (see the
/// module's text). `Patched` only when the change is NSG rules and the edited design has no
/// problem to report (no error, no warning: its diagnostics are those of the design before,
/// which the caller knows had none, or it takes the full analysis).
pub fn reread(before: Before<'_>, new: &TopologyFile, opts: &BuildOptions) -> Reread {
    match record_edits(&before.design.file, new) {
        RecordChange::Same => Reread::Same,
        RecordChange::Other => Reread::Other,
        RecordChange::Edits(edits) => apply(before, edits, Some(new), opts),
    }
}

/// `edits` (NSG rule edits) applied to the analysis `before`: the design and its records
/// patched, then `new` (the records read from the new text, with their positions) put in
/// place of the patched records when given.
pub fn apply(
    before: Before<'_>,
    edits: Vec<Edit>,
    new: Option<&TopologyFile>,
    opts: &BuildOptions,
) -> Reread {
    let mut design = before.design.clone();
    let mut nsgs: Vec<NsgId> = Vec::new();
    for e in &edits {
        let (Edit::RemoveNsgRule { nsg, .. }
        | Edit::ReplaceNsgRule { nsg, .. }
        | Edit::AddNsgRule { nsg, .. }) = e
        else {
            return Reread::Other;
        };
        let Some(i) = design.nsgs.iter().position(|n| &n.name == nsg) else {
            return Reread::Other;
        };
        if design.apply_edit(e, opts).is_err() {
            return Reread::Other;
        }
        nsgs.push(NsgId(i as u32));
    }
    nsgs.sort_unstable();
    nsgs.dedup();
    // The edited NSGs lowered from the new records carry their positions; the build's
    // warnings of those rules, and the whole-design checks, must have nothing to say.
    if let Some(new) = new {
        design.file = new.clone();
    }
    for &id in &nsgs {
        let mut diags = crate::diag::Diagnostics::new("edited");
        let name = design.nsgs[id.ix()].name.clone();
        match crate::model::relower_nsg(&design, &name, opts, &mut diags) {
            Some(n) if diags.finish().is_empty() => design.nsgs[id.ix()] = n,
            _ => return Reread::Other,
        }
    }
    // The whole-design checks that read rules, for the edited NSGs (the others say what they
    // said of the design before).
    let mut diags = crate::diag::Diagnostics::new("edited");
    for &id in &nsgs {
        crate::model::nsg_rule_checks(&design, id, &mut diags);
    }
    if !diags.finish().is_empty() {
        return Reread::Other;
    }
    let touches: Vec<Touch> = nsgs.iter().map(|&n| Touch::Nsg(n)).collect();
    let report = check::recheck_touching(before.report, &design, Some(&touches));
    let mut lint = before.lint.clone();
    for &id in &nsgs {
        lint.relint_nsg(&design, id);
    }
    let audit = crate::aml::audit_with(&design, lint.clone());
    Reread::Patched {
        analysed: Box::new(Analysed {
            design,
            report,
            audit,
            lint,
        }),
        edits,
    }
}

#[cfg(test)]
mod tests {
    use super::comment_tail_change as tail;
    use super::{common_prefix, common_suffix, count_newlines};

    #[test]
    fn word_at_a_time_scans_agree_with_byte_by_byte_ones() {
        let base: Vec<u8> = (0..100u8)
            .map(|i| b"ab\ncd\n\n\xc3\xa9x"[usize::from(i) % 10])
            .collect();
        for len in [0, 1, 7, 8, 9, 16, 17, 63, 100] {
            let a = &base[..len];
            assert_eq!(count_newlines(a), a.iter().filter(|&&c| c == b'\n').count());
            for at in 0..=len {
                for cut in [0, 1, 3, 9] {
                    // `b`: `a` changed at `at`, with `cut` bytes more or fewer after it.
                    let mut b = a.to_vec();
                    if at < len {
                        b[at] ^= 0x20;
                    }
                    b.extend(std::iter::repeat_n(b'z', cut));
                    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
                    let tail = a
                        .iter()
                        .rev()
                        .zip(b.iter().rev())
                        .take_while(|(x, y)| x == y)
                        .count();
                    assert_eq!(common_prefix(a, &b), head, "{len} {at} {cut}");
                    assert_eq!(common_prefix(&b, a), head);
                    assert_eq!(common_suffix(a, &b), tail, "{len} {at} {cut}");
                    assert_eq!(common_suffix(&b, a), tail);
                }
            }
        }
    }

    #[test]
    fn comments_typed_at_the_end_change_nothing() {
        assert!(tail("x: 1\n", "x: 1\n# k\n"));
        assert!(tail("x: 1\n# k\n", "x: 1\n# ke\n"));
        assert!(tail("x: 1\n# k\n", "x: 1\n# k\n# l\n"));
        assert!(tail("x: 1\n# a\n", "x: 1\n"));
        // Not at a line start, a blank line, a quote, or content changed too.
        assert!(!tail("x: 1", "x: 1# k\n"));
        assert!(!tail("x: 1\n", "x: 1\n\n"));
        assert!(!tail("x: \"a\n# b\"\n", "x: \"a\n# bc\"\n"));
        assert!(!tail("x: 1\n# k\n", "x: 2\n# k\n"));
        assert!(!tail("x: 1\n", "x: 1\n  # k\n"));
    }
}
