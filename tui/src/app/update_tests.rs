//! Unit tests of `update`, without a terminal: each feeds messages to a model built from the
//! fixture design and checks the state it leaves.

use super::*;
use crate::app::analysis::{Change, expectation_change};
use crate::app::model::Doc;
use crate::app::theme::Theme;
use vnetlab_core::check::Outcome;
use vnetlab_core::model::BuildOptions;

const FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/aml-private-endpoints.yaml");
const BROWSE: &str = "training cannot browse the internet";
const STORAGE: &str = "training reads the default storage over its private endpoint";

fn model() -> Model {
    let mut m = Model::new(
        "aml-private-endpoints.yaml",
        BuildOptions::default(),
        Theme::new(true),
        (80, 24),
    );
    update(&mut m, Message::FileLoaded(FIXTURE.to_vec()));
    m
}

fn send(m: &mut Model, msgs: impl IntoIterator<Item = Message>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|msg| update(m, msg)).collect()
}

fn search(m: &mut Model, q: &str) {
    send(m, [Message::SearchStart]);
    send(m, q.chars().map(Message::SearchInput));
    send(m, [Message::SearchSubmit]);
}

fn outcome(m: &Model, name: &str) -> (Outcome, Option<Change>) {
    let r = m.ready().expect("ready");
    let a = r.shown();
    let e = a
        .report
        .results
        .iter()
        .find(|e| e.name == name)
        .expect("expectation");
    (e.outcome, expectation_change(&r.base.report, e))
}

fn selected_key(m: &Model) -> String {
    m.ui.tree_key.clone().unwrap_or_default()
}

#[test]
fn loading_a_valid_file_selects_the_first_item_and_proves_expectations() {
    let m = model();
    assert_eq!(selected_key(&m), "vnet:ml");
    let r = m.ready().expect("ready");
    assert_eq!(r.base.report.results.len(), 8);
    assert!(r.base.report.all_hold());
    assert!(m.edits().is_empty());
}

#[test]
fn toggling_a_deny_rule_newly_allows_traffic_and_undo_restores_it() {
    let mut m = model();
    search(&mut m, "deny-internet");
    assert_eq!(selected_key(&m), "nsg:training-nsg/rule:deny-internet-out");
    send(&mut m, [Message::Toggle]);
    assert_eq!(m.edits().len(), 1);
    assert_eq!(
        outcome(&m, BROWSE),
        (Outcome::Fails, Some(Change::NewlyAllowed))
    );
    assert_eq!(selected_key(&m), "nsg:training-nsg/rule:deny-internet-out");
    // The Azure ML audit's required outbound flows, denied by that rule, now work too.
    let r = m.ready().expect("ready");
    let arm = r
        .shown()
        .audit
        .flows
        .iter()
        .find(|f| f.flow.to == "service:AzureResourceManager")
        .expect("ARM flow");
    assert!(arm.works);
    assert_eq!(
        crate::app::analysis::flow_change(&r.base.audit, arm),
        Some(Change::NewlyAllowed)
    );
    let status = &m.status.as_ref().expect("status").text;
    assert!(status.starts_with('▲') && status.contains("▼0"), "{status}");
    send(&mut m, [Message::Undo]);
    assert!(m.edits().is_empty());
    assert_eq!(outcome(&m, BROWSE), (Outcome::Holds, None));
}

#[test]
fn removing_a_dns_link_newly_denies_storage_and_reset_drops_every_edit() {
    let mut m = model();
    search(&mut m, "privatelink.blob");
    send(&mut m, [Message::Move(1)]);
    assert_eq!(
        selected_key(&m),
        "zone:privatelink.blob.core.windows.net/link:ml"
    );
    send(&mut m, [Message::Remove]);
    assert_eq!(
        outcome(&m, STORAGE),
        (Outcome::Fails, Some(Change::NewlyDenied))
    );
    search(&mut m, "deny-internet");
    send(&mut m, [Message::Toggle, Message::Reset]);
    assert!(m.edits().is_empty());
    assert!(m.ready().expect("ready").shown().report.all_hold());
}

#[test]
fn toggle_on_an_element_without_edits_reports_and_changes_nothing() {
    let mut m = model();
    send(&mut m, [Message::Toggle]);
    assert!(m.edits().is_empty());
    assert!(m.status.as_ref().expect("status").error);
}

#[test]
fn toggle_from_the_checks_pane_does_not_edit_the_tree_selection() {
    let mut m = model();
    search(&mut m, "deny-internet");
    send(&mut m, [Message::FocusNext, Message::Toggle]);
    assert_eq!(m.ui.focus, Pane::Checks);
    assert!(m.edits().is_empty());
}

#[test]
fn reloading_keeps_the_selection_and_reapplies_edits() {
    let mut m = model();
    search(&mut m, "deny-internet");
    send(&mut m, [Message::Toggle]);
    send(&mut m, [Message::FileLoaded(FIXTURE.to_vec())]);
    assert_eq!(selected_key(&m), "nsg:training-nsg/rule:deny-internet-out");
    assert_eq!(m.edits().len(), 1);
    assert_eq!(outcome(&m, BROWSE).0, Outcome::Fails);
    assert!(
        m.status
            .as_ref()
            .expect("status")
            .text
            .contains("1 edit(s) re-applied")
    );
}

#[test]
fn a_broken_file_shows_its_errors_and_edits_survive_until_it_is_fixed() {
    let mut m = model();
    search(&mut m, "deny-internet");
    send(&mut m, [Message::Toggle]);
    let broken =
        String::from_utf8_lossy(FIXTURE).replace("prefix: 10.1.1.0/24", "prefix: 10.1.1.0/99");
    send(&mut m, [Message::FileLoaded(broken.into_bytes())]);
    let Doc::Invalid { diagnostics, .. } = &m.doc else {
        panic!("expected the errors to be shown")
    };
    assert!(
        diagnostics.iter().any(|d| d.span.line == 13),
        "{diagnostics:?}"
    );
    assert_eq!(m.edits().len(), 1);
    send(&mut m, [Message::FileLoaded(FIXTURE.to_vec())]);
    assert_eq!(m.edits().len(), 1);
    assert_eq!(selected_key(&m), "nsg:training-nsg/rule:deny-internet-out");
}

#[test]
fn write_asks_the_runtime_for_a_new_file_with_the_edited_design() {
    let mut m = model();
    search(&mut m, "deny-internet");
    send(&mut m, [Message::Toggle]);
    let effects = send(&mut m, [Message::Write]);
    let [Effect::Write { beside, contents }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(beside, "aml-private-endpoints.yaml");
    let loaded = vnetlab_core::load("w.yaml", contents.as_bytes(), &BuildOptions::default());
    let d = loaded.design.expect("the written design is valid");
    assert!(!vnetlab_core::check(&d).all_hold());
    send(&mut m, [Message::Written(Ok("x.whatif.yaml".into()))]);
    assert!(
        m.status
            .as_ref()
            .expect("status")
            .text
            .contains("x.whatif.yaml")
    );
}

#[test]
fn left_collapses_then_goes_to_the_parent_and_right_expands() {
    let mut m = model();
    search(&mut m, "training-nsg");
    // The first match is the subnet's NSG attachment; go to the NSG itself.
    send(&mut m, [Message::SearchAgain(1)]);
    assert_eq!(selected_key(&m), "nsg:training-nsg");
    send(&mut m, [Message::Left]);
    assert!(m.ui.collapsed.contains("nsg:training-nsg"));
    send(&mut m, [Message::Move(1)]);
    assert_eq!(selected_key(&m), "section:services");
    send(
        &mut m,
        [Message::Move(-1), Message::Right, Message::Move(1)],
    );
    assert_eq!(
        selected_key(&m),
        "nsg:training-nsg/rule:allow-aml-control-plane"
    );
    send(&mut m, [Message::Left]);
    assert_eq!(selected_key(&m), "nsg:training-nsg");
}

#[test]
fn search_wraps_around_and_goes_backwards() {
    let mut m = model();
    search(&mut m, "endpoint mlstore");
    let first = selected_key(&m);
    send(&mut m, [Message::SearchAgain(1)]);
    let second = selected_key(&m);
    assert_ne!(first, second);
    send(&mut m, [Message::SearchAgain(-1)]);
    assert_eq!(selected_key(&m), first);
    search(&mut m, "no such thing");
    assert!(m.status.as_ref().expect("status").error);
}

#[test]
fn the_matrix_cycles_ports_and_regroups_by_workload() {
    let mut m = model();
    send(&mut m, [Message::ToggleMatrix, Message::MatrixPort(-1)]);
    assert_eq!(m.ui.main, MainView::Matrix);
    assert_eq!(m.ui.matrix_port, super::MATRIX_PORTS.len() - 1);
    let effects = send(&mut m, [Message::MatrixBy]);
    // By workloads is worked out on a worker thread: run its job here, then hand back the
    // result as the runtime does.
    let [Effect::Matrix(job)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(m.job.is_some());
    let stop = std::sync::atomic::AtomicBool::new(false);
    let progress = std::cell::RefCell::new(Vec::new());
    let done = crate::app::runtime::compute(job, &stop, &|msg| progress.borrow_mut().push(msg))
        .expect("not stopped");
    send(&mut m, progress.into_inner());
    assert_eq!(m.job.as_ref().map(|j| (j.done, j.total)), Some((1, 2)));
    send(&mut m, [Message::MatrixDone(Box::new(done))]);
    assert!(m.job.is_none());
    let names = &m.ready().expect("ready").shown().matrix.names;
    assert_eq!(names, &["analyst-vm", "trainer"]);
    send(&mut m, [Message::Escape]);
    assert_eq!(m.ui.main, MainView::Detail);
}

#[test]
fn esc_cancels_long_work_and_an_edit_restarts_it_for_the_new_design() {
    let mut m = model();
    let effects = send(&mut m, [Message::ToggleMatrix, Message::MatrixBy]);
    let [Effect::Matrix(first)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    // A stopped worker gives up at its next row.
    let stop = std::sync::atomic::AtomicBool::new(true);
    assert!(crate::app::runtime::compute(first, &stop, &|_| {}).is_none());
    // Esc cancels: nothing waits, the matrix stays by subnets, the view stays.
    send(&mut m, [Message::Escape]);
    assert!(m.job.is_none());
    assert_eq!(m.ui.main, MainView::Matrix);
    assert_eq!(m.ui.matrix_by, MatrixBy::Subnet);
    // A result that comes anyway is ignored.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let late = crate::app::runtime::compute(first, &stop, &|_| {}).expect("runs");
    send(&mut m, [Message::MatrixDone(Box::new(late))]);
    assert_eq!(
        m.ready().expect("ready").shown().matrix.by,
        MatrixBy::Subnet
    );
    // Asked again, then the design changes under the job: a new job for the new design.
    let effects = send(&mut m, [Message::MatrixBy]);
    let [Effect::Matrix(second)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let effects = send(&mut m, [Message::FileLoaded(FIXTURE.to_vec())]);
    let [Effect::Matrix(third)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_ne!(second.id, third.id);
    assert_eq!(m.job.as_ref().map(|j| j.id), Some(third.id));
}

#[test]
fn clicking_a_tree_row_selects_it_and_a_second_click_folds_it() {
    let mut m = model();
    // Row 2 is the VNet (row 0 the title line, row 1 the border); row 3 the first subnet.
    send(&mut m, [Message::Click(3, 3)]);
    assert_eq!(selected_key(&m), "subnet:ml/endpoints");
    send(&mut m, [Message::Click(3, 3)]);
    assert!(m.ui.collapsed.contains("subnet:ml/endpoints"));
}

#[test]
fn moving_keeps_the_selection_on_screen_after_a_resize() {
    let mut m = model();
    send(&mut m, [Message::End]);
    let last = m.ui.tree.selected;
    assert!(m.ui.tree.offset > 0);
    assert!(last < m.ui.tree.offset + 20);
    send(&mut m, [Message::Resize(80, 10), Message::Move(0)]);
    assert!(m.ui.tree.selected >= m.ui.tree.offset);
    assert!(m.ui.tree.selected < m.ui.tree.offset + 7);
}

#[test]
fn checks_selection_skips_headings() {
    let mut m = model();
    send(&mut m, [Message::FocusNext]);
    let rows = crate::app::rows::check_rows(&m);
    assert!(rows[m.ui.checks.selected].selectable());
    send(&mut m, [Message::Home]);
    assert!(rows[m.ui.checks.selected].selectable());
}

#[test]
fn quit_and_help() {
    let mut m = model();
    send(&mut m, [Message::Help]);
    assert_eq!(m.ui.overlay, Overlay::Help);
    send(&mut m, [Message::Escape, Message::Quit]);
    assert_eq!(m.ui.overlay, Overlay::None);
    assert!(m.quit);
}

/// The lines of `a` and `b` that differ, when both have as many lines (else `None`).
fn changed_lines<'t>(a: &'t str, b: &'t str) -> Option<Vec<(&'t str, &'t str)>> {
    let (a, b): (Vec<_>, Vec<_>) = (a.lines().collect(), b.lines().collect());
    (a.len() == b.len()).then(|| a.into_iter().zip(b).filter(|(x, y)| x != y).collect())
}

#[test]
fn write_keeps_the_file_and_changes_only_the_edited_line() {
    let mut m = model();
    search(&mut m, "deny-internet");
    send(&mut m, [Message::Toggle]);
    let effects = send(&mut m, [Message::Write]);
    let [Effect::Write { contents, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let original = std::str::from_utf8(FIXTURE).unwrap();
    let changed = changed_lines(original, contents).expect("as many lines");
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.contains("allow"), "{changed:?}");
    send(&mut m, [Message::Written(Ok("x.whatif.yaml".into()))]);
    let status = &m.status.as_ref().expect("status").text;
    assert!(!status.contains("printed anew"), "{status}");
}

/// Issue #14: a one-rule flip written by the terminal app is a one-line diff of every bundled
/// topology, with a modeline and comments added to the file kept as they are. The first rule
/// of each NSG (of the first NSG when annotated; every rule through the core in
/// `tests/tests/all/rewrite.rs`), and the first network or application rule collection and
/// FortiGate policy of each firewall, each analysis being costly.
#[test]
fn flipping_a_rule_of_any_bundled_topology_writes_a_one_line_diff() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../topologies");
    let mut files: Vec<_> = ["", "broken"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "{files:?}");
    let (mut flips, mut firewall_flips) = (0, 0);
    for path in &files {
        let plain = std::fs::read_to_string(path).unwrap();
        let annotated = format!(
            "# yaml-language-server: $schema=../docs/topology.schema.json\n# {}\n{}",
            "kept as written", plain
        );
        for (text, nsgs_tried) in [(plain, usize::MAX), (annotated, 1)] {
            let mut m = Model::new(
                "t.yaml",
                BuildOptions::default(),
                Theme::new(true),
                (80, 24),
            );
            send(&mut m, [Message::FileLoaded(text.clone().into_bytes())]);
            let file = &m.ready().expect("valid").base.design.file;
            let mut keys: Vec<String> = file
                .nsgs
                .iter()
                .take(nsgs_tried)
                .filter_map(|(nsg, def)| {
                    let rule = def.rules.first()?;
                    Some(format!("nsg:{nsg}/rule:{}", rule.name.value))
                })
                .collect();
            // The first network or application collection and the first FortiGate policy of
            // each firewall.
            for (fw, def) in &file.firewalls {
                let collection = def.rule_collection_groups.iter().find_map(|g| {
                    let c = g
                        .collections
                        .iter()
                        .find(|c| c.kind != vnetlab_core::format::CollectionKind::Dnat)?;
                    Some(format!("firewall:{fw}/collection:{}/{}", g.name, c.name))
                });
                let policy = def
                    .policies
                    .first()
                    .map(|p| format!("firewall:{fw}/policy:{}", p.name));
                keys.extend(collection.into_iter().chain(policy));
            }
            for key in keys {
                m.ui.tree_key = Some(key.clone());
                restore_tree_selection(&mut m);
                assert_eq!(m.ui.tree_key.as_ref(), Some(&key));
                send(&mut m, [Message::Toggle]);
                assert_eq!(m.edits().len(), 1, "{key}");
                let effects = send(&mut m, [Message::Write]);
                let [Effect::Write { contents, .. }] = effects.as_slice() else {
                    panic!("{effects:?}")
                };
                let changed = changed_lines(&text, contents);
                let what = format!("{}: {key}", path.display());
                let changed = changed.unwrap_or_else(|| panic!("{what}: lines added"));
                assert_eq!(changed.len(), 1, "{what}: {changed:?}");
                assert!(m.reprinted.is_none(), "{what}");
                send(&mut m, [Message::Undo]);
                flips += 1;
                firewall_flips += usize::from(key.starts_with("firewall:"));
            }
        }
    }
    assert!(flips > 30, "{flips}");
    assert!(firewall_flips >= 6, "{firewall_flips}");
}

/// A model of a bundled topology.
fn model_of(text: &str) -> Model {
    let mut m = Model::new(
        "t.yaml",
        BuildOptions::default(),
        Theme::new(true),
        (80, 24),
    );
    update(&mut m, Message::FileLoaded(text.as_bytes().to_vec()));
    assert!(m.ready().is_some(), "valid");
    m
}

/// Selects the tree item with `key` and applies `msg` to it.
fn edit_item(m: &mut Model, key: &str, msg: Message) {
    m.ui.focus = Pane::Tree;
    m.ui.tree_key = Some(key.to_string());
    restore_tree_selection(m);
    assert_eq!(m.ui.tree_key.as_deref(), Some(key), "in the tree");
    send(m, [msg]);
}

/// The written text's changed lines (as many lines as the original).
fn written_changes(m: &mut Model, original: &str) -> Vec<(String, String)> {
    let effects = send(m, [Message::Write]);
    let [Effect::Write { contents, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(m.reprinted.is_none());
    changed_lines(original, contents)
        .expect("as many lines")
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn flipping_an_azure_firewall_collection_denies_what_it_allowed_and_writes_one_line() {
    let text = include_str!("../../../topologies/hub-spoke-firewall.yaml");
    let mut m = model_of(text);
    edit_item(
        &mut m,
        "firewall:hub-fw/collection:aml/aml-service-tags",
        Message::Toggle,
    );
    assert_eq!(
        m.edits(),
        [Edit::FlipCollectionAction {
            firewall: "hub-fw".into(),
            collection: "aml/aml-service-tags".into()
        }]
    );
    assert_eq!(
        outcome(
            &m,
            "training reaches the Azure ML control plane through the firewall"
        ),
        (Outcome::Fails, Some(Change::NewlyDenied))
    );
    let status = &m.status.as_ref().expect("status").text;
    assert!(
        status.contains("newly denied") && !status.contains("▼0"),
        "{status}"
    );
    let changed = written_changes(&mut m, text);
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.contains("action: deny"), "{changed:?}");
    // Its rules are listed under it and can be removed.
    let r = m.ready().expect("ready");
    assert!(r.shown().outline.iter().any(|i| {
        i.key
            .starts_with("firewall:hub-fw/collection:aml/aml-service-tags/rule:")
            && i.remove.is_some()
    }));
    send(&mut m, [Message::Undo]);
    assert!(m.edits().is_empty());
    assert_eq!(
        outcome(
            &m,
            "training reaches the Azure ML control plane through the firewall"
        ),
        (Outcome::Holds, None)
    );
}

#[test]
fn a_fortigate_policy_flips_its_nat_and_its_action_from_the_tree() {
    let text = include_str!("../../../topologies/fortigate-egress-nat.yaml");
    let no_nat = "without NAT on its policy analytics cannot reach the internet";
    let mut m = model_of(text);
    edit_item(
        &mut m,
        "firewall:edge-fgt/policy:analytics-to-internet/nat",
        Message::Toggle,
    );
    // With NAT the replies come back to the FortiGate (P17): the internet is reached.
    assert_eq!(
        outcome(&m, no_nat),
        (Outcome::Fails, Some(Change::NewlyAllowed))
    );
    let changed = written_changes(&mut m, text);
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.contains("nat: true"), "{changed:?}");
    send(&mut m, [Message::Undo]);
    edit_item(
        &mut m,
        "firewall:edge-fgt/policy:training-to-internet",
        Message::Toggle,
    );
    assert_eq!(
        outcome(
            &m,
            "training reaches the internet on HTTPS through the FortiGate's NAT"
        ),
        (Outcome::Fails, Some(Change::NewlyDenied))
    );
    let changed = written_changes(&mut m, text);
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.contains("action: deny"), "{changed:?}");
}

#[test]
fn f_applies_the_verified_fix_of_the_selected_broken_flow() {
    let text = include_str!("../../../topologies/broken/aml-nsg-too-strict.yaml");
    let mut m = model_of(text);
    // Not on a flow: nothing is applied, and the status says what to select.
    send(&mut m, [Message::ApplyFix]);
    assert!(m.edits().is_empty());
    assert!(m.status.as_ref().is_some_and(|s| s.error));
    m.ui.focus = Pane::Checks;
    search(&mut m, "trainer → mlkv:vault");
    let rows = check_rows(&m);
    let Some(CheckRow::Flow(i)) = rows.get(m.ui.checks.selected).cloned() else {
        panic!("a flow is selected: {:?}", rows.get(m.ui.checks.selected))
    };
    let flow = |m: &Model| m.ready().expect("ready").shown().audit.flows[i].clone();
    assert!(!flow(&m).works);
    send(&mut m, [Message::ApplyFix]);
    assert_eq!(m.edits().len(), 1);
    assert!(
        m.edits()[0]
            .describe()
            .starts_with("fix: add NSG rule training-nsg/"),
        "{}",
        m.edits()[0]
    );
    assert!(flow(&m).works, "the fix makes the flow work");
    let status = &m.status.as_ref().expect("status").text;
    assert!(status.contains("▲") && !status.contains("▲0"), "{status}");
    // Written into the file: only the new rule's line is added.
    let effects = send(&mut m, [Message::Write]);
    let [Effect::Write { contents, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(contents.lines().count(), text.lines().count() + 1);
    assert!(
        contents.contains("allow-aml-10-1-2-6-32-tcp-443"),
        "{contents}"
    );
    send(&mut m, [Message::Undo]);
    assert!(m.edits().is_empty());
    assert!(!flow(&m).works);
}

#[test]
fn a_adds_a_rule_from_a_validated_form() {
    let mut m = model();
    search(&mut m, "deny-internet");
    send(&mut m, [Message::AddRule]);
    let Overlay::AddRule(form) = &m.ui.overlay else {
        panic!("the form is open: {:?}", m.status)
    };
    assert_eq!(form.nsg, "training-nsg");
    assert_eq!(form.values[2], "outbound");
    let typed = |m: &mut Model, s: &str| {
        send(m, s.chars().map(Message::FormInput));
    };
    // A name, then the ports field (the last), with a bad port.
    typed(&mut m, "allow-web-out");
    send(&mut m, [Message::FormField(-1)]);
    typed(&mut m, "80,99999");
    send(&mut m, [Message::FormSubmit]);
    let Overlay::AddRule(form) = &m.ui.overlay else {
        panic!("a bad port keeps the form open")
    };
    assert!(
        form.errors.iter().any(|e| e.contains("99999")),
        "{:?}",
        form.errors
    );
    assert!(m.edits().is_empty());
    send(
        &mut m,
        (0.."80,99999".len()).map(|_| Message::FormBackspace),
    );
    typed(&mut m, "443");
    // The destination (the field before): the internet.
    send(&mut m, [Message::FormField(-1)]);
    typed(&mut m, "Internet");
    // A priority the NSG already uses in that direction is refused by the build's checks.
    let taken = m.ready().unwrap().session.file().nsgs["training-nsg"]
        .rules
        .iter()
        .find(|r| r.name.value == "deny-internet-out")
        .unwrap()
        .priority
        .value;
    if let Overlay::AddRule(form) = &mut m.ui.overlay {
        form.values[1] = taken.to_string();
    }
    send(&mut m, [Message::FormSubmit]);
    let Overlay::AddRule(form) = &m.ui.overlay else {
        panic!("a taken priority keeps the form open")
    };
    assert!(!form.errors.is_empty());
    if let Overlay::AddRule(form) = &mut m.ui.overlay {
        form.values[1] = "150".into();
    }
    send(&mut m, [Message::FormSubmit]);
    assert_eq!(m.ui.overlay, Overlay::None, "{:?}", m.status);
    assert_eq!(m.edits().len(), 1);
    assert_eq!(
        m.edits()[0].describe(),
        "add NSG rule training-nsg/allow-web-out"
    );
    assert_eq!(
        outcome(&m, BROWSE),
        (Outcome::Fails, Some(Change::NewlyAllowed))
    );
    let effects = send(&mut m, [Message::Write]);
    let [Effect::Write { contents, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    // Written in its siblings' style (block mappings here) and key order (`name` first), every
    // other line kept in order.
    let original = std::str::from_utf8(FIXTURE).unwrap();
    let mut kept = original.lines().peekable();
    let added: Vec<&str> = contents
        .lines()
        .filter(|l| {
            let same = kept.peek() == Some(l);
            if same {
                kept.next();
            }
            !same
        })
        .collect();
    assert!(
        kept.peek().is_none(),
        "a line of the file was changed:\n{contents}"
    );
    assert_eq!(added.len(), 7, "{added:?}");
    assert_eq!(added[0], "      - name: allow-web-out", "{added:?}");
    assert_eq!(added[1], "        priority: 150", "{added:?}");
    assert!(
        added
            .iter()
            .all(|l| l.starts_with("        ") || l.starts_with("      - ")),
        "{added:?}"
    );
    send(&mut m, [Message::Undo]);
    assert!(m.edits().is_empty());
}
