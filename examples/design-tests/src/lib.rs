//! The design under test: `designs/aml-private-endpoints.yaml`, or the file named by the
//! `DESIGN` environment variable (relative to this crate), loaded once.
//!
//! ```sh
//! cargo test -p design-tests                                  # the good design: passes
//! DESIGN=designs/broken.yaml cargo test -p design-tests       # the broken copy: fails
//! ```

use std::path::PathBuf;
use std::sync::OnceLock;
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::testing::{Failure, load_design};

/// The design tested when `DESIGN` is not set.
pub const DEFAULT_DESIGN: &str = "designs/aml-private-endpoints.yaml";

/// The path of the design under test: `$DESIGN` (relative to this crate) or [`DEFAULT_DESIGN`].
pub fn design_path() -> PathBuf {
    let rel = std::env::var("DESIGN").unwrap_or_else(|_| DEFAULT_DESIGN.to_string());
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Reads and validates a design file; fails with its diagnostics.
pub fn load(path: &std::path::Path) -> Result<Design, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    load_design(
        &path.display().to_string(),
        &bytes,
        &BuildOptions::default(),
    )
}

/// The design under test, loaded once per test binary. Panics if it cannot be loaded.
pub fn design() -> &'static Design {
    static DESIGN: OnceLock<Design> = OnceLock::new();
    DESIGN.get_or_init(|| load(&design_path()).unwrap_or_else(|e| panic!("{e}")))
}
