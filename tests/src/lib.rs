//! Helpers shared by vnetlab's tests: paths to the repository, loading designs, and golden
//! files (`UPDATE_GOLDEN=1` rewrites them).

use std::path::{Path, PathBuf};
use vnetlab_core::model::{BuildOptions, Design};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_path_buf()
}

/// Loads a design from text, panicking with the rendered diagnostics when it is invalid.
pub fn design(name: &str, text: &str) -> Design {
    let loaded = vnetlab_core::load(name, text.as_bytes(), &BuildOptions::default());
    match loaded.design {
        Some(d) => d,
        None => panic!(
            "{name} is invalid:\n{}",
            loaded
                .diagnostics
                .iter()
                .map(|d| d.render(Some(text)))
                .collect::<String>()
        ),
    }
}

/// Loads a file of the repository (path relative to the root).
pub fn design_file(rel: &str) -> Design {
    let text = std::fs::read_to_string(root().join(rel))
        .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
    design(rel, &text)
}

/// The error messages of an invalid design, rendered without source lines.
pub fn errors(text: &str) -> Vec<String> {
    let loaded = vnetlab_core::load("t.yaml", text.as_bytes(), &BuildOptions::default());
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == vnetlab_core::diag::Severity::Error)
        .map(|d| format!("{}:{} {}: {}", d.span.line, d.span.col, d.code, d.message))
        .collect()
}

/// Compares `actual` with the golden file `tests/golden/<name>`; with `UPDATE_GOLDEN=1` it
/// writes the file instead.
pub fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("create golden dir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output at line {}:\n  golden: {:?}\n  actual: {:?}\n(run with UPDATE_GOLDEN=1 to accept)",
            path.display(),
            first + 1,
            expected.lines().nth(first).unwrap_or("<end>"),
            actual.lines().nth(first).unwrap_or("<end>")
        );
    }
}

/// Every bundled topology and broken variant, as paths from the repository root
/// (`topologies/NAME.yaml`, `topologies/broken/NAME.yaml`), sorted.
pub fn topology_files() -> Vec<String> {
    let mut files = Vec::new();
    for dir in ["topologies", "topologies/broken"] {
        let mut names: Vec<String> = std::fs::read_dir(root().join(dir))
            .expect("the topology folders exist")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        names.sort();
        files.extend(names.into_iter().map(|n| format!("{dir}/{n}")));
    }
    files
}
