//! A changed text read again (`reread`, issue #19): when the change is NSG rules changed, added
//! or removed, the design patched in place answers what loading the new text answers — the same
//! expectation outcomes and the same Azure ML audit (required flows with their traces and
//! fixes, findings) — and a change of comments alone changes no record. Over single-field rule
//! changes of every bundled topology, and random series of them written into the text.

use proptest::prelude::*;
use vnetlab_core::diag::Diagnostics;
use vnetlab_core::format::{
    Access, Direction, NsgRuleDef, OneOrMany, Port, RuleProtocol, Spanned, TopologyFile, read,
    rewrite,
};
use vnetlab_core::model::BuildOptions;
use vnetlab_core::net::PortRange;
use vnetlab_core::reread::{
    Analysed, RecordChange, Reread, apply, record_edits, reread, rule_line_edit, rule_line_insert,
};
use vnetlab_core::whatif::Edit;
use vnetlab_tests::{root, topology_files};

/// The valid bundled topologies with no diagnostics (the ones `reread` may patch): name, text.
fn texts() -> &'static [(String, String)] {
    static TEXTS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| {
        topology_files()
            .into_iter()
            .filter(|rel| !rel.contains("broken"))
            .filter_map(|rel| {
                let text = std::fs::read_to_string(root().join(&rel)).expect("readable");
                let loaded = vnetlab_core::load(&rel, text.as_bytes(), &BuildOptions::default());
                (loaded.design.is_some() && loaded.diagnostics.is_empty()).then_some((rel, text))
            })
            .collect()
    })
}

fn records(text: &str) -> TopologyFile {
    let mut d = Diagnostics::new("t.yaml");
    read(text.as_bytes(), &mut d).unwrap_or_else(|| panic!("{:?}", d.finish()))
}

/// A JSON value without positions (`line`, `col`): what is compared.
fn scrub(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(k, _)| !matches!(k.as_str(), "line" | "col" | "column"))
                .map(|(k, v)| (k, scrub(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(scrub).collect()),
        v => v,
    }
}

/// What a reader sees of an analysis: each expectation's outcome, and the audit.
fn verdicts(a: &Analysed) -> (Vec<String>, serde_json::Value) {
    let outcomes = a
        .report
        .results
        .iter()
        .map(|r| format!("{}: {:?}", r.name, r.outcome))
        .collect();
    (outcomes, scrub(serde_json::to_value(&a.audit).unwrap()))
}

/// One single-field change of one NSG rule (or a rule added or removed), chosen by index;
/// `false` when the design has no rule.
fn change(f: &mut TopologyFile, kind: u8, a: usize, b: u32) -> bool {
    let nsgs: Vec<String> = f.nsgs.keys().cloned().collect();
    let Some(nsg) = nsgs.get(a % nsgs.len().max(1)) else {
        return false;
    };
    let rules = &mut f.nsgs.get_mut(nsg).unwrap().rules;
    if rules.is_empty() {
        return false;
    }
    let i = (a / 7) % rules.len();
    let port = |p: u16| {
        Some(OneOrMany(vec![Spanned::new(Port(PortRange {
            lo: p,
            hi: p,
        }))]))
    };
    let r = &mut rules[i];
    match kind % 8 {
        0 => r.priority.value = 100 + b % 3997,
        1 => r.destination_ports = port([22, 443, 445, 8443, 1433][b as usize % 5]),
        2 => {
            r.access = match r.access {
                Access::Allow => Access::Deny,
                Access::Deny => Access::Allow,
            }
        }
        3 => {
            r.protocol =
                Some([RuleProtocol::Tcp, RuleProtocol::Udp, RuleProtocol::Any][b as usize % 3])
        }
        4 => {
            let to = [
                "*",
                "VirtualNetwork",
                "Internet",
                "10.0.0.0/8",
                "AzureCloud",
            ];
            r.source = Some(OneOrMany(vec![Spanned::new(
                to[b as usize % 5].to_string(),
            )]));
        }
        5 => {
            r.direction = match r.direction {
                Direction::Inbound => Direction::Outbound,
                Direction::Outbound => Direction::Inbound,
            }
        }
        6 => {
            let mut added: NsgRuleDef = r.clone();
            added.name.value = format!("added-{b}");
            added.priority.value = 100 + b % 3997;
            added.access = Access::Deny;
            rules.insert(b as usize % (rules.len() + 1), added);
        }
        _ => {
            rules.remove(i);
        }
    }
    true
}

/// Writes `f` into `text` as the studio's source would hold it, reads it again and compares
/// `reread` from the analysis of `text` with loading the new text. Returns whether it patched.
fn compare(name: &str, text: &str, before: &Analysed, f: &TopologyFile) -> bool {
    let opts = BuildOptions::default();
    let out = rewrite(text, f).text;
    let new = records(&out);
    let loaded = vnetlab_core::load(name, out.as_bytes(), &opts);
    match reread(before.before(), &new, &opts) {
        Reread::Patched { analysed, edits } => {
            let full = Analysed::new(loaded.design.expect("patched only when valid"));
            assert!(loaded.diagnostics.is_empty(), "{name}: {edits:?}");
            assert_eq!(verdicts(&analysed), verdicts(&full), "{name}: {edits:?}");
            assert!(analysed.design.file == full.design.file);
            true
        }
        Reread::Same => {
            assert!(new == before.design.file, "{name}: records changed");
            false
        }
        // Left to a full analysis: nothing to compare.
        Reread::Other => false,
    }
}

#[test]
fn single_rule_changes_of_every_topology_patch_as_loading_the_text_answers() {
    let mut patched = 0;
    for (name, text) in texts() {
        let before = Analysed::new(vnetlab_tests::design(name, text));
        for kind in 0..8u8 {
            for a in [0usize, 3, 11] {
                let mut f = before.design.file.clone();
                if change(&mut f, kind, a, 4242 + a as u32) {
                    patched += usize::from(compare(name, text, &before, &f));
                }
            }
        }
    }
    assert!(patched > 100, "only {patched} changes were patched");
}

#[test]
fn a_comment_or_blank_line_changes_no_record() {
    for (name, text) in texts().iter().take(6) {
        let f = records(text);
        let mut commented = String::new();
        for line in text.lines() {
            if line.starts_with(|c: char| c.is_ascii_lowercase()) {
                commented.push_str("# a note typed in the source\n\n");
            }
            commented.push_str(line);
            if line.starts_with("version:") {
                commented.push_str("   # the format");
            }
            commented.push('\n');
        }
        assert_eq!(
            record_edits(&f, &records(&commented)),
            RecordChange::Same,
            "{name}"
        );
        let before = Analysed::new(vnetlab_tests::design(name, text));
        assert!(matches!(
            reread(
                before.before(),
                &records(&commented),
                &BuildOptions::default()
            ),
            Reread::Same
        ));
    }
}

#[test]
fn a_change_outside_nsg_rules_is_left_to_a_full_analysis() {
    let (name, text) = &texts()[0];
    let before = Analysed::new(vnetlab_tests::design(name, text));
    let mut f = before.design.file.clone();
    f.description = Some("changed".into());
    assert_eq!(record_edits(&before.design.file, &f), RecordChange::Other);
    assert!(matches!(
        reread(before.before(), &f, &BuildOptions::default()),
        Reread::Other
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random series of rule changes, written into the text at once.
    #[test]
    fn random_rule_changes_patch_as_loading_the_text_answers(
        pick in any::<prop::sample::Index>(),
        changes in prop::collection::vec((any::<u8>(), any::<usize>(), any::<u32>()), 1..4),
    ) {
        let all = texts();
        let (name, text) = &all[pick.index(all.len())];
        let before = Analysed::new(vnetlab_tests::design(name, text));
        let mut f = before.design.file.clone();
        for &(kind, a, b) in &changes {
            change(&mut f, kind, a, b);
        }
        compare(name, text, &before, &f);
    }
}

/// Generated designs write each NSG rule as a flow mapping on one line: a change within such a
/// line is read from the line alone, and gives the records (positions included) and the
/// verdicts that reading the whole new text gives.
#[test]
fn a_change_within_a_one_line_rule_is_read_from_that_line() {
    use vnetlab_core::generate::{Workload, generate};
    let text = generate(Workload::T1, 1);
    let opts = BuildOptions::default();
    let before = Analysed::new(vnetlab_tests::design("t1.yaml", &text));
    let lines: Vec<(usize, &str)> = text
        .match_indices('\n')
        .scan(0, |start, (i, _)| {
            let line = (*start, &text[*start..i]);
            *start = i + 1;
            Some(line)
        })
        .filter(|(_, l)| l.trim_start().starts_with("- { name: r"))
        .step_by(7)
        .take(12)
        .collect();
    assert!(lines.len() >= 10);
    let mut patched = 0;
    for (at, line) in lines {
        let changes = [
            line.replacen("allow", "deny", 1),
            line.replacen("deny", "allow", 1),
            line.replacen("priority: 1", "priority: 2", 1),
            line.replacen("destination: \"*\"", "destination: 10.0.0.0/8", 1),
            line.replacen(" }", "  }", 1),
            line.replacen("tcp", "udp", 1),
            format!("{line} # a note"),
        ];
        for changed in changes.iter().filter(|c| c.as_str() != line) {
            let new_text = format!("{}{changed}{}", &text[..at], &text[at + line.len()..]);
            let mut diags = vnetlab_core::diag::Diagnostics::new("t1.yaml");
            let Some(full) = read(new_text.as_bytes(), &mut diags) else {
                continue;
            };
            let loaded = vnetlab_core::load("t1.yaml", new_text.as_bytes(), &opts);
            let edit = rule_line_edit(&before.design.file, &text, &new_text)
                .unwrap_or_else(|| panic!("not read from the line: {changed}"));
            let Some(edit) = edit else {
                assert!(full == before.design.file, "{changed}");
                continue;
            };
            // The rule read from the line is the whole text's, where the whole text has it.
            let Edit::ReplaceNsgRule { nsg, index, rule } = &edit else {
                panic!("{edit:?}");
            };
            let whole = &full.nsgs[nsg].rules[*index];
            assert_eq!(**rule, *whole);
            assert_eq!(rule.pos.0, whole.pos.0);
            assert_eq!(rule.priority.span(), whole.priority.span());
            match apply(before.before(), vec![edit.clone()], None, &opts) {
                Reread::Patched { analysed, .. } => {
                    let design = loaded.design.expect("patched only when valid");
                    assert!(analysed.design.file == full);
                    assert_eq!(
                        verdicts(&analysed),
                        verdicts(&Analysed::new(design)),
                        "{changed}"
                    );
                    patched += 1;
                }
                _ => assert!(
                    loaded.design.is_none() || !loaded.diagnostics.is_empty(),
                    "{changed}"
                ),
            }
        }
    }
    assert!(patched >= 20, "{patched}");
    // Not one rule's line: read the whole text.
    let other = text.replacen(
        "address_space: [10.0.0.0/16]",
        "address_space: [10.0.0.0/15]",
        1,
    );
    if other != text {
        assert!(rule_line_edit(&before.design.file, &text, &other).is_none());
    }
    let two_lines = text.replacen("\n      - { name: r1,", "\n\n      - { name: r1,", 1);
    assert!(rule_line_edit(&before.design.file, &text, &two_lines).is_none());
}

/// A rule pasted on a line of its own above or below a one-line rule (how the studio's user adds
/// one) is read from that line alone: the rule it gives is the one reading the whole new text
/// gives, at the same place in its NSG's list and with the same positions, and applying it
/// gives the same verdicts; the records differ from the whole text's only in the positions of
/// what follows (one line down). Anything else added is left to reading the whole text.
#[test]
fn a_rule_pasted_on_a_line_of_its_own_is_read_from_that_line() {
    use vnetlab_core::generate::{Workload, generate};
    let text = generate(Workload::T1, 1);
    let opts = BuildOptions::default();
    let before = Analysed::new(vnetlab_tests::design("t1.yaml", &text));
    let starts: Vec<(usize, usize)> = text
        .match_indices('\n')
        .scan(0, |start, (i, _)| {
            let line = (*start, i + 1);
            *start = i + 1;
            Some(line)
        })
        .filter(|&(a, _)| text[a..].trim_start().starts_with("- { name: r"))
        .step_by(9)
        .take(10)
        .collect();
    assert!(starts.len() >= 8);
    let mut patched = 0;
    for (j, &(line_start, next_line)) in starts.iter().enumerate() {
        let indent = &text[line_start..line_start + text[line_start..].find('-').unwrap()];
        let pasted = format!(
            "{indent}- {{ name: pasted{j}, priority: {}, direction: inbound, access: deny, protocol: tcp, source: 10.9.0.0/16, destination: \"*\", destination_ports: \"22\" }}\n",
            4000 + j
        );
        // Above the rule's line, and below it.
        for at in [line_start, next_line] {
            let new_text = format!("{}{pasted}{}", &text[..at], &text[at..]);
            let mut diags = Diagnostics::new("t1.yaml");
            let full = read(new_text.as_bytes(), &mut diags).expect("the new text reads");
            let edit = rule_line_insert(&before.design.file, &text, &new_text)
                .unwrap_or_else(|| panic!("not read from the line: {pasted} at {at}"));
            let Edit::AddNsgRule { nsg, index, rule } = &edit else {
                panic!("{edit:?}");
            };
            let whole = &full.nsgs[nsg].rules[*index];
            assert_eq!(**rule, *whole);
            assert_eq!(rule.pos.0, whole.pos.0);
            let loaded = vnetlab_core::load("t1.yaml", new_text.as_bytes(), &opts);
            match apply(before.before(), vec![edit.clone()], None, &opts) {
                Reread::Patched { analysed, .. } => {
                    let design = loaded.design.expect("patched only when valid");
                    assert!(loaded.diagnostics.is_empty());
                    assert_eq!(
                        scrub(serde_json::to_value(&analysed.design.file).unwrap()),
                        scrub(serde_json::to_value(&full).unwrap())
                    );
                    assert_eq!(verdicts(&analysed), verdicts(&Analysed::new(design)));
                    patched += 1;
                }
                _ => assert!(
                    loaded.design.is_none() || !loaded.diagnostics.is_empty(),
                    "{pasted}"
                ),
            }
        }
    }
    assert!(patched >= 12, "{patched}");
    // Not a rule beside a rule's line: read the whole text.
    let (at, _) = starts[0];
    let two = "      - { name: a1, priority: 4090, direction: inbound, access: deny, protocol: tcp, source: \"*\", destination: \"*\", destination_ports: \"22\" }\n";
    let twice = format!(
        "{}{two}{}{}",
        &text[..at],
        two.replace("a1", "a2").replace("4090", "4091"),
        &text[at..]
    );
    assert!(
        rule_line_insert(&before.design.file, &text, &twice).is_none(),
        "two lines"
    );
    let deeper = format!("{}  {}{}", &text[..at], two.trim_start(), &text[at..]);
    assert!(
        rule_line_insert(&before.design.file, &text, &deeper).is_none(),
        "another indentation"
    );
    let vnet = text.find("address_space").unwrap();
    let vnet = text[..vnet].rfind('\n').unwrap() + 1;
    let elsewhere = format!("{}{two}{}", &text[..vnet], &text[vnet..]);
    assert!(
        rule_line_insert(&before.design.file, &text, &elsewhere).is_none(),
        "not beside a rule"
    );
}
