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

/// A YAML document as the JSON a schema validator reads: plain scalars that are `true`,
/// `false` or decimal integers (no sign, no leading zeros) become booleans and numbers, every
/// other scalar a string (as the tool reads them).
fn to_json_value(n: &vnetlab_core::syntax::Node) -> serde_json::Value {
    use serde_json::Value;
    use vnetlab_core::syntax::NodeKind;
    match &n.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Scalar { text, quoted } => {
            let canonical_int = text == "0"
                || (!text.starts_with('0')
                    && !text.is_empty()
                    && text.bytes().all(|b| b.is_ascii_digit()));
            match (quoted, text.as_ref()) {
                (false, "true") => Value::Bool(true),
                (false, "false") => Value::Bool(false),
                (false, t) if canonical_int => t
                    .parse::<u64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::from(t.parse::<f64>().expect("digits"))),
                _ => Value::String(text.to_string()),
            }
        }
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json_value).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| match &k.kind {
                    NodeKind::Scalar { text, .. } => (text.to_string(), to_json_value(v)),
                    _ => panic!("non-scalar key"),
                })
                .collect(),
        ),
    }
}

fn yaml_as_json(text: &str) -> serde_json::Value {
    let mut diags = vnetlab_core::diag::Diagnostics::new("t.yaml");
    let node = vnetlab_core::syntax::parse(text, &mut diags).expect("well-formed YAML");
    to_json_value(&node)
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&vnetlab_core::format::json_schema()).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// Every topology the repository ships (examples, and broken designs for the audit) is valid
/// to the schema: the schema is not stricter than the tool on real files.
#[test]
fn every_bundled_topology_validates_against_the_schema() {
    let v = validator();
    let mut checked = 0;
    for dir in ["topologies", "topologies/broken"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let json = yaml_as_json(&text);
            let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 15, "{checked}");
}

/// Files the tool rejects for a value (not for a reference or a whole-design rule): the schema
/// rejects each too. (code the tool gives, the file after `version`/`name`.)
const REJECTED_VALUES: &[(&str, &str)] = &[
    ("cidr", "vnets:\n  v:\n    address_space: [10.0.0.0/33]\n"),
    (
        "cidr",
        "vnets:\n  v:\n    address_space: [10.10.256.0/24]\n",
    ),
    ("cidr", "vnets:\n  v:\n    address_space: [10.0.0.1/16]\n"),
    (
        "cidr",
        "vnets:\n  v:\n    address_space: [010.000.000.000/16]\n",
    ),
    ("cidr", "vnets:\n  v:\n    address_space: [10.0.0.0/016]\n"),
    ("cidr", "vnets:\n  v:\n    address_space: [banana]\n"),
    ("cidr", "vnets:\n  v:\n    address_space: [10.0.0.0]\n"),
    (
        "ip",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    dns_servers: [10.0.0.256]\n",
    ),
    (
        "ip",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    dns_servers: [010.0.0.4]\n",
    ),
    (
        "port",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbound, access: allow, destination_ports: 70000 }\n",
    ),
    (
        "port",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbound, access: allow, destination_ports: \"80-70\" }\n",
    ),
    (
        "port",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbound, access: allow, destination_ports: [\"65535-0\"] }\n",
    ),
    (
        "port",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbound, access: allow, destination_ports: 080 }\n",
    ),
    (
        "port",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbound, access: allow, source_ports: \"-1\" }\n",
    ),
    (
        "priority",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 50, direction: inbound, access: allow }\n",
    ),
    (
        "priority",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 5000, direction: inbound, access: allow }\n",
    ),
    (
        "value",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbund, access: allow }\n",
    ),
    (
        "empty-list",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbound, access: allow, source: [] }\n",
    ),
    (
        "empty-list",
        "nsgs:\n  n:\n    rules:\n      - { name: a, priority: 100, direction: inbound, access: allow, destination_ports: [] }\n",
    ),
    (
        "empty-list",
        "expect:\n  - { name: e, from: internet, to: 10.0.0.4, ports: [], verdict: denied }\n",
    ),
    (
        "type",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      s: { prefix: 10.0.0.0/24 }\nworkloads:\n  c: { kind: compute_cluster, subnet: v/s, max_nodes: 4294967296 }\n",
    ),
    (
        "unknown-key",
        "vnets:\n  v:\n    adress_space: [10.0.0.0/16]\n",
    ),
];

#[test]
fn what_the_tool_rejects_for_a_value_the_schema_rejects() {
    let v = validator();
    let mut problems = Vec::new();
    let mut cases: Vec<(String, String)> = REJECTED_VALUES
        .iter()
        .map(|(code, body)| (code.to_string(), format!("version: 1\nname: t\n{body}")))
        .collect();
    cases.push(("version".into(), "version: 2\nname: t\n".into()));
    for (code, text) in &cases {
        let tool = vnetlab_tests::errors(text);
        if !tool.iter().any(|e| e.contains(&format!(" {code}: "))) {
            problems.push(format!(
                "the tool does not reject with `{code}`: {text}\n{tool:#?}"
            ));
        }
        if v.is_valid(&yaml_as_json(text)) {
            problems.push(format!(
                "the schema accepts what the tool rejects ({code}):\n{text}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
