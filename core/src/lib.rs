//! vnetlab-core: an offline simulator of Azure network designs for Azure Machine Learning.
//!
//! Pure: no IO, clock, environment, randomness or threads. The shells (`vnetlab` CLI and
//! terminal app, the browser app) read files and print what this crate computes.
//!
//! The pipeline: [`format::read`] (bytes → records, with diagnostics) → [`model::build`]
//! (records → validated [`model::Design`]) → analyses ([`trace()`], [`check()`], [`reach`])
//! whose results carry their explanation. [`load`] runs the first two steps.

pub mod aml;
pub mod check;
pub mod diag;
pub mod diff;
pub mod edit;
pub mod eval;
pub mod finding_kinds;
pub mod format;
pub mod generate;
pub mod incremental;
pub mod model;
pub mod net;
pub mod outline;
pub mod query;
pub mod reach;
pub mod regions;
pub mod render;
pub mod reread;
pub mod session;
pub mod syntax;
pub mod tags;
#[cfg(feature = "testing")]
pub mod testing;
pub mod trace;
pub mod whatif;

pub use check::check;
pub use trace::trace;

use diag::{Diagnostic, Diagnostics};
use model::{BuildOptions, Design};

/// A loaded file: the design when it is valid, and every diagnostic (warnings may come with a
/// design; errors never do).
#[derive(Debug)]
pub struct Loaded {
    /// The validated design.
    pub design: Option<Design>,
    /// Every problem found, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and validates a topology file.
pub fn load(file_name: &str, bytes: &[u8], opts: &BuildOptions) -> Loaded {
    let mut diags = Diagnostics::new(file_name);
    let design =
        format::read(bytes, &mut diags).and_then(|f| model::build_owned(f, opts, &mut diags));
    Loaded {
        design,
        diagnostics: diags.finish(),
    }
}

/// Validates records already in memory (a what-if edit, a design built in code).
pub fn rebuild(file_name: &str, file: &format::TopologyFile, opts: &BuildOptions) -> Loaded {
    let mut diags = Diagnostics::new(file_name);
    let design = model::build(file, opts, &mut diags);
    Loaded {
        design,
        diagnostics: diags.finish(),
    }
}
