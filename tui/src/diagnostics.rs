//! Diagnostics on the terminal.

use crate::cli::ColorChoice;
use vnetlab_core::diag::Diagnostic;

/// Prints `diags` of a file whose bytes are `bytes` to standard error.
pub fn eprint(diags: &[Diagnostic], bytes: &[u8], _color: ColorChoice) {
    let source = String::from_utf8_lossy(bytes);
    for d in diags {
        eprint!("{}", d.render(Some(&source)));
    }
}
