//! Writing edited records back into the user's text (`format::rewrite`, issue #14): loading the
//! rewritten text gives the records the edit made, the file's layout is kept (never printed
//! anew), and only the edited lines change — for every single edit of every bundled topology,
//! and for random form-like changes (renames, additions, removals, new values).

use proptest::prelude::*;
use vnetlab_core::diag::Diagnostics;
use vnetlab_core::format::{
    Cidr, NsgRuleDef, OneOrMany, Port, Spanned, TopologyFile, read, rewrite, to_yaml,
};
use vnetlab_core::net::PortRange;
use vnetlab_core::whatif::{Edit, single_edits};
use vnetlab_tests::{root, topology_files};

/// The bundled topologies as written, and each with a modeline, a comment before every
/// top-level section and a trailing comment.
fn texts() -> &'static [(String, String)] {
    static TEXTS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    TEXTS.get_or_init(read_texts)
}

fn read_texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for rel in topology_files() {
        let plain = std::fs::read_to_string(root().join(&rel)).expect("readable");
        let mut annotated = String::from("# yaml-language-server: $schema=topology.schema.json\n");
        for line in plain.lines() {
            if line.starts_with(|c: char| c.is_ascii_lowercase()) && !line.starts_with("version") {
                annotated.push_str(&format!("# section {line}\n"));
            }
            annotated.push_str(line);
            if line.starts_with("version:") {
                annotated.push_str("   # the format");
            }
            annotated.push('\n');
        }
        out.push((rel.clone(), plain));
        out.push((format!("{rel} (annotated)"), annotated));
    }
    out
}

fn records(text: &str) -> TopologyFile {
    let mut d = Diagnostics::new("t.yaml");
    let f = read(text.as_bytes(), &mut d);
    f.unwrap_or_else(|| panic!("{:?}\n{text}", d.finish()))
}

fn same(a: &TopologyFile, b: &TopologyFile) -> bool {
    serde_json::to_value(a).unwrap() == serde_json::to_value(b).unwrap()
}

/// The changed regions of a line diff: (lines removed, lines added) per hunk.
fn hunks(a: &str, b: &str) -> Vec<(usize, usize)> {
    regions(a, b, 0)
}

/// [`hunks`], a region running on across at most `join` unchanged lines (counted in it): an
/// item removed and another added in its place can share a line or two (the same priority or
/// direction), which a line diff keeps as an unchanged line between two hunks of one region.
fn regions(a: &str, b: &str, join: usize) -> Vec<(usize, usize)> {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let w = b.len() + 1;
    let mut t = vec![0u32; (a.len() + 1) * w];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            t[i * w + j] = if a[i] == b[j] {
                t[(i + 1) * w + j + 1] + 1
            } else {
                t[(i + 1) * w + j].max(t[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    let mut open: Option<(usize, usize)> = None;
    // Unchanged lines since the open region's last change.
    let mut run = 0;
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            if open.is_some() {
                run += 1;
                if run > join {
                    out.extend(open.take());
                    run = 0;
                }
            }
            i += 1;
            j += 1;
            continue;
        }
        let h = open.get_or_insert((0, 0));
        (h.0, h.1, run) = (h.0 + run, h.1 + run, 0);
        if j == b.len() || (i < a.len() && t[(i + 1) * w + j] >= t[i * w + j + 1]) {
            h.0 += 1;
            i += 1;
        } else {
            h.1 += 1;
            j += 1;
        }
    }
    out.extend(open);
    out
}

fn comments(text: &str) -> usize {
    text.lines().filter(|l| l.contains('#')).count()
}

/// Rewrites `text` to `after` and checks what every write must give: the records, the layout
/// kept, every comment line. Returns the new text.
fn written(what: &str, text: &str, after: &TopologyFile) -> String {
    let out = rewrite(text, after);
    assert_eq!(out.reprinted, None, "{what}: printed anew");
    assert!(same(&records(&out.text), after), "{what}:\n{}", out.text);
    assert_eq!(comments(&out.text), comments(text), "{what}:\n{}", out.text);
    out.text
}

/// Each topology with a modeline and comments (its every line is the bundled file's, so this is
/// the bundled file's diff too).
#[test]
fn every_single_edit_of_every_topology_changes_only_its_lines() {
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0;
    for (name, text) in texts().iter().filter(|(n, _)| n.ends_with("(annotated)")) {
        let f = records(text);
        for e in single_edits(&f) {
            let Ok(after) = e.apply(&f) else { continue };
            let what = format!("{name}: {e}");
            let out = written(&what, text, &after);
            let h = hunks(text, &out);
            assert_eq!(h.len(), 1, "{what}: {h:?}\n{out}");
            let (removed, added) = h[0];
            let kind = format!("{e:?}");
            let kind = kind.split([' ', '{', '(']).next().unwrap().to_string();
            if [
                "FlipNsgRuleAccess",
                "FlipCollectionAction",
                "FlipFortiPolicyAction",
            ]
            .contains(&kind.as_str())
            {
                assert_eq!((removed, added), (1, 1), "{what}:\n{out}");
            } else if kind.starts_with("Flip") {
                // A flag or setting written, or added where it was left to its default.
                assert!(added == 1 && removed <= 1, "{what}: {h:?}\n{out}");
            } else {
                // A removal deletes lines, rewrites the one line of a flow list, or leaves
                // an emptied element as `name: {}`.
                assert!(added <= 1 && removed >= 1, "{what}: {h:?}\n{out}");
            }
            seen.insert(kind);
            count += 1;
        }
    }
    // Every kind of edit the what-if offers was written.
    for &kind in crate::SINGLE_EDIT_KINDS {
        assert!(seen.contains(kind), "{kind} never written: {seen:?}");
    }
    assert!(count > 250, "{count}");
}

/// A change a form makes to the records (or a what-if edit), chosen by index among the
/// elements the design has; `false` when the design has nothing to change that way.
fn change(f: &mut TopologyFile, kind: u8, a: usize, b: u32) -> bool {
    fn nth<K: Clone, V>(m: &std::collections::BTreeMap<K, V>, a: usize) -> Option<K> {
        (!m.is_empty()).then(|| m.keys().nth(a % m.len()).unwrap().clone())
    }
    let cidr = |s: String| Spanned::new(Cidr(s.parse().unwrap()));
    match kind % 9 {
        0 => {
            let edits = single_edits(f);
            match edits.get(a % edits.len().max(1)).map(|e| e.apply(f)) {
                Some(Ok(after)) => *f = after,
                _ => return false,
            }
        }
        1 => {
            let mut rules: Vec<&mut NsgRuleDef> =
                f.nsgs.values_mut().flat_map(|n| &mut n.rules).collect();
            let n = rules.len();
            let Some(r) = rules.get_mut(a % n.max(1)) else {
                return false;
            };
            r.priority.value = 100 + b % 3997;
        }
        2 => {
            let Some(old) = nth(&f.nsgs, a) else {
                return false;
            };
            let new = format!("renamed-{b}");
            if f.nsgs.contains_key(&new) {
                return false;
            }
            let v = f.nsgs.remove(&old).unwrap();
            f.nsgs.insert(new, v);
        }
        3 => {
            let Some(k) = nth(&f.nsgs, a) else {
                return false;
            };
            let nsg = f.nsgs.get_mut(&k).unwrap();
            let Some(mut r) = nsg.rules.first().cloned() else {
                return false;
            };
            r.name.value = format!("added-{b}");
            r.priority.value = 4000 + b % 96;
            r.destination_ports = Some(OneOrMany(vec![Spanned::new(Port(PortRange {
                lo: 8443,
                hi: 8443,
            }))]));
            r.description = Some(format!("added by a form, {b}"));
            nsg.rules.insert(a % (nsg.rules.len() + 1), r);
        }
        4 => {
            let Some(k) = nth(&f.workloads, a) else {
                return false;
            };
            let w = f.workloads.get_mut(&k).unwrap();
            if w.tags.remove("note").is_none() {
                w.tags
                    .insert("note".into(), format!("{b}: it's \"quoted\""));
            }
        }
        5 => {
            let Some(k) = nth(&f.workloads, a) else {
                return false;
            };
            f.workloads.remove(&k);
        }
        6 => {
            let Some(k) = nth(&f.vnets, a) else {
                return false;
            };
            let v = f.vnets.get_mut(&k).unwrap();
            let Some(mut s) = v.subnets.values().next().cloned() else {
                return false;
            };
            s.prefix = Some(cidr(format!("172.16.{}.0/24", b % 256)));
            s.prefixes.clear();
            s.nsg = None;
            v.subnets.insert(format!("added-{b}"), s);
        }
        7 => {
            let mut subnets: Vec<_> = f
                .vnets
                .values_mut()
                .flat_map(|v| v.subnets.values_mut())
                .collect();
            let n = subnets.len();
            let Some(s) = subnets.get_mut(a % n.max(1)) else {
                return false;
            };
            s.prefix = Some(cidr(format!("192.168.{}.0/24", b % 256)));
            s.prefixes.clear();
        }
        _ => {
            let Some(old) = nth(&f.services, a) else {
                return false;
            };
            let new = format!("svc-{b}");
            if f.services.contains_key(&new) {
                return false;
            }
            let v = f.services.remove(&old).unwrap();
            f.services.insert(new, v);
        }
    }
    true
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random form-like changes: loading the rewritten text gives the changed records, the
    /// layout and comments are kept, and each change rewrites at most one region of lines
    /// (`regions`: a rule removed and one added in its place are one region).
    #[test]
    fn form_changes_keep_the_rest_of_the_file(
        pick in any::<prop::sample::Index>(),
        changes in prop::collection::vec((any::<u8>(), any::<usize>(), any::<u32>()), 1..4),
    ) {
        let all = texts();
        let (name, text) = &all[pick.index(all.len())];
        let mut f = records(text);
        let mut made = 0;
        for &(kind, a, b) in &changes {
            made += usize::from(change(&mut f, kind, a, b));
        }
        let out = written(name, text, &f);
        let h = regions(text, &out, 2);
        prop_assert!(h.len() <= made, "{name}: {changes:?} {h:?}\n{out}");
    }
}

/// Applying an edit to the text and loading it equals applying it to the records, also when
/// the edits pile up (a what-if session written once at the end).
#[test]
fn a_session_of_edits_written_at_once_reads_back_as_the_session() {
    for (name, text) in texts() {
        let f = records(text);
        let mut after = f.clone();
        let edits: Vec<Edit> = single_edits(&f).into_iter().step_by(3).collect();
        for e in &edits {
            if let Ok(next) = e.apply(&after) {
                after = next;
            }
        }
        written(name, text, &after);
        // The printer's output is a file like any other.
        let printed = to_yaml(&f);
        written(&format!("{name} printed"), &printed, &after);
    }
}
