//! Bundles the designs of `topologies/*.yaml` into the app at compile time: writes
//! `$OUT_DIR/scenarios.rs`, a sorted `&[(name, text)]` of `include_str!`s. No network, no server.

use std::{env, fs, path::PathBuf};

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../topologies");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"));
    files.sort();
    let mut out = String::from(
        "/// Bundled designs: (name, YAML text), sorted by name.\npub const SCENARIOS: &[(&str, &str)] = &[\n",
    );
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p.file_stem().unwrap().to_string_lossy();
        let abs = fs::canonicalize(p).unwrap();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var("OUT_DIR").unwrap()).join("scenarios.rs");
    fs::write(dest, out).unwrap();
}
