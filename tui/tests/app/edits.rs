//! Whole screens of the edits beyond a flip of an NSG rule: an Azure Firewall rule collection
//! flipped from the tree, a broken flow's verified fix applied with `f`, and a rule added with
//! the `a` form.

use super::harness::{draw, open, open_named, press, snapshot, text};

fn topology(path: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../topologies");
    std::fs::read(root.join(path)).expect("bundled topology")
}

#[test]
fn flip_a_firewall_collection_80x24() {
    let mut m = open_named(
        (80, 24),
        "hub-spoke-firewall.yaml",
        &topology("hub-spoke-firewall.yaml"),
    );
    press(&mut m, r#"/ "aml-service-tags" <enter> <space>"#);
    snapshot("firewall_flipped_80x24", &m);
    let screen = text(&draw(&m));
    assert!(screen.contains("network 200/100 deny  aml/am"), "{screen}");
    assert!(screen.contains("Space flips allow/deny"), "{screen}");
    assert!(screen.contains("▼5 newly denied"), "{screen}");
}

#[test]
fn apply_a_verified_fix_80x24() {
    let mut m = open_named(
        (80, 24),
        "aml-nsg-too-strict.yaml",
        &topology("broken/aml-nsg-too-strict.yaml"),
    );
    press(&mut m, r#"<tab> / "mlkv:vault" <enter> f"#);
    snapshot("fix_applied_80x24", &m);
    let screen = text(&draw(&m));
    assert!(
        screen.contains("fix: add NSG rule training-nsg/"),
        "{screen}"
    );
    press(&mut m, "u");
    assert!(m.edits().is_empty());
}

#[test]
fn add_a_rule_with_the_form_80x24() {
    let mut m = open((80, 24));
    press(
        &mut m,
        r#"/ "deny-int" <enter> a "allow-web-out" <up> "443" <up> "Internet""#,
    );
    snapshot("add_rule_form_80x24", &m);
    let screen = text(&draw(&m));
    assert!(
        screen.contains("Add a rule to NSG training-nsg"),
        "{screen}"
    );
    press(&mut m, "<enter>");
    snapshot("rule_added_80x24", &m);
    assert_eq!(m.edits().len(), 1);
    assert!(text(&draw(&m)).contains("add NSG rule training-nsg/allow-web-out"));
}
