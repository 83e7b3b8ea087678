//! docs/format.md lists every value of every string enum of the format, generated here from the
//! JSON Schema the core's enums produce (`str_enum!`), so the list cannot drift from the code:
//! the test fails when the section is stale, and `UPDATE_GOLDEN=1` rewrites it.

use serde_json::Value;
use std::collections::BTreeMap;
use vnetlab_core::format::json_schema;
use vnetlab_tests::root;

/// The heading the generated section starts with; it ends at the next `## ` heading.
const HEADING: &str = "## Enumerations (generated from the core's enums)";

/// Whether `v` (a schema fragment) refers to `$defs/name` anywhere inside.
fn refers_to(v: &Value, name: &str) -> bool {
    match v {
        Value::String(s) => s == &format!("#/$defs/{name}"),
        Value::Array(a) => a.iter().any(|x| refers_to(x, name)),
        Value::Object(o) => o.values().any(|x| refers_to(x, name)),
        _ => false,
    }
}

/// The section as it should read.
fn section() -> String {
    let schema: Value = serde_json::from_str(&json_schema()).expect("schema is JSON");
    let defs = schema["$defs"].as_object().expect("$defs");
    let mut enums: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, def) in defs {
        if let Some(values) = def.get("enum").and_then(Value::as_array) {
            enums.insert(name, values.iter().filter_map(Value::as_str).collect());
        }
    }
    assert!(enums.len() >= 20, "the schema's enums were not found");
    // Where each is used: `Record.key` for every property that refers to it.
    let mut records: Vec<(&str, &Value)> = defs
        .iter()
        .filter_map(|(n, d)| d.get("properties").map(|p| (n.as_str(), p)))
        .collect();
    if let Some(p) = schema.get("properties") {
        records.push(("TopologyFile", p));
    }
    let mut out = format!(
        "{HEADING}\n\nEvery value each string key accepts, written exactly so (a test regenerates this table\nfrom the types and fails when it is stale).\n\n| type | values | used by |\n|---|---|---|\n"
    );
    for (name, values) in &enums {
        let mut used: Vec<String> = Vec::new();
        for (record, props) in &records {
            for (key, p) in props.as_object().expect("properties") {
                if refers_to(p, name) {
                    used.push(format!("`{record}.{key}`"));
                }
            }
        }
        used.sort();
        let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        out.push_str(&format!(
            "| `{name}` | {} | {} |\n",
            values.join(", "),
            used.join(", ")
        ));
    }
    out.push('\n');
    out
}

#[test]
fn format_doc_lists_every_enum_value() {
    let path = root().join("docs/format.md");
    let doc = std::fs::read_to_string(&path).expect("docs/format.md");
    let want = section();
    let start = doc
        .find(HEADING)
        .unwrap_or_else(|| panic!("docs/format.md has no `{HEADING}` section"));
    let end = doc[start + HEADING.len()..]
        .find("\n## ")
        .map_or(doc.len(), |k| start + HEADING.len() + k + 1);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let updated = format!("{}{want}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, updated).expect("write docs/format.md");
        return;
    }
    assert!(
        doc[start..end] == want,
        "docs/format.md's enumerations are stale: regenerate them with `UPDATE_GOLDEN=1 cargo test -p vnetlab-tests --test all format_doc`\n--- want\n{want}"
    );
    assert!(
        !doc.contains("original contract"),
        "docs/format.md refers to a document that is not in the repository"
    );
}
