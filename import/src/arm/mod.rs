//! Azure Resource Manager: resource JSON as Azure returns it and deployment templates, imported
//! as a vnetlab design.

use crate::{ImportError, Imported, Input};
use vnetlab_core::diag::{Diagnostics, Span};

/// Imports ARM files: resource JSON (`az … show/list`, REST, Resource Graph) and deployment
/// templates, with an optional deployment parameters file.
pub fn import_arm(inputs: &[Input], parameters: Option<&Input>) -> Result<Imported, ImportError> {
    let _ = parameters;
    let mut diags = Diagnostics::new(inputs.first().map_or("", |i| i.name));
    diags.error(
        Span { line: 1, col: 1 },
        "unsupported",
        "the ARM importer is being built",
    );
    Err(diags.finish())
}
