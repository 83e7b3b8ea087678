//! The core's top-level modules form layers (ARCHITECTURE.md, "Layering"): a module refers
//! (`crate::MODULE`, outside comments) only to modules of lower layers, so there is no import
//! cycle between them. Every module must be placed; a new module or a new edge upwards fails
//! here with the file and line that made it.

use std::collections::BTreeMap;
use std::path::Path;

/// The layers, lowest first. Modules of one layer do not refer to each other, except those of
/// [`ONE_LAYER`].
const LAYERS: &[&[&str]] = &[
    &["diag", "net", "regions", "finding_kinds"],
    &["syntax"],
    &["tags", "format"],
    &["model", "eval", "query"],
    // `crate::load` and `crate::rebuild` (lib.rs): read and build, nothing above the model.
    &["(root)"],
    &["trace", "generate"],
    &["edit"],
    &["incremental"],
    &["reach"],
    &["check"],
    &["render", "whatif"],
    &["aml", "outline", "testing"],
    &["diff", "reread"],
    &["session"],
];

/// The one group whose modules still refer to each other: the design holds `eval::Derived`'s
/// tables, and building a design validates it with the DNS resolver and the endpoint parser
/// (ARCHITECTURE.md says how it is to be split).
const ONE_LAYER: &[&str] = &["model", "eval", "query"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module each `crate::NAME` on `line` refers to (`(root)` for lib.rs's own
/// items), outside comments.
fn references(line: &str, modules: &[String]) -> Vec<String> {
    let trimmed = line.trim_start();
    if trimmed.starts_with("//") {
        return Vec::new();
    }
    let code = trimmed.split(" //").next().unwrap_or(trimmed);
    code.match_indices("crate::")
        .filter(|(i, _)| {
            // Not `vnetlab_crate::` or the like.
            !code[..*i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        })
        .map(|(i, _)| {
            let name: String = code[i + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if modules.contains(&name) {
                name
            } else {
                "(root)".to_string()
            }
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The edges between top-level modules: (from, to) → the first place each is written.
fn edges(src: &Path) -> (Vec<String>, BTreeMap<(String, String), String>) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut modules: Vec<String> = files
        .iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(src).unwrap();
            let first = rel.components().next()?.as_os_str().to_str()?;
            let name = first.strip_suffix(".rs").unwrap_or(first);
            (name != "lib").then(|| name.to_string())
        })
        .collect();
    modules.sort();
    modules.dedup();
    let mut out = BTreeMap::new();
    for p in &files {
        let rel = p.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap();
        let from = first.strip_suffix(".rs").unwrap_or(first).to_string();
        if from == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap();
        for (n, line) in text.lines().enumerate() {
            for to in references(line, &modules) {
                if to != from {
                    out.entry((from.clone(), to))
                        .or_insert_with(|| format!("core/src/{}:{}", rel.display(), n + 1));
                }
            }
        }
    }
    (modules, out)
}

#[test]
fn core_modules_refer_only_to_lower_layers() {
    let src = vnetlab_tests::root().join("core/src");
    let (modules, edges) = edges(&src);
    assert!(modules.len() >= 20, "the modules were found: {modules:?}");
    assert!(
        edges.len() >= 50,
        "the references were found: {}",
        edges.len()
    );
    let unplaced: Vec<_> = modules.iter().filter(|m| layer_of(m).is_none()).collect();
    assert!(
        unplaced.is_empty(),
        "modules in no layer (add them to LAYERS and ARCHITECTURE.md): {unplaced:?}"
    );
    let mut wrong = Vec::new();
    for ((from, to), at) in &edges {
        let (f, t) = (layer_of(from).unwrap(), layer_of(to).unwrap());
        let grouped = ONE_LAYER.contains(&from.as_str()) && ONE_LAYER.contains(&to.as_str());
        if t > f || (t == f && !grouped) {
            wrong.push(format!(
                "{at}: {from} (layer {f}) refers to {to} (layer {t})"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "references up or across the layers (move what both use down a layer):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_finds_references_and_skips_comments() {
    let modules = vec!["model".to_string(), "trace".to_string()];
    assert_eq!(
        references("use crate::model::Design; // crate::trace", &modules),
        vec!["model"]
    );
    assert_eq!(
        references("    x = crate::trace::f(crate::load(y));", &modules),
        vec!["trace", "(root)"]
    );
    assert!(references("/// [`crate::trace`]", &modules).is_empty());
    assert!(references("use other_crate::trace;", &modules).is_empty());
}
