//! The committed JSON Schema (`docs/topology.schema.json`) is what the types generate, and the
//! format round-trips: loading the printed records gives the same records.

use vnetlab_core::format::{json_schema, to_json, to_yaml};
use vnetlab_core::model::BuildOptions;
use vnetlab_tests::{design_file, root};

#[test]
fn committed_schema_is_up_to_date() {
    let path = root().join("docs/topology.schema.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, json_schema()).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).expect("docs/topology.schema.json exists");
    assert!(
        committed == json_schema(),
        "docs/topology.schema.json is stale: regenerate it with `UPDATE_GOLDEN=1 cargo test -p vnetlab-tests schema` or `vnetlab schema > docs/topology.schema.json`"
    );
}

#[test]
fn bundled_topologies_round_trip_through_yaml_and_json() {
    for entry in std::fs::read_dir(root().join("topologies")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !name.ends_with(".yaml") {
            continue;
        }
        let d = design_file(&format!("topologies/{name}"));
        for printed in [to_yaml(&d.file), to_json(&d.file)] {
            let again = vnetlab_core::load("printed", printed.as_bytes(), &BuildOptions::default());
            let again = again.design.unwrap_or_else(|| {
                panic!(
                    "{name}: printed form does not load:\n{printed}\n{:?}",
                    again.diagnostics
                )
            });
            assert_eq!(again.file, d.file, "{name}");
        }
    }
}

#[test]
fn format_doc_lists_every_enumeration_with_its_values() {
    let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
    let doc = std::fs::read_to_string(root().join("docs/format.md")).unwrap();
    let defs = schema["$defs"].as_object().expect("$defs");
    let mut enums = 0;
    for (name, def) in defs {
        let Some(values) = def["enum"].as_array() else {
            continue;
        };
        enums += 1;
        let values: Vec<String> = values
            .iter()
            .map(|v| format!("`{}`", v.as_str().unwrap()))
            .collect();
        // The row of the generated table (format_doc.rs keeps it current; this checks it
        // against the JSON Schema users' editors read): type, values, then where it is used.
        let row = format!("| `{name}` | {} |", values.join(", "));
        assert!(
            doc.contains(&row),
            "docs/format.md's Enumerations table lacks or misstates {name}: expected the row\n{row}"
        );
    }
    assert!(enums > 10, "the schema's enumerations were found");
}
