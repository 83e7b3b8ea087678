//! P19: the service-tag names vnetlab knows without `--service-tags` are exactly those of
//! Microsoft's published file (`core/data/service-tag-names.txt` against
//! `../shared/data/ServiceTags_Public_20240506.json`), and an unknown name is still an error
//! with "did you mean".

use std::collections::BTreeSet;
use vnetlab_core::tags::{ServiceTags, published_names};

fn checked_in_names() -> BTreeSet<String> {
    let (_, groups) = published_names();
    let mut names = BTreeSet::new();
    for g in groups {
        if g.is_tag {
            names.insert(g.base.to_string());
        }
        for s in g.suffixes {
            names.insert(format!("{}.{s}", g.base));
        }
    }
    names
}

/// The checked-in list is the published file's list, name for name (spelling included). The
/// file is read from `../shared/data` beside the repository (where CI has it).
#[test]
fn the_checked_in_names_are_the_published_files() {
    let path = vnetlab_tests::root()
        .parent()
        .expect("the repository has a parent")
        .join("shared/data/ServiceTags_Public_20240506.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "{} is absent: the name list is not compared",
            path.display()
        );
        return;
    };
    let file: serde_json::Value = serde_json::from_str(&text).expect("Microsoft's JSON");
    let published: BTreeSet<String> = file["values"]
        .as_array()
        .expect("values[]")
        .iter()
        .map(|e| e["name"].as_str().expect("values[].name").to_string())
        .collect();
    let ours = checked_in_names();
    let missing: Vec<&String> = published.difference(&ours).collect();
    let extra: Vec<&String> = ours.difference(&published).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "core/data/service-tag-names.txt differs from the published file: missing {missing:?}, not in the file {extra:?}"
    );
    assert_eq!(published.len(), 2601);
    // And each one is a built-in tag under its own spelling.
    let tags = ServiceTags::builtin();
    for n in &published {
        assert_eq!(tags.canonical(n), Some(n.as_str()), "{n}");
    }
}

/// Real designs name these tags (Microsoft's Azure ML and Bastion guidance), and an unknown
/// one is an error that offers the closest name.
#[test]
fn real_tag_names_load_and_unknown_ones_suggest() {
    // (the name as a design writes it, whether it loads, the suggestion for an unknown one)
    const CASES: &[(&str, bool, Option<&str>)] = &[
        ("GatewayManager", true, None),
        ("AzureMonitor", true, None),
        ("AzureMonitor.Core", true, None),
        ("Storage.westeurope", true, None),
        ("AzureCloud.eastus", true, None),
        ("AzureFrontDoor.FirstParty", true, None),
        ("Sql.FranceCentral", true, None),
        ("GatewayManagr", false, Some("GatewayManager")),
        ("AzureMonitr", false, Some("AzureMonitor")),
    ];
    for &(tag, loads, suggestion) in CASES {
        let text = format!(
            "version: 1\nname: t\nnsgs:\n  n:\n    rules:\n      - {{ name: r, priority: 100, direction: inbound, access: allow, source: {tag}, destination_ports: 443, protocol: tcp }}\n"
        );
        let loaded = vnetlab_core::load(
            "t.yaml",
            text.as_bytes(),
            &vnetlab_core::model::BuildOptions::default(),
        );
        assert_eq!(
            loaded.design.is_some(),
            loads,
            "{tag}: {:?}",
            loaded.diagnostics
        );
        if let Some(s) = suggestion {
            let d = &loaded.diagnostics[0];
            assert_eq!(
                (d.code, d.span.line, d.span.col),
                ("address", 6, 78),
                "{tag}"
            );
            assert_eq!(
                d.help.as_deref(),
                Some(format!("did you mean `{s}`?").as_str())
            );
        }
    }
}
