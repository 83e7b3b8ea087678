//! Checks of the waivers (`accept:`) when a design loads: each names a finding kind the audit
//! knows, says why and who owns it, and is written once. Whether it still matches a finding is
//! for `vnetlab audit` to say (it needs the findings and today's date).

use crate::diag::{Diagnostics, did_you_mean};
use crate::finding_kinds::{KINDS, kind};
use crate::format::TopologyFile;
use std::collections::BTreeMap;

/// Reports malformed and duplicate waivers.
pub(super) fn accept(f: &TopologyFile, diags: &mut Diagnostics) {
    let mut seen = BTreeMap::new();
    for a in &f.accept {
        let id = &a.finding.value;
        if kind(id).is_none() {
            let d = diags.error(
                a.finding.span(),
                "waiver",
                format!("`{id}` is not a finding kind"),
            );
            match did_you_mean(id, KINDS.iter().map(|k| k.id)) {
                Some(k) => d.help(format!("did you mean `{k}`?")),
                None => d.help("docs/aml.md lists the finding kinds"),
            };
        }
        for (what, text) in [("justification", &a.justification), ("owner", &a.owner)] {
            if text.trim().is_empty() {
                diags
                    .error(a.pos.0, "waiver", format!("the waiver's `{what}` is empty"))
                    .help("an accepted finding says why it is accepted and who owns the exception");
            }
        }
        let key = (id.clone(), a.resource.value.clone());
        if let Some(first) = seen.insert(key, a.pos.0) {
            diags
                .warning(
                    a.pos.0,
                    "waiver-duplicate",
                    format!(
                        "a second waiver for {id} on {}; the first one applies",
                        a.resource.value
                    ),
                )
                .help("keep one waiver per finding and element")
                .related(first, "first defined here");
        }
    }
}
