//! Applying one edit to a design under test, as `vnetlab` would after editing the file.

use super::Failure;
use crate::model::{BuildOptions, Design};
use crate::whatif::Edit;

/// The design after one edit: the edit applied to its file records, then rebuilt with
/// `opts`. Fails (with the diagnostics) if the edited design is not valid.
pub fn edited(d: &Design, edit: &Edit, opts: &BuildOptions) -> Result<Design, Failure> {
    let file = edit
        .apply(&d.file)
        .map_err(|e| Failure::new(format!("cannot apply `{edit}`: {e}")))?;
    let loaded = crate::rebuild(&d.name, &file, opts);
    loaded.design.ok_or_else(|| {
        let diags: Vec<String> = loaded.diagnostics.iter().map(|x| x.render(None)).collect();
        Failure::new(format!(
            "after `{edit}` the design is not valid:\n{}",
            diags.join("\n")
        ))
    })
}

/// Loads a design from its bytes for testing; fails with every diagnostic, rendered against
/// the source, if it is not valid.
pub fn load_design(name: &str, bytes: &[u8], opts: &BuildOptions) -> Result<Design, Failure> {
    let loaded = crate::load(name, bytes, opts);
    let source = std::str::from_utf8(bytes).ok();
    loaded.design.ok_or_else(|| {
        let diags: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(|x| x.render(source))
            .collect();
        Failure::new(format!(
            "{name} is not a valid design:\n{}",
            diags.join("\n")
        ))
    })
}
