//! vnetlab-import: designs written in Azure's own formats, imported as vnetlab designs.
//!
//! Pure, like the core: no IO. Inputs are `(file name, text)` pairs ([`Input`]); the shells read
//! the files. An import gives an [`Imported`]: the design's records, the same design as YAML
//! with a `# source: …` comment on each element, and an [`ImportReport`] of what was dropped,
//! approximated or unknown until deployment, each with its place in the input. Bad input is a
//! list of located [`Diagnostic`]s (file, line, column), never a panic.
//!
//! - [`arm`]: Azure Resource Manager — resource JSON as Azure returns it (`az`, REST, Resource
//!   Graph) and deployment templates (what `az bicep build` writes).
//! - [`emit`]: building the design (shared by every importer).
//! - [`report`]: the report (shared by every importer).

pub mod arm;
pub mod emit;
pub mod report;
pub mod terraform;

pub use report::{ImportReport, Item, Outcome, Source};
use vnetlab_core::diag::Diagnostic;
use vnetlab_core::format::TopologyFile;

/// One input file: its name (as given on the command line; used in every message and source
/// note) and its text.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The file's name.
    pub name: &'a str,
    /// The file's text.
    pub text: &'a str,
}

/// The result of an import.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The design's records.
    pub design: TopologyFile,
    /// The design as YAML, with a `# source:` comment before each element.
    pub yaml: String,
    /// What was dropped, approximated or unknown until deployment.
    pub report: ImportReport,
}

/// Why an import failed: every problem found, each with its file, line and column.
pub type ImportError = Vec<Diagnostic>;

/// The design's name for a set of inputs: the first file's name without directories and
/// extension (`imported` when there is none).
pub fn design_name(inputs: &[Input]) -> String {
    inputs
        .first()
        .map(|i| {
            let base = i.name.rsplit(['/', '\\']).next().unwrap_or(i.name);
            base.split('.').next().unwrap_or(base).to_string()
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "imported".into())
}
